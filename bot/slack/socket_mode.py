"""Socket Mode over websocket-client, with a watchdog that replaces a connection which stopped answering.

slack_sdk's built-in client receives recursively and, under a burst of a thousand envelopes, hit a
RecursionError that left the process connected but deaf; the websocket-client adapter reads in a loop.
It reconnects when the server closes the connection; a connection that goes silent without closing
(a dead NAT entry, a wedged peer) is only noticed by its pings going unanswered, which the watchdog
watches for.
"""

from __future__ import annotations

import logging
import threading
import time

from slack_bolt import App
from slack_bolt.adapter.socket_mode.websocket_client import SocketModeHandler
from slack_sdk.socket_mode.websocket_client import SocketModeClient

PING_INTERVAL = 10.0  # seconds between the client's pings
SILENT_PINGS = 3  # pings without a pong before the connection is replaced

logger = logging.getLogger(__name__)


def serve_socket_mode(app: App, app_token: str) -> None:
    """Block serving over Socket Mode; apps.connections.open goes through the app's WebClient (base URL)."""
    logger.info("Socket Mode: connecting")
    handler = SocketModeHandler(app, app_token, web_client=app.client, ping_interval=PING_INTERVAL)
    PingWatchdog(handler.client).start()
    handler.start()  # type: ignore[no-untyped-call]


class PingWatchdog:
    """A daemon thread reconnecting when the current connection's pings stay unanswered."""

    def __init__(self, client: SocketModeClient, interval: float = PING_INTERVAL) -> None:
        self._client = client
        self._interval = interval
        self._thread = threading.Thread(target=self._run, name="socket-watchdog", daemon=True)
        self._session: object = None
        self._since = 0.0  # when the watchdog first saw the current connection

    def start(self) -> None:
        self._thread.start()

    def _run(self) -> None:
        while not self._client.closed:
            time.sleep(self._interval)
            if self.silent():
                logger.warning("Socket Mode: no pong for %d pings; reconnecting", SILENT_PINGS)
                try:
                    self._client.connect_to_new_endpoint(force=True)
                except Exception:  # the next round tries again; the thread must survive
                    logger.exception("Socket Mode: reconnecting failed")

    def silent(self) -> bool:
        """Whether the connection has pinged for SILENT_PINGS intervals without hearing a pong."""
        session, now = self._client.current_session, time.time()
        if session is not self._session:
            self._session, self._since = session, now
        if session is None or session.sock is None or session.last_ping_tm <= session.last_pong_tm:
            return False
        return now - max(session.last_pong_tm, self._since) > SILENT_PINGS * self._interval
