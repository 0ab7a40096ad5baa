"""YAML loading that remembers where every value came from, so problems can be reported as path:line."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

Loc = tuple[str | int, ...]


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the knowledge, in the `path:line: message` shape editors understand."""

    path: Path
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


@dataclass
class YamlDocument:
    """A parsed YAML file plus the 1-based line of every mapping key and sequence item in it."""

    path: Path
    data: Any
    lines: dict[Loc, int] = field(default_factory=dict)

    def line_of(self, loc: Loc) -> int:
        """Line of the deepest part of `loc` that exists in the file (1 when nothing matches)."""
        for end in range(len(loc), -1, -1):
            line = self.lines.get(tuple(loc[:end]))
            if line is not None:
                return line
        return 1


class YamlError(Exception):
    def __init__(self, problems: list[Problem], document: YamlDocument | None = None) -> None:
        super().__init__("\n".join(map(str, problems)))
        self.problems = problems
        # Set when the file parsed but has duplicate keys: it can still be validated, so a recruiter sees
        # every problem in one go rather than one per `check`.
        self.document = document


def load_yaml(path: Path) -> YamlDocument:
    """Parse `path` with PyYAML's safe loader; syntax errors and duplicate keys raise YamlError."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise YamlError([Problem(path, 1, f"cannot read file: {exc}")]) from exc
    # libyaml's parser when PyYAML has it (5x faster on a 15,000-example intents.yaml); same safe constructor.
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        raise YamlError([Problem(path, line, f"YAML syntax error: {exc.problem or exc}")]) from exc
    except yaml.YAMLError as exc:
        raise YamlError([Problem(path, 1, f"YAML error: {exc}")]) from exc
    finally:
        loader.dispose()
    doc = YamlDocument(path, data)
    if node is not None:
        doc.lines[()] = node.start_mark.line + 1
        problems: list[Problem] = []
        _index(node, (), doc.lines, path, problems)
        if problems:
            raise YamlError(problems, doc)
    return doc


def _index(node: yaml.Node, loc: Loc, lines: dict[Loc, int], path: Path, problems: list[Problem]) -> None:
    if isinstance(node, yaml.MappingNode):
        seen: set[str] = set()
        for key_node, value_node in node.value:
            key = str(key_node.value)
            line = key_node.start_mark.line + 1
            if key in seen:
                # PyYAML silently keeps the last of two equal keys; a recruiter would lose an edit.
                problems.append(Problem(path, line, f"duplicate key '{key}'"))
            seen.add(key)
            lines[(*loc, key)] = line
            _index(value_node, (*loc, key), lines, path, problems)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            lines[(*loc, i)] = item.start_mark.line + 1
            _index(item, (*loc, i), lines, path, problems)
