"""An @mention in a channel: answered in that message's thread, never at the channel's top level."""

from __future__ import annotations

from logging import Logger
from typing import Any

from slack_bolt import BoltContext

from bot.slack.asked import Asked
from bot.slack.conversation import answer_event
from bot.slack.services import services_of


def app_mention(event: dict[str, Any], body: dict[str, Any], context: BoltContext, logger: Logger) -> None:
    # Other bots mentioning us would start loops; a mention inside a DM arrives as a DM message too.
    if event.get("bot_id") or event.get("subtype") or str(event.get("channel", "")).startswith("D"):
        return
    try:
        asked = Asked(
            user=event["user"],
            text=event.get("text") or "",
            surface="mention",
            channel=event["channel"],
            message_ts=event["ts"],
            thread_ts=event.get("thread_ts") or event["ts"],
        )
        answer_event(services_of(context), body.get("event_id"), asked)
    except Exception:
        logger.exception(
            "could not answer mention %s from %s in %s (event %s)",
            event.get("ts"),
            event.get("user"),
            event.get("channel"),
            body.get("event_id"),
        )
