"""A local stand-in for Slack's Web API, for `WebClient(base_url=slack_api.base_url)`.

slack_sdk joins `base_url` and the method name with `urljoin`, so the base URL must end with `/api/`
for calls to land on `/api/<method>`. The client sends some methods as JSON (chat.postMessage,
chat.postEphemeral, chat.update, views.publish) and the rest form-encoded (auth.test,
conversations.open, users.info, chat.getPermalink, apps.connections.open); the token always travels
as `Authorization: Bearer ...`. Both body kinds are parsed into `ApiCall.params`.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Self
from urllib.parse import parse_qsl, urlsplit

from .payloads import APP_ID, BOT_ID, BOT_USER_ID, TEAM_DOMAIN, TEAM_ID, new_ts

logger = logging.getLogger(__name__)

_RESPONSE_URL_PREFIX = "response_url:"

Responder = Callable[["ApiCall"], dict[str, Any]]


class BackloggedServer(ThreadingHTTPServer):
    """Queues connections as a real server does (socketserver's default listen backlog is 5): a burst from
    many threads must not have its connections reset by the stand-in, which Slack's API never does."""

    request_queue_size = 1024
    connections = 0  # accepted so far: clients that keep connections alive open few

    def process_request(self, request: Any, client_address: Any) -> None:
        self.connections += 1
        super().process_request(request, client_address)


@dataclass(frozen=True)
class ApiCall:
    """One request the stand-in received. For a response_url post, `params` is the posted JSON."""

    method: str
    params: dict[str, Any]
    headers: dict[str, str]  # keys lower-cased
    time: float
    status: int  # the HTTP status the stand-in answered with
    raw_body: bytes
    ok: bool = True  # whether the answer said ok (a refusal can come with HTTP 200)

    @property
    def token(self) -> str | None:
        auth = self.headers.get("authorization", "")
        if auth.startswith("Bearer "):
            return auth.removeprefix("Bearer ")
        token = self.params.get("token")
        return token if isinstance(token, str) else None


DROP = 0  # `fail_next(method, status=DROP)`: close the connection instead of answering


@dataclass
class _Failure:
    status: int
    retry_after: int | None
    error: str


class FakeSlackWebAPI:
    """Threaded HTTP server on 127.0.0.1 that records every call and answers like Slack.

    Use as a context manager, or `start()`/`stop()`. Point a client at `base_url`.
    """

    def __init__(self, idle_timeout: float | None = None) -> None:
        self.idle_timeout = idle_timeout  # seconds a kept-alive connection may idle before it is closed
        self._calls: list[ApiCall] = []
        self._changed = threading.Condition()
        self._failures: dict[str, deque[_Failure]] = {}
        self._responders: dict[str, Responder] = {}
        self._latency: dict[str, float] = {}
        self._server: BackloggedServer | None = None
        self._thread: threading.Thread | None = None
        # What apps.connections.open hands out; set by the socket_mode_server fixture.
        self.socket_mode_url: str | None = None

    # --- lifecycle -------------------------------------------------------------------------------

    def start(self) -> Self:
        server = BackloggedServer(("127.0.0.1", 0), _Handler)
        server.daemon_threads = True
        server.api = self  # type: ignore[attr-defined]
        self._server = server
        # A short poll interval keeps stop() (and so every test's teardown) quick.
        self._thread = threading.Thread(
            target=server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name="fake-slack-web-api",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    @property
    def port(self) -> int:
        if self._server is None:
            raise RuntimeError("FakeSlackWebAPI is not started")
        return int(self._server.server_address[1])

    @property
    def base_url(self) -> str:
        """For `WebClient(base_url=...)` and `SLACK_API_BASE_URL`; ends with `/api/`."""
        return f"http://127.0.0.1:{self.port}/api/"

    @property
    def connections(self) -> int:
        """How many connections clients have opened so far."""
        return self._server.connections if self._server is not None else 0

    def response_url(self, name: str = "default") -> str:
        """A URL that records the JSON POSTed to it; read back with `responses(name)`."""
        return f"http://127.0.0.1:{self.port}/response_url/{name}"

    # --- inspecting calls ------------------------------------------------------------------------

    def calls(self, method: str | None = None) -> list[ApiCall]:
        """Calls so far, oldest first; all of them when `method` is None."""
        with self._changed:
            return [c for c in self._calls if method is None or c.method == method]

    def responses(self, name: str = "default") -> list[ApiCall]:
        return self.calls(_RESPONSE_URL_PREFIX + name)

    def wait_for(
        self,
        method: str,
        count: int = 1,
        timeout: float = 5,
        predicate: Callable[[ApiCall], bool] | None = None,
    ) -> list[ApiCall]:
        """Block until at least `count` calls to `method` (matching `predicate`) arrived; return them all.

        Raises AssertionError naming what was seen instead, so a failing test explains itself.
        """

        def matching() -> list[ApiCall]:
            return [c for c in self._calls if c.method == method and (predicate is None or predicate(c))]

        with self._changed:
            if self._changed.wait_for(lambda: len(matching()) >= count, timeout=timeout):
                return matching()
            got = len(matching())
            seen = [f"{c.method}({_summary(c.params)})" for c in self._calls]
        what = f"{count} call(s) to {method}" + (" matching the predicate" if predicate else "")
        raise AssertionError(f"expected {what} within {timeout}s, got {got}; calls seen: {seen}")

    def wait_for_response(
        self,
        name: str = "default",
        count: int = 1,
        timeout: float = 5,
        predicate: Callable[[ApiCall], bool] | None = None,
    ) -> list[ApiCall]:
        """`wait_for` for posts to `response_url(name)`."""
        return self.wait_for(_RESPONSE_URL_PREFIX + name, count, timeout, predicate)

    def clear(self) -> None:
        """Forget recorded calls, pending failures and custom responses."""
        with self._changed:
            self._calls.clear()
            self._failures.clear()
            self._responders.clear()
            self._latency.clear()

    # --- shaping answers -------------------------------------------------------------------------

    def fail_next(
        self,
        method: str,
        status: int = 429,
        retry_after: int | None = 1,
        times: int = 1,
        error: str | None = None,
    ) -> None:
        """Make the next `times` calls to `method` fail.

        Status 0 (DROP) closes the connection without answering: a connection error to the client.
        429 comes with `Retry-After: retry_after` and `{"ok": false, "error": "ratelimited"}`; 5xx with
        `internal_error`; status 200 with `error` models a plain API error (`channel_not_found`...).
        slack_sdk's RateLimitErrorRetryHandler sleeps Retry-After + up to 1 s: use `retry_after=0` in
        tests that only need the retry to happen.
        """
        if error is None:
            error = "ratelimited" if status == 429 else "internal_error" if status >= 500 else "fake_error"
        failure = _Failure(status, retry_after if status == 429 else None, error)
        with self._changed:
            self._failures.setdefault(method, deque()).extend(failure for _ in range(times))

    def respond_with(self, method: str, response: dict[str, Any] | Responder | None) -> None:
        """Answer `method` with a fixed JSON body or one computed from the call; None restores the default."""
        with self._changed:
            if response is None:
                self._responders.pop(method, None)
            elif callable(response):
                self._responders[method] = response
            else:
                fixed = response
                self._responders[method] = lambda _call: fixed

    def answer_after(self, method: str, seconds: float) -> None:
        """Take `seconds` over every call to `method` before answering (and recording) it, as Slack's own
        latency does; 0 restores the default. The call is visible to `calls` only once answered."""
        with self._changed:
            self._latency[method] = seconds

    # --- request handling (server threads) -------------------------------------------------------

    def _answer(self, path: str, params: dict[str, Any], headers: dict[str, str], raw: bytes) -> _Answer:
        if path.startswith("/response_url/"):
            method = _RESPONSE_URL_PREFIX + path.removeprefix("/response_url/")
        elif path.startswith("/api/"):
            method = path.removeprefix("/api/")
        else:
            # Most likely a base_url without the trailing `/api/`: say so loudly.
            logger.error("fake Slack Web API got a request for %s; is base_url missing /api/?", path)
            return _Answer(404, {"ok": False, "error": "unknown_method"})

        with self._changed:
            queue = self._failures.get(method)
            failure = queue.popleft() if queue else None
            responder = self._responders.get(method)
            latency = self._latency.get(method, 0.0)
        if latency > 0:
            time.sleep(latency)
        call = ApiCall(method, params, headers, time.time(), 200, raw)
        if failure is not None:
            answer = _Answer(failure.status, {"ok": False, "error": failure.error}, failure.retry_after)
        elif responder is not None:
            answer = _Answer(200, responder(call))
        else:
            answer = _Answer(200, self._default_body(call))
        self._record(replace(call, status=answer.status, ok=answer.body.get("ok") is True))
        return answer

    def _record(self, call: ApiCall) -> None:
        with self._changed:
            self._calls.append(call)
            self._changed.notify_all()

    def _posted_in(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        """The app's messages in `channel` (in the thread `ts`, for conversations.replies), with their
        metadata; `oldest` is not honoured: the caller filters by what it looks for."""
        thread = params.get("ts")
        with self._changed:
            posts = [c.params for c in self._calls if c.method == "chat.postMessage" and c.ok]
        return [
            {"type": "message", "bot_id": BOT_ID, "text": p.get("text", ""), "metadata": p.get("metadata")}
            for p in posts
            if p.get("channel") == params.get("channel") and (thread is None or p.get("thread_ts") == thread)
        ]

    def _default_body(self, call: ApiCall) -> dict[str, Any]:
        p = call.params
        if call.method.startswith(_RESPONSE_URL_PREFIX):
            return {"ok": True}
        if call.token is None:
            return {"ok": False, "error": "not_authed"}
        match call.method:
            case "auth.test":
                return {
                    "ok": True,
                    "url": f"https://{TEAM_DOMAIN}.slack.com/",
                    "team": "Stand-in Team",
                    "user": "posting-bot",
                    "team_id": TEAM_ID,
                    "user_id": BOT_USER_ID,
                    "bot_id": BOT_ID,
                    "is_enterprise_install": False,
                }
            case "chat.postMessage":
                ts = new_ts()
                message = {
                    "type": "message",
                    "user": BOT_USER_ID,
                    "bot_id": BOT_ID,
                    "app_id": APP_ID,
                    "ts": ts,
                }
                message.update({k: p[k] for k in ("text", "blocks", "thread_ts") if k in p})
                return {"ok": True, "channel": p.get("channel"), "ts": ts, "message": message}
            case "conversations.history" | "conversations.replies":
                return {"ok": True, "messages": self._posted_in(p), "has_more": False}
            case "chat.postEphemeral":
                return {"ok": True, "message_ts": new_ts()}
            case "chat.update":
                message = {"type": "message", "user": BOT_USER_ID, "bot_id": BOT_ID}
                message.update({k: p[k] for k in ("text", "blocks") if k in p})
                return {"ok": True, "channel": p.get("channel"), "ts": p.get("ts"), "message": message}
            case "chat.getPermalink":
                ts = str(p.get("message_ts", "")).replace(".", "")
                link = f"https://{TEAM_DOMAIN}.slack.com/archives/{p.get('channel')}/p{ts}"
                return {"ok": True, "channel": p.get("channel"), "permalink": link}
            case "views.publish":
                view = p.get("view")
                view = json.loads(view) if isinstance(view, str) else view or {}
                return {"ok": True, "view": {"id": "V0HOME", "team_id": TEAM_ID, "app_id": APP_ID, **view}}
            case "conversations.open":
                first_user = str(p.get("users", "")).split(",")[0]
                return {"ok": True, "channel": {"id": "D" + first_user.removeprefix("U")}}
            case "users.info":
                user_id = str(p.get("user", ""))
                name = user_id.lower()
                return {
                    "ok": True,
                    "user": {
                        "id": user_id,
                        "team_id": TEAM_ID,
                        "name": name,
                        "real_name": f"Stand-in {name}",
                        "is_bot": user_id == BOT_USER_ID,
                        "deleted": False,
                        "tz": "UTC",
                        "profile": {"real_name": f"Stand-in {name}", "display_name": name},
                    },
                }
            case "apps.connections.open":
                if not call.token.startswith("xapp-"):
                    return {"ok": False, "error": "not_allowed_token_type"}
                if self.socket_mode_url is None:
                    return {"ok": False, "error": "no_socket_mode_standin_attached"}
                return {"ok": True, "url": self.socket_mode_url}
            case _:
                return {"ok": True}


@dataclass
class _Answer:
    status: int
    body: dict[str, Any]
    retry_after: int | None = None


class _Handler(BaseHTTPRequestHandler):
    # As Slack's API: connections are kept alive for clients that want it, and answers aren't held back
    # by Nagle's algorithm waiting for the client's delayed ACK of the headers.
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True

    def setup(self) -> None:
        super().setup()
        self.connection.settimeout(self.server.api.idle_timeout)  # type: ignore[attr-defined]

    def do_POST(self) -> None:
        self._handle()

    def do_GET(self) -> None:
        self._handle()

    def _handle(self) -> None:
        api: FakeSlackWebAPI = self.server.api  # type: ignore[attr-defined]
        url = urlsplit(self.path)
        headers = {k.lower(): v for k, v in self.headers.items()}
        # slack_sdk POSTs without a body (and without Content-Length) when a method has no params.
        raw = self.rfile.read(int(headers.get("content-length") or 0))
        params: dict[str, Any] = dict(parse_qsl(url.query, keep_blank_values=True))
        params.update(_parse_body(raw, headers.get("content-type", "")))

        answer = api._answer(url.path, params, headers, raw)
        if answer.status == DROP:
            self.close_connection = True  # no status line at all: the client sees the connection drop
            return
        payload = json.dumps(answer.body).encode()
        self.send_response(answer.status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(payload)))
        if answer.retry_after is not None:
            self.send_header("Retry-After", str(answer.retry_after))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, format: str, *args: Any) -> None:
        logger.debug("fake Slack Web API: " + format, *args)


def _parse_body(raw: bytes, content_type: str) -> dict[str, Any]:
    if not raw:
        return {}
    text = raw.decode("utf-8", "replace")
    if content_type.startswith("application/json"):
        parsed = json.loads(text)
        return parsed if isinstance(parsed, dict) else {"_json": parsed}
    if content_type.startswith("application/x-www-form-urlencoded"):
        return dict(parse_qsl(text, keep_blank_values=True))
    return {}  # multipart (file uploads): only `raw_body` is kept


def _summary(params: dict[str, Any]) -> str:
    text = ", ".join(f"{k}={v!r}" for k, v in params.items() if k in ("channel", "text", "user", "ts"))
    return text if len(text) <= 120 else text[:117] + "..."
