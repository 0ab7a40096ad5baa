"""The whole Bolt app in-process: signed requests through `App.dispatch`, replies on the Web API stand-in.

What the HTTP- and Socket Mode tests prove over real sockets, at a fraction of the cost: the app's own
middleware (signature check, self-event filter), listeners and Web API calls. `dispatch` returns once the
request's listeners have finished, so "nothing was posted" holds without waiting for a reply that may
still be on its way.
"""

from __future__ import annotations

import pytest

from tests.slack.harness import RECRUITER_CHANNEL, action_ids, button, shown_text
from tests.slack.in_process import InProcessApp
from tests.slack_standin import (
    BOT_ID,
    BOT_USER_ID,
    DM_CHANNEL_ID,
    FakeSlackWebAPI,
    app_mention,
    block_actions,
    bot_message,
    dm_message,
    event_callback,
    message_changed,
    slash_command,
)


def test_a_dm_is_answered_in_the_dm(slack_api: FakeSlackWebAPI, bolt_app: InProcessApp) -> None:
    assert bolt_app.dispatch(event_callback(dm_message("what is the salary"))).status == 200

    [reply] = slack_api.calls("chat.postMessage")
    assert reply.params["channel"] == DM_CHANNEL_ID
    assert "100,000" in reply.params["text"]
    assert action_ids(reply)[-1] == "talk_to_recruiter"


def test_a_mention_is_answered_in_its_thread(slack_api: FakeSlackWebAPI, bolt_app: InProcessApp) -> None:
    event = app_mention(f"<@{BOT_USER_ID}> is relocation covered?")
    bolt_app.dispatch(event_callback(event))

    [reply] = slack_api.calls("chat.postMessage")
    assert reply.params["thread_ts"] == event["ts"]
    assert reply.params["text"] == "Relocation assistance is not provided."


@pytest.mark.parametrize(
    "event",
    [
        bot_message("what is the salary", bot_id=BOT_ID, bot_user_id=BOT_USER_ID),
        bot_message("what is the salary"),
        bot_message("what is the salary", subtype="bot_message"),
        message_changed("what is the salary"),
    ],
    ids=["own message", "other bot", "legacy bot", "edit"],
)
def test_bots_and_edits_get_no_reply(
    slack_api: FakeSlackWebAPI, bolt_app: InProcessApp, event: dict[str, object]
) -> None:
    assert bolt_app.dispatch(event_callback(event)).status == 200
    assert slack_api.calls() == []


def test_a_forged_signature_is_refused_and_nothing_is_posted(
    slack_api: FakeSlackWebAPI, bolt_app: InProcessApp
) -> None:
    response = bolt_app.dispatch(event_callback(dm_message("what is the salary")), secret="forged")
    assert response.status == 401
    assert slack_api.calls() == []


def test_a_redelivered_event_is_answered_once(slack_api: FakeSlackWebAPI, bolt_app: InProcessApp) -> None:
    payload = event_callback(dm_message("what is the salary"))
    for retry_num in (None, 1, 2):
        assert bolt_app.dispatch(payload, retry_num=retry_num).status == 200
    assert len(slack_api.calls("chat.postMessage")) == 1


def test_the_slash_command_answers_privately(slack_api: FakeSlackWebAPI, bolt_app: InProcessApp) -> None:
    bolt_app.dispatch(slash_command("what's the salary?", response_url=slack_api.response_url("cmd")))

    [private] = slack_api.responses("cmd")
    assert private.params["response_type"] == "ephemeral"
    assert "100,000" in shown_text(private)
    assert slack_api.calls("chat.postMessage") == []


def test_talk_to_a_recruiter_alerts_the_recruiter_channel(
    slack_api: FakeSlackWebAPI, bolt_app: InProcessApp
) -> None:
    bolt_app.dispatch(event_callback(dm_message("what is the salary")))
    [answer] = slack_api.calls("chat.postMessage")
    talk = button(answer, "talk_to_recruiter")

    click = block_actions(
        talk["action_id"], talk["value"], response_url=slack_api.response_url("click"), message_ts="1.000001"
    )
    assert bolt_app.dispatch(click).status == 200

    alerts = [c for c in slack_api.calls("chat.postMessage") if c.params["channel"] == RECRUITER_CHANNEL]
    assert len(alerts) == 1
