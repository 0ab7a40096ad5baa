"""Where a posting comes from, read into one shape: its text as Markdown, plus the facts a job board's
fields state outright (title, pay ranges, employment type…), each tied to the Markdown line showing it.

Greenhouse Job Board API and Lever Postings API objects are recognised by their shape, not by the file
name; anything else that parses as JSON is refused rather than read as text.
"""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass, field
from typing import Any

from bot.importer.extract import employment_type
from bot.importer.html_text import html_to_markdown, looks_like_html

MAX_BYTES = 2_000_000  # a long posting is ~20 kB; anything near this is not a posting


class ImportProblem(Exception):
    """The source can't be imported; the message is one line for the user."""


@dataclass
class Source:
    markdown: str
    origin: str  # "path/to/file", "-", "greenhouse:BOARD:ID", "lever:SITE:ID"
    # Facts a board's own fields state: path -> (value, line in `markdown`, the text on that line).
    given: dict[str, tuple[Any, int, str]] = field(default_factory=dict)
    board_lines: set[int] = field(default_factory=set)  # the lines showing those fields


def decode(data: bytes, name: str) -> str:
    """Bytes to text, or ImportProblem naming what is wrong with them."""
    if not data.strip():
        raise ImportProblem(f"{name} is empty")
    if len(data) > MAX_BYTES:
        raise ImportProblem(f"{name} is {len(data):,} bytes; a posting is at most {MAX_BYTES:,}")
    if b"\x00" in data:
        raise ImportProblem(f"{name} is a binary file, not a posting's text")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportProblem(f"{name} is not UTF-8 text (byte {exc.start})") from exc
    if sum(1 for ch in text if ch.isprintable() or ch in "\n\r\t") < 0.95 * len(text):
        raise ImportProblem(f"{name} is a binary file, not a posting's text")
    return text


def from_text(text: str, origin: str) -> Source:
    """A posting as text: JSON from a job board, HTML, Markdown or plain text."""
    stripped = text.lstrip()
    if stripped.startswith(("{", "[")):
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise ImportProblem(
                f"{origin}: looks like JSON but isn't valid (line {exc.lineno}: {exc.msg})"
            ) from exc
        return from_json(data, origin)
    if looks_like_html(text):
        markdown, title = html_to_markdown(text)
        if not markdown.strip():
            raise ImportProblem(f"{origin}: the HTML has no text")
        if title and not markdown.lstrip().startswith("# "):
            markdown = f"# {title}\n\n{markdown}"
        return Source(markdown, origin)
    # Plain text and Markdown keep their lines, so a citation's line number is the file's own.
    return Source(text.replace("\r\n", "\n").replace("\r", "\n").rstrip() + "\n", origin)


def from_json(data: Any, origin: str) -> Source:
    if isinstance(data, dict) and isinstance(data.get("title"), str) and isinstance(data.get("content"), str):
        return greenhouse_source(data, origin)
    if (
        isinstance(data, dict)
        and isinstance(data.get("text"), str)
        and ("descriptionPlain" in data or "lists" in data or "categories" in data)
    ):
        return lever_source(data, origin)
    raise ImportProblem(
        f"{origin}: JSON that is neither a Greenhouse job (title, content) nor a Lever posting "
        "(text, categories, lists)"
    )


