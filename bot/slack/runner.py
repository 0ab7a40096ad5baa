"""`posting-bot run`: check the Slack settings, connect, and serve until stopped.

Every setting is checked before anything starts; a bad one raises ConfigError naming the variable (the
CLI prints it as one line and exits 2). Secrets are never printed or logged.
"""

from __future__ import annotations

import logging
import os
import re
import signal
import sys
from collections.abc import Callable
from types import FrameType
from typing import Any
from urllib.parse import urlsplit

from pydantic import SecretStr
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.web import SlackResponse

from bot.database import Database, StoreError
from bot.inbox import Inbox
from bot.knowledge.gc_pause import freeze_long_lived
from bot.knowledge.reload import LiveKnowledge
from bot.settings import Settings
from bot.slack import kept_alive
from bot.slack.admin import problems_poster
from bot.slack.app import build_app, web_client
from bot.slack.durable import Redelivery
from bot.slack.journal import StoreJournal
from bot.slack.once import SharedGate
from bot.slack.server import HttpLimits, serve_http
from bot.slack.services import KnowledgeProvider, Services, retry_handlers
from bot.slack.socket_mode import serve_socket_mode
from bot.slack.workers import (
    WorkerRefused,
    inherited_socket,
    is_first_worker,
    serve_workers,
    stop_with_parent,
)
from bot.store import Store

logger = logging.getLogger(__name__)
_SILENT = logging.getLogger(f"{__name__}.probe")
_SILENT.addHandler(logging.NullHandler())
_SILENT.propagate = False

_READ_BY_BOLT = (
    "SLACK_BOT_TOKEN",
    "SLACK_SIGNING_SECRET",
    "SLACK_APP_TOKEN",
    "SLACK_CLIENT_ID",
    "SLACK_CLIENT_SECRET",
    "SLACK_VERIFICATION_TOKEN",
)
_CHANNEL_ID = re.compile(r"^[CG][A-Z0-9]{2,}$")


class ConfigError(Exception):
    """A setting is missing, malformed or refused by Slack; the message names the variable."""


def run(settings: Settings, knowledge: LiveKnowledge) -> None:
    """Serve the Slack app: Socket Mode when SLACK_APP_TOKEN is set, else HTTP on PORT. Blocks."""
    bot_token = _token(settings.slack_bot_token, "SLACK_BOT_TOKEN", "xoxb-", "a bot token")
    if bot_token is None:
        raise ConfigError("SLACK_BOT_TOKEN is not set (the bot token, xoxb-..., from OAuth & Permissions)")
    app_token = _token(settings.slack_app_token, "SLACK_APP_TOKEN", "xapp-", "an app-level token")
    signing_secret = settings.slack_signing_secret.get_secret_value() if settings.slack_signing_secret else ""
    if app_token is None and not signing_secret:
        raise ConfigError(
            "SLACK_SIGNING_SECRET is not set: HTTP mode needs it to verify requests "
            "(or set SLACK_APP_TOKEN for Socket Mode)"
        )
    base_url = _base_url(settings.slack_api_base_url)
    for name, channel in (
        ("RECRUITER_CHANNEL", settings.recruiter_channel),
        ("ADMIN_CHANNEL", settings.admin_channel),
    ):
        if channel and not _CHANNEL_ID.match(channel):
            raise ConfigError(
                f"{name} must be a channel ID such as C0123ABCD, not {channel!r} "
                "(channel details → About → Channel ID)"
            )
    _check_posting(settings, knowledge)
    try:
        database = Database(settings.database())
    except StoreError as exc:
        raise ConfigError(f"DATABASE_URL: {exc}") from exc

    kept_alive.install()  # every Web API call and response_url post reuses its connection
    identity = _sign_in(bot_token, app_token, base_url)
    logger.info("signed in to %s as %s", identity.get("team"), identity.get("user"))
    listening = inherited_socket()
    if listening is not None:
        stop_with_parent()
    elif app_token is None and settings.http_workers > 1:
        try:
            serve_workers(settings.http_workers, settings.port)  # each a `posting-bot run` of its own
        except WorkerRefused as exc:
            raise ConfigError(f"{exc}: see its error above") from exc
        return

    # Bolt and slack_sdk also read these straight from the environment (and SLACK_CLIENT_ID would switch
    # Bolt to OAuth); the settings are the one source, so nothing else may pick them up.
    for name in _READ_BY_BOLT:
        os.environ.pop(name, None)
    client = web_client(bot_token, base_url)
    store = Store(database, settings.user_hash_key(), settings.retention_days)
    inbox = Inbox(database, settings.event_lease_seconds)
    events = SharedGate(inbox)
    services = Services(
        settings,
        knowledge,
        client,
        StoreJournal(store),
        events=events,
        store=store,
        reload=knowledge.reload,
    )
    app = build_app(services, signing_secret, inbox=events)
    # Edits to the knowledge go live while serving; a broken edit is posted to ADMIN_CHANNEL.
    knowledge.on_problems = problems_poster(client, settings.admin_channel if is_first_worker() else None)
    knowledge.start_watching()
    # Questions a dead process acknowledged but never answered, and answers that failed, are tried again.
    Redelivery(app, events).start()
    signal.signal(signal.SIGTERM, _exit)  # a container stop is a clean shutdown, not an error
    freeze_long_lived()  # no full collection walks the libraries and the knowledge mid-answer again
    if app_token is None:
        limits = HttpLimits(settings.http_max_connections, settings.http_idle_timeout)
        serve_http(app, signing_secret, settings.port, limits, database.reachable, listening)
        return
    serve_socket_mode(app, app_token)


