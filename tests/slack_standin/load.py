"""Load for replica tests and benchmarks: a round-robin load balancer, and a sender that retries as Slack
does (the same event_id again, `X-Slack-Retry-Num` set) when a delivery is not acknowledged."""

from __future__ import annotations

import http.client
import itertools
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler
from typing import Self

from .http_delivery import deliver
from .payloads import SlackPayload
from .web_api import BackloggedServer, FakeSlackWebAPI


class RoundRobinProxy:
    """Forwards each POST to the next backend in turn; a backend that refuses the connection is skipped
    for that request (as a load balancer's retry would), so a killed replica costs no acknowledgement
    while another is up. `backends` may be changed while serving."""

    def __init__(self, backends: list[str]) -> None:
        self.backends = backends  # "127.0.0.1:PORT"
        self._turn = itertools.count()
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                headers = {k: v for k, v in self.headers.items() if k.lower() not in ("host", "connection")}
                first = next(proxy._turn)
                for attempt in range(len(proxy.backends)):
                    backend = proxy.backends[(first + attempt) % len(proxy.backends)]
                    host, port = backend.rsplit(":", 1)
                    conn = http.client.HTTPConnection(host, int(port), timeout=10)
                    try:
                        conn.request("POST", self.path, body, headers)
                        response = conn.getresponse()
                        data = response.read()
                    except OSError:
                        continue
                    finally:
                        conn.close()
                    self.send_response(response.status)
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                    return
                self.send_error(502)

            def log_message(self, format: str, *args: object) -> None:
                pass

        self._server = BackloggedServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def __enter__(self) -> Self:
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._server.shutdown()
        self._server.server_close()


def send_until_acknowledged(
    url: str, payload: SlackPayload, secret: str, retries: int = 60, pause: float = 0.2
) -> int:
    """Deliver until a 200, as Slack retries (Slack itself stops after 3 retries over minutes; a test
    waits for a restarted replica instead). Returns how many deliveries it took."""
    for attempt in range(retries + 1):
        try:
            if deliver(url, payload, secret, retry_num=attempt or None).status == 200:
                return attempt + 1
        except OSError:
            pass
        time.sleep(pause)
    raise AssertionError(f"event {payload.data.get('event_id')} was never acknowledged")


def answers_per_channel(api: FakeSlackWebAPI) -> Counter[str]:
    """chat.postMessage calls per channel (each test event is asked in a channel of its own)."""
    return Counter(str(call.params.get("channel")) for call in api.calls("chat.postMessage"))


def wait_for_answers(api: FakeSlackWebAPI, channels: set[str], timeout: float) -> Counter[str]:
    """Block until every channel in `channels` has at least one answer (or `timeout`); the counts."""
    deadline = time.monotonic() + timeout
    while True:
        counts = answers_per_channel(api)
        if all(counts[channel] for channel in channels) or time.monotonic() > deadline:
            return counts
        time.sleep(0.1)
