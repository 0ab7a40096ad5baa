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

# $(call round_eval,ROUND,POSTING,SETS): a round's labelled sets (eval/ROUND/SET.yaml) about one posting.
round_eval = for set in $(3); do \
	$(BIN)/posting-bot eval --knowledge eval/$(1)/knowledge --posting $(2) eval/$(1)/$$set.yaml || exit 1; done

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
	$(call round_eval,round1,pinterest-backend-engineer,terse nonnative typos longwinded formal)
	$(call round_eval,round1,riverside-registered-nurse,nurse)
	$(call round_eval,round1,northstar-warehouse-associate,warehouse)
	$(call round_eval,round1,bloomfield-marketing-intern,intern)
	$(call round_eval,round2,pinterest-backend-engineer,rambling typos casual esl quotes-pinterest)
	$(call round_eval,round2,brightsmile-dental-assistant,dental)
	$(call round_eval,round2,harbor-line-cook,cook)
	$(call round_eval,round2,oakline-shift-supervisor,quotes-supervisor)
	$(call round_eval,round3,pinterest-backend-engineer,changer phone hr blunt quotes-pinterest)
	$(call round_eval,round3,brightsmile-dental-assistant,dental)
	$(call round_eval,round3,oakline-shift-supervisor,supervisor)
	$(call round_eval,round3,harbor-line-cook,quotes-cook)
	$(call round_eval,round4,pinterest-backend-engineer,newgrad abroad slang quotes-pinterest)
	$(call round_eval,round4,brightsmile-dental-assistant,dental quotes-dental)
	$(call round_eval,round4,harbor-line-cook,cook)
	$(call round_eval,round4,oakline-shift-supervisor,supervisor)
	$(call round_eval,round5,pinterest-backend-engineer,student staff parent quotes-pinterest)
	$(call round_eval,round5,harbor-line-cook,cook quotes-cook)
	$(call round_eval,round5,brightsmile-dental-assistant,dental)
	$(call round_eval,round5,oakline-shift-supervisor,supervisor)
	$(call round_eval,round6,pinterest-backend-engineer,agency short veteran)
	$(call round_eval,round6,brightsmile-dental-assistant,dental quotes-dental)
	$(call round_eval,round6,oakline-shift-supervisor,supervisor quotes-supervisor)
	$(call round_eval,round6,harbor-line-cook,cook)
	$(call round_eval,round7,harbor-line-cook,cook-es)
	$(call round_eval,round7,brightsmile-dental-assistant,dental-spanglish)
	$(call round_eval,round7,oakline-shift-supervisor,supervisor-es)
	$(call round_eval,round7,pinterest-backend-engineer,pinterest-esl)
	$(call round_eval,round8,pinterest-backend-engineer,pinterest-es)
	$(call round_eval,round8,brightsmile-dental-assistant,dental-es)
	$(call round_eval,round8,oakline-shift-supervisor,supervisor-spanglish supervisor-en)
	$(call round_eval,round8,harbor-line-cook,cook-es-long)
	$(call round_eval,round9,pinterest-backend-engineer,pinterest-terse pinterest-longwinded quotes-pinterest)
	$(call round_eval,round9,brightsmile-dental-assistant,dental-esl quotes-dental)
	$(call round_eval,round9,harbor-line-cook,cook-typos)
	$(call round_eval,round9,oakline-shift-supervisor,supervisor-formal)
	$(call round_eval,round10,harbor-line-cook,cook-newcomer quotes-cook)
	$(call round_eval,round10,brightsmile-dental-assistant,dental-parent)
	$(call round_eval,round10,pinterest-backend-engineer,pinterest-international)
	$(call round_eval,round10,oakline-shift-supervisor,quotes-supervisor supervisor-blunt supervisor-mixed)
	$(call round_eval,round11,harbor-line-cook,cook-veteran quotes-cook)
	$(call round_eval,round11,brightsmile-dental-assistant,dental-career-change dental-mixed)
	$(call round_eval,round11,pinterest-backend-engineer,pinterest-student quotes-pinterest)
	$(call round_eval,round11,oakline-shift-supervisor,supervisor-esl)
	$(call round_eval,round12,harbor-line-cook,cook-esl)
	$(call round_eval,round12,brightsmile-dental-assistant,dental-terse quotes-dental)
	$(call round_eval,round12,pinterest-backend-engineer,pinterest-formal pinterest-mixed)
	$(call round_eval,round12,oakline-shift-supervisor,quotes-supervisor supervisor-parent)
	$(call round_eval,round13,harbor-line-cook,quotes-cook)
	$(call round_eval,round13,brightsmile-dental-assistant,quotes-dental)
	$(call round_eval,round13,pinterest-backend-engineer,quotes-pinterest)
	$(call round_eval,round13,oakline-shift-supervisor,quotes-supervisor)
	$(call round_eval,round14,harbor-line-cook,cook-returner quotes-cook)
	$(call round_eval,round14,brightsmile-dental-assistant,dental-anxious)
	$(call round_eval,round14,pinterest-backend-engineer,pinterest-british pinterest-negotiator quotes-pinterest)
	$(call round_eval,round14,oakline-shift-supervisor,supervisor-phone)
	$(call round_eval,round15,harbor-line-cook,cook-student)
	$(call round_eval,round15,brightsmile-dental-assistant,dental-returning quotes-dental)
	$(call round_eval,round15,pinterest-backend-engineer,pinterest-indian-english pinterest-skeptic)
	$(call round_eval,round15,oakline-shift-supervisor,quotes-supervisor supervisor-manager)
	$(call round_eval,round16,harbor-line-cook,cook-spanish quotes-cook)
	$(call round_eval,round16,brightsmile-dental-assistant,dental-graduate)
	$(call round_eval,round16,pinterest-backend-engineer,pinterest-bootcamp pinterest-parent quotes-pinterest)
	$(call round_eval,round16,oakline-shift-supervisor,supervisor-student)
	$(call round_eval,round17,harbor-line-cook,cook-veteran)
	$(call round_eval,round17,pinterest-backend-engineer,pinterest-junior pinterest-plain pinterest-senior quotes-pinterest)
	$(call round_eval,round17,oakline-shift-supervisor,quotes-supervisor supervisor-parent)
	$(call round_eval,round18,harbor-line-cook,cook-office-changer)
	$(call round_eval,round18,brightsmile-dental-assistant,dental-vietnamese quotes-dental)
	$(call round_eval,round18,pinterest-backend-engineer,pinterest-careful pinterest-casual quotes-pinterest)
	$(call round_eval,round18,oakline-shift-supervisor,supervisor-retired-teacher)
	$(call round_eval,round19,harbor-line-cook,cook-young quotes-cook)
	$(call round_eval,round19,brightsmile-dental-assistant,dental-bilingual)
	$(call round_eval,round19,pinterest-backend-engineer,pinterest-everyday pinterest-switcher quotes-pinterest)
	$(call round_eval,round19,oakline-shift-supervisor,supervisor-night)
	$(call round_eval,round20,harbor-line-cook,cook-career)
	$(call round_eval,round20,brightsmile-dental-assistant,dental-newgrad quotes-dental)
	$(call round_eval,round20,pinterest-backend-engineer,pinterest-hurried pinterest-returner quotes-pinterest)
	$(call round_eval,round20,oakline-shift-supervisor,supervisor-retail)
	$(call round_eval,round21,harbor-line-cook,cook-formal)
	$(call round_eval,round21,brightsmile-dental-assistant,dental-parent)
	$(call round_eval,round21,pinterest-backend-engineer,pinterest-brazil pinterest-mobile quotes-pinterest)
	$(call round_eval,round21,oakline-shift-supervisor,quotes-supervisor supervisor-student)
	$(call round_eval,round22,harbor-line-cook,cook-teen quotes-cook)
	$(call round_eval,round22,brightsmile-dental-assistant,dental-spanish)
	$(call round_eval,round22,pinterest-backend-engineer,pinterest-parent pinterest-sre quotes-pinterest)
	$(call round_eval,round22,oakline-shift-supervisor,supervisor-veteran)
	$(call round_eval,round23,harbor-line-cook,cook-chef)
	$(call round_eval,round23,brightsmile-dental-assistant,dental-hygstudent quotes-dental)
	$(call round_eval,round23,pinterest-backend-engineer,pinterest-datasci pinterest-german)
	$(call round_eval,round23,oakline-shift-supervisor,supervisor-filipino quotes-supervisor)
	$(call round_eval,round24,harbor-line-cook,cook-teen quotes-cook)
	$(call round_eval,round24,brightsmile-dental-assistant,dental-careerchanger)
	$(call round_eval,round24,pinterest-backend-engineer,pinterest-indian pinterest-jargon quotes-pinterest)
	$(call round_eval,round24,oakline-shift-supervisor,supervisor-warehouse)

bench: $(STAMP)
	$(BIN)/python -m bench.clinc150
	$(BIN)/python -m bench.answer_latency
	$(BIN)/python -m bench.slack_latency
	$(BIN)/python -m bench.replicas
	$(BIN)/python -m bench.routing
	$(BIN)/python -m bench.scale

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
