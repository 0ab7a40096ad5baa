"""Shared pytest setup: no developer's real Slack tokens or settings ever reach a test."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
KNOWLEDGE = ROOT / "knowledge"
SHARED = ROOT.parent / "shared"

# The Slack stand-in's fixtures (`slack_api`, `socket_mode_server`) and a PostgreSQL server (`postgres`).
pytest_plugins = ["tests.slack_standin.fixtures", "tests.fixtures.postgres"]

_SETTINGS = (
    "KNOWLEDGE_DIR",
    "DEFAULT_POSTING",
    "PORT",
    "RECRUITER_CHANNEL",
    "ADMIN_CHANNEL",
    "ADMIN_USER_IDS",
    "DATABASE_PATH",
    "DATABASE_URL",
    "RETENTION_DAYS",
    # slack_sdk honours proxies itself and ignores NO_PROXY: loopback traffic must never go through one.
    "HTTP_PROXY",
    "HTTPS_PROXY",
    "http_proxy",
    "https_proxy",
)


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[None]:
    """Clear SLACK_* and the bot's settings, and run from a temp dir so a developer's .env isn't read."""
    for name in list(os.environ):
        if name.startswith("SLACK_") or name in _SETTINGS:
            monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)
    yield
