"""Explaining matches: near-duplicate warnings from `check`, confused pairs from `eval`, examples in `ask`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.environment import run_cli
from tests.fixtures.kb import MINIMAL_POSTING, line_of, write_knowledge

pytestmark = pytest.mark.e2e

INTENTS = """\
intents:
  - id: salary
    examples:
      - what is the salary
      - how much does the job pay
      - what is the pay range
    answer: The salary is good.
  - id: equity
    examples:
      - is there equity
      - do I get stock options
      - what is the equity grant
    answer: There is equity.
  - id: location
    examples:
      - where is the office
      - which city is the job in
      - what is the office address
    answer: The office is downtown.
"""
# A recruiter filed a salary question under equity, worded like salary's own examples.
NEAR_DUPLICATE = INTENTS.replace(
    "      - what is the equity grant\n",
    "      - what is the equity grant\n      - what is the salary range\n",
)


def knowledge(tmp_path: Path, intents: str) -> Path:
    return write_knowledge(tmp_path / "kb", intents, {"acme-dev.yaml": MINIMAL_POSTING})


def test_check_warns_about_an_example_another_intent_answers(tmp_path: Path) -> None:
    directory = knowledge(tmp_path, NEAR_DUPLICATE)
    result = run_cli("check", "--knowledge", directory)
    assert result.returncode == 0, result.stdout + result.stderr
    warnings = [line for line in result.stdout.splitlines() if line.endswith("(warning)")]
    line = line_of(NEAR_DUPLICATE, "what is the salary range")
    assert len(warnings) == 1, result.stdout
    assert warnings[0].startswith(f"{directory / 'intents.yaml'}:{line}: example 'what is the salary range'")
    assert "of 'equity' is answered as 'salary'" in warnings[0]
    assert "nearest 'what is the salary'" in warnings[0]
    assert result.stdout.splitlines()[-1].startswith("ok: ")


def test_check_has_no_warnings_for_distinct_examples(tmp_path: Path) -> None:
    result = run_cli("check", "--knowledge", knowledge(tmp_path, INTENTS))
    assert result.returncode == 0
    assert "(warning)" not in result.stdout


def test_eval_names_the_most_confused_intent_pairs(tmp_path: Path) -> None:
    cases = tmp_path / "cases.yaml"
    cases.write_text(
        "- {question: what is the salary range, expect: equity}\n"  # taught wrong: salary wins
        "- {question: is the salary range public, expect: equity}\n"
        "- {question: which office, expect: location}\n",
        encoding="utf-8",
    )
    directory = knowledge(tmp_path, INTENTS)
    result = run_cli("eval", "--knowledge", directory, cases)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    at = lines.index("most confused intent pairs (either way):")
    assert lines[at + 1].split() == ["2", "equity", "<->", "salary"]
    error = next(line for line in lines if line.startswith("  'what is the salary range'"))
    assert "expected equity, got salary (" in error
    assert error.endswith("; nearest: salary 'what is the salary')")  # the example that won, and its intent
    figures = json.loads(run_cli("eval", "--knowledge", directory, "--json", cases).stdout)
    assert figures["confused_pairs"] == [{"intents": ["equity", "salary"], "count": 2}]


def test_ask_json_shows_the_example_behind_each_candidate(tmp_path: Path) -> None:
    result = run_cli("ask", "--knowledge", knowledge(tmp_path, INTENTS), "--json", "do I get stock")
    best = json.loads(result.stdout)["candidates"][0]
    assert (best["intent"], best["example"]) == ("equity", "do I get stock options")
    assert 0 < best["score"] <= 1
