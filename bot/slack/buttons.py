"""The buttons the app puts in messages and views: their action ids and what their values carry.

A button's value travels through Slack and comes back on a click, so it carries everything the click
needs (posting, intent, the candidate's question and message) and nothing the app must remember. A value
that doesn't parse (an old message, a forged click) raises ButtonError and the click is declined.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

# Slack wants action ids unique within a block, so buttons of one kind are numbered: pick_intent_0, ...
PICK_INTENT = "pick_intent"
PICK_POSTING = "pick_posting"  # "Which role do you mean?": answers the question for that posting
FEEDBACK_HELPFUL = "feedback_helpful"
FEEDBACK_UNHELPFUL = "feedback_unhelpful"
TALK_TO_RECRUITER = "talk_to_recruiter"

PICK_INTENT_PATTERN = re.compile(rf"^{PICK_INTENT}(_\d+)?$")
PICK_POSTING_PATTERN = re.compile(rf"^{PICK_POSTING}(_\d+)?$")
FEEDBACK_PATTERN = re.compile(rf"^(?:{FEEDBACK_HELPFUL}|{FEEDBACK_UNHELPFUL})$")
TALK_TO_RECRUITER_PATTERN = re.compile(rf"^{TALK_TO_RECRUITER}$")
BUTTON_PATTERNS = (PICK_INTENT_PATTERN, PICK_POSTING_PATTERN, FEEDBACK_PATTERN, TALK_TO_RECRUITER_PATTERN)

MAX_VALUE = 2000  # Block Kit's limit on a button value
QUESTION_CHARS = 500  # of the question kept in a value, for the recruiter's alert


class ButtonError(ValueError):
    """A button value the app didn't write."""


@dataclass(frozen=True)
class ButtonValue:
    posting: str
    intent: str | None = None  # pick_intent: the intent to answer
    intents: list[str] = field(default_factory=list)  # feedback: the intents the answer gave
    question: str = ""  # the candidate's question (plain, cut to QUESTION_CHARS)
    message_ts: str | None = None  # the candidate's message, for the recruiter's link
    asker: str | None = None  # who asked `question`: anyone in a channel can click the buttons under it

    def encode(self) -> str:
        data: dict[str, Any] = {"p": self.posting}
        if self.intent:
            data["i"] = self.intent
        if self.intents:
            data["is"] = self.intents
        if self.question:
            data["q"] = self.question[:QUESTION_CHARS]
        if self.message_ts:
            data["ts"] = self.message_ts
        if self.asker:
            data["u"] = self.asker
        value = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
        # Only many intents could overflow; the question is already cut.
        return value if len(value) <= MAX_VALUE else json.dumps({"p": self.posting})

    @classmethod
    def decode(cls, value: object) -> ButtonValue:
        try:
            data = json.loads(value) if isinstance(value, str) else None
        except ValueError:
            data = None
        if not isinstance(data, dict) or not isinstance(data.get("p"), str):
            raise ButtonError(f"unrecognised button value: {str(value)[:80]!r}")
        intents = data.get("is", [])
        strings = (data.get("i"), data.get("q", ""), data.get("ts"), data.get("u"))
        if not isinstance(intents, list) or not all(isinstance(i, str) for i in intents):
            raise ButtonError("unrecognised button value: intents are not a list of ids")
        if not all(s is None or isinstance(s, str) for s in strings):
            raise ButtonError("unrecognised button value: a field is not text")
        return cls(data["p"], data.get("i"), intents, data.get("q", ""), data.get("ts"), data.get("u"))
