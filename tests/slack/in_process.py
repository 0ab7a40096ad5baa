"""The whole Bolt app in the test's own process: services as the running app builds them, and `dispatch`.

`dispatch(payload)` hands a Slack-signed request to `App.dispatch`, as bolt-python's own scenario tests do:
the app's real middleware (signature check, self-event filter), listeners and Web API calls (to the local
stand-in), without starting a process or a server. It returns once every listener the request started has
finished, so "nothing was posted" can be asserted straight away.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from slack_bolt import App, BoltRequest, BoltResponse

from bot.knowledge.loader import Knowledge
from bot.settings import Settings
from bot.slack.app import ListenerPool, build_app, web_client
from bot.slack.services import Services
from tests.slack_standin import FakeSlackWebAPI, SlackPayload, signed_headers

UNIT_TOKEN = "xoxb-unit"
UNIT_SECRET = "unit-signing-secret"


def make_services(
    api: FakeSlackWebAPI,
    knowledge: Knowledge | Callable[[], Knowledge],
    settings: Settings | None = None,
    **extra: object,
) -> Services:
    """Services on the stand-in, as `posting-bot run` builds them; `extra` sets journal, store, reload…"""
    provider = knowledge if callable(knowledge) else (lambda: knowledge)
    client = web_client(UNIT_TOKEN, api.base_url)
    return Services(settings or Settings(), provider, client, **extra)  # type: ignore[arg-type]


@dataclass
class InProcessApp:
    app: App
    services: Services
    listeners: ListenerPool

    def dispatch(
        self,
        payload: SlackPayload,
        *,
        secret: str = UNIT_SECRET,
        retry_num: int | None = None,
        timeout: float = 10,
    ) -> BoltResponse:
        """Deliver `payload` signed with `secret` (a redelivery with `retry_num`); the app's response, once
        every listener it started has finished."""
        headers = signed_headers(secret, payload.body, content_type=payload.content_type)
        if retry_num is not None:
            headers |= {"X-Slack-Retry-Num": str(retry_num), "X-Slack-Retry-Reason": "http_timeout"}
        response = self.app.dispatch(BoltRequest(body=payload.body, headers=dict(headers)))
        if not self.listeners.wait_idle(timeout):
            raise AssertionError(f"the app's listeners were still busy {timeout}s after the request")
        return response

    def close(self) -> None:
        self.listeners.shutdown(wait=True)


def in_process_app(services: Services) -> InProcessApp:
    """The app `posting-bot run` serves, built around `services`; `close()` it when done."""
    listeners = ListenerPool()
    return InProcessApp(build_app(services, UNIT_SECRET, listeners), services, listeners)
