"""Load and faults: events per second and event -> answer latency for one process on SQLite and for two
replicas on PostgreSQL behind a round-robin balancer (and one process on PostgreSQL, without it), beside a
bare Bolt app (and two behind the same balancer) measured in the same run.

    python -m bench.replicas [--events 300] [--kill-events 1000] [--steady-seconds 5]
                             [--targets bare,bare2,sqlite,sqlite2,postgres1,postgres2,postgres]
                             [--levels 1,8,32,64,steady] [--no-faults]

Each event asks one of `eval/blind-questions.yaml`'s questions, in turn. Every process is a real
`posting-bot run` (HTTP mode; HTTP_WORKERS=2 for `sqlite2` and `postgres2`) against the local Slack
stand-in; PostgreSQL is a throwaway `pgserver`. Each event is a DM in a channel of its own; its latency is the
stand-in's receipt of the answer minus the moment the event was sent (one clock). A sender retries an
unacknowledged event as Slack does. Printed per target: throughput and p50/p99 at 1, 8, 32 and 64
concurrent senders, p50/p99 at a steady 100 events/s, events answered 0 times or more than once, and what
each answered event cost the target's processes (its workers included): CPU (of it in the kernel) and
context switches, read from /proc. Then the fault run: two replicas, every fifth Web API post failing
(429 and 500 in turn), retries sent to the other replica, one replica killed with SIGKILL mid-load and
restarted.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import itertools
import os
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa
import yaml

from bench.slack_latency import _percentile, _wait_until_serving
from tests.slack_standin import ApiCall, FakeSlackWebAPI, SlackPayload, deliver, dm_message, event_callback
from tests.slack_standin.fixtures import free_port
from tests.slack_standin.load import RoundRobinProxy, send_until_acknowledged

ROOT = Path(__file__).resolve().parent.parent
SECRET = "bench-signing-secret"


# Candidates' questions about the bundled posting (every labelled set of ours that asks about it), in turn:
# what a workspace sends. Each target starts from the first, and none repeats within 2,000 events: one
# question asked again and again would measure the caches on the way to its answer.
def _labelled_questions() -> list[str]:
    files = [ROOT / "eval" / "holdout-questions.yaml", ROOT / "eval" / "blind-questions.yaml"]
    files += sorted(p for p in (ROOT / "eval").glob("**/*pinterest*.yaml") if "knowledge" not in p.parts)
    asked = (entry.get("question") for path in files for entry in yaml.safe_load(path.read_text()))
    return list(dict.fromkeys(q for q in asked if isinstance(q, str)))


QUESTIONS = _labelled_questions()
LEVELS = (1, 8, 32, 64)
TARGETS = ("bare", "bare2", "sqlite", "sqlite2", "postgres1", "postgres2", "postgres")
_channels = (f"D0B{i:06d}" for i in itertools.count())
_asked = itertools.count()  # restarted for each target


@dataclass
class Result:
    rate: float  # events answered per second
    p50: float  # ms
    p99: float  # ms
    lost: int
    doubled: int
    cost: str = ""  # per answered event, in the target's processes (Usage.per_event)
    connections: float = 0.0  # Web API connections opened per answered event: 1 without keep-alive

    def __str__(self) -> str:
        return (
            f"{self.rate:7.0f} ev/s   p50 {self.p50:7.1f} ms   p99 {self.p99:7.1f} ms"
            f"   lost {self.lost}   doubled {self.doubled}   api conns/ev {self.connections:.2f}{self.cost}"
        )


@dataclass(frozen=True)
class Usage:
    """What processes have used so far, from /proc (Linux): CPU seconds and context switches."""

    cpu: float
    kernel: float
    waits: int  # voluntary context switches: a thread blocked (a lock, the GIL, I/O)
    preempted: int  # involuntary ones

    @classmethod
    def of(cls, pids: list[int]) -> Usage | None:
        """None when /proc can't say (not Linux, or a process gone)."""
        tick = os.sysconf("SC_CLK_TCK")
        cpu = kernel = 0.0
        waits = preempted = 0
        try:
            for pid in pids:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
                cpu += (int(fields[11]) + int(fields[12])) / tick
                kernel += int(fields[12]) / tick
                for task in Path(f"/proc/{pid}/task").iterdir():
                    for line in (task / "status").read_text().splitlines():
                        name, _, value = line.partition(":")
                        if name == "voluntary_ctxt_switches":
                            waits += int(value)
                        elif name == "nonvoluntary_ctxt_switches":
                            preempted += int(value)
        except (OSError, ValueError, IndexError):
            return None
        return cls(cpu, kernel, waits, preempted)

    def per_event(self, before: Usage, events: int) -> str:
        """The difference since `before` per event, as printed beside a result. Threads that ended in
        between take their context switches with them, so those are a floor."""
        n = max(events, 1)
        return (
            f"   cpu {1000 * (self.cpu - before.cpu) / n:.2f} ms/ev"
            f" (kernel {1000 * (self.kernel - before.kernel) / n:.2f})"
            f"   switches/ev {(self.waits - before.waits) / n:.0f}"
            f" + {(self.preempted - before.preempted) / n:.0f}"
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=300, help="events per concurrency level (300)")
    parser.add_argument("--kill-events", type=int, default=1000, help="events in the fault run (1000)")
    parser.add_argument("--steady-seconds", type=float, default=5.0, help="seconds at 100 events/s (5)")
    parser.add_argument(
        "--targets", default=",".join(TARGETS), help=f"which of {','.join(TARGETS)} to measure (all)"
    )
    parser.add_argument(
        "--levels", default=",".join([*map(str, LEVELS), "steady"]), help="sender counts, and/or steady (all)"
    )
    parser.add_argument("--no-faults", action="store_true", help="skip the fault run")
    args = parser.parse_args(argv)
    chosen = [target for target in args.targets.split(",") if target]  # none: the fault run alone
    levels = [level for level in args.levels.split(",") if level]
    if unknown := set(chosen) - set(TARGETS):
        parser.error(f"unknown targets: {', '.join(sorted(unknown))}")
    import pgserver  # a dev dependency: the bench runs from a development checkout

    with tempfile.TemporaryDirectory() as tmp, FakeSlackWebAPI() as api:
        work = Path(tmp)
        server = pgserver.get_server(work / "postgres", cleanup_mode="stop")  # type: ignore[attr-defined]
        try:
            postgres = sa.make_url(server.get_uri()).set(drivername="postgresql+psycopg")
            targets: dict[str, tuple[str, Callable[[], contextlib.AbstractContextManager[Target]]]] = {
                "bare": ("bare Bolt app (dict lookup)", lambda: _bare(work / "bare", api)),
                "bare2": ("2 bare Bolt apps behind the proxy", lambda: _bare(work / "bare2", api, 2)),
                "sqlite": (
                    "posting-bot, 1 process, SQLite",
                    lambda: _bots(work / "sqlite", api, 1, sqlite=True),
                ),
                "sqlite2": (
                    "posting-bot, HTTP_WORKERS=2, SQLite",
                    lambda: _bots(work / "sqlite2", api, 1, sqlite=True, workers=2),
                ),
                "postgres1": (
                    "posting-bot, 1 process, PostgreSQL",
                    lambda: _bots(work / "pg1", api, 1, url=_fresh(postgres, "bench1")),
                ),
                "postgres2": (
                    "posting-bot, HTTP_WORKERS=2, PostgreSQL",
                    lambda: _bots(work / "pg2", api, 1, url=_fresh(postgres, "bench2"), workers=2),
                ),
                "postgres": (
                    "posting-bot, 2 replicas, PostgreSQL",
                    lambda: _bots(work / "pg", api, 2, url=_fresh(postgres, "bench")),
                ),
            }
            print(f"{os.cpu_count()} CPUs; {args.events} events per level; Slack stand-in on 127.0.0.1")
            for key in chosen:
                name, start = targets[key]
                global _asked
                _asked = itertools.count()
                with start() as target:
                    _send(api, target.url, 8, 20)  # warm-up
                    print(name)
                    for level in levels:
                        if level == "steady":
                            steady = int(100 * args.steady_seconds)
                            print(f"  100 ev/s     {_send(api, target, 64, steady, rate=100.0)}")
                        else:
                            result = _send(api, target, int(level), args.events)
                            print(f"  {int(level):2d} senders   {result}")
            if args.no_faults:
                return 0
            print(
                f"faults: 2 replicas on PostgreSQL, {args.kill_events} events at 32 senders, every 5th post"
                " failing (429, 500), a retry of each event to the other replica, one replica SIGKILLed"
                " after a third and restarted 0.5 s later"
            )
            print(f"  {_fault_run(work / 'faults', api, _fresh(postgres, 'faults'), args.kill_events)}")
        finally:
            server.cleanup()
    return 0


