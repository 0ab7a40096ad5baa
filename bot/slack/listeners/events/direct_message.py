"""A candidate's message in their DM with the bot: answered in the DM (in its thread, if it has one)."""

from __future__ import annotations

from logging import Logger
from typing import Any

from slack_bolt import BoltContext

from bot.slack.asked import Asked
from bot.slack.conversation import answer_event
from bot.slack.services import services_of


def is_candidate_message(event: dict[str, Any]) -> bool:
    """A person's new DM: not a bot's (Bolt already drops the app's own), an edit, a delete or a join."""
    return (
        event.get("channel_type") == "im"
        and not event.get("subtype")
        and not event.get("bot_id")
        and bool(event.get("user"))
    )


def direct_message(event: dict[str, Any], body: dict[str, Any], context: BoltContext, logger: Logger) -> None:
    if not is_candidate_message(event):
        return
    try:
        asked = Asked(
            user=event["user"],
            text=event.get("text") or "",
            surface="dm",
            channel=event["channel"],
            message_ts=event["ts"],
            thread_ts=event.get("thread_ts"),
        )
        answer_event(services_of(context), body.get("event_id"), asked)
    except Exception:
        logger.exception(
            "could not answer DM %s from %s in %s (event %s)",
            event.get("ts"),
            event.get("user"),
            event.get("channel"),
            body.get("event_id"),
        )
