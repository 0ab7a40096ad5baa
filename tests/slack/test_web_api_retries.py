"""`posting-bot run` when the Web API drops connections or keeps refusing: retried, answered once, logged,
and the process carries on. HTTP mode against the stand-in, over real sockets.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from tests.slack.harness import (
    KNOWLEDGE,
    SIGNING_SECRET,
    BotProcess,
    conversation_ids,
    get,
    http_mode,
    pseudonym,
    settle,
    to_channel,
)
from tests.slack_standin import (
    CANDIDATE_ID,
    FakeSlackWebAPI,
    HttpResult,
    deliver,
    dm_message,
    event_callback,
    slash_command,
)
from tests.slack_standin.web_api import DROP

pytestmark = pytest.mark.e2e

fresh = conversation_ids("R")


@dataclass
class App:
    process: BotProcess
    url: str
    api: FakeSlackWebAPI

    def dm(self, text: str, channel: str) -> tuple[dict[str, Any], HttpResult]:
        event = dm_message(text, channel=channel)
        return event, deliver(f"{self.url}/slack/events", event_callback(event), SIGNING_SECRET)

    def attempts(self, channel: str) -> list[int]:
        return [c.status for c in self.api.calls("chat.postMessage") if c.params.get("channel") == channel]


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[App]:
    with http_mode(tmp_path_factory.mktemp("web-api-retries"), KNOWLEDGE) as (bot, url, api):
        yield App(bot, url, api)


@pytest.fixture(autouse=True)
def _fresh_standin(app: App) -> None:
    app.api.clear()


def test_a_dropped_connection_is_retried_and_answered_once(app: App) -> None:
    app.api.fail_next("chat.postMessage", status=DROP)
    channel = fresh("D")
    app.dm("what is the salary", channel)
    app.api.wait_for("chat.postMessage", predicate=to_channel(channel))

    [answer] = settle(app.process, app.api, channel, app.dm)
    assert "100,000" in answer.params["text"]
    assert app.attempts(channel)[:2] == [DROP, 200]


def test_a_dropped_response_url_is_retried_and_answered_once(app: App) -> None:
    name = fresh("slash")
    app.api.fail_next(f"response_url:{name}", status=DROP)
    deliver(
        f"{app.url}/slack/events",
        slash_command("what is the salary", response_url=app.api.response_url(name)),
        SIGNING_SECRET,
    )
    responses = app.api.wait_for_response(name, count=2)
    assert [r.status for r in responses] == [DROP, 200]
    assert "100,000" in responses[1].params["text"]


def test_a_post_refused_past_every_retry_is_logged_and_the_next_question_is_answered(app: App) -> None:
    app.api.fail_next("chat.postMessage", status=503, times=3)  # the first try and both retries
    channel = fresh("D")
    event, result = app.dm("what is the salary", channel)
    assert result.status == 200

    app.process.wait_for_log(f"could not answer DM {event['ts']} from {pseudonym(CANDIDATE_ID)} in {channel}")
    assert app.attempts(channel) == [503, 503, 503]
    # A later question in the same DM is answered (settle's marker); the refused answer never went out.
    assert settle(app.process, app.api, channel, app.dm) == []


def test_the_app_is_alive_at_the_end(app: App) -> None:
    app.process.assert_alive()
    assert get(f"{app.url}/healthz")[0] == 200
