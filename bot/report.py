"""`posting-bot report`: what candidates asked, how it went, and what the knowledge should learn next.

Per posting: questions, candidates (counted by pseudonym, never shown), the share answered / "did you
mean" / out of scope, and handoffs. Per intent: 👍 / 👎, and how often the posting was silent on it.
Replies quoted from the posting's text are counted apart, per quoted line, with their own 👍 / 👎: a line
quoted often, or voted down, is a topic that deserves a prepared answer.
Then the questions the bot did not answer, grouped by similar wording, each group with the intent it is
nearest to — usually a recruiter's next edit is adding those questions as examples of that intent.
"""

from __future__ import annotations

import datetime as dt
import time
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from rapidfuzz import fuzz, process

from bot.answer import RECORDED_OUTCOMES, answer
from bot.knowledge.loader import Knowledge
from bot.knowledge.schema import Posting
from bot.matcher import stem
from bot.passages import QUOTE_FEEDBACK
from bot.store import DAY, HandoffRecord, QuestionLog, QuestionRecord, Records, StoreError
from bot.text import FUNCTION_WORDS, tokens

CLUSTER_CUTOFF = 75  # mean of token set and token sort ratio (0-100) to join a group's first question
MAX_CLUSTERED = 2_000  # the most recent unanswered questions; clustering is quadratic
EXAMPLES_PER_CLUSTER = 3
UNANSWERED = ("out_of_scope", "did_you_mean")

_FUNCTION_STEMS = frozenset(stem(word) for word in FUNCTION_WORDS)


@dataclass(frozen=True)
class Cluster:
    count: int
    examples: list[str]  # distinct wordings, most frequent first
    postings: list[str]
    suggestion: str | None  # the nearest intent sharing a topic word with the questions
    score: float  # the nearest intent's mean confidence over the cluster's questions
    now_answered: list[str]  # intents the current knowledge answers the first example with


class ReportError(Exception):
    """The question log can't be read; the message says why."""


def question_report(
    store: QuestionLog, knowledge: Knowledge | None, since_days: float, now: float | None = None
) -> dict[str, Any]:
    """The report on the last `since_days` of `store`: the one builder behind the CLI and `/posting report`.

    Raises ReportError when the question log can't be read.
    """
    now = time.time() if now is None else now
    try:
        records = store.read(now - since_days * DAY)
    except StoreError as exc:  # the driver's errors arrive wrapped: bot.database
        raise ReportError(str(exc)) from exc
    return build_report(records, knowledge, since_days, now)


def build_report(
    records: Records, knowledge: Knowledge | None, since_days: float, now: float | None = None
) -> dict[str, Any]:
    """The report as plain data (the `--json` output). `knowledge` adds suggestions; it may be None."""
    now = time.time() if now is None else now
    questions, handoffs = records.questions, records.handoffs
    titles = {pid: p.posting.title for pid, p in knowledge.postings.items()} if knowledge else {}
    per_posting = sorted({q.posting for q in questions} | {h.posting for h in handoffs})
    return {
        "since_days": since_days,
        "from": _iso(now - since_days * DAY),
        "to": _iso(now),
        "totals": _figures(questions, handoffs),
        "postings": [
            {
                "posting": pid,
                "title": titles.get(pid),
                **_figures(
                    [q for q in questions if q.posting == pid], [h for h in handoffs if h.posting == pid]
                ),
            }
            for pid in per_posting
        ],
        "feedback": _feedback(records),
        "quoted": _quoted(records),
        "missing_facts": [
            {"posting": posting, "intent": intent, "count": count}
            for (posting, intent), count in sorted(
                Counter((q.posting, i) for q in questions for i in q.missing).items(),
                key=lambda item: (-item[1], item[0]),
            )
        ],
        "clusters": [cluster.__dict__ for cluster in clusters(questions, knowledge)],
    }


def _figures(questions: Sequence[QuestionRecord], handoffs: Sequence[HandoffRecord]) -> dict[str, Any]:
    total = len(questions)
    outcomes = Counter(q.outcome for q in questions)
    return {
        "questions": total,
        "candidates": len({q.user_hash for q in questions if q.user_hash}),
        "outcomes": {outcome: outcomes[outcome] for outcome in RECORDED_OUTCOMES},
        "answered_rate": _rate(outcomes["answered"] + outcomes["handed_off"], total),
        "quoted_rate": _rate(outcomes["quoted"], total),
        "did_you_mean_rate": _rate(outcomes["did_you_mean"], total),
        "out_of_scope_rate": _rate(outcomes["out_of_scope"], total),
        "handoffs": len(handoffs),
        "recruiters_notified": sum(h.notified for h in handoffs),
        "handoff_rate": _rate(len(handoffs), total),
    }


