"""The running Slack app and the recruiter's edits, over HTTP against the stand-in: a saved edit is
answered without a restart; a broken edit leaves the old answers in place and its problems go to
ADMIN_CHANNEL once; the fix goes live. And a question log that can't be written never costs an answer."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from bot.answer import answer
from bot.knowledge.loader import load_knowledge
from bot.store import Store
from tests.conftest import KNOWLEDGE
from tests.environment import run_cli
from tests.fixtures.kb import SALARY_RANGE, copy_bundled, line_of
from tests.fixtures.recruiter import (
    ADMIN,
    ADMIN_CHANNEL,
    DEADLINE,
    SEED,
    SlackApp,
    read_only,
    slack_app,
    wait_for,
)
from tests.slack.harness import BOT_TOKEN, SIGNING_SECRET, blocks_of, conversation_ids
from tests.slack_standin import ApiCall

pytestmark = pytest.mark.e2e

SALARY = "what's the salary range?"
fresh = conversation_ids("L")


def salary_reply(app: SlackApp) -> str:
    channel = fresh("D")
    app.dm(SALARY, channel)
    [reply] = app.posts(channel)
    return str(reply.params["text"])


def salary_until(app: SlackApp, expected: str) -> str:
    """Ask until the answer shows `expected`: a reload takes effect a moment after the save."""
    end = time.monotonic() + DEADLINE
    while expected not in (text := salary_reply(app)):
        assert time.monotonic() < end, f"the answer never showed {expected!r}; last: {text!r}"
        time.sleep(0.1)
    return text


def shown(call: ApiCall) -> str:
    """The text of a message's sections (where code blocks go)."""
    return "\n".join(str(b["text"]["text"]) for b in blocks_of(call) if "text" in b)


def test_edits_go_live_broken_edits_are_reported_once_and_fixes_load(tmp_path: Path) -> None:
    knowledge = copy_bundled(tmp_path / "kb")
    posting = knowledge / "postings" / f"{SEED}.yaml"
    original = posting.read_text(encoding="utf-8")
    with slack_app(tmp_path, knowledge) as app:
        assert SALARY_RANGE in salary_reply(app)

        posting.write_text(original.replace("min: 118938", "min: 120000"), encoding="utf-8")
        salary_until(app, "$120,000")

        broken = original.replace("min: 118938", "min: lots")
        posting.write_text(broken, encoding="utf-8")
        problem = f"{posting}:{line_of(broken, 'min: lots')}: salary.min"
        [alert] = app.posts(ADMIN_CHANNEL)
        assert "A knowledge edit was not loaded: 1 problem(s)" in alert.params["text"]
        assert problem in shown(alert)
        assert "$120,000" in salary_reply(app)  # still the last good knowledge

        # Saved again without a fix: the admin asks for a reload and sees the problem, but the admin
        # channel isn't told twice.
        posting.write_text(broken + "\n# still looking\n", encoding="utf-8")
        reply = app.command("reload", fresh("reload"), user=ADMIN)
        assert reply.params["text"].startswith("Not reloaded: 1 problem(s)")
        assert problem in shown(reply)
        assert [c for c in app.api.calls("chat.postMessage") if c.params.get("channel") == ADMIN_CHANNEL] == [
            alert
        ]

        posting.write_text(original.replace("min: 118938", "min: 125000"), encoding="utf-8")
        salary_until(app, "$125,000")
        assert f"ERROR bot.knowledge.reload: {problem}" in app.process.log()
        app.process.assert_alive()


def test_a_read_only_question_log_does_not_stop_answers(tmp_path: Path) -> None:
    database = tmp_path / "data" / "questions.sqlite3"
    Store(database, b"k").record_reply(answer(load_knowledge(KNOWLEDGE), "relocation?"), None, "dm")
    with read_only(database), slack_app(tmp_path, KNOWLEDGE) as app:
        assert app.database == database
        assert SALARY_RANGE in salary_reply(app)
        wait_for(lambda: "could not record the question" in app.process.log(), "the store failure in the log")
        assert "readonly" in app.process.log()
        assert SALARY_RANGE in salary_reply(app)  # and the next one too
        app.process.assert_alive()


def test_the_app_does_not_start_on_broken_knowledge(tmp_path: Path) -> None:
    knowledge = copy_bundled(tmp_path / "kb")
    posting = knowledge / "postings" / f"{SEED}.yaml"
    broken = posting.read_text(encoding="utf-8").replace("min: 118938", "min: lots")
    posting.write_text(broken, encoding="utf-8")
    env = {
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "KNOWLEDGE_DIR": str(knowledge),
    }
    result = run_cli("run", env=env)
    assert result.returncode == 1
    assert f"{posting}:{line_of(broken, 'min: lots')}: salary.min" in result.stderr
