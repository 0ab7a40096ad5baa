"""Listener callbacks called directly, as Slack's starter template tests them: real Bolt `BoltContext`
and `Ack`, a real slack_sdk WebClient on the local Web API stand-in. Each callback has a failure test:
it logs what went wrong with context and never raises into Bolt.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from pydantic import SecretStr
from slack_bolt import Ack, BoltContext

from bot.answer import Reply
from bot.knowledge.loader import Knowledge, load_knowledge
from bot.settings import Settings
from bot.slack.buttons import ButtonValue
from bot.slack.listeners.actions.feedback import feedback
from bot.slack.listeners.actions.pick_intent import pick_intent
from bot.slack.listeners.actions.pick_posting import pick_posting
from bot.slack.listeners.actions.talk_to_recruiter import talk_to_recruiter
from bot.slack.listeners.commands.posting import posting_command
from bot.slack.listeners.events.app_home_opened import app_home_opened
from bot.slack.listeners.events.app_mention import app_mention
from bot.slack.listeners.events.direct_message import direct_message
from bot.slack.services import CONTEXT_KEY, Journal, Services, Surface
from bot.store import hash_user
from tests.slack.harness import KNOWLEDGE, RECRUITER_CHANNEL, action_ids, blocks_of, button, shown_text
from tests.slack.in_process import make_services
from tests.slack_standin import (
    BOT_USER_ID,
    CANDIDATE_ID,
    CHANNEL_ID,
    DM_CHANNEL_ID,
    FakeSlackWebAPI,
    bot_message,
    event_callback,
    message_changed,
    slash_command,
)
from tests.slack_standin import app_home_opened as home_event
from tests.slack_standin import app_mention as mention_event
from tests.slack_standin import block_actions as click_payload
from tests.slack_standin import dm_message as dm_event

log = logging.getLogger("tests.listeners")
HASH_KEY = "unit-hash-key"
# Logs name a candidate by the question log's pseudonym, never by Slack user id (docs/recruiters.md).
CANDIDATE = hash_user(HASH_KEY.encode(), CANDIDATE_ID)


class RecordingJournal:
    """A Journal that keeps what it was told."""

    def __init__(self) -> None:
        self.questions: list[tuple[Surface, str, Reply]] = []
        self.feedback_given: list[tuple[str, str, list[str], bool]] = []
        self.handoffs: list[tuple[str, str, bool]] = []

    def asked(self, surface: Surface, user: str, reply: Reply, event_id: str | None = None) -> bool:
        self.questions.append((surface, user, reply))
        return False

    def feedback(self, user: str, posting: str, intents: list[str], helpful: bool) -> None:
        self.feedback_given.append((user, posting, intents, helpful))

    def handed_off(self, user: str, posting: str, notified: bool) -> None:
        self.handoffs.append((user, posting, notified))


@pytest.fixture(autouse=True)
def _no_raw_user_id_logged(caplog: pytest.LogCaptureFixture) -> Iterator[None]:
    yield
    assert CANDIDATE_ID not in caplog.text


@pytest.fixture(scope="module")
def knowledge() -> Knowledge:
    return load_knowledge(KNOWLEDGE)


@pytest.fixture
def journal() -> RecordingJournal:
    return RecordingJournal()


def listener_services(
    api: FakeSlackWebAPI,
    knowledge: Callable[[], Knowledge],
    journal: Journal,
    recruiter_channel: str | None = RECRUITER_CHANNEL,
) -> Services:
    settings = Settings(recruiter_channel=recruiter_channel, hash_key=SecretStr(HASH_KEY))
    return make_services(api, knowledge, settings, journal=journal)


@pytest.fixture
def context(slack_api: FakeSlackWebAPI, knowledge: Knowledge, journal: RecordingJournal) -> BoltContext:
    return BoltContext({CONTEXT_KEY: listener_services(slack_api, lambda: knowledge, journal)})


def new_ack() -> Ack:
    return Ack()  # type: ignore[no-untyped-call]


def click(
    action_id: str, value: str, response_url: str, **options: Any
) -> tuple[dict[str, Any], dict[str, Any]]:
    """(body, action) as Bolt hands them to an action listener."""
    body = click_payload(action_id, value, response_url=response_url, **options).data
    return body, body["actions"][0]


# ---- direct messages ------------------------------------------------------------------------------


def test_dm_is_answered(slack_api: FakeSlackWebAPI, context: BoltContext, journal: RecordingJournal) -> None:
    body = event_callback(dm_event("what is the salary")).data
    direct_message(event=body["event"], body=body, context=context, logger=log)

    [reply] = slack_api.calls("chat.postMessage")
    assert reply.params["channel"] == DM_CHANNEL_ID
    assert "100,000" in reply.params["text"]
    assert [(s, u, r.intents) for s, u, r in journal.questions] == [("dm", CANDIDATE_ID, ["salary"])]


@pytest.mark.parametrize(
    "event",
    [
        bot_message("what is the salary"),
        bot_message("what is the salary", subtype="bot_message"),
        message_changed("what is the salary"),
        {**dm_event("what is the salary"), "subtype": "message_deleted", "user": None},
        {**dm_event("what is the salary"), "subtype": "channel_join"},
        {**dm_event("what is the salary"), "channel_type": "channel"},
    ],
    ids=["other bot", "legacy bot", "edit", "delete", "other subtype", "not a DM"],
)
def test_dm_listener_ignores_bots_edits_and_channels(
    slack_api: FakeSlackWebAPI, context: BoltContext, event: dict[str, Any]
) -> None:
    body = event_callback(event).data
    direct_message(event=event, body=body, context=context, logger=log)
    assert slack_api.calls() == []


def test_dm_with_a_file_attached_is_answered(slack_api: FakeSlackWebAPI, context: BoltContext) -> None:
    event = {
        **dm_event("here is my CV - what is the salary?"),
        "subtype": "file_share",
        "files": [{"id": "F1"}],
    }
    body = event_callback(event).data
    direct_message(event=event, body=body, context=context, logger=log)
    [reply] = slack_api.calls("chat.postMessage")
    assert "100,000" in reply.params["text"]


def test_dm_redelivery_is_skipped_once_answered(slack_api: FakeSlackWebAPI, context: BoltContext) -> None:
    body = event_callback(dm_event("what is the salary")).data
    direct_message(event=body["event"], body=body, context=context, logger=log)
    direct_message(event=body["event"], body=body, context=context, logger=log)
    assert len(slack_api.calls("chat.postMessage")) == 1


def test_dm_failure_is_logged_and_the_redelivery_answers(
    slack_api: FakeSlackWebAPI, context: BoltContext, caplog: pytest.LogCaptureFixture
) -> None:
    slack_api.fail_next("chat.postMessage", status=200, error="channel_not_found")
    body = event_callback(dm_event("what is the salary")).data
    ts = body["event"]["ts"]

    with caplog.at_level(logging.ERROR, logger=log.name):
        direct_message(event=body["event"], body=body, context=context, logger=log)
    assert (
        f"could not answer DM {ts} from {CANDIDATE} in {DM_CHANNEL_ID} (event {body['event_id']})"
        in caplog.text
    )
    assert "channel_not_found" in caplog.text

    direct_message(event=body["event"], body=body, context=context, logger=log)
    assert [c.status for c in slack_api.calls("chat.postMessage")] == [200, 200]  # refused, then answered


def test_a_journal_failure_after_the_answer_went_out_never_answers_the_redelivery_again(
    slack_api: FakeSlackWebAPI, knowledge: Knowledge, caplog: pytest.LogCaptureFixture
) -> None:
    class BrokenJournal(RecordingJournal):
        def asked(self, surface: Surface, user: str, reply: Reply, event_id: str | None = None) -> bool:
            raise RuntimeError("question log unavailable")

    context = BoltContext({CONTEXT_KEY: listener_services(slack_api, lambda: knowledge, BrokenJournal())})
    body = event_callback(dm_event("what is the salary")).data
    with caplog.at_level(logging.ERROR):
        for _ in range(2):  # the delivery, then Slack's redelivery of the same event_id
            direct_message(event=body["event"], body=body, context=context, logger=log)

    assert len(slack_api.calls("chat.postMessage")) == 1
    assert "answered a dm question but could not record it (posting acme-platform-engineer)" in caplog.text
    assert "question log unavailable" in caplog.text


# ---- mentions -------------------------------------------------------------------------------------


def test_mention_is_answered_in_a_thread(slack_api: FakeSlackWebAPI, context: BoltContext) -> None:
    event = mention_event(f"<@{BOT_USER_ID}> what is the salary")
    app_mention(event=event, body=event_callback(event).data, context=context, logger=log)

    [reply] = slack_api.calls("chat.postMessage")
    assert (reply.params["channel"], reply.params["thread_ts"]) == (CHANNEL_ID, event["ts"])


def test_bare_mention_gets_help(slack_api: FakeSlackWebAPI, context: BoltContext) -> None:
    event = mention_event(f"<@{BOT_USER_ID}>")
    app_mention(event=event, body=event_callback(event).data, context=context, logger=log)

    [reply] = slack_api.calls("chat.postMessage")
    assert reply.params["text"].startswith("I answer questions about the Platform Engineer posting")


def test_mention_by_a_bot_or_in_a_dm_is_ignored(slack_api: FakeSlackWebAPI, context: BoltContext) -> None:
    for event in (
        {**mention_event(f"<@{BOT_USER_ID}> salary"), "bot_id": "B0OTHER"},
        mention_event(f"<@{BOT_USER_ID}> salary", channel=DM_CHANNEL_ID),
    ):
        app_mention(event=event, body=event_callback(event).data, context=context, logger=log)
    assert slack_api.calls() == []


def test_mention_failure_is_logged_and_the_candidate_hears_so(
    slack_api: FakeSlackWebAPI, journal: RecordingJournal, caplog: pytest.LogCaptureFixture
) -> None:
    def broken() -> Knowledge:
        raise RuntimeError("knowledge unavailable")

    context = BoltContext({CONTEXT_KEY: listener_services(slack_api, broken, journal)})
    event = mention_event(f"<@{BOT_USER_ID}> what is the salary")
    with caplog.at_level(logging.ERROR, logger=log.name):
        app_mention(event=event, body=event_callback(event).data, context=context, logger=log)

    assert f"could not answer mention {event['ts']} from {CANDIDATE} in {CHANNEL_ID}" in caplog.text
    assert "knowledge unavailable" in caplog.text
    [apology] = slack_api.calls("chat.postMessage")
    assert apology.params["thread_ts"] == event["ts"]
    assert apology.params["text"].startswith("Sorry — something went wrong on my side")


# ---- App Home -------------------------------------------------------------------------------------


def test_home_is_published_only_for_the_home_tab(slack_api: FakeSlackWebAPI, context: BoltContext) -> None:
    app_home_opened(event=home_event(tab="messages"), context=context, logger=log)
    assert slack_api.calls() == []

    app_home_opened(event=home_event(), context=context, logger=log)
    [call] = slack_api.calls("views.publish")
    assert call.params["user_id"] == CANDIDATE_ID
    assert call.params["view"]["blocks"][0]["text"]["text"] == "Platform Engineer at Acme Widgets"
    facts = [f["text"] for b in call.params["view"]["blocks"] for f in b.get("fields", [])]
    assert "*Teams*\nPlatform" in facts
    assert any(f.startswith("*Base salary*\nUSD 100,000\u2013150,000 per year") for f in facts), facts


def test_home_failure_is_logged(
    slack_api: FakeSlackWebAPI, context: BoltContext, caplog: pytest.LogCaptureFixture
) -> None:
    slack_api.fail_next("views.publish", status=200, error="invalid_blocks")
    with caplog.at_level(logging.ERROR, logger=log.name):
        app_home_opened(event=home_event(), context=context, logger=log)
    assert f"could not publish the App Home for {CANDIDATE}" in caplog.text
    assert "invalid_blocks" in caplog.text


# ---- /posting -------------------------------------------------------------------------------------


def test_command_is_acked_and_answered_privately(slack_api: FakeSlackWebAPI, context: BoltContext) -> None:
    ack = new_ack()
    command = slash_command("what is the salary", response_url=slack_api.response_url("cmd")).data
    posting_command(ack=ack, command=command, context=context, logger=log)

    assert ack.response is not None and ack.response.status == 200
    [response] = slack_api.responses("cmd")
    assert response.params["response_type"] == "ephemeral"
    assert "100,000" in response.params["text"]


def test_command_failure_is_logged_after_the_ack(
    slack_api: FakeSlackWebAPI, context: BoltContext, caplog: pytest.LogCaptureFixture
) -> None:
    slack_api.fail_next("response_url:cmd", status=404, times=3)  # an expired response_url
    ack = new_ack()
    command = slash_command("what is the salary", response_url=slack_api.response_url("cmd")).data
    with caplog.at_level(logging.ERROR, logger=log.name):
        posting_command(ack=ack, command=command, context=context, logger=log)

    assert ack.response is not None
    assert f"could not answer /posting from {CANDIDATE} in {CHANNEL_ID}" in caplog.text
    assert "HTTP 404" in caplog.text


# ---- buttons --------------------------------------------------------------------------------------


def test_private_did_you_mean_click_is_replaced_by_the_answer(
    slack_api: FakeSlackWebAPI, context: BoltContext
) -> None:
    posting_command(
        ack=new_ack(),
        command=slash_command("parking commute", response_url=slack_api.response_url("ask")).data,
        context=context,
        logger=log,
    )
    [question] = slack_api.responses("ask")
    choice = button(question, "pick_intent_0")
    body, action = click(choice["action_id"], choice["value"], slack_api.response_url("pick"))
    body["container"]["is_ephemeral"] = True

    ack = new_ack()
    pick_intent(ack=ack, body=body, action=action, context=context, logger=log)

    assert ack.response is not None
    [answer] = slack_api.responses("pick")
    assert answer.params["replace_original"] is True
    assert answer.params["text"] == "There is free parking at the office."


def test_click_with_a_value_the_app_did_not_write_is_logged(
    slack_api: FakeSlackWebAPI, context: BoltContext, caplog: pytest.LogCaptureFixture
) -> None:
    for listener, action_id in (
        (pick_intent, "pick_intent_0"),
        (feedback, "feedback_helpful"),
        (talk_to_recruiter, "talk_to_recruiter"),
    ):
        ack = new_ack()
        body, action = click(action_id, "not json", slack_api.response_url("bad"))
        with caplog.at_level(logging.WARNING, logger=log.name):
            listener(ack=ack, body=body, action=action, context=context, logger=log)
        assert ack.response is not None, action_id
    declined = [r.getMessage() for r in caplog.records]
    assert len(declined) == 3
    assert all("declined" in m and "unrecognised button value: 'not json'" in m for m in declined), declined
    assert slack_api.calls() == []


@pytest.mark.parametrize(
    ("listener", "action_id", "value"),
    [
        (pick_intent, "pick_intent_0", {"p": "acme-platform-engineer", "i": "salary"}),
        (pick_posting, "pick_posting_0", {"p": "acme-platform-engineer", "q": "what is the salary"}),
    ],
    ids=["pick_intent", "pick_posting"],
)
def test_a_click_whose_answer_cannot_be_delivered_is_logged(
    slack_api: FakeSlackWebAPI,
    context: BoltContext,
    caplog: pytest.LogCaptureFixture,
    listener: Callable[..., None],
    action_id: str,
    value: dict[str, str],
) -> None:
    slack_api.fail_next("response_url:gone", status=404)  # an expired response_url
    body, action = click(action_id, json.dumps(value), slack_api.response_url("gone"))
    body["container"]["is_ephemeral"] = True
    ack = new_ack()
    with caplog.at_level(logging.ERROR, logger=log.name):
        listener(ack=ack, body=body, action=action, context=context, logger=log)

    assert ack.response is not None
    assert f"could not answer the {action_id} click by {CANDIDATE}" in caplog.text
    assert "HTTP 404" in caplog.text
    [refused] = slack_api.responses("gone")
    assert refused.status == 404


def test_a_button_naming_an_intent_a_reload_removed_asks_to_ask_again(
    slack_api: FakeSlackWebAPI, context: BoltContext, caplog: pytest.LogCaptureFixture
) -> None:
    value = {"p": "acme-platform-engineer", "i": "no_longer_there"}
    body, action = click("pick_intent_0", json.dumps(value), slack_api.response_url("stale"))
    body["container"]["is_ephemeral"] = True
    with caplog.at_level(logging.ERROR, logger=log.name):
        pick_intent(ack=new_ack(), body=body, action=action, context=context, logger=log)

    [note] = slack_api.responses("stale")
    assert "older version of what I know" in note.params["text"]
    assert f"could not answer the pick_intent_0 click by {CANDIDATE}" in caplog.text


def test_feedback_is_recorded_and_thanked(
    slack_api: FakeSlackWebAPI, context: BoltContext, journal: RecordingJournal
) -> None:
    body_in = event_callback(dm_event("what is the salary")).data
    direct_message(event=body_in["event"], body=body_in, context=context, logger=log)
    [answer] = slack_api.calls("chat.postMessage")
    down = button(answer, "feedback_unhelpful")
    body, action = click("feedback_unhelpful", down["value"], slack_api.response_url("fb"))
    body["message"]["blocks"] = blocks_of(answer)

    feedback(ack=new_ack(), body=body, action=action, context=context, logger=log)

    assert journal.feedback_given == [(CANDIDATE_ID, "acme-platform-engineer", ["salary"], False)]
    [thanks] = slack_api.responses("fb")
    assert "Thanks for telling me" in shown_text(thanks)
    assert action_ids(thanks) == ["talk_to_recruiter"]


def test_feedback_delivery_failure_is_logged(
    slack_api: FakeSlackWebAPI, context: BoltContext, caplog: pytest.LogCaptureFixture
) -> None:
    slack_api.fail_next("response_url:fb", status=404)
    value = json.dumps({"p": "acme-platform-engineer", "is": ["salary"]})
    body, action = click("feedback_helpful", value, slack_api.response_url("fb"))
    with caplog.at_level(logging.ERROR, logger=log.name):
        feedback(ack=new_ack(), body=body, action=action, context=context, logger=log)
    assert f"could not record feedback from {CANDIDATE}" in caplog.text


def test_recruiter_button_alerts_the_channel_once(
    slack_api: FakeSlackWebAPI, context: BoltContext, journal: RecordingJournal
) -> None:
    value = json.dumps({"p": "acme-platform-engineer", "q": "<b> & pay?", "ts": "1700000000.000200"})
    for _ in range(2):  # a double click
        body, action = click("talk_to_recruiter", value, slack_api.response_url("r"), channel=DM_CHANNEL_ID)
        talk_to_recruiter(ack=new_ack(), body=body, action=action, context=context, logger=log)

    [alert] = [c for c in slack_api.calls("chat.postMessage") if c.params["channel"] == RECRUITER_CHANNEL]
    assert ">&lt;b&gt; &amp; pay?" in shown_text(alert)
    notes = [
        c.params["text"] for c in slack_api.calls("chat.postMessage") if c.params["channel"] == DM_CHANNEL_ID
    ]
    assert "a recruiter will follow up with you" in notes[0]
    assert notes[1].startswith("I've already passed this on")
    assert journal.handoffs == [(CANDIDATE_ID, "acme-platform-engineer", True)]


def test_a_click_under_someone_elses_question_never_passes_it_on_as_the_clickers(
    slack_api: FakeSlackWebAPI, context: BoltContext
) -> None:
    # In a channel anyone can click the buttons under another candidate's answer.
    mention = mention_event(f"<@{BOT_USER_ID}> what is the salary", user="U0ALICE")
    app_mention(event=mention, body=event_callback(mention).data, context=context, logger=log)
    [answer] = slack_api.calls("chat.postMessage")
    talk = button(answer, "talk_to_recruiter")
    assert ButtonValue.decode(talk["value"]).asker == "U0ALICE"

    body, action = click(
        "talk_to_recruiter", talk["value"], slack_api.response_url("r"), channel=CHANNEL_ID, user=CANDIDATE_ID
    )
    talk_to_recruiter(ack=new_ack(), body=body, action=action, context=context, logger=log)

    [alert] = [c for c in slack_api.calls("chat.postMessage") if c.params["channel"] == RECRUITER_CHANNEL]
    shown = shown_text(alert)
    assert f"<@{CANDIDATE_ID}> asked about" in shown
    assert ">(wants to talk to a recruiter)" in shown
    assert "salary" not in shown
    assert slack_api.calls("chat.getPermalink") == []  # no link to Alice's message either


def test_without_a_recruiter_channel_the_candidate_learns_how_to_reach_recruiting(
    slack_api: FakeSlackWebAPI, knowledge: Knowledge, journal: RecordingJournal
) -> None:
    context = BoltContext(
        {CONTEXT_KEY: listener_services(slack_api, lambda: knowledge, journal, recruiter_channel=None)}
    )
    body, action = click(
        "talk_to_recruiter", json.dumps({"p": "acme-platform-engineer"}), slack_api.response_url("r")
    )
    talk_to_recruiter(ack=new_ack(), body=body, action=action, context=context, logger=log)

    [note] = slack_api.calls("chat.postMessage")
    assert note.params["channel"] == DM_CHANNEL_ID
    assert note.params["text"] == (
        "To reach recruiting: Sam Rivera looks after this role; email sam.rivera@example.com."
    )


def test_recruiter_alert_failure_is_logged_and_the_candidate_gets_the_contact(
    slack_api: FakeSlackWebAPI, context: BoltContext, caplog: pytest.LogCaptureFixture
) -> None:
    slack_api.fail_next("chat.postMessage", status=200, error="not_in_channel")
    body, action = click(
        "talk_to_recruiter", json.dumps({"p": "acme-platform-engineer"}), slack_api.response_url("r")
    )
    with caplog.at_level(logging.ERROR):
        talk_to_recruiter(ack=new_ack(), body=body, action=action, context=context, logger=log)

    assert (
        f"recruiter alert for {CANDIDATE} (posting acme-platform-engineer) to {RECRUITER_CHANNEL}"
        in caplog.text
    )
    assert "not_in_channel" in caplog.text
    note = slack_api.calls("chat.postMessage")[-1]
    assert note.params["text"].startswith("I couldn't reach the recruiting team just now.")
    assert "sam.rivera@example.com" in note.params["text"]


def test_home_without_a_recruiter_channel_shows_the_postings_contact(
    slack_api: FakeSlackWebAPI, knowledge: Knowledge, journal: RecordingJournal
) -> None:
    context = BoltContext(
        {CONTEXT_KEY: listener_services(slack_api, lambda: knowledge, journal, recruiter_channel=None)}
    )
    app_home_opened(event=home_event(), context=context, logger=log)

    [call] = slack_api.calls("views.publish")
    assert "To reach recruiting: *Sam Rivera* looks after this role; email sam.rivera@example.com." in str(
        call.params["view"]
    )
