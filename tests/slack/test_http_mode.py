"""`posting-bot run` in HTTP mode, end to end: signed deliveries in, Web API calls out, over real sockets.

One app process serves the whole module; each test talks in its own DM or channel so tests can't see
each other's replies. "No reply" is proven by a later message in the same conversation being answered
while the earlier one was not.
"""

from __future__ import annotations

import re
import socket
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import pytest

from bot.slack.app import LISTENER_THREADS
from bot.slack.server import MAX_BODY
from tests.slack.harness import (
    BOT_TOKEN,
    KNOWLEDGE,
    RECRUITER_CHANNEL,
    SIGNING_SECRET,
    BotProcess,
    action_ids,
    blocks_of,
    button,
    buttons_in,
    conversation_ids,
    get,
    http_mode,
    pseudonym,
    settle,
    shown_text,
    to_channel,
)
from tests.slack_standin import (
    BOT_ID,
    BOT_USER_ID,
    CANDIDATE_ID,
    ApiCall,
    FakeSlackWebAPI,
    HttpResult,
    SlackPayload,
    app_home_opened,
    app_mention,
    block_actions,
    bot_message,
    deliver,
    dm_message,
    event_callback,
    message_changed,
    post,
    slash_command,
    url_verification,
)

pytestmark = pytest.mark.e2e

fresh = conversation_ids("T")


@dataclass
class App:
    process: BotProcess
    url: str
    api: FakeSlackWebAPI
    startup_calls: list[ApiCall]

    def send(self, payload: SlackPayload, retry_num: int | None = None) -> HttpResult:
        return deliver(f"{self.url}/slack/events", payload, SIGNING_SECRET, retry_num=retry_num)

    def dm(self, text: str, channel: str) -> tuple[dict[str, Any], HttpResult]:
        event = dm_message(text, channel=channel)
        return event, self.send(event_callback(event))

    def replies(self, channel: str, count: int = 1, timeout: float = 10) -> list[ApiCall]:
        return self.api.wait_for("chat.postMessage", count, timeout, predicate=to_channel(channel))

    def settle(self, channel: str) -> list[ApiCall]:
        return settle(self.process, self.api, channel, self.dm)


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[App]:
    workdir = tmp_path_factory.mktemp("http-mode")
    with http_mode(workdir, KNOWLEDGE, RECRUITER_CHANNEL=RECRUITER_CHANNEL) as (bot, url, api):
        yield App(bot, url, api, api.calls())


@pytest.fixture(autouse=True)
def _fresh_standin(app: App) -> None:
    """No failure injected by one test may hit the next."""
    app.api.clear()


# ---- serving --------------------------------------------------------------------------------------


def test_health_check_answers_200_and_other_paths_404(app: App) -> None:
    assert get(f"{app.url}/healthz") == (200, "ok\ndatabase: ok\n")
    assert get(f"{app.url}/slack/other")[0] == 404


def test_the_web_api_base_url_and_token_come_from_the_settings(app: App) -> None:
    # The token was checked at start-up on the stand-in, which is only reachable through SLACK_API_BASE_URL.
    assert [(c.method, c.token) for c in app.startup_calls] == [("auth.test", BOT_TOKEN)] * 2
    channel = fresh("D")
    app.dm("what is the salary", channel)
    [reply] = app.replies(channel)
    assert reply.token == BOT_TOKEN


def test_url_verification_echoes_the_challenge(app: App) -> None:
    result = app.send(url_verification("the-challenge"))
    assert result.status == 200
    assert "the-challenge" in result.body


# ---- surfaces -------------------------------------------------------------------------------------


def test_a_dm_is_answered_in_the_dm_with_context_feedback_and_recruiter_buttons(app: App) -> None:
    channel = fresh("D")
    _, result = app.dm("what's the salary?", channel)
    assert result.status == 200

    [reply] = app.replies(channel)
    assert reply.params.get("thread_ts") is None  # a DM is answered in the DM itself
    assert reply.params["text"] == "The base salary is 100,000\u2013150,000 USD a year."
    shown = shown_text(reply)
    assert "*Platform Engineer* at Acme Widgets · from the posting, last verified Oct 1, 2026" in shown
    assert action_ids(reply) == ["feedback_helpful", "feedback_unhelpful", "talk_to_recruiter"]


