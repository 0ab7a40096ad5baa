"""Writing a draft into the knowledge directory, and re-importing without losing a recruiter's edits.

`postings/<id>.yaml` gets a comment above each imported fact naming the line of `postings/<id>.md` that
states it. `.imports/<id>.json` remembers what the last import found, so the next import can tell a fact
the source changed (follow the source) from a fact a recruiter changed by hand (keep it, and say so).
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import os
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from bot.importer.draft import Draft
from bot.knowledge.posting_text import MAX_TEXT_BYTES
from bot.knowledge.schema import OPERATIONAL_FIELDS, Posting

RECORDS_DIR = ".imports"
# Groups whose keys are separate facts: a recruiter may correct one and let the rest follow the source.
_GROUPS = frozenset({"requirements", "level", "location", "remote", "company_info"})
_FIELD_ORDER = list(Posting.model_fields)


class WriteProblem(Exception):
    """The draft can't be written; one line for the user."""


@dataclass
class Merge:
    posting: dict[str, Any]  # the posting to write, id and operational settings included
    changes: list[str] = field(default_factory=list)  # what the source changed
    kept: list[str] = field(default_factory=list)  # hand edits kept over the source
    kept_paths: set[str] = field(default_factory=set)


def _units(*facts: dict[str, Any]) -> Iterator[str]:
    """Fact paths compared one by one: a top-level fact, or one key of a group such as `level`."""
    seen: dict[str, None] = {}
    for data in facts:
        for key, value in data.items():
            if key in OPERATIONAL_FIELDS or key == "id":
                continue
            if key in _GROUPS and isinstance(value, dict):
                for sub in value:
                    seen.setdefault(f"{key}.{sub}")
            else:
                seen.setdefault(key)
    yield from seen


def _get(data: dict[str, Any], path: str) -> Any:
    value: Any = data
    for part in path.split("."):
        if not isinstance(value, dict) or part not in value:
            return None
        value = value[part]
    return value


def _set(data: dict[str, Any], path: str, value: Any) -> None:
    *parents, last = path.split(".")
    target = data
    for part in parents:
        if not isinstance(target.get(part), dict):
            target[part] = {}
        target = target[part]
    if value is None:
        target.pop(last, None)
        if parents and not target:
            data.pop(parents[0], None)
    else:
        target[last] = value


def _show(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False, default=str) if value is not None else "(none)"
    return text if len(text) <= 70 else text[:67] + "..."


def merge(
    draft: Draft, posting_id: str, current: dict[str, Any] | None, last: dict[str, Any] | None
) -> Merge:
    """The posting to write: new facts from `draft`, with `current` (the file as it is now) keeping its
    settings and every fact that differs from `last` (what the previous import found)."""
    theirs = draft.posting
    if current is None:
        return Merge({"id": posting_id, **theirs})
    result = copy.deepcopy(current)
    outcome = Merge(result)
    for path in _units(current, theirs, last or {}):
        ours, new = _get(current, path), _get(theirs, path)
        base = _get(last, path) if last is not None else None
        edited = ours != base if last is not None else ours is not None
        if ours == new:
            continue
        if edited:
            outcome.kept.append(f"kept your {path}: {_show(ours)} (the source says {_show(new)})")
            outcome.kept_paths.add(path)
            continue
        _set(result, path, new)
        verb = "added" if ours is None else "removed" if new is None else "changed"
        outcome.changes.append(f"{verb} {path}: {_show(ours)} -> {_show(new)}" if verb == "changed"
                               else f"{verb} {path}: {_show(new if new is not None else ours)}")  # fmt: skip
    return outcome


# ---- YAML with citations ---------------------------------------------------------------------------------


