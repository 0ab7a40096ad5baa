"""The loaded knowledge as the bot uses it: postings with their facts, compiled intents and matcher."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.knowledge.schema import MatchSettings, Posting
from bot.knowledge.templates import Template
from bot.knowledge.yaml_source import Problem
from bot.passages import PassageIndex
from bot.ranking import Ranker


@dataclass(frozen=True)
class CompiledIntent:
    id: str
    label: str
    topic: str
    answer: Template
    missing: Template | None
    handoff: bool
    smalltalk: bool


@dataclass(frozen=True)
class PostingKnowledge:
    posting: Posting
    facts: dict[str, Any]
    intents: dict[str, CompiledIntent]
    matcher: Ranker  # the intent matcher (`bot.matcher.Matcher`)
    # What the posting can answer, in the knowledge's order: intents whose facts it states, less small talk
    # and recruiter requests. Worked out once here, not per help or out-of-scope message.
    topics: tuple[str, ...] = ()
    text: str | None = None  # the posting as candidates read it (postings/<id>.md), when there is one
    passages: PassageIndex | None = None  # its sentences and list items, to quote when no intent fits


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
            raise KeyError(f"several postings are loaded; choose one of: {', '.join(sorted(self.postings))}")
        try:
            return self.postings[posting_id]
        except KeyError:
            known = ", ".join(sorted(self.postings))
            raise KeyError(f"unknown posting '{posting_id}' (known: {known})") from None
