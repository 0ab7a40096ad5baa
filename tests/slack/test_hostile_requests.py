"""HTTP mode under attack, over real sockets: whoever can reach the port, without the signing secret.

Every unsigned request gets a 4xx and at most one short log line; nothing logged carries a raw newline
from outside; `/healthz` keeps answering while hundreds of idle and slow connections are held open.
"""

from __future__ import annotations

import contextlib
import re
import socket
import time
from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from tests.slack.harness import KNOWLEDGE, SIGNING_SECRET, BotProcess, http_mode
from tests.slack_standin import signed_headers

pytestmark = pytest.mark.e2e  # the app as a process, over HTTP

IDLE_TIMEOUT = 3  # HTTP_IDLE_TIMEOUT for this module's app, in seconds
LOG_LINE = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} [A-Z]+ [\w.]+: ")


@dataclass
class Server:
    process: BotProcess
    host: str
    port: int

    def raw(self, request: bytes, timeout: float = 5) -> bytes:
        """Send `request` as is on a fresh connection; everything the server answered before closing."""
        with socket.create_connection((self.host, self.port), timeout=timeout) as sock:
            with contextlib.suppress(OSError):  # the server may answer and close before reading it all
                sock.sendall(request)
            return _read_all(sock)

    def health(self, timeout: float = 1.0) -> int:
        return _status(self.raw(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", timeout))


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    workdir = tmp_path_factory.mktemp("hostile")
    # At INFO, as deployed: the promise is about what a production log gets per request.
    settings = {"HTTP_IDLE_TIMEOUT": str(IDLE_TIMEOUT), "LOG_LEVEL": "INFO"}
    with http_mode(workdir, KNOWLEDGE, **settings) as (bot, url, _api):
        host, port = url.removeprefix("http://").split(":")
        yield Server(bot, host, int(port))


def _read_all(sock: socket.socket) -> bytes:
    chunks = []
    with contextlib.suppress(OSError):
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


def _status(response: bytes) -> int:
    match = re.match(rb"HTTP/1\.[01] (\d{3}) ", response)
    assert match, f"not an HTTP response: {response[:200]!r}"
    return int(match.group(1))


def _post(body: bytes, headers: dict[str, str], path: str = "/slack/events") -> bytes:
    head = "".join(f"{k}: {v}\r\n" for k, v in headers.items())
    return (
        f"POST {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Length: {len(body)}\r\n{head}\r\n"
    ).encode("latin-1") + body


_FORGE = "\n2026-01-01 00:00:00,000 CRITICAL bot.security: FORGED-LINE\n"
_BAD_SIG = {"X-Slack-Request-Timestamp": str(int(time.time())), "X-Slack-Signature": "v0=" + "0" * 64}
GARBAGE: dict[str, bytes] = {
    "timestamp not a number": _post(b"{}", {**_BAD_SIG, "X-Slack-Request-Timestamp": "abc"}),
    "timestamp huge": _post(b"{}", {**_BAD_SIG, "X-Slack-Request-Timestamp": "9" * 400}),
    "signature not ascii": _post(b"{}", {**_BAD_SIG, "X-Slack-Signature": "v0=\xff\xfe"}),
    "broken json": _post(b"{not json", {**_BAD_SIG, "Content-Type": "application/json"}),
    "json list": _post(b"[1]", {**_BAD_SIG, "Content-Type": "application/json"}),
    "broken payload form": _post(b"payload=%7Bx", _BAD_SIG),
    "invalid utf-8": _post(b"\xff\xfe\x00payload", _BAD_SIG),
    "no headers at all": _post(b"{}", {}),
    "empty body": _post(b"", _BAD_SIG),
    "newline forging a log line": _post(_FORGE.encode(), _BAD_SIG),
    "forged line in a header": _post(b"{}", {**_BAD_SIG, "User-Agent": "x\r FORGED-LINE"}),
    "forged line in the path": b"GET /%0aFORGED-LINE HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
    "wrong method": b"DELETE /slack/events HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
    "not http": b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03" + bytes(range(256)) + b"\r\n\r\n",
    "bad content length": b"POST /slack/events HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\n\r\n",
    "chunked garbage": (
        b"POST /slack/events HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
        b"Connection: close\r\n\r\nzz\r\nabc\r\n0\r\n\r\n"
    ),
}


@pytest.mark.parametrize("request_bytes", GARBAGE.values(), ids=GARBAGE.keys())
def test_unsigned_garbage_gets_a_4xx_and_at_most_one_short_log_line(
    server: Server, request_bytes: bytes
) -> None:
    before = server.process.log()
    status = _status(server.raw(request_bytes))
    assert 400 <= status < 500, status
    time.sleep(0.1)  # anything it logs, it logs before answering; a moment for the file to catch up
    logged = server.process.log()[len(before) :]
    lines = logged.splitlines()
    assert len(lines) <= 1, logged
    assert all(len(line) <= 300 for line in lines), logged
    assert "Traceback" not in logged
    assert "FORGED-LINE" not in logged or all(LOG_LINE.match(line) for line in lines)


def test_a_signed_request_slack_would_never_send_gets_a_4xx_not_a_traceback(server: Server) -> None:
    for body in (b"{not json", b"[1]", b"payload=%7Bx", b"\xff\xfe", b"payload=%5B1%5D"):
        before = server.process.log()
        headers = signed_headers(SIGNING_SECRET, body)
        assert 400 <= _status(server.raw(_post(body, headers))) < 500
        time.sleep(0.1)
        logged = server.process.log()[len(before) :]
        assert len(logged.splitlines()) <= 1 and "Traceback" not in logged, logged


def test_slacks_ssl_check_is_answered_unsigned_and_reaches_nothing(server: Server) -> None:
    before = server.process.log()
    body = b"ssl_check=1&token=anything"
    response = server.raw(_post(body, {"Content-Type": "application/x-www-form-urlencoded"}))
    assert _status(response) == 200
    assert _status(server.raw(_post(b"ssl_check=0&token=anything", {}))) == 401
    time.sleep(0.1)
    assert len(server.process.log()[len(before) :].splitlines()) <= 1  # the 401's, if any


def test_a_flood_of_unsigned_requests_is_not_a_flood_of_log_lines(server: Server) -> None:
    before = server.process.log()
    for _ in range(200):
        assert _status(server.raw(_post(b"{}", _BAD_SIG))) == 401
    time.sleep(0.1)
    assert len(server.process.log()[len(before) :].splitlines()) <= 2


def test_no_log_line_carries_a_raw_newline_from_outside(server: Server) -> None:
    server.raw(GARBAGE["newline forging a log line"])
    time.sleep(0.1)
    for line in server.process.log().splitlines():
        assert "FORGED-LINE" not in line or not line.startswith("2026-01-01"), line


def test_a_rejected_body_is_never_logged(server: Server) -> None:
    marker = "SECRET-LOOKING-BODY-" + "x" * 1000
    server.raw(_post(marker.encode(), _BAD_SIG))
    time.sleep(0.1)
    assert "SECRET-LOOKING-BODY" not in server.process.log()


@pytest.mark.parametrize("chunked", [False, True], ids=["content-length", "chunked"])
def test_a_body_over_the_limit_gets_413_unread(server: Server, chunked: bool) -> None:
    big = b"{" + b" " * (2 * 1024 * 1024) + b"}"
    if chunked:
        request = (
            b"POST /slack/events HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
            b"Transfer-Encoding: chunked\r\n\r\n" + f"{len(big):x}\r\n".encode() + big + b"\r\n0\r\n\r\n"
        )
    else:
        request = _post(big, _BAD_SIG)
    assert _status(server.raw(request)) == 413
    assert server.health() == 200


def test_a_header_flood_is_refused(server: Server) -> None:
    many = {f"X-Flood-{i}": "y" * 100 for i in range(2000)}
    response = server.raw(_post(b"{}", many))
    assert 400 <= _status(response) < 500
    huge = {"X-Huge": "z" * (1024 * 1024)}
    response = server.raw(_post(b"{}", huge))
    assert 400 <= _status(response) < 500
    assert server.health() == 200


@contextlib.contextmanager
def _held(server: Server, count: int, first_bytes: bytes) -> Iterator[list[socket.socket]]:
    sockets: list[socket.socket] = []
    try:
        for _ in range(count):
            sock = socket.create_connection((server.host, server.port), timeout=5)
            if first_bytes:
                sock.sendall(first_bytes)
            sockets.append(sock)
        yield sockets
    finally:
        for sock in sockets:
            sock.close()


def test_healthz_answers_within_a_second_while_500_idle_and_slow_connections_are_held(
    server: Server,
) -> None:
    # Half connect and say nothing; half start a request and trickle a header byte at a time.
    slow_start = b"POST /slack/events HTTP/1.1\r\nHost: x\r\n"
    with _held(server, 250, b"") as idle, _held(server, 250, slow_start) as slow:
        for round_ in range(3):
            for sock in slow:
                with contextlib.suppress(OSError):
                    sock.sendall(b"X-a: b\r\n")
            started = time.monotonic()
            assert server.health(timeout=1.0) == 200, f"round {round_}"
            assert time.monotonic() - started < 1.0
        assert len(idle) == 250
    server.process.assert_alive()


def test_an_idle_connection_is_closed_after_the_idle_timeout(server: Server) -> None:
    with socket.create_connection((server.host, server.port), timeout=IDLE_TIMEOUT * 4) as sock:
        started = time.monotonic()
        assert sock.recv(1) == b""  # closed by the server, having said nothing
        assert time.monotonic() - started < IDLE_TIMEOUT * 3


def test_the_app_survived_everything(server: Server) -> None:
    server.process.assert_alive()
    assert server.health() == 200
    assert "Traceback" not in server.process.log()
