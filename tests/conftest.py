"""Shared pytest setup: no developer's real Slack tokens or settings ever reach a test."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.environment import cleared

ROOT = Path(__file__).resolve().parent.parent
KNOWLEDGE = ROOT / "knowledge"
SHARED = ROOT.parent / "shared"


def require_shared(path: Path) -> None:
    """Skip a test whose input from ../shared is missing, but fail it under CI (`CI=true`): there a guard
    that skips, such as the one against copying labelled questions into the knowledge, guards nothing."""
    if path.is_file():
        return
    message = f"{path} is not present (../shared holds the labelled questions)"
    if os.environ.get("CI", "").strip().lower() in ("true", "1", "yes"):
        pytest.fail(f"{message}; CI must provide it")
    pytest.skip(message)


# The stand-ins' fixtures (`slack_api`, `socket_mode_server`, `job_boards`) and a PostgreSQL server
# (`postgres`, `database_url`) for every test.
pytest_plugins = ["tests.slack_standin.fixtures", "tests.job_boards_standin", "tests.fixtures.postgres"]


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[None]:
    """Clear SLACK_*, proxies and the bot's settings, and run from a temp dir so a developer's .env isn't
    read."""
    for name in list(os.environ):
        if cleared(name):
            monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)
    yield
