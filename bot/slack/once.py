"""Doing something once per key, when the first attempt may fail.

Slack redelivers an event (same `event_id`) when it thinks the first delivery failed, and the first
delivery may really have failed — so a redelivery is let through unless the first one succeeded or is
still being handled. An attempt that never reports back (a hung thread) stops blocking after `lease`.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Any, Literal, Protocol

from bot.database import StoreError
from bot.inbox import Inbox

log = logging.getLogger(__name__)

_State = Literal["running", "done"]
HELD = 10_000  # claims made on receipt and waiting for their listener; a bound against leaks only
RENEW_AFTER = 1 / 3  # of a lease: how old a claim whose answer is still under way gets before it is renewed
# Leases an answer is renewed for at most: a post retried past every Retry-After ends well before; one still
# running is hung, and its claim is left to run out so that the event is answered again.
RENEW_LEASES = 10


class OnceGate:
    """Thread-safe: `claim` a key before acting, then report `done` or `failed`."""

    def __init__(
        self, ttl: float = 3600.0, lease: float = 60.0, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._ttl = ttl  # how long a success is remembered (Slack retries for a few minutes)
        self._lease = lease
        self._clock = clock
        self._lock = threading.Lock()
        self._seen: OrderedDict[str, tuple[_State, float]] = OrderedDict()

    def claim(self, key: str) -> bool:
        """True when the caller should act: the key is new, failed before, or its attempt hung."""
        now = self._clock()
        with self._lock:
            self._forget_before(now - self._ttl)
            seen = self._seen.get(key)
            if seen is not None:
                state, since = seen
                if state == "done" or now - since < self._lease:
                    return False
            self._mark(key, "running", now)
            return True

    def done(self, key: str, recorded: bool = False) -> None:
        with self._lock:
            self._mark(key, "done", self._clock())

    def retried(self, key: str) -> bool:
        """Never: in one process an attempt that posted also reported back."""
        return False

    def failed(self, key: str) -> None:
        """Let the next claim of `key` through."""
        with self._lock:
            self._seen.pop(key, None)

    def __len__(self) -> int:
        with self._lock:
            return len(self._seen)

    def _mark(self, key: str, state: _State, now: float) -> None:
        self._seen[key] = (state, now)
        self._seen.move_to_end(key)

    def _forget_before(self, cutoff: float) -> None:
        # Entries are kept in order of their last change, so the stale ones are at the front.
        while self._seen:
            key, (_, since) = next(iter(self._seen.items()))
            if since >= cutoff:
                return
            del self._seen[key]


class Gate(Protocol):
    """Something done once per key: `claim` before acting, then report `done` or `failed`."""

    def claim(self, key: str) -> bool: ...
    def done(self, key: str, recorded: bool = False) -> None:
        """`recorded`: the question log already marked it done, in the transaction that logged it."""
        ...

    def failed(self, key: str) -> None: ...
    def retried(self, key: str) -> bool:
        """After a successful claim: whether an earlier attempt may have acted before it died."""
        ...


class SharedGate:
    """Claims in the database, shared by every replica, with this process's OnceGate in front of it.

    `receive` keeps a delivery and claims it in one statement; the listener's `claim` then costs no query
    unless the delivery waited in the queue (see `Inbox.hold`). The local gate skips a redelivery to this
    process without a query. When the database can't be used the local gate decides alone: a redelivery to
    another replica may then be answered twice, never dropped.
    """

    def __init__(self, inbox: Inbox, clock: Callable[[], float] = time.monotonic) -> None:
        self.inbox = inbox
        self.local = OnceGate(lease=inbox.lease, clock=clock)
        self._clock = clock
        self._held: OrderedDict[str, float] = OrderedDict()  # received here: key -> end of the claim's lease
        self._held_lock = threading.Lock()
        # Claimed here, answer under way: key -> (which attempt, when it started, when its lease was set).
        # An attempt after the first is a retry (`retried`).
        self._running: dict[str, tuple[int, float, float]] = {}
        self._running_lock = threading.Lock()

    def receive(self, key: str, body: dict[str, Any]) -> None:
        """Keep a delivery in the inbox under `key` before it is acknowledged; if the database is down it
        is answered from memory alone, as before the inbox existed."""
        try:
            held_until = self.inbox.receive(key, json.dumps(body))
        except StoreError as exc:
            log.warning("inbox unavailable (%s): event %s is kept in memory only", exc, key)
            return
        if held_until is not None:
            with self._held_lock:
                self._held[key] = held_until
                if len(self._held) > HELD:  # received, never claimed (no listener answered it)
                    self._held.popitem(last=False)

    def claim(self, key: str) -> bool:
        if not self.local.claim(key):
            return False
        with self._held_lock:
            held_until = self._held.pop(key, None)
        try:
            if held_until is not None and self.inbox.hold(key, held_until):
                self._run(key, 1)  # received here: its first attempt
                return True
            earlier = self.inbox.claim(key)
        except StoreError as exc:
            log.warning("event claims unavailable (%s): de-duplicating in this process only", exc)
            return True
        if earlier is None:
            self.local.failed(key)  # another replica has it; its failure must not be blocked here
            return False
        self._run(key, earlier + 1)
        return True

    def renew(self) -> None:
        """Extend the lease of every claim of this process whose answer is still under way and a third of
        a lease old, so that no other replica takes up an answer that is only slow (Redelivery calls it)."""
        now, lease = self._clock(), self.inbox.lease
        with self._running_lock:
            hung = [
                key for key, (_, started, _) in self._running.items() if now - started >= lease * RENEW_LEASES
            ]
            for key in hung:
                del self._running[key]
                log.error(
                    "event %s: still being answered after %d leases: left to run out", key, RENEW_LEASES
                )
            due = [
                (key, attempt, started)
                for key, (attempt, started, renewed) in self._running.items()
                if now - renewed >= lease * RENEW_AFTER
            ]
        for key, attempt, started in due:
            try:
                kept = self.inbox.renew(key, attempt)
            except StoreError as exc:
                log.warning("could not renew the claims of answers under way (%s)", exc)
                return
            with self._running_lock:
                if key not in self._running:  # finished meanwhile
                    continue
                if kept:
                    self._running[key] = (attempt, started, now)
                else:
                    del self._running[key]
                    log.warning("event %s: its claim ran out while it was being answered", key)

    def retried(self, key: str) -> bool:
        with self._running_lock:
            running = self._running.get(key)
        return running is not None and running[0] > 1

    def done(self, key: str, recorded: bool = False) -> None:
        self._forget(key)
        self.local.done(key)
        if not recorded:
            self._tell(self.inbox.done, key)

    def failed(self, key: str) -> None:
        self._forget(key)
        self.local.failed(key)
        self._tell(self.inbox.failed, key)

    def _run(self, key: str, attempt: int) -> None:
        now = self._clock()
        with self._running_lock:
            self._running[key] = (attempt, now, now)

    def _forget(self, key: str) -> None:
        with self._running_lock:
            self._running.pop(key, None)

    @staticmethod
    def _tell(report: Callable[[str], None], key: str) -> None:
        try:
            report(key)
        except StoreError as exc:
            log.warning("could not record how event %s went (%s); its lease will run out", key, exc)
