"""The event inbox and the claims every replica shares, and the question log's mark of an answered event,
on SQLite and on PostgreSQL (`database_url`)."""

from __future__ import annotations

import signal
import subprocess
import sys
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from bot.answer import answer
from bot.database import Database, StoreError
from bot.inbox import BACKOFF, FRESH, KEEP, LEASE, MAX_AGE, MAX_ATTEMPTS, Inbox
from bot.knowledge.loader import load_knowledge
from bot.slack.once import RENEW_LEASES, SharedGate
from bot.store import Store
from tests.conftest import KNOWLEDGE, ROOT


class Clock:
    def __init__(self, now: float = 1_800_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def claimed(inbox: Inbox, key: str) -> bool:
    return inbox.claim(key) is not None


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def inbox(database_url: str, clock: Clock) -> Inbox:
    return Inbox(Database(database_url), clock=clock)


def test_one_claim_wins_among_replicas_racing_for_an_event(database_url: str, clock: Clock) -> None:
    replicas = [Inbox(Database(database_url), clock=clock) for _ in range(4)]
    start = threading.Barrier(16)

    def receive_or_claim(n: int) -> bool:  # the delivery and Slack's retries, at every replica at once
        start.wait()
        inbox = replicas[n % 4]
        return inbox.receive("Ev1", "{}") is not None if n % 2 else claimed(inbox, "Ev1")

    with ThreadPoolExecutor(16) as pool:
        assert list(pool.map(receive_or_claim, range(16))).count(True) == 1
    clock.now += LEASE + 1  # the winner died: every replica races to take the event up
    start = threading.Barrier(16)

    def claim(n: int) -> bool:
        start.wait()
        return claimed(replicas[n % 4], "Ev1")

    with ThreadPoolExecutor(16) as pool:
        assert list(pool.map(claim, range(16))).count(True) == 1


def test_the_receiver_holds_the_claim_and_a_redelivery_is_skipped_while_running_and_after_success(
    inbox: Inbox, clock: Clock
) -> None:
    assert inbox.receive("Ev1", '{"n": 1}') == clock.now + LEASE  # kept and claimed in one statement
    assert inbox.receive("Ev1", '{"n": 2}') is None  # Slack's retry: the first body is kept, nothing else
    assert inbox.counts() == {"running": 1}
    assert not claimed(inbox, "Ev1")
    inbox.done("Ev1")
    clock.now += LEASE * 10
    assert not claimed(inbox, "Ev1")
    assert inbox.counts() == {"done": 1}
    assert inbox.take_due() == []


def test_a_claim_held_since_receipt_lasts_as_long_as_the_database_agrees(inbox: Inbox, clock: Clock) -> None:
    held = inbox.receive("Ev1", "{}")
    assert held is not None
    clock.now += LEASE * FRESH / 2
    assert inbox.hold("Ev1", held)  # just received: used as it is, nothing written
    waited = inbox.receive("Ev2", "{}")
    assert waited is not None
    clock.now += LEASE / 2
    assert inbox.hold("Ev2", waited)  # a long wait in the queue: extended by a lease from now
    clock.now = waited + 1
    assert [due.key for due in inbox.take_due()] == ["Ev1"]  # Ev1's lease ran out; Ev2's was extended
    assert not inbox.hold("Ev1", held)  # offered again: whoever claims it first answers it
    assert inbox.claim("Ev1") == 1


def test_a_renewed_claim_outlasts_its_lease_until_it_is_no_longer_the_caller_s(
    inbox: Inbox, clock: Clock
) -> None:
    inbox.receive("Ev1", "{}")
    for _ in range(3):  # an answer taking longer than a lease, renewed meanwhile
        clock.now += LEASE * 0.6
        assert inbox.renew("Ev1", 1)
        assert inbox.take_due() == []
    clock.now += LEASE + 1  # the renewals stopped: its process died
    assert [due.key for due in inbox.take_due()] == ["Ev1"]
    assert not inbox.renew("Ev1", 1)  # offered again: a stalled process can't take it back
    assert inbox.claim("Ev1") == 1
    assert not inbox.renew("Ev1", 1)  # the second attempt's now
    assert inbox.renew("Ev1", 2)


def test_a_replica_renews_the_claims_of_its_answers_under_way_and_no_others(
    database_url: str, clock: Clock
) -> None:
    first, second = (SharedGate(Inbox(Database(database_url), clock=clock), clock=clock) for _ in range(2))
    first.receive("Ev-slow", {"event_id": "Ev-slow"})
    assert first.claim("Ev-slow")
    first.receive("Ev-done", {"event_id": "Ev-done"})
    assert first.claim("Ev-done")
    first.done("Ev-done")
    for _ in range(3):  # Ev-slow's answer takes three leases and more
        clock.now += LEASE * 0.4
        first.renew()
        clock.now += LEASE * 0.4
        first.renew()
        assert second.inbox.take_due() == [] and not second.claim("Ev-slow")
    first.done("Ev-slow")
    assert second.inbox.counts() == {"done": 2}


def test_a_hung_answer_s_claim_is_renewed_only_so_long_then_runs_out(
    database_url: str, clock: Clock, caplog: pytest.LogCaptureFixture
) -> None:
    first, second = (SharedGate(Inbox(Database(database_url), clock=clock), clock=clock) for _ in range(2))
    first.receive("Ev1", {"event_id": "Ev1"})
    assert first.claim("Ev1")  # and its answer never comes back
    started = clock.now
    while clock.now < started + LEASE * (RENEW_LEASES - 0.5):
        clock.now += LEASE * 0.4
        first.renew()
        assert second.inbox.take_due() == []
    clock.now += LEASE
    first.renew()
    assert f"event Ev1: still being answered after {RENEW_LEASES} leases: left to run out" in caplog.text
    clock.now += LEASE + 1
    first.renew()
    assert [due.key for due in second.inbox.take_due()] == ["Ev1"]  # to be answered again
    assert second.claim("Ev1")


def test_a_claim_that_ran_out_is_not_renewed_by_the_process_that_lost_it(
    database_url: str, clock: Clock, caplog: pytest.LogCaptureFixture
) -> None:
    first, second = (SharedGate(Inbox(Database(database_url), clock=clock), clock=clock) for _ in range(2))
    first.receive("Ev1", {"event_id": "Ev1"})
    assert first.claim("Ev1")
    clock.now += LEASE + 1  # the first process stalled past its lease
    assert [due.key for due in second.inbox.take_due()] == ["Ev1"]
    assert second.claim("Ev1")
    first.renew()
    assert "event Ev1: its claim ran out while it was being answered" in caplog.text
    clock.now += LEASE + 1  # the second didn't renew: its claim runs out too
    assert [due.key for due in second.inbox.take_due()] == ["Ev1"]


def test_a_failed_answer_is_let_through_and_offered_again_after_backing_off(
    inbox: Inbox, clock: Clock
) -> None:
    inbox.receive("Ev1", '{"n": 1}')
    inbox.failed("Ev1")
    assert inbox.take_due() == []  # backing off
    clock.now += BACKOFF + 0.1
    assert [(due.key, due.body) for due in inbox.take_due()] == [("Ev1", '{"n": 1}')]
    assert inbox.claim("Ev1") == 1  # the earlier attempt is counted; Slack's retry gets through at once too


def test_a_dead_process_s_events_are_taken_up_after_their_lease(inbox: Inbox, clock: Clock) -> None:
    inbox.receive("Ev-queued", "{}")  # acknowledged, then the process died
    inbox.receive("Ev-running", "{}")
    assert inbox.take_due() == [] and not claimed(inbox, "Ev-running")
    clock.now += 1
    assert claimed(inbox, "Ev-later")  # a later start
    clock.now += LEASE - 0.9
    assert [due.key for due in inbox.take_due()] == ["Ev-queued", "Ev-running"]
    assert inbox.take_due() == []  # being redelivered: not offered again within the lease
    assert inbox.claim("Ev-running") == 1  # it may have posted before it died: the answerer checks
    assert inbox.claim("Ev-queued") == 1
    assert not claimed(inbox, "Ev-queued")


def test_events_past_the_attempt_or_age_bound_are_given_up_and_logged(
    inbox: Inbox, clock: Clock, caplog: pytest.LogCaptureFixture
) -> None:
    inbox.receive("Ev-tried", "{}")  # the first attempt
    inbox.failed("Ev-tried")
    for _ in range(MAX_ATTEMPTS - 1):
        assert claimed(inbox, "Ev-tried")
        inbox.failed("Ev-tried")
    assert not claimed(inbox, "Ev-tried")
    inbox.receive("Ev-old", "{}")
    inbox.failed("Ev-old")
    clock.now += MAX_AGE + 1
    assert not claimed(inbox, "Ev-old")
    assert inbox.take_due() == []
    assert inbox.counts() == {"expired": 2}
    assert "gave up on 2 unanswered event(s)" in caplog.text


def test_finished_events_are_purged(inbox: Inbox, clock: Clock) -> None:
    inbox.receive("Ev1", "{}")
    inbox.done("Ev1")
    clock.now += 1
    inbox.receive("Ev2", "{}")
    inbox.failed("Ev2")
    assert inbox.purge() == 0
    clock.now += KEEP
    assert inbox.purge() == 1
    assert inbox.counts() == {"failed": 1}


def test_without_the_database_the_process_still_deduplicates(tmp_path, caplog) -> None:
    (tmp_path / "taken").write_text("a file where the data directory should be")
    gate = SharedGate(Inbox(Database(f"sqlite:///{tmp_path / 'taken' / 'log.sqlite3'}")))
    with pytest.raises(StoreError):
        gate.inbox.claim("Ev1")
    gate.receive("Ev1", {"event_id": "Ev1"})  # acknowledged all the same
    assert gate.claim("Ev1")  # answered from memory alone
    assert not gate.claim("Ev1")
    gate.done("Ev1")
    assert not gate.claim("Ev1")
    assert "event Ev1 is kept in memory only" in caplog.text
    assert "de-duplicating in this process only" in caplog.text


def test_a_claim_lost_to_another_replica_does_not_block_it_later(database_url: str, clock: Clock) -> None:
    first, second = (SharedGate(Inbox(Database(database_url), clock=clock)) for _ in range(2))
    assert first.claim("Ev1")
    assert not second.claim("Ev1")
    first.failed("Ev1")  # the first replica's answer failed: Slack's retry may land on the second
    assert second.claim("Ev1")
    second.done("Ev1")
    assert not first.claim("Ev1") and not second.claim("Ev1")


def test_the_replica_that_received_an_event_answers_it_and_no_other(database_url: str, clock: Clock) -> None:
    first, second = (SharedGate(Inbox(Database(database_url), clock=clock)) for _ in range(2))
    first.receive("Ev1", {"event_id": "Ev1"})
    second.receive("Ev1", {"event_id": "Ev1"})  # Slack's retry, at the other replica
    assert not second.claim("Ev1")
    assert first.claim("Ev1")
    first.failed("Ev1")
    assert second.claim("Ev1")


# A process that logs an event's question and is killed at the statement marking the event answered.
_KILLED_BETWEEN_LOG_AND_DONE = """
import os, signal, sqlite3, sys
import sqlalchemy as sa
from bot.answer import answer
from bot.database import Database
from bot.inbox import Inbox
from bot.knowledge.loader import load_knowledge
from bot.store import Store

def kill_before(statement):
    if statement.lstrip().upper().startswith("UPDATE EVENTS") and "state" in statement:
        os.kill(os.getpid(), signal.SIGKILL)

@sa.event.listens_for(sa.engine.Engine, "before_cursor_execute")
def kill(conn, cursor, statement, parameters, context, executemany):
    kill_before(statement)

_connect = sqlite3.connect
def traced(*args, **kwargs):  # SQLite's writes outside SQLAlchemy (Database.write)
    connection = _connect(*args, **kwargs)
    connection.set_trace_callback(kill_before)
    return connection
sqlite3.connect = traced

database = Database(sys.argv[1])
reply = answer(load_knowledge(sys.argv[2]), "what's the salary range?")
Store(database, b"key").record_reply(reply, "U0A", "dm", event_id="Ev1")
Inbox(database).done("Ev1")
"""


@pytest.mark.e2e  # a process of its own, killed
def test_a_process_killed_between_logging_a_question_and_marking_its_event_done_logs_it_once(
    database_url: str, clock: Clock
) -> None:
    database = Database(database_url)
    inbox = Inbox(database, clock=clock)
    assert inbox.receive("Ev1", "{}") is not None
    killed = subprocess.run(
        [sys.executable, "-c", _KILLED_BETWEEN_LOG_AND_DONE, database_url, str(KNOWLEDGE)],
        cwd=ROOT,
        capture_output=True,
    )
    assert killed.returncode == -signal.SIGKILL, killed.stderr.decode()
    store = Store(database, b"key")
    # No mark: the event is still the inbox's to offer again. PostgreSQL wrote the log row in the
    # transaction that died with the mark; SQLite committed it by itself, before.
    logged = [question.question for question in store.read(0).questions]
    assert logged == (["what's the salary range?"] if database.is_sqlite else [])
    assert inbox.counts() == {"running": 1}
    # Whoever takes it up after the lease answers and logs it: once.
    clock.now += LEASE + 1
    assert inbox.claim("Ev1") == 1
    reply = answer(load_knowledge(KNOWLEDGE), "what's the salary range?")
    assert store.record_reply(reply, "U0A", "dm", event_id="Ev1")
    assert [question.question for question in store.read(0).questions] == ["what's the salary range?"]
    assert inbox.counts() == {"done": 1}
