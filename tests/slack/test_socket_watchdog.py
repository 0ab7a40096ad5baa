"""The Socket Mode watchdog: a connection whose pings go unanswered (no close, no error: a wedged peer or a
dead NAT entry) is replaced. A raw TCP server completes the websocket handshake, says hello, then goes
silent; the app's real websocket-client connection must ask Slack for a new one on its own."""

from __future__ import annotations

import base64
import hashlib
import json
import socket
import threading
import time
from collections.abc import Iterator

import pytest
from slack_bolt import App
from slack_bolt.adapter.socket_mode.websocket_client import SocketModeHandler
from slack_sdk import WebClient

from bot.slack.socket_mode import SILENT_PINGS, PingWatchdog
from tests.slack.harness import APP_TOKEN, BOT_TOKEN
from tests.slack_standin import FakeSlackWebAPI, FakeSocketModeServer

pytestmark = pytest.mark.e2e

_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"  # RFC 6455's fixed key suffix
INTERVAL = 0.3


@pytest.fixture
def silent_server() -> Iterator[tuple[str, threading.Event]]:
    """A websocket URL whose server answers the handshake and a hello, then never reads again; the event
    is set once a client got its hello."""
    listener = socket.create_server(("127.0.0.1", 0))
    held: list[socket.socket] = []
    greeted = threading.Event()

    def serve() -> None:
        while True:
            try:
                conn, _ = listener.accept()
            except OSError:
                return
            request = conn.recv(65536).decode("latin-1")
            key = next(
                line.split(":", 1)[1].strip()
                for line in request.split("\r\n")
                if line.lower().startswith("sec-websocket-key:")
            )
            accept = base64.b64encode(hashlib.sha1((key + _GUID).encode()).digest()).decode()
            conn.sendall(
                b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + f"Sec-WebSocket-Accept: {accept}\r\n\r\n".encode()
            )
            hello = json.dumps({"type": "hello", "num_connections": 1}).encode()
            conn.sendall(bytes([0x81, len(hello)]) + hello)
            held.append(conn)  # open, silent: pings are never answered
            greeted.set()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield f"ws://127.0.0.1:{listener.getsockname()[1]}/link/?ticket=silent", greeted
    listener.close()
    for conn in held:
        conn.close()


def test_a_connection_whose_pings_go_unanswered_is_replaced(
    silent_server: tuple[str, threading.Event],
) -> None:
    url, greeted = silent_server
    with FakeSlackWebAPI() as api, FakeSocketModeServer() as working:
        api.socket_mode_url = url
        client = WebClient(token=BOT_TOKEN, base_url=api.base_url)
        app = App(client=client, signing_secret="unused-in-socket-mode")
        handler = SocketModeHandler(app, APP_TOKEN, web_client=client, ping_interval=INTERVAL)
        watchdog = PingWatchdog(handler.client, interval=INTERVAL)
        try:
            handler.connect()  # type: ignore[no-untyped-call]
            watchdog.start()
            assert greeted.wait(timeout=5)
            deadline = time.monotonic() + 5
            while not handler.client.is_connected() and time.monotonic() < deadline:
                time.sleep(0.01)
            assert handler.client.is_connected()  # to the silent server
            opened = len(api.calls("apps.connections.open"))
            api.socket_mode_url = working.url  # where a new connection is sent
            # The watchdog asks for a new connection well before anything else notices (about 10 s
            # without it, measured): the proof that a silent connection is detected and replaced.
            api.wait_for("apps.connections.open", opened + 1, timeout=SILENT_PINGS * INTERVAL + 2)
        finally:
            handler.close()  # type: ignore[no-untyped-call]
