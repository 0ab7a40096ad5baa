"""A local stand-in for Slack's Socket Mode websocket endpoint.

Flow, as with Slack: the app calls apps.connections.open (answered by FakeSlackWebAPI with `url`),
connects, receives `{"type": "hello", ...}`; tests then push envelopes with `send_envelope` and
read the app's acks (`{"envelope_id": ..., "payload": ...}`) with `wait_for_ack`.

Notes on slack_sdk's builtin client (slack_sdk.socket_mode.builtin, used by Bolt's SocketModeHandler):
it speaks plain `ws://` whenever the URL's port is not 443; it sends `GET {path}?{query}`, so the URL
needs a path (`/link/`); it checks `Sec-WebSocket-Accept`, sends a ping right after the handshake and
then every `ping_interval` seconds, matches pongs by their echoed payload (the websockets library
echoes them) and drops a connection that saw no pong for 4 x `ping_interval`. It offers no extensions
(no compression) and does not reassemble fragmented frames, so every message goes out as one
unfragmented text frame, which is what `send` does. It closes by dropping the TCP connection without
a close frame, and its `close()` can take ~3 s (its socket read timeout).
"""

from __future__ import annotations

import asyncio
import json
import logging
import threading
import uuid
from typing import Any, Self

from websockets.asyncio.server import ServerConnection, serve
from websockets.exceptions import ConnectionClosed

from .payloads import APP_ID, EnvelopeType, SlackPayload

logger = logging.getLogger(__name__)

# What Slack sets when the caller does not say: events can't carry a response payload; slash
# commands and block_actions can.
_ACCEPTS_RESPONSE_PAYLOAD: dict[str, bool] = {
    "events_api": False,
    "slash_commands": True,
    "interactive": True,
}


