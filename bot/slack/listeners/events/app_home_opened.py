"""The App Home tab opened: publish what the bot knows, topics to ask about, and how to reach a recruiter."""

from __future__ import annotations

from logging import Logger
from typing import Any

from slack_bolt import BoltContext

from bot.slack.conversation import publish_home
from bot.slack.services import log_name, services_of


def app_home_opened(event: dict[str, Any], context: BoltContext, logger: Logger) -> None:
    if event.get("tab") != "home":  # the Messages tab needs nothing
        return
    try:
        publish_home(services_of(context), event["user"])
    except Exception:
        logger.exception("could not publish the App Home for %s", log_name(context, event.get("user")))
