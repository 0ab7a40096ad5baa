"""A local stand-in for the Greenhouse Job Board API and the Lever Postings API.

A real HTTP server on 127.0.0.1 (a free port) answering the public read endpoints from recorded-shape
JSON a test puts in `routes`. A route may instead answer with a status, headers and a raw body, so tests
see 404s, 429s with Retry-After and malformed bodies exactly as urllib would from the real services; or with
a tuple of replies (or JSON data), one per request in turn, the last repeated.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest


@dataclass
class Reply:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class JobBoards:
    url: str
    routes: dict[str, Any] = field(default_factory=dict)  # "/v1/boards/acme/jobs" -> JSON data or a Reply
    requests: list[str] = field(default_factory=list)  # paths asked for, with their query

    def serve(self, path: str, data: Any) -> None:
        self.routes[path] = data


def _handler(boards: JobBoards) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            boards.requests.append(self.path)
            route = boards.routes.get(self.path.split("?", 1)[0])
            if isinstance(route, tuple):
                boards.routes[self.path.split("?", 1)[0]] = route[1:] or route
                route = route[0]
            if route is None:
                reply = Reply(404, b'{"status": 404, "error": "Job not found"}')
            elif isinstance(route, Reply):
                reply = route
            else:
                reply = Reply(200, json.dumps(route).encode())
            self.send_response(reply.status)
            self.send_header("Content-Type", "application/json")
            for name, value in reply.headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(reply.body)))
            self.end_headers()
            self.wfile.write(reply.body)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    return Handler


@pytest.fixture
def job_boards() -> Iterator[JobBoards]:
    boards = JobBoards("")
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(boards))
    boards.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield boards
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
