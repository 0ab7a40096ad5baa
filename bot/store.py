"""What candidates asked and how it went, kept in SQLite for `posting-bot report`.

Writes never stand between a candidate and an answer: any failure (locked, read-only, disk full, a schema
from a newer bot) is logged and the row dropped. User ids are stored only as a keyed hash (HMAC-SHA256 with
a key from the environment), so neither the database nor a report can be tied back to a Slack user without
that key. Rows older than the retention period are deleted when the store opens and hourly after that.

Each operation opens its own short-lived connection: threads need no locking, and a database that was
locked, read-only or missing a moment ago works again as soon as it is fixed.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import closing, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from bot.answer import Reply

log = logging.getLogger(__name__)

Outcome = Literal["answered", "quoted", "did_you_mean", "out_of_scope", "handed_off"]
OUTCOMES: tuple[Outcome, ...] = ("answered", "quoted", "did_you_mean", "out_of_scope", "handed_off")

DAY = 86_400.0
BUSY_TIMEOUT = 1.0  # seconds to wait for a lock before giving up on a write
PURGE_EVERY = 3_600.0
MAX_QUESTION_CHARS = 1_000  # what the matcher sees is shorter still; no need to keep more

# Each entry moves the schema up one version (PRAGMA user_version). Append, never edit: databases in the
# field are at every version so far.
MIGRATIONS: tuple[str, ...] = (
    """
    CREATE TABLE questions (
        id INTEGER PRIMARY KEY,
        at REAL NOT NULL,              -- unix time
        surface TEXT NOT NULL,         -- where it was asked: dm, mention, slash, chat ...
        user_hash TEXT,                -- keyed hash of the user id; NULL when unknown or no key is set
        posting TEXT NOT NULL,
        question TEXT NOT NULL,
        intents TEXT NOT NULL,         -- JSON list of the intents answered
        missing TEXT NOT NULL,         -- JSON list of answered intents whose fact the posting doesn't state
        top_intent TEXT,               -- best-ranked intent, even when nothing was answered
        confidence REAL NOT NULL,
        outcome TEXT NOT NULL CHECK (outcome IN ('answered', 'did_you_mean', 'out_of_scope', 'handed_off'))
    );
    CREATE INDEX questions_at ON questions (at);
    CREATE TABLE feedback (
        id INTEGER PRIMARY KEY,
        at REAL NOT NULL,
        user_hash TEXT,
        posting TEXT NOT NULL,
        intent TEXT NOT NULL,
        helpful INTEGER NOT NULL CHECK (helpful IN (0, 1))
    );
    CREATE INDEX feedback_at ON feedback (at);
    CREATE TABLE handoffs (
        id INTEGER PRIMARY KEY,
        at REAL NOT NULL,
        user_hash TEXT,
        posting TEXT NOT NULL,
        notified INTEGER NOT NULL CHECK (notified IN (0, 1))  -- 1: recruiters were alerted; 0: the
                                       -- candidate was told how to reach them instead
    );
    CREATE INDEX handoffs_at ON handoffs (at);
    """,
    # 2: replies quoted from the posting's text: outcome 'quoted', and the lines quoted (SQLite can't
    # change a CHECK constraint in place, so the table is copied).
    """
    CREATE TABLE questions_v2 (
        id INTEGER PRIMARY KEY,
        at REAL NOT NULL,
        surface TEXT NOT NULL,
        user_hash TEXT,
        posting TEXT NOT NULL,
        question TEXT NOT NULL,
        intents TEXT NOT NULL,
        missing TEXT NOT NULL,
        top_intent TEXT,
        confidence REAL NOT NULL,
        outcome TEXT NOT NULL
            CHECK (outcome IN ('answered', 'quoted', 'did_you_mean', 'out_of_scope', 'handed_off')),
        quotes TEXT NOT NULL DEFAULT '[]'  -- JSON list of the posting text's lines the reply quoted
    );
    INSERT INTO questions_v2 (id, at, surface, user_hash, posting, question, intents, missing, top_intent,
                              confidence, outcome)
        SELECT id, at, surface, user_hash, posting, question, intents, missing, top_intent, confidence,
               outcome FROM questions;
    DROP TABLE questions;
    ALTER TABLE questions_v2 RENAME TO questions;
    CREATE INDEX questions_at ON questions (at);
    """,
)
SCHEMA_VERSION = len(MIGRATIONS)
TABLES = ("questions", "feedback", "handoffs")


class StoreError(Exception):
    """The database can't be used as it is (e.g. written by a newer version of the bot)."""


