"""Every `posting-bot` command and option is documented in the README.

The commands are discovered from the argparse parser, so a new command without documentation fails here.
"""

from __future__ import annotations

import argparse
import re

import pytest

from bot.cli import build_parser
from tests.conftest import ROOT

README = ROOT / "README.md"


def _subcommands() -> dict[str, argparse.ArgumentParser]:
    parser = build_parser()
    actions = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    assert len(actions) == 1, "posting-bot should have exactly one set of subcommands"
    return dict(actions[0].choices)


COMMANDS = _subcommands()


def _readme() -> str:
    if not README.is_file():
        pytest.fail(f"{README} does not exist: it must document every posting-bot command")
    return README.read_text(encoding="utf-8")


def test_the_parser_has_the_contract_commands() -> None:
    # DESIGN.md's CLI contract; others may be added, none removed.
    assert {"ask", "check", "eval", "chat", "run"} <= COMMANDS.keys()


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_every_command_is_documented(command: str) -> None:
    readme = _readme()
    assert re.search(rf"`posting-bot {re.escape(command)}\b", readme), (
        f"README.md doesn't document `posting-bot {command}`"
    )


@pytest.mark.parametrize(
    ("command", "option"),
    sorted(
        (name, option)
        for name, sub in COMMANDS.items()
        for action in sub._actions
        for option in action.option_strings
        if option.startswith("--") and option != "--help"
    ),
)
def test_every_option_is_documented(command: str, option: str) -> None:
    assert re.search(rf"{re.escape(option)}\b", _readme()), f"README.md doesn't mention {command} {option}"
