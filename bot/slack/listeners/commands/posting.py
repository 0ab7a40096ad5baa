"""`/posting <question>`: answered privately (response_url); `/posting` alone: help with topics;
`/posting reload` and `/posting report [DAYS]`: admin commands."""

from __future__ import annotations

from logging import Logger
from typing import Any

from slack_bolt import Ack, BoltContext

from bot.slack.admin import admin_command, run_admin_command
from bot.slack.asked import Asked
from bot.slack.conversation import answer_question
from bot.slack.services import log_name, services_of


def posting_command(ack: Ack, command: dict[str, Any], context: BoltContext, logger: Logger) -> None:
    ack()  # within Slack's 3 seconds; the answer follows through response_url
    try:
        asked = Asked(
            user=command["user_id"],
            text=command.get("text") or "",
            surface="command",
            channel=command.get("channel_id"),
            response_url=command["response_url"],
        )
        admin = admin_command(asked.text)
        if admin is None:
            answer_question(services_of(context), asked)
        else:
            run_admin_command(services_of(context), asked, admin)
    except Exception:
        logger.exception(
            "could not answer /posting from %s in %s",
            log_name(context, command.get("user_id")),
            command.get("channel_id"),
        )
