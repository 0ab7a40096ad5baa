"""`posting-bot eval`: how well the bot answers a labelled set of questions, through `answer` itself."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Collection
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, StringConstraints, ValidationError, field_validator

from bot.answer import Reply, answer
from bot.knowledge.loader import Knowledge
from bot.knowledge.yaml_source import Problem, YamlError, load_yaml

TOP_PAIRS = 10  # confused intent pairs shown by `eval`


class Case(BaseModel):
    model_config = ConfigDict(extra="forbid")

    question: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
    expect: list[str] | None  # None: out of scope

    @field_validator("expect", mode="before")
    @classmethod
    def _one_or_many(cls, value: Any) -> Any:
        return [value] if isinstance(value, str) else value


class CasesError(Exception):
    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("\n".join(map(str, problems)))
        self.problems = problems


def load_cases(path: Path, known_intents: Collection[str] | None = None) -> list[Case]:
    """Read labelled cases; with `known_intents`, an `expect` naming no such intent is a problem too
    (a typo there would silently count as a miss and skew every figure)."""
    try:
        doc = load_yaml(path)
    except YamlError as exc:
        raise CasesError(exc.problems) from exc
    if not isinstance(doc.data, list):
        raise CasesError([Problem(path, 1, "expected a list of {question, expect} cases")])
    cases, problems = [], []
    for i, item in enumerate(doc.data):
        try:
            case = Case.model_validate(item)
        except ValidationError as exc:
            for error in exc.errors():
                where = ".".join(str(part) for part in error["loc"])
                message = f"{where}: {error['msg']}" if where else str(error["msg"])
                problems.append(Problem(path, doc.line_of((i, *error["loc"])), f"case {i + 1}: {message}"))
            continue
        for intent in case.expect or []:
            if known_intents is not None and intent not in known_intents:
                line = doc.line_of((i, "expect"))
                problems.append(Problem(path, line, f"case {i + 1}: unknown intent '{intent}'"))
        cases.append(case)
    if problems:
        raise CasesError(problems)
    return cases


@dataclass
class Result:
    case: Case
    reply: Reply
    seconds: float

    @property
    def predicted(self) -> list[str]:
        return self.reply.intents

    @property
    def correct(self) -> bool:
        return self.predicted == (self.case.expect or [])

    @property
    def wrong_answer(self) -> bool:
        """The reply answers an intent that was not asked: worse than declining, which loses nothing."""
        return bool(set(self.predicted) - set(self.case.expect or []))


@dataclass
class Report:
    results: list[Result]
    confusions: Counter[tuple[str, str]] = field(default_factory=Counter)

    def figures(self) -> dict[str, Any]:
        in_scope = [r for r in self.results if r.case.expect]
        single = [r for r in in_scope if len(r.case.expect or []) == 1]
        multi = [r for r in in_scope if len(r.case.expect or []) > 1]
        oos = [r for r in self.results if not r.case.expect]
        predicted_oos = [r for r in self.results if not r.predicted]
        latencies = sorted(r.seconds * 1000 for r in self.results)
        return {
            "cases": len(self.results),
            "accuracy": _ratio(sum(r.correct for r in self.results), len(self.results)),
            "in_scope_accuracy": _ratio(sum(r.correct for r in in_scope), len(in_scope)),
            "single_accuracy": _ratio(sum(r.correct for r in single), len(single)),
            "multi_fully_answered": _ratio(sum(r.correct for r in multi), len(multi)),
            "did_you_mean_rate": _ratio(
                sum(r.reply.outcome == "did_you_mean" for r in in_scope), len(in_scope)
            ),
            "oos_recall": _ratio(sum(not r.predicted for r in oos), len(oos)),
            # Declined, yet quoting the posting: a sentence sharing a word with "weather in Portland?" is
            # no answer to it, and worse than saying nothing.
            "oos_quoted": sum(bool(r.reply.quotes) for r in oos),
            "oos_precision": _ratio(sum(not r.case.expect for r in predicted_oos), len(predicted_oos)),
            "wrong_answers": sum(r.wrong_answer for r in self.results),
            "wrong_answer_rate": _ratio(sum(r.wrong_answer for r in self.results), len(self.results)),
            "latency_ms_p50": _percentile(latencies, 50),
            "latency_ms_p99": _percentile(latencies, 99),
            "confusions": [
                {"expected": e, "predicted": p, "count": n} for (e, p), n in self.confusions.most_common()
            ],
            "confused_pairs": [
                {"intents": list(pair), "count": n}
                for pair, n in self.confused_pairs().most_common(TOP_PAIRS)
            ],
            "errors": [
                {
                    "question": r.case.question,
                    "expected": r.case.expect,
                    "predicted": r.predicted,
                    "outcome": r.reply.outcome,
                    "confidence": r.reply.confidence,
                    "best_intent": r.reply.candidates[0].intent if r.reply.candidates else "",
                    "best_example": r.reply.candidates[0].example if r.reply.candidates else "",
                }
                for r in self.results
                if not r.correct
            ],
        }

    def confused_pairs(self) -> Counter[tuple[str, str]]:
        """Intent pairs the matcher mixes up, either way round: a one-intent question whose best-ranked
        intent is another one, whether that was answered, offered or declined."""
        pairs: Counter[tuple[str, str]] = Counter()
        for r in self.results:
            expected = r.case.expect or []
            if len(expected) == 1 and r.reply.candidates and r.reply.candidates[0].intent != expected[0]:
                a, b = sorted((expected[0], r.reply.candidates[0].intent))
                pairs[(a, b)] += 1
        return pairs


def evaluate(knowledge: Knowledge, cases: list[Case], posting_id: str | None = None) -> Report:
    results = []
    for case in cases:
        start = time.perf_counter()
        reply = answer(knowledge, case.question, posting_id)
        results.append(Result(case, reply, time.perf_counter() - start))
    report = Report(results)
    for r in results:
        if not r.correct:
            expected = ",".join(r.case.expect or ["(out of scope)"])
            predicted = ",".join(r.predicted) or f"({r.reply.outcome.replace('_', ' ')})"
            report.confusions[(expected, predicted)] += 1
    return report


def format_report(figures: dict[str, Any]) -> str:
    lines = [
        f"cases                 {figures['cases']}",
        f"accuracy              {_pct(figures['accuracy'])}",
        f"in-scope accuracy     {_pct(figures['in_scope_accuracy'])}",
        f"multi-question fully  {_pct(figures['multi_fully_answered'])}",
        f"did-you-mean rate     {_pct(figures['did_you_mean_rate'])}",
        f"out-of-scope recall   {_pct(figures['oos_recall'])}",
        f"out-of-scope precision {_pct(figures['oos_precision'])}",
        f"out-of-scope quoted   {figures['oos_quoted']}",
        f"wrong answers         {figures['wrong_answers']} ({_pct(figures['wrong_answer_rate'])})",
        f"latency p50 / p99     {figures['latency_ms_p50']:.3f} / {figures['latency_ms_p99']:.3f} ms",
    ]
    if figures["confusions"]:
        lines.append("confusions (expected -> predicted):")
        lines += [f"  {c['count']:>3}  {c['expected']} -> {c['predicted']}" for c in figures["confusions"]]
    if figures["confused_pairs"]:
        lines.append("most confused intent pairs (either way):")
        lines += [
            f"  {p['count']:>3}  {p['intents'][0]} <-> {p['intents'][1]}" for p in figures["confused_pairs"]
        ]
    if figures["errors"]:
        lines.append("errors:")
        for e in figures["errors"]:
            expected = ",".join(e["expected"] or ["(out of scope)"])
            predicted = ",".join(e["predicted"]) or f"({e['outcome']})"
            lines.append(
                f"  {e['question']!r}: expected {expected}, got {predicted} "
                f"({e['confidence']:.2f}; nearest: {e['best_intent']} {e['best_example']!r})"
            )
    return "\n".join(lines)


def _ratio(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def _pct(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.1%}"


def _percentile(sorted_values: list[float], pct: float) -> float:
    if not sorted_values:
        return 0.0
    index = min(len(sorted_values) - 1, max(0, round(pct / 100 * len(sorted_values) + 0.5) - 1))
    return round(sorted_values[index], 4)
