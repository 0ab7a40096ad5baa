"""Scale benchmark: what thousands of postings cost, so the cost curve is on record.

    python -m bench.scale [--sizes 100,1000,10000] [--json]

For each size, a knowledge directory of generated postings (bench.postings: realistic titles, the bundled
posting's facts, the bundled intents.yaml) and:

- first answer: `posting-bot ask` as a process, from start to the answer printed, and its peak RSS;
  beside it a bare baseline in the same run: the same process answering on the bundled one posting;
- check: `posting-bot check` as a process;
- reload: a running `LiveKnowledge` watching the directory; one posting file edited; the time until
  questions get the new answer (file event, debounce, re-reading that one file, the swap);
- answer() p99 over questions about random postings, in process;
- routing: bench.routing's questions naming one posting (reached, "which role?", wrong).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from bench.postings import SEED_KNOWLEDGE, write_knowledge
from bench.routing import measure, questions
from bot.answer import answer
from bot.knowledge.reload import LiveKnowledge

QUESTIONS = [
    "what's the pay?",
    "do you sponsor visas?",
    "is this remote?",
    "what skills do I need?",
    "is relocation covered",
    "tell me about the team",
    "how many years of experience?",
    "is there equity",
]
RELOAD_DEADLINE = 30.0  # seconds; only reached when a reload is broken


@dataclass(frozen=True)
class Size:
    postings: int
    first_answer_s: float
    first_answer_cpu_s: float
    rss_mb: float
    check_s: float
    check_cpu_s: float
    reload_s: float
    answer_p50_ms: float
    answer_p99_ms: float
    routing_reached: float
    routing_which_role: float
    routing_wrong: float


def _process(*args: str | Path) -> tuple[float, float, float, str]:
    """Run `posting-bot` as a process: wall seconds, CPU seconds (user + system: the wall time less the
    wait for a core on a busy machine), peak RSS of the largest child so far (MB), stdout."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "bot", *map(str, args)], capture_output=True, text=True, check=False
    )
    elapsed = time.perf_counter() - started
    if done.returncode not in (0,):
        raise RuntimeError(f"posting-bot {args[0]} failed: {done.stderr.strip()[-500:]}")
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    return elapsed, cpu, after.ru_maxrss / 1024, done.stdout  # ru_maxrss is in KB on Linux


def _reload_seconds(directory: Path, posting_id: str) -> float:
    path = directory / "postings" / f"{posting_id}.yaml"
    with LiveKnowledge(directory) as live:
        before = live.current.postings[posting_id]
        time.sleep(1.5)  # the watch is up
        text = path.read_text(encoding="utf-8")
        start = text.index("  min: ")
        edited = text[:start] + "  min: 12345" + text[text.index("\n", start) :]
        started = time.perf_counter()
        path.write_text(edited, encoding="utf-8")
        while live.current.postings[posting_id] is before:
            if time.perf_counter() - started > RELOAD_DEADLINE:
                raise RuntimeError("the edit never went live")
            time.sleep(0.01)
        elapsed = time.perf_counter() - started
        assert "$12,345" in answer(live.current, "what's the pay?", posting_id).text
    return elapsed


def measure_size(count: int, workdir: Path) -> Size:
    directory = workdir / f"knowledge-{count}"
    made = write_knowledge(directory, count)
    posting_id = made[count // 2].id
    first, first_cpu, rss, out = _process("ask", "--knowledge", directory, "--posting", posting_id, "pay?")
    assert "$" in out, out
    check, check_cpu, _, _ = _process("check", "--knowledge", directory)
    reload = _reload_seconds(directory, posting_id)

    live = LiveKnowledge(directory)
    knowledge = live.current
    rng = random.Random(5)
    timings = []
    for _ in range(600):
        target = rng.choice(made).id
        started = time.perf_counter()
        answer(knowledge, rng.choice(QUESTIONS), target)
        timings.append(time.perf_counter() - started)
    timings.sort()
    routing = measure(knowledge, made, questions(made, 500))
    return Size(
        postings=count,
        first_answer_s=round(first, 2),
        first_answer_cpu_s=round(first_cpu, 2),
        rss_mb=round(rss),
        check_s=round(check, 2),
        check_cpu_s=round(check_cpu, 2),
        reload_s=round(reload, 2),
        answer_p50_ms=round(statistics.median(timings) * 1000, 2),
        answer_p99_ms=round(timings[int(0.99 * (len(timings) - 1))] * 1000, 2),
        routing_reached=round(routing.reached, 3),
        routing_which_role=round(routing.which_role, 3),
        routing_wrong=round(routing.wrong, 3),
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.scale", description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100,1000,10000", help="posting counts, comma-separated")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    sizes = sorted(int(size) for size in args.sizes.split(","))  # ascending: RSS is a running peak
    os.environ.pop("KNOWLEDGE_DIR", None)
    baseline, baseline_cpu, baseline_rss, _ = _process("ask", "--knowledge", SEED_KNOWLEDGE, "pay?")
    with tempfile.TemporaryDirectory() as tmp:
        rows = [measure_size(count, Path(tmp)) for count in sizes]
    if args.json:
        print(
            json.dumps(
                {
                    "baseline": {"first_answer_s": baseline, "rss_mb": baseline_rss},
                    "sizes": [asdict(r) for r in rows],
                }
            )
        )
        return 0
    print(
        f"baseline (the bundled posting): first answer {baseline:.2f} s ({baseline_cpu:.2f} s CPU), "
        f"RSS {baseline_rss:.0f} MB"
    )
    print(
        f"{'postings':>9} {'1st answer (CPU)':>17} {'RSS':>7} {'check (CPU)':>17} {'reload':>7} "
        f"{'answer p50/p99':>15} {'routing reached / which role? / wrong':>38}"
    )
    for r in rows:
        print(
            f"{r.postings:>9,} {r.first_answer_s:>6.2f} s ({r.first_answer_cpu_s:>5.2f} s) "
            f"{r.rss_mb:>4.0f} MB "
            f"{r.check_s:>6.2f} s ({r.check_cpu_s:>5.2f} s) "
            f"{r.reload_s:>5.2f} s {r.answer_p50_ms:>6.2f}/{r.answer_p99_ms:.2f} ms "
            f"{r.routing_reached:>16.1%} / {r.routing_which_role:.1%} / {r.routing_wrong:.1%}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
