"""Harness for end-to-end tests: `posting-bot run` as a subprocess, and reading what it posted.

The process gets a clean environment (`tests.environment`: no developer SLACK_* variables, no proxies, no
.env) plus what the test passes, and its log goes to a file the tests read.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import re
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, Self

from pydantic import SecretStr

from bot.settings import Settings
from bot.store import hash_user
from tests.conftest import ROOT
from tests.environment import clean_env
from tests.slack_standin import ApiCall, FakeSlackWebAPI
from tests.slack_standin.fixtures import free_port

BOT_TOKEN = "xoxb-e2e-bot-token"
APP_TOKEN = "xapp-1-e2e-app-token"
SIGNING_SECRET = "e2e-signing-secret"
RECRUITER_CHANNEL = "C0RECRUIT"
KNOWLEDGE = ROOT / "tests" / "slack" / "knowledge"

_no_proxy = urllib.request.build_opener(urllib.request.ProxyHandler({}))


class BotProcess:
    """A running `posting-bot run`. Use as a context manager; `log()` reads what it logged so far.

    It logs at DEBUG unless told otherwise: the most it can log is what the tests check for secrets, and
    its "listeners idle" lines tell a test when every delivery so far was fully handled.
    """

    def __init__(self, workdir: Path, **settings: str) -> None:
        self.workdir = workdir
        self.log_path = workdir / "posting-bot.log"
        self.settings = {"LOG_LEVEL": "DEBUG", **settings}
        self.process: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> Self:
        with self.log_path.open("wb") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "bot", "run"],
                cwd=self.workdir,
                env=clean_env(**self.settings),
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
            )
        return self

    def __exit__(self, *exc_info: object) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def wait_for_log(self, text: str, timeout: float = 10) -> str:
        """Block until the log contains `text`; returns the log."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            log = self.log()
            if text in log:
                return log
            time.sleep(0.05)
        raise AssertionError(f"{text!r} not logged within {timeout}s; the log:\n{self.log()}")

    def wait_idle_after(self, moment: float, timeout: float = 10) -> None:
        """Block until the app logs that its listeners went idle after unix time `moment`."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if any(float(at) >= moment for at in _IDLE.findall(self.log())):
                return
            self.assert_alive()
            time.sleep(0.02)
        raise AssertionError(f"listeners not idle after {moment} within {timeout}s; the log:\n{self.log()}")

    def assert_alive(self) -> None:
        assert self.process is not None
        code = self.process.poll()
        assert code is None, f"posting-bot run exited with {code}; its log:\n{self.log()}"

    def wait_until_serving(self, url: str, timeout: float = 30) -> None:
        """Poll `url` (the health check) until it answers 200; fail with the log if the process died."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self.assert_alive()
            try:
                with _no_proxy.open(url, timeout=2) as response:
                    if response.status == 200:
                        return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass  # not listening yet, or (HTTP_WORKERS) listening with no worker ready to answer
            time.sleep(0.1)
        raise AssertionError(f"posting-bot run did not serve {url} within {timeout}s; its log:\n{self.log()}")


@contextlib.contextmanager
def http_mode(
    workdir: Path, knowledge: Path, **settings: str
) -> Iterator[tuple[BotProcess, str, FakeSlackWebAPI]]:
    """`posting-bot run` in HTTP mode on a fresh stand-in, already serving: process, URL, stand-in."""
    port = free_port()
    with FakeSlackWebAPI() as api:
        process = BotProcess(
            workdir,
            SLACK_BOT_TOKEN=BOT_TOKEN,
            SLACK_SIGNING_SECRET=SIGNING_SECRET,
            SLACK_API_BASE_URL=api.base_url,
            PORT=str(port),
            KNOWLEDGE_DIR=str(knowledge),
            **settings,
        )
        with process:
            url = f"http://127.0.0.1:{port}"
            process.wait_until_serving(f"{url}/healthz")
            yield process, url, api


def pseudonym(user: str) -> str:
    """How an app started by `http_mode` names `user` in its log: no HASH_KEY, so the key derives from
    the signing secret. Never the raw user id."""
    key = Settings(_env_file=None, slack_signing_secret=SecretStr(SIGNING_SECRET)).user_hash_key()
    return hash_user(key, user) or "-"


def get(url: str) -> tuple[int, str]:
    """GET without proxies; (status, body) for any status."""
    try:
        with _no_proxy.open(url, timeout=5) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


# ---- reading what the app posted ------------------------------------------------------------------


def blocks_of(call: ApiCall) -> list[dict[str, Any]]:
    blocks = call.params.get("blocks") or []
    return json.loads(blocks) if isinstance(blocks, str) else list(blocks)


def buttons_in(blocks: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [e for b in blocks for e in b.get("elements", []) if e.get("type") == "button"]


def button(call: ApiCall, action_id: str) -> dict[str, Any]:
    """The first button in the posted blocks whose action_id starts with `action_id`."""
    for element in buttons_in(blocks_of(call)):
        if element["action_id"].startswith(action_id):
            return element
    raise AssertionError(f"no {action_id} button in {blocks_of(call)}")


def action_ids(call: ApiCall) -> list[str]:
    return [e["action_id"] for b in blocks_of(call) for e in b.get("elements", []) if "action_id" in e]


def shown_text(call: ApiCall) -> str:
    """Everything a person could see in a posted message: the fallback text and every block's text."""
    return json.dumps({"text": call.params.get("text"), "blocks": blocks_of(call)}, ensure_ascii=False)


def to_channel(channel: str) -> Callable[[ApiCall], bool]:
    return lambda call: call.params.get("channel") == channel and call.status == 200


def conversation_ids(tag: str) -> Callable[[str], str]:
    """`fresh(prefix)` for one test module: a conversation ID no other test uses, `tag` telling modules'
    IDs apart in a log."""
    count = itertools.count(1)
    return lambda prefix: f"{prefix}0{tag}{next(count):04d}"


_IDLE = re.compile(r"listeners idle at (\d+\.\d+)")
MARKER = "is relocation covered"
MARKER_ANSWER = "Relocation assistance is not provided."


def settle(
    process: BotProcess, api: FakeSlackWebAPI, channel: str, dm: Callable[[str, str], object]
) -> list[ApiCall]:
    """The app's posts in `channel` once every delivery so far was fully handled. The marker's own answer
    is left out, so a conversation the app ignored settles to [].

    A marker question sent last (`dm(text, channel)`) is answered while its listener is still running; the
    app's listeners going idle after that moment means every earlier delivery's listener had finished too.
    """
    dm(MARKER, channel)
    in_channel = to_channel(channel)
    [marker] = api.wait_for(
        "chat.postMessage", predicate=lambda c: in_channel(c) and c.params.get("text") == MARKER_ANSWER
    )
    process.wait_idle_after(marker.time)
    posts = api.calls("chat.postMessage")
    return [c for c in posts if in_channel(c) and c.params.get("text") != MARKER_ANSWER]
