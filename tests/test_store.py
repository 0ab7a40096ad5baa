"""The question log: what is stored (and what never is), the schema, retention, and failures that are
logged while the answer still goes out. Tests taking `database_url` run on SQLite and on PostgreSQL."""

from __future__ import annotations

import contextlib
import json
import logging
import sqlite3
import threading
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from bot.answer import answer
from bot.database import Database
from bot.inbox import Inbox
from bot.knowledge.loader import Knowledge, load_knowledge
from bot.store import DAY, Store, hash_user
from tests.conftest import KNOWLEDGE
from tests.environment import run_cli
from tests.fixtures.kb import SALARY_RANGE
from tests.fixtures.recruiter import read_only

KEY = b"test-hash-key"
USER = "U0CANDIDATE42"


class Clock:
    def __init__(self, now: float = 1_800_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


@pytest.fixture(scope="module")
def knowledge() -> Knowledge:
    return load_knowledge(KNOWLEDGE)


def rows(database: Path | str, sql: str) -> list[tuple[Any, ...]]:
    """Read what is really in the database, bypassing the store."""
    if isinstance(database, Path):
        with contextlib.closing(sqlite3.connect(database)) as conn:
            return conn.execute(sql).fetchall()
    engine = sa.create_engine(database, poolclass=sa.NullPool)
    try:
        with engine.connect() as conn:
            return [tuple(row) for row in conn.execute(sa.text(sql))]
    finally:
        engine.dispose()


HEAD = "0004"  # the newest migration


# ---- what is stored -----------------------------------------------------------------------------------


def test_questions_feedback_and_handoffs_are_stored(database_url: str, knowledge: Knowledge) -> None:
    store = Store(database_url, KEY)  # a SQLite file's directory is created on first use
    assert store.record_reply(answer(knowledge, "what's the salary range?"), USER, "dm")
    assert store.record_reply(answer(knowledge, "is it remote?"), USER, "mention")
    assert store.record_reply(answer(knowledge, "what's the weather like on mars"), "U0OTHER", "command")
    assert store.record_reply(answer(knowledge, "I want to talk to a recruiter"), USER, "dm", handed_off=True)
    assert store.record_feedback("pinterest-backend-engineer", "salary", True, USER)
    assert store.record_feedback("pinterest-backend-engineer", "remote", False, USER)
    assert store.record_handoff("pinterest-backend-engineer", True, USER)
    assert store.record_handoff("pinterest-backend-engineer", False, "U0OTHER")

    records = store.read(0)
    questions = [(q.question, q.intents, q.missing, q.outcome) for q in records.questions]
    assert questions == [
        ("what's the salary range?", ("salary",), (), "answered"),
        ("is it remote?", ("remote",), ("remote",), "answered"),  # the posting doesn't say
        ("what's the weather like on mars", (), (), "out_of_scope"),
        ("I want to talk to a recruiter", ("contact_recruiter",), (), "handed_off"),
    ]
    assert records.questions[0].confidence > 0.5 and records.questions[0].top_intent == "salary"
    assert records.questions[2].top_intent is not None  # the nearest intent, even unanswered
    assert [(f.intent, f.helpful) for f in records.feedback] == [("salary", True), ("remote", False)]
    assert [h.notified for h in records.handoffs] == [True, False]
    assert rows(database_url, "SELECT version_num FROM alembic_version") == [(HEAD,)]


def test_user_ids_are_stored_only_as_a_keyed_hash(database_url: str, knowledge: Knowledge) -> None:
    store = Store(database_url, KEY)
    store.record_reply(answer(knowledge, "salary?"), USER, "dm")
    store.record_feedback("pinterest-backend-engineer", "salary", True, USER)
    store.record_handoff("pinterest-backend-engineer", True, USER)
    stored = {
        row[0]
        for table in ("questions", "feedback", "handoffs")
        for row in rows(database_url, f"SELECT user_hash FROM {table}")
    }
    assert stored == {hash_user(KEY, USER)}
    if database_url.startswith("sqlite"):
        assert USER.encode() not in Path(sa.make_url(database_url).database or "").read_bytes()
    # Keyed: without the key, the hash of a known id can't be recomputed.
    assert hash_user(b"another key", USER) != hash_user(KEY, USER)
    assert hash_user(None, USER) is None and hash_user(KEY, None) is None


def test_without_a_key_no_user_is_stored(tmp_path: Path, knowledge: Knowledge) -> None:
    path = tmp_path / "log.sqlite3"
    Store(path, None).record_reply(answer(knowledge, "salary?"), USER, "dm")
    assert rows(path, "SELECT user_hash FROM questions") == [(None,)]
    assert USER.encode() not in path.read_bytes()


def test_long_questions_are_cut(database_url: str, knowledge: Knowledge) -> None:
    store = Store(database_url, KEY)
    store.record_reply(answer(knowledge, "salary? " + "x" * 50_000), USER, "dm")
    assert len(store.read(0).questions[0].question) <= 1_000


# ---- retention ----------------------------------------------------------------------------------------


def test_rows_older_than_the_retention_period_are_deleted(database_url: str, knowledge: Knowledge) -> None:
    path = database_url
    clock = Clock()
    store = Store(path, KEY, retention_days=30, clock=clock)
    store.record_reply(answer(knowledge, "salary?"), USER, "dm")
    store.record_feedback("pinterest-backend-engineer", "salary", True, USER)
    store.record_handoff("pinterest-backend-engineer", True, USER)
    clock.now += 20 * DAY
    store.record_reply(answer(knowledge, "relocation?"), USER, "dm")
    assert len(store.read(0).questions) == 2

    clock.now += 11 * DAY  # the first rows are 31 days old now; a store opened later still purges them
    reopened = Store(path, KEY, retention_days=30, clock=clock)
    reopened.record_reply(answer(knowledge, "equity?"), USER, "dm")
    assert [q.question for q in reopened.read(0).questions] == ["relocation?", "equity?"]
    for table in ("questions", "feedback", "handoffs"):
        assert all(at >= clock.now - 30 * DAY for (at,) in rows(path, f"SELECT at FROM {table}")), table
    assert rows(path, "SELECT count(*) FROM feedback") == [(0,)]
    assert rows(path, "SELECT count(*) FROM handoffs") == [(0,)]


# ---- failures never stop an answer --------------------------------------------------------------------


def test_a_database_from_a_newer_bot_is_left_alone(
    database_url: str, knowledge: Knowledge, caplog: pytest.LogCaptureFixture
) -> None:
    Store(database_url, KEY).read(0)
    newer = "UPDATE alembic_version SET version_num = 'f00d'"
    engine = sa.create_engine(database_url, poolclass=sa.NullPool)
    with engine.begin() as conn:
        conn.execute(sa.text(newer))
    engine.dispose()
    with caplog.at_level(logging.WARNING, logger="bot.store"):
        assert not Store(database_url, KEY).record_reply(answer(knowledge, "salary?"), USER, "dm")
    assert "newer than this bot" in caplog.text
    assert rows(database_url, "SELECT version_num FROM alembic_version") == [("f00d",)]
    assert rows(database_url, "SELECT count(*) FROM questions") == [(0,)]


def test_a_sqlite_file_numbered_by_a_newer_bot_is_left_alone(
    tmp_path: Path, knowledge: Knowledge, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "log.sqlite3"
    with contextlib.closing(sqlite3.connect(path)) as conn:
        conn.execute("PRAGMA user_version = 3")  # how the schema was numbered before migrations (1 and 2)
    with caplog.at_level(logging.WARNING, logger="bot.store"):
        assert not Store(path, KEY).record_reply(answer(knowledge, "salary?"), USER, "dm")
    assert "newer than this bot" in caplog.text
    assert rows(path, "PRAGMA user_version") == [(3,)]
    assert rows(path, "SELECT name FROM sqlite_master") == []


def test_a_path_that_cannot_hold_a_database_is_logged(
    tmp_path: Path, knowledge: Knowledge, caplog: pytest.LogCaptureFixture
) -> None:
    (tmp_path / "taken").write_text("a file where the data directory should be")
    with caplog.at_level(logging.WARNING, logger="bot.store"):
        assert not Store(tmp_path / "taken" / "log.sqlite3", KEY).record_reply(
            answer(knowledge, "salary?"), USER, "dm"
        )
    assert "could not record the question" in caplog.text


@pytest.mark.e2e
def test_a_read_only_database_does_not_stop_answers(tmp_path: Path, knowledge: Knowledge) -> None:
    path = tmp_path / "log.sqlite3"
    Store(path, KEY).record_reply(answer(knowledge, "relocation?"), USER, "dm")  # an existing log
    env = {"DATABASE_PATH": str(path), "HASH_KEY": "k"}
    with read_only(path):
        result = run_cli(
            "chat", "--knowledge", KNOWLEDGE, "--record", stdin="what's the salary range?\n", env=env
        )
    assert result.returncode == 0, result.stderr
    assert SALARY_RANGE in result.stdout
    assert "could not record the question" in result.stderr and "readonly" in result.stderr
    assert "Traceback" not in result.stderr
    assert rows(path, "SELECT question FROM questions") == [("relocation?",)]


@pytest.mark.e2e
def test_a_locked_database_does_not_stop_answers(tmp_path: Path) -> None:
    path = tmp_path / "log.sqlite3"
    env = {"DATABASE_PATH": str(path)}
    first = run_cli("chat", "--knowledge", KNOWLEDGE, "--record", stdin="relocation?\n", env=env)
    assert first.returncode == 0, first.stderr
    with contextlib.closing(sqlite3.connect(path, isolation_level=None)) as holder:
        holder.execute("BEGIN EXCLUSIVE")  # another process holds the database
        result = run_cli(
            "chat", "--knowledge", KNOWLEDGE, "--record", stdin="what's the salary range?\n", env=env
        )
        holder.execute("ROLLBACK")
    assert result.returncode == 0, result.stderr
    assert SALARY_RANGE in result.stdout
    assert "database is locked" in result.stderr
    assert rows(path, "SELECT question, surface FROM questions") == [("relocation?", "chat")]


@pytest.mark.e2e
def test_chat_records_only_when_asked_to(tmp_path: Path) -> None:
    path = tmp_path / "log.sqlite3"
    env = {"DATABASE_PATH": str(path)}
    assert run_cli("chat", "--knowledge", KNOWLEDGE, stdin="salary?\n", env=env).returncode == 0
    assert not path.exists()
    assert (
        run_cli("chat", "--knowledge", KNOWLEDGE, "--record", stdin="salary?\nhi\n", env=env).returncode == 0
    )
    assert rows(path, "SELECT question, outcome FROM questions") == [
        ("salary?", "answered"),
        ("hi", "answered"),
    ]


# ---- upgrades and the database being unavailable ------------------------------------------------------

LEGACY_SCHEMA = Path(__file__).parent / "fixtures" / "legacy_schema.sql"
NEW_OUTCOME_ROW = (
    "INSERT INTO questions (id, at, surface, posting, question, intents, missing, confidence, outcome)"
    " VALUES (9, 1, 'dm', 'p', 'q', '[]', '[]', 0, 'new')"
)


def legacy_database(path: Path, version: int = 1) -> None:
    """A question log as the bot wrote it before Alembic: the same DDL, user_version 1 (or 2, with quoted
    replies), one row each."""
    with contextlib.closing(sqlite3.connect(path)) as conn:
        conn.executescript(LEGACY_SCHEMA.read_text())
        if version == 2:
            conn.executescript((LEGACY_SCHEMA.parent / "legacy_schema_v2.sql").read_text())
        conn.execute(f"PRAGMA user_version = {version}")
        conn.execute(
            "INSERT INTO questions (at, surface, user_hash, posting, question, intents, missing, top_intent,"
            " confidence, outcome) VALUES (?, 'dm', 'abc', 'pinterest-backend-engineer', 'salary?',"
            " '[\"salary\"]', '[]', 'salary', 0.9, 'answered')",
            (1_800_000_000.0,),
        )
        conn.execute(
            "INSERT INTO feedback (at, user_hash, posting, intent, helpful)"
            " VALUES (1800000001, 'abc', 'pinterest-backend-engineer', 'salary', 1)"
        )
        conn.execute(
            "INSERT INTO handoffs (at, user_hash, posting, notified)"
            " VALUES (1800000002, 'abc', 'pinterest-backend-engineer', 0)"
        )
        conn.commit()


@pytest.mark.e2e
@pytest.mark.parametrize("version", [1, 2])
def test_a_sqlite_log_from_before_migrations_upgrades_in_place(
    tmp_path: Path, knowledge: Knowledge, version: int
) -> None:
    path = tmp_path / "log.sqlite3"
    legacy_database(path, version)
    with pytest.raises(sqlite3.IntegrityError):  # the old schema checks outcomes in SQL
        rows(path, NEW_OUTCOME_ROW)

    store = Store(path, KEY, clock=Clock(1_800_000_100.0))
    assert store.record_reply(answer(knowledge, "is it remote?"), USER, "mention")
    records = store.read(0)
    assert [(q.question, q.outcome, q.user_hash) for q in records.questions] == [
        ("salary?", "answered", "abc"),
        ("is it remote?", "answered", hash_user(KEY, USER)),
    ]
    assert [(f.intent, f.helpful) for f in records.feedback] == [("salary", True)]
    assert [h.notified for h in records.handoffs] == [False]
    assert rows(path, "SELECT version_num FROM alembic_version") == [(HEAD,)]
    # An outcome added later (the bot checks outcomes now) goes in without another table rebuild.
    with contextlib.closing(sqlite3.connect(path)) as conn:
        conn.execute(NEW_OUTCOME_ROW)
        conn.execute("DELETE FROM questions WHERE id = 9")
        conn.commit()
    assert rows(path, "SELECT name FROM sqlite_master WHERE name = 'questions_at'") == [("questions_at",)]

    result = run_cli("report", "--knowledge", KNOWLEDGE, "--database", path, "--since", "100000", "--json")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["totals"]["questions"] == 2


@pytest.mark.slow
def test_rows_the_database_refuses_are_kept_and_written_when_it_is_back(
    tmp_path: Path, knowledge: Knowledge, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("bot.database.BUSY_TIMEOUT", 0.2)  # the lock is held on purpose: don't wait
    path = tmp_path / "log.sqlite3"
    store = Store(path, KEY)
    assert store.record_reply(answer(knowledge, "relocation?"), USER, "dm")
    with contextlib.closing(sqlite3.connect(path, isolation_level=None)) as holder:
        holder.execute("BEGIN EXCLUSIVE")  # another process holds the database
        with caplog.at_level(logging.WARNING, logger="bot.store"):
            assert not store.record_reply(answer(knowledge, "salary?"), USER, "dm")
            assert not store.record_feedback("pinterest-backend-engineer", "salary", True, USER)
        holder.execute("ROLLBACK")
    assert "database is locked" in caplog.text
    assert store.pending() == 2
    assert store.record_handoff("pinterest-backend-engineer", True, USER)
    assert store.pending() == 0
    assert rows(path, "SELECT question FROM questions ORDER BY id") == [("relocation?",), ("salary?",)]
    assert rows(path, "SELECT intent FROM feedback") == [("salary",)]


@pytest.mark.slow
def test_no_row_is_lost_under_64_concurrent_writers(database_url: str, knowledge: Knowledge) -> None:
    store = Store(database_url, KEY)
    reply = answer(knowledge, "salary?")
    writers, each = 64, 8

    def write(n: int) -> None:
        for _ in range(each):
            store.record_reply(reply, f"U{n}", "dm")

    threads = [threading.Thread(target=write, args=(n,)) for n in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    store.record_feedback("pinterest-backend-engineer", "salary", True, USER)  # flushes any kept rows
    assert store.pending() == 0
    assert rows(database_url, "SELECT count(*) FROM questions") == [(writers * each,)]


def test_rows_kept_from_an_outage_are_written_once_when_a_write_fails_part_way(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On SQLite each row commits by itself: a write that fails after some went in keeps only the rest."""
    monkeypatch.setattr("bot.database.BUSY_TIMEOUT", 0.2)
    path = tmp_path / "log.sqlite3"
    store = Store(path, KEY)
    with contextlib.closing(sqlite3.connect(path, isolation_level=None)) as holder:
        holder.execute("BEGIN EXCLUSIVE")  # an outage: two rows kept in memory
        assert not store.record_feedback("pinterest-backend-engineer", "salary", True, USER)
        assert not store.record_feedback("pinterest-backend-engineer", "equity", True, USER)
        holder.execute("ROLLBACK")
    assert store.pending() == 2

    class SecondStatementFails:
        def __init__(self, connection: sqlite3.Connection) -> None:
            self.connection, self.calls = connection, 0

        def execute(self, sql: str, parameters: dict[str, Any]) -> sqlite3.Cursor:
            self.calls += 1
            if self.calls == 2:
                raise sqlite3.OperationalError("disk I/O error")
            return self.connection.execute(sql, parameters)

    failing = SecondStatementFails(sqlite3.connect(path, isolation_level=None))
    monkeypatch.setattr("bot.database.Database._driver", lambda database, path: failing)
    assert not store.record_feedback("pinterest-backend-engineer", "relocation", True, USER)
    assert store.pending() == 2  # the first kept row went in; the other and the new one wait
    monkeypatch.undo()
    assert store.record_handoff("pinterest-backend-engineer", True, USER)
    assert store.pending() == 0
    assert rows(path, "SELECT intent FROM feedback ORDER BY id") == [
        ("salary",),
        ("equity",),
        ("relocation",),
    ]


def test_a_postgres_restart_neither_loses_nor_delays_a_write(tmp_path: Path, knowledge: Knowledge) -> None:
    """A restart kills every pooled connection. A write that finds its connection dead goes to the new
    server at once: a question is logged, not kept in memory, and an event is in the inbox before it is
    acknowledged. After one restart the first write is a lone statement (autocommit), after the other a
    transaction of two (a question and its event's done mark). A server of its own: the shared one must
    not restart under other tests."""
    import pgserver
    from pgserver._commands import pg_ctl  # type: ignore[attr-defined]

    server = pgserver.get_server(tmp_path / "pg", cleanup_mode="stop")  # type: ignore[attr-defined]
    try:
        url = sa.make_url(server.get_uri()).set(drivername="postgresql+psycopg").render_as_string(False)
        database = Database(url)
        store, inbox = Store(database, KEY), Inbox(database)

        def restart() -> None:
            pg_ctl(["-w", "restart", "-m", "fast"], pgdata=server.pgdata, user=server.system_user)

        assert store.record_reply(answer(knowledge, "relocation?"), USER, "dm")
        assert inbox.receive("Ev1", "{}") is not None
        restart()
        assert inbox.receive("Ev2", "{}") is not None
        assert store.record_reply(answer(knowledge, "salary?"), USER, "dm", event_id="Ev2")
        restart()
        assert store.record_reply(answer(knowledge, "equity?"), USER, "dm", event_id="Ev1")
        assert store.pending() == 0
        assert rows(url, "SELECT question, event_id FROM questions ORDER BY id") == [
            ("relocation?", None),
            ("salary?", "Ev2"),
            ("equity?", "Ev1"),
        ]
        assert inbox.counts() == {"done": 2}
    finally:
        server.cleanup()
