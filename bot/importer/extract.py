"""Facts from a posting's text, each with the line and sentence that states it.

Every rule here writes a fact only when a sentence says it in so many words; a sentence that looks
relevant but fits no rule (money that isn't base pay, a remote mention without a clear mode) is listed
for review instead. Leaving a fact out is always safer than guessing it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from bot.importer.money import Pay, is_pay_clause, pay_in, period_words
from bot.importer.structure import Line, sentences

_WORD_NUMBERS = {"zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
                 "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "fifteen": 15, "twenty": 20,
                 "a": 1, "an": 1}  # fmt: skip
_COUNT = r"(\d{1,2}|zero|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty)"
_YEARS = re.compile(
    rf"(?:(?:at least|a minimum of|minimum(?: of)?|min\.?|over|more than)\s+)?\b{_COUNT}\s*\+?(?: or more)?"
    rf"(?:\s*(?:-|–|—|to)\s*\d{{1,2}})?\s*\+?\s*(?:full[- ])?(?:years?|yrs?)\b['’]?\+?",
    re.I,
)
_NOT_EXPERIENCE = re.compile(
    r"\bage\b|\bold\b|founded|since|tenure|history|in business|anniversary|\bago\b|commitment|contract"
    r"|\bwithin\b|\bpast\b|\blast\b|warranty|vacation|eligib|vest|after",
    re.I,
)
_NO_EXPERIENCE = re.compile(
    r"\bno (?:prior |previous |industry |professional |formal )*experience (?:is )?"
    r"(?:required|necessary|needed)"
    r"|\bexperience (?:is )?not required\b|\bwithout (?:prior )?experience\b",
    re.I,
)

_SENIORITY_TITLE = (
    ("intern", re.compile(r"\bintern(?:ship)?\b", re.I)),
    ("director", re.compile(r"\bdirector\b|\bhead of\b|\bvp\b|vice president", re.I)),
    ("principal", re.compile(r"\bprincipal\b", re.I)),
    ("staff", re.compile(r"\bstaff (?:engineer|scientist|designer|developer|software|data|security)", re.I)),
    ("senior", re.compile(r"\bsenior\b(?! living| care| citizens?| services| housing)|\bsr\.?\s", re.I)),
    ("junior", re.compile(r"\bjunior\b|\bjr\.?\s", re.I)),
    ("lead", re.compile(r"\blead (?:engineer|developer|designer|scientist|nurse)\b|\btech lead\b", re.I)),
    (
        "manager",
        # An account or product manager is a kind of job, not a manager of people.
        re.compile(r"(?<!product )(?<!project )(?<!program )(?<!account )(?<!case )\bmanager\b", re.I),
    ),
    ("entry", re.compile(r"\bentry[- ]level\b|\bgraduate\b|\bnew grad\b|\btrainee\b|\bapprentice\b", re.I)),
)  # fmt: skip
_SENIORITY_TEXT = re.compile(
    r"\b(?:this is|is) an? (entry|junior|mid|senior|staff|principal)[- ]level\b"
    r"|\b(entry|junior|mid|senior)[- ]level (?:role|position|job|opening|opportunity)\b",
    re.I,
)
_EMPLOYMENT = (
    ("internship", re.compile(r"\bintern(?:ship)?\b", re.I)),
    ("part_time", re.compile(r"\bpart[- ]time\b", re.I)),
    ("temporary", re.compile(r"\btemporary\b|\btemp\b|\bseasonal\b|\bfixed[- ]term\b", re.I)),
    ("contract", re.compile(r"\bcontract(?:or)?\b|\bfreelance\b", re.I)),
    ("full_time", re.compile(r"\bfull[- ]time\b|\bpermanent\b", re.I)),
)
_THIS_JOB = re.compile(
    r"\bthis (?:is an? |role|position|job)|\b(?:position|role|job|opening) is\b|\bwe(?:'re| are)? "
    r"(?:seek|seeking|hiring|looking for)\b|\bis an? [\w-]+,? (?:full|part)[- ]time\b"
    r"|\bthis [\w-]+ (?:role|position|job)\b",
    re.I,
)

_REMOTE_RULES: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "onsite",
        re.compile(
            r"\b(?:not|isn't|is not|no) (?:a )?(?:remote|fully remote)\b|\bno remote\b"
            r"|\b(?:on[- ]?site|in[- ]person|in[- ]office|office[- ]based)"
            r"(?:,? (?:full[- ]time|part[- ]time))? (?:position|role|job|work|opportunity|schedule)\b"
            r"|\bwork (?:on[- ]?site|in[- ]person|from (?:our|the) office) "
            r"(?:full[- ]time|every day|five days)\b"
            r"|\bmust (?:be able to )?work on[- ]?site\b|\bfully on[- ]?site\b|\b100% on[- ]?site\b",
            re.I,
        ),
    ),
    (
        "hybrid",
        re.compile(
            r"\bhybrid\b(?! cloud| car| vehicle| app)"
            r"(?=.*\b(?:office|remote|days?|week|schedule|role|position|work|working)\b)|^hybrid\b|\((?:hybrid)\b|\bhybrid\s*[—–-]",
            re.I,
        ),
    ),
    (
        "remote",
        re.compile(
            r"\bfully remote\b|\b100% remote\b|\bremote (?:role|position|job|opportunity)\b"
            r"|\bwork (?:fully )?remotely\b|\bwork from (?:home|anywhere)\b|\bis remote\b|^remote\b",
            re.I,
        ),
    ),
)

_EQUITY_WORDS = re.compile(r"\bequity\b|\bstock options?\b|\brsus?\b|\brestricted stock\b|\bshares\b", re.I)
_EQUITY_NOT_PAY = re.compile(
    r"(?:pay|health|racial|gender|social|digital|brand|home|private|diversity,?|inclusion,?) equity"
    r"|equity(?:,| and) (?:diversity|inclusion|belonging)|\bequitable\b|\bequity firm|private equity|\bdei\b"
    r"|stock purchase|\bespp\b",
    re.I,
)
# A stated no, in the shapes postings use; any other sentence that both offers and negates is reviewed.
_EQUITY_NO = re.compile(
    r"\bno (?:equity|stock)\b|\bnot (?:be )?eligible for (?:any )?(?:equity|stock)"
    r"|\bwithout (?:any )?equity\b"
    r"|\b(?:does|do|will) not (?:include|offer|come with|provide) (?:any )?(?:equity|stock)"
    r"|\b(?:doesn't|don't|won't) (?:include|offer|come with|provide) (?:any )?(?:equity|stock)"
    r"|\b(?:equity|stock options|rsus?) (?:is|are|will be) not (?:offered|provided|available|included|part)"
    r"|\b(?:equity|stock options|rsus?) (?:isn't|aren't) (?:offered|provided|available|included|part)"
    r"|\bequity\s*:\s*(?:none|no|n/a)\b",
    re.I,
)
_OFFER = re.compile(
    r"\+\s*equity|\b(?:include|includes|including|receive|receives|offer|offers|offered|grant|granted"
    r"|eligible|in addition|package|plus|comes with|get)\b",
    re.I,
)
_NEGATIVE = re.compile(
    r"\bnot\b|\bno\b|\bunable\b|\bcannot\b|\bcan't\b|\bisn't\b|\bwon't\b|\bdoes not\b|\bdon't\b|\bnever\b"
    r"|\bnot eligible\b|\bunavailable\b|\bineligible\b|\bwithout\b",
    re.I,
)
_RELOCATION = re.compile(r"\brelocat(?:e|ion|ing)\b", re.I)
_OTHER_DOLLAR_PLACES = re.compile(
    r"\b(?:Canada|Canadian|Toronto|Vancouver|Montr[eé]al|Ottawa|Calgary|Ontario|Australia|Sydney|Melbourne"
    r"|Brisbane|New Zealand|Auckland|Singapore|Hong Kong|Mexico)\b"
)
_RELOCATION_NO = re.compile(
    r"relocat\w*[^.]{0,50}\b(?:not|unavailable)|(?:no|not|unable|cannot|don't|do not)\b[^.]{0,40}relocat",
    re.I,
)
_RELOCATION_YES = re.compile(
    r"relocation (?:assistance|support|package|stipend|bonus|allowance|help|benefits?)"
    r"|(?:help|support|assist)\w* (?:with|you) relocat|\brelocation is (?:provided|available|offered)",
    re.I,
)
_VISA = re.compile(
    r"\bvisas?\b|\bsponsor(?:ship|ing|s)?\b|\bwork permit|\bemployment permit|\bimmigration\b", re.I
)
_VISA_NO = re.compile(
    r"(?:not|no|unable to|cannot|can't|won't|don't|do not|does not|will not|isn't|is not)\b[^.;]{0,40}"
    r"\b(?:sponsor|sponsorship|visa)|not eligible for (?:visa )?sponsorship"
    r"|without (?:the need for |requiring )?(?:visa )?sponsorship|sponsorship is not"
    r"|(?:sponsorship|visa)[^.;]{0,20}(?::\s*no\b|\b(?:not available|unavailable|not offered|not provided))",
    re.I,
)
_VISA_YES = re.compile(
    r"\b(?:we|will|can|do|does)\b[^.;]{0,30}\b(?:sponsor|support)\b[^.;]{0,60}\b(?:visa|permit|sponsorship)"
    r"|\bvisa sponsorship is (?:available|provided|offered)|\bsponsorship (?:is )?available"
    r"|\bwe sponsor\b|\bopen to sponsor|\beligible for (?:visa |immigration )?sponsorship",
    re.I,
)
_APPLY = re.compile(
    r"\bto apply\b|\bapply (?:online|through|at|via|using|here|now|on|by|today|with)\b|\bsend (?:your|a|us)\b"
    r"|\bsubmit (?:your|a|an)\b|\bemail (?:your|us)\b|\bclick [\"“]?apply|\bapplications? "
    r"(?:can|should|must) be\b|\binterested\?"
    r"|\bwalk-ins? (?:interviews?|applicants?|are welcome|welcome)\b",  # not a walk-in fridge
    re.I,
)
_INCLUSION = re.compile(
    r"equal (?:employment )?opportunit|\beoe\b|\baffirmative action\b|does not discriminate|without regard to"
    r"|committed to (?:building |creating |fostering )?(?:an? )?(?:diverse|inclusive|equitable)"
    r"|inclusive and equitable|\bwelcome (?:candidates|applicants|applications) (?:of|from) all\b"
    r"|reasonable accommodation",
    re.I,
)
_TEAMS = re.compile(
    r"\b(?:for|join|on|in|to) (?:its|our|the) ((?:[A-Z][\w&+-]*(?: [A-Z][\w&+-]*)*)"
    r"(?:(?:,| and| &) (?:[A-Z][\w&+-]*(?: [A-Z][\w&+-]*)*))*) "
    r"(?:(?:engineering|product|data|sales) )?(teams?)\b"
)
_NAME = r"(?:The |the )?[A-Z][\w&'’.-]*(?:[ ](?:[A-Z][\w&'’.-]*|of|&|and|de|du))*"
# (strong, pattern): strong patterns name the employer outright.
_COMPANY_PATTERNS = (
    (False, re.compile(rf"^About ({_NAME}):?$")),
    (True, re.compile(rf"^({_NAME}) (?:is|are) (?:an? |the )?(?:proud )?(?:equal opportunit|eoe\b)", re.I)),
    (True, re.compile(rf"^({_NAME}) is hiring\b")),
    (False, re.compile(rf"^({_NAME}) (?:is|are) committed\b")),
    (False, re.compile(rf"^(?:Join|At) ({_NAME})[,!.]")),
    (False, re.compile(rf"^({_NAME}) (?:is|has been|builds|helps|makes|ships|has|was) ")),
)
_NOT_A_COMPANY = re.compile(
    r"^(?:the )?(?:role|job|position|team|us|you|this|our|company|we|it|who|what|about|job description"
    r"|overview|summary|opportunity|department|location|benefits|compensation|responsibilities)\b",
    re.I,
)
_GENERIC_TITLES = re.compile(
    r"^(?:job description|job posting|careers?|open positions?|overview|about\b)", re.I
)
_TITLE_LABEL = re.compile(r"^(?:job title|position|role|title|job description|job|opening)\s*:\s*(.+)$", re.I)
_PLACE = re.compile(r"^([A-Z][\w.'’ -]+, (?:[A-Z]{2}|[A-Z][a-z]+(?: [A-Z][a-z]+)?))\b")
_LOCATION_LABEL = re.compile(r"^(?:location|based in|office|where|work location)\s*:\s*(.+)$", re.I)
_TYPE_LABEL = re.compile(
    r"^(?:job type|employment type|employment|position type|schedule|contract type)\s*:\s*(.+)$", re.I
)
_HEADER_MODES = {"remote": "remote", "fullyremote": "remote", "hybrid": "hybrid", "onsite": "onsite",
                 "inoffice": "onsite", "inperson": "onsite"}  # fmt: skip


def _header_word(part: str) -> bool:
    """A header slot that is a work mode or a kind of contract ("Remote", "Full-time")."""
    return re.sub(r"[^a-z]", "", part.lower()) in _HEADER_MODES or employment_type(part) is not None


_META_SPLIT = re.compile(r"\s+(?:[|·•]|[—–](?![^(]*\)))\s+")  # not inside "(Hybrid — Tue to Thu)"


@dataclass
class Sentence:
    line: Line
    text: str


@dataclass
class Extraction:
    facts: dict[str, Any] = field(default_factory=dict)
    citations: dict[str, tuple[int, str]] = field(default_factory=dict)
    used: set[tuple[int, str]] = field(default_factory=set)  # sentences some fact came from
    review: list[tuple[int, str]] = field(default_factory=list)
    board_lines: set[int] = field(default_factory=set)

    def put(self, path: str, value: Any, where: Sentence | tuple[int, str]) -> None:
        """Set a fact at a dotted path, citing where it was stated."""
        line, text = (where.line.number, where.text) if isinstance(where, Sentence) else where
        target = self.facts
        *parents, last = path.split(".")
        for part in parents:
            target = target.setdefault(part, {})
        target[last] = value
        self.citations[path] = (line, text)
        self.used.add((line, text))

    def has(self, path: str) -> bool:
        target: Any = self.facts
        for part in path.split("."):
            if not isinstance(target, dict) or part not in target:
                return False
            target = target[part]
        return True


def _sentences(lines: list[Line]) -> list[Sentence]:
    found: list[Sentence] = []
    for line in lines:
        if line.kind == "heading":
            found.append(Sentence(line, line.text))
        else:
            found.extend(Sentence(line, text) for text in sentences(line.text))
    return found


def extract(
    lines: list[Line],
    given: dict[str, tuple[Any, int, str]] | None = None,
    board_lines: set[int] | None = None,
) -> Extraction:
    """Every fact the text states. `given` holds facts a job board's fields state outright (path ->
    (value, line, text)); they win over what the text seems to say. `board_lines` are the lines showing
    those fields: nothing there is left to review."""
    out = Extraction(board_lines=set(board_lines or ()))
    for path, (value, line, text) in (given or {}).items():
        out.put(path, value, (line, text))
    every = _sentences(lines)
    # A job board's own fields name company, team and place; the line showing them isn't read again.
    board = bool(given)
    _title(lines, out)
    _company([] if board else lines, every, out)
    _title_without_company(out)
    if not board:
        _meta_line(lines, out)
    _teams(every, out)
    _salary(every, out)
    if not board:
        _header_pay(lines, out)
    _offers(every, out)
    _remote(every, out)
    _experience(every, out)
    _lists(lines, out)
    _level(every, out)
    _apply_and_inclusion(every, out)
    _review(every, out)
    return out


# ---- title, company, meta line -----------------------------------------------------------------------


def _title(lines: list[Line], out: Extraction) -> None:
    if out.has("title") or not lines:
        return
    for line in lines:
        label = _TITLE_LABEL.match(line.text)
        if label and 1 <= len(label.group(1).split()) <= 12:
            out.put("title", label.group(1).strip(), (line.number, line.text))
            return
    for line in lines[:4]:
        text = line.text.rstrip(":")
        if line.kind == "item" or text.endswith("?") or _GENERIC_TITLES.match(text):
            continue
        if len(text.split()) <= 12 and not text.endswith("."):
            out.put("title", text, (line.number, line.text))
        return


def _title_without_company(out: Extraction) -> None:
    """ "Dental Assistant — BrightSmile Family Dental, Eastgate Office" or "BrightSmile Family Dental |
    Dental Assistant": the title is the role; the company is a fact of its own (only when it was found as
    one, word for word in the title)."""
    title, company = out.facts.get("title"), out.facts.get("company")
    if not isinstance(title, str) or not isinstance(company, str):
        return
    name = re.escape(company)
    after = re.search(rf"\s+(?:[—–|·-]|at)\s+{name}(?:\W|$)", title)
    before = re.match(rf"{name}\s*[—–|·:-]\s+(?=\S)", title)
    role = title[: after.start()] if after else title[before.end() :] if before else title
    if role.strip() and role != title:
        out.put("title", role.strip(), out.citations["title"])


def _company(lines: list[Line], every: list[Sentence], out: Extraction) -> None:
    if out.has("company"):
        return
    url = str(out.facts.get("url", ""))
    board = re.search(r"(?:lever\.co|greenhouse\.io)/([a-z0-9-]+)/", url)
    board_name = board.group(1) if board else ""
    body = " ".join(s.text for s in every)
    # (name, where, strong): a strong statement needs no second mention to count.
    candidates: list[tuple[str, Sentence, bool]] = []
    meta = _meta(lines)
    if meta is not None:
        parts = _META_SPLIT.split(meta.text)
        first = re.split(r",\s+(?=[A-Z][\w ]*\d*$)", parts[0])[0].strip()  # "The Harbourview Hotel, Dublin 2"
        if re.fullmatch(_NAME, first) and not _PLACE.match(first) and not _header_word(first):
            # "Acme Co · Sales · Austin, TX": a name, then a team and a place, is the usual header.
            placed = any(_PLACE.match(p.strip()) or _header_word(p) for p in parts[1:])
            candidates.append((first, Sentence(meta, meta.text), placed))
    for strong, pattern in _COMPANY_PATTERNS:
        for sentence in every:
            match = pattern.match(sentence.text)
            if match:
                candidates.append((match.group(1).strip(), sentence, strong))
    for name, sentence, strong in candidates:
        name = name.strip(" .,") if not name.endswith(("Co.", "Inc.", "Ltd.", "Corp.")) else name
        if _NOT_A_COMPANY.match(name) or len(name.split()) > 6:
            continue
        # Named again elsewhere ("Mercy General Hospital", "About Mercy General"), or the board's name.
        head = name.removeprefix("The ").split()[0]
        if strong or body.count(head) >= 2 or (board_name and board_name.startswith(head.lower())):
            out.put("company", name, sentence)
            return


def _title_line(lines: list[Line]) -> Line | None:
    """The posting's first line, when it is the title (not "Job Description" or a question)."""
    first = next((line for line in lines if line.kind in ("heading", "para")), None)
    if first is None or first.text.endswith(("?", ":")) or _GENERIC_TITLES.match(first.text):
        return None
    return first if len(first.text.split()) <= 12 else None