def test_a_mention_is_answered_in_its_thread_never_at_the_top_level(app: App) -> None:
    channel = fresh("C")
    event = app_mention(f"<@{BOT_USER_ID}> is relocation covered?", channel=channel)
    app.send(event_callback(event))

    [reply] = app.replies(channel)
    assert reply.params["thread_ts"] == event["ts"]
    assert reply.params["text"] == "Relocation assistance is not provided."


def test_a_mention_inside_a_thread_is_answered_in_that_thread(app: App) -> None:
    channel = fresh("C")
    event = app_mention(
        f"<@{BOT_USER_ID}> what is the salary", channel=channel, thread_ts="1700000000.000100"
    )
    app.send(event_callback(event))

    [reply] = app.replies(channel)
    assert reply.params["thread_ts"] == "1700000000.000100"


def test_slash_command_answers_privately(app: App) -> None:
    name = fresh("slash")
    result = app.send(slash_command("what is the salary", response_url=app.api.response_url(name)))
    assert result.status == 200

    [response] = app.api.wait_for_response(name)
    assert response.params["response_type"] == "ephemeral"
    assert "100,000" in response.params["text"]
    assert app.api.calls("chat.postMessage") == []  # nothing public


def test_slash_command_alone_shows_help_with_topics(app: App) -> None:
    name = fresh("slash")
    app.send(slash_command("", response_url=app.api.response_url(name)))

    [response] = app.api.wait_for_response(name)
    assert response.params["response_type"] == "ephemeral"
    assert "/posting" in response.params["text"]
    labels = [b["text"]["text"] for b in buttons_in(blocks_of(response))]
    # Topics the posting can answer (visa sponsorship is not stated, so it isn't offered), then a person.
    assert labels == ["Salary", "Relocation", "Parking", "Commuting", "Talk to a recruiter"]


def test_app_home_is_published_with_what_the_bot_knows(app: App) -> None:
    user = fresh("U")
    app.send(event_callback(app_home_opened(user=user)))

    [call] = app.api.wait_for("views.publish", predicate=lambda c: c.params.get("user_id") == user)
    view = call.params["view"]
    assert view["type"] == "home"
    shown = str(view)
    assert "Platform Engineer at Acme Widgets" in shown
    assert "USD 100,000\u2013150,000 per year" in shown
    assert "Press the button and a recruiter will follow up with you here in Slack." in shown


def test_app_home_topic_button_answers_in_the_dm(app: App) -> None:
    user = fresh("U")
    app.send(event_callback(app_home_opened(user=user)))
    [call] = app.api.wait_for("views.publish", predicate=lambda c: c.params.get("user_id") == user)
    salary = next(b for b in buttons_in(call.params["view"]["blocks"]) if b["text"]["text"] == "Salary")
    click = block_actions(
        salary["action_id"], salary["value"], response_url=app.api.response_url("home"), user=user
    )
    click.data["container"] = {"type": "view", "view_id": "V0HOME"}
    app.send(click)

    [reply] = app.replies(user)  # posting to the user's ID lands in their DM with the app
    assert "100,000" in reply.params["text"]


# ---- buttons --------------------------------------------------------------------------------------


def test_did_you_mean_click_answers_in_the_same_thread(app: App) -> None:
    channel = fresh("C")
    event = app_mention(f"<@{BOT_USER_ID}> parking commute", channel=channel)
    app.send(event_callback(event))
    [question] = app.replies(channel)
    assert action_ids(question) == ["pick_intent_0", "pick_intent_1"]

    choice = button(question, "pick_intent_1")
    assert choice["text"]["text"] == "Commuting"
    app.send(
        block_actions(
            choice["action_id"],
            choice["value"],
            response_url=app.api.response_url(fresh("click")),
            channel=channel,
            thread_ts=event["ts"],
        )
    )
    replies = app.replies(channel, count=2)
    assert replies[1].params["thread_ts"] == event["ts"]
    assert replies[1].params["text"] == "A commuter allowance is offered."


