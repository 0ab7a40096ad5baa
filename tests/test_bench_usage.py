"""bench.replicas' cost per event: CPU and context switches read from /proc for the processes measured."""

from __future__ import annotations

import os
import re
import sys
import threading
import time

import pytest

from bench.replicas import Usage

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")


def test_usage_counts_cpu_and_waits_between_two_readings() -> None:
    before = Usage.of([os.getpid()])
    assert before is not None
    deadline = time.process_time() + 0.3
    while time.process_time() < deadline:  # burn CPU
        pass
    for _ in range(20):  # block: each wait is a voluntary context switch
        threading.Event().wait(0.001)
    after = Usage.of([os.getpid()])
    assert after is not None
    assert after.cpu - before.cpu >= 0.2
    assert after.waits - before.waits >= 20
    line = after.per_event(before, 10)
    found = re.search(r"cpu ([\d.]+) ms/ev \(kernel ([\d.]+)\)\s+switches/ev (\d+) \+ (\d+)", line)
    assert found, line
    assert float(found[1]) >= 20  # at least 0.2 s over 10 events
    assert float(found[2]) <= float(found[1])
    assert int(found[3]) >= 2


def test_usage_of_a_process_that_is_gone_is_unknown() -> None:
    assert Usage.of([2**22 + 12345]) is None  # beyond Linux's pid range
