"""The Slack stand-in works with the real slack_sdk and slack_bolt: these tests are what the
end-to-end tests rely on, so each checks an observable effect, not just "no exception"."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, make_server

import pytest
from slack_bolt import Ack, App, Respond, Say
from slack_bolt.adapter.socket_mode import SocketModeHandler
from slack_bolt.adapter.wsgi import SlackRequestHandler
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_handlers import RateLimitErrorRetryHandler, ServerErrorRetryHandler
from slack_sdk.signature import SignatureVerifier
from slack_sdk.socket_mode import SocketModeClient
from slack_sdk.socket_mode.client import BaseSocketModeClient
from slack_sdk.socket_mode.request import SocketModeRequest
from slack_sdk.socket_mode.response import SocketModeResponse
from slack_sdk.webhook import WebhookClient

from bot.slack.app import ListenerPool
from tests.slack_standin import (
    BOT_ID,
    BOT_USER_ID,
    CANDIDATE_ID,
    CHANNEL_ID,
    DM_CHANNEL_ID,
    FakeSlackWebAPI,
    FakeSocketModeServer,
    app_home_opened,
    app_mention,
    block_actions,
    bot_message,
    deliver,
    dm_message,
    event_callback,
    message_changed,
    post,
    signed_headers,
    slash_command,
)

pytestmark = pytest.mark.e2e

SECRET = "test-signing-secret"
BOT_TOKEN = "xoxb-standin-test"
APP_TOKEN = "xapp-1-standin-test"


@pytest.fixture(autouse=True)
def _no_real_slack_env(clean_slack_env: None) -> None:
    """Every test here runs without the developer's SLACK_* variables or proxies."""


@pytest.fixture
def client(slack_api: FakeSlackWebAPI) -> WebClient:
    return WebClient(token=BOT_TOKEN, base_url=slack_api.base_url)


# --- Web API ---------------------------------------------------------------------------------------


def test_post_message_is_answered_and_recorded(slack_api: FakeSlackWebAPI, client: WebClient) -> None:
    response = client.chat_postMessage(channel=CHANNEL_ID, text="hello", thread_ts="1.000001")

    assert response["ok"] is True
    assert response["channel"] == CHANNEL_ID
    assert response["message"]["text"] == "hello"
    [call] = slack_api.wait_for("chat.postMessage")
    assert call.params == {"channel": CHANNEL_ID, "text": "hello", "thread_ts": "1.000001"}
    assert call.token == BOT_TOKEN
    assert call.headers["content-type"].startswith("application/json")  # slack_sdk sends JSON here
    assert call.status == 200


def test_form_encoded_methods_are_parsed(slack_api: FakeSlackWebAPI, client: WebClient) -> None:
    assert client.auth_test()["user_id"] == BOT_USER_ID
    assert client.conversations_open(users=CANDIDATE_ID)["channel"]["id"] == DM_CHANNEL_ID
    assert client.users_info(user=CANDIDATE_ID)["user"]["id"] == CANDIDATE_ID
    link = client.chat_getPermalink(channel=CHANNEL_ID, message_ts="1700000000.000100")["permalink"]
    assert link.endswith(f"/archives/{CHANNEL_ID}/p1700000000000100")

    [open_call] = slack_api.calls("conversations.open")
    assert open_call.params == {"users": CANDIDATE_ID}
    assert open_call.headers["content-type"] == "application/x-www-form-urlencoded"
    assert [c.method for c in slack_api.calls()] == [
        "auth.test",
        "conversations.open",
        "users.info",
        "chat.getPermalink",
    ]


def test_update_ephemeral_home_and_unknown_methods(slack_api: FakeSlackWebAPI, client: WebClient) -> None:
    blocks = [{"type": "section", "text": {"type": "mrkdwn", "text": "hi"}}]
    assert client.chat_update(channel=CHANNEL_ID, ts="1.000002", text="new")["ts"] == "1.000002"
    assert client.chat_postEphemeral(channel=CHANNEL_ID, user=CANDIDATE_ID, text="psst")["message_ts"]
    published = client.views_publish(user_id=CANDIDATE_ID, view={"type": "home", "blocks": blocks})
    assert published["view"]["blocks"] == blocks
    assert client.api_call("reactions.add", params={"name": "eyes"})["ok"] is True

    assert slack_api.wait_for("views.publish")[0].params["view"]["blocks"] == blocks
    assert slack_api.calls("reactions.add")[0].params == {"name": "eyes"}


