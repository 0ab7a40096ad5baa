"""A "Which role do you mean?" button: the candidate's original question, answered for that role."""

from __future__ import annotations

from logging import Logger
from typing import Any

from slack_bolt import Ack, BoltContext

from bot.slack.asked import from_click, user_of
from bot.slack.buttons import ButtonError, ButtonValue
from bot.slack.conversation import act_once, answer_question
from bot.slack.services import log_name, services_of


def pick_posting(
    ack: Ack, body: dict[str, Any], action: dict[str, Any], context: BoltContext, logger: Logger
) -> None:
    ack()
    try:
        services = services_of(context)

        def act() -> None:
            origin = ButtonValue.decode(action.get("value"))
            asked = from_click(body, origin.question, origin.message_ts, origin.asker)
            answer_question(services, asked, origin.posting)

        act_once(services, body, act)
    except ButtonError as exc:  # an old message or a forged click: nothing to act on
        logger.warning(
            "declined the %s click by %s: %s", action.get("action_id"), log_name(context, user_of(body)), exc
        )
    except Exception:
        logger.exception(
            "could not answer the %s click by %s", action.get("action_id"), log_name(context, user_of(body))
        )
