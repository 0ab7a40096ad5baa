"""Answer templates: recruiters' text with posting facts filled in.

The language is deliberately tiny so that a template can reach posting facts and nothing else:

    {salary.min|number}            a fact, optionally through a filter
    {if relocation.provided}…{else}…{end}   choose by a yes/no fact (the fact must be stated)
    {if known benefits}…{end}      include text only when the posting states that fact
    {{ and }}                      literal braces
    {salary|pay}                   every pay range of the posting, as a sentence
    {remote}                       a mode and its detail, as a sentence (remote was once plain text)

Paths are looked up key by key in plain data (dicts and lists dumped from the validated posting), never
as Python attributes, so no template can walk into objects, settings or the environment.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

_PATH = r"[a-z_][a-z0-9_]*(?:\.[a-z_][a-z0-9_]*)*"
_FIELD = re.compile(rf"^({_PATH})(?:\|([a-z_]+))?$")
_IF = re.compile(rf"^if\s+(known\s+)?({_PATH})$")
_TAG = re.compile(r"\{\{|\}\}|\{([^{}]*)\}|[{}]")
_SPACES = re.compile(r"(?<=\S)[ \t]{2,}")
MAX_NESTING = 16  # `{if}` inside `{if}`: a real answer nests two or three
MAX_REPLY_CHARS = 40_000  # Slack cuts a message there; a template repeating a long fact stops here too
_SHOWN = 60  # characters of a bad tag quoted back


class TemplateError(ValueError):
    """The template's text is not valid template syntax."""


class MissingFact(LookupError):
    """A fact the template needs is not in the posting."""

    def __init__(self, path: str) -> None:
        super().__init__(path)
        self.path = path


def _join(items: list[Any], last: str) -> str:
    words = [str(item) for item in items]
    if len(words) <= 2:
        return f" {last} ".join(words)
    return ", ".join(words[:-1]) + f", {last} " + words[-1]


def _number(value: Any) -> str:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return str(value)
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}"


_CURRENCY_SYMBOLS = {
    **dict.fromkeys(("USD", "CAD", "AUD", "NZD", "SGD", "HKD", "MXN"), "$"),
    **{"EUR": "€", "GBP": "£", "JPY": "¥", "CNY": "¥", "INR": "₹", "KRW": "₩", "ILS": "₪"},
}


def _money(amount: Any, currency: Any, cents: bool) -> str:
    # No currency stated: the `$` of the original templates, and no code after it.
    symbol = "$" if currency is None else _CURRENCY_SYMBOLS.get(str(currency), "")
    return (
        f"{symbol}{amount:,.2f}"
        if cents and isinstance(amount, int | float)
        else f"{symbol}{_number(amount)}"
    )


def _pay_range(pay: Mapping[str, Any]) -> str:
    """`$118,938-$244,872 USD per year (US-based applicants only)`: only what the range states."""
    currency = pay.get("currency")
    # $41.00-$55.50, not $41-$55.50: both ends in cents when either has them.
    cents = any(isinstance(v, float) and not v.is_integer() for v in (pay.get("min"), pay.get("max")))
    low, high = _money(pay.get("min"), currency, cents), _money(pay.get("max"), currency, cents)
    text = low if pay.get("min") == pay.get("max") else f"{low}\u2013{high}"
    if currency is not None:
        text += f" {currency}"
    if pay.get("period") is not None:
        text += f" per {pay['period']}"
    if pay.get("eligibility") is not None:
        text += f" ({pay['eligibility']})"
    return text


def _salary_text(value: Any) -> str:
    if isinstance(value, list):
        return _join([_pay_range(item) for item in value if isinstance(item, Mapping)], "or")
    return _pay_range(value) if isinstance(value, Mapping) else str(value)


_MODES = {"remote": "fully remote", "hybrid": "hybrid (part remote, part in the office)", "onsite": "on-site"}


def _remote_text(value: Any) -> str:
    if not isinstance(value, Mapping):
        return str(value)
    mode, detail = value.get("mode"), value.get("detail")
    said = f"The role is {_MODES.get(str(mode), str(mode))}." if mode is not None else ""
    return " ".join(part for part in (said, detail) if part)


# A group of facts a template may print whole: `remote` was a sentence before it had a mode, and the
# templates that print it must keep working.
GROUP_TEXT: dict[str, Callable[[Any], str]] = {"remote": _remote_text}
# Filters that turn a whole group into a sentence (`{salary|pay}`); on a group, others are refused.
GROUP_FILTERS = frozenset({"pay"})


FILTERS: dict[str, Callable[[Any], str]] = {
    "number": _number,
    "pay": _salary_text,
    # A fixed-vocabulary value in words: full_time -> full-time, onsite -> on-site.
    "words": lambda v: {"onsite": "on-site"}.get(str(v), str(v).replace("_", "-")),
    "list": lambda v: _join(v, "and") if isinstance(v, list) else str(v),
    "or_list": lambda v: _join(v, "or") if isinstance(v, list) else str(v),
    "bullets": lambda v: "\n".join(f"• {item}" for item in v) if isinstance(v, list) else f"• {v}",
    "lower": lambda v: str(v).lower(),
    "yes_no": lambda v: "yes" if v else "no",
}


@dataclass(frozen=True)
class Text:
    text: str


@dataclass(frozen=True)
class Field:
    path: str
    filter: str | None


@dataclass(frozen=True)
class If:
    path: str
    known: bool  # `if known x`: test presence instead of truthiness
    then: tuple[Node, ...]
    otherwise: tuple[Node, ...]