def _meta(lines: list[Line]) -> Line | None:
    """The short line under the title naming company, team and place: "Acme | Sales | Chicago, IL"."""
    title = _title_line(lines)
    if title is None:
        return None
    after = [line for line in lines if line.number > title.number][:2]
    for line in after:
        if line.kind == "heading":
            return None
        if line.kind == "para" and len(line.text.split()) <= 16 and not re.search(r"[.!?]$", line.text[-1:]):
            return line
        if line.kind == "para" and line.text.endswith(("Co.", "Inc.", "Ltd.")):
            return line
    return None


# Header slots that name no team: a pay basis ("Hourly"), a requisition or job number ("Req ID OHH-118").
_NOT_A_TEAM = re.compile(
    r"\d|\b(?:hourly|salaried|exempt|non-exempt|req|requisition|job id|job no|ref|reference|id)\b",
    re.IGNORECASE,
)


def _meta_line(lines: list[Line], out: Extraction) -> None:
    meta = _meta(lines)
    candidates = [meta] if meta is not None else []
    # A place on its own line just under the title: "Sparks, NV".
    title = _title_line(lines)
    if title is not None:
        candidates += [
            line for line in lines if title.number < line.number <= title.number + 3 and line.kind == "para"
        ]
    company = out.facts.get("company")
    teams: list[str] = []
    for line in dict.fromkeys(candidates):
        if len(line.text.split()) > 16:
            continue
        for index, part in enumerate(_META_SPLIT.split(line.text)):
            part = part.strip()
            if line is meta and index == 0 and not _PLACE.match(part) and not _header_word(part):
                continue  # the header's first slot is the employer's, even when its name wasn't confirmed
            if company and part.startswith(company):
                part = part[len(company) :].strip(" ,")
            if not part or part == company or ":" in part:
                continue
            place = _PLACE.match(part)
            if place:
                if not out.has("location.offices"):
                    out.put("location.offices", [place.group(1)], Sentence(line, line.text))
                rest = part[place.end() :].strip(" ()")
                if rest and not out.has("remote.mode"):
                    for mode, pattern in _REMOTE_RULES:
                        if pattern.search(rest):
                            out.put(
                                "remote", {"mode": mode, "detail": rest.strip()}, Sentence(line, line.text)
                            )
                            break
                continue
            if line is not meta:
                continue
            # "Acme · Sales · Remote · Full-time": a work mode or a kind of contract is no team.
            header_mode = _HEADER_MODES.get(re.sub(r"[^a-z]", "", part.lower()))
            if header_mode or employment_type(part):
                if header_mode and not out.has("remote"):
                    out.put("remote", {"mode": header_mode}, Sentence(line, line.text))
                if employment_type(part) and not out.has("level.employment_type"):
                    out.put("level.employment_type", employment_type(part), Sentence(line, line.text))
                continue
            if re.fullmatch(r"[A-Z][\w&'’-]*(?: (?:[A-Z][\w&'’-]*|&|and|of))*", part):
                if (company and (part in company or company in part)) or _NOT_A_TEAM.search(part):
                    continue
                teams.append(part)
    if teams and not out.has("teams"):
        out.put("teams", teams, Sentence(meta, meta.text) if meta else (0, ""))
    for line in lines:
        label = _LOCATION_LABEL.match(line.text)
        if label and not out.has("location"):
            said = label.group(1).strip()
            out.put("location.detail", said, (line.number, line.text))
            if re.match(r"^(?:fully )?remote\b", said, re.I) and not out.has("remote"):
                out.put("remote", {"mode": "remote", "detail": said}, (line.number, line.text))
        kind = _TYPE_LABEL.match(line.text)
        if kind and employment_type(kind.group(1)) and not out.has("level.employment_type"):
            out.put("level.employment_type", employment_type(kind.group(1)), (line.number, line.text))


