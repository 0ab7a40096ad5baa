"""What the app does with a question, whichever surface it came from. Listeners call these.

The core decides (`bot.answer.answer`, `render_intent`); this module only picks the rendering, hands off
to a recruiter when the reply says so, and delivers. Failures raise; listeners log them.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from bot.answer import Part, Reply, answer, render_intent
from bot.knowledge.loader import Knowledge
from bot.routing import route
from bot.slack.asked import Asked, click_key
from bot.slack.blocks import (
    Message,
    Topic,
    answer_message,
    did_you_mean_message,
    help_message,
    home_view,
    note_message,
    out_of_scope_message,
    quoted_message,
    which_role_message,
)
from bot.slack.buttons import QUESTION_CHARS, ButtonValue
from bot.slack.delivery import DeliveryError, already_answered, send
from bot.slack.handoff import hand_off, reach_recruiting
from bot.slack.markup import question_text, to_plain
from bot.slack.services import Services

logger = logging.getLogger(__name__)

# Markup can make a message longer than the words in it, so read a little more than the core matches.
_MARKUP_ALLOWANCE = 4
SORRY = "Sorry — something went wrong on my side while answering that. Please try again in a moment."
STALE = "That button is from an older version of what I know — please ask your question again."


def answer_event(services: Services, event_id: str | None, asked: Asked) -> None:
    """Answer an Events API delivery exactly once per event_id.

    A redelivery is skipped while the first delivery is being answered or once it was; a delivery whose
    answer failed is let through again, because Slack redelivers precisely when the first one failed.
    """
    if event_id and not services.events.claim(event_id):
        logger.info("event %s already answered or in progress: skipping the redelivery", event_id)
        return
    asked = replace(asked, event_id=event_id)
    try:
        if (
            event_id
            and services.events.retried(event_id)
            and already_answered(services, asked.target(), asked.message_ts)
        ):
            # An attempt posted the answer, then died before saying so: log the question (once), no more.
            logger.info("event %s was answered by an attempt that then died: not again", event_id)
            reply = _reply_only(services, asked)
        else:
            reply = _send_answer(services, asked)
    except Exception:
        if event_id:
            services.events.failed(event_id)
        raise
    # With a store, logging the question also marks the event answered: one transaction, not two.
    recorded = reply is not None and _record(services, asked, reply)
    if event_id:
        services.events.done(event_id, recorded)


def act_once(services: Services, body: dict[str, Any], act: Callable[[], None]) -> None:
    """Act on a button click once, however many times it is delivered (a load balancer's retry, another
    replica, the inbox after a crash); a click whose action failed is let through again, one that can't be
    acted on (ValueError: a button value the app didn't write, no user, no intent) is not."""
    key = click_key(body)
    if key and not services.events.claim(key):
        logger.info("%s already handled or in progress: skipping the redelivery", key)
        return
    try:
        act()
    except ValueError:
        if key:
            services.events.done(key)
        raise
    except Exception:
        if key:
            services.events.failed(key)
        raise
    if key:
        services.events.done(key)


def answer_question(services: Services, asked: Asked, posting_id: str | None = None) -> None:
    """Answer `asked` where it was asked: an answer, 'did you mean', the out-of-scope fallback, help, or
    "Which role do you mean?" when several postings are loaded and nothing says which (`posting_id` is
    the candidate's pick from those buttons)."""
    reply = _send_answer(services, asked, posting_id)
    if reply is not None:
        _record(services, asked, reply)


def _send_answer(services: Services, asked: Asked, posting_id: str | None = None) -> Reply | None:
    """`answer_question` without the logging: the reply to log, if the message sent was one."""
    try:
        message, reply = _compose(services, asked, posting_id)
    except Exception:
        _apologise(services, asked)
        raise
    send(services, asked.target(), message)
    return reply


def answer_intent(services: Services, asked: Asked, origin: ButtonValue, replace_original: bool) -> None:
    """A click on a topic or 'did you mean' button: the prepared answer for that intent."""
    if origin.intent is None:
        raise ValueError("the button names no intent")
    knowledge = services.knowledge()
    try:
        part = render_intent(knowledge, origin.posting, origin.intent)
    except KeyError:  # a reload removed the posting or intent the button names
        send(services, asked.target(), note_message(STALE))
        raise
    message = _answer(services, knowledge, [part], part.handoff, asked, origin)
    send(services, asked.target(replace_original), message)


def talk_to_recruiter(services: Services, asked: Asked, origin: ButtonValue) -> None:
    """The 'Talk to a recruiter' button: alert the recruiters and tell the candidate what happens next."""
    posting = services.knowledge().posting(origin.posting).posting
    handoff = hand_off(services, posting, asked)
    send(services, asked.target(), note_message(handoff.note))


def publish_home(services: Services, user: str) -> None:
    knowledge = services.knowledge()
    posting_id = services.posting_for(knowledge, None)
    posting = knowledge.posting(posting_id).posting
    view = home_view(posting, topics(knowledge, posting_id), reach_recruiting(services, posting))
    services.client.views_publish(user_id=user, view=view)


def topics(knowledge: Knowledge, posting_id: str | None) -> list[Topic]:
    """What the posting can answer, in the knowledge's order: intents whose facts the posting states.

    Greetings and recruiter requests are left out: they are not topics, and the recruiter has a button.
    """
    posting = knowledge.posting(posting_id)
    return [Topic(intent_id, posting.intents[intent_id].label) for intent_id in posting.topics]


def _compose(services: Services, asked: Asked, posting_id: str | None) -> tuple[Message, Reply | None]:
    knowledge = services.knowledge()  # once: the whole reply comes from one version of the knowledge
    question = question_text(asked.text, knowledge.settings.max_question_chars * _MARKUP_ALLOWANCE)
    asker = asked.asker or asked.user  # whose question the buttons carry on
    if posting_id is None:
        routed = route(knowledge, question, asked.channel, services.settings.default_posting)
        if routed.posting is None:
            return which_role_message(routed.choices, _kept(asked.text), asked.message_ts, asker), None
        posting_id = routed.posting
    if not question:  # `/posting` alone, a bare @mention, or only markup
        posting = knowledge.posting(posting_id).posting
        origin = ButtonValue(posting.id, message_ts=asked.message_ts, asker=asker)
        return help_message(posting, topics(knowledge, posting_id), origin), None
    reply = answer(knowledge, question, posting_id)
    origin = ButtonValue(reply.posting, question=_kept(asked.text), message_ts=asked.message_ts, asker=asker)
    if reply.outcome == "did_you_mean":
        return did_you_mean_message(reply, origin), reply
    if reply.outcome == "out_of_scope":
        return out_of_scope_message(reply, topics(knowledge, posting_id), origin), reply
    if reply.outcome == "quoted":
        return quoted_message(knowledge.posting(posting_id).posting, reply, origin), reply
    return _answer(services, knowledge, reply.parts, reply.handoff, asked, origin), reply


def _reply_only(services: Services, asked: Asked) -> Reply | None:
    """The reply `_compose` would make, for the log, with no side effects (no recruiter alert)."""
    knowledge = services.knowledge()
    question = question_text(asked.text, knowledge.settings.max_question_chars * _MARKUP_ALLOWANCE)
    routed = route(knowledge, question, asked.channel, services.settings.default_posting)
    if routed.posting is None or not question:
        return None
    return answer(knowledge, question, routed.posting)


def _record(services: Services, asked: Asked, reply: Reply) -> bool:
    """Journal an answer that went out; True when that recorded its event as answered too. Never raises:
    a failure here after the answer was delivered would mark the event failed, and Slack's redelivery
    would then be answered a second time."""
    try:
        return services.journal.asked(asked.surface, asked.user, reply, asked.event_id)
    except Exception:
        logger.exception(
            "answered a %s question but could not record it (posting %s)", asked.surface, reply.posting
        )
        return False


def _kept(text: str) -> str:
    """The question as buttons carry it: plain words, no pings, short (see `asked.from_click`)."""
    return to_plain(text[: 2 * QUESTION_CHARS])[:QUESTION_CHARS]


def _apologise(services: Services, asked: Asked) -> None:
    """Best effort: a candidate whose question broke something hears so instead of silence."""
    try:
        send(services, asked.target(), note_message(SORRY))
    except DeliveryError as exc:
        logger.warning("could not tell %s that answering failed: %s", services.log_name(asked.user), exc)


def _answer(
    services: Services,
    knowledge: Knowledge,
    parts: list[Part],
    handoff: bool,
    asked: Asked,
    origin: ButtonValue,
) -> Message:
    posting = knowledge.posting(origin.posting).posting
    note = None
    offer_recruiter = True
    if handoff:
        result = hand_off(services, posting, asked)
        note, offer_recruiter = result.note, not result.notified
    return answer_message(posting, parts, origin, note, offer_recruiter)
