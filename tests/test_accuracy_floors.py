"""Accuracy floors on our own labelled sets, written without sight of the knowledge's examples.

The floors sit a little under today's figures (docs/benchmarks.md): they catch a knowledge edit or a
matcher change that loses ground, not noise. Declining stays cheaper than a confident wrong answer, so
out-of-scope recall has the higher floor.
"""

from __future__ import annotations

import functools
import json
from typing import Any

import pytest

from tests.conftest import KNOWLEDGE, ROOT
from tests.environment import run_cli

pytestmark = pytest.mark.e2e

FLOORS = {
    "holdout-questions.yaml": {"in_scope_accuracy": 0.90, "oos_recall": 0.90},
    "blind-questions.yaml": {"in_scope_accuracy": 0.92, "oos_recall": 0.95, "multi_fully_answered": 1.0},
    # Labelled with the words a right reply contains, or `silent` (see bot/evaluate_text.py).
    "quotes-pinterest-dev.yaml": {"answered_from_text": 0.80, "silent_kept_silent": 0.97},
    "quotes-pinterest-test.yaml": {"answered_from_text": 0.50, "silent_kept_silent": 0.90},
}


@pytest.mark.parametrize(
    ("name", "figure", "floor"),
    [(name, figure, floor) for name, floors in FLOORS.items() for figure, floor in floors.items()],
)
def test_accuracy_floor(name: str, figure: str, floor: float) -> None:
    figures = _figures(name)
    misses = "\n".join(
        f"  {e['question']!r}: expected {e['expected']}, got {e.get('predicted') or e['outcome']}"
        for e in figures["errors"]
    )
    assert figures[figure] >= floor, f"{name}: {figure} = {figures[figure]} < {floor}; misses:\n{misses}"


@functools.cache  # one eval process per set, however many figures are checked
def _figures(name: str) -> dict[str, Any]:
    result = run_cli("eval", "--knowledge", KNOWLEDGE, "--json", ROOT / "eval" / name)
    assert result.returncode == 0, result.stderr
    figures: dict[str, Any] = json.loads(result.stdout)
    return figures
