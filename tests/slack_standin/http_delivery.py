"""Deliver payloads to an app's `POST /slack/events` the way Slack does in HTTP mode: signed."""

from __future__ import annotations

import hashlib
import hmac
import time
import urllib.request
from typing import NamedTuple
from urllib.error import HTTPError

from .payloads import SlackPayload

# No proxies at all: everything the stand-in talks to is on 127.0.0.1.
_opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))


class HttpResult(NamedTuple):
    status: int
    headers: dict[str, str]  # keys lower-cased
    body: str


def signed_headers(
    secret: str,
    body: str | bytes,
    timestamp: int | str | None = None,
    content_type: str | None = None,
) -> dict[str, str]:
    """Slack's v0 signature: `v0=` + hex HMAC-SHA256(secret, `v0:{timestamp}:{body}`).

    Pass an old `timestamp` to test the 5-minute replay window. The content type is guessed from the
    body (JSON when it starts with `{`) unless given.
    """
    raw = body.encode() if isinstance(body, str) else body
    ts = str(int(time.time()) if timestamp is None else timestamp)
    digest = hmac.new(secret.encode(), b"v0:" + ts.encode() + b":" + raw, hashlib.sha256).hexdigest()
    if content_type is None:
        content_type = (
            "application/json" if raw.lstrip().startswith(b"{") else "application/x-www-form-urlencoded"
        )
    return {
        "Content-Type": content_type,
        "X-Slack-Request-Timestamp": ts,
        "X-Slack-Signature": f"v0={digest}",
    }


def post(
    url: str,
    body: str | bytes,
    headers: dict[str, str] | None = None,
    *,
    retry_num: int | None = None,
    retry_reason: str | None = None,
    timeout: float = 10,
) -> HttpResult:
    """POST and return (status, headers, body) for any status; non-2xx does not raise.

    `retry_num`/`retry_reason` add Slack's `X-Slack-Retry-Num`/`X-Slack-Retry-Reason` headers, as on
    an Events API redelivery (reasons Slack uses: `http_timeout`, `http_error`, `connection_failed`).
    """
    all_headers = dict(headers or {})
    if retry_num is not None:
        all_headers["X-Slack-Retry-Num"] = str(retry_num)
        all_headers["X-Slack-Retry-Reason"] = retry_reason or "http_timeout"
    data = body.encode() if isinstance(body, str) else body
    request = urllib.request.Request(url, data=data, headers=all_headers, method="POST")
    try:
        with _opener.open(request, timeout=timeout) as response:
            return HttpResult(
                response.status,
                {k.lower(): v for k, v in response.headers.items()},
                response.read().decode("utf-8", "replace"),
            )
    except HTTPError as error:
        return HttpResult(
            error.code,
            {k.lower(): v for k, v in error.headers.items()},
            error.read().decode("utf-8", "replace"),
        )


def deliver(
    url: str,
    payload: SlackPayload,
    signing_secret: str,
    *,
    timestamp: int | str | None = None,
    retry_num: int | None = None,
    retry_reason: str | None = None,
) -> HttpResult:
    """Sign `payload.body` with `signing_secret` and POST it to `url` (the app's `/slack/events`)."""
    headers = signed_headers(signing_secret, payload.body, timestamp, payload.content_type)
    return post(url, payload.body, headers, retry_num=retry_num, retry_reason=retry_reason)