@dataclass(frozen=True)
class QuestionRecord:
    at: float
    posting: str
    question: str
    intents: tuple[str, ...]
    missing: tuple[str, ...]
    top_intent: str | None
    confidence: float
    outcome: Outcome
    user_hash: str | None
    quotes: tuple[int, ...] = ()  # lines of the posting's text the reply quoted


@dataclass(frozen=True)
class FeedbackRecord:
    at: float
    posting: str
    intent: str
    helpful: bool
    user_hash: str | None


@dataclass(frozen=True)
class HandoffRecord:
    at: float
    posting: str
    notified: bool
    user_hash: str | None


@dataclass(frozen=True)
class Records:
    questions: list[QuestionRecord]
    feedback: list[FeedbackRecord]
    handoffs: list[HandoffRecord]


def hash_user(key: bytes | None, user: str | None) -> str | None:
    """A stable pseudonym for a user id; None without a user or a key (raw ids are never stored)."""
    if not user or key is None:
        return None
    return hmac.new(key, user.encode(), hashlib.sha256).hexdigest()[:16]


class Store:
    """The question log. Writes (`record_*`) never raise; reads (`read`) raise StoreError or sqlite3.Error."""

    def __init__(
        self,
        path: Path | str,
        hash_key: bytes | None,
        retention_days: int = 90,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.path = Path(path)
        self._key = hash_key
        self.retention_days = retention_days
        self._clock = clock
        self._migrated = False
        self._next_purge = 0.0
        self._purge_lock = threading.Lock()

    def pseudonym(self, user: str | None) -> str:
        """How a log names a user: the keyed hash their rows carry, never the raw id ("-" without one)."""
        return hash_user(self._key, user) or "-"

    # ---- writes -----------------------------------------------------------------------------------------

    def record_reply(self, reply: Reply, user: str | None, surface: str, handed_off: bool = False) -> bool:
        """Log one answered (or unanswered) question; `handed_off` when it also went to a recruiter."""
        outcome: Outcome = "handed_off" if handed_off else reply.outcome
        row = (
            self._clock(),
            surface,
            hash_user(self._key, user),
            reply.posting,
            reply.question.strip()[:MAX_QUESTION_CHARS],
            json.dumps(reply.intents),
            json.dumps([part.intent for part in reply.parts if part.missing]),
            reply.candidates[0].intent if reply.candidates else None,
            reply.confidence,
            outcome,
            json.dumps([quote.line for quote in reply.quotes]),
        )
        sql = (
            "INSERT INTO questions (at, surface, user_hash, posting, question, intents, missing, top_intent,"
            " confidence, outcome, quotes) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
        )
        return self._write("question", sql, row)

    def record_feedback(self, posting: str, intent: str, helpful: bool, user: str | None) -> bool:
        """Log a 👍 (`helpful`) or 👎 on an answer."""
        row = (self._clock(), hash_user(self._key, user), posting, intent, int(helpful))
        sql = "INSERT INTO feedback (at, user_hash, posting, intent, helpful) VALUES (?, ?, ?, ?, ?)"
        return self._write("feedback", sql, row)

    def record_handoff(self, posting: str, notified: bool, user: str | None) -> bool:
        """Log a candidate handed to recruiting: `notified` when recruiters were alerted."""
        row = (self._clock(), hash_user(self._key, user), posting, int(notified))
        sql = "INSERT INTO handoffs (at, user_hash, posting, notified) VALUES (?, ?, ?, ?)"
        return self._write("handoff", sql, row)

    def purge(self) -> int:
        """Delete rows older than the retention period; returns how many went. Raises on failure."""
        cutoff = self._clock() - self.retention_days * DAY
        with self._connection() as conn, conn:
            return sum(
                conn.execute(f"DELETE FROM {table} WHERE at < ?", (cutoff,)).rowcount for table in TABLES
            )

    def _write(self, what: str, sql: str, row: Sequence[object]) -> bool:
        try:
            with self._connection() as conn, conn:
                conn.execute(sql, row)
        except (sqlite3.Error, OSError, StoreError) as exc:
            log.warning("store: could not record the %s in %s: %s", what, self.path, exc)
            return False
        except Exception:  # the answer must still go out, whatever went wrong here
            log.exception("store: could not record the %s in %s", what, self.path)
            return False
        self._purge_when_due()
        return True

    def _purge_when_due(self) -> None:
        """The first write after opening purges, then one an hour: a restarted bot still honours retention."""
        now = self._clock()
        with self._purge_lock:
            if now < self._next_purge:
                return
            self._next_purge = now + PURGE_EVERY
        try:
            deleted = self.purge()
        except (sqlite3.Error, OSError, StoreError) as exc:
            log.warning("store: could not delete old rows in %s: %s", self.path, exc)
            return
        except Exception:  # a write that succeeded must not raise into the answer path over a purge
            log.exception("store: could not delete old rows in %s", self.path)
            return
        if deleted:
            log.info("store: deleted %d row(s) older than %d days", deleted, self.retention_days)

    # ---- reads ------------------------------------------------------------------------------------------

    def read(self, since: float) -> Records:
        """Every row recorded at or after unix time `since` (rows past retention are purged first, when the
        database is writable)."""
        self._purge_when_due()
        since = max(since, self._clock() - self.retention_days * DAY)
        with self._connection() as conn:
            conn.row_factory = sqlite3.Row

            def rows(table: str) -> list[sqlite3.Row]:
                return conn.execute(
                    f"SELECT * FROM {table} WHERE at >= ? ORDER BY at, id", (since,)
                ).fetchall()

            return Records(
                questions=[_question(row) for row in rows("questions")],
                feedback=[
                    FeedbackRecord(r["at"], r["posting"], r["intent"], bool(r["helpful"]), r["user_hash"])
                    for r in rows("feedback")
                ],
                handoffs=[
                    HandoffRecord(r["at"], r["posting"], bool(r["notified"]), r["user_hash"])
                    for r in rows("handoffs")
                ],
            )

    # ---- connections and schema -------------------------------------------------------------------------

    @contextmanager
    def _connection(self) -> Iterator[sqlite3.Connection]:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with closing(sqlite3.connect(self.path, timeout=BUSY_TIMEOUT)) as conn:
            if not self._migrated:
                _migrate(conn, self.path)
                self._migrated = True
            yield conn


def _migrate(conn: sqlite3.Connection, path: Path) -> None:
    """Bring the schema up to SCHEMA_VERSION, each step in its own transaction."""
    version = _user_version(conn)
    if version > SCHEMA_VERSION:
        raise StoreError(
            f"{path} has schema version {version}, newer than this bot's {SCHEMA_VERSION}; upgrade the bot"
        )
    while version < SCHEMA_VERSION:
        conn.execute("BEGIN IMMEDIATE")  # another process may be migrating the same file
        try:
            version = _user_version(conn)
            if version < SCHEMA_VERSION:
                for statement in _statements(MIGRATIONS[version]):
                    conn.execute(statement)
                version += 1
                conn.execute(f"PRAGMA user_version = {version}")
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise


def _question(row: sqlite3.Row) -> QuestionRecord:
    return QuestionRecord(
        at=row["at"],
        posting=row["posting"],
        question=row["question"],
        intents=tuple(json.loads(row["intents"])),
        missing=tuple(json.loads(row["missing"])),
        top_intent=row["top_intent"],
        confidence=row["confidence"],
        outcome=row["outcome"],
        user_hash=row["user_hash"],
        quotes=tuple(json.loads(row["quotes"])),
    )


def _user_version(conn: sqlite3.Connection) -> int:
    return int(conn.execute("PRAGMA user_version").fetchone()[0])


def _statements(script: str) -> list[str]:
    """Split a migration into statements (executescript would commit on its own, outside our transaction)."""
    statements, current = [], ""
    for line in script.splitlines(keepends=True):
        current += line
        if sqlite3.complete_statement(current):
            statements.append(current.strip())
            current = ""
    return statements
