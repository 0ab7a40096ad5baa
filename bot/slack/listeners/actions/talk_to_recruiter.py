"""The 'Talk to a recruiter' button: alert RECRUITER_CHANNEL and tell the candidate what happens next."""

from __future__ import annotations

from logging import Logger
from typing import Any

from slack_bolt import Ack, BoltContext

from bot.slack.asked import from_click, user_of
from bot.slack.buttons import ButtonError, ButtonValue
from bot.slack.conversation import act_once
from bot.slack.conversation import talk_to_recruiter as hand_over
from bot.slack.services import log_name, services_of


def talk_to_recruiter(
    ack: Ack, body: dict[str, Any], action: dict[str, Any], context: BoltContext, logger: Logger
) -> None:
    ack()
    try:
        services = services_of(context)

        def act() -> None:
            origin = ButtonValue.decode(action.get("value"))
            hand_over(services, from_click(body, origin.question, origin.message_ts, origin.asker), origin)

        act_once(services, body, act)
    except ButtonError as exc:  # an old message or a forged click: nothing to act on
        logger.warning(
            "declined the %s click by %s: %s", action.get("action_id"), log_name(context, user_of(body)), exc
        )
    except Exception:
        logger.exception("could not hand %s over to a recruiter", log_name(context, user_of(body)))
