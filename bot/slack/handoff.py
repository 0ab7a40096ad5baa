"""Handing a candidate over to a human: an alert in RECRUITER_CHANNEL with a link to the conversation.

Without RECRUITER_CHANNEL (or when the alert can't be posted) the candidate is told how to reach
recruiting from what the posting says, never that someone will follow up.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass

from slack_sdk.errors import SlackApiError

from bot.knowledge.schema import Posting
from bot.slack.asked import Asked
from bot.slack.blocks import recruiter_alert
from bot.slack.markup import echo, escape
from bot.slack.services import Services

logger = logging.getLogger(__name__)

_USER_ID = re.compile(r"^[UW][A-Z0-9]{2,}$")
QUESTION_CHARS = 1500  # of the question shown to recruiters; the link leads to the rest

NOTIFIED = (
    "I've passed your question to the recruiting team — a recruiter will follow up with you here in Slack."
)
ALREADY_NOTIFIED = "I've already passed this on to the recruiting team — a recruiter will follow up."


@dataclass(frozen=True)
class Handoff:
    notified: bool  # recruiters were told; otherwise `note` says how to reach them
    note: str  # mrkdwn for the candidate


def hand_off(services: Services, posting: Posting, asked: Asked) -> Handoff:
    """Alert the recruiters (once per question) and say what happens next."""
    channel = services.settings.recruiter_channel
    if not channel:
        services.journal.handed_off(asked.user, posting.id, notified=False)
        return Handoff(False, how_to_reach(posting))
    key = f"{posting.id}:{asked.user}:{asked.message_ts or asked.text}"
    if not services.handoffs.claim(key):
        return Handoff(True, ALREADY_NOTIFIED)
    # Someone else's question (a click under it in a channel) is not this candidate's to pass on.
    question = echo(asked.text, QUESTION_CHARS) if asked.own_question else ""
    alert = recruiter_alert(posting, asked.user, question, asked.where, _permalink(services, asked))
    try:
        services.client.chat_postMessage(channel=channel, unfurl_links=False, **alert.as_kwargs())
    except (SlackApiError, OSError) as exc:
        services.handoffs.failed(key)
        logger.error(
            "recruiter alert for %s (posting %s) to %s failed: %s",
            services.log_name(asked.user),
            posting.id,
            channel,
            exc,
        )
        services.journal.handed_off(asked.user, posting.id, notified=False)
        return Handoff(False, f"I couldn't reach the recruiting team just now. {how_to_reach(posting)}")
    services.handoffs.done(key)
    services.journal.handed_off(asked.user, posting.id, notified=True)
    return Handoff(True, NOTIFIED)


def reach_recruiting(services: Services, posting: Posting) -> str:
    """How the App Home tells a candidate to reach a person."""
    if services.settings.recruiter_channel:
        return "Press the button and a recruiter will follow up with you here in Slack."
    return how_to_reach(posting)


def how_to_reach(posting: Posting) -> str:
    """Recruiting's contact from the posting, as mrkdwn; says so when the posting names none."""
    recruiter = posting.recruiter
    contacts: list[str] = []
    if recruiter and recruiter.name:
        contacts.append(f"*{escape(recruiter.name)}* looks after this role")
    if recruiter and recruiter.slack_user and _USER_ID.match(recruiter.slack_user):
        contacts.append(f"message <@{recruiter.slack_user}>")
    if recruiter and recruiter.email:
        contacts.append(f"email {escape(recruiter.email)}")
    if contacts:
        return "To reach recruiting: " + "; ".join(contacts) + "."
    if posting.how_to_apply:
        return f"The posting doesn't name a recruiter. How to apply: {escape(posting.how_to_apply)}"
    if posting.url:
        return f"The posting doesn't name a recruiter; it is at {escape(posting.url)}"
    return "The posting doesn't name a recruiting contact."


def _permalink(services: Services, asked: Asked) -> str | None:
    if not (asked.channel and asked.message_ts):
        return None
    try:
        response = services.client.chat_getPermalink(channel=asked.channel, message_ts=asked.message_ts)
    except (SlackApiError, OSError) as exc:
        logger.warning("no permalink for %s in %s: %s", asked.message_ts, asked.channel, exc)
        return None
    link = response.get("permalink")
    return link if isinstance(link, str) else None
