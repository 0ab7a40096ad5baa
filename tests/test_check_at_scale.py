"""`check` on large knowledge: thousands of near-duplicate examples make a bounded report, not a flood."""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.knowledge import loader
from bot.knowledge.loader import load_knowledge
from bot.matcher import Matcher
from tests.environment import run_cli

COMMON = [
    "how",
    "do",
    "i",
    "can",
    "you",
    "what",
    "is",
    "the",
    "my",
    "a",
    "to",
    "for",
    "please",
    "tell",
    "me",
    "about",
    "want",
    "need",
]


def overlapping_intents(directory: Path, intents: int = 20, per_intent: int = 100) -> Path:
    """Intents whose examples are mostly words every intent uses: many examples match another intent."""
    rng = random.Random(11)
    words = ["".join(rng.choice("bcdfgklmnprst") + rng.choice("aeiou") for _ in range(3)) for _ in range(12)]
    items = []
    for i in range(intents):
        own = rng.sample(words, 4)
        examples = {
            " ".join(rng.sample(COMMON, 4) + rng.sample(own, 1) + rng.sample(words, 1))
            for _ in range(per_intent)
        }
        items.append({"id": f"topic_{i}", "examples": sorted(examples), "answer": f"About topic {i}."})
    (directory / "postings").mkdir(parents=True)
    (directory / "intents.yaml").write_text(yaml.safe_dump({"intents": items}), encoding="utf-8")
    (directory / "postings" / "acme-dev.yaml").write_text("id: acme-dev\ntitle: Developer\ncompany: Acme\n")
    return directory


@pytest.mark.e2e
def test_thousands_of_near_duplicates_are_summed_up(tmp_path: Path) -> None:
    result = run_cli("check", "--knowledge", overlapping_intents(tmp_path / "kb"))
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    warnings = [line for line in lines if line.endswith("(warning)")]
    assert len(warnings) == 100
    more = int(lines[-2].split(" and ")[1].split()[0])
    assert more > 100 and lines[-2].startswith("… and ")
    assert lines[-1] == f"ok: {tmp_path / 'kb'} — 1 posting(s): acme-dev"
    assert len(result.stdout.encode()) < 100_000


@pytest.mark.slow
def test_the_near_duplicate_scan_is_bounded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Ranking every example against every other grows with their square; past a bound `check` ranks an even
    # sample and says so (MAX_SCANNED is 15,000 — lowered here so the test stays quick).
    directory = overlapping_intents(tmp_path / "kb")
    everything = load_knowledge(directory, warnings=True).warnings
    ranked: list[str] = []
    original = Matcher._query

    def counting(self: Matcher, text: str) -> Any:
        ranked.append(text)
        return original(self, text)

    monkeypatch.setattr(loader, "MAX_SCANNED", 500)
    monkeypatch.setattr(Matcher, "_query", counting)
    sampled = load_knowledge(directory, warnings=True).warnings
    assert len(ranked) <= 500
    assert sampled[0].message.startswith("near-duplicates: checked every 4th of 2,000 examples")
    assert set(sampled[1:]) < set(everything)
