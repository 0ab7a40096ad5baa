"""`posting-bot eval` on questions labelled with the words a right reply contains, or `silent`: what a
candidate reads, whichever path made it. Run as a process, as a recruiter would."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.evaluate_text import contains
from tests.conftest import KNOWLEDGE, ROOT
from tests.environment import run_cli
from tests.fixtures.kb import line_of

CASES = """\
- {question: "how many users does Pinterest have?", answer: ["millions of users"]}
- {question: "what's the salary?", answer: "118,938"}
- {question: "how do you feel about poetry?", answer: ["poetry"]}
- {question: "is there an on-call rotation?", answer: silent}
- {question: "is innovation encouraged?", answer: silent}
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "cases.yaml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.e2e
def test_eval_reports_answered_from_the_text_and_silent_kept_silent(tmp_path: Path) -> None:
    result = run_cli("eval", "--knowledge", KNOWLEDGE, write(tmp_path, CASES))
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["cases", "5"]
    assert lines[1].startswith("answered from the text  66.7% of 3  (")
    assert lines[2].startswith("silent kept silent      50.0% of 2  (")
    errors = "\n".join(lines[lines.index("errors:") :])
    assert "'how do you feel about poetry?': expected poetry; got out_of_scope" in errors
    assert "'is innovation encouraged?': expected silent; got quoted, quoting line 7, 16" in errors


@pytest.mark.e2e
def test_eval_json_has_the_figures(tmp_path: Path) -> None:
    result = run_cli("eval", "--knowledge", KNOWLEDGE, "--json", write(tmp_path, CASES))
    figures = json.loads(result.stdout)
    assert (figures["answerable"], figures["answered_from_text"]) == (3, 0.6667)
    assert (figures["silent"], figures["silent_kept_silent"]) == (2, 0.5)
    assert figures["answerable_outcomes"] == {"quoted": 1, "answered": 1, "out_of_scope": 1}
    assert figures["latency_ms_p99"] > 0


@pytest.mark.e2e
def test_a_bad_case_is_reported_at_its_line(tmp_path: Path) -> None:
    text = CASES + "- {question: what now, answer: 42}\n"
    path = write(tmp_path, text)
    result = run_cli("eval", "--knowledge", KNOWLEDGE, path)
    assert result.returncode == 1
    assert result.stderr.startswith(f"{path}:{line_of(text, 'what now')}: case 6: answer")
    assert result.stdout == ""


@pytest.mark.e2e
def test_tune_needs_intent_labels(tmp_path: Path) -> None:
    result = run_cli("eval", "--knowledge", KNOWLEDGE, "--tune", write(tmp_path, CASES))
    assert result.returncode == 2
    assert "--tune needs cases labelled with intents" in result.stderr


def test_key_words_match_whatever_the_case_dash_or_unicode_form() -> None:
    assert contains("The range is $118,938\u2013$244,872 USD.", ["118,938-$244,872", "usd"])
    assert contains("Strong collaboration and communication skills.", ["COMMUNICATION"])
    assert not contains("Strong collaboration skills.", ["collaboration", "communication"])


@pytest.mark.e2e
@pytest.mark.parametrize(
    ("posting", "answered", "silent"),
    [("mercy-icu-nurse", 0.65, 0.95), ("northgate-warehouse-associate", 0.6, 0.85)],
)
def test_floors_on_postings_beyond_the_seed(posting: str, answered: float, silent: float) -> None:
    """Two postings in other fields (eval/imported: facts and text, the shared intents): quoting is not
    tuned to one posting's wording. Floors a little under today's figures (docs/benchmarks.md)."""
    cases = ROOT / "eval" / f"quotes-{posting}.yaml"
    result = run_cli("eval", "--knowledge", ROOT / "eval" / "imported", "--posting", posting, "--json", cases)
    assert result.returncode == 0, result.stderr
    figures = json.loads(result.stdout)
    assert figures["answered_from_text"] >= answered, figures["errors"]
    assert figures["silent_kept_silent"] >= silent, figures["errors"]
