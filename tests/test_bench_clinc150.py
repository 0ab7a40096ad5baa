"""bench.clinc150 end to end on a small CLINC-shaped file, and its threshold choice."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from bench.clinc150 import OOS, Prediction, tune_threshold
from tests.conftest import ROOT
from tests.environment import clean_env

pytestmark = pytest.mark.e2e

INTENTS = ["weather", "alarm", "transfer", "recipe", "timer"]
TOPIC = {
    "weather": ["forecast", "rain", "sunny", "temperature"],
    "alarm": ["alarm", "wake", "snooze", "morning"],
    "transfer": ["transfer", "money", "savings", "checking"],
    "recipe": ["recipe", "cook", "bake", "ingredients"],
    "timer": ["timer", "countdown", "minutes", "stopwatch"],
}
FILLERS = ["please", "can you", "i need to", "tell me", "help me"]


def utterances(intent: str, count: int, offset: int) -> list[list[str]]:
    words = TOPIC[intent]
    return [
        [f"{FILLERS[(n + offset) % 5]} {words[n % 4]} {words[(n + offset + 1) % 4]}", intent]
        for n in range(count)
    ]


def write_dataset(path: Path) -> Path:
    oos = ["who won the football game", "what is the capital of peru", "tell me a joke about cats"]
    data = {
        "train": [pair for i in INTENTS for pair in utterances(i, 12, 0)],
        "val": [pair for i in INTENTS for pair in utterances(i, 4, 1)],
        "test": [pair for i in INTENTS for pair in utterances(i, 4, 2)],
        "oos_train": [[q, OOS] for q in oos],
        "oos_val": [[q, OOS] for q in oos],
        "oos_test": [[q, OOS] for q in [*oos, "how tall is mount everest"]],
    }
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def run_bench(*args: str | Path) -> subprocess.CompletedProcess[str]:
    env = clean_env(PYTHONPATH=str(ROOT))
    return subprocess.run(
        [sys.executable, "-m", "bench.clinc150", *map(str, args)],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )


def test_the_benchmark_prints_protocol_figures_for_both_variants(tmp_path: Path) -> None:
    result = run_bench(write_dataset(tmp_path / "data_small.json"))
    assert result.returncode == 0, result.stderr
    rows = {line.split()[0]: line.split() for line in result.stdout.splitlines() if line[:1].isalnum()}
    full, few = rows["full"], rows["10-shot"]
    assert full[1] == "60" and few[1] == "50"  # every training utterance, then the first ten per intent
    # examples, load+index, threshold, val acc, in-scope, oos recall, closed, p50, p99
    assert float(full[4]) == 1.0 and float(full[5]) == 1.0 and float(full[6]) == 1.0
    assert all(float(value) > 0 for value in full[8:10])
    assert "answer() path" in result.stdout and "in-scope 1.000, oos 1.000" in result.stdout
    assert "peak memory" in result.stdout


def test_the_validation_run_reports_on_val_and_never_reads_test(tmp_path: Path) -> None:
    path = write_dataset(tmp_path / "data_small.json")
    data = json.loads(path.read_text(encoding="utf-8"))
    data["test"], data["oos_test"] = [["unreadable", "no-such-intent"]], []  # would score 0 if read
    path.write_text(json.dumps(data), encoding="utf-8")
    result = run_bench("--validation", path)
    assert result.returncode == 0, result.stderr
    assert "validation only" in result.stdout and "answer() path" not in result.stdout
    rows = {line.split()[0]: line.split() for line in result.stdout.splitlines() if line[:1].isalnum()}
    assert set(rows) >= {"full"} and "10-shot" not in rows
    assert float(rows["full"][5]) == 1.0 and float(rows["full"][6]) == 1.0  # in-scope, oos recall on val


def test_a_missing_data_file_is_a_one_line_error(tmp_path: Path) -> None:
    result = run_bench(tmp_path / "nothing.json")
    assert result.returncode == 2
    assert result.stderr.strip() == f"bench.clinc150: no such file: {tmp_path / 'nothing.json'}"


def test_the_threshold_maximises_accuracy_over_in_scope_and_out_of_scope() -> None:
    predictions = [
        Prediction("a", "a", 0.9),
        Prediction("b", "b", 0.6),
        Prediction("c", "b", 0.5),  # wrong either way: answering it or declining it
        Prediction(OOS, "a", 0.4),
        Prediction(OOS, "b", 0.7),  # one out-of-scope question looks in scope
    ]
    threshold, accuracy = tune_threshold(predictions)
    assert threshold == 0.5  # the lowest of the thresholds scoring best (0.5 and 0.6 both get 3 of 5)
    assert accuracy == 3 / 5


def test_when_nothing_is_in_scope_the_threshold_declines_everything() -> None:
    threshold, accuracy = tune_threshold([Prediction(OOS, "a", 0.9), Prediction(OOS, "b", 0.2)])
    assert threshold == float("inf") and accuracy == 1.0