def _sign_in(bot_token: str, app_token: str | None, base_url: str | None) -> dict[str, Any]:
    """Ask Slack whether it takes the tokens before serving anything; a refusal names the variable.

    The probe logs nothing: its failures become one ConfigError line, not a page of retries.
    """
    probe = WebClient(
        token=bot_token,
        base_url=base_url or WebClient.BASE_URL,
        retry_handlers=retry_handlers(),
        logger=_SILENT,
    )
    identity = _probe("SLACK_BOT_TOKEN", base_url, probe.auth_test)
    if app_token is not None:
        # Socket Mode's first step; the URL it hands out simply expires unused.
        _probe("SLACK_APP_TOKEN", base_url, lambda: probe.apps_connections_open(app_token=app_token))
    return identity


def _probe(name: str, base_url: str | None, call: Callable[[], SlackResponse]) -> dict[str, Any]:
    try:
        response = call()
    except SlackApiError as exc:
        raise ConfigError(f"{name} was refused by Slack ({exc.response.get('error')})") from exc
    except OSError as exc:
        where = base_url or WebClient.BASE_URL
        raise ConfigError(
            f"cannot reach the Slack Web API at {where} ({exc}); check SLACK_API_BASE_URL"
        ) from exc
    return response.data if isinstance(response.data, dict) else {}


def _token(value: SecretStr | None, name: str, prefix: str, kind: str) -> str | None:
    if value is None:
        return None
    token = value.get_secret_value().strip()
    if not token.startswith(prefix) or any(c.isspace() for c in token):
        raise ConfigError(f"{name} must be {kind} starting with {prefix}")
    return token


def _base_url(value: str | None) -> str | None:
    """SLACK_API_BASE_URL as slack_sdk needs it: http(s), ending in '/' (it joins method names on)."""
    if not value:
        return None
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ConfigError(
            f"SLACK_API_BASE_URL must be an http(s) URL such as https://slack.com/api/, not {value!r}"
        )
    return value if value.endswith("/") else value + "/"


def _check_posting(settings: Settings, knowledge: KnowledgeProvider) -> None:
    if settings.default_posting is None:
        return  # one posting answers everything; with several, questions are routed
    try:
        knowledge().posting(settings.default_posting)
    except KeyError as exc:
        raise ConfigError(f"DEFAULT_POSTING: {exc.args[0]}") from exc


def _exit(signum: int, frame: FrameType | None) -> None:
    logger.info("stopping (signal %d)", signum)
    sys.exit(0)
