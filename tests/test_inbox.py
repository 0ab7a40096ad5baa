"""The event inbox and the claims every replica shares, on SQLite and on PostgreSQL (`database_url`)."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from bot.database import Database, StoreError
from bot.inbox import BACKOFF, KEEP, LEASE, MAX_AGE, MAX_ATTEMPTS, Inbox
from bot.slack.once import SharedGate


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
    replicas[0].receive("Ev1", "{}")
    start = threading.Barrier(16)

    def claim(n: int) -> bool:
        start.wait()
        return claimed(replicas[n % 4], "Ev1")

    with ThreadPoolExecutor(16) as pool:
        won = list(pool.map(claim, range(16)))
    assert won.count(True) == 1


def test_a_redelivery_is_skipped_while_running_and_after_success(inbox: Inbox, clock: Clock) -> None:
    inbox.receive("Ev1", '{"n": 1}')
    inbox.receive("Ev1", '{"n": 2}')  # Slack's retry: the first body is kept, nothing else changes
    assert claimed(inbox, "Ev1")
    assert not claimed(inbox, "Ev1")
    inbox.done("Ev1")
    clock.now += LEASE * 10
    assert not claimed(inbox, "Ev1")
    assert inbox.counts() == {"done": 1}
    assert inbox.take_due() == []


def test_a_failed_answer_is_let_through_and_offered_again_after_backing_off(
    inbox: Inbox, clock: Clock
) -> None:
    inbox.receive("Ev1", '{"n": 1}')
    assert claimed(inbox, "Ev1")
    inbox.failed("Ev1")
    assert inbox.take_due() == []  # backing off
    clock.now += BACKOFF + 0.1
    assert [(due.key, due.body) for due in inbox.take_due()] == [("Ev1", '{"n": 1}')]
    assert inbox.claim("Ev1") == 1  # the earlier attempt is counted; Slack's retry gets through at once too


def test_a_dead_process_s_events_are_taken_up_after_their_lease(inbox: Inbox, clock: Clock) -> None:
    inbox.receive("Ev-queued", "{}")  # acknowledged, never started
    inbox.receive("Ev-running", "{}")
    assert claimed(inbox, "Ev-running")  # started, then the process died
    assert inbox.take_due() == [] and not claimed(inbox, "Ev-running")
    clock.now += 1
    assert claimed(inbox, "Ev-running2")  # a later start
    clock.now += LEASE - 0.9
    assert [due.key for due in inbox.take_due()] == ["Ev-queued", "Ev-running"]
    assert inbox.take_due() == []  # being redelivered: not offered again within the lease
    assert inbox.claim("Ev-running") == 1  # it may have posted before it died: the answerer checks
    assert inbox.claim("Ev-queued") == 0


def test_events_past_the_attempt_or_age_bound_are_given_up_and_logged(
    inbox: Inbox, clock: Clock, caplog: pytest.LogCaptureFixture
) -> None:
    inbox.receive("Ev-tried", "{}")
    for _ in range(MAX_ATTEMPTS):
        assert claimed(inbox, "Ev-tried")
        inbox.failed("Ev-tried")
    assert not claimed(inbox, "Ev-tried")
    inbox.receive("Ev-old", "{}")
    clock.now += MAX_AGE + 1
    assert not claimed(inbox, "Ev-old")
    assert inbox.take_due() == []
    assert inbox.counts() == {"expired": 2}
    assert "gave up on 2 unanswered event(s)" in caplog.text


def test_finished_events_are_purged(inbox: Inbox, clock: Clock) -> None:
    inbox.receive("Ev1", "{}")
    claimed(inbox, "Ev1")
    inbox.done("Ev1")
    inbox.receive("Ev2", "{}")
    assert inbox.purge() == 0
    clock.now += KEEP + 1
    assert inbox.purge() == 1
    assert inbox.counts() == {"expired": 1} or inbox.counts() == {"pending": 1}


def test_without_the_database_the_process_still_deduplicates(tmp_path, caplog) -> None:
    (tmp_path / "taken").write_text("a file where the data directory should be")
    gate = SharedGate(Inbox(Database(f"sqlite:///{tmp_path / 'taken' / 'log.sqlite3'}")))
    with pytest.raises(StoreError):
        gate.inbox.claim("Ev1")
    assert gate.claim("Ev1")  # answered from memory alone
    assert not gate.claim("Ev1")
    gate.done("Ev1")
    assert not gate.claim("Ev1")
    assert "de-duplicating in this process only" in caplog.text


def test_a_claim_lost_to_another_replica_does_not_block_it_later(database_url: str, clock: Clock) -> None:
    first, second = (SharedGate(Inbox(Database(database_url), clock=clock)) for _ in range(2))
    assert first.claim("Ev1")
    assert not second.claim("Ev1")
    first.failed("Ev1")  # the first replica's answer failed: Slack's retry may land on the second
    assert second.claim("Ev1")
    second.done("Ev1")
    assert not first.claim("Ev1") and not second.claim("Ev1")
