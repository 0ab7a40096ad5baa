"""`posting-bot eval` on questions labelled with the words a right reply contains, or `silent`.

Intent labels measure the matcher; these measure what a candidate reads, whichever path made it — a
prepared answer, a quote from the posting's text, or nothing. A case is `{question, answer}`: `answer` is
the key words every right reply contains (a word or a list), or `silent` for a question the posting doesn't
answer, where the right reply quotes nothing.
"""

from __future__ import annotations

import re
import time
import unicodedata
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, ValidationError, field_validator

from bot.answer import Reply, answer
from bot.evaluate import CasesError, _pct, _percentile, _ratio
from bot.knowledge.loader import Knowledge
from bot.knowledge.yaml_source import Problem, YamlError, load_yaml

_DASHES = re.compile(r"[\u2010-\u2015\u2212]")


class TextCase(BaseModel):
    model_config = ConfigDict(extra="forbid")

    question: str
    answer: list[str] | Literal["silent"]

    @field_validator("answer", mode="before")
    @classmethod
    def _one_or_many(cls, value: Any) -> Any:
        return [value] if isinstance(value, str) and value != "silent" else value

    @property
    def silent(self) -> bool:
        return self.answer == "silent"


def is_text_cases(path: Path) -> bool:
    """Whether a cases file holds `{question, answer}` cases (else `{question, expect}` ones)."""
    try:
        data = load_yaml(path).data
    except YamlError:
        return False
    return isinstance(data, list) and any(isinstance(item, dict) and "answer" in item for item in data)


def load_text_cases(path: Path) -> list[TextCase]:
    try:
        doc = load_yaml(path)
    except YamlError as exc:
        raise CasesError(exc.problems) from exc
    if not isinstance(doc.data, list):
        raise CasesError([Problem(path, 1, "expected a list of {question, answer} cases")])
    cases, problems = [], []
    for i, item in enumerate(doc.data):
        try:
            cases.append(TextCase.model_validate(item))
        except ValidationError as exc:
            for error in exc.errors():
                where = ".".join(str(part) for part in error["loc"])
                line = doc.line_of((i, *error["loc"]))
                problems.append(Problem(path, line, f"case {i + 1}: {where}: {error['msg']}"))
    if problems:
        raise CasesError(problems)
    return cases


def contains(reply_text: str, words: list[str]) -> bool:
    """Every key word is in the reply, ignoring case, Unicode forms and the kind of dash."""
    text = _plain(reply_text)
    return all(_plain(word) in text for word in words)


def _plain(text: str) -> str:
    text = _DASHES.sub("-", unicodedata.normalize("NFKC", text)).casefold()
    return " ".join(text.split())


@dataclass
class TextResult:
    case: TextCase
    reply: Reply
    seconds: float

    @property
    def correct(self) -> bool:
        if self.case.silent:
            return not self.reply.quotes
        return contains(self.reply.text, list(self.case.answer))


def evaluate_text(
    knowledge: Knowledge, cases: list[TextCase], posting_id: str | None = None
) -> dict[str, Any]:
    results = []
    for case in cases:
        start = time.perf_counter()
        reply = answer(knowledge, case.question, posting_id)
        results.append(TextResult(case, reply, time.perf_counter() - start))
    answerable = [r for r in results if not r.case.silent]
    silent = [r for r in results if r.case.silent]
    latencies = sorted(r.seconds * 1000 for r in results)
    return {
        "cases": len(results),
        "answerable": len(answerable),
        "answered_from_text": _ratio(sum(r.correct for r in answerable), len(answerable)),
        "answerable_outcomes": dict(Counter(r.reply.outcome for r in answerable)),
        "silent": len(silent),
        "silent_kept_silent": _ratio(sum(r.correct for r in silent), len(silent)),
        "silent_outcomes": dict(Counter(r.reply.outcome for r in silent)),
        "latency_ms_p50": _percentile(latencies, 50),
        "latency_ms_p99": _percentile(latencies, 99),
        "errors": [
            {
                "question": r.case.question,
                "expected": r.case.answer,
                "outcome": r.reply.outcome,
                "intents": r.reply.intents,
                "quotes": [q.line for q in r.reply.quotes],
                "text": r.reply.text,
            }
            for r in results
            if not r.correct
        ],
    }


def format_text_report(figures: dict[str, Any]) -> str:
    def outcomes(counts: dict[str, int]) -> str:
        return ", ".join(f"{name} {n}" for name, n in sorted(counts.items())) or "-"

    lines = [
        f"cases                   {figures['cases']}",
        f"answered from the text  {_pct(figures['answered_from_text'])} of {figures['answerable']}"
        f"  ({outcomes(figures['answerable_outcomes'])})",
        f"silent kept silent      {_pct(figures['silent_kept_silent'])} of {figures['silent']}"
        f"  ({outcomes(figures['silent_outcomes'])})",
        f"latency p50 / p99       {figures['latency_ms_p50']:.3f} / {figures['latency_ms_p99']:.3f} ms",
    ]
    if figures["errors"]:
        lines.append("errors:")
        for e in figures["errors"]:
            expected = "silent" if e["expected"] == "silent" else " + ".join(e["expected"])
            got = f"{e['outcome']}" + (f" {','.join(e['intents'])}" if e["intents"] else "")
            if e["quotes"]:
                got += f", quoting line {', '.join(map(str, e['quotes']))}"
            first = e["text"].splitlines()[0] if e["text"] else ""
            lines.append(f"  {e['question']!r}: expected {expected}; got {got}: {first[:100]!r}")
    return "\n".join(lines)