def test_requests_without_a_token_are_refused(slack_api: FakeSlackWebAPI) -> None:
    with pytest.raises(SlackApiError) as raised:
        WebClient(base_url=slack_api.base_url).chat_postMessage(channel=CHANNEL_ID, text="x")
    assert raised.value.response["error"] == "not_authed"


def test_base_url_without_api_suffix_fails_loudly(slack_api: FakeSlackWebAPI) -> None:
    # slack_sdk urljoins base_url and the method name: without `/api/` calls go to `/chat.postMessage`.
    wrong = WebClient(token=BOT_TOKEN, base_url=f"http://127.0.0.1:{slack_api.port}/")
    with pytest.raises(SlackApiError) as raised:
        wrong.chat_postMessage(channel=CHANNEL_ID, text="x")
    assert raised.value.response.status_code == 404


def test_rate_limit_without_retry_handler_surfaces_retry_after(
    slack_api: FakeSlackWebAPI, client: WebClient
) -> None:
    slack_api.fail_next("chat.postMessage", status=429, retry_after=7)

    with pytest.raises(SlackApiError) as raised:
        client.chat_postMessage(channel=CHANNEL_ID, text="x")
    assert raised.value.response.status_code == 429
    assert raised.value.response.headers["Retry-After"] == "7"
    assert raised.value.response["error"] == "ratelimited"
    # Only the next call failed.
    assert client.chat_postMessage(channel=CHANNEL_ID, text="x")["ok"] is True


def test_rate_limit_then_success_is_retried(slack_api: FakeSlackWebAPI) -> None:
    retrying = WebClient(
        token=BOT_TOKEN,
        base_url=slack_api.base_url,
        retry_handlers=[RateLimitErrorRetryHandler(max_retry_count=1)],
    )
    slack_api.fail_next("chat.postMessage", status=429, retry_after=0)

    assert retrying.chat_postMessage(channel=CHANNEL_ID, text="again")["ok"] is True
    calls = slack_api.wait_for("chat.postMessage", count=2)
    assert [c.status for c in calls] == [429, 200]
    assert calls[0].params == calls[1].params == {"channel": CHANNEL_ID, "text": "again"}


def test_server_error_then_success_is_retried(slack_api: FakeSlackWebAPI) -> None:
    retrying = WebClient(
        token=BOT_TOKEN,
        base_url=slack_api.base_url,
        retry_handlers=[ServerErrorRetryHandler(max_retry_count=1)],
    )
    slack_api.fail_next("chat.postMessage", status=500)

    assert retrying.chat_postMessage(channel=CHANNEL_ID, text="x")["ok"] is True
    assert [c.status for c in slack_api.calls("chat.postMessage")] == [500, 200]


def test_answer_after_holds_the_answer_and_its_record(slack_api: FakeSlackWebAPI, client: WebClient) -> None:
    slack_api.answer_after("chat.postMessage", 1.0)
    started = time.monotonic()
    poster = threading.Thread(target=client.chat_postMessage, kwargs={"channel": CHANNEL_ID, "text": "slow"})
    poster.start()
    time.sleep(0.1)
    assert slack_api.calls("chat.postMessage") == []  # asked, not yet answered
    poster.join()
    assert time.monotonic() - started >= 1.0
    assert [c.params["text"] for c in slack_api.calls("chat.postMessage")] == ["slow"]
    slack_api.answer_after("chat.postMessage", 0)
    assert client.chat_postMessage(channel=CHANNEL_ID, text="quick")["ok"] is True


