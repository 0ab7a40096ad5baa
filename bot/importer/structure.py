"""A posting's text as numbered lines: headings, list items and paragraphs, each under a kind of section.

Plain text postings mark structure loosely — `•`, `-`, `*` or numbered items; headings in ALL CAPS, with
or without a colon, or just a short line before a list — so a line's role is read from its shape and
its neighbours, and a section's kind from its heading's words.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# An indented ">" is a bullet in pasted text (at the margin it is a Markdown quote), as for quotes.
_BULLET = re.compile(r"^(\s*)(?:[-*+•◦▪●·–]|\d{1,2}[.)]|(?<=\s)>)\s+(.*)$")
_MD_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*$")
_EMPHASIS = re.compile(r"(\*\*|__|(?<![\w*])\*(?=\S)|(?<=\S)\*(?![\w*]))")
# "Working pattern: hybrid, …", "How to apply: Submit …": a short label, then the text it labels.
_LABEL = re.compile(r"^([A-Z][\w'’ &/-]{1,40}):\s+(\S.*)$")
# Abbreviations whose full stop doesn't end a sentence.
_ABBREVIATIONS = re.compile(
    r"(?:\b(?:Co|Inc|Ltd|Corp|St|Mr|Mrs|Ms|Dr|Jr|Sr|vs|etc|approx|No|Mt|Ave|e\.g|i\.e|U\.S|U\.K)\.|\b[A-Z]\.)$"
)
# After the full stop, and after a closing quote or bracket that follows one: that mark stays with its
# sentence ('select "Dental Assistant – Eastgate." Please attach…').
_SENTENCE_END = re.compile(r"(?:(?<=[.!?])|(?<=[.!?][\"”’)]))\s+(?=[\"“(]?[A-Z0-9$£€])")

# Section kinds by the words of their heading, checked in this order.
SECTION_WORDS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("apply", re.compile(r"\bapply\b|\bapplication|\bhow to apply|\bnext steps|\binterested\b", re.I)),
    ("inclusion", re.compile(r"equal (?:employment )?opportunit|\beeo\b|diversity|inclusion", re.I)),
    (
        "benefits",
        re.compile(r"benefit|perks|what we offer|we offer|what you(?:'|’)ll get|why join|offer\b", re.I),
    ),
    ("pay", re.compile(r"\bpay\b|salary|compensation|\bwages?\b|\bearnings\b", re.I)),
    (
        "qualifications",
        re.compile(
            r"qualif|requirement|required|preferred|nice to have|bonus points"
            r"|what you(?:'|’)ll (?:need|bring)"
            r"|what you need|what you bring|you have|you bring|looking for|about you|who you are|must have"
            r"|skills|experience|ideal candidate|you might be|you are\b|to succeed|need from you|we need"
            r"|you should have|what it takes|we(?:'|’)re looking",
            re.I,
        ),
    ),
    (
        "responsibilities",
        re.compile(
            r"respons|what you(?:'|’)ll (?:do|work on)|what you will do|day[- ]to[- ]day|duties|the job\b"
            r"|your role|in this role|the role\b|you will\b|you(?:'|’)ll\b|the work\b|key tasks|what the job",
            re.I,
        ),
    ),
    ("about", re.compile(r"^about\b|who we are|our company|our story|our mission", re.I)),
)


@dataclass(frozen=True)
class Line:
    number: int  # 1-based, in the posting's Markdown text
    text: str  # without list marker, heading marks or emphasis
    kind: str  # "heading", "item" (a list item) or "para"
    depth: int  # list nesting, 0 at the top level
    section: str  # the kind of section the line is in: "responsibilities", "pay", … or "" when unknown
    heading: str  # the text of the heading the line is under, "" before the first


def clean(text: str) -> str:
    text = _EMPHASIS.sub("", text)
    return re.sub(r"\s+", " ", text).strip()


def section_kind(heading: str) -> str:
    for kind, words in SECTION_WORDS:
        if words.search(heading):
            return kind
    return ""


def _is_heading(text: str, raw: str, following: str | None) -> bool:
    """A plain-text heading: short, no sentence punctuation, and set apart by its shape or a list under it."""
    words = text.rstrip(":").split()
    if not words or len(words) > 8 or len(text) > 70:
        return False
    if text.endswith(":"):
        return True
    if text[-1] in ".!?,;" or re.search(r"\d[\d,]*\s*(?:%|/|\$)|\$\d", text):
        return False
    if text.isupper() and any(c.isalpha() for c in text):
        return True
    if raw.startswith(("**", "__")) and raw.rstrip().endswith(("**", "__")):
        return True
    # Title Case followed by a list or by text: "About the Role", "What We Offer", "Pay".
    # …or any short line a list starts under: "What we need from you".
    return following is not None and (bool(section_kind(text)) or bool(_BULLET.match(following)))


def split_lines(markdown: str) -> list[Line]:
    raw_lines = markdown.split("\n")
    lines: list[Line] = []
    section, heading = "", ""
    list_section: str | None = None  # a paragraph ending in ':' names the kind of the list after it
    list_indent: int | None = None  # the indent of the current list's first item: its top level
    for index, raw in enumerate(raw_lines):
        stripped = raw.strip()
        if not stripped:
            continue
        number = index + 1
        following = next((r.strip() for r in raw_lines[index + 1 :] if r.strip()), None)
        md = _MD_HEADING.match(stripped)
        bullet = _BULLET.match(raw.replace("\t", "    "))
        if md:
            text = clean(md.group(2))
            kind = "heading"
        elif bullet:
            text = clean(bullet.group(2))
            indent = len(bullet.group(1))
            # A list indented as a whole ("  * …" under a heading) is still a top-level list.
            list_indent = indent if list_indent is None else min(list_indent, indent)
            depth = (indent - list_indent) // 2
            lines.append(Line(number, text, "item", depth, list_section or section, heading))
            continue
        else:
            text = clean(stripped)
            kind = "heading" if _is_heading(text, stripped, following) else "para"
        list_indent = None
        if kind == "heading":
            heading = text.rstrip(":").strip()
            section = section_kind(heading)
            list_section = None
            lines.append(Line(number, heading, "heading", 0, section, heading))
            continue
        label = _LABEL.match(text)
        own = section_kind(label.group(1)) if label else ""
        lines.append(Line(number, text, "para", 0, own or section, heading))
        # "Responsibilities include:" / "Preferred:" — the list that follows is of that kind.
        list_section = (section_kind(sentences(text)[-1]) or section) if text.endswith(":") else None
    return lines


def sentences(text: str) -> list[str]:
    """A paragraph's sentences; abbreviations such as "Co." or "e.g." don't end one."""
    parts: list[str] = []
    start = 0
    for match in _SENTENCE_END.finditer(text):
        before = text[start : match.start()]
        if _ABBREVIATIONS.search(before.rstrip('"”’)')):
            continue
        parts.append(text[start : match.start()].strip())
        start = match.end()
    parts.append(text[start:].strip())
    return [part for part in parts if part]
