"""👍 / 👎 under an answer: recorded, and the buttons give way to a thank-you so nobody clicks twice."""

from __future__ import annotations

from logging import Logger
from typing import Any

from slack_bolt import Ack, BoltContext

from bot.slack.asked import user_of
from bot.slack.blocks import Message, acknowledged, note_message
from bot.slack.buttons import FEEDBACK_HELPFUL, ButtonError, ButtonValue
from bot.slack.conversation import act_once
from bot.slack.delivery import Target, send
from bot.slack.services import log_name, services_of

THANKS = {
    True: "Thanks — glad that helped.",
    False: "Thanks for telling me — this helps recruiters improve the answers.",
}


def feedback(
    ack: Ack, body: dict[str, Any], action: dict[str, Any], context: BoltContext, logger: Logger
) -> None:
    ack()
    user = user_of(body)
    try:
        services = services_of(context)

        def act() -> None:
            origin = ButtonValue.decode(action.get("value"))
            helpful = action.get("action_id") == FEEDBACK_HELPFUL
            services.journal.feedback(user, origin.posting, origin.intents, helpful)
            blocks = (body.get("message") or {}).get("blocks")
            if blocks:
                message = Message(THANKS[helpful], acknowledged(blocks, THANKS[helpful]))
                send(services, Target(response_url=body["response_url"], replace_original=True), message)
            else:  # an ephemeral answer: Slack doesn't send its blocks back
                send(services, Target(response_url=body["response_url"]), note_message(THANKS[helpful]))

        act_once(services, body, act)
    except ButtonError as exc:  # an old message or a forged click: nothing to act on
        logger.warning(
            "declined the %s click by %s: %s", action.get("action_id"), log_name(context, user), exc
        )
    except Exception:
        logger.exception("could not record feedback from %s", log_name(context, user))
