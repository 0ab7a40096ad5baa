"""What the DM and @mention listeners share once they have decided a message is a candidate's question."""

from __future__ import annotations

from logging import Logger
from typing import Any, Literal

from slack_bolt import BoltContext

from bot.slack.asked import Asked
from bot.slack.conversation import answer_event
from bot.slack.services import log_name, services_of

_NAMES = {"dm": "DM", "mention": "mention"}


def answer_candidate_message(
    event: dict[str, Any],
    body: dict[str, Any],
    context: BoltContext,
    logger: Logger,
    surface: Literal["dm", "mention"],
) -> None:
    """Answer the message where it was asked. A mention is always answered in a thread (its own, when it
    is not in one) so the channel's top level stays the people's; a DM only when it is in a thread."""
    try:
        thread_ts = event.get("thread_ts")
        if surface == "mention":
            thread_ts = thread_ts or event["ts"]
        asked = Asked(
            user=event["user"],
            text=event.get("text") or "",
            surface=surface,
            channel=event["channel"],
            message_ts=event["ts"],
            thread_ts=thread_ts,
        )
        answer_event(services_of(context), body.get("event_id"), asked)
    except Exception:
        logger.exception(
            "could not answer %s %s from %s in %s (event %s)",
            _NAMES[surface],
            event.get("ts"),
            log_name(context, event.get("user")),
            event.get("channel"),
            body.get("event_id"),
        )
