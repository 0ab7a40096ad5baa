"""`check` warns about a value a YAML comment cuts short: `detail: Store #118, Westgate` reads as "Store"."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.knowledge.yaml_source import comment_cuts
from tests.environment import run_cli
from tests.fixtures.kb import MINIMAL_INTENTS, write_knowledge

POSTING = """\
id: acme-dev
title: Developer
company: Acme
location:
  offices: [Denver]
  detail: Store #118, Westgate Commons
summary: a C# developer role   # why: the hiring team asked for C#
teams:
  - "Platform #2"
  - Retail #3
how_to_apply: >-
  Apply at the front desk of store #118.
"""


def test_a_value_cut_by_a_comment_is_found_at_its_line(tmp_path: Path) -> None:
    path = tmp_path / "acme-dev.yaml"
    path.write_text(POSTING, encoding="utf-8")
    found = [(p.line, p.message) for p in comment_cuts(path)]
    # Not the quoted team, the block scalar, "C#" inside a word, nor a comment that opens with a space.
    assert [line for line, _ in found] == [6, 10]
    assert found[0][1].startswith("'Store #118, Westgate Commons' reads as 'Store': text after ' #'")
    assert "put the whole value in quotes" in found[0][1]


@pytest.mark.parametrize("content", [b"a: b #1\n\xff\n", b"a:\n\t- b #1\n"], ids=["not UTF-8", "a tab"])
def test_a_file_that_does_not_read_has_no_cuts_to_report(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "broken.yaml"
    path.write_bytes(content)
    assert comment_cuts(path) == []  # loading reports what is wrong, with its line


@pytest.mark.e2e
def test_check_warns_and_still_says_ok(tmp_path: Path) -> None:
    directory = write_knowledge(tmp_path / "kb", MINIMAL_INTENTS, {"acme-dev.yaml": POSTING})
    result = run_cli("check", "--knowledge", directory)
    assert result.returncode == 0, result.stdout + result.stderr
    warnings = [line for line in result.stdout.splitlines() if line.endswith("(warning)")]
    posting = directory / "postings" / "acme-dev.yaml"
    assert [w.split(": ", 1)[0] for w in warnings] == [f"{posting}:6", f"{posting}:10"]
    assert result.stdout.splitlines()[-1].startswith("ok: ")