@dataclass(frozen=True)
class Target:
    url: str  # where events are sent
    pids: list[int]  # the processes answering them (not the balancer: it is the harness's)


def _fresh(server: sa.URL, name: str) -> str:
    engine = sa.create_engine(server, isolation_level="AUTOCOMMIT", poolclass=sa.NullPool)
    with engine.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    return server.set(database=name).render_as_string(hide_password=False)


def _env(api: FakeSlackWebAPI, port: int, **settings: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SLACK_") and "PROXY" not in k.upper()}
    env.update(
        SLACK_BOT_TOKEN="xoxb-bench",
        SLACK_SIGNING_SECRET=SECRET,
        SLACK_API_BASE_URL=api.base_url,
        PORT=str(port),
        KNOWLEDGE_DIR=str(ROOT / "knowledge"),
        LOG_LEVEL="WARNING",
        EVENT_LEASE_SECONDS="3",
        **settings,
    )
    return env


def _start(command: list[str], workdir: Path, env: dict[str, str]) -> subprocess.Popen[bytes]:
    workdir.mkdir(parents=True, exist_ok=True)
    log = (workdir / "log.txt").open("ab")
    process = subprocess.Popen(command, cwd=workdir, env=env, stdout=log, stderr=subprocess.STDOUT)
    _wait_until_serving(f"http://127.0.0.1:{env['PORT']}/healthz", process)
    return process


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@contextlib.contextmanager
def _bare(workdir: Path, api: FakeSlackWebAPI, count: int = 1) -> Iterator[Target]:
    """`count` bare apps; two or more behind the round-robin proxy, as the replicas are."""
    ports = [free_port() for _ in range(count)]
    workdir.mkdir(parents=True, exist_ok=True)
    command = [sys.executable, str(ROOT / "bench" / "bare_bolt.py")]
    processes = [subprocess.Popen(command, cwd=workdir, env=_env(api, port)) for port in ports]
    try:
        for port in ports:
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline:
                with contextlib.suppress(OSError):
                    deliver(f"http://127.0.0.1:{port}/slack/events", _question(next(_channels)), SECRET)
                    break
                time.sleep(0.1)
        yield from _behind_balancer(ports, processes)
    finally:
        for process in processes:
            _stop(process)


@contextlib.contextmanager
def _bots(
    workdir: Path,
    api: FakeSlackWebAPI,
    count: int,
    sqlite: bool = False,
    url: str = "",
    workers: int = 1,
) -> Iterator[Target]:
    settings = {"DATABASE_PATH": str(workdir / "log.sqlite3")} if sqlite else {"DATABASE_URL": url}
    settings["HTTP_WORKERS"] = str(workers)
    ports = [free_port() for _ in range(count)]
    processes = [
        _start([sys.executable, "-m", "bot", "run"], workdir / str(n), _env(api, port, **settings))
        for n, port in enumerate(ports)
    ]
    try:
        yield from _behind_balancer(ports, processes, workers)
    finally:
        for process in processes:
            _stop(process)


def _behind_balancer(
    ports: list[int], processes: list[subprocess.Popen[bytes]], workers: int = 1
) -> Iterator[Target]:
    """One process is sent events directly; two or more through the round-robin proxy. With `workers`,
    each process's workers are measured with it."""
    pids = [process.pid for process in processes]
    if workers > 1:
        pids += _workers_of(pids, workers)
    if len(ports) == 1:
        yield Target(f"http://127.0.0.1:{ports[0]}/slack/events", pids)
    else:
        with RoundRobinProxy([f"127.0.0.1:{port}" for port in ports]) as balancer:
            yield Target(f"{balancer.url}/slack/events", pids)


def _workers_of(parents: list[int], per_parent: int) -> list[int]:
    """The worker processes of `parents` (HTTP_WORKERS), once all have started."""
    deadline = time.monotonic() + 30
    while True:
        found = [
            int(child)
            for pid in parents
            for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        ]
        if len(found) == per_parent * len(parents) or time.monotonic() > deadline:
            return found
        time.sleep(0.1)


def _question(channel: str) -> SlackPayload:
    return event_callback(dm_message(QUESTIONS[next(_asked) % len(QUESTIONS)], channel=channel))


def _send(
    api: FakeSlackWebAPI,
    target: Target | str,
    senders: int,
    count: int,
    rate: float | None = None,
    retry: bool = False,
) -> Result:
    """Send `count` events from `senders` threads (at `rate` events/s when given); wait for the answers.
    Given a Target, also what they cost its processes."""
    url = target if isinstance(target, str) else target.url
    pids = [] if isinstance(target, str) else target.pids
    before = Usage.of(pids) if pids else None
    channels = [next(_channels) for _ in range(count)]
    sent: dict[str, float] = {}
    connections = api.connections
    # The stand-in keeps every call it was sent, in this process: left to the collector, a full pass over
    # them stalls the senders and the stand-in for tens of ms, charged to whichever target runs later.
    gc.collect()
    gc.freeze()
    start = time.time()

    def send(n: int) -> None:
        if rate is not None:
            time.sleep(max(0.0, start + n / rate - time.time()))
        payload = _question(channels[n])
        sent[channels[n]] = time.time()
        send_until_acknowledged(url, payload, SECRET)
        if retry:  # Slack thought it timed out: the retry lands on the other replica
            with contextlib.suppress(OSError):
                deliver(url, payload, SECRET, retry_num=1, retry_reason="http_timeout")

    with ThreadPoolExecutor(senders) as pool:
        list(pool.map(send, range(count)))
    result = _collect(api, channels, sent, start)
    result.connections = (api.connections - connections) / max(count - result.lost, 1)
    after = Usage.of(pids) if before is not None else None
    if before is not None and after is not None:
        result.cost = after.per_event(before, count - result.lost)
    return result


def _collect(api: FakeSlackWebAPI, channels: list[str], sent: dict[str, float], start: float) -> Result:
    wanted = set(channels)
    deadline = time.monotonic() + 120
    while True:
        answers = _answers(api, wanted)
        if len(answers) == len(wanted) or time.monotonic() > deadline:
            break
        time.sleep(0.05)
    time.sleep(1.0)  # any second answer to an event has had time to arrive
    answers = _answers(api, wanted)
    latencies = sorted((calls[0].time - sent[c]) * 1000 for c, calls in answers.items())
    last = max((calls[0].time for calls in answers.values()), default=time.time())
    return Result(
        rate=len(answers) / max(last - start, 1e-6),
        p50=_percentile(latencies, 50) if latencies else float("nan"),
        p99=_percentile(latencies, 99) if latencies else float("nan"),
        lost=len(wanted) - len(answers),
        doubled=sum(1 for calls in answers.values() if len(calls) > 1),
    )


def _answers(api: FakeSlackWebAPI, wanted: set[str]) -> dict[str, list[ApiCall]]:
    answers: dict[str, list[ApiCall]] = {}
    for call in api.calls("chat.postMessage"):
        channel = str(call.params.get("channel"))
        if call.ok and channel in wanted:
            answers.setdefault(channel, []).append(call)
    return answers


def _fault_run(workdir: Path, api: FakeSlackWebAPI, url: str, count: int) -> Result:
    settings = {"DATABASE_URL": url}
    ports = [free_port(), free_port()]
    processes = [
        _start([sys.executable, "-m", "bot", "run"], workdir / str(n), _env(api, port, **settings))
        for n, port in enumerate(ports)
    ]
    stop_faults = threading.Event()

    def inject() -> None:  # every fifth post fails, 429 and 500 in turn
        for status in itertools.cycle((429, 500)):
            if stop_faults.is_set():
                return
            before = len(api.calls("chat.postMessage"))
            api.fail_next("chat.postMessage", status=status, retry_after=0)
            while len(api.calls("chat.postMessage")) < before + 5 and not stop_faults.is_set():
                time.sleep(0.002)

    def kill_and_restart() -> None:
        while len(api.calls("chat.postMessage")) < start_calls + count // 3:
            time.sleep(0.01)
        processes[1].kill()
        processes[1].wait()
        time.sleep(0.5)
        env = _env(api, ports[1], **settings)
        processes[1] = _start([sys.executable, "-m", "bot", "run"], workdir / "restarted", env)

    try:
        with RoundRobinProxy([f"127.0.0.1:{port}" for port in ports]) as balancer:
            start_calls = len(api.calls("chat.postMessage"))
            threads = [threading.Thread(target=inject), threading.Thread(target=kill_and_restart)]
            for thread in threads:
                thread.start()
            result = _send(api, f"{balancer.url}/slack/events", 32, count, retry=True)
            stop_faults.set()
            for thread in threads:
                thread.join()
            return result
    finally:
        stop_faults.set()
        for process in processes:
            _stop(process)


if __name__ == "__main__":
    sys.exit(main())
