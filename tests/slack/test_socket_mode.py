"""`posting-bot run` in Socket Mode, end to end: envelopes over the stand-in's websocket, Web API calls out.

No signing secret and no port: the app dials out. apps.connections.open must go to SLACK_API_BASE_URL,
or the app never finds the stand-in's websocket.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from tests.slack.harness import (
    APP_TOKEN,
    BOT_TOKEN,
    KNOWLEDGE,
    RECRUITER_CHANNEL,
    BotProcess,
    action_ids,
    button,
    conversation_ids,
    settle,
    to_channel,
)
from tests.slack_standin import (
    BOT_USER_ID,
    ApiCall,
    FakeSlackWebAPI,
    FakeSocketModeServer,
    SlackPayload,
    app_home_opened,
    app_mention,
    block_actions,
    bot_message,
    dm_message,
    event_callback,
    slash_command,
)

pytestmark = pytest.mark.e2e

fresh = conversation_ids("S")


@dataclass
class App:
    process: BotProcess
    api: FakeSlackWebAPI
    socket: FakeSocketModeServer

    def send(self, payload: SlackPayload, **options: Any) -> dict[str, Any]:
        """Push an envelope and return the app's ack for it."""
        return self.socket.wait_for_ack(self.socket.send_payload(payload, **options))

    def dm(self, text: str, channel: str) -> dict[str, Any]:
        return self.send(event_callback(dm_message(text, channel=channel)))

    def replies(self, channel: str, count: int = 1) -> list[ApiCall]:
        return self.api.wait_for("chat.postMessage", count, timeout=10, predicate=to_channel(channel))

    def settle(self, channel: str) -> list[ApiCall]:
        return settle(self.process, self.api, channel, self.dm)


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[App]:
    with FakeSlackWebAPI() as api, FakeSocketModeServer() as socket:
        api.socket_mode_url = socket.url
        bot = BotProcess(
            tmp_path_factory.mktemp("socket-mode"),
            SLACK_BOT_TOKEN=BOT_TOKEN,
            SLACK_APP_TOKEN=APP_TOKEN,
            SLACK_API_BASE_URL=api.base_url,
            KNOWLEDGE_DIR=str(KNOWLEDGE),
            RECRUITER_CHANNEL=RECRUITER_CHANNEL,
        )
        with bot:
            try:
                socket.wait_for_connection(timeout=30)
            except AssertionError as error:
                raise AssertionError(f"{error}\nposting-bot's log:\n{bot.log()}") from None
            yield App(bot, api, socket)


def test_it_connects_through_apps_connections_open_on_the_configured_base_url(app: App) -> None:
    [call, *_] = app.api.calls("apps.connections.open")
    assert call.token == APP_TOKEN
    assert app.socket.open_connections == 1


def test_a_dm_is_acked_and_answered_in_the_dm(app: App) -> None:
    channel = fresh("D")
    ack = app.dm("what is the salary", channel)
    assert "payload" not in ack  # events carry no response payload

    [reply] = app.replies(channel)
    assert reply.params["text"] == "The base salary is 100,000\u2013150,000 USD a year."
    assert reply.params.get("thread_ts") is None
    assert action_ids(reply) == ["feedback_helpful", "feedback_unhelpful", "talk_to_recruiter"]


def test_a_mention_is_answered_in_its_thread(app: App) -> None:
    channel = fresh("C")
    event = app_mention(f"<@{BOT_USER_ID}> what is the salary", channel=channel)
    app.send(event_callback(event))

    [reply] = app.replies(channel)
    assert reply.params["thread_ts"] == event["ts"]


def test_slash_command_is_acked_and_answered_privately(app: App) -> None:
    name = fresh("slash")
    app.send(slash_command("is relocation covered", response_url=app.api.response_url(name)))

    [response] = app.api.wait_for_response(name)
    assert response.params["response_type"] == "ephemeral"
    assert response.params["text"] == "Relocation assistance is not provided."


def test_app_home_is_published(app: App) -> None:
    user = fresh("U")
    app.send(event_callback(app_home_opened(user=user)))

    [call] = app.api.wait_for("views.publish", predicate=lambda c: c.params.get("user_id") == user)
    assert call.params["view"]["type"] == "home"


def test_did_you_mean_click_answers_in_the_same_thread(app: App) -> None:
    channel = fresh("C")
    event = app_mention(f"<@{BOT_USER_ID}> parking commute", channel=channel)
    app.send(event_callback(event))
    [question] = app.replies(channel)

    choice = button(question, "pick_intent_0")
    click = block_actions(
        choice["action_id"],
        choice["value"],
        response_url=app.api.response_url(fresh("click")),
        channel=channel,
        thread_ts=event["ts"],
    )
    app.send(click)

    [_, answer] = app.replies(channel, count=2)
    assert answer.params["thread_ts"] == event["ts"]
    assert answer.params["text"] == "There is free parking at the office."


def test_a_question_the_posting_is_silent_on_alerts_the_recruiters(app: App) -> None:
    channel = fresh("D")
    app.dm("can you sponsor my visa", channel)

    [alert] = app.replies(RECRUITER_CHANNEL)
    assert ">can you sponsor my visa" in str(alert.params["blocks"])


def test_a_redelivered_envelope_is_answered_once(app: App) -> None:
    channel = fresh("D")
    payload = event_callback(dm_message("what is the salary", channel=channel))
    app.send(payload)
    app.send(payload, retry_attempt=1, retry_reason="timeout")

    [answer] = app.settle(channel)
    assert "100,000" in answer.params["text"]


def test_other_bots_get_no_reply(app: App) -> None:
    channel = fresh("D")
    app.send(event_callback(bot_message("what is the salary", channel=channel)))

    assert app.settle(channel) == []


def test_it_reconnects_when_slack_asks_and_keeps_answering(app: App) -> None:
    app.socket.send_disconnect()
    app.socket.wait_for_connection(timeout=20, count=2)

    channel = fresh("D")
    app.dm("what is the salary", channel)
    app.replies(channel)


def test_the_app_is_alive_at_the_end_and_never_logged_a_secret(app: App) -> None:
    app.process.assert_alive()
    log = app.process.log()
    assert BOT_TOKEN not in log
    assert APP_TOKEN not in log
