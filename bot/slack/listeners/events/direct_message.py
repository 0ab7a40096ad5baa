"""A candidate's message in their DM with the bot: answered in the DM (in its thread, if it has one)."""

from __future__ import annotations

from logging import Logger
from typing import Any

from slack_bolt import BoltContext

from bot.slack.listeners.events.candidate_message import answer_candidate_message

# A question typed with an attachment arrives as `file_share`: still a person's new message.
_NEW_MESSAGE_SUBTYPES = {None, "", "file_share"}


def is_candidate_message(event: dict[str, Any]) -> bool:
    """A person's new DM: not a bot's (Bolt already drops the app's own), an edit, a delete or a join."""
    return (
        event.get("channel_type") == "im"
        and event.get("subtype") in _NEW_MESSAGE_SUBTYPES
        and not event.get("bot_id")
        and bool(event.get("user"))
    )


def direct_message(event: dict[str, Any], body: dict[str, Any], context: BoltContext, logger: Logger) -> None:
    if not is_candidate_message(event):
        return
    answer_candidate_message(event, body, context, logger, "dm")
