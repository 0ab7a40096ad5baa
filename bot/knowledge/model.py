"""The loaded knowledge as the bot uses it: postings with their facts, compiled intents and matcher."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

from bot.knowledge.schema import MatchSettings, Posting
from bot.knowledge.templates import MissingFact, Template
from bot.knowledge.yaml_source import Problem
from bot.matcher import Candidate
from bot.passages import PassageIndex, split_passages
from bot.ranking import Ranker
from bot.role_index import Description, RoleIndex, describe


@dataclass(frozen=True)
class CompiledIntent:
    id: str
    label: str
    topic: str
    answer: Template
    missing: Template | None
    handoff: bool
    smalltalk: bool
    examples: tuple[str, ...] = ()  # as written in the knowledge


class IntentTable(Mapping[str, CompiledIntent]):
    """A posting's intents: the shared ones, with its own answers and intents laid over them.

    The shared table is referenced, not copied, so a posting costs only what is its own. Order: the shared
    intents, then the posting's own.
    """

    def __init__(self, shared: Mapping[str, CompiledIntent], own: Mapping[str, CompiledIntent]) -> None:
        self._shared = shared
        self._own = dict(own)
        self._added = [intent_id for intent_id in own if intent_id not in shared]

    def __getitem__(self, intent_id: str) -> CompiledIntent:
        own = self._own.get(intent_id)
        return own if own is not None else self._shared[intent_id]

    def __iter__(self) -> Iterator[str]:
        yield from self._shared
        yield from self._added

    def __len__(self) -> int:
        return len(self._shared) + len(self._added)

    def __contains__(self, intent_id: object) -> bool:
        return intent_id in self._own or intent_id in self._shared


@dataclass(frozen=True)
class PostingKnowledge:
    posting: Posting
    intents: Mapping[str, CompiledIntent]
    # The intent matcher (`bot.matcher.Matcher`): the shared one seen through the posting's names, unless
    # the posting has intents of its own.
    matcher: Ranker
    text: str | None = None  # the posting as candidates read it (postings/<id>.md), when there is one

    @cached_property
    def passages(self) -> PassageIndex | None:
        """The text's sentences and list items, to quote when no intent fits: indexed on first use, from the
        posting's own text only (thousands of postings load; few are asked)."""
        if not self.text:
            return None
        location = self.posting.location
        places = location.offices if location and location.offices else []
        return PassageIndex(split_passages(self.text), self.matcher.features, places)

    def heading_reading(self, heading: str) -> list[Candidate]:
        """The two intents a heading of the text (or a kind of section) reads as best: kept, since a text
        has few headings and each is read again on every near miss that quotes under it."""
        found = self._heading_readings.get(heading)
        if found is None:
            found = self._heading_readings[heading] = self.matcher.rank(heading, limit=2)
        return found

    @cached_property
    def _heading_readings(self) -> dict[str, list[Candidate]]:
        return {}

    @cached_property
    def facts(self) -> dict[str, Any]:
        """The posting's facts as plain data for templates; made on first use (few of thousands are asked)."""
        return self.posting.facts_for_templates()

    @cached_property
    def topics(self) -> tuple[str, ...]:
        """What the posting can answer, in the knowledge's order: intents whose facts it states, less small
        talk and recruiter requests. Worked out on first use: thousands of postings load, few are asked."""

        def stated(intent: CompiledIntent) -> bool:
            try:
                intent.answer.render(self.facts)
            except MissingFact:
                return False
            return True

        return tuple(i.id for i in self.intents.values() if not (i.smalltalk or i.handoff) and stated(i))

    @cached_property
    def description(self) -> Description:
        """What the posting is called, as routing compares it: kept with the posting, so a reload that
        changes one posting describes that one again, not all of them."""
        return describe(self.posting)


@dataclass(frozen=True)
class Knowledge:
    directory: Path
    settings: MatchSettings
    messages: dict[str, Template]
    postings: dict[str, PostingKnowledge]
    warnings: tuple[Problem, ...] = ()

    def posting(self, posting_id: str | None = None) -> PostingKnowledge:
        """The posting with this id, or the only one; KeyError with a clear message otherwise."""
        if posting_id is None:
            if len(self.postings) == 1:
                return next(iter(self.postings.values()))
            raise KeyError(f"several postings are loaded; choose one of: {posting_list(self.postings, 20)}")
        try:
            return self.postings[posting_id]
        except KeyError:
            known = posting_list(self.postings, limit=20)
            raise KeyError(f"unknown posting '{posting_id}' (known: {known})") from None

    @cached_property
    def roles(self) -> RoleIndex:
        """The index routing finds a named role in; built on first use, once per knowledge version."""
        return RoleIndex({pid: p.description for pid, p in self.postings.items()})


def posting_list(ids: Iterable[str], limit: int = 5) -> str:
    """Posting ids for one line of output: all of a few, the first `limit` of many and how many more."""
    ordered = sorted(ids)
    if len(ordered) <= limit:
        return ", ".join(ordered)
    return f"{', '.join(ordered[:limit])} and {len(ordered) - limit} more"
