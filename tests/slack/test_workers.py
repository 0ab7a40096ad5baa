"""HTTP_WORKERS: one `posting-bot run` answering from several processes on one port, as a real process.

A worker killed mid-load is restarted and what it had acknowledged is answered once, by a worker; SIGTERM
stops every worker with the parent; a parent killed outright takes its workers with it.
"""

from __future__ import annotations

import os
import signal
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from tests.fixtures.kb import copy_bundled
from tests.fixtures.recruiter import ADMIN_CHANNEL, SEED, slack_app, wait_for
from tests.slack.harness import BotProcess
from tests.slack.test_replicas import (
    POST_LATENCY,
    SENDERS,
    Sender,
    check_exactly_once,
    questions,
    replica,
    report_totals,
    started,
    stop,
)
from tests.slack_standin import FakeSlackWebAPI
from tests.slack_standin.fixtures import free_port

pytestmark = pytest.mark.e2e

WORKERS = 2


def workers_of(bot: BotProcess, count: int = WORKERS, timeout: float = 30) -> list[int]:
    """The pids of `bot`'s workers once `count` of them run (Linux: read from /proc)."""
    assert bot.process is not None
    pid = bot.process.pid
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        children = [int(child) for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
        if len(children) == count:
            return children
        bot.assert_alive()
        time.sleep(0.05)
    raise AssertionError(f"{count} workers not running within {timeout}s; the log:\n{bot.log()}")


def is_running(pid: int) -> bool:
    """Whether `pid` is a process that hasn't exited (a zombie has: it only waits to be reaped)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return False
    return state != "Z"


def wait_gone(pids: list[int], timeout: float) -> list[int]:
    """Block until none of `pids` runs, or `timeout`; those still running."""
    deadline = time.monotonic() + timeout
    while (running := [pid for pid in pids if is_running(pid)]) and time.monotonic() < deadline:
        time.sleep(0.05)
    return running


def test_a_worker_killed_mid_load_is_restarted_and_every_question_answered_once(tmp_path: Path) -> None:
    total, kill_after = 240, 80
    port = free_port()
    database = {"DATABASE_PATH": str(tmp_path / "log.sqlite3")}
    channels, payloads = questions(total)
    send = Sender(f"http://127.0.0.1:{port}/slack/events")
    with FakeSlackWebAPI() as api:
        api.answer_after("chat.postMessage", POST_LATENCY)  # at the kill, answers are on their way
        bot = replica(tmp_path, api, port, HTTP_WORKERS=str(WORKERS), **database)
        try:
            started(bot, port)
            first, second = workers_of(bot)
            with ThreadPoolExecutor(SENDERS) as senders:
                for payload in payloads:
                    senders.submit(send, payload)
                while send.acknowledged < kill_after:
                    time.sleep(0.005)
                os.kill(second, signal.SIGKILL)
                in_flight = send.acknowledged - sum(1 for c in api.calls("chat.postMessage") if c.ok)
                bot.wait_for_log("exited (killed by signal 9); starting it again")
                senders.shutdown(wait=True)
            check_exactly_once(api, channels)
            assert "left unanswered" in bot.log(), "no event of the killed worker's was taken up again"
            restarted = workers_of(bot)
            assert first in restarted and second not in restarted
        finally:
            stop(bot)
    assert in_flight > 0, "the kill found no acknowledged event waiting: it proved nothing"
    assert report_totals(**database) == total


def test_sigterm_stops_every_worker_and_then_the_parent(tmp_path: Path) -> None:
    port = free_port()
    with FakeSlackWebAPI() as api:
        bot = replica(tmp_path, api, port, HTTP_WORKERS="3", DATABASE_PATH=str(tmp_path / "log.sqlite3"))
        try:
            started(bot, port)
            workers = workers_of(bot, 3)
            assert bot.process is not None
            bot.process.terminate()
            assert bot.process.wait(timeout=30) == 0
            assert wait_gone(workers, timeout=5) == []
        finally:
            stop(bot)


def test_workers_stop_when_their_parent_is_killed_outright(tmp_path: Path) -> None:
    port = free_port()
    with FakeSlackWebAPI() as api:
        bot = replica(tmp_path, api, port, HTTP_WORKERS=str(WORKERS), DATABASE_PATH=str(tmp_path / "db"))
        try:
            started(bot, port)
            workers = workers_of(bot)
            assert bot.process is not None
            bot.process.kill()
            bot.process.wait()
            assert wait_gone(workers, timeout=15) == [], "orphaned workers kept the port"
        finally:
            stop(bot)


def test_a_broken_edit_reaches_the_admin_channel_once_whatever_the_workers(tmp_path: Path) -> None:
    knowledge = copy_bundled(tmp_path / "kb")
    posting = knowledge / "postings" / f"{SEED}.yaml"
    with slack_app(tmp_path, knowledge, HTTP_WORKERS=str(WORKERS)) as app:
        workers_of(app.process)
        posting.write_text(posting.read_text(encoding="utf-8").replace("min: 118938", "min: lots"))
        # Every worker reloads the knowledge, and logs what is wrong with it; one tells the admins.
        app.posts(ADMIN_CHANNEL)
        wait_for(lambda: app.process.log().count("salary.min: Input should be") >= WORKERS, "both reloads")
        time.sleep(1)  # a second post, if any, has had its chance
        to_admins = [c for c in app.api.calls("chat.postMessage") if c.params.get("channel") == ADMIN_CHANNEL]
        assert len(to_admins) == 1