def _teams(every: list[Sentence], out: Extraction) -> None:
    if out.has("teams"):
        return
    for sentence in every:
        match = _TEAMS.search(sentence.text)
        if match:
            names = [n.strip() for n in re.split(r",\s*|\s+and\s+|\s+&\s+", match.group(1)) if n.strip()]
            if match.group(2) == "team" and len(names) > 1:
                names = [match.group(1)]
            names = [n for n in names if not _NOT_A_COMPANY.match(n) and n != out.facts.get("company")]
            if names:
                out.put("teams", names, sentence)
                return


# ---- pay ---------------------------------------------------------------------------------------------


def _clauses(text: str) -> list[str]:
    return [part for part in re.split(r";\s+|\.\s+(?=Plus\b)|\s+\+\s+", text) if part.strip()]


def _salary(every: list[Sentence], out: Extraction) -> None:
    everything = " ".join(s.text for s in every)
    # "$" is also Canada's, Australia's… dollar: where the posting points there, "$" alone names no currency.
    other_dollars = bool(
        {"CAD", "AUD", "NZD", "SGD", "HKD", "MXN"} & set(re.findall(r"\b[A-Z]{3}\b", everything))
    )
    other_dollars = other_dollars or bool(_OTHER_DOLLAR_PLACES.search(everything))
    found: list[tuple[Pay, Sentence, str]] = []
    for sentence in every:
        for clause in _clauses(sentence.text):
            for pay in pay_in(clause, sentence.line.section == "pay"):
                found.append((pay, sentence, clause))
    if not out.has("salary") and found:
        ranges: list[dict[str, Any]] = []
        for pay, sentence, clause in found:
            currency = pay.currency
            if currency == "USD" and other_dollars and not re.search(r"\bUSD\b|US\$", clause):
                currency = None  # "$" in a posting that also speaks of CAD: which dollar isn't certain
            period = pay.period or period_words(clause)
            if period is None and re.search(r"\bsalary\b", clause, re.I) and pay.min >= 10000:
                period = "year"  # a salary in the tens of thousands is a yearly figure
            item: dict[str, Any] = {"min": pay.min, "max": pay.max}
            if currency:
                item["currency"] = currency
            if period:
                item["period"] = period
            label = re.match(r"^([^:]{2,80}):\s", clause)
            if label and not is_pay_clause(label.group(1)):
                item["eligibility"] = label.group(1).strip()
            rest = clause[pay.end :]
            paren = re.match(r"\s*(?:[A-Z]{3}\s*)?(?:per \w+\s*)?\(([^)]{3,80})\)", rest)
            if paren and re.search(
                r"\bonly\b|applicants|candidates|based|located|resid", paren.group(1), re.I
            ):
                item["eligibility"] = paren.group(1).strip()
            if item not in ranges:
                ranges.append(item)
            out.used.add((sentence.line.number, sentence.text))
        first = found[0][1]
        if len(ranges) > 1 and any("eligibility" not in r for r in ranges):
            # Several amounts without saying which applies to whom: a person has to read it.
            out.review.append((first.line.number, first.text))
        else:
            out.put("salary", ranges[0] if len(ranges) == 1 else ranges, first)
    _salary_factors(every, out)


