"""Serving the app in HTTP mode, behind waitress (Socket Mode: bot.slack.socket_mode)."""

from __future__ import annotations

import logging
import resource
import socket
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import waitress
from slack_bolt import App
from slack_bolt.adapter.wsgi import SlackRequestHandler

from bot.slack.signed_only import StartResponse, WsgiApp, plain, signed_only

EVENTS_PATH = "/slack/events"
HEALTH_PATH = "/healthz"
MAX_BODY = 1024 * 1024  # Slack's largest payloads are far smaller; refuse anything bigger unread (413)
MAX_HEADERS = 64 * 1024  # Slack sends a few hundred bytes of headers
SERVER_THREADS = 8

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class HttpLimits:
    """How much of the server one client can hold (HTTP_MAX_CONNECTIONS, HTTP_IDLE_TIMEOUT)."""

    max_connections: int = 1000
    idle_timeout: int = 10  # seconds; Slack sends a whole request at once and gives up after 3 s


def wsgi_app(app: App, signing_secret: str, database_reachable: Callable[[], bool] | None = None) -> WsgiApp:
    """`POST /slack/events` for events, commands and interactivity; `GET /healthz` -> 200; else 404.

    Only requests signed with `signing_secret` reach Bolt (see signed_only). /healthz also says whether the
    database answers, but stays 200 without it: the bot still answers then (see docs/deploy.md), and a
    load balancer must not take every replica out at once.
    """
    slack = signed_only(SlackRequestHandler(app, path=EVENTS_PATH), signing_secret, MAX_BODY)

    def application(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        path, method = environ.get("PATH_INFO"), environ.get("REQUEST_METHOD")
        if path == HEALTH_PATH and method in ("GET", "HEAD"):
            health = "ok"
            if database_reachable is not None:
                health += "\ndatabase: " + ("ok" if database_reachable() else "unreachable")
            return plain(start_response, "200 OK", health)
        if path == EVENTS_PATH and method == "POST":
            return slack(environ, start_response)
        return plain(start_response, "404 Not Found", "not found")

    return application


def serve_http(
    app: App,
    signing_secret: str,
    port: int,
    limits: HttpLimits = HttpLimits(),
    database_reachable: Callable[[], bool] | None = None,
    listening: socket.socket | None = None,
) -> None:
    """Block serving HTTP on every interface at `port`, or on the socket `listening` (a worker's, see
    bot.slack.workers), with waitress: a production WSGI server.

    An idle or trickling connection is dropped after `limits.idle_timeout`; past `limits.max_connections`
    new connections wait in the listen backlog. waitress's defaults (100 connections kept 120 s) let a
    hundred idle sockets stop the bot.
    """
    logger.info("HTTP mode: listening on port %d (%s, %s)", port, EVENTS_PATH, HEALTH_PATH)
    _allow_open_files(limits.max_connections + 64)
    where: dict[str, Any] = {"sockets": [listening]} if listening else {"listen": f"*:{port}"}
    waitress.serve(
        wsgi_app(app, signing_secret, database_reachable),
        **where,
        threads=SERVER_THREADS,
        connection_limit=limits.max_connections,
        channel_timeout=limits.idle_timeout,
        cleanup_interval=max(1, limits.idle_timeout // 2),
        max_request_body_size=MAX_BODY,
        max_request_header_size=MAX_HEADERS,
        asyncore_use_poll=True,  # select() fails past file descriptor 1024
        ident="posting-bot",
        _quiet=True,
    )


def _allow_open_files(needed: int) -> None:
    """Raise the soft open-file limit toward `needed` (each connection is one), as far as the hard limit."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft != resource.RLIM_INFINITY and soft < needed:
        target = needed if hard == resource.RLIM_INFINITY else min(needed, hard)
        resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
