"""The Slack app with two postings, over HTTP against the stand-in: questions routed by channel, by the role
they name and by asking; every question, feedback click and handoff in the question log; the admin gate
on `/posting reload` and `/posting report`."""

from __future__ import annotations

import contextlib
import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from bot.store import hash_user
from tests.environment import run_cli
from tests.fixtures.recruiter import (
    ADMIN,
    EXAMPLE,
    EXAMPLE_CHANNEL,
    HASH_KEY,
    SEED,
    SlackApp,
    multi_posting_knowledge,
    slack_app,
    wait_for,
)
from tests.slack.harness import (
    RECRUITER_CHANNEL,
    action_ids,
    blocks_of,
    button,
    conversation_ids,
    shown_text,
)
from tests.slack_standin import (
    BOT_USER_ID,
    CANDIDATE_ID,
    app_home_opened,
    app_mention,
    block_actions,
    event_callback,
)

pytestmark = pytest.mark.e2e

ROLE_BUTTONS = ["pick_posting_0", "pick_posting_1"]  # Backend Engineer, Data Engineer: sorted by title
EXAMPLE_RELOCATION = "Up to $5,000 of moving costs are covered."
SEED_RELOCATION = "Relocation assistance is not provided for this role."

fresh = conversation_ids("R")


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SlackApp]:
    workdir = tmp_path_factory.mktemp("recruiter-postings")
    with slack_app(workdir, multi_posting_knowledge(workdir / "kb")) as running:
        yield running
        running.process.assert_alive()


def rows(app: SlackApp, sql: str, *params: object) -> list[tuple[Any, ...]]:
    with contextlib.closing(sqlite3.connect(app.database)) as conn:
        return conn.execute(sql, params).fetchall()


def logged(app: SlackApp, sql: str, *params: object, count: int = 1) -> list[tuple[Any, ...]]:
    """Rows once `count` of them are there: the app writes its log just after it answers."""
    wait_for(lambda: len(rows(app, sql, *params)) >= count, f"{count} row(s) for {sql}")
    return rows(app, sql, *params)


def mention(app: SlackApp, text: str, channel: str) -> dict[str, Any]:
    event = app_mention(f"<@{BOT_USER_ID}> {text}", channel=channel)
    app.send(event_callback(event))
    return event


# ---- routing -------------------------------------------------------------------------------------------


def test_a_channel_tied_to_a_posting_answers_for_it(app: SlackApp) -> None:
    event = mention(app, "is relocation covered?", EXAMPLE_CHANNEL)
    [reply] = app.posts(EXAMPLE_CHANNEL)
    assert reply.params["thread_ts"] == event["ts"]
    assert reply.params["text"].startswith("Yes, relocation assistance is provided.")
    assert "*Data Engineer* at Example Data Co." in shown_text(reply)


def test_a_question_naming_a_role_is_answered_for_it(app: SlackApp) -> None:
    channel = fresh("D")
    app.dm("salary for the data engineer role?", channel)
    [reply] = app.posts(channel)
    assert "$95,000\u2013$140,000 USD" in reply.params["text"]


def test_otherwise_the_bot_asks_which_role_and_then_answers_the_question(app: SlackApp) -> None:
    channel = fresh("C")
    event = mention(app, "is relocation covered?", channel)
    [ask] = app.posts(channel)
    assert ask.params["thread_ts"] == event["ts"]
    assert ask.params["text"].startswith("Which role do you mean?")
    assert action_ids(ask) == ROLE_BUTTONS
    labels = [button(ask, b)["text"]["text"] for b in ROLE_BUTTONS]
    assert labels == ["Backend Engineer at Pinterest", "Data Engineer at Example Data Co."]

    data_engineer = button(ask, "pick_posting_1")
    app.send(
        block_actions(
            "pick_posting_1",
            data_engineer["value"],
            response_url=app.api.response_url(fresh("click")),
            channel=channel,
            thread_ts=event["ts"],
        )
    )
    [_, answer] = app.posts(channel, count=2)
    assert answer.params["thread_ts"] == event["ts"]
    assert EXAMPLE_RELOCATION in answer.params["text"]
    assert action_ids(answer) == ["feedback_helpful", "feedback_unhelpful", "talk_to_recruiter"]


