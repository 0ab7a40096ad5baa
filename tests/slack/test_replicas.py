"""Killing the bot mid-load loses no acknowledged question and answers none twice: one process on SQLite
killed with SIGKILL and restarted; two replicas on PostgreSQL behind a round-robin load balancer, with
Slack's retries landing on the other replica and one replica killed and restarted; an answer slower than
its event's lease given once.

Bounded: a few hundred events each (the benchmark, `make bench`, runs the larger figures).
"""

from __future__ import annotations

import json
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from tests.environment import run_cli
from tests.slack.harness import (
    BOT_TOKEN,
    KNOWLEDGE,
    SIGNING_SECRET,
    BotProcess,
    conversation_ids,
    get,
)
from tests.slack_standin import FakeSlackWebAPI, SlackPayload, deliver, dm_message, event_callback
from tests.slack_standin.fixtures import free_port
from tests.slack_standin.load import (
    RoundRobinProxy,
    answers_per_channel,
    send_until_acknowledged,
    wait_for_answers,
)

pytestmark = pytest.mark.e2e

fresh = conversation_ids("R")
LEASE = 2.0  # EVENT_LEASE_SECONDS for these tests: how soon a dead process's events are taken up
SENDERS = 16
POST_LATENCY = 0.1  # seconds the Slack stand-in takes over chat.postMessage in the kill tests


def replica(workdir: Path, api: FakeSlackWebAPI, port: int, **database: str) -> BotProcess:
    workdir.mkdir(parents=True, exist_ok=True)
    return BotProcess(
        workdir,
        SLACK_BOT_TOKEN=BOT_TOKEN,
        SLACK_SIGNING_SECRET=SIGNING_SECRET,
        SLACK_API_BASE_URL=api.base_url,
        PORT=str(port),
        KNOWLEDGE_DIR=str(KNOWLEDGE),
        EVENT_LEASE_SECONDS=str(LEASE),
        **database,
    )


def questions(count: int) -> tuple[list[str], list[SlackPayload]]:
    channels = [fresh("D") for _ in range(count)]
    return channels, [event_callback(dm_message("what's the salary range?", channel=c)) for c in channels]


def started(process: BotProcess, port: int) -> BotProcess:
    """Start `process` and wait until it serves; the caller stops it (`stop`)."""
    process.__enter__()
    process.wait_until_serving(f"http://127.0.0.1:{port}/healthz")
    return process


def stop(process: BotProcess) -> None:
    process.__exit__(None, None, None)


def report_totals(**database: str) -> int:
    result = run_cli("report", "--json", "--knowledge", KNOWLEDGE, env=database)
    assert result.returncode == 0, result.stderr
    return int(json.loads(result.stdout)["totals"]["questions"])


