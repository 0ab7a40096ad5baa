"""Where a candidate's question came from, and so where its answer goes."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot.slack.buttons import BUTTON_PATTERNS
from bot.slack.delivery import Target
from bot.slack.markup import escape
from bot.slack.services import Surface


@dataclass(frozen=True)
class Asked:
    user: str
    text: str  # as Slack sent it: markup, entities and all
    surface: Surface
    channel: str | None = None  # None: the App Home, which has no conversation
    message_ts: str | None = None  # the candidate's own message, when there is one
    thread_ts: str | None = None  # answer in this thread (None: at the top level)
    response_url: str | None = None  # answer privately through it (slash commands, ephemeral clicks)
    asker: str | None = None  # who asked `text`, when a click on their buttons came from someone else
    event_id: str | None = None  # the Events API delivery it came in, carried on the answer (see delivery)

    @property
    def own_question(self) -> bool:
        """False when `user` clicked a button under someone else's question: `text` is not theirs."""
        return self.asker is None or self.asker == self.user

    def target(self, replace_original: bool = False) -> Target:
        if self.response_url:
            return Target(response_url=self.response_url, replace_original=replace_original)
        # Posting to a user ID lands in the user's DM with the app: what App Home buttons need.
        return Target(channel=self.channel or self.user, thread_ts=self.thread_ts, event_id=self.event_id)

    @property
    def where(self) -> str:
        """For the recruiter's alert: "in a DM", "in #channel", "with /posting in a DM"..."""
        place = "from the App Home"
        if self.channel:
            place = "in a DM" if self.channel.startswith("D") else f"in <#{self.channel}>"
        return f"with /posting {place}" if self.surface == "command" else place


def from_click(
    body: dict[str, Any], question: str, message_ts: str | None, asker: str | None = None
) -> Asked:
    """A button click as a question: answered where the clicked message is.

    `question` is the plain text a button carries; it is escaped back into the form Slack sends. When
    `asker` (who asked it) is someone other than the clicker, the question is still answered in place,
    but it is never passed to recruiters as the clicker's, nor linked to the asker's message.

    An ephemeral message can only be answered through its response_url; a message in a conversation is
    answered in its thread; a click in the App Home is answered in the user's DM with the app.
    """
    container = body.get("container") or {}
    text = escape(question)
    user = user_of(body)
    if not user:
        raise ValueError("the click names no user")
    if asker == user:
        asker = None
    if asker is not None:
        message_ts = None
    if container.get("type") != "message":
        return Asked(user, text, "button", message_ts=message_ts, asker=asker)
    if container.get("is_ephemeral"):
        return Asked(
            user,
            text,
            "button",
            container.get("channel_id"),
            message_ts,
            response_url=body["response_url"],
            asker=asker,
        )
    thread_ts = container.get("thread_ts") or (body.get("message") or {}).get("thread_ts")
    return Asked(user, text, "button", container.get("channel_id"), message_ts, thread_ts, asker=asker)


def user_of(body: dict[str, Any]) -> str:
    """Who clicked ("" when the payload doesn't say)."""
    return str((body.get("user") or {}).get("id", ""))


def click_key(body: dict[str, Any]) -> str | None:
    """A click on one of the app's buttons, as the inbox knows it however often it is delivered: by the
    trigger_id Slack gives each click. None for anything else."""
    actions = body.get("actions")
    trigger = body.get("trigger_id")
    first = actions[0] if isinstance(actions, list) and actions else None
    action_id = first.get("action_id") if isinstance(first, dict) else None
    if body.get("type") != "block_actions" or not isinstance(trigger, str) or not trigger:
        return None
    if not isinstance(action_id, str) or not any(p.match(action_id) for p in BUTTON_PATTERNS):
        return None
    return f"click:{trigger}"