def test_default_posting_answers_what_nothing_else_routes(tmp_path: Path) -> None:
    knowledge = multi_posting_knowledge(tmp_path / "kb")
    with slack_app(tmp_path, knowledge, DEFAULT_POSTING=SEED) as app:
        channel = fresh("D")
        app.dm("is relocation covered?", channel)
        [reply] = app.posts(channel)
        assert SEED_RELOCATION in reply.params["text"]
        assert not {"pick_posting_0", "pick_posting_1"} & set(action_ids(reply))
        # A named role and a channel tie still win over the default.
        named = fresh("D")
        app.dm("salary for the data engineer role?", named)
        [salary] = app.posts(named)
        assert "$95,000\u2013$140,000 USD" in salary.params["text"]
        mention(app, "is relocation covered?", EXAMPLE_CHANNEL)
        [tied] = app.posts(EXAMPLE_CHANNEL)
        assert EXAMPLE_RELOCATION in tied.params["text"]
        app.process.assert_alive()


def test_a_private_question_asks_privately_and_the_pick_answers_privately(app: SlackApp) -> None:
    name = fresh("slash")
    ask = app.command("is relocation covered?", name)
    assert ask.params["response_type"] == "ephemeral"
    assert action_ids(ask) == ROLE_BUTTONS

    backend = button(ask, "pick_posting_0")
    click = block_actions("pick_posting_0", backend["value"], response_url=app.api.response_url(name))
    click.data["container"]["is_ephemeral"] = True
    app.send(click)
    answer = app.api.wait_for_response(name, count=2)[-1]
    assert answer.params["response_type"] == "ephemeral"
    assert SEED_RELOCATION in answer.params["text"]
    assert all(SEED_RELOCATION not in str(c.params.get("text")) for c in app.api.calls("chat.postMessage"))


def test_a_forged_role_button_is_declined(app: SlackApp) -> None:
    channel = fresh("C")
    app.send(
        block_actions("pick_posting_0", "not json", response_url=app.api.response_url("x"), channel=channel)
    )
    event = mention(app, "salary for the data engineer role?", channel)  # the app is still answering
    [reply] = app.posts(channel)
    assert reply.params["thread_ts"] == event["ts"]
    assert "declined the pick_posting_0 click" in app.process.log()


# ---- the question log ----------------------------------------------------------------------------------


def test_questions_feedback_and_handoffs_are_logged_without_user_ids(app: SlackApp) -> None:
    channel, user = fresh("D"), fresh("U")
    app.dm("salary for the data engineer role?", channel, user=user)
    [answer] = app.posts(channel)
    thumbs_down = button(answer, "feedback_unhelpful")
    name = fresh("feedback")
    click = block_actions(
        "feedback_unhelpful", thumbs_down["value"], response_url=app.api.response_url(name), channel=channel
    )
    click.data["user"]["id"] = user
    app.send(click)
    app.api.wait_for_response(name)
    app.dm("can I talk to a recruiter about the data engineer role?", channel, user=user)
    app.posts(RECRUITER_CHANNEL)
    app.posts(channel, count=2)

    pseudonym = hash_user(HASH_KEY.encode(), user)
    questions = logged(
        app,
        "SELECT posting, question, intents, outcome FROM questions WHERE user_hash = ?",
        pseudonym,
        count=2,
    )
    assert questions == [
        (EXAMPLE, "salary for the data engineer role?", '["salary"]', "answered"),
        (
            EXAMPLE,
            "can I talk to a recruiter about the data engineer role?",
            '["contact_recruiter"]',
            "handed_off",
        ),
    ]
    assert logged(app, "SELECT posting, intent, helpful FROM feedback WHERE user_hash = ?", pseudonym) == [
        (EXAMPLE, "salary", 0)
    ]
    assert logged(app, "SELECT notified FROM handoffs WHERE user_hash = ?", pseudonym) == [(1,)]
    assert user.encode() not in app.database.read_bytes()
    # The log names the candidate by the same pseudonym, never by id.
    assert f"answered dm from {pseudonym}: posting={EXAMPLE}" in app.process.log()
    assert f"feedback from {pseudonym}: posting={EXAMPLE}" in app.process.log()
    assert f"handoff for {pseudonym}: posting={EXAMPLE}" in app.process.log()
    assert user not in app.process.log()