def _header_pay(lines: list[Line], out: Extraction) -> None:
    """Pay in the header's slots ("Full-time · Portland, ME · $19–$23/hr"), when the text states none: one
    range, with its period said, is the base pay; anything else is left to a person."""
    meta = _meta(lines)
    if meta is None or out.has("salary") or any(line == meta.number for line, _ in out.review):
        return
    found = [pay for part in _META_SPLIT.split(meta.text) for pay in pay_in(part.strip(), True)]
    if len(found) == 1 and found[0].period is not None:
        pay = found[0]
        item: dict[str, Any] = {"min": pay.min, "max": pay.max, "period": pay.period}
        if pay.currency:
            item["currency"] = pay.currency
        out.put("salary", item, Sentence(meta, meta.text))


def _salary_factors(every: list[Sentence], out: Extraction) -> None:
    salary = out.facts.get("salary")
    if not isinstance(salary, dict):
        return
    for sentence in every:
        if not re.search(r"salary|pay|compensation|offer", sentence.text, re.I):
            continue
        match = re.search(
            r"\b(?:depends?|depending|dependent|based|determined|vary|varies|placed)\b[^.]*?\b(?:on|by)\s+"
            r"(?:(?:several |a number of |various )?factors?,? (?:like|such as|including)\s+)?(.+?)(?:\.|$)",
            sentence.text,
            re.I,
        )
        if match:
            items = [
                re.sub(r"^(?:and|or)\s+", "", part.strip())
                for part in re.split(r",\s*|\s+and\s+|\s+or\s+", match.group(1))
            ]
            items = [i for i in items if i and len(i.split()) <= 5]
            if items:
                salary["factors"] = items
                out.citations["salary.factors"] = (sentence.line.number, sentence.text)
                out.used.add((sentence.line.number, sentence.text))
                return


