"""An @mention in a channel: answered in that message's thread, never at the channel's top level."""

from __future__ import annotations

from logging import Logger
from typing import Any

from slack_bolt import BoltContext

from bot.slack.listeners.events.candidate_message import answer_candidate_message


def app_mention(event: dict[str, Any], body: dict[str, Any], context: BoltContext, logger: Logger) -> None:
    # Other bots mentioning us would start loops; a mention inside a DM arrives as a DM message too.
    if event.get("bot_id") or event.get("subtype") or str(event.get("channel", "")).startswith("D"):
        return
    answer_candidate_message(event, body, context, logger, "mention")