def test_feedback_click_is_thanked_in_place_of_the_buttons(app: App) -> None:
    channel = fresh("D")
    app.dm("what is the salary", channel)
    [answer] = app.replies(channel)
    thumbs_up = button(answer, "feedback_helpful")
    name = fresh("feedback")
    click = block_actions(
        "feedback_helpful", thumbs_up["value"], response_url=app.api.response_url(name), channel=channel
    )
    click.data["message"]["blocks"] = blocks_of(answer)
    app.send(click)

    [response] = app.api.wait_for_response(name)
    assert response.params["replace_original"] is True
    assert "Thanks — glad that helped." in shown_text(response)
    # The feedback buttons give way to the thanks; the recruiter button stays.
    assert action_ids(response) == ["talk_to_recruiter"]
    # Logged under the candidate's pseudonym (the question log's keyed hash), never the raw user id.
    logged = r"feedback from [0-9a-f]{16}: posting=acme-platform-engineer intents=salary helpful"
    assert re.search(logged, app.process.log())
    assert "feedback from U0CANDIDATE" not in app.process.log()


def test_talk_to_a_recruiter_button_alerts_the_recruiter_channel_with_a_link(app: App) -> None:
    channel = fresh("D")
    event, _ = app.dm("what is the salary", channel)
    [answer] = app.replies(channel)
    talk = button(answer, "talk_to_recruiter")
    app.send(
        block_actions(
            "talk_to_recruiter", talk["value"], response_url=app.api.response_url("r"), channel=channel
        )
    )

    [alert] = app.replies(RECRUITER_CHANNEL)
    [permalink] = app.api.wait_for("chat.getPermalink")
    assert permalink.params == {"channel": channel, "message_ts": event["ts"]}
    shown = shown_text(alert)
    assert "<@U0CANDIDATE> asked about *Platform Engineer* at Acme Widgets in a DM" in shown
    assert ">what is the salary" in shown
    assert f"archives/{channel}/p" in shown  # the link to the candidate's message
    [_, note] = app.replies(channel, count=2)
    assert "a recruiter will follow up" in note.params["text"]


def test_asking_for_a_person_hands_off_and_tells_the_candidate(app: App) -> None:
    channel = fresh("D")
    app.dm("I want to talk to a recruiter", channel)

    [alert] = app.replies(RECRUITER_CHANNEL)
    assert ">I want to talk to a recruiter" in shown_text(alert)
    [reply] = app.replies(channel)
    assert "a recruiter will follow up" in reply.params["text"]
    assert "talk_to_recruiter" not in action_ids(reply)  # already done: no button to do it twice


def test_a_question_the_posting_is_silent_on_is_handed_off(app: App) -> None:
    channel = fresh("D")
    app.dm("do you sponsor visas?", channel)

    [alert] = app.replies(RECRUITER_CHANNEL)
    assert ">do you sponsor visas?" in shown_text(alert)
    [reply] = app.replies(channel)
    assert "doesn't say anything about visa sponsorship" in reply.params["text"]
    assert "a recruiter will follow up" in reply.params["text"]
    # The recruiters were alerted, so the chat's "say 'talk to a recruiter'" offer would contradict it.
    assert "talk to a recruiter" not in shown_text(reply)


def test_out_of_scope_gets_a_fallback_with_topics_never_a_posting_answer(app: App) -> None:
    channel = fresh("D")
    app.dm("recommend a good pizza place nearby", channel)

    [reply] = app.replies(channel)
    assert reply.params["text"].startswith("I couldn't find an answer to that in the Platform Engineer")
    assert "100,000" not in reply.params["text"]
    assert action_ids(reply)[-1] == "talk_to_recruiter"
    assert "pick_intent_0" in action_ids(reply)


# ---- security and hygiene -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("secret", "timestamp"),
    [("not-the-signing-secret", None), (SIGNING_SECRET, int(time.time()) - 6 * 60)],
    ids=["forged", "stale"],
)
def test_forged_or_stale_signatures_get_401_and_no_message(
    app: App, secret: str, timestamp: int | None
) -> None:
    channel = fresh("D")
    payload = event_callback(dm_message("what is the salary", channel=channel))
    result = deliver(f"{app.url}/slack/events", payload, secret, timestamp=timestamp)

    assert result.status == 401
    assert app.settle(channel) == []