class FakeSocketModeServer:
    """Websocket server on 127.0.0.1 run by an asyncio loop in a background thread."""

    def __init__(self, *, app_id: str = APP_ID, ping_interval: float | None = 20) -> None:
        self.app_id = app_id
        self._ping_interval = ping_interval  # server-side keepalive pings, as Slack sends
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stop_event: asyncio.Event | None = None
        self._thread: threading.Thread | None = None
        self._ready = threading.Event()
        self._startup_error: BaseException | None = None
        self._port: int | None = None
        self._changed = threading.Condition()
        self._open: list[ServerConnection] = []  # open connections that got their hello, oldest first
        self._greeted = 0  # connections that got a hello, ever
        self._acks: dict[str, dict[str, Any]] = {}
        self.received: list[dict[str, Any]] = []  # every JSON message from clients, acks included

    # --- lifecycle -------------------------------------------------------------------------------

    def start(self, timeout: float = 5) -> Self:
        self._thread = threading.Thread(target=self._run, name="fake-socket-mode", daemon=True)
        self._thread.start()
        if not self._ready.wait(timeout):
            raise RuntimeError("FakeSocketModeServer did not start")
        if self._startup_error is not None:
            raise RuntimeError("FakeSocketModeServer failed to start") from self._startup_error
        return self

    def stop(self) -> None:
        if self._loop is not None and self._stop_event is not None:
            self._loop.call_soon_threadsafe(self._stop_event.set)
        if self._thread is not None:
            self._thread.join(timeout=10)
            self._thread = None
        self._loop = None

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    @property
    def url(self) -> str:
        """What apps.connections.open returns; shaped like Slack's `wss://.../link/?ticket=...`."""
        if self._port is None:
            raise RuntimeError("FakeSocketModeServer is not started")
        return f"ws://127.0.0.1:{self._port}/link/?ticket=standin-ticket&app_id={self.app_id}"

    def _run(self) -> None:
        asyncio.run(self._main())

    async def _main(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._stop_event = asyncio.Event()
        try:
            server = await serve(self._handle, "127.0.0.1", 0, ping_interval=self._ping_interval)
        except BaseException as error:
            self._startup_error = error
            self._ready.set()
            raise
        async with server:
            self._port = int(server.sockets[0].getsockname()[1])
            self._ready.set()
            await self._stop_event.wait()
        # Leaving `async with` closes the server and its connections (close code 1001).

    async def _handle(self, connection: ServerConnection) -> None:
        with self._changed:
            num_connections = len(self._open) + 1
        hello = {
            "type": "hello",
            "num_connections": num_connections,
            "debug_info": {
                "host": "applink-standin",
                "build_number": 1,
                "approximate_connection_time": 18060,
            },
            "connection_info": {"app_id": self.app_id},
        }
        await connection.send(json.dumps(hello))
        with self._changed:
            self._open.append(connection)
            self._greeted += 1
            self._changed.notify_all()
        try:
            async for raw in connection:
                self._on_client_message(raw)
        except ConnectionClosed:
            pass  # slack_sdk's builtin client drops the TCP connection without a close frame
        finally:
            with self._changed:
                self._open.remove(connection)
                self._changed.notify_all()

    def _on_client_message(self, raw: str | bytes) -> None:
        try:
            message = json.loads(raw)
        except ValueError:
            logger.warning("Socket Mode stand-in got a non-JSON message: %r", raw)
            return
        if not isinstance(message, dict):
            return
        with self._changed:
            self.received.append(message)
            if "envelope_id" in message:
                self._acks[str(message["envelope_id"])] = message
            self._changed.notify_all()

    # --- talking to the client -------------------------------------------------------------------

    def wait_for_connection(self, timeout: float = 5, count: int = 1) -> None:
        """Block until `count` connections in total have been greeted (use count=2 after a reconnect)."""
        with self._changed:
            ok = self._changed.wait_for(lambda: self._greeted >= count and bool(self._open), timeout=timeout)
            total = self._greeted
        if not ok:
            raise AssertionError(
                f"expected {count} Socket Mode connection(s) within {timeout}s, got {total}; "
                "did the app call apps.connections.open on the stand-in Web API?"
            )

    def send(self, message: dict[str, Any] | str, timeout: float = 5) -> None:
        """Send one text frame to the newest open connection."""
        with self._changed:
            connection = self._open[-1] if self._open else None
        if connection is None or self._loop is None:
            raise AssertionError("no Socket Mode client is connected to the stand-in")
        text = message if isinstance(message, str) else json.dumps(message)
        asyncio.run_coroutine_threadsafe(connection.send(text), self._loop).result(timeout)

    def send_envelope(
        self,
        type: EnvelopeType,
        payload: dict[str, Any],
        *,
        envelope_id: str | None = None,
        retry_attempt: int = 0,
        retry_reason: str = "",
        accepts_response_payload: bool | None = None,
    ) -> str:
        """Push one envelope as Slack does and return its envelope_id.

        Only `events_api` envelopes carry `retry_attempt`/`retry_reason` (Slack's redelivery counter).
        """
        envelope_id = envelope_id or str(uuid.uuid4())
        envelope: dict[str, Any] = {
            "envelope_id": envelope_id,
            "payload": payload,
            "type": type,
            "accepts_response_payload": (
                _ACCEPTS_RESPONSE_PAYLOAD[type]
                if accepts_response_payload is None
                else accepts_response_payload
            ),
        }
        if type == "events_api":
            envelope["retry_attempt"] = retry_attempt
            envelope["retry_reason"] = retry_reason
        self.send(envelope)
        return envelope_id

    def send_payload(self, payload: SlackPayload, **options: Any) -> str:
        """`send_envelope` for a builder's result: `send_payload(event_callback(dm_message("hi")))`."""
        return self.send_envelope(payload.envelope_type, payload.data, **options)

    def send_disconnect(self, reason: str = "refresh_requested") -> None:
        """Ask the client to reconnect, as Slack does every few hours: it calls apps.connections.open
        again and opens a new connection. `wait_for_connection(count=n + 1)` before sending more."""
        self.send({"type": "disconnect", "reason": reason, "debug_info": {"host": "applink-standin"}})

    def wait_for_ack(self, envelope_id: str, timeout: float = 5) -> dict[str, Any]:
        """The client's ack for `envelope_id`: `{"envelope_id": ...}` plus `payload` when it sent one."""
        with self._changed:
            if self._changed.wait_for(lambda: envelope_id in self._acks, timeout=timeout):
                return self._acks[envelope_id]
            acked = list(self._acks)
        raise AssertionError(f"no ack for envelope {envelope_id} within {timeout}s; acked so far: {acked}")

    @property
    def acks(self) -> dict[str, dict[str, Any]]:
        with self._changed:
            return dict(self._acks)

    @property
    def open_connections(self) -> int:
        with self._changed:
            return len(self._open)
