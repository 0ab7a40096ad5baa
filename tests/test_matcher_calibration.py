"""Calibration: `posting-bot eval --tune [--write]` as a process, and its line edits to intents.yaml."""

from __future__ import annotations

import json
import re
import textwrap
from pathlib import Path

import pytest

from bot.knowledge.loader import load_knowledge
from bot.knowledge.settings_file import SettingsEditError, edit_settings
from tests.environment import run_cli
from tests.fixtures.kb import copy_bundled

# Questions written for this test (not taken from any labelled set), about the bundled posting.
CASES = """\
- {question: "how much money does this job pay", expect: salary}
- {question: "any chance of stock or RSUs?", expect: equity}
- {question: "will you cover my move to the city", expect: relocation}
- {question: "is working remotely allowed", expect: remote}
- {question: "do you sponsor an H1B", expect: visa}
- {question: "which teams are hiring for this", expect: teams}
- {question: "how many years of experience should I have", expect: experience}
- {question: "how do I send in an application", expect: apply}
- {question: "what are the interview rounds like", expect: interview}
- {question: "what does the company do", expect: company}
- {question: "pay range, and is relocation included?", expect: [salary, relocation]}
- {question: "what's a good pizza place nearby", expect: null}
- {question: "can you book me a flight to Denver", expect: null}
- {question: "who won the basketball game yesterday", expect: null}
"""


@pytest.fixture
def knowledge(tmp_path: Path) -> Path:
    directory = copy_bundled(tmp_path / "knowledge")
    intents = directory / "intents.yaml"
    text = re.sub(r"(?m)^(  threshold:) [0-9.]+", r"\1 0.95", intents.read_text(encoding="utf-8"))
    intents.write_text(text, encoding="utf-8")  # a threshold nothing reaches: tuning has to move it
    return directory


@pytest.fixture
def cases(tmp_path: Path) -> Path:
    path = tmp_path / "cases.yaml"
    path.write_text(CASES, encoding="utf-8")
    return path


def recommended(stdout: str) -> tuple[float, float]:
    match = re.search(r"^recommended: threshold ([0-9.]+), margin ([0-9.]+)", stdout, re.MULTILINE)
    assert match, stdout
    return float(match[1]), float(match[2])


def with_value(line: str, key: str, value: float) -> str:
    return re.sub(rf"^(  {key}: )[0-9.]+", rf"\g<1>{value:.2f}", line)


@pytest.mark.e2e
def test_tune_prints_the_candidates_and_the_pick_and_changes_nothing(knowledge: Path, cases: Path) -> None:
    before = (knowledge / "intents.yaml").read_bytes()
    result = run_cli("eval", "--knowledge", knowledge, "--tune", cases)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].split() == [
        "margin", "threshold", "plateau", "worth", "in-scope", "did-you-mean", "oos", "recall", "wrong",
    ]  # fmt: skip
    assert sum("<- pick" in line for line in lines) == 1
    threshold, _ = recommended(result.stdout)
    assert threshold < 0.95
    assert (knowledge / "intents.yaml").read_bytes() == before


@pytest.mark.e2e
def test_tune_write_edits_only_the_two_settings_lines(knowledge: Path, cases: Path) -> None:
    before = (knowledge / "intents.yaml").read_text(encoding="utf-8").splitlines()
    result = run_cli("eval", "--knowledge", knowledge, "--tune", "--write", cases)
    assert result.returncode == 0, result.stderr
    threshold, margin = recommended(result.stdout)
    after = (knowledge / "intents.yaml").read_text(encoding="utf-8").splitlines()
    expected = [with_value(with_value(line, "threshold", threshold), "margin", margin) for line in before]
    assert after == expected  # comments, layout and every other line as they were
    assert after != before
    settings = load_knowledge(knowledge).settings
    assert (settings.threshold, settings.margin) == (threshold, margin)

    figures = json.loads(run_cli("eval", "--knowledge", knowledge, "--json", cases).stdout)
    assert figures["in_scope_accuracy"] >= 0.9 and figures["oos_recall"] == 1.0


@pytest.mark.e2e
def test_tune_json_has_the_pick_and_every_candidate(knowledge: Path, cases: Path) -> None:
    result = run_cli("eval", "--knowledge", knowledge, "--tune", "--json", cases)
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["current"]["threshold"] == 0.95
    assert report["pick"] in report["candidates"]
    assert {c["margin"] for c in report["candidates"]} == {round(0.01 * i, 2) for i in range(11)}


@pytest.mark.e2e
def test_write_without_tune_is_a_usage_error(knowledge: Path, cases: Path) -> None:
    result = run_cli("eval", "--knowledge", knowledge, "--write", cases)
    assert result.returncode == 2
    assert result.stderr.strip() == "posting-bot: --write needs --tune"


# ---- the line edits ---------------------------------------------------------------------------------


def test_values_change_and_comments_keep_their_column() -> None:
    text = textwrap.dedent("""\
        # header
        settings:
          threshold: 0.5    # lowest confidence
          margin: 0.125     # did-you-mean gap
          max_question_chars: 400
        intents: []
        """)
    assert edit_settings(text, {"threshold": 0.33, "margin": 0.04}) == textwrap.dedent("""\
        # header
        settings:
          threshold: 0.33   # lowest confidence
          margin: 0.04      # did-you-mean gap
          max_question_chars: 400
        intents: []
        """)


def test_a_missing_key_is_added_to_the_block_with_its_indentation() -> None:
    text = "settings:\n    max_question_chars: 400\nintents: []\n"
    assert edit_settings(text, {"margin": 0.02}) == (
        "settings:\n    margin: 0.02\n    max_question_chars: 400\nintents: []\n"
    )


def test_a_missing_block_goes_before_the_first_key_after_the_header_comments() -> None:
    text = "# intents for acme\n\nintents:\n  - id: a\n"
    assert edit_settings(text, {"threshold": 0.4, "margin": 0.05}) == (
        "# intents for acme\n\nsettings:\n  threshold: 0.40\n  margin: 0.05\n\nintents:\n  - id: a\n"
    )


def test_keys_of_the_same_name_elsewhere_are_left_alone() -> None:
    text = "settings:\n  threshold: 0.5\nmessages:\n  threshold: keep me\n"
    assert edit_settings(text, {"threshold": 0.3}) == (
        "settings:\n  threshold: 0.30\nmessages:\n  threshold: keep me\n"
    )


def test_windows_line_endings_survive() -> None:
    text = "settings:\r\n  threshold: 0.5\r\nintents: []\r\n"
    assert edit_settings(text, {"threshold": 0.3, "margin": 0.01}) == (
        "settings:\r\n  margin: 0.01\r\n  threshold: 0.30\r\nintents: []\r\n"
    )


def test_an_inline_settings_mapping_is_refused_rather_than_rewritten() -> None:
    with pytest.raises(SettingsEditError, match="inline"):
        edit_settings("settings: {threshold: 0.5}\nintents: []\n", {"threshold": 0.3})