# ---- yes/no offers and work mode -----------------------------------------------------------------------


def _offers(every: list[Sentence], out: Extraction) -> None:
    for sentence in every:
        text = sentence.text
        if not out.has("equity") and _EQUITY_WORDS.search(text) and not _EQUITY_NOT_PAY.search(text):
            if _EQUITY_NO.search(text):
                out.put("equity", {"provided": False}, sentence)
            elif _NEGATIVE.search(text):
                out.review.append((sentence.line.number, sentence.text))
            elif _OFFER.search(text):
                out.put("equity", {"provided": True, "detail": text}, sentence)
        if not out.has("relocation") and _RELOCATION.search(text):
            if _RELOCATION_NO.search(text):
                out.put("relocation", {"provided": False}, sentence)
            elif _RELOCATION_YES.search(text) and not _NEGATIVE.search(text):
                out.put("relocation", {"provided": True, "detail": text}, sentence)
        if not out.has("visa_sponsorship") and _VISA.search(text):
            if _VISA_NO.search(text):
                out.put("visa_sponsorship", {"provided": False, "detail": text}, sentence)
            elif _VISA_YES.search(text):
                out.put("visa_sponsorship", {"provided": True, "detail": text}, sentence)


def _remote(every: list[Sentence], out: Extraction) -> None:
    if out.has("remote.mode"):
        return
    for sentence in every:
        for mode, pattern in _REMOTE_RULES:
            if not pattern.search(sentence.text):
                continue
            # "Remote work is not possible", "hybrid is not an option": a denial the rules above don't
            # read as on-site goes to review rather than become the opposite of what it says.
            if mode != "onsite" and re.search(
                r"\b(?:not|no|isn't|cannot|can't|never)\b", sentence.text, re.I
            ):
                out.review.append((sentence.line.number, sentence.text))
                return
            out.put("remote", {"mode": mode, "detail": sentence.text}, sentence)
            return


