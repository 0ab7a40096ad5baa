"""YAML loading that remembers where every value came from, so problems can be reported as path:line."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from bot.logs import escape_controls

Loc = tuple[str | int, ...]

MAX_FILE_BYTES = 4 * 1024 * 1024  # a posting is a few KB; 150 intents x 100 examples is under 1 MB
MAX_DEPTH = 64  # mappings and lists nested deeper than any knowledge file needs
MAX_ALIAS_VALUES = 100_000  # values aliases may add on top of those written out in the file
MAX_MESSAGE_CHARS = 400
SHOWN_CHARS = 80  # of a value quoted in an error message


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the knowledge, in the `path:line: message` shape editors understand."""

    path: Path
    line: int
    message: str

    def __str__(self) -> str:
        # One line, of a readable length, whatever the file holds: values are quoted cut short where
        # they are named (see `shown`); this is the net for any message that quotes more.
        message = escape_controls(self.message)
        if len(message) > MAX_MESSAGE_CHARS:
            message = message[: MAX_MESSAGE_CHARS - 1] + "…"
        return f"{escape_controls(str(self.path))}:{self.line}: {message}"


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


def cut(text: str, limit: int = SHOWN_CHARS) -> str:
    """`text` cut to `limit` characters, keeping its end: a message names a value, it doesn't reprint it."""
    return text if len(text) <= limit else f"{text[: limit - 5]}…{text[-4:]}"


def shown(value: Any, limit: int = SHOWN_CHARS) -> str:
    """`value` as an error message quotes it: its repr, cut to `limit` characters."""
    return cut(repr(value), limit)


def load_yaml(path: Path) -> YamlDocument:
    """Parse `path` with PyYAML's safe loader; syntax errors, duplicate keys and shapes no knowledge
    file has (nesting past MAX_DEPTH, aliases expanding past MAX_ALIAS_VALUES) raise YamlError."""
    try:
        with path.open("rb") as file:
            raw = file.read(MAX_FILE_BYTES + 1)
        if len(raw) > MAX_FILE_BYTES:
            raise YamlError([Problem(path, 1, f"file is over {MAX_FILE_BYTES // (1024 * 1024)} MB")])
        text = raw.decode("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise YamlError([Problem(path, 1, f"cannot read file: {exc}")]) from exc
    loader = _KnowledgeLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return YamlDocument(path, None)
        # Without an anchor (`&`) no value can be an alias, so only depth can be wrong, and the walk that
        # records lines checks it; the full shape check costs more than parsing a posting.
        if "&" in text:
            _check_shape(node, path)
        # Indexed before construction: constructing a merge key (`<<: *x`) rewrites the node's keys.
        doc = YamlDocument(path, None)
        doc.lines[()] = node.start_mark.line + 1
        problems: list[Problem] = []
        _index(node, (), doc.lines, path, problems, set(), 1)
        doc.data = loader.construct_document(node)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        problem = str(exc.problem or exc).strip()
        raise YamlError([Problem(path, line, f"YAML syntax error: {problem[:200]}")]) from exc
    except yaml.reader.ReaderError as exc:  # a character YAML doesn't allow, such as NUL
        line = text[: exc.position].count("\n") + 1
        reason = str(exc).splitlines()[0]
        raise YamlError([Problem(path, line, f"YAML error: {reason}")]) from exc
    except yaml.YAMLError as exc:
        raise YamlError([Problem(path, 1, f"YAML error: {str(exc).splitlines()[0][:200]}")]) from exc
    except RecursionError as exc:  # only without libyaml, whose parser stops at 1,000 levels itself
        raise YamlError([Problem(path, 1, "nested too deeply")]) from exc
    finally:
        loader.dispose()
    if problems:
        raise YamlError(problems, doc)
    return doc


_COMMENT_CUT = re.compile(r"\s+#[^\s#!]")  # " #118": a comment opening without a space


def comment_cuts(path: Path) -> list[Problem]:
    """Plain values that a comment cuts short: " #" starts a YAML comment even mid-value, so
    `detail: Store #118, Westgate Commons` reads as "Store". A comment opening without a space ("#118") is
    most likely such a value; one opening with a space ("# why") is left alone."""
    try:
        text = path.read_text(encoding="utf-8")
        if not _COMMENT_CUT.search(text):  # most files: no need to scan
            return []
        tokens = list(yaml.scan(text, Loader=_SafeLoader))
    except (OSError, UnicodeError, yaml.YAMLError):
        return []  # unreadable or not YAML: loading says so, with its line
    lines = text.splitlines()
    problems: list[Problem] = []
    for token in tokens:
        if isinstance(token, yaml.ScalarToken) and token.plain and token.end_mark.line < len(lines):
            rest = lines[token.end_mark.line][token.end_mark.column :]
            if _COMMENT_CUT.match(rest):
                written = shown(token.value + rest.rstrip())
                message = (
                    f"{written} reads as {shown(token.value)}: text after ' #' is a YAML comment; "
                    "put the whole value in quotes to keep it"
                )
                problems.append(Problem(path, token.end_mark.line + 1, message))
    return problems


# libyaml's parser when PyYAML has it (5x faster on a 15,000-example intents.yaml); same safe constructor.
_SafeLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _KnowledgeLoader(_SafeLoader):  # type: ignore[misc,valid-type]
    """The safe loader, less the ways a value could fail with no line: dates stay text for the schema to
    read (PyYAML raises a bare ValueError on 2026-02-30), and a value its tag can't take (`!!float x`, an
    integer of 5,000 digits) is a YAML error at its line."""

    def construct_object(self, node: yaml.Node, deep: bool = False) -> Any:
        try:
            return super().construct_object(node, deep)
        except (ValueError, KeyError, TypeError, OverflowError) as exc:
            kind = str(node.tag).rsplit(":", 1)[-1]
            too_long = isinstance(node.value, str) and len(node.value) > 100
            message = (
                f"{kind} too long ({len(node.value):,} characters)" if too_long else f"not a valid {kind}"
            )
            raise yaml.constructor.ConstructorError(None, None, message, node.start_mark) from exc


_KnowledgeLoader.add_constructor("tag:yaml.org,2002:timestamp", _KnowledgeLoader.construct_yaml_str)


def _check_shape(root: yaml.Node, path: Path) -> None:
    """Refuse, before anything walks the data, nesting past MAX_DEPTH, an alias inside its own value, and
    aliases that expand past MAX_ALIAS_VALUES (a few hundred bytes of `&a [*b, *b, ...]` can stand for
    billions of values). One pass over the distinct nodes: aliases share the node they name."""
    sizes: dict[int, int] = {}  # node -> values it stands for, itself included, aliases expanded
    written = 0  # distinct nodes: the values actually written in the file
    on_path: set[int] = set()
    stack: list[tuple[yaml.Node, int, bool]] = [(root, 1, False)]
    while stack:
        node, depth, done = stack.pop()
        key = id(node)
        children = _children(node)
        if done:
            on_path.discard(key)
            sizes[key] = 1 + sum(sizes[id(child)] for child in children)
            continue
        if key in on_path:
            raise YamlError([Problem(path, node.start_mark.line + 1, "an alias refers to its own value")])
        if key in sizes:
            continue
        if depth > MAX_DEPTH:
            message = f"nested more than {MAX_DEPTH} levels deep"
            raise YamlError([Problem(path, node.start_mark.line + 1, message)])
        written += 1
        on_path.add(key)
        stack.append((node, depth, True))
        stack.extend((child, depth + 1, False) for child in reversed(children))
    if sizes[id(root)] > written + MAX_ALIAS_VALUES:
        message = (
            f"aliases expand this file to {sizes[id(root)]:,} values (at most {MAX_ALIAS_VALUES:,} more "
            "than are written out): write the values out instead"
        )
        raise YamlError([Problem(path, root.start_mark.line + 1, message)])


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.MappingNode):
        return [part for pair in node.value for part in pair]
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    return []


