"""The whole Bolt app in-process: signed requests through `App.dispatch`, replies on the Web API stand-in.

What the HTTP- and Socket Mode tests prove over real sockets, at a fraction of the cost: the app's own
middleware (signature check, self-event filter), listeners and Web API calls. `dispatch` returns once the
request's listeners have finished, so "nothing was posted" holds without waiting for a reply that may
still be on its way.
"""

from __future__ import annotations

import sqlite3
from dataclasses import replace
from typing import Any

import pytest
import sqlalchemy as sa

from bot.database import Database
from bot.inbox import Inbox
from bot.slack.app import ListenerPool, build_app
from bot.slack.journal import StoreJournal
from bot.slack.once import SharedGate
from bot.slack.services import Services
from bot.store import Store
from tests.slack.harness import RECRUITER_CHANNEL, action_ids, button, shown_text
from tests.slack.in_process import UNIT_SECRET, InProcessApp
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


def test_an_answered_question_costs_one_write_before_the_ack_and_one_after(
    slack_api: FakeSlackWebAPI, services: Services, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The inbox row (written and claimed before the ack), then the log row with the event's done mark:
    one transaction each on PostgreSQL; on SQLite a statement each, with no transaction around it."""
    statements: list[str] = []
    connect = sqlite3.connect

    def traced(*args: Any, **kwargs: Any) -> sqlite3.Connection:
        connection: sqlite3.Connection = connect(*args, **kwargs)
        connection.set_trace_callback(statements.append)
        return connection

    monkeypatch.setattr(sqlite3, "connect", traced)
    database = Database(database_url)
    assert database.reachable()  # the schema is made before counting
    store, gate = Store(database, b"key"), SharedGate(Inbox(database))
    services = replace(services, journal=StoreJournal(store), events=gate, store=store)
    listeners = ListenerPool()
    app = InProcessApp(build_app(services, UNIT_SECRET, listeners, inbox=gate), services, listeners)
    commits: list[object] = []
    try:
        app.dispatch(event_callback(dm_message("is it remote?")))  # the first write also purges (hourly)
        sa.event.listen(database.engine, "commit", commits.append)
        statements.clear()
        app.dispatch(event_callback(dm_message("what is the salary")))
    finally:
        app.close()
    assert len(slack_api.calls("chat.postMessage")) == 2
    if database.is_sqlite:
        written = [" ".join(sql.split()[:3]).upper() for sql in statements if not sql.startswith("PRAGMA")]
        one_each = ["INSERT INTO EVENTS", "INSERT INTO QUESTIONS", "UPDATE EVENTS SET"]
        assert (len(commits), written) == (0, one_each)
    else:
        assert len(commits) == 2
    assert [question.question for question in store.read(0).questions] == [
        "is it remote?",
        "what is the salary",
    ]
    assert gate.inbox.counts() == {"done": 2}
