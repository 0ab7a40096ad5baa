"""Knowledge files and typed lines written to hurt: `check`, `ask` and `chat` as processes.

Whatever a knowledge file under 1 MB holds, `check` and `ask` finish within 10 s and 500 MB, print under
100 KB, and never a traceback: either the knowledge loads or every problem is a `path:line: message`
line. A bad typed line costs that line, never the rest of the conversation.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.fixtures.kb import MINIMAL_INTENTS, MINIMAL_POSTING

TIME_LIMIT = 10.0  # seconds
MEMORY_LIMIT_MB = 500
OUTPUT_LIMIT = 100 * 1024  # bytes, stdout and stderr together
PROBLEM_LINE = re.compile(r"^\S.*:\d+: \S")


@dataclass
class Run:
    code: int
    stdout: bytes
    stderr: bytes
    seconds: float
    max_rss_mb: float

    @property
    def out(self) -> str:
        return self.stdout.decode("utf-8")


def run_bounded(*args: str | Path, stdin: bytes = b"") -> Run:
    """`posting-bot ARGS` with its peak memory (from the kernel's accounting of that one process);
    killed after TIME_LIMIT."""
    with tempfile.TemporaryFile() as feed, tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        feed.write(stdin)
        feed.seek(0)
        started = time.monotonic()
        process = subprocess.Popen(
            [sys.executable, "-m", "bot", *map(str, args)], stdin=feed, stdout=out, stderr=err
        )
        killer = threading.Timer(TIME_LIMIT, process.kill)
        killer.start()
        try:
            _, status, usage = os.wait4(process.pid, 0)
        finally:
            killer.cancel()
        process.returncode = os.waitstatus_to_exitcode(status)  # reaped here, not by Popen
        seconds = time.monotonic() - started
        out.seek(0)
        err.seek(0)
        return Run(process.returncode, out.read(), err.read(), seconds, usage.ru_maxrss / 1024)


def assert_bounded(run: Run) -> None:
    assert run.seconds < TIME_LIMIT, f"took {run.seconds:.1f}s"
    assert run.max_rss_mb < MEMORY_LIMIT_MB, f"used {run.max_rss_mb:.0f} MB"
    assert len(run.stdout) + len(run.stderr) < OUTPUT_LIMIT, (
        f"printed {len(run.stdout) + len(run.stderr):,} bytes"
    )
    assert b"Traceback" not in run.stdout + run.stderr, run.stderr.decode("utf-8", "replace")[-3000:]
    run.stdout.decode("utf-8")
    run.stderr.decode("utf-8")


def knowledge(tmp_path: Path, posting: str = MINIMAL_POSTING, intents: str = MINIMAL_INTENTS) -> Path:
    (tmp_path / "postings").mkdir(parents=True, exist_ok=True)
    (tmp_path / "intents.yaml").write_text(intents, encoding="utf-8")
    (tmp_path / "postings" / "acme-dev.yaml").write_text(posting, encoding="utf-8")
    return tmp_path


def check_refuses(directory: Path, message: str) -> list[str]:
    """`check` and `ask` both refuse `directory`, within bounds; `check`'s problem lines."""
    checked = run_bounded("check", "--knowledge", directory)
    assert_bounded(checked)
    assert checked.code == 1, checked.out
    lines = checked.out.splitlines()
    assert lines and all(PROBLEM_LINE.match(line) or line.startswith("… and ") for line in lines), lines
    assert any(message in line for line in lines), lines
    asked = run_bounded("ask", "--knowledge", directory, "what does it pay")
    assert_bounded(asked)
    assert asked.code == 1
    return lines


def _alias_bomb(levels: int) -> str:
    """Each level lists the one before nine times: 9**levels values from a few hundred bytes."""
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for i in range(1, levels):
        items = ", ".join([f"*a{i - 1}"] * 9)
        lines.append(f"a{i}: &a{i} [{items}]")
    return "\n".join(lines) + "\n"


# ---- 4: aliases -----------------------------------------------------------------------------------


@pytest.mark.e2e
@pytest.mark.parametrize("where", ["posting", "intents"])
def test_an_alias_bomb_is_refused_at_once_with_a_short_message(tmp_path: Path, where: str) -> None:
    bomb = _alias_bomb(9)
    assert len(bomb.encode()) < 600
    if where == "posting":
        directory = knowledge(tmp_path, posting=MINIMAL_POSTING + bomb)
    else:
        directory = knowledge(tmp_path, intents=MINIMAL_INTENTS + bomb)
    check_refuses(directory, "aliases expand this file to")


@pytest.mark.e2e
def test_an_alias_inside_its_own_value_is_refused(tmp_path: Path) -> None:
    check_refuses(knowledge(tmp_path, posting=MINIMAL_POSTING + "teams: &t [a, *t]\n"), "its own value")


@pytest.mark.e2e
def test_a_value_quoted_in_an_error_is_cut_short(tmp_path: Path) -> None:
    long_value = "x" * 200_000
    posting = MINIMAL_POSTING + f"remote: [{long_value}]\n? {'k' * 50_000}\n: 1\n"
    lines = check_refuses(knowledge(tmp_path, posting=posting), "remote")
    assert all(len(line) < 600 for line in lines), [len(line) for line in lines]


@pytest.mark.e2e
def test_thousands_of_problems_print_the_first_ones_and_a_count(tmp_path: Path) -> None:
    posting = MINIMAL_POSTING + "".join(f"unknown_{i}: {i}\n" for i in range(20_000))
    lines = check_refuses(knowledge(tmp_path, posting=posting), "unknown key")
    assert lines[-1].startswith("… and ") and "more problem" in lines[-1]


@pytest.mark.e2e
def test_a_file_over_the_size_limit_is_refused_unread(tmp_path: Path) -> None:
    posting = MINIMAL_POSTING + "summary: >-\n" + ("  " + "word " * 20 + "\n") * 60_000
    assert len(posting) > 4 * 1024 * 1024
    check_refuses(knowledge(tmp_path, posting=posting), "file is over 4 MB")


@pytest.mark.e2e
@pytest.mark.parametrize(
    "tag",
    ["!!python/object/apply:os.system ['touch PWNED']", "!!python/name:os.system", "!!float x", "!!bool x"],
)
def test_a_tag_the_safe_loader_cannot_take_is_a_problem_at_its_line(tmp_path: Path, tag: str) -> None:
    directory = knowledge(tmp_path / "kb", posting=MINIMAL_POSTING + f"summary: {tag}\n")
    assert len(check_refuses(directory, "acme-dev.yaml:4: YAML syntax error")) == 1
    assert not (tmp_path / "PWNED").exists() and not Path("PWNED").exists()


@pytest.mark.e2e
def test_control_characters_in_a_key_stay_on_one_line(tmp_path: Path) -> None:
    posting = MINIMAL_POSTING + '"bad\\nkey\\u001b[2J": 1\n'
    lines = check_refuses(knowledge(tmp_path, posting=posting), "unknown key")
    assert "\x1b" not in "".join(lines)


# ---- 6: nesting -----------------------------------------------------------------------------------


@pytest.mark.e2e
def test_mappings_nested_990_deep_are_refused_not_a_recursion_error(tmp_path: Path) -> None:
    deep = "facts:\n" + "".join("  " * (i + 1) + f"k{i}:\n" for i in range(990)) + "  " * 991 + "x: 1\n"
    check_refuses(knowledge(tmp_path, posting=MINIMAL_POSTING + deep), "nested more than 64 levels")


@pytest.mark.e2e
@pytest.mark.parametrize("anchor", ["", "summary: &s R&D\n"])
def test_nesting_is_refused_at_the_same_line_with_or_without_an_anchor_in_the_file(
    tmp_path: Path, anchor: str
) -> None:
    # A file with no `&` skips the alias walk; its depth is checked as its lines are recorded.
    deep = "facts:\n" + "".join("  " * (i + 1) + f"k{i}:\n" for i in range(70)) + "  " * 71 + "x: 1\n"
    directory = knowledge(tmp_path, posting=MINIMAL_POSTING + anchor + deep)
    first_deep_line = MINIMAL_POSTING.count("\n") + anchor.count("\n") + 64
    lines = check_refuses(directory, f"acme-dev.yaml:{first_deep_line}: nested more than 64 levels deep")
    assert len(lines) == 1, lines


@pytest.mark.e2e
def test_a_template_nesting_1000_ifs_is_refused(tmp_path: Path) -> None:
    answer = "{if known relocation}" * 1000 + "x" + "{end}" * 1000
    intents = MINIMAL_INTENTS + f"  - id: deep\n    examples: [deep]\n    answer: '{answer}'\n"
    check_refuses(knowledge(tmp_path, intents=intents), "nested more than 16 deep")


@pytest.mark.e2e
def test_a_template_repeating_a_long_fact_renders_a_bounded_reply(tmp_path: Path) -> None:
    posting = MINIMAL_POSTING + f"summary: {'lorem ' * 15_000}\n"
    intents = MINIMAL_INTENTS + (
        f"  - id: summary\n    examples: [what is the role about]\n    answer: '{'{summary} ' * 50_000}'\n"
    )
    directory = knowledge(tmp_path, posting=posting, intents=intents)
    assert_bounded(run_bounded("check", "--knowledge", directory))
    asked = run_bounded("ask", "--knowledge", directory, "--json", "what is the role about")
    assert_bounded(asked)
    assert asked.code == 0
    assert len(json.loads(asked.stdout)["text"]) <= 40_001


# ---- 7, 8: facts of the wrong kind -----------------------------------------------------------------


@pytest.mark.e2e
@pytest.mark.parametrize(
    ("fact", "message"),
    [
        ("last_verified: 2026-02-30", "last_verified: Input should be a valid date"),
        ("last_verified: 0", "expected a date such as"),
        ("last_verified: true", "expected a date such as"),
        ("salary: {min: 118938, max: .inf, currency: USD}", "salary.max"),
        ("salary: {min: 118938, max: 1e308, currency: USD}", "salary.max"),
        ("salary: {min: .nan, max: 2, currency: USD}", "salary.min"),
        ("salary: {min: true, max: 244872, currency: USD}", "salary.min: expected a number, got true"),
        ("requirements: {experience_years: true}", "experience_years: expected a number"),
        ("requirements: {experience_years: 1e308}", "requirements.experience_years"),
        ("facts: {bonus: .inf}", "facts.bonus: expected a finite number"),
        (f"facts: {{bonus: {'9' * 5000}}}", "int too long (5,000 characters)"),
    ],
)
def test_a_fact_that_is_not_a_plausible_value_is_refused_at_its_line(
    tmp_path: Path, fact: str, message: str
) -> None:
    posting = MINIMAL_POSTING + "url: https://example.com/job\n" + fact + "\n"
    [line] = check_refuses(knowledge(tmp_path, posting=posting), message)
    assert line.split(":")[1] == "5", line  # the fact's own line


def test_a_bad_date_on_live_reload_names_its_file_and_line(tmp_path: Path) -> None:
    from bot.knowledge.loader import KnowledgeError, load_knowledge

    directory = knowledge(tmp_path, posting=MINIMAL_POSTING + "last_verified: 2026-02-30\n")
    with pytest.raises(KnowledgeError) as raised:
        load_knowledge(directory)
    [problem] = raised.value.problems
    assert (problem.path.name, problem.line) == ("acme-dev.yaml", 4)


@pytest.mark.e2e
def test_match_settings_take_numbers_not_booleans(tmp_path: Path) -> None:
    intents = "settings:\n  threshold: true\n" + MINIMAL_INTENTS
    check_refuses(knowledge(tmp_path, intents=intents), "settings.threshold: expected a number")


# ---- 9: merge keys --------------------------------------------------------------------------------


@pytest.mark.e2e
def test_a_merge_key_is_read_as_yaml_defines_it_not_as_a_duplicate(tmp_path: Path) -> None:
    posting = MINIMAL_POSTING + (
        "equity: &offer {provided: true, detail: RSUs}\n"
        "relocation:\n  <<: *offer\n  detail: a relocation package\n"
    )
    directory = knowledge(tmp_path, posting=posting)
    checked = run_bounded("check", "--knowledge", directory)
    assert_bounded(checked)
    assert checked.code == 0, checked.out
    asked = run_bounded("ask", "--knowledge", directory, "is relocation covered")
    assert asked.out.strip() == "Relocation is provided."


@pytest.mark.e2e
def test_a_real_duplicate_beside_a_merge_key_is_still_reported(tmp_path: Path) -> None:
    posting = MINIMAL_POSTING + (
        "equity: &offer {provided: true}\nrelocation:\n  <<: *offer\n  provided: false\n  provided: true\n"
    )
    check_refuses(knowledge(tmp_path, posting=posting), "duplicate key 'provided'")


# ---- 10, 11: typed lines --------------------------------------------------------------------------


@pytest.mark.e2e
@pytest.mark.parametrize(
    "typed", ["²", "9" * 5000, "\u0661", "0"], ids=["superscript", "5000 digits", "arabic", "zero"]
)
def test_chat_survives_a_line_that_looks_like_a_number(tmp_path: Path, typed: str) -> None:
    directory = knowledge(tmp_path)
    run = run_bounded("chat", "--knowledge", directory, stdin=f"{typed}\nis relocation covered\n".encode())
    assert_bounded(run)
    assert run.code == 0, run.stderr
    assert run.out.count("bot> ") == 2
    assert "anything about relocation" in run.out


@pytest.mark.e2e
def test_chat_survives_bytes_that_are_not_utf8(tmp_path: Path) -> None:
    run = run_bounded(
        "chat", "--knowledge", knowledge(tmp_path), stdin=b"\xff\xfe salary?\nis relocation covered\n"
    )
    assert_bounded(run)
    assert run.code == 0 and "anything about relocation" in run.out


@pytest.mark.e2e
def test_ask_stdin_a_line_that_is_not_utf8_costs_only_that_line(tmp_path: Path) -> None:
    stdin = b"what does it pay\n\xff\xfe\xc3( bad\nis relocation covered\n"
    run = run_bounded("ask", "--knowledge", knowledge(tmp_path), "--json", "-", stdin=stdin)
    assert_bounded(run)
    first, bad, last = [json.loads(line) for line in run.out.splitlines()]
    assert first["intents"] == ["salary"] and last["intents"] == ["relocation"]
    assert bad["error"] == "the line is not UTF-8 text"
    assert "\ufffd" in bad["question"]
    assert run.code == 2


@pytest.mark.e2e
def test_ask_a_question_argument_that_is_not_utf8(tmp_path: Path) -> None:
    directory = os.fsencode(knowledge(tmp_path))
    started = time.monotonic()
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "bot",
            "ask",
            "--knowledge",
            directory,
            "--json",
            b"is relocation \xff covered",
        ],
        capture_output=True,
        timeout=TIME_LIMIT,
        check=False,
    )
    assert time.monotonic() - started < TIME_LIMIT
    assert result.returncode == 0, result.stderr
    reply = json.loads(result.stdout.decode("utf-8"))
    assert reply["intents"] == ["relocation"]


