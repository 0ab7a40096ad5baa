# `make run` and `make test` are all a fresh machine needs: each creates .venv and installs into it.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test test-fast lint check eval bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/posting-bot run --or-chat

test: $(STAMP)
	$(BIN)/python -m pytest -q

# The quick loop: everything but the end-to-end tests (processes, sockets) and the slow ones, in seconds.
test-fast: $(STAMP)
	$(BIN)/python -m pytest -q -m "not e2e and not slow"

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy bot tests

check: $(STAMP)
	$(BIN)/posting-bot check

eval: $(STAMP)
	$(BIN)/posting-bot eval ../shared/eval/posting-questions-dev.yaml
	$(BIN)/posting-bot eval eval/holdout-questions.yaml
	$(BIN)/posting-bot eval eval/blind-questions.yaml
	$(BIN)/posting-bot eval eval/quotes-pinterest-dev.yaml
	$(BIN)/posting-bot eval eval/quotes-pinterest-test.yaml
	$(BIN)/posting-bot eval --knowledge eval/imported --posting mercy-icu-nurse eval/quotes-mercy-icu-nurse.yaml
	$(BIN)/posting-bot eval --knowledge eval/imported --posting northgate-warehouse-associate \
		eval/quotes-northgate-warehouse-associate.yaml
	$(BIN)/posting-bot import-eval eval/import/dev
	for voice in terse nonnative typos longwinded formal; do \
		$(BIN)/posting-bot eval --knowledge eval/round1/knowledge --posting pinterest-backend-engineer \
			eval/round1/$$voice.yaml || exit 1; done
	$(BIN)/posting-bot eval --knowledge eval/round1/knowledge --posting riverside-registered-nurse eval/round1/nurse.yaml
	$(BIN)/posting-bot eval --knowledge eval/round1/knowledge --posting northstar-warehouse-associate eval/round1/warehouse.yaml
	$(BIN)/posting-bot eval --knowledge eval/round1/knowledge --posting bloomfield-marketing-intern eval/round1/intern.yaml
	for set in rambling typos casual esl quotes-pinterest; do \
		$(BIN)/posting-bot eval --knowledge eval/round2/knowledge --posting pinterest-backend-engineer \
			eval/round2/$$set.yaml || exit 1; done
	$(BIN)/posting-bot eval --knowledge eval/round2/knowledge --posting brightsmile-dental-assistant eval/round2/dental.yaml
	$(BIN)/posting-bot eval --knowledge eval/round2/knowledge --posting harbor-line-cook eval/round2/cook.yaml
	$(BIN)/posting-bot eval --knowledge eval/round2/knowledge --posting oakline-shift-supervisor \
		eval/round2/quotes-supervisor.yaml
	for set in changer phone hr blunt quotes-pinterest; do \
		$(BIN)/posting-bot eval --knowledge eval/round3/knowledge --posting pinterest-backend-engineer \
			eval/round3/$$set.yaml || exit 1; done
	$(BIN)/posting-bot eval --knowledge eval/round3/knowledge --posting brightsmile-dental-assistant eval/round3/dental.yaml
	$(BIN)/posting-bot eval --knowledge eval/round3/knowledge --posting oakline-shift-supervisor eval/round3/supervisor.yaml
	for set in newgrad abroad slang quotes-pinterest; do \
		$(BIN)/posting-bot eval --knowledge eval/round4/knowledge --posting pinterest-backend-engineer \
			eval/round4/$$set.yaml || exit 1; done
	for set in dental quotes-dental; do \
		$(BIN)/posting-bot eval --knowledge eval/round4/knowledge --posting brightsmile-dental-assistant \
			eval/round4/$$set.yaml || exit 1; done
	$(BIN)/posting-bot eval --knowledge eval/round4/knowledge --posting harbor-line-cook eval/round4/cook.yaml
	$(BIN)/posting-bot eval --knowledge eval/round4/knowledge --posting oakline-shift-supervisor eval/round4/supervisor.yaml
	for set in student staff parent quotes-pinterest; do \
		$(BIN)/posting-bot eval --knowledge eval/round5/knowledge --posting pinterest-backend-engineer \
			eval/round5/$$set.yaml || exit 1; done
	for set in cook quotes-cook; do \
		$(BIN)/posting-bot eval --knowledge eval/round5/knowledge --posting harbor-line-cook \
			eval/round5/$$set.yaml || exit 1; done
	$(BIN)/posting-bot eval --knowledge eval/round5/knowledge --posting brightsmile-dental-assistant eval/round5/dental.yaml
	$(BIN)/posting-bot eval --knowledge eval/round5/knowledge --posting oakline-shift-supervisor eval/round5/supervisor.yaml
	for set in agency short veteran; do \
		$(BIN)/posting-bot eval --knowledge eval/round6/knowledge --posting pinterest-backend-engineer \
			eval/round6/$$set.yaml || exit 1; done
	for set in dental quotes-dental; do \
		$(BIN)/posting-bot eval --knowledge eval/round6/knowledge --posting brightsmile-dental-assistant \
			eval/round6/$$set.yaml || exit 1; done
	for set in supervisor quotes-supervisor; do \
		$(BIN)/posting-bot eval --knowledge eval/round6/knowledge --posting oakline-shift-supervisor \
			eval/round6/$$set.yaml || exit 1; done
	$(BIN)/posting-bot eval --knowledge eval/round6/knowledge --posting harbor-line-cook eval/round6/cook.yaml
	$(BIN)/posting-bot eval --knowledge eval/round3/knowledge --posting harbor-line-cook eval/round3/quotes-cook.yaml

bench: $(STAMP)
	$(BIN)/python -m bench.clinc150
	$(BIN)/python -m bench.answer_latency
	$(BIN)/python -m bench.slack_latency
	$(BIN)/python -m bench.replicas
	$(BIN)/python -m bench.routing
	$(BIN)/python -m bench.scale

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
