"""Accuracy floors for `import` on the labelled development postings (eval/import/dev).

The figures themselves, and those on the held-out test set, are in docs/benchmarks.md
(`posting-bot import-eval eval/import/test`)."""

from __future__ import annotations

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
