"""A topic or 'did you mean' button: the prepared answer for that intent, in the same thread."""

from __future__ import annotations

from logging import Logger
from typing import Any

from slack_bolt import Ack, BoltContext

from bot.slack.asked import from_click, user_of
from bot.slack.buttons import ButtonError, ButtonValue
from bot.slack.conversation import act_once, answer_intent
from bot.slack.services import log_name, services_of


def pick_intent(
    ack: Ack, body: dict[str, Any], action: dict[str, Any], context: BoltContext, logger: Logger
) -> None:
    ack()
    try:
        services = services_of(context)

        def act() -> None:
            origin = ButtonValue.decode(action.get("value"))
            asked = from_click(body, origin.question, origin.message_ts, origin.asker)
            # A private 'did you mean' is replaced by the answer; elsewhere the answer follows it.
            answer_intent(services, asked, origin, replace_original=asked.response_url is not None)

        act_once(services, body, act)
    except ButtonError as exc:  # an old message or a forged click: nothing to act on
        logger.warning(
            "declined the %s click by %s: %s", action.get("action_id"), log_name(context, user_of(body)), exc
        )
    except Exception:
        logger.exception(
            "could not answer the %s click by %s", action.get("action_id"), log_name(context, user_of(body))
        )