def _feedback(records: Records) -> list[dict[str, Any]]:
    votes: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    for click in records.feedback:
        if not click.intent.startswith(QUOTE_FEEDBACK):
            votes[(click.posting, click.intent)][0 if click.helpful else 1] += 1
    return [
        {"posting": posting, "intent": intent, "up": up, "down": down}
        for (posting, intent), (up, down) in sorted(votes.items(), key=lambda item: (-sum(item[1]), item[0]))
    ]


def _quoted(records: Records) -> list[dict[str, Any]]:
    """Per posting and quoted line of its text: how often it was quoted, for which questions, 👍 / 👎."""
    quoted: dict[tuple[str, int], list[str]] = defaultdict(list)
    for q in records.questions:
        for line in q.quotes:
            quoted[(q.posting, line)].append(q.question)
    votes: dict[tuple[str, int], list[int]] = defaultdict(lambda: [0, 0])
    for click in records.feedback:
        number = click.intent.removeprefix(QUOTE_FEEDBACK)
        if click.intent.startswith(QUOTE_FEEDBACK) and number.isdigit():
            votes[(click.posting, int(number))][0 if click.helpful else 1] += 1
    keys = sorted(quoted.keys() | votes.keys(), key=lambda k: (-len(quoted.get(k, [])), k))
    return [
        {
            "posting": posting,
            "line": line,
            "count": len(quoted.get((posting, line), [])),
            "examples": list(dict.fromkeys(quoted.get((posting, line), [])))[:EXAMPLES_PER_CLUSTER],
            "up": votes[(posting, line)][0] if (posting, line) in votes else 0,
            "down": votes[(posting, line)][1] if (posting, line) in votes else 0,
        }
        for posting, line in keys
    ]


# ---- clustering the unanswered -----------------------------------------------------------------------


def clusters(questions: Iterable[QuestionRecord], knowledge: Knowledge | None) -> list[Cluster]:
    """Unanswered questions grouped by similar wording, biggest group first."""
    unanswered = [q for q in questions if q.outcome in UNANSWERED][-MAX_CLUSTERED:]
    by_wording: dict[str, list[QuestionRecord]] = defaultdict(list)
    for q in unanswered:
        by_wording[" ".join(tokens(q.question)) or q.question.strip()].append(q)
    # Most frequent wording first, so each group is led by its most typical question.
    wordings = sorted(by_wording, key=lambda w: -len(by_wording[w]))
    names = _name_words(knowledge)
    keys = [_topic_words(w, names) for w in wordings]
    leaders: list[int] = []
    members: dict[int, list[int]] = {}
    if keys:
        scores = _similarity(keys)
        for i in range(len(keys)):
            best = max(leaders, key=lambda leader: scores[i][leader], default=None)
            if best is not None and scores[i][best] >= CLUSTER_CUTOFF:
                members[best].append(i)
            else:
                leaders.append(i)
                members[i] = [i]
    found = [_cluster([by_wording[wordings[i]] for i in members[leader]], knowledge) for leader in leaders]
    return sorted(found, key=lambda c: -c.count)


def _topic_words(wording: str, names: frozenset[str]) -> str:
    """The words that say what a question is about: no function words, no role or company names (with
    them, "dress code for the data engineer role" and "salary of the data engineer role" look alike)."""
    words = [stem(w) for w in wording.split() if w not in FUNCTION_WORDS and w not in names]
    return " ".join(words) or wording


def _name_words(knowledge: Knowledge | None) -> frozenset[str]:
    if knowledge is None:
        return frozenset()
    return frozenset(
        word for p in knowledge.postings.values() for name in _names(p.posting) for word in tokens(name)
    )


def _similarity(keys: list[str]) -> Any:
    """Pairwise scores, 0-100. token_set alone puts a one-word question with every question containing that
    word; token_sort alone splits "free parking" from "parking at the office"; their mean does neither."""
    scores = [
        process.cdist(keys, keys, scorer=s, processor=None, dtype=np.float32, workers=1) for s in _SCORERS
    ]
    return sum(scores) / len(scores)


_SCORERS = (fuzz.token_set_ratio, fuzz.token_sort_ratio)


def _cluster(groups: list[list[QuestionRecord]], knowledge: Knowledge | None) -> Cluster:
    asked = [q for group in groups for q in group]
    postings = sorted({q.posting for q in asked})
    suggestion, score, now_answered = None, 0.0, []
    if knowledge is not None:
        suggestion, score = _nearest_intent(asked, knowledge)
        first = groups[0][0]
        if first.posting in knowledge.postings:
            reply = answer(knowledge, first.question, first.posting)
            now_answered = reply.intents if reply.outcome == "answered" else []
    return Cluster(
        count=len(asked),
        examples=[group[0].question for group in groups[:EXAMPLES_PER_CLUSTER]],
        postings=postings,
        suggestion=suggestion,
        score=round(score, 3),
        now_answered=now_answered,
    )


