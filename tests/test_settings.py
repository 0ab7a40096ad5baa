"""Every command reads its settings the same way: the environment, then `.env` in the working directory."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import KNOWLEDGE
from tests.environment import run_cli
from tests.fixtures.kb import SALARY_RANGE
from tests.fixtures.recruiter import EXAMPLE, multi_posting_knowledge

pytestmark = pytest.mark.e2e

CASES = "- {question: what's the salary range?, expect: salary}\n"

# Each command run with only a `.env` to configure it, and what it prints when it found the knowledge.
COMMANDS = {
    "check": ((), None, "ok: "),
    "ask": (("what's the salary range?",), None, SALARY_RANGE),
    "eval": (("cases.yaml",), None, "accuracy              100.0%"),
    "chat": ((), "what's the salary range?\n", SALARY_RANGE),
    "run": (("--or-chat",), "what's the salary range?\n", SALARY_RANGE),
}


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_knowledge_dir_in_dotenv_is_honoured_by_every_command(tmp_path: Path, command: str) -> None:
    args, stdin, printed = COMMANDS[command]
    (tmp_path / "cases.yaml").write_text(CASES, encoding="utf-8")
    (tmp_path / ".env").write_text(f"KNOWLEDGE_DIR={KNOWLEDGE}\n", encoding="utf-8")
    assert not (tmp_path / "knowledge").exists()  # ./knowledge, the default, would not be found

    result = run_cli(command, *args, stdin=stdin, cwd=tmp_path)

    assert result.returncode == 0, result.stderr
    assert printed in result.stdout


def test_report_reads_its_knowledge_and_database_from_dotenv(tmp_path: Path) -> None:
    database = tmp_path / "logs" / "questions.sqlite3"
    (tmp_path / ".env").write_text(f"KNOWLEDGE_DIR={KNOWLEDGE}\nDATABASE_PATH={database}\n", encoding="utf-8")

    result = run_cli("report", cwd=tmp_path)

    assert result.returncode == 0, result.stderr
    # Its one remark is about the database named in .env; the knowledge was found (no "problem(s)").
    assert result.stderr.splitlines() == [
        f"posting-bot: no question log at {database} yet: nothing has been recorded"
    ]


def test_default_posting_in_dotenv_routes_ask(tmp_path: Path) -> None:
    knowledge = multi_posting_knowledge(tmp_path / "kb")
    (tmp_path / ".env").write_text(
        f"KNOWLEDGE_DIR={knowledge}\nDEFAULT_POSTING={EXAMPLE}\n", encoding="utf-8"
    )
    result = run_cli("ask", "--json", "is relocation covered?", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["posting"] == EXAMPLE


@pytest.mark.parametrize("command", ["check", "ask", "eval", "chat", "report", "run"])
def test_a_bad_log_level_is_refused_the_same_way_by_every_command(tmp_path: Path, command: str) -> None:
    (tmp_path / ".env").write_text(f"KNOWLEDGE_DIR={KNOWLEDGE}\nLOG_LEVEL=LOUD\n", encoding="utf-8")
    args = {"ask": ["what's the salary?"], "eval": ["cases.yaml"]}.get(command, [])

    result = run_cli(command, *args, cwd=tmp_path)

    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        "posting-bot: LOG_LEVEL: must be one of DEBUG, INFO, WARNING, ERROR (got 'LOUD')"
    ]


def test_the_environment_wins_over_dotenv(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("KNOWLEDGE_DIR=/nowhere\n", encoding="utf-8")
    result = run_cli("check", cwd=tmp_path, env={"KNOWLEDGE_DIR": str(KNOWLEDGE)})
    assert result.returncode == 0, result.stdout + result.stderr