def test_unsigned_request_gets_401(app: App) -> None:
    channel = fresh("D")
    payload = event_callback(dm_message("what is the salary", channel=channel))
    result = post(f"{app.url}/slack/events", payload.body, {"Content-Type": "application/json"})
    assert result.status == 401
    assert app.settle(channel) == []


def test_answers_keep_their_web_api_connections_alive(app: App) -> None:
    opened = app.api.connections
    for _ in range(40):
        channel = fresh("D")
        app.dm("what is the salary", channel)
        app.replies(channel)
    # At most one per listener thread: a new connection (and on slack.com a TLS handshake) per answer
    # would be 40.
    assert app.api.connections - opened <= LISTENER_THREADS


def test_a_retried_event_is_answered_once(app: App) -> None:
    channel = fresh("D")
    payload = event_callback(dm_message("what is the salary", channel=channel))
    assert app.send(payload).status == 200
    assert app.send(payload, retry_num=1).status == 200
    assert app.send(payload, retry_num=2).status == 200

    [answer] = app.settle(channel)
    assert "100,000" in answer.params["text"]


def test_a_click_delivered_twice_is_answered_once(app: App) -> None:
    channel = fresh("D")
    app.dm("parking commute", channel)
    [question] = app.replies(channel)
    choice = button(question, "pick_intent_1")
    response_url = app.api.response_url(fresh("click"))
    click = block_actions(choice["action_id"], choice["value"], response_url=response_url, channel=channel)
    assert app.send(click).status == 200
    assert app.send(click).status == 200  # the same click again: a load balancer's retry, or another replica

    assert [post.params["text"] for post in app.settle(channel)[1:]] == ["A commuter allowance is offered."]


def test_a_feedback_click_delivered_twice_is_recorded_and_thanked_once(app: App) -> None:
    channel = fresh("D")
    app.dm("what is the salary", channel)
    [answer] = app.replies(channel)
    name = fresh("feedback")
    click = block_actions(
        "feedback_unhelpful",
        button(answer, "feedback_unhelpful")["value"],
        response_url=app.api.response_url(name),
        channel=channel,
    )
    assert app.send(click).status == 200
    assert app.send(click).status == 200

    app.settle(channel)
    assert len(app.api.responses(name)) == 1
    assert app.process.log().count("intents=salary not helpful") == 1


def test_a_click_whose_answer_failed_past_every_retry_is_answered_from_the_inbox(app: App) -> None:
    channel = fresh("D")
    app.dm("parking commute", channel)
    [question] = app.replies(channel)
    choice = button(question, "pick_intent_1")
    app.api.fail_next("chat.postMessage", status=500, times=3)  # the first try and both of its retries
    click = block_actions(
        choice["action_id"],
        choice["value"],
        response_url=app.api.response_url(fresh("click")),
        channel=channel,
    )
    assert app.send(click).status == 200

    answer = "A commuter allowance is offered."
    app.api.wait_for(
        "chat.postMessage", timeout=15, predicate=lambda c: c.ok and c.params.get("text") == answer
    )
    assert [post.params["text"] for post in app.settle(channel)[1:]] == [answer]


def test_bots_edits_and_own_messages_get_no_reply(app: App) -> None:
    channel = fresh("D")
    app.send(event_callback(bot_message("what is the salary", channel=channel)))
    app.send(
        event_callback(
            bot_message("what is the salary", channel=channel, bot_id=BOT_ID, bot_user_id=BOT_USER_ID)
        )
    )
    app.send(event_callback(bot_message("what is the salary", channel=channel, subtype="bot_message")))
    app.send(event_callback(message_changed("what is the salary", channel=channel)))

    assert app.settle(channel) == []


def test_channel_pings_and_mentions_are_never_echoed(app: App) -> None:
    channel = fresh("D")
    # As Slack sends it: pings and mentions as markup, the typed "<b> & pay" as entities.
    app.dm("<!channel> <!here> <@U0SOMEONE> talk to a recruiter about &lt;b&gt; &amp; pay", channel)
    [alert] = app.replies(RECRUITER_CHANNEL)
    [reply] = app.replies(channel)

    name = fresh("slash")
    app.send(slash_command("<!everyone> <@U0SOMEONE> salary?", response_url=app.api.response_url(name)))
    [private] = app.api.wait_for_response(name)

    for call in (alert, reply, private):
        raw = call.raw_body.decode()
        for ping in ("<!channel>", "<!here>", "<!everyone>", "<@U0SOMEONE>"):
            assert ping not in raw
    # The candidate's words reach the recruiters as they typed them, escaped once, with no one pinged.
    assert ">@someone talk to a recruiter about &lt;b&gt; &amp; pay" in shown_text(alert)


