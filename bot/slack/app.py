"""Building the Bolt app: the Web API client, the listeners, and the services they share."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import ParamSpec, TypeVar

from slack_bolt import App, BoltContext, BoltResponse
from slack_sdk import WebClient

from bot.slack.durable import keep_deliveries
from bot.slack.listeners import register_listeners
from bot.slack.once import SharedGate
from bot.slack.services import CONTEXT_KEY, Services, retry_handlers

# Listeners run after the ack; a few may be sleeping through a Retry-After while others answer.
LISTENER_THREADS = 16
QUEUED_ANSWERS = 1_000  # acknowledged events waiting for a listener thread; past that, acks wait

logger = logging.getLogger(__name__)

_P = ParamSpec("_P")
_T = TypeVar("_T")


class ListenerPool(ThreadPoolExecutor):
    """Bolt's listener threads, counting the listeners in flight, with at most `queued` waiting.

    Past `queued`, `submit` waits: that holds up the acknowledgement, which is what slows Slack (and the
    load balancer) down; what was acknowledged is in the inbox either way.

    An ack only says a delivery was received; the listener answers it afterwards. When the last listener
    in flight finishes, the pool says so: `wait_idle` in the same process, and a DEBUG line ("listeners
    idle at <unix time>") for whoever reads the log — the positive signal that every delivery so far was
    fully handled, which is what a test needs before concluding that nothing was posted.
    """

    def __init__(self, threads: int = LISTENER_THREADS, queued: int = QUEUED_ANSWERS) -> None:
        super().__init__(threads, thread_name_prefix="listener")
        self._changed = threading.Condition()
        self._in_flight = 0
        self._slots = threading.BoundedSemaphore(threads + queued)

    def submit(self, fn: Callable[_P, _T], /, *args: _P.args, **kwargs: _P.kwargs) -> Future[_T]:
        self._slots.acquire()
        with self._changed:
            self._in_flight += 1
        try:
            return super().submit(self._tracked, fn, *args, **kwargs)
        except BaseException:
            self._finished()
            raise

    def wait_idle(self, timeout: float) -> bool:
        """Block until no listener is in flight; False if that took longer than `timeout` seconds."""
        with self._changed:
            return self._changed.wait_for(lambda: self._in_flight == 0, timeout)

    def _tracked(self, fn: Callable[_P, _T], /, *args: _P.args, **kwargs: _P.kwargs) -> _T:
        try:
            return fn(*args, **kwargs)
        finally:
            self._finished()

    def _finished(self) -> None:
        self._slots.release()
        with self._changed:
            self._in_flight -= 1
            if self._in_flight == 0:
                logger.debug("listeners idle at %.6f", time.time())
                self._changed.notify_all()


def web_client(token: str, base_url: str | None) -> WebClient:
    """A WebClient on `base_url` (SLACK_API_BASE_URL; Slack's own when None) that retries what's retryable."""
    return WebClient(token=token, base_url=base_url or WebClient.BASE_URL, retry_handlers=retry_handlers())


def build_app(
    services: Services,
    signing_secret: str,
    listeners: ListenerPool | None = None,
    inbox: SharedGate | None = None,
) -> App:
    """The Bolt app. Verifies the bot token (auth.test) and, in HTTP mode, every request's signature.

    `listeners` runs the listeners (a fresh ListenerPool by default); pass one to wait on it. With an
    `inbox` (the gate in front of it), every question and click on the app's buttons is written to it,
    claimed, before it is acknowledged.
    """
    app = App(
        client=services.client,
        signing_secret=signing_secret,
        name="posting-bot",
        logger=logging.getLogger("bot.slack.bolt"),
        listener_executor=listeners or ListenerPool(),
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
