"""The event inbox shared by every replica: each delivery written before it is acknowledged, claimed by one.

A row per Slack `event_id` goes through these states:

    receive --> running --done--> done (body dropped)
                   |--failed--> failed --claim (Slack's retry, or `due` after back-off)--> running
                   |--lease over (its process died)--> pending (`take_due`) --claim--> running
    any unfinished row past MAX_ATTEMPTS or MAX_AGE --> expired (logged; never answered hours late)

The process that writes a delivery first holds its claim from then on (one statement per delivery, before
the acknowledgement); a claim succeeds for one caller only: the row is new, pending, failed, or running
under a lease that ran out. `due` says when an unfinished row may be picked up again by `take_due`, which
is how events acknowledged by a process that was then killed get answered by a restart or another replica.
A live process `renew`s the lease of every answer still under way (slow Web API retries can outlast it),
so the claims that run out are a dead or stalled process's, not a slow answer's.
Every method raises StoreError when the database can't be used; callers fall back (see bot.slack.once).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from bot.database import Database

log = logging.getLogger(__name__)

# Seconds an event is one process's: a claim's lease (an answer takes well under a second, a few with
# Retry-After waits), and how long an acknowledged event may wait in its queue before others take it up.
LEASE = 30.0
MAX_ATTEMPTS = 5
MAX_AGE = 900.0  # seconds: past this a candidate would rather hear nothing than a stale reply
BACKOFF = 2.0  # seconds before the first retry of a failed answer, doubling each attempt
KEEP = 3_600.0  # finished rows are remembered this long (Slack retries for a few minutes)
FRESH = 0.1  # of a lease: how long a claim made on receipt is used as it is, without extending it

EVENTS = sa.Table(
    "events",
    sa.MetaData(),
    sa.Column("key", sa.Text, primary_key=True),
    sa.Column("body", sa.Text),
    sa.Column("state", sa.Text),
    sa.Column("received", sa.Float),
    sa.Column("due", sa.Float),
    sa.Column("attempts", sa.Integer),
)
_UNFINISHED = ("pending", "running", "failed")


# The statements made for every event are built once: building one costs more than SQLite running it.
# An INSERT that does nothing when the key is known, per dialect (both spell it ON CONFLICT); a row comes
# back only when one was inserted.
_INSERT_NEW = {
    name: dialect.insert(EVENTS).on_conflict_do_nothing(index_elements=["key"]).returning(EVENTS.c.key)
    for name, dialect in (("postgresql", postgresql), ("sqlite", sqlite))
}
# `receive` counts the rows inserted. On SQLite without RETURNING, which would hold the write lock past the
# call into SQLite that wrote the row (see `Database.write`); psycopg counts an INSERT's rows only with it.
_RECEIVE = {
    "postgresql": _INSERT_NEW["postgresql"],
    "sqlite": sqlite.insert(EVENTS).on_conflict_do_nothing(index_elements=["key"]),
}
_ANSWERED = (
    sa.update(EVENTS)
    .where(EVENTS.c.key == sa.bindparam("event_key"))
    .values(state="done", body=None, due=sa.bindparam("finished"))
)


_RENEW = (
    sa.update(EVENTS)
    .where(
        EVENTS.c.key == sa.bindparam("event_key"),
        EVENTS.c.state == "running",
        EVENTS.c.attempts == sa.bindparam("attempt"),
    )
    .values(due=sa.bindparam("until"))
)


def answered(key: str, now: float) -> tuple[sa.Update, dict[str, object]]:
    """The statement (and its parameters) marking `key` done, for a transaction that also logs its question
    (bot.store)."""
    return _ANSWERED, {"event_key": key, "finished": now}


@dataclass(frozen=True)
class Due:
    key: str
    body: str


class Inbox:
    def __init__(
        self, database: Database, lease: float = LEASE, clock: Callable[[], float] = time.time
    ) -> None:
        self.database = database
        self.lease = lease
        self._clock = clock

    def receive(self, key: str, body: str) -> float | None:
        """Keep a delivery before it is acknowledged, claimed by the caller: the end of the caller's lease.

        None for a key already known (a redelivery): that changes nothing, and answering it takes a `claim`.
        """
        now = self._clock()
        row = {"key": key, "body": body, "state": "running", "received": now, "due": now + self.lease}
        [inserted] = self.database.write([(_RECEIVE[self.database.dialect], {**row, "attempts": 1})])
        return now + self.lease if inserted else None

    def hold(self, key: str, held_until: float) -> bool:
        """Whether the caller still holds the claim `receive` gave it until `held_until`: yes at once while
        almost all of the lease is left (FRESH); after a wait in the queue, only if extending the lease in
        the database works (`take_due` may have offered the row again, to this process or another). So an
        answer always starts with nearly a whole lease to finish in."""
        if self._clock() < held_until - self.lease * (1 - FRESH):
            return True
        return self.renew(key, 1)  # received here: the first attempt, unless another claimed it since

    def renew(self, key: str, attempt: int) -> bool:
        """Extend the lease of the caller's claim on `key` (made by attempt number `attempt`) while its
        answer is still under way; False when the claim is no longer the caller's (it ran out and was taken
        up again)."""
        [renewed] = self.database.write(
            [(_RENEW, {"event_key": key, "attempt": attempt, "until": self._clock() + self.lease})]
        )
        return renewed == 1

    def claim(self, key: str) -> int | None:
        """For the one caller that should answer `key` now, how many attempts came before (0: the first;
        more: an earlier one failed or died, maybe after posting); None for everyone else."""
        now = self._clock()
        claimable = sa.or_(
            EVENTS.c.state.in_(("pending", "failed")),
            sa.and_(EVENTS.c.state == "running", EVENTS.c.due < now),
        )
        with self.database.begin() as conn:
            claimed = conn.execute(
                sa.update(EVENTS)
                .where(EVENTS.c.key == key, claimable, EVENTS.c.attempts < MAX_ATTEMPTS)
                .where(EVENTS.c.received >= now - MAX_AGE)
                .values(state="running", due=now + self.lease, attempts=EVENTS.c.attempts + 1)
                .returning(EVENTS.c.attempts)
            ).scalar()
            if claimed is not None:
                return int(claimed) - 1
            # Not claimable, or never received here (the inbox write failed, or a surface without one).
            row = {"key": key, "body": None, "state": "running", "received": now, "due": now + self.lease}
            inserted = self._insert_new(conn, {**row, "attempts": 1})
            return None if inserted is None else 0

    def done(self, key: str) -> None:
        """The answer went out: forget the body (the candidate's words are kept only in the question log)."""
        self.database.write([answered(key, self._clock())])

    def failed(self, key: str) -> None:
        """Let the next claim through; `take_due` offers it again after a back-off."""
        now = self._clock()
        with self.database.begin() as conn:
            attempts = conn.execute(sa.select(EVENTS.c.attempts).where(EVENTS.c.key == key)).scalar() or 1
            conn.execute(
                sa.update(EVENTS)
                .where(EVENTS.c.key == key, EVENTS.c.state == "running")
                .values(state="failed", due=now + min(BACKOFF * 2 ** (attempts - 1), 60.0))
            )

    def take_due(self, limit: int = 100) -> list[Due]:
        """Unfinished deliveries whose time has come (a dead process's, or a failed answer after back-off).

        Rows past the attempt or age bound are expired here and logged instead.
        """
        now = self._clock()
        unfinished = sa.and_(EVENTS.c.state.in_(_UNFINISHED), EVENTS.c.due < now)
        too_late = sa.or_(EVENTS.c.attempts >= MAX_ATTEMPTS, EVENTS.c.received < now - MAX_AGE)
        with self.database.begin() as conn:
            expired = conn.execute(
                sa.update(EVENTS).where(unfinished, too_late).values(state="expired", body=None)
            ).rowcount
            rows = conn.execute(
                sa.select(EVENTS.c.key, EVENTS.c.body)
                .where(unfinished, EVENTS.c.body.is_not(None))
                .order_by(EVENTS.c.due)
                .limit(limit)
            ).all()
            # Pending again (a dead process's lease is over), and offered once per lease: a redelivery
            # waiting in a queue must not be dispatched again at every poll.
            taken = [key for key, _ in rows]
            conn.execute(
                sa.update(EVENTS).where(EVENTS.c.key.in_(taken)).values(state="pending", due=now + self.lease)
            )
        if expired:
            log.error(
                "inbox: gave up on %d unanswered event(s) (past %d attempts or %.0f s)",
                expired,
                MAX_ATTEMPTS,
                MAX_AGE,
            )
        return [Due(key, body) for key, body in rows]

    def counts(self) -> dict[str, int]:
        """Rows per state (for tests, benchmarks and operators)."""
        with self.database.begin() as conn:
            rows = conn.execute(sa.select(EVENTS.c.state, sa.func.count()).group_by(EVENTS.c.state)).all()
        return {state: int(count) for state, count in rows}

    def purge(self) -> int:
        """Forget finished rows older than KEEP."""
        with self.database.begin() as conn:
            return conn.execute(
                sa.delete(EVENTS).where(
                    EVENTS.c.state.in_(("done", "expired")), EVENTS.c.received < self._clock() - KEEP
                )
            ).rowcount

    @staticmethod
    def _insert_new(conn: sa.Connection, row: dict[str, object]) -> sa.Row[tuple[str]] | None:
        """Insert `row` unless its key is known; the inserted key, or None."""
        return conn.execute(_INSERT_NEW[conn.dialect.name], row).first()
