"""OnceGate: each event_id is answered once, but a redelivery after a failure or a hang gets through."""

from __future__ import annotations

import threading

from bot.slack.once import OnceGate


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_a_key_is_let_through_once_while_running_and_after_success() -> None:
    gate = OnceGate(clock=Clock())
    assert gate.claim("Ev1") is True
    assert gate.claim("Ev1") is False  # a redelivery while the first is being answered
    gate.done("Ev1")
    assert gate.claim("Ev1") is False
    assert gate.claim("Ev2") is True


def test_a_failed_attempt_lets_the_redelivery_through() -> None:
    gate = OnceGate(clock=Clock())
    assert gate.claim("Ev1")
    gate.failed("Ev1")
    assert gate.claim("Ev1") is True


def test_a_hung_attempt_stops_blocking_after_its_lease() -> None:
    clock = Clock()
    gate = OnceGate(lease=60, clock=clock)
    assert gate.claim("Ev1")
    clock.now = 59
    assert gate.claim("Ev1") is False
    clock.now = 61
    assert gate.claim("Ev1") is True


def test_successes_are_forgotten_after_the_ttl_so_memory_stays_bounded() -> None:
    clock = Clock()
    gate = OnceGate(ttl=3600, clock=clock)
    for i in range(1000):
        gate.claim(f"Ev{i}")
        gate.done(f"Ev{i}")
    assert len(gate) == 1000
    clock.now = 3601
    assert gate.claim("new")
    assert len(gate) == 1


def test_concurrent_claims_let_exactly_one_through() -> None:
    gate = OnceGate()
    barrier = threading.Barrier(8)
    results: list[bool] = []

    def claim() -> None:
        barrier.wait()
        results.append(gate.claim("Ev1"))

    threads = [threading.Thread(target=claim) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == [False] * 7 + [True]
