"""`check` on large knowledge: thousands of near-duplicate examples make a bounded report, not a flood."""

from __future__ import annotations

import random
from pathlib import Path

import yaml

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
