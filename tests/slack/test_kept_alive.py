"""Web API calls over kept-alive connections (`bot.slack.kept_alive`): slack_sdk's own clients, unchanged,
against the Slack stand-in over real sockets — connections reused, and every call still made exactly once
when the server closes one, drops one or answers with an error."""

from __future__ import annotations

import json
import os
import resource
import threading
import time
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from slack_sdk import WebClient
from slack_sdk.webhook import WebhookClient

from bot.slack import kept_alive
from bot.slack.services import retry_handlers
from tests.slack_standin import FakeSlackWebAPI
from tests.slack_standin.web_api import DROP


@pytest.fixture(autouse=True)
def _installed() -> Iterator[None]:
    kept_alive.install()
    yield
    urllib.request.install_opener(None)  # urlopen's stock opener again, for the rest of the run


def client(api: FakeSlackWebAPI) -> WebClient:
    return WebClient(token="xoxb-kept", base_url=api.base_url, retry_handlers=retry_handlers())


def post(web: WebClient, n: int) -> None:
    assert web.chat_postMessage(channel="D0KEPT", text=f"answer {n}")["ok"]


def texts(api: FakeSlackWebAPI) -> list[str]:
    return [c.params["text"] for c in api.calls("chat.postMessage") if c.status == 200]


def test_one_thread_posts_everything_over_one_connection() -> None:
    with FakeSlackWebAPI() as api:
        web = client(api)
        for n in range(30):
            post(web, n)
        assert texts(api) == [f"answer {n}" for n in range(30)]
        assert api.connections == 1


def test_threads_keep_a_connection_each() -> None:
    with FakeSlackWebAPI() as api:
        web = client(api)
        with ThreadPoolExecutor(4) as pool:
            list(pool.map(lambda n: post(web, n), range(80)))
        assert sorted(texts(api)) == sorted(f"answer {n}" for n in range(80))
        assert api.connections <= 4


def test_a_connection_the_server_closed_while_idle_is_replaced_not_written_to() -> None:
    with FakeSlackWebAPI(idle_timeout=0.2) as api:
        web = WebClient(token="xoxb-kept", base_url=api.base_url, retry_handlers=[])  # the first try must do
        post(web, 1)
        time.sleep(0.6)  # the stand-in has closed the idle connection
        post(web, 2)
        assert [(c.params["text"], c.status) for c in api.calls("chat.postMessage")] == [
            ("answer 1", 200),
            ("answer 2", 200),
        ]
        assert api.connections == 2


def test_a_connection_numbered_past_1024_is_reused_too() -> None:
    # A busy bot has many sockets open (candidates' connections, the database): select() can't watch those.
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard != resource.RLIM_INFINITY and hard < 1200:
        pytest.skip(f"at most {hard} open files here")
    resource.setrlimit(resource.RLIMIT_NOFILE, (max(soft, 1200), hard))
    filler = [os.open(os.devnull, os.O_RDONLY) for _ in range(1100)]
    try:
        with FakeSlackWebAPI() as api:
            web = client(api)
            for n in range(3):
                post(web, n)
            assert api.connections == 1
    finally:
        for fd in filler:
            os.close(fd)
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))


def test_an_error_answer_is_read_through_and_its_connection_reused() -> None:
    with FakeSlackWebAPI() as api:
        web = client(api)
        api.fail_next("chat.postMessage", status=429, retry_after=0)
        api.fail_next("chat.postMessage", status=500)
        post(web, 1)  # retried twice by the retry handlers, then posted
        post(web, 2)
        statuses = [c.status for c in api.calls("chat.postMessage")]
        assert sorted(statuses[:2]) == [429, 500] and statuses[2:] == [200, 200]
        assert texts(api) == ["answer 1", "answer 2"]
        assert api.connections == 1


def test_a_dropped_connection_is_an_error_the_retry_handlers_see() -> None:
    with FakeSlackWebAPI() as api:
        web = client(api)
        post(web, 1)
        api.fail_next("chat.postMessage", status=DROP)
        post(web, 2)  # dropped on the kept connection, retried on a new one
        assert [c.status for c in api.calls("chat.postMessage")] == [200, DROP, 200]
        assert texts(api) == ["answer 1", "answer 2"]
        assert api.connections == 2


def test_response_url_posts_keep_their_connection_too() -> None:
    with FakeSlackWebAPI() as api:
        hook = WebhookClient(api.response_url("kept"), retry_handlers=retry_handlers())
        for n in range(5):
            assert hook.send(text=f"update {n}").status_code == 200
        posted = api.wait_for_response("kept", 5)
        assert [c.params["text"] for c in posted] == [f"update {n}" for n in range(5)]
        assert api.connections == 1


class _ClosingHandler(BaseHTTPRequestHandler):
    """A server that closes every connection after its answer (HTTP/1.0), as proxies may."""

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        body = json.dumps({"ok": True}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        pass


class _CountingServer(ThreadingHTTPServer):
    connections = 0

    def process_request(self, request: Any, client_address: Any) -> None:
        self.connections += 1
        super().process_request(request, client_address)


def test_a_server_that_closes_after_each_answer_gets_a_new_connection_each_time() -> None:
    server = _CountingServer(("127.0.0.1", 0), _ClosingHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        web = WebClient(token="xoxb-kept", base_url=f"http://127.0.0.1:{server.server_address[1]}/api/")
        for n in range(3):
            post(web, n)
        assert server.connections == 3
    finally:
        server.shutdown()
        server.server_close()
