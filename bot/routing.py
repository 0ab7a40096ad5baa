"""Which posting a question is about, when several are loaded.

In order: the only posting; the posting the channel is tied to (its YAML's `channels`); the role the
question names, fuzzily matched on titles and aliases ("salary for the data engineer role?", "the nursing
job in Dayton": see `bot.role_index`); the default posting when one is set; otherwise ask "Which role do you
mean?", offering the few closest postings when the question narrowed it down. A channel tie wins over a
named role: a
recruiter tied that channel on purpose, while "do I need backend engineer experience?" in a data-engineering
channel names a role only in passing.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Literal

from bot.knowledge.loader import Knowledge
from bot.role_index import MAX_CHOICES

log = logging.getLogger(__name__)

ASK_TEXT = "Which role do you mean?"

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
    found = knowledge.roles.find(question)
    if found.posting is not None:
        return Route(found.posting, "named")
    if default_posting:
        if default_posting in knowledge.postings:
            return Route(default_posting, "default")
        # A reload can drop the default's file; asking beats failing or guessing.
        log.warning("DEFAULT_POSTING '%s' is not loaded; asking which role instead", default_posting)
    if found.closest:
        return Route(None, "ask", tuple(_choice(knowledge, posting_id) for posting_id in found.closest))
    return Route(None, "ask", choices(knowledge))


def choices(knowledge: Knowledge, limit: int = MAX_CHOICES) -> tuple[Choice, ...]:
    """The loaded postings by title: all of a few; of thousands, the first `limit` (naming the role, its
    place or its company narrows them down)."""
    titled = sorted(knowledge.postings.items(), key=lambda item: (item[1].posting.title.lower(), item[0]))
    return tuple(_choice(knowledge, posting_id) for posting_id, _ in titled[:limit])


def _choice(knowledge: Knowledge, posting_id: str) -> Choice:
    posting = knowledge.postings[posting_id].posting
    return Choice(posting_id, posting.title, posting.company)
