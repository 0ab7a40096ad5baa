"""How well `import` reads postings: each posting beside the facts a careful person found in it.

A labelled directory holds `<name>.<ext>` (a posting: .txt, .md, .html or a job board's .json) and
`<name>.expected.yaml` (its facts, in the posting schema's names; lists are given as counts:
`responsibilities_count`, `benefits_count`, `requirements.qualifications_count`; `how_to_apply: true` and
`inclusion: true` say the posting has them). Per fact slot it counts found, rightly absent, missed and
invented, and how many found values are right.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from rapidfuzz import fuzz

from bot.importer.draft import build_draft
from bot.importer.sources import decode, from_text


def _text(value: Any) -> str:
    text = unicodedata.normalize("NFKC", str(value)).casefold()
    return " ".join(re.sub(r"[\u2010-\u2015-]", "-", text).split())


def _same_text(got: Any, want: Any) -> bool:
    return _text(got) == _text(want)


def _same_set(got: Any, want: Any) -> bool:
    return {_text(v) for v in got} == {_text(v) for v in want}


def _same_places(got: Any, want: Any) -> bool:
    # `offices: [Dayton, OH]` in a flow list reads as two items; compare the places as one text.
    return _text(", ".join(map(str, got))) == _text(", ".join(map(str, want))) or _same_set(got, want)


def _close_text(got: Any, want: Any) -> bool:
    # Free text (an office's detail) is right when it says the same thing, not necessarily verbatim.
    return fuzz.token_set_ratio(_text(got), _text(want)) >= 70


def _ranges(value: Any) -> set[tuple[float, float, str | None, str | None]]:
    items = value if isinstance(value, list) else [value]
    return {
        (float(i["min"]), float(i["max"]), i.get("currency"), i.get("period"))
        for i in items
        if isinstance(i, dict)
    }


def _same_salary(got: Any, want: Any) -> bool:
    return _ranges(got) == _ranges(want)


def _equal(got: Any, want: Any) -> bool:
    return bool(got == want)


def _present(got: Any, want: Any) -> bool:
    return True


# slot -> (path in the extracted posting, path in the expected file, how values compare)
SLOTS: dict[str, tuple[str, str, Callable[[Any, Any], bool]]] = {
    "title": ("title", "title", _same_text),
    "company": ("company", "company", _same_text),
    "teams": ("teams", "teams", _same_set),
    "location.offices": ("location.offices", "location.offices", _same_places),
    "location.detail": ("location.detail", "location.detail", _close_text),
    "remote.mode": ("remote.mode", "remote.mode", _equal),
    "salary": ("salary", "salary", _same_salary),
    "equity": ("equity.provided", "equity.provided", _equal),
    "relocation": ("relocation.provided", "relocation.provided", _equal),
    "visa_sponsorship": ("visa_sponsorship.provided", "visa_sponsorship.provided", _equal),
    "requirements.experience_years": (
        "requirements.experience_years",
        "requirements.experience_years",
        _equal,
    ),
    "requirements.qualifications": (
        "requirements.qualifications#",
        "requirements.qualifications_count",
        _equal,
    ),
    "responsibilities": ("responsibilities#", "responsibilities_count", _equal),
    "level.seniority": ("level.seniority", "level.seniority", _equal),
    "level.employment_type": ("level.employment_type", "level.employment_type", _equal),
    "level.internship": ("level.internship", "level.internship", _equal),
    "benefits": ("benefits#", "benefits_count", _equal),
    "how_to_apply": ("how_to_apply", "how_to_apply", _present),
    "inclusion": ("inclusion", "inclusion", _present),
}


def _at(data: Any, path: str) -> Any:
    count = path.endswith("#")
    for key in path.rstrip("#").split("."):
        if not isinstance(data, dict) or key not in data:
            return None
        data = data[key]
    return len(data) if count and isinstance(data, list) else data


@dataclass
class SlotScore:
    found: int = 0
    rightly_absent: int = 0
    missed: int = 0
    invented: int = 0
    right: int = 0  # found with the right value


@dataclass
class Report:
    postings: int = 0
    slots: dict[str, SlotScore] = field(default_factory=lambda: {name: SlotScore() for name in SLOTS})
    mistakes: list[str] = field(default_factory=list)

    def figures(self) -> dict[str, Any]:
        total = SlotScore()
        for score in self.slots.values():
            for name in vars(total):
                setattr(total, name, getattr(total, name) + getattr(score, name))
        slots = sum(vars(total).values()) - total.right
        return {
            "postings": self.postings,
            "slots": slots,
            **{name: getattr(total, name) for name in ("found", "rightly_absent", "missed", "invented")},
            "invented_rate": _ratio(total.invented, total.invented + total.rightly_absent),
            "presence_accuracy": _ratio(total.found + total.rightly_absent, slots),
            "value_accuracy": _ratio(total.right, total.found),
            "per_fact": {name: vars(score) for name, score in self.slots.items()},
            "mistakes": self.mistakes,
        }


def _ratio(part: int, whole: int) -> float:
    return round(part / whole, 4) if whole else 1.0


class _LabelLoader(yaml.SafeLoader):
    """YAML 1.1 reads `[Mississauga, ON]` as a city and `true`; in a label file ON is Ontario. Only
    true/false are booleans here."""


_LabelLoader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:bool"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_LabelLoader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)


def labelled_postings(directory: Path) -> list[tuple[Path, Path]]:
    pairs: list[tuple[Path, Path]] = []
    for expected in sorted(directory.glob("*.expected.yaml")):
        name = expected.name.removesuffix(".expected.yaml")
        sources = [p for p in directory.glob(f"{name}.*") if p != expected and not p.name.endswith(".yaml")]
        if len(sources) == 1:
            pairs.append((sources[0], expected))
    return pairs


def evaluate(directory: Path) -> Report:
    report = Report()
    for source_path, expected_path in labelled_postings(directory):
        want = yaml.load(expected_path.read_text(encoding="utf-8"), Loader=_LabelLoader) or {}
        draft = build_draft(from_text(decode(source_path.read_bytes(), source_path.name), source_path.name))
        report.postings += 1
        for name, (got_path, want_path, same) in SLOTS.items():
            got, expected = _at(draft.posting, got_path), _at(want, want_path)
            score = report.slots[name]
            if expected is None and got is None:
                score.rightly_absent += 1
            elif expected is None:
                score.invented += 1
                report.mistakes.append(f"{source_path.name}: {name} invented: {got!r}")
            elif got is None:
                score.missed += 1
                report.mistakes.append(f"{source_path.name}: {name} missed (expected {expected!r})")
            else:
                score.found += 1
                if same(got, expected):
                    score.right += 1
                else:
                    report.mistakes.append(f"{source_path.name}: {name} is {got!r}, expected {expected!r}")
    return report


def format_report(figures: dict[str, Any]) -> str:
    lines = [
        f"{figures['postings']} postings, {figures['slots']} fact slots",
        f"invented: {figures['invented']} of {figures['invented'] + figures['rightly_absent']} "
        "unstated facts "
        f"({figures['invented_rate']:.1%})",
        f"right about presence: {figures['found'] + figures['rightly_absent']} of {figures['slots']} "
        f"({figures['presence_accuracy']:.1%})",
        f"found values right: {figures['value_accuracy']:.1%} of {figures['found']}",
        "",
        f"{'fact':32} {'found':>6} {'absent':>7} {'missed':>7} {'invented':>9} {'right':>6}",
    ]
    for name, score in figures["per_fact"].items():
        lines.append(
            f"{name:32} {score['found']:>6} {score['rightly_absent']:>7} {score['missed']:>7} "
            f"{score['invented']:>9} {score['right']:>6}"
        )
    if figures["mistakes"]:
        lines += ["", "mistakes:", *(f"  {m}" for m in figures["mistakes"])]
    return "\n".join(lines)