Node = Text | Field | If


@dataclass(frozen=True)
class Template:
    source: str
    nodes: tuple[Node, ...]

    def paths(self) -> set[str]:
        """Every fact path the template mentions."""
        return _paths(self.nodes, tested=True)

    def printed(self) -> set[str]:
        """Fact paths the template prints as values (a group with a text form prints as a sentence),
        as opposed to those it only tests with `{if}`."""
        return _paths(self.nodes, tested=False, grouped=False) - set(GROUP_TEXT)

    def render(self, facts: Mapping[str, Any]) -> str:
        """Fill in facts; raises MissingFact when a needed fact is absent."""
        # A skipped `{if}` leaves two spaces side by side; tidy them rather than burden every template.
        out: list[str] = []
        try:
            _render(self.nodes, facts, out, [MAX_REPLY_CHARS])
        except _TooLong:
            return _SPACES.sub(" ", "".join(out))[:MAX_REPLY_CHARS].strip() + "…"
        return _SPACES.sub(" ", "".join(out)).strip()


def _paths(nodes: tuple[Node, ...], tested: bool, grouped: bool = True) -> set[str]:
    """The fact paths `nodes` print, and with `tested` also those their `{if}`s test; without `grouped`,
    not those printed through a filter made for a whole group."""
    found: set[str] = set()
    for node in nodes:
        if isinstance(node, Field):
            if grouped or node.filter not in GROUP_FILTERS:
                found.add(node.path)
        elif isinstance(node, If):
            if tested:
                found.add(node.path)
            found |= _paths(node.then, tested, grouped) | _paths(node.otherwise, tested, grouped)
    return found


def parse(source: str) -> Template:
    """Parse template text; raises TemplateError with a message a recruiter can act on."""
    # Each open `{if}` pushes a frame of (path, known, then-nodes, else-nodes or None).
    root: list[Node] = []
    stack: list[tuple[str, bool, list[Node], list[Node] | None]] = []

    def current() -> list[Node]:
        if not stack:
            return root
        _, _, then, otherwise = stack[-1]
        return then if otherwise is None else otherwise

    pos = 0
    for match in _TAG.finditer(source):
        if match.start() > pos:
            current().append(Text(source[pos : match.start()]))
        pos = match.end()
        token = match.group(0)
        if token in ("{{", "}}"):
            current().append(Text(token[0]))
            continue
        if token in ("{", "}"):
            raise TemplateError(f"unmatched '{token}' (write '{token}{token}' for a literal brace)")
        tag = " ".join(match.group(1).split())
        if_match = _IF.match(tag)
        field_match = _FIELD.match(tag)
        if if_match:
            if len(stack) >= MAX_NESTING:
                raise TemplateError(f"'{{if …}}' nested more than {MAX_NESTING} deep")
            stack.append((if_match.group(2), bool(if_match.group(1)), [], None))
        elif tag == "else":
            if not stack or stack[-1][3] is not None:
                raise TemplateError("'{else}' without a matching '{if …}'")
            path, known, then, _ = stack.pop()
            stack.append((path, known, then, []))
        elif tag == "end":
            if not stack:
                raise TemplateError("'{end}' without a matching '{if …}'")
            path, known, then, otherwise = stack.pop()
            current().append(If(path, known, tuple(then), tuple(otherwise or ())))
        elif field_match:
            name = field_match.group(2)
            if name is not None and name not in FILTERS:
                raise TemplateError(f"unknown filter '{name}' (known: {', '.join(sorted(FILTERS))})")
            current().append(Field(field_match.group(1), name))
        else:
            shown = tag if len(tag) <= _SHOWN else tag[: _SHOWN - 1] + "…"
            raise TemplateError(
                f"'{{{shown}}}' is not a fact or a tag: use {{fact.name}}, {{fact|filter}}, "
                "{if fact}, {if known fact}, {else} or {end}"
            )
    if stack:
        raise TemplateError(f"'{{if {stack[-1][0]}}}' is never closed with '{{end}}'")
    if pos < len(source):
        root.append(Text(source[pos:]))
    return Template(source, tuple(root))


def lookup(facts: Mapping[str, Any], path: str) -> Any:
    """The value at a dotted path in plain data, or None when any step is absent."""
    value: Any = facts
    for key in path.split("."):
        if not isinstance(value, Mapping) or key not in value:
            return None
        value = value[key]
    return value


class _TooLong(Exception):
    """The reply passed MAX_REPLY_CHARS: rendering stops instead of building it all."""


def _render(nodes: tuple[Node, ...], facts: Mapping[str, Any], out: list[str], left: list[int]) -> None:
    """Append the rendered `nodes` to `out`; `left` is the characters still allowed (shared, mutable)."""
    for node in nodes:
        if isinstance(node, If):
            value = lookup(facts, node.path)
            if value is None and not node.known:
                raise MissingFact(node.path)
            chosen = (value is not None) if node.known else bool(value)
            _render(node.then if chosen else node.otherwise, facts, out, left)
            continue
        if isinstance(node, Text):
            text = node.text
        else:
            value = lookup(facts, node.path)
            if value is None:
                raise MissingFact(node.path)
            if node.filter:
                text = FILTERS[node.filter](value)
            else:
                text = GROUP_TEXT[node.path](value) if node.path in GROUP_TEXT else _plain(value)
        out.append(text)
        left[0] -= len(text)
        if left[0] < 0:
            raise _TooLong


def _plain(value: Any) -> str:
    if isinstance(value, list):
        return _join(value, "and")
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)