def _scalar(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = yaml.safe_dump(value, allow_unicode=True, width=10**9, default_flow_style=True)
    return text.removesuffix("\n...\n").strip()


def _comment(citations: dict[str, tuple[int, str]], path: str, indent: str, kept: set[str]) -> list[str]:
    if path in kept:
        return [f"{indent}# kept: changed by hand since the last import"]
    if path not in citations:
        return []
    line, text = citations[path]
    text = " ".join(text.split())
    text = text if len(text) <= 100 else text[:97] + "..."
    return [f"{indent}# line {line}: {text}" if line else f"{indent}# from the job board: {text}"]


def posting_yaml(posting: dict[str, Any], draft: Draft, posting_id: str, kept: set[str] = frozenset()) -> str:  # type: ignore[assignment]
    citations = draft.citations
    out = [
        f"# Imported from {draft.origin} on {dt.date.today().isoformat()}: a draft.",
        f"# Each fact cites the line of postings/{posting_id}.md that states it;",
        "# check them, then run `posting-bot check`.",
    ]
    order = ["id", *[k for k in _FIELD_ORDER if k != "id"]]
    for key in sorted(posting, key=lambda k: order.index(k) if k in order else len(order)):
        value = posting[key]
        if f"{key}.0" not in citations or key in kept:  # a list cites item by item
            out += _comment(citations, key, "", kept)
        if isinstance(value, dict):
            out.append(f"{key}:")
            for sub, item in value.items():
                if f"{key}.{sub}.0" not in citations or f"{key}.{sub}" in kept:
                    out += _comment(citations, f"{key}.{sub}", "  ", kept)
                out += _entry(f"{key}.{sub}", sub, item, "  ", citations, kept)
        else:
            out += _entry(key, key, value, "", citations, kept)
    if draft.review:
        out += ["", "# To review: sentences the import could not turn into facts with certainty."]
        out += [f"#   line {line}: {' '.join(text.split())[:110]}" for line, text in draft.review]
    return "\n".join(out) + "\n"


def _entry(
    path: str, key: str, value: Any, indent: str, citations: dict[str, tuple[int, str]], kept: set[str]
) -> list[str]:
    if isinstance(value, list) and value:
        lines = [f"{indent}{key}:"]
        for i, item in enumerate(value):
            if path not in kept:
                lines += _comment(citations, f"{path}.{i}", indent + "  ", kept)
            if isinstance(item, dict):
                lines.append(f"{indent}  - {_scalar({k: v for k, v in item.items()})}")
            else:
                lines.append(f"{indent}  - {_scalar(item)}")
        return lines
    if isinstance(value, dict):
        return [f"{indent}{key}: {_scalar(value)}"]
    return [f"{indent}{key}: {_scalar(value)}"]


# ---- files -----------------------------------------------------------------------------------------------


def read_current(knowledge: Path, posting_id: str) -> tuple[dict[str, Any] | None, dict[str, Any] | None]:
    """(the posting file as it is now, the facts the last import found), each None when absent."""
    path = knowledge / "postings" / f"{posting_id}.yaml"
    current = None
    if path.is_file():
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
        except (yaml.YAMLError, UnicodeDecodeError) as exc:
            raise WriteProblem(
                f"{path} can't be read ({type(exc).__name__}); fix it before re-importing"
            ) from exc
        if not isinstance(data, dict):
            raise WriteProblem(f"{path} is not a mapping of facts; fix it before re-importing")
        current = data
    last = None
    record = knowledge / RECORDS_DIR / f"{posting_id}.json"
    if record.is_file():
        try:
            last = json.loads(record.read_text(encoding="utf-8")).get("facts")
        except (json.JSONDecodeError, UnicodeDecodeError, AttributeError):
            last = None  # then every existing fact counts as a hand edit: nothing is lost
    return current, last


def _atomic_write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.chmod(tmp, path.stat().st_mode & 0o777 if path.exists() else 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_posting(knowledge: Path, posting_id: str, draft: Draft) -> Merge:
    """Write postings/<id>.yaml and .md (merged with what is there) and the import record."""
    if not (knowledge / "postings").is_dir():
        raise WriteProblem(f"{knowledge} has no postings/ directory: is it a knowledge directory?")
    size = len(draft.text.encode("utf-8"))
    if size > MAX_TEXT_BYTES:
        raise WriteProblem(
            f"the posting's text is {size:,} bytes; postings/<id>.md holds at most {MAX_TEXT_BYTES:,} "
            "(is this a whole page rather than one posting?)"
        )
    current, last = read_current(knowledge, posting_id)
    merged = merge(draft, posting_id, current, last)
    missing = [key for key in ("title", "company") if not merged.posting.get(key)]
    if missing:
        raise WriteProblem(
            f"the posting doesn't state its {' or '.join(missing)}; give it with "
            + " and ".join(f"--{key} NAME" for key in missing)
        )
    try:
        Posting.model_validate(merged.posting)
    except ValidationError as exc:
        error = exc.errors()[0]
        where = ".".join(str(p) for p in error["loc"])
        raise WriteProblem(f"the merged posting is not valid: {where}: {error['msg']}") from exc
    postings = knowledge / "postings"
    _atomic_write(postings / f"{posting_id}.md", draft.text)
    _atomic_write(
        postings / f"{posting_id}.yaml", posting_yaml(merged.posting, draft, posting_id, merged.kept_paths)
    )
    record = {"source": draft.origin, "imported": dt.date.today().isoformat(), "facts": draft.posting}
    _atomic_write(
        knowledge / RECORDS_DIR / f"{posting_id}.json", json.dumps(record, indent=2, ensure_ascii=False)
    )
    return merged