def _index(
    node: yaml.Node,
    loc: Loc,
    lines: dict[Loc, int],
    path: Path,
    problems: list[Problem],
    seen_nodes: set[int],
    depth: int,
) -> None:
    """Record the line of every key and item; report duplicate keys; refuse nesting past MAX_DEPTH, in the
    same order as `_check_shape`. A node reached again through an alias is not walked again: its lines
    are where it is written."""
    if id(node) in seen_nodes:
        return
    seen_nodes.add(id(node))
    if depth > MAX_DEPTH:
        raise YamlError(
            [Problem(path, node.start_mark.line + 1, f"nested more than {MAX_DEPTH} levels deep")]
        )
    if isinstance(node, yaml.MappingNode):
        seen: set[str] = set()
        for key_node, value_node in node.value:
            key = str(key_node.value) if isinstance(key_node, yaml.ScalarNode) else "?"
            line = key_node.start_mark.line + 1
            if key in seen and key_node.tag != "tag:yaml.org,2002:merge":
                # PyYAML silently keeps the last of two equal keys; a recruiter would lose an edit.
                problems.append(Problem(path, line, f"duplicate key {shown(key)}"))
            seen.add(key)
            if depth >= MAX_DEPTH:  # the key is a level below its mapping, like the value
                raise YamlError([Problem(path, line, f"nested more than {MAX_DEPTH} levels deep")])
            if not isinstance(key_node, yaml.ScalarNode):  # a key such as `? [a, b]`: only its depth counts
                _index(key_node, (*loc, "?"), {}, path, [], seen_nodes, depth + 1)
            lines[(*loc, key)] = line
            _index(value_node, (*loc, key), lines, path, problems, seen_nodes, depth + 1)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            lines[(*loc, i)] = item.start_mark.line + 1
            _index(item, (*loc, i), lines, path, problems, seen_nodes, depth + 1)