def test_respond_with_and_api_errors(slack_api: FakeSlackWebAPI, client: WebClient) -> None:
    slack_api.respond_with(
        "users.info", lambda call: {"ok": True, "user": {"id": call.params["user"], "tz": "X"}}
    )
    assert client.users_info(user="U0ANY")["user"] == {"id": "U0ANY", "tz": "X"}
    slack_api.fail_next("chat.postMessage", status=200, error="channel_not_found")
    with pytest.raises(SlackApiError) as raised:
        client.chat_postMessage(channel="C0GONE", text="x")
    assert raised.value.response["error"] == "channel_not_found"

    slack_api.clear()
    assert slack_api.calls() == []
    assert client.users_info(user="U0ANY")["user"]["tz"] == "UTC"


def test_response_url_records_posted_json(slack_api: FakeSlackWebAPI) -> None:
    result = WebhookClient(slack_api.response_url("cmd")).send(
        text="private answer", response_type="ephemeral"
    )

    assert result.status_code == 200
    [posted] = slack_api.wait_for_response("cmd")
    assert posted.params == {"text": "private answer", "response_type": "ephemeral"}
    assert slack_api.responses("other") == []


def test_wait_for_fails_with_a_clear_message(slack_api: FakeSlackWebAPI, client: WebClient) -> None:
    client.chat_postMessage(channel=CHANNEL_ID, text="only this")

    with pytest.raises(AssertionError, match=r"1 call\(s\) to chat\.update.*got 0.*chat\.postMessage"):
        slack_api.wait_for("chat.update", timeout=0.2)
    with pytest.raises(AssertionError, match="matching the predicate"):
        slack_api.wait_for("chat.postMessage", timeout=0.2, predicate=lambda c: c.params["text"] == "other")


# --- Socket Mode ---------------------------------------------------------------------------------


def _wait_until(condition: Any, timeout: float = 5) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        time.sleep(0.02)


def test_builtin_socket_mode_client_gets_hello_envelopes_and_acks(
    slack_api: FakeSlackWebAPI, socket_mode_server: FakeSocketModeServer, client: WebClient
) -> None:
    raw_messages: list[str] = []
    requests: list[SocketModeRequest] = []

    def on_request(sm_client: BaseSocketModeClient, request: SocketModeRequest) -> None:
        requests.append(request)
        payload = {"text": "got it"} if request.type == "slash_commands" else None
        sm_client.send_socket_mode_response(SocketModeResponse(request.envelope_id, payload))

    sm = SocketModeClient(app_token=APP_TOKEN, web_client=client, on_message_listeners=[raw_messages.append])
    sm.socket_mode_request_listeners.append(on_request)
    try:
        sm.connect()
        socket_mode_server.wait_for_connection()
        [opened] = slack_api.calls("apps.connections.open")
        assert opened.token == APP_TOKEN

        event = dm_message("what is the salary?")
        event_id = socket_mode_server.send_payload(
            event_callback(event, event_id="Ev0RETRY"), retry_attempt=1
        )
        assert socket_mode_server.wait_for_ack(event_id) == {"envelope_id": event_id}

        command = slash_command("relocation?", response_url=slack_api.response_url())
        command_id = socket_mode_server.send_payload(command)
        assert socket_mode_server.wait_for_ack(command_id) == {
            "envelope_id": command_id,
            "payload": {"text": "got it"},
        }

        # Slack's periodic refresh: the client fetches a new URL and reconnects.
        socket_mode_server.send_disconnect()
        socket_mode_server.wait_for_connection(count=2)
        assert len(slack_api.wait_for("apps.connections.open", count=2)) == 2
        after = socket_mode_server.send_payload(event_callback(dm_message("still there?")))
        assert socket_mode_server.wait_for_ack(after) == {"envelope_id": after}
    finally:
        sm.close()

    assert json.loads(raw_messages[0])["type"] == "hello"
    assert [r.type for r in requests] == ["events_api", "slash_commands", "events_api"]
    assert requests[0].payload["event"]["text"] == "what is the salary?"
    assert requests[0].payload["event_id"] == "Ev0RETRY"
    assert (requests[0].retry_attempt, requests[0].accepts_response_payload) == (1, False)
    assert requests[1].payload["command"] == "/posting"
    assert requests[1].accepts_response_payload is True