def test_the_report_reads_what_slack_logged(app: SlackApp) -> None:
    channel = fresh("D")
    app.dm("is there a ping pong table at the data engineer role?", channel)
    app.posts(channel)
    logged(app, "SELECT 1 FROM questions WHERE question LIKE '%ping pong table%'")
    result = run_cli(
        "report", "--json", "--database", app.database, "--knowledge", app.process.settings["KNOWLEDGE_DIR"]
    )
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["totals"]["questions"] >= 1
    asked = [e for c in report["clusters"] for e in c["examples"]]
    assert "is there a ping pong table at the data engineer role?" in asked
    assert CANDIDATE_ID not in result.stdout


# ---- admin commands -------------------------------------------------------------------------------------


@pytest.mark.parametrize("command", ["reload", "report", "report 30"])
def test_admin_commands_are_refused_to_everyone_else(app: SlackApp, command: str) -> None:
    reply = app.command(command, fresh("refused"))
    assert reply.params["response_type"] == "ephemeral"
    assert reply.params["text"].startswith("Sorry")
    assert "only for this bot's admins" in reply.params["text"]
    pseudonym = hash_user(HASH_KEY.encode(), CANDIDATE_ID)
    assert f"refused /posting {command.split()[0]} from user {pseudonym}" in app.process.log()
    assert f"from {CANDIDATE_ID}" not in app.process.log()  # the raw id never reaches the log


def test_an_admin_reloads(app: SlackApp) -> None:
    reply = app.command("reload", fresh("reload"), user=ADMIN)
    assert reply.params["response_type"] == "ephemeral"
    assert reply.params["text"].startswith("Nothing to reload: the knowledge files are unchanged")


def test_an_admin_gets_the_report_privately(app: SlackApp) -> None:
    channel = fresh("D")
    app.dm("what is the dress code for the backend engineer role?", channel)
    app.posts(channel)
    logged(app, "SELECT 1 FROM questions WHERE question LIKE '%dress code%'")
    reply = app.command("report 7", fresh("report"), user=ADMIN)
    assert reply.params["response_type"] == "ephemeral"
    assert reply.params["text"] == "Report for the last 7 days"
    shown = "\n".join(b["text"]["text"] for b in blocks_of(reply) if b.get("text"))
    assert "Per posting" in shown and SEED in shown and EXAMPLE in shown
    assert "what is the dress code for the backend engineer role?" in shown
    assert "U0" not in shown  # pseudonymous counts only
    assert all("Per posting" not in shown_text(c) for c in app.api.calls("chat.postMessage"))


def test_a_question_that_starts_like_a_command_is_a_question(app: SlackApp) -> None:
    reply = app.command("report the salary for the data engineer role", fresh("q"))
    assert "$95,000" in reply.params["text"]


def test_the_database_path_is_created_on_first_use(app: SlackApp) -> None:
    assert app.database.is_file()
    assert rows(app, "SELECT version_num FROM alembic_version") == [("0004",)]
    assert Path(app.database).parent.name == "data"


# ---- surfaces with no question ---------------------------------------------------------------------------


def test_help_asks_which_role_then_shows_that_roles_topics(app: SlackApp) -> None:
    name = fresh("help")
    ask = app.command("", name, channel=fresh("C"))
    assert action_ids(ask) == ROLE_BUTTONS
    data_engineer = button(ask, "pick_posting_1")
    click = block_actions("pick_posting_1", data_engineer["value"], response_url=app.api.response_url(name))
    click.data["container"]["is_ephemeral"] = True
    app.send(click)
    help_reply = app.api.wait_for_response(name, count=2)[-1]
    assert "*Data Engineer* posting at Example Data Co." in shown_text(help_reply)
    assert "On-call" in shown_text(help_reply)  # the posting's own intent is one of its topics


def test_help_in_a_tied_channel_is_for_its_posting(app: SlackApp) -> None:
    reply = app.command("", fresh("help"), channel=EXAMPLE_CHANNEL)
    assert "*Data Engineer* posting at Example Data Co." in shown_text(reply)


def test_the_app_home_opens_with_several_postings(app: SlackApp) -> None:
    user = fresh("U")
    app.send(event_callback(app_home_opened(user=user)))
    [call] = app.api.wait_for("views.publish", predicate=lambda c: c.params.get("user_id") == user)
    assert "Backend Engineer at Pinterest" in json.dumps(call.params["view"])
