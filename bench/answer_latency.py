"""`answer()` latency on the bundled knowledge, with and without answering from the posting's text.

    python -m bench.answer_latency [--rounds 20] [--knowledge DIR]

Every labelled question we have (the shared development set and eval/*.yaml) is answered `--rounds` times
by the bundled knowledge as it is, and — interleaved, in the same run, so both see the same machine — by a
bare baseline: the same knowledge without its posting text and with asking back turned off, i.e. the bot
before quoting. Printed: p50 / p99 / max in milliseconds for both, and for the questions the full bot
answers with a quote; then the same over each question's fastest round, which other work on a shared
machine can only slow down, never speed up: the question's own cost.
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import yaml

from bot.answer import answer
from bot.knowledge.loader import Knowledge, load_knowledge

ROOT = Path(__file__).resolve().parent.parent
CASE_FILES = [
    ROOT.parent / "shared" / "eval" / "posting-questions-dev.yaml",
    *sorted((ROOT / "eval").glob("*.yaml")),
]


def bare(knowledge: Knowledge) -> Knowledge:
    """The knowledge as the bot had it before quoting: no posting text, no asking back."""
    postings = {pid: dataclasses.replace(p, text=None) for pid, p in knowledge.postings.items()}
    settings = knowledge.settings.model_copy(update={"ask_back": 1.0})
    return dataclasses.replace(knowledge, postings=postings, settings=settings)


def questions() -> list[str]:
    found: list[str] = []
    for path in CASE_FILES:
        if path.is_file():
            found += [str(case["question"]) for case in yaml.safe_load(path.read_text(encoding="utf-8"))]
        else:  # a checkout elsewhere than beside ../shared: figures from it compare with no other run
            print(f"note: {path} not found; measuring without its questions", file=sys.stderr)
    return found


def figures(ms: Sequence[float]) -> str:
    if not ms:
        return "-"
    return f"{np.percentile(ms, 50):.3f} / {np.percentile(ms, 99):.3f} / {max(ms):.3f}"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--knowledge", type=Path, default=ROOT / "knowledge")
    args = parser.parse_args(argv)
    full = load_knowledge(args.knowledge)
    baseline = bare(full)
    asked = questions()
    timings: dict[str, list[float]] = {"full": [], "baseline": [], "quoted": []}
    fastest: dict[str, list[float]] = {"full": [], "baseline": [], "quoted": []}
    for question in asked:
        rounds: dict[str, list[float]] = {"full": [], "baseline": []}
        quoted = False
        for _ in range(args.rounds):
            for name, knowledge in (("full", full), ("baseline", baseline)):
                start = time.perf_counter()
                reply = answer(knowledge, question)
                rounds[name].append((time.perf_counter() - start) * 1000)
                quoted = quoted or (name == "full" and bool(reply.quotes))
        for name, ms in rounds.items():
            timings[name] += ms
            fastest[name].append(min(ms))
        if quoted:
            timings["quoted"] += rounds["full"]
            fastest["quoted"].append(min(rounds["full"]))
    print(f"{len(asked)} questions x {args.rounds} rounds; answer() p50 / p99 / max, ms")
    print(f"  with quoting and asking back   {figures(timings['full'])}")
    print(f"  bare baseline (same run)       {figures(timings['baseline'])}")
    print(
        f"  replies that quote the posting {figures(timings['quoted'])}  ({len(timings['quoted'])} replies)"
    )
    print("each question's fastest round, p50 / p99 / max over questions, ms")
    print(f"  with quoting and asking back   {figures(fastest['full'])}")
    print(f"  bare baseline (same run)       {figures(fastest['baseline'])}")
    how_many = len(fastest["quoted"])
    print(f"  questions answered with quotes {figures(fastest['quoted'])}  ({how_many} questions)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
