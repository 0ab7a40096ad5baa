"""HTTP mode in several processes (HTTP_WORKERS): one listening socket, every worker answering from it.

One Python process answers on one core at a time (the GIL), so a bot on two cores needs two processes.
The parent binds PORT once and starts each worker as `posting-bot run` with the socket inherited; every
worker accepts from it, so a connection goes to whichever worker is free. Workers are replicas of one
another on the same database: the inbox's claims keep each answer single, and what a worker that died had
acknowledged is answered from the inbox once its lease is over. The parent restarts a worker that dies
(after a pause that grows while it keeps dying young), and on SIGTERM or SIGINT stops them all, each
finishing the answers it acknowledged, before it exits. A worker whose parent is gone stops too.
"""

from __future__ import annotations

import logging
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from types import FrameType

logger = logging.getLogger(__name__)

LISTEN_FD = "POSTING_BOT_LISTEN_FD"  # set by the parent for its workers: the inherited socket
WORKER = "POSTING_BOT_WORKER"  # the worker's number, 0 first
BACKLOG = 1024
POLL = 0.2  # seconds between looks at the workers
YOUNG = 10.0  # seconds: a worker that dies sooner is restarted after a pause, doubling each time
LONGEST_PAUSE = 30.0
STOP_TIMEOUT = 60.0  # seconds a worker has to finish its answers after SIGTERM before it is killed
CONFIG_EXIT = 2  # `posting-bot run` refusing its settings: restarting won't help


class WorkerRefused(Exception):
    """A worker exited refusing its settings (it logged why)."""


@dataclass
class _Worker:
    number: int
    process: subprocess.Popen[bytes] | None = None
    started: float = 0.0
    restart_at: float = 0.0
    pause: float = 1.0


def listening_socket(port: int) -> socket.socket:
    """A TCP socket listening on every interface at `port` (IPv6 and IPv4 where the host has both)."""
    if socket.has_dualstack_ipv6():
        return socket.create_server(("", port), family=socket.AF_INET6, dualstack_ipv6=True, backlog=BACKLOG)
    return socket.create_server(("", port), backlog=BACKLOG)


def inherited_socket() -> socket.socket | None:
    """In a worker, the socket its parent listens on; None in a process started any other way."""
    fd = os.environ.get(LISTEN_FD)
    return socket.socket(fileno=int(fd)) if fd else None


def is_first_worker() -> bool:
    """Whether this process is the first worker, or not a worker at all: the one to post to admins."""
    return os.environ.get(WORKER, "0") == "0"


def serve_workers(count: int, port: int) -> None:
    """Bind `port`, run `count` workers on it until SIGTERM or SIGINT, restarting any that dies. Raises
    WorkerRefused when one exits refusing its settings."""
    server = listening_socket(port)
    stopping = threading.Event()

    def stop(signum: int, frame: FrameType | None) -> None:
        logger.info("stopping %d workers (signal %d)", count, signum)
        stopping.set()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    workers = [_Worker(n) for n in range(count)]
    logger.info("HTTP mode: %d workers on port %d", count, port)
    try:
        while not stopping.is_set():
            for worker in workers:
                _tend(worker, server)
            stopping.wait(POLL)
    finally:
        _stop_all(workers)
        server.close()


def stop_with_parent() -> None:
    """In a worker: stop (as on SIGTERM) when the parent is gone, so no orphan keeps answering."""
    parent = os.getppid()

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(1.0)
        logger.warning("worker: the parent process is gone; stopping")
        os.kill(os.getpid(), signal.SIGTERM)

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


def _tend(worker: _Worker, server: socket.socket) -> None:
    """Start `worker` if it isn't running and its pause is over; note it if it died."""
    process, now = worker.process, time.monotonic()
    if process is not None:
        code = process.poll()
        if code is None:
            return
        worker.process = None
        if code == CONFIG_EXIT:
            raise WorkerRefused(f"worker {worker.number} refused its settings")
        young = now - worker.started < YOUNG
        worker.pause = min(worker.pause * 2, LONGEST_PAUSE) if young else 1.0
        worker.restart_at = now + (worker.pause if young else 0.0)
        logger.error("worker %d exited (%s); starting it again", worker.number, _how(code))
    if now >= worker.restart_at:
        worker.process = _start(worker.number, server)
        worker.started = now


def _start(number: int, server: socket.socket) -> subprocess.Popen[bytes]:
    env = {**os.environ, LISTEN_FD: str(server.fileno()), WORKER: str(number), "HTTP_WORKERS": "1"}
    # Its own process group: a Ctrl-C reaches the parent, which stops the workers in order.
    return subprocess.Popen(
        [sys.executable, "-m", "bot", "run"],
        env=env,
        pass_fds=[server.fileno()],
        stdin=subprocess.DEVNULL,
        start_new_session=True,
    )


def _stop_all(workers: list[_Worker]) -> None:
    running = [w.process for w in workers if w.process is not None and w.process.poll() is None]
    for process in running:
        process.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + STOP_TIMEOUT
    for process in running:
        try:
            process.wait(timeout=max(0.0, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            logger.error("worker %d did not stop in %.0f s: killed", process.pid, STOP_TIMEOUT)
            process.kill()
            process.wait()


def _how(code: int) -> str:
    return f"killed by signal {-code}" if code < 0 else f"exit status {code}"
