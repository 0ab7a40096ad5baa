"""Accuracy floors for `import` on the labelled development postings (eval/import/dev).

The figures themselves, and those on the held-out test set, are in docs/benchmarks.md
(`posting-bot import-eval eval/import/test`)."""

from __future__ import annotations

from pathlib import Path

from bot.importer.evaluate import evaluate
from tests.conftest import ROOT

DEV = ROOT / "eval" / "import" / "dev"


def test_import_accuracy_floors_on_the_development_postings() -> None:
    figures = evaluate(DEV).figures()
    assert figures["postings"] >= 10
    assert figures["invented_rate"] <= 0.03, figures["mistakes"]
    assert figures["presence_accuracy"] >= 0.90, figures["mistakes"]
    assert figures["value_accuracy"] >= 0.90, figures["mistakes"]
    # The facts a wrong answer costs most are never invented on this set.
    for fact in ("salary", "relocation", "visa_sponsorship", "remote.mode", "requirements.experience_years"):
        assert figures["per_fact"][fact]["invented"] == 0, fact


def test_the_evaluation_counts_invented_missed_and_wrong_facts(tmp_path: Path) -> None:
    (tmp_path / "cook.txt").write_text(
        "Line Cook\nMaple Diner | Toronto, ON\n\nPay: $18 per hour.\nThis is a full-time role.\n",
        encoding="utf-8",
    )
    # The label says the pay is $19 and lists no employment type, but a relocation the text doesn't state.
    (tmp_path / "cook.expected.yaml").write_text(
        "title: Line Cook\ncompany: Maple Diner\nlocation: {offices: [Toronto, ON]}\n"
        "salary: {min: 19, max: 19, period: hour}\nrelocation: {provided: true}\n",
        encoding="utf-8",
    )
    figures = evaluate(tmp_path).figures()
    per_fact = figures["per_fact"]
    assert per_fact["location.offices"]["right"] == 1  # `ON` is Ontario, not a YAML boolean
    assert per_fact["salary"] == {"found": 1, "rightly_absent": 0, "missed": 0, "invented": 0, "right": 0}
    assert per_fact["level.employment_type"]["invented"] == 1
    assert per_fact["relocation"]["missed"] == 1
    assert per_fact["visa_sponsorship"]["rightly_absent"] == 1
