"""CLINC150 under its paper's "oos-threshold" protocol, through the real loader and matcher.

    python -m bench.clinc150 [PATH]     (default: ../shared/benchmarks/clinc150/data_full.json)
    python -m bench.clinc150 --validation [PATH]     figures on val + oos_val, test never read

The data is read from PATH and never copied into the repository. `train` becomes a real knowledge directory
(intents.yaml + one minimal posting, plain-text answers) in a temp dir, loaded with `load_knowledge`, so the
load + index time is what a recruiter's 15,000-example knowledge would cost. The one out-of-scope threshold
is chosen on val + oos_val (best 151-class accuracy) and the figures are reported on test + oos_test.

What is measured is `Matcher.rank` top-1 — the protocol's classifier. The `answer()` path (what candidates
get) is also run on test with the same threshold and no did-you-mean margin; it differs only where a message
is split into several questions.

`--validation` reports the full variant on val + oos_val (the threshold tuned there too) and never reads the
test split: the way to check a matcher change without tuning to test.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import resource
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import yaml

from bot.answer import answer
from bot.knowledge.loader import Knowledge, load_knowledge
from bot.knowledge.schema import MatchSettings
from bot.matcher import Matcher

DEFAULT_DATA = Path("../shared/benchmarks/clinc150/data_full.json")
OOS = "oos"
FEW_SHOT = 10  # the few-shot variant keeps the first this-many training utterances per intent
POSTING_ID = "clinc150"

Pair = tuple[str, str]  # (utterance, intent); out-of-scope utterances are labelled "oos"


@dataclass(frozen=True)
class Prediction:
    gold: str
    intent: str  # the matcher's top intent, before the threshold
    score: float


@dataclass(frozen=True)
class Figures:
    variant: str
    examples: int
    load_seconds: float
    threshold: float
    val_accuracy: float  # 151 classes, val + oos_val, at the chosen threshold
    in_scope_accuracy: float  # test: an out-of-scope prediction on an in-scope query is wrong
    oos_recall: float  # oos_test
    closed_accuracy: float  # test, never predicting out-of-scope
    p50_ms: float
    p99_ms: float


def read_dataset(path: Path) -> dict[str, list[Pair]]:
    data = json.loads(path.read_text(encoding="utf-8"))
    return {split: [(str(text), str(label)) for text, label in pairs] for split, pairs in data.items()}


def few_shot(train: Sequence[Pair], per_intent: int = FEW_SHOT) -> list[Pair]:
    kept: dict[str, int] = {}
    out = []
    for text, intent in train:
        if kept.get(intent, 0) < per_intent:
            kept[intent] = kept.get(intent, 0) + 1
            out.append((text, intent))
    return out


def write_knowledge(directory: Path, train: Sequence[Pair]) -> Path:
    """A knowledge directory such as a recruiter could write: one intent per label, plain-text answers."""
    examples: dict[str, list[str]] = {}
    for text, intent in train:
        examples.setdefault(intent, []).append(text)
    intents = [{"id": i, "examples": texts, "answer": f"Answer for {i}."} for i, texts in examples.items()]
    (directory / "postings").mkdir(parents=True)
    (directory / "intents.yaml").write_text(
        yaml.safe_dump({"intents": intents}, allow_unicode=True, sort_keys=False), encoding="utf-8"
    )
    (directory / "postings" / f"{POSTING_ID}.yaml").write_text(
        f"id: {POSTING_ID}\ntitle: Benchmark\ncompany: CLINC\n", encoding="utf-8"
    )
    return directory


def predict(
    matcher: Matcher, pairs: Sequence[Pair], latencies: list[float] | None = None
) -> list[Prediction]:
    """Top intent and score per utterance, one question at a time (each call timed into `latencies`)."""
    out = []
    for text, gold in pairs:
        start = time.perf_counter()
        top = matcher.rank(text, limit=1)[0]
        if latencies is not None:
            latencies.append(time.perf_counter() - start)
        out.append(Prediction(gold, top.intent, top.score))
    return out


def tune_threshold(predictions: Sequence[Prediction]) -> tuple[float, float]:
    """The threshold (answer when score >= it) with the best 151-class accuracy, and that accuracy.

    Every distinct score is a candidate, plus one above them all (everything out of scope); ties go to the
    lowest threshold, which answers the most.
    """
    scores = np.asarray([p.score for p in predictions])
    right = np.asarray([p.intent == p.gold for p in predictions])
    oos = np.asarray([p.gold == OOS for p in predictions])
    candidates = np.append(np.unique(scores), np.inf)
    answered = scores[None, :] >= candidates[:, None]
    correct = np.where(answered, right & ~oos, oos).sum(axis=1)
    best = int(np.argmax(correct))
    return float(candidates[best]), float(correct[best] / len(predictions))


def accuracy(predictions: Sequence[Prediction], threshold: float) -> float:
    hits = sum((p.intent if p.score >= threshold else OOS) == p.gold for p in predictions)
    return hits / len(predictions) if predictions else 0.0


def run(
    variant: str, train: Sequence[Pair], data: dict[str, list[Pair]], split: str = "test"
) -> tuple[Figures, Knowledge]:
    with tempfile.TemporaryDirectory() as tmp:
        directory = write_knowledge(Path(tmp) / "knowledge", train)
        start = time.perf_counter()
        knowledge = load_knowledge(directory)
        load_seconds = time.perf_counter() - start
    matcher = knowledge.posting(POSTING_ID).matcher
    assert isinstance(matcher, Matcher), "the loader builds the intent matcher this measures"
    threshold, val_accuracy = tune_threshold(predict(matcher, data["val"] + data["oos_val"]))
    latencies: list[float] = []
    test = predict(matcher, data[split], latencies)
    oos_test = predict(matcher, data[f"oos_{split}"], latencies)
    ms = np.asarray(latencies) * 1000
    figures = Figures(
        variant=variant,
        examples=matcher.size,
        load_seconds=load_seconds,
        threshold=threshold,
        val_accuracy=val_accuracy,
        in_scope_accuracy=accuracy(test, threshold),
        oos_recall=accuracy(oos_test, threshold),
        closed_accuracy=accuracy(test, -np.inf),
        p50_ms=float(np.percentile(ms, 50)),
        p99_ms=float(np.percentile(ms, 99)),
    )
    return figures, knowledge


def answer_path(knowledge: Knowledge, threshold: float, data: dict[str, list[Pair]]) -> tuple[float, float]:
    """In-scope accuracy and oos recall on test through `answer()`, with the matcher's threshold."""
    tuned = dataclasses.replace(knowledge, settings=MatchSettings(threshold=min(threshold, 1.0), margin=0.0))

    def rate(pairs: Sequence[Pair], expected: Callable[[str], list[str]]) -> float:
        hits = sum(answer(tuned, text, POSTING_ID).intents == expected(gold) for text, gold in pairs)
        return hits / len(pairs) if pairs else 0.0

    return rate(data["test"], lambda gold: [gold]), rate(data["oos_test"], lambda _: [])


