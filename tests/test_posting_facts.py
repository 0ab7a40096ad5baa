"""The posting facts import writes, as candidates read them: several salary ranges, hourly pay, a remote
mode; and the fixed vocabularies `check` holds recruiters to."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.answer import answer
from bot.knowledge.loader import load_knowledge
from tests.fixtures.kb import MINIMAL_POSTING, copy_bundled, line_of, problems


def ask(tmp_path: Path, facts: str, question: str) -> str:
    directory = copy_bundled(tmp_path / "kb")
    (directory / "postings" / "acme-dev.yaml").write_text(MINIMAL_POSTING + facts, encoding="utf-8")
    return answer(load_knowledge(directory), question, "acme-dev").text


def test_a_salary_per_currency_names_each_range(tmp_path: Path) -> None:
    facts = """\
salary:
  - {min: 90000, max: 110000, currency: CAD, period: year, eligibility: Toronto}
  - {min: 85000, max: 105000, currency: USD, period: year, eligibility: Boston}
"""
    text = ask(tmp_path, facts, "what's the salary range?")
    assert (
        "$90,000\u2013$110,000 CAD per year (Toronto) or $85,000\u2013$105,000 USD per year (Boston)" in text
    )


def test_an_hourly_wage_and_a_single_rate(tmp_path: Path) -> None:
    text = ask(tmp_path, "salary: {min: 38.5, max: 52, currency: USD, period: hour}\n", "what does it pay?")
    assert "$38.50\u2013$52.00 USD per hour" in text
    one = ask(
        tmp_path / "b", "salary: {min: 19.75, max: 19.75, currency: GBP, period: hour}\n", "what's the pay?"
    )
    assert "£19.75 GBP per hour" in one and "\u2013" not in one


def test_a_hybrid_schedule(tmp_path: Path) -> None:
    facts = "remote: {mode: hybrid, detail: Three days a week in the Austin office.}\n"
    text = ask(tmp_path, facts, "is this role remote?")
    assert "hybrid" in text and "Three days a week in the Austin office." in text


def test_remote_written_as_a_sentence_still_reads_as_its_detail(tmp_path: Path) -> None:
    assert ask(tmp_path, "remote: Fully remote within the EU.\n", "can I work from home?") == (
        "Fully remote within the EU."
    )


def test_employment_type_reads_as_words(tmp_path: Path) -> None:
    text = ask(
        tmp_path, "level: {seniority: senior, employment_type: full_time}\n", "what level is this role?"
    )
    assert "senior-level" in text and "full-time" in text


@pytest.mark.parametrize(
    ("facts", "needle", "message"),
    [
        ("salary: {min: 1, max: 2, period: yearly}\n", "salary", "salary.period: Input should be 'year'"),
        ("salary: {min: 1, max: 2, currency: dollars}\n", "salary", "salary.currency: String should match"),
        ("level: {seniority: ninja}\n", "level", "level.seniority: Input should be 'intern'"),
        (
            "level: {employment_type: fulltime}\n",
            "level",
            "level.employment_type: Input should be 'full_time'",
        ),
        ("remote: {mode: sometimes}\n", "remote", "remote.mode: Input should be 'remote'"),
        (
            "salary:\n  - {min: 5, max: 6}\n  - {min: 9, max: 8}\n",
            "min: 9",
            "salary.1: salary min (9) is above",
        ),
        (
            "salary:\n  - {min: 5, max: 6, curency: USD}\n",
            "curency",
            "unknown key 'curency' (did you mean 'currency'?)",
        ),
        ("salary: []\n", "salary", "list at least one range"),
    ],
)
def test_check_holds_postings_to_the_fixed_vocabularies(
    tmp_path: Path, facts: str, needle: str, message: str
) -> None:
    directory = copy_bundled(tmp_path / "kb")
    path = directory / "postings" / "acme-dev.yaml"
    text = MINIMAL_POSTING + facts
    path.write_text(text, encoding="utf-8")
    found = problems(directory)
    assert len(found) == 1, found
    assert found[0].startswith(f"{path}:{line_of(text, needle)}: ") and message in found[0], found
