"""Quoted replies in the question log and the weekly report: counted apart from prepared answers, per
quoted line, with their own 👍 / 👎 — and a log written before quotes existed still opens with its rows."""

from __future__ import annotations

import contextlib
import json
import sqlite3
from pathlib import Path

import pytest

from bot.answer import answer
from bot.knowledge.loader import load_knowledge
from bot.store import Store
from tests.conftest import KNOWLEDGE
from tests.environment import run_cli

KEY = b"test-hash-key"
POSTING = "pinterest-backend-engineer"


def test_a_quoted_reply_is_logged_as_quoted_with_its_lines(tmp_path: Path) -> None:
    knowledge = load_knowledge(KNOWLEDGE)
    store = Store(tmp_path / "log.sqlite3", KEY)
    assert store.record_reply(answer(knowledge, "is innovation encouraged?"), "U0A", "dm")
    assert store.record_reply(answer(knowledge, "what's the salary?"), "U0A", "dm")
    [quoted, answered] = store.read(0).questions
    assert (quoted.outcome, quoted.quotes, quoted.intents) == ("quoted", (7, 16), ())
    assert (answered.outcome, answered.quotes) == ("answered", ())


def test_a_log_from_before_quotes_keeps_its_rows(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    with contextlib.closing(sqlite3.connect(path)) as conn, conn:
        conn.executescript((Path(__file__).parent / "fixtures" / "legacy_schema.sql").read_text())
        conn.execute(
            "INSERT INTO questions (at, surface, user_hash, posting, question, intents, missing, top_intent,"
            " confidence, outcome) VALUES (1.0, 'dm', NULL, 'p', 'is it remote?', '[\"remote\"]', '[]',"
            " 'remote', 0.9, 'answered')"
        )
        conn.execute("PRAGMA user_version = 1")
    store = Store(path, KEY, retention_days=100_000)
    [old] = store.read(0).questions
    assert (old.question, old.outcome, old.quotes) == ("is it remote?", "answered", ())
    knowledge = load_knowledge(KNOWLEDGE)
    assert store.record_reply(answer(knowledge, "how many users does Pinterest have?"), "U0A", "dm")
    assert [q.outcome for q in store.read(0).questions] == ["answered", "quoted"]
    with contextlib.closing(sqlite3.connect(path)) as conn:
        assert conn.execute("SELECT version_num FROM alembic_version").fetchone()[0] == "0004"


@pytest.mark.e2e
def test_the_report_counts_quoted_answers_and_their_feedback_apart(tmp_path: Path) -> None:
    knowledge = load_knowledge(KNOWLEDGE)
    database = tmp_path / "log.sqlite3"
    store = Store(database, KEY)
    asked = [("U0A", "how many users does Pinterest have?"), ("U0B", "roughly how many users are there?")]
    for user, question in asked:
        store.record_reply(answer(knowledge, question), user, "dm")
    store.record_reply(answer(knowledge, "is innovation encouraged?"), "U0C", "dm")
    store.record_reply(answer(knowledge, "what's the salary?"), "U0C", "dm")
    store.record_feedback(POSTING, "quote:14", False, "U0A")  # as the Slack buttons record a quote's vote
    store.record_feedback(POSTING, "quote:14", True, "U0B")
    store.record_feedback(POSTING, "salary", True, "U0C")

    result = run_cli("report", "--knowledge", KNOWLEDGE, "--database", database, "--json")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["totals"]["outcomes"]["quoted"] == 3
    assert report["totals"]["quoted_rate"] == 0.75
    assert report["totals"]["answered_rate"] == 0.25  # quotes are not prepared answers
    assert report["feedback"] == [{"posting": POSTING, "intent": "salary", "up": 1, "down": 0}]
    assert report["quoted"][0] == {
        "posting": POSTING,
        "line": 14,
        "count": 2,
        "examples": ["how many users does Pinterest have?", "roughly how many users are there?"],
        "up": 1,
        "down": 1,
    }
    assert {(q["line"], q["count"]) for q in report["quoted"][1:]} == {(7, 1), (16, 1)}
    assert report["clusters"] == []  # a quoted question was answered: not among the unanswered

    text = run_cli("report", "--knowledge", KNOWLEDGE, "--database", database).stdout
    assert "Answered from the posting's text" in text
    assert f'{POSTING}  line 14: 2x, 1 / 1  e.g. "how many users does Pinterest have?"' in text
