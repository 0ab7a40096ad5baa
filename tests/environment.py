"""The one list of environment variables no test may inherit, and `posting-bot` run as a process without them.

Cleared: every setting the bot reads (taken from `Settings`, so a new setting is cleared the day it is
added), everything SLACK_* (slack_sdk and Bolt read some themselves, and a developer's real tokens must never
reach a test), and proxies (slack_sdk honours them and ignores NO_PROXY, so loopback traffic would go out).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from bot.settings import Settings

SETTINGS = frozenset(name.upper() for name in Settings.model_fields)
PROXIES = frozenset({"HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY"})


def cleared(name: str) -> bool:
    """Whether a test must not inherit the variable `name`."""
    upper = name.upper()
    return upper.startswith("SLACK_") or upper in SETTINGS or upper in PROXIES


def clean_env(**settings: str) -> dict[str, str]:
    """This process's environment without any cleared variable, plus `settings`."""
    env = {name: value for name, value in os.environ.items() if not cleared(name)}
    env.update(settings)
    return env


def run_cli(
    *args: str | Path,
    stdin: str | None = None,
    env: dict[str, str] | None = None,
    cwd: Path | None = None,
    timeout: float = 120,
) -> subprocess.CompletedProcess[str]:
    """`python -m bot ARGS` to completion in a fresh process, configured only by `env` (and a `.env` in
    `cwd`, the test's working directory by default)."""
    return subprocess.run(
        [sys.executable, "-m", "bot", *map(str, args)],
        input=stdin,
        stdin=None if stdin is not None else subprocess.DEVNULL,
        capture_output=True,
        text=True,
        env=clean_env(**(env or {})),
        cwd=cwd,
        timeout=timeout,  # a hung process should fail the test, not the whole run
        check=False,
    )
