"""Building the Bolt app: the Web API client, the listeners, and the services they share."""

from __future__ import annotations

import logging
from collections.abc import Callable

from slack_bolt import App, BoltContext, BoltResponse
from slack_sdk import WebClient

from bot.inbox import Inbox
from bot.slack.durable import BoundedExecutor, keep_deliveries
from bot.slack.listeners import register_listeners
from bot.slack.services import CONTEXT_KEY, Services, retry_handlers

# Listeners run after the ack; a few may be sleeping through a Retry-After while others answer.
LISTENER_THREADS = 16
QUEUED_ANSWERS = 1_000  # acknowledged events waiting for a listener thread; past that, acks wait


def web_client(token: str, base_url: str | None) -> WebClient:
    """A WebClient on `base_url` (SLACK_API_BASE_URL; Slack's own when None) that retries what's retryable."""
    return WebClient(token=token, base_url=base_url or WebClient.BASE_URL, retry_handlers=retry_handlers())


def build_app(services: Services, signing_secret: str, inbox: Inbox | None = None) -> App:
    """The Bolt app. Verifies the bot token (auth.test) and, in HTTP mode, every request's signature.
    With an `inbox`, every question is written to it before it is acknowledged."""
    app = App(
        client=services.client,
        signing_secret=signing_secret,
        name="posting-bot",
        logger=logging.getLogger("bot.slack.bolt"),
        listener_executor=BoundedExecutor(LISTENER_THREADS, QUEUED_ANSWERS, thread_name_prefix="listener"),
    )
    if inbox is not None:
        app.use(keep_deliveries(inbox))
    app.use(_provide(services))
    register_listeners(app)
    return app


def _provide(services: Services) -> Callable[..., BoltResponse | None]:
    def provide_services(context: BoltContext, next: Callable[[], BoltResponse]) -> BoltResponse | None:
        context[CONTEXT_KEY] = services
        return next()

    return provide_services