def test_wait_for_connection_and_ack_fail_clearly(socket_mode_server: FakeSocketModeServer) -> None:
    with pytest.raises(AssertionError, match=r"apps\.connections\.open"):
        socket_mode_server.wait_for_connection(timeout=0.2)
    with pytest.raises(AssertionError, match="no Socket Mode client"):
        socket_mode_server.send_envelope("events_api", {})
    with pytest.raises(AssertionError, match="no ack for envelope nope"):
        socket_mode_server.wait_for_ack("nope", timeout=0.2)


def _echo_app(client: WebClient, listeners: ListenerPool | None = None) -> App:
    """A tiny Bolt app exercising each kind of payload the builders make."""
    app = App(client=client, signing_secret=SECRET, listener_executor=listeners or ListenerPool())

    @app.event("message")
    def on_message(event: dict[str, Any], say: Say) -> None:
        text = event.get("text") or event.get("message", {}).get("text")
        say(f"{event.get('subtype', 'message')}: {text}")

    @app.event("app_mention")
    def on_mention(event: dict[str, Any], say: Say) -> None:
        say(text=f"mention: {event['text']}", thread_ts=event["ts"])

    @app.event("app_home_opened")
    def on_home(event: dict[str, Any], client: WebClient) -> None:
        client.views_publish(user_id=event["user"], view={"type": "home", "blocks": []})

    @app.command("/posting")
    def on_command(ack: Ack, command: dict[str, Any], respond: Respond) -> None:
        ack(f"ack: {command['text']}")
        respond(f"later: {command['text']}")

    @app.action("helpful")
    def on_click(ack: Ack, body: dict[str, Any], respond: Respond) -> None:
        ack()
        respond(f"clicked: {body['actions'][0]['value']}")

    return app


def test_bolt_socket_mode_handler_end_to_end(
    slack_api: FakeSlackWebAPI, socket_mode_server: FakeSocketModeServer, client: WebClient
) -> None:
    handler = SocketModeHandler(_echo_app(client), APP_TOKEN)
    try:
        handler.connect()  # type: ignore[no-untyped-call]  # untyped in slack_bolt
        socket_mode_server.wait_for_connection()

        ack = socket_mode_server.wait_for_ack(
            socket_mode_server.send_payload(event_callback(dm_message("hi")))
        )
        assert "payload" not in ack
        [said] = slack_api.wait_for("chat.postMessage")
        assert said.params["channel"] == DM_CHANNEL_ID
        assert said.params["text"] == "message: hi"

        command = slash_command("visa?", response_url=slack_api.response_url("cmd"))
        ack = socket_mode_server.wait_for_ack(socket_mode_server.send_payload(command))
        assert ack["payload"] == {"text": "ack: visa?"}
        assert slack_api.wait_for_response("cmd")[0].params["text"] == "later: visa?"
    finally:
        handler.close()  # type: ignore[no-untyped-call]


# --- HTTP mode -----------------------------------------------------------------------------------


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture
def listeners() -> ListenerPool:
    return ListenerPool()


