"""What candidates asked and how it went, for `posting-bot report`: the question log, in any SQL database.

Writes never stand between a candidate and an answer: a row the database won't take now (down, locked,
read-only) is kept in memory and written with the next write that goes through, up to PENDING_ROWS rows;
past that the oldest is dropped and logged. User ids are stored only as a keyed hash (HMAC-SHA256 with a
key from the environment), so neither the database nor a report can be tied back to a Slack user without
that key. Rows older than the retention period are deleted on the first write and hourly after that.
A question answering a Slack event is logged with the statement that marks the event answered in the
inbox (in one transaction, or on SQLite right after it: see `Database.write`). A process killed before
the mark leaves the event to be taken up again; its question is logged once however often that happens,
because a question names its event and an event's second question is skipped.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from bot.answer import RecordedOutcome, Reply
from bot.database import Database, Statement, StoreError, url_for
from bot.inbox import answered

__all__ = ["DAY", "QuestionLog", "Records", "Store", "StoreError", "hash_user"]

log = logging.getLogger(__name__)


DAY = 86_400.0
PURGE_EVERY = 3_600.0
PENDING_ROWS = 10_000  # rows kept in memory while the database is unavailable (a few MB at most)
MAX_QUESTION_CHARS = 1_000  # what the matcher sees is shorter still; no need to keep more

_meta = sa.MetaData()
QUESTIONS = sa.Table(
    "questions",
    _meta,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("at", sa.Float),
    sa.Column("surface", sa.Text),
    sa.Column("user_hash", sa.Text),
    sa.Column("posting", sa.Text),
    sa.Column("question", sa.Text),
    sa.Column("intents", sa.Text),
    sa.Column("missing", sa.Text),
    sa.Column("top_intent", sa.Text),
    sa.Column("confidence", sa.Float),
    sa.Column("outcome", sa.Text),
    sa.Column("event_id", sa.Text),  # unique: a redelivered event's question is logged once
    sa.Column("quotes", sa.Text),  # JSON list of the posting text's lines the reply quoted
)
FEEDBACK = sa.Table(
    "feedback",
    _meta,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("at", sa.Float),
    sa.Column("user_hash", sa.Text),
    sa.Column("posting", sa.Text),
    sa.Column("intent", sa.Text),
    sa.Column("helpful", sa.Integer),
)
HANDOFFS = sa.Table(
    "handoffs",
    _meta,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("at", sa.Float),
    sa.Column("user_hash", sa.Text),
    sa.Column("posting", sa.Text),
    sa.Column("notified", sa.Integer),
)
TABLES = (QUESTIONS, FEEDBACK, HANDOFFS)
_WHAT = {QUESTIONS: "question", FEEDBACK: "feedback", HANDOFFS: "handoff"}


@dataclass(frozen=True)
class QuestionRecord:
    at: float
    posting: str
    question: str
    intents: tuple[str, ...]
    missing: tuple[str, ...]
    top_intent: str | None
    confidence: float
    outcome: RecordedOutcome  # checked here, not by an SQL CHECK: a new outcome needs no migration
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


class QuestionLog(Protocol):
    """What the app and the report need from the log; `Store` is the one kept in a database."""

    where: str

    def pseudonym(self, user: str | None) -> str: ...
    def record_reply(
        self,
        reply: Reply,
        user: str | None,
        surface: str,
        handed_off: bool = False,
        event_id: str | None = None,
    ) -> bool: ...
    def record_feedback(self, posting: str, intent: str, helpful: bool, user: str | None) -> bool: ...
    def record_handoff(self, posting: str, notified: bool, user: str | None) -> bool: ...
    def read(self, since: float) -> Records: ...


class Store:
    """The question log. Writes (`record_*`) never raise; `read` and `purge` raise StoreError."""

    def __init__(
        self,
        database: Database | Path | str,
        hash_key: bytes | None,
        retention_days: int = 90,
        clock: Callable[[], float] = time.time,
    ) -> None:
        if isinstance(database, Path):
            database = url_for(None, database)
        self.database = database if isinstance(database, Database) else Database(database)
        self.where = self.database.where
        self._key = hash_key
        self.retention_days = retention_days
        self._clock = clock
        self._next_purge = 0.0
        self._purge_lock = threading.Lock()
        self._pending: deque[tuple[sa.Table, dict[str, Any]]] = deque()
        self._pending_lock = threading.Lock()

    def pseudonym(self, user: str | None) -> str:
        """How a log names a user: the keyed hash their rows carry, never the raw id ("-" without one)."""
        return hash_user(self._key, user) or "-"

    # ---- writes -----------------------------------------------------------------------------------------

    def record_reply(
        self,
        reply: Reply,
        user: str | None,
        surface: str,
        handed_off: bool = False,
        event_id: str | None = None,
    ) -> bool:
        """Log one answered (or unanswered) question; `handed_off` when it also went to a recruiter.

        With `event_id`, the inbox's row for the event is marked answered in the same transaction, and a
        question already logged for it (its answer was redelivered) is not logged again. True when the row
        (and that mark) are in the database."""
        outcome: RecordedOutcome = "handed_off" if handed_off else reply.outcome
        now = self._clock()
        row = {
            "at": now,
            "surface": surface,
            "user_hash": hash_user(self._key, user),
            "posting": reply.posting,
            "question": reply.question.strip()[:MAX_QUESTION_CHARS],
            "intents": json.dumps(reply.intents),
            "missing": json.dumps([part.intent for part in reply.parts if part.missing]),
            "top_intent": reply.candidates[0].intent if reply.candidates else None,
            "confidence": reply.confidence,
            "outcome": outcome,
            "event_id": event_id,
            "quotes": json.dumps([quote.line for quote in reply.quotes]),
        }
        return self._write(QUESTIONS, row, () if event_id is None else (answered(event_id, now),))

    def record_feedback(self, posting: str, intent: str, helpful: bool, user: str | None) -> bool:
        """Log a 👍 (`helpful`) or 👎 on an answer."""
        row = {
            "at": self._clock(),
            "user_hash": hash_user(self._key, user),
            "posting": posting,
            "intent": intent,
            "helpful": int(helpful),
        }
        return self._write(FEEDBACK, row)

    def record_handoff(self, posting: str, notified: bool, user: str | None) -> bool:
        """Log a candidate handed to recruiting: `notified` when recruiters were alerted."""
        row = {"at": self._clock(), "user_hash": hash_user(self._key, user), "posting": posting}
        return self._write(HANDOFFS, {**row, "notified": int(notified)})

    def purge(self) -> int:
        """Delete rows older than the retention period; returns how many went."""
        cutoff = self._clock() - self.retention_days * DAY
        with self.database.begin() as conn:
            return sum(conn.execute(sa.delete(table).where(table.c.at < cutoff)).rowcount for table in TABLES)

    def pending(self) -> int:
        """Rows waiting in memory for the database to come back."""
        with self._pending_lock:
            return len(self._pending)

    def _write(self, table: sa.Table, row: dict[str, Any], also: tuple[Statement, ...] = ()) -> bool:
        """Write `row`, any rows kept from earlier failures and the statements `also`; True when they are
        all in the database. On failure the rows not yet written are kept; `also` is not."""
        with self._pending_lock:
            self._pending.append((table, row))
            if len(self._pending) > PENDING_ROWS:
                dropped, _ = self._pending.popleft()
                log.error("store: %s unavailable too long: dropped the oldest %s", self.where, _WHAT[dropped])
            batch = list(self._pending)
            self._pending.clear()
        inserts = [(_insert(self.database.dialect, each_table), each_row) for each_table, each_row in batch]
        try:
            self.database.write([*inserts, *also])
        except StoreError as exc:
            self._keep(batch[exc.committed :])
            if exc.committed < len(batch):
                log.warning(
                    "store: could not record the %s in %s (kept to retry): %s", _WHAT[table], self.where, exc
                )
            else:  # the rows are in; the event's done mark is not (its lease runs out instead)
                log.warning("store: recorded the %s in %s, not all of it: %s", _WHAT[table], self.where, exc)
            return False
        except Exception:  # the answer must still go out, whatever went wrong here
            self._keep(batch)
            log.exception("store: could not record the %s in %s", _WHAT[table], self.where)
            return False
        if len(batch) > 1:
            log.info("store: wrote %d row(s) kept while %s was unavailable", len(batch) - 1, self.where)
        self._purge_when_due()
        return True

    def _keep(self, batch: list[tuple[sa.Table, dict[str, Any]]]) -> None:
        with self._pending_lock:
            self._pending.extendleft(reversed(batch))
            while len(self._pending) > PENDING_ROWS:
                self._pending.popleft()

    def _purge_when_due(self) -> None:
        """The first write after opening purges, then one an hour: a restarted bot still honours retention."""
        now = self._clock()
        with self._purge_lock:
            if now < self._next_purge:
                return
            self._next_purge = now + PURGE_EVERY
        try:
            deleted = self.purge()
        except StoreError as exc:
            log.warning("store: could not delete old rows in %s: %s", self.where, exc)
            return
        except Exception:  # a write that succeeded must not raise into the answer path over a purge
            log.exception("store: could not delete old rows in %s", self.where)
            return
        if deleted:
            log.info("store: deleted %d row(s) older than %d days", deleted, self.retention_days)

    # ---- reads ------------------------------------------------------------------------------------------

    def read(self, since: float) -> Records:
        """Every row recorded at or after unix time `since` (rows past retention are purged first, when the
        database is writable)."""
        self._purge_when_due()
        since = max(since, self._clock() - self.retention_days * DAY)
        with self.database.begin() as conn:

            def rows(table: sa.Table) -> list[sa.RowMapping]:
                query = sa.select(table).where(table.c.at >= since).order_by(table.c.at, table.c.id)
                return list(conn.execute(query).mappings())

            return Records(
                questions=[_question(row) for row in rows(QUESTIONS)],
                feedback=[
                    FeedbackRecord(r["at"], r["posting"], r["intent"], bool(r["helpful"]), r["user_hash"])
                    for r in rows(FEEDBACK)
                ],
                handoffs=[
                    HandoffRecord(r["at"], r["posting"], bool(r["notified"]), r["user_hash"])
                    for r in rows(HANDOFFS)
                ],
            )


# Built once: building a statement costs more than SQLite running it. Questions skip an event_id already
# logged (ON CONFLICT in both dialects).
_PLAIN_INSERTS = {table: sa.insert(table) for table in TABLES}
_QUESTION_INSERTS = {
    name: dialect.insert(QUESTIONS).on_conflict_do_nothing(index_elements=["event_id"])
    for name, dialect in (("postgresql", postgresql), ("sqlite", sqlite))
}


def _insert(dialect: str, table: sa.Table) -> sa.Insert:
    """An INSERT into `table` in `dialect`."""
    return _QUESTION_INSERTS[dialect] if table is QUESTIONS else _PLAIN_INSERTS[table]


def _question(row: sa.RowMapping) -> QuestionRecord:
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
