"""What every listener needs, handed over in Bolt's context instead of imported from the app.

Listeners read `services_of(context)`; tests build a `Services` around fakes and call listeners directly.
The seams for what comes later live here: `knowledge` is called per question (live reload swaps what it
returns), `posting_for` decides which posting a conversation is about, and `journal` records what
candidates asked (a store replaces the logging one).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal, Protocol

from slack_bolt import BoltContext
from slack_sdk import WebClient
from slack_sdk.http_retry import ConnectionErrorRetryHandler, RateLimitErrorRetryHandler, RetryHandler
from slack_sdk.http_retry.builtin_handlers import ServerErrorRetryHandler

from bot.answer import Reply
from bot.knowledge.loader import Knowledge
from bot.knowledge.reload import ReloadResult
from bot.routing import route
from bot.settings import Settings
from bot.slack.once import Gate, OnceGate
from bot.store import QuestionLog, hash_user

KnowledgeProvider = Callable[[], Knowledge]
Surface = Literal["dm", "mention", "command", "button"]

CONTEXT_KEY = "posting_bot_services"
RETRIES = 2  # per failed call; with Slack's Retry-After of a few seconds an answer is still timely

logger = logging.getLogger(__name__)


def retry_handlers() -> list[RetryHandler]:
    """429 (honouring Retry-After), 500/503 and dropped connections are retried; slack_sdk does none."""
    return [
        RateLimitErrorRetryHandler(max_retry_count=RETRIES),
        ServerErrorRetryHandler(max_retry_count=RETRIES),
        ConnectionErrorRetryHandler(max_retry_count=RETRIES),
    ]


class Journal(Protocol):
    """Where the app reports what happened, for recruiters' reports."""

    def asked(self, surface: Surface, user: str, reply: Reply, event_id: str | None = None) -> bool:
        """Record a question; True when that also recorded its event (`event_id`) as answered for every
        replica, so the event gate need not."""
        ...

    def feedback(self, user: str, posting: str, intents: list[str], helpful: bool) -> None: ...

    def handed_off(self, user: str, posting: str, notified: bool) -> None: ...


class LogJournal:
    """A Journal that only logs, never the question's text: that is the candidate's to share."""

    def asked(self, surface: Surface, user: str, reply: Reply, event_id: str | None = None) -> bool:
        logger.info(
            "answered %s from %s: posting=%s outcome=%s intents=%s confidence=%.2f",
            surface,
            user,
            reply.posting,
            reply.outcome,
            ",".join(reply.intents) or "-",
            reply.confidence,
        )
        return False

    def feedback(self, user: str, posting: str, intents: list[str], helpful: bool) -> None:
        verdict = "helpful" if helpful else "not helpful"
        logger.info("feedback from %s: posting=%s intents=%s %s", user, posting, ",".join(intents), verdict)

    def handed_off(self, user: str, posting: str, notified: bool) -> None:
        logger.info("handoff for %s: posting=%s recruiters notified=%s", user, posting, notified)


@dataclass(frozen=True)
class Services:
    settings: Settings
    knowledge: KnowledgeProvider
    client: WebClient
    journal: Journal = field(default_factory=LogJournal)
    events: Gate = field(default_factory=OnceGate)  # events, clicks: done once (SharedGate: by any replica)
    handoffs: Gate = field(default_factory=lambda: OnceGate(ttl=600.0))  # one alert per question
    store: QuestionLog | None = None  # the question log, for `/posting report`
    reload: Callable[[], ReloadResult] | None = None  # `/posting reload`

    def posting_for(self, knowledge: Knowledge, channel: str | None) -> str:
        """The posting a conversation is about before any question: the only one, the channel's, or
        DEFAULT_POSTING; with several postings and none of those, the first by title (questions are
        routed one by one, see `bot.routing`). Takes the caller's knowledge: one version per reply."""
        routed = route(knowledge, "", channel, self.settings.default_posting)
        return routed.posting or routed.choices[0].posting

    def log_name(self, user: object) -> str:
        """How a log names a Slack user: the question log's pseudonym, never the raw id ("-" without a
        key). docs/recruiters.md promises it."""
        return hash_user(self.settings.user_hash_key(), user if isinstance(user, str) else None) or "-"


def log_name(context: BoltContext, user: object) -> str:
    """`Services.log_name` for a listener's error path, where the services themselves may be missing."""
    services = context.get(CONTEXT_KEY)
    return services.log_name(user) if isinstance(services, Services) else "-"


def services_of(context: BoltContext) -> Services:
    services = context.get(CONTEXT_KEY)
    if not isinstance(services, Services):
        raise RuntimeError("the Slack app was built without services (use bot.slack.app.build_app)")
    return services