def format_table(rows: Sequence[Figures]) -> str:
    header = (
        f"{'variant':<9} {'examples':>8} {'load+index':>10} {'threshold':>9} {'val acc':>7} "
        f"{'in-scope':>8} {'oos rec':>7} {'closed':>6} {'p50 ms':>6} {'p99 ms':>6}"
    )
    lines = [header, "-" * len(header)]
    for r in rows:
        lines.append(
            f"{r.variant:<9} {r.examples:>8} {r.load_seconds:>9.2f}s {r.threshold:>9.4f} "
            f"{r.val_accuracy:>7.3f} {r.in_scope_accuracy:>8.3f} {r.oos_recall:>7.3f} "
            f"{r.closed_accuracy:>6.3f} {r.p50_ms:>6.3f} {r.p99_ms:>6.3f}"
        )
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.clinc150", description=__doc__.splitlines()[0])
    parser.add_argument("path", nargs="?", type=Path, default=DEFAULT_DATA, help="CLINC150 data_full.json")
    parser.add_argument("--no-answer-path", action="store_true", help="skip the answer() comparison")
    parser.add_argument(
        "--validation", action="store_true", help="full variant, figures on val + oos_val; test is never read"
    )
    args = parser.parse_args(argv)
    if not args.path.is_file():
        print(f"bench.clinc150: no such file: {args.path}", file=sys.stderr)
        return 2
    data = read_dataset(args.path)
    if args.validation:
        full, _ = run("full", data["train"], data, split="val")
        print(f"CLINC150 ({args.path.name}), validation only: threshold and figures on val + oos_val")
        print(format_table([full]))
        return 0
    full, knowledge = run("full", data["train"], data)
    few, _ = run(f"{FEW_SHOT}-shot", few_shot(data["train"]), data)
    print(f"CLINC150 ({args.path.name}), oos-threshold protocol: threshold on val + oos_val, figures on test")
    print(format_table([full, few]))
    if not args.no_answer_path:
        in_scope, recall = answer_path(knowledge, full.threshold, data)
        print(f"answer() path, full, same threshold, no margin: in-scope {in_scope:.3f}, oos {recall:.3f}")
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory (max RSS of this process): {peak_mb:.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
