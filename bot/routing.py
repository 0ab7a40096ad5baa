"""Which posting a question is about, when several are loaded.

In order: the only posting; the posting the channel is tied to (its YAML's `channels`); the role the
question names, fuzzily matched on titles and aliases ("salary for the data engineer role?"); the default
posting when one is set; otherwise ask "Which role do you mean?". A channel tie wins over a named role: a
recruiter tied that channel on purpose, while "do I need backend engineer experience?" in a data-engineering
channel names a role only in passing.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Literal

from rapidfuzz import fuzz

from bot.knowledge.loader import Knowledge
from bot.text import tokens

log = logging.getLogger(__name__)

ASK_TEXT = "Which role do you mean?"
NAME_CUTOFF = 88  # rapidfuzz ratio (0-100) for a stretch of the question to count as naming a role

How = Literal["only", "channel", "named", "default", "ask"]


@dataclass(frozen=True)
class Choice:
    """A posting offered under "Which role do you mean?"."""

    posting: str
    title: str
    company: str

    @property
    def label(self) -> str:
        return f"{self.title} at {self.company}"


@dataclass(frozen=True)
class Route:
    posting: str | None  # None when the bot has to ask
    how: How
    choices: tuple[Choice, ...] = ()  # filled when asking


def route(
    knowledge: Knowledge,
    question: str,
    channel: str | None = None,
    default_posting: str | None = None,
) -> Route:
    """Decide which loaded posting answers `question`, asked in `channel` (a Slack channel id, if any)."""
    if len(knowledge.postings) == 1:
        return Route(next(iter(knowledge.postings)), "only")
    if channel:
        for posting_id, posting in knowledge.postings.items():
            if channel in posting.posting.channels:
                return Route(posting_id, "channel")
    named = named_posting(knowledge, question)
    if named is not None:
        return Route(named, "named")
    if default_posting:
        if default_posting in knowledge.postings:
            return Route(default_posting, "default")
        # A reload can drop the default's file; asking beats failing or guessing.
        log.warning("DEFAULT_POSTING '%s' is not loaded; asking which role instead", default_posting)
    return Route(None, "ask", choices(knowledge))


def choices(knowledge: Knowledge) -> tuple[Choice, ...]:
    """Every loaded posting, by title."""
    found = (Choice(pid, p.posting.title, p.posting.company) for pid, p in knowledge.postings.items())
    return tuple(sorted(found, key=lambda c: (c.title.lower(), c.company.lower(), c.posting)))


def named_posting(knowledge: Knowledge, question: str) -> str | None:
    """The posting whose title or alias (or company, when only one posting is at it) the question names.

    Names are compared with runs of the question's words of about the same length, so "data enginer"
    finds "Data Engineer" while a shared word ("engineer") alone finds nothing. The longer of two equally
    good names wins ("senior data engineer" over "data engineer"); a tie between postings names none.
    """
    words = tokens(question)
    if not words:
        return None
    best: dict[str, tuple[float, int]] = {}
    for posting_id, name in _names(knowledge):
        score = _name_score(name, words)
        if score >= NAME_CUTOFF:
            best[posting_id] = max(best.get(posting_id, (0.0, 0)), (score, len(name)))
    if not best:
        return None
    ranked = sorted(best.items(), key=lambda item: item[1], reverse=True)
    if len(ranked) > 1 and ranked[0][1] == ranked[1][1]:
        return None
    return ranked[0][0]


def _names(knowledge: Knowledge) -> list[tuple[str, str]]:
    companies: dict[str, set[str]] = {}
    names: list[tuple[str, str]] = []
    for posting_id, posting in knowledge.postings.items():
        names.extend(
            (posting_id, " ".join(tokens(name))) for name in (posting.posting.title, *posting.posting.aliases)
        )
        companies.setdefault(" ".join(tokens(posting.posting.company)), set()).add(posting_id)
    names.extend((next(iter(ids)), company) for company, ids in companies.items() if len(ids) == 1)
    return [(posting_id, name) for posting_id, name in names if name]


def _name_score(name: str, words: list[str]) -> float:
    size = len(name.split())
    best = 0.0
    for length in {max(1, size - 1), size, size + 1}:
        for start in range(max(1, len(words) - length + 1)):
            window = " ".join(words[start : start + length])
            best = max(best, fuzz.ratio(name, window, score_cutoff=NAME_CUTOFF))
    return best