def test_a_40000_character_message_gets_one_reply(app: App) -> None:
    channel = fresh("D")
    text = ("what is the salary? " + "and some more words " * 2000)[:40_000]
    app.dm(text, channel)

    [reply] = app.settle(channel)
    assert len(reply.params["text"]) <= 4000
    assert all(len(b["text"]["text"]) <= 3000 for b in blocks_of(reply) if b["type"] == "section")


def test_rate_limited_post_is_retried_after_retry_after_and_answered_once(app: App) -> None:
    app.api.fail_next("chat.postMessage", status=429, retry_after=1)
    channel = fresh("D")
    app.dm("what is the salary", channel)
    app.replies(channel)  # the retry, after Retry-After

    [answer] = app.settle(channel)
    assert "100,000" in answer.params["text"]
    attempts = [c for c in app.api.calls("chat.postMessage") if c.params.get("channel") == channel]
    assert [c.status for c in attempts][:2] == [429, 200]
    assert attempts[1].time - attempts[0].time >= 1  # Retry-After was honoured


def test_server_error_is_retried_and_answered_once(app: App) -> None:
    app.api.fail_next("chat.postMessage", status=500)
    channel = fresh("D")
    app.dm("what is the salary", channel)
    app.replies(channel)

    [answer] = app.settle(channel)
    assert "100,000" in answer.params["text"]
    attempts = [c for c in app.api.calls("chat.postMessage") if c.params.get("channel") == channel]
    assert [c.status for c in attempts][:2] == [500, 200]


def test_a_post_that_still_fails_is_logged_and_slacks_redelivery_is_answered(app: App) -> None:
    app.api.fail_next("chat.postMessage", status=200, error="channel_not_found")
    channel = fresh("D")
    payload = event_callback(dm_message("what is the salary", channel=channel))
    app.send(payload)
    [refused] = app.replies(channel)  # Slack answered HTTP 200 with ok=false: not retryable
    log = app.process.wait_for_log(
        f"could not answer DM {payload.data['event']['ts']} from {pseudonym(CANDIDATE_ID)} in {channel}"
    )
    assert "channel_not_found" in log
    assert all(CANDIDATE_ID not in line for line in log.splitlines() if "could not answer" in line)

    # Slack redelivers what it believes failed: this time the answer goes out, once.
    app.send(payload, retry_num=1)
    assert [c.raw_body for c in app.settle(channel)] == [refused.raw_body] * 2


def test_the_app_is_alive_at_the_end_and_never_logged_a_secret(app: App) -> None:
    app.process.assert_alive()
    assert get(f"{app.url}/healthz")[0] == 200
    log = app.process.log()
    assert BOT_TOKEN not in log
    assert SIGNING_SECRET not in log


def _status_for_headers_only(url: str, content_length: int) -> int:
    """Send a POST's headers announcing `content_length` bytes, and none of the body: the status line."""
    host, port = urlsplit(url).hostname or "", urlsplit(url).port or 80
    with socket.create_connection((host, port), timeout=10) as sock:
        sock.sendall(
            f"POST /slack/events HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\n"
            f"Content-Length: {content_length}\r\nConnection: close\r\n\r\n".encode()
        )
        status_line = sock.makefile("rb").readline().decode()
    return int(status_line.split()[1])


def test_a_body_at_the_size_cap_is_refused_before_it_is_read(app: App) -> None:
    # Refused on its announced length alone: the test never sends the body.
    assert _status_for_headers_only(app.url, MAX_BODY) == 413
    # One byte less is read, and then refused only because nobody signed it.
    body = b"{}" + b" " * (MAX_BODY - 3)
    result = post(f"{app.url}/slack/events", body, {"Content-Type": "application/json"})
    assert result.status == 401
    app.process.assert_alive()