class _Page:
    """Markdown being written, remembering which line each board-given fact is shown on."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.given: dict[str, tuple[Any, int, str]] = {}
        self.board_lines: set[int] = set()

    def add(self, text: str = "", board: bool = True, **facts: Any) -> None:
        """Add lines; `board`: they show the board's own fields (not the posting's prose)."""
        for part in text.split("\n"):
            self.lines.append(part)
            if board and part.strip():
                self.board_lines.add(len(self.lines))
        for path, value in facts.items():
            if value not in (None, "", []):
                shown = text.split("\n")[-1].lstrip("# ")
                self.given[path.replace("__", ".")] = (value, len(self.lines), shown)

    def add_markdown(self, markdown: str) -> None:
        if markdown.strip():
            self.add(markdown.strip(), board=False)
            self.add()

    def source(self, origin: str) -> Source:
        return Source("\n".join(self.lines).rstrip() + "\n", origin, self.given, self.board_lines)


def _board_html(content: str) -> str:
    """Greenhouse sends `content` entity-escaped ("&lt;p&gt;"); unescape once to get the HTML back."""
    if "&lt;" in content and not re.search(r"<[a-zA-Z]", content):
        return html.unescape(content)
    return content


def _is_remote_place(name: str) -> bool:
    return bool(re.match(r"^\s*(?:remote|anywhere|home[- ]based)\b", name, re.I))


def greenhouse_source(job: dict[str, Any], origin: str) -> Source:
    page = _Page()
    title = job["title"].strip()
    if not title:
        raise ImportProblem(f"{origin}: the Greenhouse job has no title")
    page.add(f"# {title}", title=title)
    page.add()
    company = job.get("company_name") if isinstance(job.get("company_name"), str) else None
    teams = [d["name"] for d in job.get("departments") or [] if isinstance(d, dict) and d.get("name")]
    location = (job.get("location") or {}).get("name") if isinstance(job.get("location"), dict) else None
    offices = [o["name"] for o in job.get("offices") or [] if isinstance(o, dict) and o.get("name")]
    meta = " · ".join(part for part in [company, *teams, location] if part)
    if meta:
        facts: dict[str, Any] = {"company": company, "teams": teams or None}
        if location and _is_remote_place(location):
            facts["location__detail"] = location
        else:
            places = [o for o in offices if not _is_remote_place(o)] or ([location] if location else [])
            facts["location__offices"] = places or None
        page.add(meta, **facts)
        page.add()
    markdown, _ = html_to_markdown(_board_html(job["content"]))
    page.add_markdown(markdown)
    ranges = [r for r in job.get("pay_input_ranges") or [] if isinstance(r, dict)]
    if ranges:
        page.add("## Pay")
        page.add()
        salary: list[dict[str, Any]] = []
        for pay in ranges:
            item = _greenhouse_range(pay, several=len(ranges) > 1)
            if item is None:
                continue
            shown = _range_text(item)
            label = str(pay.get("title") or "").strip()
            blurb = str(pay.get("blurb") or "").strip()
            page.add(f"- {label + ': ' if label else ''}{shown}{'. ' + blurb if blurb else ''}")
            salary.append(item)
            line = len(page.lines)
        page.add()
        if salary:
            page.given["salary"] = (salary[0] if len(salary) == 1 else salary, line, page.lines[line - 1])
    for entry in job.get("metadata") or []:
        if (
            isinstance(entry, dict)
            and isinstance(entry.get("name"), str)
            and isinstance(entry.get("value"), str)
        ):
            text = f"{entry['name']}: {entry['value']}"
            kind = (
                employment_type(entry["value"])
                if re.search(r"employment|type|commitment", entry["name"], re.I)
                else None
            )
            page.add(text, level__employment_type=kind)
    url = job.get("absolute_url")
    if isinstance(url, str) and url.startswith("http"):
        page.given["url"] = (url, 0, "the job's absolute_url")  # line 0: a field, not in the text
    return page.source(origin)


_PERIOD_OF = (
    ("hour", re.compile(r"hour", re.I)),
    ("year", re.compile(r"annual|per annum|a year|per year|yearly", re.I)),
    ("month", re.compile(r"month", re.I)),
    ("week", re.compile(r"week", re.I)),
    ("day", re.compile(r"\bday\b|daily", re.I)),
)


def _greenhouse_range(pay: dict[str, Any], several: bool) -> dict[str, Any] | None:
    low, high = pay.get("min_cents"), pay.get("max_cents")
    if not isinstance(low, int | float) or not isinstance(high, int | float) or low > high or low < 0:
        return None
    item: dict[str, Any] = {"min": low / 100, "max": high / 100}
    currency = pay.get("currency_type")
    if isinstance(currency, str) and re.fullmatch(r"[A-Z]{3}", currency.strip()):
        item["currency"] = currency.strip()
    # No period field: only the blurb can say it.
    periods = {p for p, pattern in _PERIOD_OF if pattern.search(str(pay.get("blurb") or ""))}
    if len(periods) == 1:
        item["period"] = periods.pop()
    title = str(pay.get("title") or "").strip()
    if several and title:
        item["eligibility"] = title
    return item


def _range_text(item: dict[str, Any]) -> str:
    def money(value: float) -> str:
        return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}"

    text = f"{money(item['min'])}–{money(item['max'])}" if item["min"] != item["max"] else money(item["min"])
    if "currency" in item:
        text += f" {item['currency']}"
    if "period" in item:
        text += f" per {item['period']}"
    return text


_LEVER_INTERVALS = {"per-year-salary": "year", "per-month-salary": "month", "per-week-salary": "week",
                    "per-hour-wage": "hour", "per-day-wage": "day"}  # fmt: skip
_LEVER_MODES = {"remote": "remote", "hybrid": "hybrid", "on-site": "onsite", "onsite": "onsite"}


def _text_of(data: dict[str, Any], key: str) -> str:
    value = data.get(key)
    return value if isinstance(value, str) else ""


def _add_either(page: _Page, html_text: str, plain: str) -> None:
    page.add_markdown(html_to_markdown(html_text)[0] if html_text.strip() else plain)


def lever_source(posting: dict[str, Any], origin: str) -> Source:
    page = _Page()
    title = posting["text"].strip()
    if not title:
        raise ImportProblem(f"{origin}: the Lever posting has no title (text)")
    page.add(f"# {title}", title=title)
    page.add()
    raw = posting.get("categories")
    categories: dict[str, Any] = raw if isinstance(raw, dict) else {}
    named = [categories.get(k) for k in ("department", "team")]
    teams = list(dict.fromkeys(str(n).strip() for n in named if isinstance(n, str) and n.strip()))
    places = categories.get("allLocations") or (
        [categories["location"]] if categories.get("location") else []
    )
    places = [str(p) for p in places if isinstance(p, str) and p.strip()]
    commitment = categories.get("commitment") if isinstance(categories.get("commitment"), str) else None
    workplace = str(posting.get("workplaceType") or "")
    mode = _LEVER_MODES.get(workplace.lower())
    meta = " · ".join(p for p in [*teams, *places, commitment or "", workplace if mode else ""] if p)
    if meta:
        facts: dict[str, Any] = {"teams": teams or None}
        remote_places = [p for p in places if _is_remote_place(p)]
        if remote_places:
            facts["location__detail"] = "; ".join(remote_places)
        elif places:
            facts["location__offices"] = places
        if commitment:
            facts["level__employment_type"] = employment_type(commitment)
        if mode:
            facts["remote__mode"] = mode
        page.add(meta, **facts)
        page.add()
    # The HTML keeps the posting's structure; the plain variants are the fallback.
    _add_either(page, _text_of(posting, "description"), _text_of(posting, "descriptionPlain"))
    for entry in posting.get("lists") or []:
        if isinstance(entry, dict) and isinstance(entry.get("content"), str):
            heading = _text_of(entry, "text").strip()
            if heading:
                page.add(f"## {heading}")
                page.add()
            page.add_markdown(html_to_markdown(f"<ul>{entry['content']}</ul>")[0])
    _add_either(page, _text_of(posting, "additional"), _text_of(posting, "additionalPlain"))
    salary = posting.get("salaryRange")
    if isinstance(salary, dict):
        low, high = salary.get("min"), salary.get("max")
        if isinstance(low, int | float) and isinstance(high, int | float) and 0 <= low <= high:
            item: dict[str, Any] = {"min": low, "max": high}
            currency = salary.get("currency")
            if isinstance(currency, str) and re.fullmatch(r"[A-Z]{3}", currency):
                item["currency"] = currency
            period = _LEVER_INTERVALS.get(str(salary.get("interval")))
            if period:
                item["period"] = period
            page.add("## Pay")
            page.add()
            note = str(posting.get("salaryDescriptionPlain") or "").strip()
            page.add(f"{_range_text(item)}.{' ' + note if note else ''}", salary=item)
            page.add()
    url = posting.get("hostedUrl")
    if isinstance(url, str) and url.startswith("http"):
        page.given["url"] = (url, 0, "the posting's hostedUrl")  # line 0: a field, not in the text
    return page.source(origin)
