"""Only requests signed with the signing secret reach Bolt: verified on the raw bytes, before any parsing.

Bolt parses a request's body before it checks the signature, so an unsigned request with a broken body
or a non-numeric timestamp used to raise inside Bolt (a 500 and a traceback per request), and Bolt logs a
rejected request's whole body. Here an unsigned request gets a 401 and at most one short log line;
nothing it sent is logged.
"""

from __future__ import annotations

import hashlib
import hmac
import io
import logging
import threading
import time
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import parse_qs

logger = logging.getLogger(__name__)

StartResponse = Callable[..., Any]
WsgiApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]

_TIMESTAMP_DIGITS = 12  # a Unix time in seconds; anything longer can't be within the window
REPLAY_WINDOW = 5 * 60  # seconds; Slack's rule, as Bolt applies it
REFUSALS_LOGGED_EVERY = 10.0  # seconds: a flood of unsigned requests is a line per interval


def signed_only(inner: WsgiApp, signing_secret: str, max_body: int) -> WsgiApp:
    """Wrap `inner` (Bolt's WSGI handler): 401 unless the body is signed, 400 if Bolt can't take it."""
    secret = signing_secret.encode()
    refusals = _RefusalLog()

    def application(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        body = _body(environ, max_body)
        if body is None:
            return plain(start_response, "413 Payload Too Large", "request body too large")
        if not _signed(secret, environ, body):
            if _ssl_check(body):  # answered unsigned, as Bolt does; it reaches nothing
                return plain(start_response, "200 OK", "")
            refusals.refused(len(body))
            return plain(start_response, "401 Unauthorized", "invalid signature")
        try:
            body.decode("utf-8")
        except UnicodeDecodeError:
            logger.warning("refused a signed request whose body is not UTF-8")
            return plain(start_response, "400 Bad Request", "body is not UTF-8")
        environ["wsgi.input"] = io.BytesIO(body)
        environ["CONTENT_LENGTH"] = str(len(body))
        try:
            return inner(environ, start_response)
        except Exception as exc:  # a signed body Slack would never send; one line, not a traceback
            logger.warning("refused a signed request Bolt could not read (%s)", type(exc).__name__)
            return plain(start_response, "400 Bad Request", "unreadable request")

    return application


class _RefusalLog:
    """Logs a refused request, then stays quiet for REFUSALS_LOGGED_EVERY, counting the ones it skips."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._quiet_until = 0.0
        self._skipped = 0

    def refused(self, size: int) -> None:
        with self._lock:
            now = time.monotonic()
            if now < self._quiet_until:
                self._skipped += 1
                return
            skipped, self._skipped = self._skipped, 0
            self._quiet_until = now + REFUSALS_LOGGED_EVERY
        more = f"; {skipped} more since the last such line" if skipped else ""
        logger.warning("refused a request without a valid signature (%d bytes)%s", size, more)


def _body(environ: dict[str, Any], max_body: int) -> bytes | None:
    """The request body (the server has already buffered it; at most `max_body` bytes), None if larger."""
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length > max_body:
        return None
    stream = environ.get("wsgi.input")
    body: bytes = stream.read(max(length, 0)) if stream is not None else b""
    return body


def _signed(secret: bytes, environ: dict[str, Any], body: bytes) -> bool:
    """Slack's v0 signature over the raw bytes (slack_sdk's verifier raises on a non-numeric timestamp,
    a non-ASCII signature or a body that isn't UTF-8)."""
    timestamp = str(environ.get("HTTP_X_SLACK_REQUEST_TIMESTAMP", ""))
    signature = str(environ.get("HTTP_X_SLACK_SIGNATURE", ""))
    if not (timestamp.isascii() and timestamp.isdigit() and len(timestamp) <= _TIMESTAMP_DIGITS):
        return False
    if abs(time.time() - int(timestamp)) > REPLAY_WINDOW or not signature.isascii():
        return False
    digest = hmac.new(secret, b"v0:" + timestamp.encode() + b":" + body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(f"v0={digest}".encode(), signature.encode())


def _ssl_check(body: bytes) -> bool:
    """Slack's check of a slash command URL's certificate: a form post of `ssl_check=1`."""
    try:
        fields = parse_qs(body.decode("ascii"), max_num_fields=4, strict_parsing=True)
    except (UnicodeDecodeError, ValueError):
        return False
    return fields.get("ssl_check") == ["1"]


def plain(start_response: StartResponse, status: str, text: str) -> list[bytes]:
    """A short text/plain response."""
    body = f"{text}\n".encode()
    start_response(
        status, [("Content-Type", "text/plain; charset=utf-8"), ("Content-Length", str(len(body)))]
    )
    return [body]