# ---- what a knowledge file may be -----------------------------------------------------------------


@pytest.mark.e2e
def test_a_posting_linking_to_a_file_that_is_not_knowledge_is_refused_unread(tmp_path: Path) -> None:
    secret = tmp_path / ".env"
    secret.write_text("id: acme-dev\ntitle: T\ncompany: C\nsalary: SECRET-VALUE\n", encoding="utf-8")
    directory = knowledge(tmp_path / "kb")
    (directory / "postings" / "acme-dev.yaml").unlink()
    (directory / "postings" / "acme-dev.yaml").symlink_to(secret)
    lines = check_refuses(directory, "is a link to .env, which is not a .yaml, .yml or .md file")
    assert "SECRET-VALUE" not in "".join(lines)


@pytest.mark.e2e
def test_a_link_to_a_yaml_file_elsewhere_is_read(tmp_path: Path) -> None:
    # Knowledge directories share one intents.yaml this way (eval/imported does).
    directory = knowledge(tmp_path / "kb")
    (directory / "intents.yaml").rename(tmp_path / "shared-intents.yaml")
    (directory / "intents.yaml").symlink_to(tmp_path / "shared-intents.yaml")
    checked = run_bounded("check", "--knowledge", directory)
    assert checked.code == 0, checked.out


@pytest.mark.e2e
def test_a_fifo_named_like_a_posting_does_not_stall_the_loader(tmp_path: Path) -> None:
    directory = knowledge(tmp_path)
    os.mkfifo(directory / "postings" / "stall.yaml")
    check_refuses(directory, "stall.yaml:1: is not a regular file")


@pytest.mark.e2e
def test_a_posting_text_linking_to_a_file_that_is_not_knowledge_is_refused_and_never_quoted(
    tmp_path: Path,
) -> None:
    secret = tmp_path / "deploy-key.txt"
    secret.write_text("The deploy key is SECRET-VALUE.\n", encoding="utf-8")
    directory = knowledge(tmp_path / "kb")
    (directory / "postings" / "acme-dev.md").symlink_to(secret)
    lines = check_refuses(directory, "acme-dev.md:1: is a link to deploy-key.txt, which is not a .yaml")
    assert "SECRET-VALUE" not in "".join(lines)


@pytest.mark.e2e
def test_a_fifo_named_like_a_posting_text_does_not_stall_the_loader(tmp_path: Path) -> None:
    directory = knowledge(tmp_path)
    os.mkfifo(directory / "postings" / "acme-dev.md")
    check_refuses(directory, "acme-dev.md:1: is not a regular file")
