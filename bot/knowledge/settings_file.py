"""Changing values in the `settings:` block of intents.yaml by editing its lines, so a recruiter's comments,
layout and everything else in the file stay exactly as written."""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path

_BLOCK = re.compile(r"^settings:[ \t]*(#.*)?$")
_FLOW = re.compile(r"^settings:[ \t]*\{")
_TOP_LEVEL_KEY = re.compile(r"^[^\s#][^:]*:")


class SettingsEditError(Exception):
    pass


def write_settings(path: Path, values: Mapping[str, float]) -> None:
    """Set each `key: value` under the top-level `settings:` mapping, adding keys (or the block) if absent."""
    text = path.read_text(encoding="utf-8")
    path.write_text(edit_settings(text, values), encoding="utf-8")


def edit_settings(text: str, values: Mapping[str, float]) -> str:
    lines = text.splitlines(keepends=True)
    newline = "\r\n" if lines and lines[0].endswith("\r\n") else "\n"
    if any(_FLOW.match(line) for line in lines):
        raise SettingsEditError("settings is written inline ({...}); write it as a block to have it edited")
    start = next((i for i, line in enumerate(lines) if _BLOCK.match(line.rstrip("\r\n"))), None)
    if start is None:
        at = next((i for i, line in enumerate(lines) if _TOP_LEVEL_KEY.match(line)), len(lines))
        block = [f"settings:{newline}", *(f"  {k}: {_format(v)}{newline}" for k, v in values.items())]
        return "".join(lines[:at] + block + [newline] + lines[at:])

    end = start + 1
    while end < len(lines) and (not lines[end].strip() or lines[end][0] in " \t#"):
        end += 1
    indent = "  "
    missing = dict(values)
    for i in range(start + 1, end):
        match = re.match(
            r"^(?P<indent>[ \t]+)(?P<key>\w+):(?P<gap>[ \t]*)(?P<value>[^\s#]*)(?P<rest>.*)$", lines[i]
        )
        if match is None:
            continue
        indent = match["indent"]
        if match["key"] in missing:
            value = _format(missing.pop(match["key"]))
            rest = _keep_comment_column(match["rest"].rstrip("\r\n"), len(match["value"]) - len(value))
            lines[i] = f"{indent}{match['key']}:{match['gap'] or ' '}{value}{rest}{newline}"
    added = [f"{indent}{k}: {_format(v)}{newline}" for k, v in missing.items()]
    return "".join(lines[: start + 1] + added + lines[start + 1 :])


def _keep_comment_column(rest: str, shift: int) -> str:
    """A trailing comment stays where it was when the value got shorter or longer (at least one space)."""
    stripped = rest.lstrip(" ")
    if not stripped.startswith("#"):
        return rest
    gap = max(1, len(rest) - len(stripped) + shift)
    return " " * gap + stripped


def _format(value: float) -> str:
    return f"{value:.2f}"