class Sender:
    """Delivers an event until it is acknowledged, as Slack retries; counts the acknowledged ones."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.acknowledged = 0
        self._lock = threading.Lock()

    def __call__(self, payload: SlackPayload) -> None:
        send_until_acknowledged(self.url, payload, SIGNING_SECRET)
        with self._lock:
            self.acknowledged += 1


def check_exactly_once(api: FakeSlackWebAPI, channels: list[str]) -> None:
    counts = wait_for_answers(api, set(channels), timeout=60)
    time.sleep(2 * LEASE + 1)  # a redelivery that would answer twice has had its chance
    counts = answers_per_channel(api)
    unanswered = [c for c in channels if counts[c] == 0]
    doubled = [c for c in channels if counts[c] > 1]
    assert (len(unanswered), len(doubled)) == (0, 0), f"unanswered {unanswered[:5]}, doubled {doubled[:5]}"


def test_kill_9_of_the_only_process_mid_load_loses_no_acknowledged_question(tmp_path: Path) -> None:
    total, kill_after = 240, 80
    port = free_port()
    database = {"DATABASE_PATH": str(tmp_path / "log.sqlite3")}
    channels, payloads = questions(total)
    send = Sender(f"http://127.0.0.1:{port}/slack/events")

    with FakeSlackWebAPI() as api:
        # Slack takes its time over a post, as it does for real: at the kill, answers are on their way.
        api.answer_after("chat.postMessage", POST_LATENCY)
        first = started(replica(tmp_path / "first", api, port, **database), port)
        with ThreadPoolExecutor(SENDERS) as senders:
            for payload in payloads:
                senders.submit(send, payload)
            while send.acknowledged < kill_after:
                time.sleep(0.005)
            assert first.process is not None
            first.process.kill()
            first.process.wait()
            in_flight = send.acknowledged - sum(answers_per_channel(api).values())
            time.sleep(0.5)
            second = started(replica(tmp_path / "second", api, port, **database), port)
            try:
                senders.shutdown(wait=True)
                check_exactly_once(api, channels)
            finally:
                stop(second)
    assert in_flight > 0, "the kill found no acknowledged event waiting: it proved nothing"
    assert report_totals(**database) == total


def test_two_replicas_on_postgres_answer_once_through_retries_and_a_kill(
    tmp_path: Path, postgres: str
) -> None:
    total, kill_after = 300, 100
    ports = [free_port(), free_port()]
    database = {"DATABASE_URL": postgres}
    channels, payloads = questions(total)
    sent = Counter[str]()
    lock = threading.Lock()

    with FakeSlackWebAPI() as api, RoundRobinProxy([f"127.0.0.1:{p}" for p in ports]) as balancer:
        api.answer_after("chat.postMessage", POST_LATENCY)
        url = f"{balancer.url}/slack/events"
        replicas = [
            started(replica(tmp_path / f"replica{n}", api, port, **database), port)
            for n, port in enumerate(ports)
        ]

        def send(payload: SlackPayload) -> None:
            send_until_acknowledged(url, payload, SIGNING_SECRET)
            # Slack thought the first delivery timed out: the retry lands on the other replica.
            deliver(url, payload, SIGNING_SECRET, retry_num=1, retry_reason="http_timeout")
            with lock:
                sent["events"] += 1

        with ThreadPoolExecutor(SENDERS) as senders:
            for payload in payloads:
                senders.submit(send, payload)
            while sent["events"] < kill_after:
                time.sleep(0.005)
            killed = replicas[1].process
            assert killed is not None
            killed.kill()
            killed.wait()
            time.sleep(0.5)
            replicas[1] = started(replica(tmp_path / "restarted", api, ports[1], **database), ports[1])
            senders.shutdown(wait=True)
        try:
            check_exactly_once(api, channels)
        finally:
            for process in replicas:
                stop(process)
    assert report_totals(**database) == total


def test_sigterm_finishes_the_answers_already_acknowledged(tmp_path: Path) -> None:
    port = free_port()
    channels, payloads = questions(12)
    with FakeSlackWebAPI() as api:
        bot = started(replica(tmp_path, api, port, DATABASE_PATH=str(tmp_path / "log.sqlite3")), port)
        try:
            # Every answer first meets a 429 and waits out Retry-After: all are in flight at the signal.
            api.fail_next("chat.postMessage", status=429, retry_after=1, times=len(payloads))
            url = f"http://127.0.0.1:{port}/slack/events"
            assert all(deliver(url, payload, SIGNING_SECRET).status == 200 for payload in payloads)
            assert bot.process is not None
            bot.process.terminate()
            assert bot.process.wait(timeout=20) == 0
        finally:
            stop(bot)
        answered = Counter(str(c.params.get("channel")) for c in api.calls("chat.postMessage") if c.ok)
    assert [answered[c] for c in channels] == [1] * len(channels)


def test_an_answer_slower_than_its_lease_is_given_once(tmp_path: Path) -> None:
    """Slack takes longer over each post than an event's lease lasts. The process renews the claims of its
    answers under way, so the inbox never offers one of them again (to this process's own redelivery or to
    another replica) while the first attempt is still posting."""
    port = free_port()
    channels, payloads = questions(4)
    with FakeSlackWebAPI() as api:
        api.answer_after("chat.postMessage", 2.5 * LEASE)
        bot = started(replica(tmp_path, api, port, DATABASE_PATH=str(tmp_path / "log.sqlite3")), port)
        try:
            url = f"http://127.0.0.1:{port}/slack/events"
            for payload in payloads:
                send_until_acknowledged(url, payload, SIGNING_SECRET)
            check_exactly_once(api, channels)
        finally:
            stop(bot)


def test_without_its_database_the_bot_still_answers_and_health_says_so(tmp_path: Path) -> None:
    port = free_port()
    unreachable = f"postgresql+psycopg://bot@/postingbot?host={tmp_path}"  # no server listens there
    with FakeSlackWebAPI() as api:
        bot = started(replica(tmp_path / "bot", api, port, DATABASE_URL=unreachable), port)
        try:
            assert get(f"http://127.0.0.1:{port}/healthz") == (200, "ok\ndatabase: unreachable\n")
            channels, payloads = questions(3)
            url = f"http://127.0.0.1:{port}/slack/events"
            assert all(deliver(url, payload, SIGNING_SECRET).status == 200 for payload in payloads)
            retried = deliver(url, payloads[0], SIGNING_SECRET, retry_num=1)  # de-duplicated in memory
            assert retried.status == 200
            wait_for_answers(api, set(channels), timeout=20)
            bot.wait_for_log("could not record the question")
            time.sleep(1)
            assert [answers_per_channel(api)[c] for c in channels] == [1, 1, 1]
            assert "kept in memory only" in bot.log() and "de-duplicating in this process only" in bot.log()
        finally:
            stop(bot)