# ---- requirements, lists, level ------------------------------------------------------------------------


def _years(text: str) -> int | None:
    if _NO_EXPERIENCE.search(text):
        return 0
    for match in _YEARS.finditer(text):
        after = text[match.end() : match.end() + 90]
        before = text[max(0, match.start() - 40) : match.start()]
        # The years must be of experience: "experience" follows in the same clause (or leads it).
        clause_after = re.split(r"[;,.](?:\s|$)|\bincluding\b|\bwith\b", after)[0]
        said = re.search(r"\bexperience\b", clause_after, re.I) or re.search(
            r"experience\s*(?:of|:)\s*$", before, re.I
        )
        doing = re.match(
            r"\s*(?:of\s+)?(?:[\w-]+\s+){0,3}(?:in|as|working|leading|teaching|managing)\b", after, re.I
        )
        if not (said or doing):
            continue
        if _NOT_EXPERIENCE.search(f"{before[-20:]} {match.group(0)} {clause_after[:25]}"):
            continue
        word = match.group(1).lower()
        return _WORD_NUMBERS.get(word) if word in _WORD_NUMBERS else int(word)
    return None


def _experience(every: list[Sentence], out: Extraction) -> None:
    if out.has("requirements.experience_years"):
        return
    ordered = sorted(every, key=lambda s: s.line.section != "qualifications")
    for sentence in ordered:
        if sentence.line.section in ("about", "benefits"):
            continue
        years = _years(sentence.text)
        if years is not None:
            out.put("requirements.experience_years", years, sentence)
            return


