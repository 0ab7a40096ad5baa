"""Slack latency in HTTP mode: a signed event reaching the app to its chat.postMessage, over real sockets.

    python -m bench.slack_latency [--events 200] [--knowledge DIR]

`posting-bot run` is started as a subprocess against the local Slack stand-in (tests/slack_standin), the way
the end-to-end tests run it. Each event is a candidate's DM, signed with Slack's v0 scheme and sent one at a
time; the latency of an event is the stand-in's receipt of the answer's chat.postMessage minus the moment
the event was sent (same machine, same clock). Also printed: the time to Slack's ack (the HTTP 200), and the
same figures for 40,000-character messages.
"""

from __future__ import annotations

import argparse
import itertools
import os
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from tests.slack_standin import ApiCall, FakeSlackWebAPI, deliver, dm_message, event_callback
from tests.slack_standin.fixtures import free_port

ROOT = Path(__file__).resolve().parent.parent
SECRET = "bench-signing-secret"
# Everyday questions in the bench's own words (none from the labelled evaluation sets).
QUESTIONS = [
    "how much does this job pay?",
    "is there help with moving costs",
    "which team is this for",
    "what do I need to know to apply",
    "do you sponsor work visas?",
    "can I work from home",
    "tell me about the company",
    "do I get stock",
    "what will I be doing day to day",
    "I'd like to talk to a person",
    "whats the weather in paris",
    "hi there",
]
LONG = ("what is the salary range? " + "and here is a lot more text to read " * 1200)[:40_000]


@dataclass(frozen=True)
class Sample:
    ack: float  # seconds until the app answered the HTTP request
    post: float  # seconds until the answer's chat.postMessage reached Slack


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=200, help="events to time (200)")
    parser.add_argument("--long", type=int, default=20, help="40,000-character events to time (20)")
    parser.add_argument("--knowledge", type=Path, default=ROOT / "knowledge", help="knowledge directory")
    args = parser.parse_args(argv)

    with FakeSlackWebAPI() as api, tempfile.TemporaryDirectory() as workdir:
        port = free_port()
        env = {k: v for k, v in os.environ.items() if not k.startswith("SLACK_") and "PROXY" not in k.upper()}
        env.update(
            SLACK_BOT_TOKEN="xoxb-bench",
            SLACK_SIGNING_SECRET=SECRET,
            SLACK_API_BASE_URL=api.base_url,
            PORT=str(port),
            KNOWLEDGE_DIR=str(args.knowledge.resolve()),
            RECRUITER_CHANNEL="C0RECRUIT",
            LOG_LEVEL="WARNING",
        )
        app = subprocess.Popen([sys.executable, "-m", "bot", "run"], cwd=workdir, env=env)
        try:
            url = f"http://127.0.0.1:{port}"
            _wait_until_serving(f"{url}/healthz", app)
            channels = (f"D0B{i:05d}" for i in itertools.count())
            _measure(api, url, [next(channels)], QUESTIONS[:3])  # warm-up, not counted
            samples = _measure(api, url, [next(channels) for _ in range(args.events)], QUESTIONS)
            long_samples = _measure(api, url, [next(channels) for _ in range(args.long)], [LONG])
            alive = app.poll() is None
        finally:
            app.terminate()
            app.wait(timeout=10)

    print(f"posting-bot run (HTTP mode, waitress) against the Slack stand-in; knowledge: {args.knowledge}")
    _report(f"{len(samples)} DM events, one at a time", samples)
    _report(f"{len(long_samples)} DM events of 40,000 characters", long_samples)
    print(f"process alive after the run: {alive}")
    return 0 if alive else 1


def _measure(api: FakeSlackWebAPI, url: str, channels: list[str], questions: list[str]) -> list[Sample]:
    samples: list[Sample] = []
    for channel, question in zip(channels, itertools.cycle(questions), strict=False):
        payload = event_callback(dm_message(question, channel=channel))
        sent = time.time()
        result = deliver(f"{url}/slack/events", payload, SECRET)
        acked = time.time()
        if result.status != 200:
            raise SystemExit(f"the app answered {result.status}: {result.body}")
        [post] = api.wait_for("chat.postMessage", predicate=_to(channel))
        samples.append(Sample(acked - sent, post.time - sent))
    return samples


def _to(channel: str) -> Callable[[ApiCall], bool]:
    return lambda call: call.params.get("channel") == channel


def _report(title: str, samples: list[Sample]) -> None:
    print(f"{title}:")
    for name in ("post", "ack"):
        values = sorted(getattr(s, name) * 1000 for s in samples)
        label = "event -> chat.postMessage" if name == "post" else "event -> HTTP 200 ack    "
        print(
            f"  {label}  p50 {_percentile(values, 50):7.1f} ms   p99 {_percentile(values, 99):7.1f} ms"
            f"   max {values[-1]:7.1f} ms   mean {statistics.fmean(values):7.1f} ms"
        )


def _percentile(sorted_values: list[float], p: float) -> float:
    """Nearest-rank percentile."""
    rank = max(1, round(p / 100 * len(sorted_values)))
    return sorted_values[min(rank, len(sorted_values)) - 1]


def _wait_until_serving(url: str, app: subprocess.Popen[bytes], timeout: float = 30) -> None:
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if app.poll() is not None:
            raise SystemExit(f"posting-bot run exited with {app.returncode}")
        try:
            with opener.open(url, timeout=2):
                return
        except OSError:
            time.sleep(0.1)
    raise SystemExit(f"posting-bot run did not serve {url} within {timeout}s")


if __name__ == "__main__":
    sys.exit(main())
