"""Admin commands and knowledge-problem posts, through the real `/posting` listener and a real WebClient on
the Slack stand-in: what counts as a command, the gate, and failures that are reported, never raised."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from slack_bolt import Ack, BoltContext

from bot.knowledge.loader import Knowledge, load_knowledge
from bot.knowledge.yaml_source import Problem
from bot.settings import Settings
from bot.slack.admin import AdminCommand, admin_command, problems_poster
from bot.slack.app import web_client
from bot.slack.listeners.commands.posting import posting_command
from bot.slack.services import CONTEXT_KEY, Services
from bot.store import Store
from tests.conftest import KNOWLEDGE
from tests.fixtures.recruiter import ADMIN, ADMIN_CHANNEL
from tests.slack.harness import blocks_of
from tests.slack.in_process import make_services
from tests.slack_standin import FakeSlackWebAPI, slash_command

log = logging.getLogger("tests.admin")


@pytest.fixture(scope="module")
def knowledge() -> Knowledge:
    return load_knowledge(KNOWLEDGE)


def run_command(
    api: FakeSlackWebAPI, services: Services, text: str, user: str = ADMIN, name: str = "admin"
) -> str:
    """`/posting TEXT` through the listener; the private reply's text and blocks."""
    command = slash_command(text, response_url=api.response_url(name), user_id=user).data
    context = BoltContext({CONTEXT_KEY: services})
    posting_command(ack=Ack(), command=command, context=context, logger=log)  # type: ignore[no-untyped-call]
    [reply] = api.responses(name)
    assert reply.params["response_type"] == "ephemeral"
    return str(reply.params["text"]) + "\n" + str(blocks_of(reply))


def admin_services(api: FakeSlackWebAPI, knowledge: Knowledge, **extra: object) -> Services:
    return make_services(api, knowledge, Settings(admin_user_ids=frozenset({ADMIN})), **extra)


@pytest.mark.parametrize(
    ("text", "command"),
    [
        ("reload", AdminCommand("reload")),
        ("  Reload ", AdminCommand("reload")),
        ("report", AdminCommand("report")),
        ("report 30", AdminCommand("report", 30.0)),
        ("report 0.5", AdminCommand("report", 0.5)),
        ("reload the page?", None),
        ("report 0", None),
        ("report soon", None),
        ("report inf", None),
        ("report nan", None),
        ("report the salary", None),
        ("what's the salary?", None),
        ("", None),
    ],
)
def test_what_counts_as_an_admin_command(text: str, command: AdminCommand | None) -> None:
    assert admin_command(text) == command


def test_nobody_is_an_admin_by_default(
    slack_api: FakeSlackWebAPI, knowledge: Knowledge, caplog: pytest.LogCaptureFixture
) -> None:
    services = make_services(slack_api, knowledge)
    with caplog.at_level(logging.WARNING):
        shown = run_command(slack_api, services, "reload")
    assert "only for this bot's admins" in shown
    assert "refused /posting reload from user " in caplog.text
    assert ADMIN not in caplog.text  # logged by pseudonym, never the raw id


def test_reload_without_live_reload_says_so(slack_api: FakeSlackWebAPI, knowledge: Knowledge) -> None:
    assert "Live reload is not running" in run_command(
        slack_api, admin_services(slack_api, knowledge), "reload"
    )


def test_report_without_a_log_says_so(slack_api: FakeSlackWebAPI, knowledge: Knowledge) -> None:
    shown = run_command(slack_api, admin_services(slack_api, knowledge), "report")
    assert "keeps no question log" in shown


def test_an_unreadable_log_is_reported_to_the_admin(
    slack_api: FakeSlackWebAPI, knowledge: Knowledge, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    (tmp_path / "log.sqlite3").mkdir()  # a directory where the database should be
    store = Store(tmp_path / "log.sqlite3", b"k")
    with caplog.at_level(logging.ERROR):
        shown = run_command(slack_api, admin_services(slack_api, knowledge, store=store), "report")
    assert "I couldn't read the question log just now" in shown
    assert "reading the question log" in caplog.text


def test_an_empty_log_gives_an_empty_report(
    slack_api: FakeSlackWebAPI, knowledge: Knowledge, tmp_path: Path
) -> None:
    store = Store(tmp_path / "log.sqlite3", b"k")
    shown = run_command(slack_api, admin_services(slack_api, knowledge, store=store), "report 3")
    assert "Report for the last 3 days" in shown and "Nothing recorded in this period." in shown


# ---- problems posted to ADMIN_CHANNEL ---------------------------------------------------------------------


PROBLEMS = [Problem(Path("knowledge/postings/x.yaml"), 3, "unknown key '<!channel>'")]


def test_problems_are_posted_escaped(slack_api: FakeSlackWebAPI) -> None:
    problems_poster(web_client("xoxb-unit", slack_api.base_url), ADMIN_CHANNEL)(PROBLEMS)
    [post] = slack_api.calls("chat.postMessage")
    assert post.params["channel"] == ADMIN_CHANNEL
    assert "1 problem(s)" in post.params["text"]
    shown = str(blocks_of(post))
    assert "knowledge/postings/x.yaml:3: unknown key '&lt;!channel&gt;'" in shown
    assert "<!channel>" not in shown


def test_many_problems_are_cut_short(slack_api: FakeSlackWebAPI) -> None:
    many = [Problem(Path("x.yaml"), line, "bad") for line in range(1, 101)]
    problems_poster(web_client("xoxb-unit", slack_api.base_url), ADMIN_CHANNEL)(many)
    [post] = slack_api.calls("chat.postMessage")
    shown = str(blocks_of(post))
    assert "x.yaml:30: bad" in shown and "x.yaml:31: bad" not in shown
    assert "and 70 more (run posting-bot check)" in shown


def test_without_an_admin_channel_nothing_is_posted(slack_api: FakeSlackWebAPI) -> None:
    problems_poster(web_client("xoxb-unit", slack_api.base_url), None)(PROBLEMS)
    assert slack_api.calls("chat.postMessage") == []


def test_a_failed_post_is_logged_not_raised(
    slack_api: FakeSlackWebAPI, caplog: pytest.LogCaptureFixture
) -> None:
    slack_api.fail_next("chat.postMessage", status=200, error="not_in_channel")
    with caplog.at_level(logging.ERROR):
        problems_poster(web_client("xoxb-unit", slack_api.base_url), ADMIN_CHANNEL)(PROBLEMS)
    assert f"posting knowledge problems to {ADMIN_CHANNEL} failed" in caplog.text
    assert "not_in_channel" in caplog.text