def _nearest_intent(asked: list[QuestionRecord], knowledge: Knowledge) -> tuple[str | None, float]:
    """The intent the group's questions are nearest to, with today's knowledge, and its mean confidence.

    For each question, its best-ranked intent whose matching example shares a topic word with it: a match
    made only of "what is the" or of the role's name says nothing about where the question belongs. None
    when no question of the group shares a topic word with any intent — a new topic, not missing examples.
    """
    totals: defaultdict[str, float] = defaultdict(float)
    ranked = 0
    for q in asked:
        posting = knowledge.postings.get(q.posting)
        if posting is None:  # the posting has been removed since
            continue
        ranked += 1
        text = q.question[: knowledge.settings.max_question_chars]
        names = {f for name in _names(posting.posting) for f in posting.matcher.features(name)}
        topic = set(posting.matcher.features(text)) - _FUNCTION_STEMS - names
        for candidate in posting.matcher.rank(text):
            if candidate.score > 0 and topic & set(posting.matcher.features(candidate.example)):
                totals[candidate.intent] += candidate.score
                break
    if not totals:
        return None, 0.0
    intent, total = max(totals.items(), key=lambda item: item[1])
    return intent, total / ranked


def _names(posting: Posting) -> tuple[str, ...]:
    return (posting.title, posting.company, *posting.aliases)


# ---- text -------------------------------------------------------------------------------------------


def format_report(report: dict[str, Any], max_clusters: int = 15) -> str:
    totals = report["totals"]
    lines = [
        f"Questions from {report['from'][:10]} to {report['to'][:10]} (last {report['since_days']:g} days): "
        f"{totals['questions']} from {totals['candidates']} candidate(s)."
    ]
    if not totals["questions"] and not report["feedback"] and not totals["handoffs"]:
        lines.append("Nothing recorded in this period.")
        return "\n".join(lines)

    lines += [
        "",
        "Per posting",
        _row("posting", "questions", "answered", "quoted", "did you mean", "out of scope", "handoffs"),
    ]
    for p in [*report["postings"], {"posting": "all", **totals}]:
        lines.append(
            _row(
                p["posting"],
                str(p["questions"]),
                _pct(p["answered_rate"]),
                _pct(p["quoted_rate"]),
                _pct(p["did_you_mean_rate"]),
                _pct(p["out_of_scope_rate"]),
                f"{p['handoffs']} ({_pct(p['handoff_rate'])})",
            )
        )
    if report["feedback"]:
        lines += ["", "Feedback per intent (👍 / 👎)"]
        lines += [f"  {f['posting']}  {f['intent']}: {f['up']} / {f['down']}" for f in report["feedback"]]
    if report["quoted"]:
        lines += ["", "Answered from the posting's text (a prepared answer for these?)  quoted, 👍 / 👎"]
        for q in report["quoted"]:
            asked = f'  e.g. "{q["examples"][0]}"' if q["examples"] else ""
            lines.append(f"  {q['posting']}  line {q['line']}: {q['count']}x, {q['up']} / {q['down']}{asked}")
    if report["missing_facts"]:
        lines += ["", "Asked, but the posting doesn't say (add the fact to the posting?)"]
        lines += [f"  {m['posting']}  {m['intent']}: {m['count']}" for m in report["missing_facts"]]
    shown = report["clusters"][:max_clusters]
    if shown:
        lines += ["", "Unanswered questions, grouped by similar wording"]
    for number, c in enumerate(shown, 1):
        lines.append(f'  {number}. {c["count"]} x "{c["examples"][0]}"  ({", ".join(c["postings"])})')
        if len(c["examples"]) > 1:
            lines.append("     also: " + ", ".join(f'"{e}"' for e in c["examples"][1:]))
        if c["now_answered"]:
            lines.append(f"     → now answered as {', '.join(f'`{i}`' for i in c['now_answered'])}")
        elif c["suggestion"]:
            lines.append(
                f"     → add these as examples of `{c['suggestion']}`? (nearest intent, {c['score']:.2f})"
            )
        else:
            lines.append("     → no intent is close: a new intent, or a fact the posting should state?")
    if len(report["clusters"]) > len(shown):
        lines.append(f"  … and {len(report['clusters']) - len(shown)} more group(s) (see --json)")
    return "\n".join(lines)


def _row(*cells: str) -> str:
    first, *rest = cells
    return f"  {first:<32}" + "".join(f"{cell:>14}" for cell in rest)


def _rate(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{value:.0%}"


def _iso(timestamp: float) -> str:
    # A period longer than the clock goes back ("--since 1e9") starts at the epoch, not at an OverflowError.
    return dt.datetime.fromtimestamp(max(timestamp, 0.0), dt.UTC).isoformat(timespec="seconds")