@pytest.fixture
def bolt_http_url(client: WebClient, listeners: ListenerPool) -> Iterator[str]:
    """The echo app served over real HTTP at /slack/events, as in HTTP mode."""
    handler = SlackRequestHandler(_echo_app(client, listeners))
    server = make_server("127.0.0.1", 0, handler, handler_class=_QuietHandler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/slack/events"
    server.shutdown()
    server.server_close()


def test_signed_deliveries_reach_bolt_over_http(slack_api: FakeSlackWebAPI, bolt_http_url: str) -> None:
    assert deliver(bolt_http_url, event_callback(dm_message("salary?")), SECRET).status == 200
    assert slack_api.wait_for("chat.postMessage")[0].params["text"] == "message: salary?"

    mention = app_mention(f"<@{BOT_USER_ID}> remote?")
    assert deliver(bolt_http_url, event_callback(mention), SECRET).status == 200
    [reply] = slack_api.wait_for(
        "chat.postMessage", predicate=lambda c: c.params["text"].startswith("mention")
    )
    assert reply.params["thread_ts"] == mention["ts"]
    assert reply.params["channel"] == CHANNEL_ID

    edited = message_changed("edited text", old_text="text")
    assert deliver(bolt_http_url, event_callback(edited), SECRET).status == 200
    slack_api.wait_for(
        "chat.postMessage", predicate=lambda c: c.params["text"] == "message_changed: edited text"
    )

    assert deliver(bolt_http_url, event_callback(app_home_opened()), SECRET).status == 200
    assert slack_api.wait_for("views.publish")[0].params["user_id"] == CANDIDATE_ID

    command = slash_command("relocation?", response_url=slack_api.response_url("cmd"))
    status, _, body = deliver(bolt_http_url, command, SECRET)
    assert (status, body) == (200, "ack: relocation?")
    assert slack_api.wait_for_response("cmd")[0].params["text"] == "later: relocation?"

    click = block_actions(
        "helpful", "yes", response_url=slack_api.response_url("click"), message_ts="1.000003"
    )
    assert deliver(bolt_http_url, click, SECRET).status == 200
    assert slack_api.wait_for_response("click")[0].params["text"] == "clicked: yes"


def test_bolt_ignores_its_own_bot_message(
    slack_api: FakeSlackWebAPI, bolt_http_url: str, listeners: ListenerPool
) -> None:
    own = bot_message("my own reply", bot_id=BOT_ID, bot_user_id=BOT_USER_ID)
    other = bot_message("another bot")
    assert deliver(bolt_http_url, event_callback(own), SECRET).status == 200
    assert deliver(bolt_http_url, event_callback(other), SECRET).status == 200

    [reply] = slack_api.wait_for("chat.postMessage")
    assert reply.params["text"] == "message: another bot"
    assert listeners.wait_idle(timeout=5)  # every listener either delivery started has finished
    assert len(slack_api.calls("chat.postMessage")) == 1


def test_bad_or_stale_signatures_are_rejected(bolt_http_url: str) -> None:
    payload = event_callback(dm_message("x"))
    assert deliver(bolt_http_url, payload, "wrong-secret").status == 401
    assert deliver(bolt_http_url, payload, SECRET, timestamp=int(time.time()) - 600).status == 401


# --- signing and posting helpers -----------------------------------------------------------------


@pytest.mark.parametrize(
    "payload",
    [
        event_callback(dm_message("a & b")),
        slash_command("a & b", response_url="http://127.0.0.1:9/r"),
        block_actions("act", "v", response_url="http://127.0.0.1:9/r"),
    ],
    ids=["event", "command", "action"],
)
def test_signed_headers_pass_slack_sdk_signature_verifier(payload: Any) -> None:
    headers = signed_headers(SECRET, payload.body)

    assert SignatureVerifier(SECRET).is_valid_request(payload.body, headers)
    assert headers["Content-Type"] == payload.content_type
    assert not SignatureVerifier("other-secret").is_valid_request(payload.body, headers)
    assert not SignatureVerifier(SECRET).is_valid_request(payload.body + " ", headers)
    stale = signed_headers(SECRET, payload.body, timestamp=int(time.time()) - 301)
    assert not SignatureVerifier(SECRET).is_valid_request(payload.body, stale)


def test_post_sends_retry_headers(slack_api: FakeSlackWebAPI) -> None:
    status, _, body = post(
        slack_api.response_url("retry"), '{"text": "t"}', {"Content-Type": "application/json"}, retry_num=2
    )

    assert (status, json.loads(body)) == (200, {"ok": True})
    [received] = slack_api.responses("retry")
    assert received.headers["x-slack-retry-num"] == "2"
    assert received.headers["x-slack-retry-reason"] == "http_timeout"
    assert received.params == {"text": "t"}
