"""The durable inbox, wired into Bolt: a candidate's message is in the database before Slack hears "ok".

Bolt acknowledges an event before its listener runs, so an answer waiting in the queue of a process that
dies would be lost (Slack never redelivers what it saw acknowledged). The `keep_deliveries` middleware
runs before the acknowledgement (of an event, or of a click on one of the app's buttons) and writes the
delivery to the inbox, claimed by this process; `Redelivery` re-dispatches what a dead process, or a
failed answer, left unfinished (see bot.inbox for the states and bounds). Listeners claim each event and
click through `SharedGate`, so a delivery is acted on once however many times it is dispatched.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

from slack_bolt import App, BoltRequest, BoltResponse

from bot.database import StoreError
from bot.slack.asked import click_key
from bot.slack.listeners.events.direct_message import is_candidate_message
from bot.slack.once import SharedGate

POLL = 1.0  # seconds between looks for unfinished deliveries
PURGE_EVERY = 600.0

logger = logging.getLogger(__name__)


def is_question(body: dict[str, Any]) -> bool:
    """A delivery that a listener answers, and so must not be lost: a candidate's DM or an @mention."""
    event = body.get("event")
    if body.get("type") != "event_callback" or not body.get("event_id") or not isinstance(event, dict):
        return False
    return event.get("type") == "app_mention" or (
        event.get("type") == "message" and is_candidate_message(event)
    )


def keep_deliveries(gate: SharedGate) -> Callable[..., BoltResponse | None]:
    """Bolt middleware: keep each question and each click on the app's buttons in the inbox before it is
    acknowledged (a click's listener acknowledges it, after this)."""

    def keep_delivery(body: dict[str, Any], next: Callable[[], BoltResponse]) -> BoltResponse | None:
        key = body["event_id"] if is_question(body) else click_key(body)
        if key:
            gate.receive(key, body)
        return next()

    return keep_delivery


class Redelivery:
    """A daemon thread dispatching deliveries the inbox says are due, as Socket Mode would (no signature:
    they were verified when they first arrived), and renewing the claims of answers under way."""

    def __init__(self, app: App, gate: SharedGate, poll: float = POLL) -> None:
        self._app = app
        self._gate = gate
        self._inbox = gate.inbox
        self._poll = poll
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="redelivery", daemon=True)
        self._failing = False

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)

    def _run(self) -> None:
        since_purge = PURGE_EVERY  # purge once at start, then every PURGE_EVERY
        while not self._stop.wait(self._poll):
            since_purge += self._poll
            self._renew()
            try:
                if since_purge >= PURGE_EVERY:
                    self._inbox.purge()
                    since_purge = 0.0
                due = self._inbox.take_due()
            except StoreError as exc:
                if not self._failing:
                    logger.warning("inbox unavailable: cannot look for unanswered events (%s)", exc)
                self._failing = True
                continue
            except Exception:  # the thread must outlive any one bad row
                logger.exception("inbox: looking for unanswered events failed")
                continue
            if self._failing:
                logger.info("inbox available again")
                self._failing = False
            for delivery in due:
                logger.info("redelivering event %s, left unanswered", delivery.key)
                try:
                    self._app.dispatch(BoltRequest(body=delivery.body, mode="socket_mode"))
                except Exception:
                    logger.exception("redelivering event %s failed", delivery.key)

    def _renew(self) -> None:
        try:
            self._gate.renew()
        except Exception:  # the thread must outlive any one failure
            logger.exception("inbox: renewing the claims of answers under way failed")
