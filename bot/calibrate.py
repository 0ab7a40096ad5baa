"""`posting-bot eval --tune`: the threshold and margin that serve a labelled set best, through `answer`.

Every (threshold, margin) pair on a grid is scored by what its replies are worth to candidates, so a
confident wrong answer costs more than an honest "I'm not sure". Matching doesn't depend on the settings,
so each question is ranked once and only the decisions are replayed per pair.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from bot.answer import Reply, answer
from bot.evaluate import Case
from bot.knowledge.loader import Knowledge
from bot.knowledge.schema import MatchSettings
from bot.matcher import Candidate
from bot.ranking import Ranker

THRESHOLDS = tuple(round(0.10 + 0.01 * i, 2) for i in range(61))  # 0.10 .. 0.70
MARGINS = tuple(round(0.01 * i, 2) for i in range(11))  # 0.00 .. 0.10

# What a reply is worth. In scope: the right answer 1, a "did you mean" offering it or a partial answer
# (nothing wrong said) 0.5, declining 0, a wrong answer -1. Out of scope: declining 1, "did you mean" 0.5,
# answering -1.
RIGHT, HALF, NOTHING, WRONG = 1.0, 0.5, 0.0, -1.0


@dataclass(frozen=True)
class Setting:
    threshold: float
    margin: float
    worth: float  # mean worth per case
    in_scope_accuracy: float
    did_you_mean_rate: float  # of in-scope cases
    oos_recall: float
    wrong: int  # confident wrong answers, in scope or not
    plateau: float  # width of the threshold range around `threshold` that is worth as much


class _Memo:
    """A Ranker that ranks each question once through `inner`: matching doesn't depend on the settings."""

    def __init__(self, inner: Ranker) -> None:
        self._inner = inner
        self._seen: dict[tuple[str, int], list[Candidate]] = {}

    def rank(self, question: str, limit: int = 5) -> list[Candidate]:
        key = (question, limit)
        if key not in self._seen:
            self._seen[key] = self._inner.rank(question, limit)
        return self._seen[key]

    def features(self, text: str) -> list[str]:
        return self._inner.features(text)


def worth(case: Case, reply: Reply) -> float:
    expected = case.expect or []
    if not expected:
        return {"out_of_scope": RIGHT, "did_you_mean": HALF}.get(reply.outcome, WRONG)
    if reply.outcome == "out_of_scope":
        return NOTHING
    if reply.outcome == "did_you_mean":
        return HALF if any(s.intent in expected for s in reply.suggestions) else NOTHING
    if reply.intents == expected:
        return RIGHT
    return HALF if set(reply.intents) <= set(expected) else WRONG


def candidates(knowledge: Knowledge, cases: Sequence[Case], posting_id: str) -> list[Setting]:
    """For each margin, the best threshold (the middle of its widest best-scoring range)."""
    posting = knowledge.posting(posting_id)
    memo = dataclasses.replace(posting, matcher=_Memo(posting.matcher))
    base = dataclasses.replace(knowledge, postings={**knowledge.postings, posting_id: memo})
    settings = knowledge.settings
    rows = []
    for margin in MARGINS:
        by_threshold = []
        for threshold in THRESHOLDS:
            tuned = dataclasses.replace(
                base, settings=settings.model_copy(update={"threshold": threshold, "margin": margin})
            )
            replies = [answer(tuned, case.question, posting_id) for case in cases]
            by_threshold.append(_setting(threshold, margin, cases, replies))
        rows.append(_middle_of_best(by_threshold))
    return rows


def pick(rows: Sequence[Setting]) -> Setting:
    """The most worth; then the widest plateau (least sensitive to new questions); then the least margin."""
    return max(rows, key=lambda s: (round(s.worth, 6), round(s.plateau, 6), -s.margin))


def _setting(threshold: float, margin: float, cases: Sequence[Case], replies: Sequence[Reply]) -> Setting:
    in_scope = [(c, r) for c, r in zip(cases, replies, strict=True) if c.expect]
    oos = [(c, r) for c, r in zip(cases, replies, strict=True) if not c.expect]
    return Setting(
        threshold=threshold,
        margin=margin,
        worth=sum(worth(c, r) for c, r in zip(cases, replies, strict=True)) / max(len(cases), 1),
        in_scope_accuracy=_rate(sum(r.intents == c.expect for c, r in in_scope), len(in_scope)),
        did_you_mean_rate=_rate(sum(r.outcome == "did_you_mean" for _, r in in_scope), len(in_scope)),
        oos_recall=_rate(sum(not r.intents for _, r in oos), len(oos)),
        wrong=sum(worth(c, r) == WRONG for c, r in zip(cases, replies, strict=True)),
        plateau=0.0,
    )


def _middle_of_best(by_threshold: Sequence[Setting]) -> Setting:
    best = max(s.worth for s in by_threshold)
    runs: list[list[Setting]] = []
    for previous, current in zip([None, *by_threshold], by_threshold, strict=False):
        if abs(current.worth - best) > 1e-9:
            continue
        if previous is not None and runs and runs[-1][-1] is previous:
            runs[-1].append(current)
        else:
            runs.append([current])
    widest = max(runs, key=len)
    middle = widest[(len(widest) - 1) // 2]
    width = widest[-1].threshold - widest[0].threshold
    return dataclasses.replace(middle, plateau=round(width, 4))


def _rate(part: int, whole: int) -> float:
    return part / whole if whole else 0.0


def recommendation(rows: Sequence[Setting], current: MatchSettings) -> dict[str, Any]:
    chosen = pick(rows)
    return {
        "current": {"threshold": current.threshold, "margin": current.margin},
        "pick": dataclasses.asdict(chosen),
        "candidates": [dataclasses.asdict(row) for row in rows],
    }


def format_recommendation(rows: Sequence[Setting], current: MatchSettings) -> str:
    chosen = pick(rows)
    lines = [
        "margin  threshold  plateau  worth   in-scope  did-you-mean  oos recall  wrong",
    ]
    for s in rows:
        mark = "  <- pick" if s == chosen else ""
        lines.append(
            f"{s.margin:>6.2f}  {s.threshold:>9.2f}  {s.plateau:>7.2f}  {s.worth:>5.3f}  "
            f"{s.in_scope_accuracy:>8.1%}  {s.did_you_mean_rate:>12.1%}  {s.oos_recall:>10.1%}  "
            f"{s.wrong:>5}{mark}"
        )
    lines.append(
        f"recommended: threshold {chosen.threshold:.2f}, margin {chosen.margin:.2f} "
        f"(current: threshold {current.threshold:.2f}, margin {current.margin:.2f})"
    )
    return "\n".join(lines)