def _lists(lines: list[Line], out: Extraction) -> None:
    wanted = {"responsibilities": "responsibilities", "qualifications": "requirements.qualifications",
              "benefits": "benefits"}  # fmt: skip
    for kind, path in wanted.items():
        if out.has(path):
            continue
        items = [line for line in lines if line.kind == "item" and line.depth == 0 and line.section == kind]
        if items:
            out.put(path, [line.text for line in items], (items[0].number, items[0].text))
            for i, line in enumerate(items):
                out.citations[f"{path}.{i}"] = (line.number, line.text)
                out.used.add((line.number, line.text))


def _level(every: list[Sentence], out: Extraction) -> None:
    title = str(out.facts.get("title", ""))
    title_where = out.citations.get("title", (0, title))
    if not out.has("level.seniority"):
        for seniority, pattern in _SENIORITY_TITLE:
            if pattern.search(title):
                out.put("level.seniority", seniority, title_where)
                break
    if not out.has("level.seniority"):
        for sentence in every:
            match = _SENIORITY_TEXT.search(sentence.text)
            if match:
                out.put("level.seniority", (match.group(1) or match.group(2)).lower(), sentence)
                break
    if re.search(r"\bintern(?:ship)?\b", title, re.I):
        out.put("level.internship", True, title_where)
        if not out.has("level.employment_type"):
            out.put("level.employment_type", "internship", title_where)
    if out.has("level.employment_type"):
        return
    stated = employment_type(title) if re.search(r"time|contract|temporary|seasonal", title, re.I) else None
    if stated:  # "Staff Nurse (Part-Time)"
        out.put("level.employment_type", stated, title_where)
        return
    for sentence in every:
        if not _THIS_JOB.search(sentence.text):
            continue
        for kind, pattern in _EMPLOYMENT:
            if kind != "internship" and pattern.search(sentence.text):
                out.put("level.employment_type", kind, sentence)
                return


