"""pytest fixtures for the Slack stand-in. Enable with `pytest_plugins = ["tests.slack_standin.fixtures"]`."""

from __future__ import annotations

import os
import socket
from collections.abc import Iterator

import pytest

from tests.environment import cleared

from .socket_mode import FakeSocketModeServer
from .web_api import FakeSlackWebAPI


def free_port() -> int:
    """A TCP port on 127.0.0.1 that was free a moment ago (for servers that need a port up front)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def clean_slack_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """Remove every SLACK_* variable (a developer's real tokens must never reach a test), proxies and the
    bot's settings: `tests.environment` lists them."""
    for name in list(os.environ):
        if cleared(name):
            monkeypatch.delenv(name)


@pytest.fixture
def slack_api(clean_slack_env: None) -> Iterator[FakeSlackWebAPI]:
    """A started FakeSlackWebAPI; point clients at `slack_api.base_url`."""
    with FakeSlackWebAPI() as api:
        yield api


@pytest.fixture
def socket_mode_server(slack_api: FakeSlackWebAPI) -> Iterator[FakeSocketModeServer]:
    """A started FakeSocketModeServer that `slack_api`'s apps.connections.open hands out."""
    with FakeSocketModeServer() as server:
        slack_api.socket_mode_url = server.url
        yield server
        slack_api.socket_mode_url = None
