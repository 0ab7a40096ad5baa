"""Serving the app in HTTP mode, behind waitress (Socket Mode: bot.slack.socket_mode)."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from typing import Any

import waitress
from slack_bolt import App
from slack_bolt.adapter.wsgi import SlackRequestHandler

EVENTS_PATH = "/slack/events"
HEALTH_PATH = "/healthz"
MAX_BODY = 1024 * 1024  # Slack's largest payloads are far smaller; refuse anything bigger unread
SERVER_THREADS = 8

logger = logging.getLogger(__name__)

StartResponse = Callable[..., Any]
WsgiApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]


def wsgi_app(app: App, database_reachable: Callable[[], bool] | None = None) -> WsgiApp:
    """`POST /slack/events` for events, commands and interactivity; `GET /healthz` -> 200; else 404.

    /healthz also says whether the database answers, but stays 200 without it: the bot still answers
    then (see docs/deploy.md), and a load balancer must not take every replica out at once.
    """
    slack = SlackRequestHandler(app, path=EVENTS_PATH)

    def application(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        if environ.get("PATH_INFO") == HEALTH_PATH and environ.get("REQUEST_METHOD") in ("GET", "HEAD"):
            body = b"ok\n"
            if database_reachable is not None:
                body += b"database: ok\n" if database_reachable() else b"database: unreachable\n"
            headers = [("Content-Type", "text/plain; charset=utf-8"), ("Content-Length", str(len(body)))]
            start_response("200 OK", headers)
            return [body]
        return slack(environ, start_response)

    return application


def serve_http(app: App, port: int, database_reachable: Callable[[], bool] | None = None) -> None:
    """Block serving HTTP on every interface at `port` (waitress: a production WSGI server)."""
    logger.info("HTTP mode: listening on port %d (%s, %s)", port, EVENTS_PATH, HEALTH_PATH)
    waitress.serve(
        wsgi_app(app, database_reachable),
        listen=f"*:{port}",
        threads=SERVER_THREADS,
        max_request_body_size=MAX_BODY,
        ident="posting-bot",
        _quiet=True,
    )