def employment_type(text: str) -> str | None:
    """A job board's free-text employment type ("Permanent - Full time") in the fixed vocabulary."""
    found = [kind for kind, pattern in _EMPLOYMENT if pattern.search(text)]
    if "part_time" in found:
        return "part_time"
    return found[0] if found else None


def _apply_and_inclusion(every: list[Sentence], out: Extraction) -> None:
    apply_: list[Sentence] = []
    inclusion: list[Sentence] = []
    for sentence in every:
        if sentence.line.kind == "heading":
            continue
        text = sentence.text
        if _INCLUSION.search(text) or (sentence.line.section == "inclusion" and not _APPLY.search(text)):
            inclusion.append(sentence)
        elif (
            _APPLY.search(text) or (sentence.line.section == "apply" and sentence.line.kind == "para")
        ) and (not text.endswith("?") or re.search(r"interested\?", text, re.I)):
            apply_.append(sentence)
    if apply_ and not out.has("how_to_apply"):
        out.put("how_to_apply", " ".join(s.text for s in apply_[:3]), apply_[0])
        out.used.update((s.line.number, s.text) for s in apply_[:3])
    if inclusion and not out.has("inclusion"):
        out.put("inclusion", " ".join(s.text for s in inclusion[:3]), inclusion[0])
        out.used.update((s.line.number, s.text) for s in inclusion[:3])


# ---- what a person should look at -----------------------------------------------------------------------

_WORTH_A_LOOK = re.compile(
    r"[$£€¥₹]\s?\d|\b(?:USD|EUR|GBP|CAD|AUD)\b|\bsalary\b|\bwage\b|\bremote\b|\bhybrid\b|\bon[- ]?site\b"
    r"|\bvisa\b|\bsponsor|\brelocat|\bequity\b|\bstock\b|\byears?\b|\bintern",
    re.I,
)


def _review(every: list[Sentence], out: Extraction) -> None:
    listed = set(out.review)
    for sentence in every:
        where = (sentence.line.number, sentence.text)
        if where in out.used or where in listed or sentence.line.kind == "heading":
            continue
        if sentence.line.number in out.board_lines:
            continue
        if _WORTH_A_LOOK.search(sentence.text):
            out.review.append(where)
            listed.add(where)
    out.review.sort()
