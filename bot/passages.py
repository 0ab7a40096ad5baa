"""Answering from the posting's own words: its text as sentences and list items, and which of them answer
a question.

At load, `postings/<id>.md` is split into passages — the sentences of its paragraphs and its list items —
each remembering its line and the heading above it. The heading says what a passage is: a bullet under
"Qualifications" is a requirement, under "Responsibilities" a duty, so "do I need X" and "will I do X" lean
to different passages.

A passage answers a question when it covers the question's topic words — the words left once function
words and the words of asking ("do I need", "is there", "actually") are gone. Words are compared much as
the matcher compares them (normalised, stemmed — here by Snowball, so "flexible" meets "flexibility" —,
synonym-mapped, typo-tolerant through rapidfuzz), each weighted by its rarity across the posting's passages
(IDF), so "Pinterest" counts for little and "caching" for a lot. Rules keep a shared word from passing for
an answer:

- a topic word the passage lacks counts against it, a word the posting never uses (kubernetes) too; one
  shared word among many missing ones is a coincidence, however rare the word;
- a word matched only through a synonym counts for little: "redis" maps to "caching", but a sentence about
  caching doesn't say which cache; after a named tool or a choice ("redis or memcached?") not at all;
- a word the posting never uses may meet a passage through the related-words lexicon
  (bot/related_words.yaml: "curious" and "inquisitive", "split test" and "A/B testing") at 0.6 of its
  weight; such words lift a passage that shares a word with the question as written, and make a quote on
  their own only when they account for every topic word ("is the job physical?");
- the thing asked about ("is there a *signing bonus*?", "is *overtime* available?") must be in the passage,
  in so many words: a synonym or a related word won't do;
- "how many / how much / how long" needs a number in the passage, "how often" a frequency, "when" a time
  (a clock time, a date, a weekday, "30 days" — not "day" or "$24.50"); "how many patients?" a number
  counting patients, if the passage names them ("many of our patients speak Spanish" counts none);
- a request to the bot ("write me a poem", "how do I build a REST API") is not a question about the posting.
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

from markdown_it import MarkdownIt
from markdown_it.token import Token
from rapidfuzz import fuzz, process

from bot.matcher import stem as light_stem
from bot.related_words import bundled_related_words
from bot.stemming import snowball
from bot.text import tokens

Kind = Literal["requirement", "duty", "offer", "about", "other"]

MAX_QUOTES = 2
QUOTE_THRESHOLD = 0.4  # share of the question's topic weight a passage must cover to be quoted
SECOND_QUOTE = 0.9  # a second passage is quoted only when it scores this close to the first
SYNONYM_SIMILARITY = 0.3  # a word matched only through a synonym ("redis" -> caching)
RELATED_SIMILARITY = 0.6  # a word matched only through the related-words lexicon ("curious" -> inquisitive)
TYPO_SIMILARITY = 0.9  # scaled by the rapidfuzz ratio
TYPO_CUTOFF = 85
MIN_FUZZY_LEN = 5
FRAME_BONUS = 1.15  # a requirement asked about, a requirement found (or a duty, a duty)
MIN_WORDS_COVERED = 1 / 3  # of the question's topic words, counted alike
UNKNOWN_WEIGHT = 0.5  # a word the posting never uses, as a share of the rarest word it does use

_HEADING_KINDS: tuple[tuple[Kind, re.Pattern[str]], ...] = (
    (
        "requirement",
        re.compile(
            r"qualif|requirement|require|must have|nice to have|you have|you bring|about you|who you are"
            r"|what you need|you.ll need|you.ll bring|skills|experience|preferred|bonus points|looking for",
            re.IGNORECASE,
        ),
    ),
    (
        "duty",
        re.compile(
            r"responsib|what you.ll do|what you will do|duties|day to day|your impact|the role|you will",
            re.IGNORECASE,
        ),
    ),
    ("offer", re.compile(r"benefit|perks|what we offer|compensation|salary|pay\b", re.IGNORECASE)),
    ("about", re.compile(r"about|who we are|mission|our company|the company", re.IGNORECASE)),
)

# Questions that ask for a quantity or a time are answered only by a passage that states one.
# "How much do you care…" asks about degree, not quantity.
_QUANTITY_QUESTION = re.compile(
    r"\bhow (?:many|big|large|long)\b|\bpercent|\bnumber of\b"
    r"|\bhow much\b(?!\s+(?:do|does|did|is|are|would|will|should|can|could)\b)"
)
# "How often" is answered by a frequency: "paid weekly", "twice a month", "every Friday".
_FREQUENCY_QUESTION = re.compile(r"\bhow often\b|\bhow frequently\b")
_FREQUENCY = re.compile(
    r"\b(?:hourly|daily|weekly|biweekly|monthly|quarterly|yearly|annually|every|each|once|twice|per"
    r"|times a)\b"
)
# A question after a named tool or one of several ("redis or memcached?") is not answered by a sentence
# naming only the category: synonyms, which map the named thing onto its category, don't count for it.
_SPECIFIC_QUESTION = re.compile(
    r"\b(?:do|does) (?:you|we|they|the \w+|engineers|pinterest) (?:use|run)\b|\bis it \w+ or\b"
    r"|\b(?:which|what)\b[^?]*\b(?:use|using|used|run on)\b"
    r"|\b(?:which|what) (?:\w+ ){0,2}(?:tools?|frameworks?|languages?|platforms?|stack|databases?|engines?"
    r"|librar(?:y|ies)|vendors?|providers?|clouds?|versions?)\b"
)
# "How many patients would I see?" names what is counted: a passage that names it without counting it
# ("many of our patients speak Spanish") doesn't answer; one that counts something else may ("64 stores").
_HOW_MANY = re.compile(r"\bhow many (?:of (?:the|your|our) )?(?P<thing>\w+)")
_COUNT = re.compile(
    r"\d|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|dozens?|hundreds?|thousands?"
    r"|millions?|billions?)\b"
)
COUNTED_WITHIN = 3  # words after a number that it may count: "250 to 400 covers", "three 12-hour shifts"
_TIME_QUESTION = re.compile(r"^(?:when|what time|what date)\b|\bstart date\b|\bdeadline\b")
_QUANTITY = re.compile(
    r"\d|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|dozens?|hundreds?|thousands?|millions?"
    r"|billions?|several|few|many)\b"
)
# A time or date a "when" question can be answered with: "within 30 days", "2:00 p.m.", "every March",
# "Tuesday to Friday". A bare "day" or "week" is no time ("the day's goals"), nor "may" ("duties may vary").
_TIME = re.compile(
    r"\b\d{1,2}(?::\d{2})? ?(?:a\.?m\b|p\.?m\b)|\b\d{1,2}:\d{2}\b|\b(?:19|20)\d{2}\b"
    r"|\b(?:january|february|march|april|may(?= \d)|june|july|august|september|october|november|december"
    r"|mondays?|tuesdays?|wednesdays?|thursdays?|fridays?|saturdays?|sundays?|weekends?|weekdays?"
    r"|immediately|asap|noon|midnight|mornings?|evenings?|nights?|overnight|quarter|q[1-4]|annually|yearly"
    r"|(?:\d+|one|two|three|four|five|six|seven|eight|nine|ten|a|few|several)[ -]"
    r"(?:days?|weeks?|months?|years?))\b"
)
_REQUIREMENT_FRAME = re.compile(
    r"\b(?:need|needed|require[ds]?|requirement|must|expect|expected|qualif\w*|looking for|prefer\w*"
    r"|count|counts|enough|years?|background|experience)\b"
)
_DUTY_FRAME = re.compile(
    r"\b(?:will i|would i|i will|i would|do i get|get to|my job|involved|responsible|day to day|work on"
    r"|be doing|do engineers|engineers do|will engineers)\b"
)

# Pure function words: never the thing asked about.
_FUNCTION_TEXT = """
    a an the is are was were be been being am do does did you your i me my we our us it its this that these
    those they them their at in on of for to from with by as into about than then so what which who how
    when where why can could would will should may might must any some all each have has had and or but if
    not no like basically actually really exactly just
"""
_FUNCTION_WORDS = frozenset(_FUNCTION_TEXT.split())
# Nouns that only say "something" ("which areas", "what kind"): no part of the thing asked about.
_VAGUE_TEXT = "kind kinds sort sorts type types area areas thing things stuff part parts"
_VAGUE_NOUNS = frozenset(_VAGUE_TEXT.split())
# Requests for the bot to do something ("write me a poem", "order me a pizza", "how do I build a REST API")
# are not questions about the posting, whatever words they share with it.
_TASK = re.compile(
    r"^(?:(?:can|could|would|will) you (?:please )?|please )?(?:write|explain|book|make|create|translate"
    r"|recommend|teach|solve|fix|debug|calculate|draw|generate|summari[sz]e|give me|show me how|help me"
    r"|order|buy|plan|play|sing|find me|get me|look up|search|remind|set up)\b"
    r"|^how (?:do|can|would|should) i (?!get\b)|^how to\b"
)
# Words that ask rather than say what about: function words, and the words of asking.
_ASKING_TEXT = """
    a an the is are was were be been being am there here do does did doing done you your yours i me my
    mine we our us it its this that these those they them their he she him her his at in on of for to from
    with by as into onto about over under up down out off than then too very also just only so such what
    which who whom whose how when where why can could would will shall should may might must any some all
    each every have has had and or but nor if not no yes like get got gets getting please tell know let
    more most much many need needs needed want wants wanted expect expected require required requirement
    care cares matter matters count counts important deal big actually really basically mostly usually
    typically currently guys ppl lol something anything thing things stuff kind sort type lot lots bit
    roughly approximately around either even still whether ever often also role position job posting
    opening company use used using experience background familiar familiarity knowledge able allowed
    possible ok okay fine good sense go going look looking describe say said mean means one ones other
    others else own way ways day work working wise percentage hey hi thanks thank see think feel view
    itself themselves yourself kindly pls plz after before during while since until because though although
    first once whenever valued encouraged appreciated emphasized emphasised hire hired hires hiring
    someone somebody anyone anybody
"""
_ASKING = frozenset(_ASKING_TEXT.split())
# "What's the dress code?", "is there a signing bonus?": the thing asked about, every word of which a
# passage must contain — a sentence about code or about pay doesn't answer either.
_THING_ASKED = (
    re.compile(
        r"\b(?:what is|what are|whats|is there|are there|do you (?:offer|have|provide|give)"
        r"|(?:will|do|can|would) i get(?! to\b)"
        r"|does \w+ (?:offer|have|provide|give)) (?:(?:an?|any|the|some) )?(?P<thing>[\w ]+?)"
        r"(?: (?:for|on|in|at|with|like|to|that|from|of|be|during|per|within|after|before|over|under|around"
        r"|between|without|through)\b|$)"
    ),
    # "Is overtime available?", "are scrubs provided?"
    re.compile(
        r"^(?:is|are) (?:(?:an?|the|any|some) )?(?P<thing>[\w ]+?) (?:available|provided|offered|allowed"
        r"|included|covered|free|paid|possible)\b"
    ),
    re.compile(
        r"\bhow (?:does|do) (?:(?:the|your|a) )?(?P<thing>[\w ]+?) (?:work|works|look|looks|happen)\b"
    ),
    # "Which office would I be in?", "how many vacation days do I get?"
    re.compile(
        r"\b(?:which|how many|how much) (?P<thing>[\w ]+?) (?:would|will|do|does|did|is|are|am|can|should"
        r"|per|each|a|an)\b"
    ),
)
# Two words joined by "or" with no comma before it: a choice between two things, not two clauses.
_ALTERNATIVES = re.compile(r"([\w+#.-]+) or (?:(?:an?|the) )?([\w+#.-]+)")
_SYNONYM = "~"  # keeps synonym-mapped words apart from words as written
_RELATED = "@"  # marks a related-words group ("@curiosity") among a passage's words
_ENGLISH = snowball("english")
# Words two letters apart that say one thing: "a/b" testing, "c/c++", "ci/cd".
_SLASHED = re.compile(r"\b(\w)/(\w)\b")
_FILLER_PHRASES = re.compile(r"\bas well\b|\bin this (?:role|position|job)\b")


def stem(word: str) -> str:
    """Snowball's English stemmer: "flexible" and "flexibility", "restful" and "rest" meet."""
    return _ENGLISH(word)


_ASKING_STEMS = frozenset(stem(word) for word in _ASKING) | _ASKING

_CLOSERS = '"\u201d\u2019)'  # what may follow a sentence's full stop: quotes, a parenthesis
_SENTENCE_END = re.compile(rf"(?<=[.!?])[{_CLOSERS}]*\s+(?=[\"\u201c\u2018(]?[A-Z0-9$\u00a3\u20ac])")
_ABBREVIATIONS_TEXT = "e.g i.e etc inc ltd co corp sr jr no vs mr mrs ms dr st u.s approx"
_ABBREVIATIONS = frozenset(_ABBREVIATIONS_TEXT.split())
_LEAD_IN = re.compile(r"\s*(?:include|includes|are|will be|is)?\s*:\s*$", re.IGNORECASE)


@dataclass(frozen=True)
class Passage:
    """One sentence or list item of the posting's text."""

    text: str
    line: int  # 1-based, in postings/<id>.md
    heading: str  # the heading (or lead-in sentence) it sits under; "" at the top
    kind: Kind


@dataclass(frozen=True)
class Quote:
    text: str
    line: int
    heading: str
    score: float

    @property
    def feedback_key(self) -> str:
        """What 👍 / 👎 on this quote is recorded under, where an intent's id would be."""
        return f"{QUOTE_FEEDBACK}{self.line}"


QUOTE_FEEDBACK = "quote:"  # feedback on a quote is kept as "quote:<line>": no intent id has a colon


# ---- splitting -----------------------------------------------------------------------------------------


def split_passages(markdown: str) -> list[Passage]:
    """The passages of a posting's Markdown text, in order. Headings are context, not passages; so is a
    paragraph's closing lead-in to a list ("Responsibilities include:"); questions are neither."""
    passages: list[Passage] = []
    heading, lead_in = "", ""
    in_list = 0
    text, origin = _as_markdown(markdown)
    tokens_ = MarkdownIt("commonmark").parse(text)
    for i, token in enumerate(tokens_):
        if token.type in ("bullet_list_open", "ordered_list_open"):
            in_list += 1
        elif token.type in ("bullet_list_close", "ordered_list_close"):
            in_list -= 1
            if not in_list:
                lead_in = ""
        elif token.type == "inline" and token.map is not None:
            text = _plain(token)
            opener = tokens_[i - 1].type if i else ""
            if opener == "heading_open" or (not in_list and _is_heading_line(text)):
                heading, lead_in = _clean_heading(text), ""
                continue
            sentences = list(_sentences(text, origin[token.map[0]] + 1))
            if not in_list and sentences and sentences[-1][0].rstrip().endswith(":"):
                lead_in = _clean_heading(sentences.pop()[0])
            context = lead_in if in_list and lead_in else heading
            kind = _kind(lead_in if in_list and lead_in else "") or _kind(heading) or "other"
            label = None if in_list else _LABEL.match(text)
            if label:  # "Benefits: …": the paragraph says what it is, whatever heading came before
                context, kind = label.group(1), _kind(label.group(1)) or "other"
            for sentence, line in sentences:
                if not sentence.rstrip().endswith("?"):
                    passages.append(Passage(sentence, line, context, kind))
    return passages


# A line opening with a short label and a colon ("Pay: $18 an hour", "Schedule: full-time").
_LABEL = re.compile(r"^([A-Z][\w'&/-]*(?: [\w'&/-]+){0,3}):\s+\S")
# Bullets people type or paste (dots, squares, arrows, triangles, ticks), opening a line before a space.
_BULLET_MARKS = "\u2022\u00b7\u25aa\u25cf\u2023\u2043\u2192\u25ba\u25b8\u25b6\u25e6\u27a2\u2713\u2714"
# An indented ">" is a bullet in pasted text (a Markdown quote starts at the margin).
_BULLET = re.compile(rf"^(\s*)(?:[{_BULLET_MARKS}]|(?<=\s)>)\s+")
_CAPS_HEADING = re.compile(r"^[A-Z0-9][A-Z0-9 &/,'()-]{1,60}$")


def _as_markdown(text: str) -> tuple[str, list[int]]:
    """Plain text pasted as a posting, read as Markdown would read it: "•" bullets become list items, a
    "•" item ends with its line (the unindented line after it is no continuation of it: "Benefits: …"
    after the last requirement is not a requirement), a line opening with a label ("Pay: …") starts a
    paragraph of its own, and a short line that ends in a colon or is in capitals ("Qualifications:",
    "WHAT YOU NEED") becomes a heading. Also returns, for each line of the
    Markdown, the line of `text` it comes from, so passages keep their line numbers."""
    lines: list[str] = []
    origin: list[int] = []
    in_bullets = False
    source = text.splitlines()
    for number, line in enumerate(source):
        stripped = line.strip()
        bullet = bool(_BULLET.match(line))
        if (
            lines
            and lines[-1].strip()
            and ((in_bullets and stripped and not bullet and not line[:1].isspace()) or _LABEL.match(line))
        ):
            lines.append("")  # ends the list or paragraph before, as a blank line would
            origin.append(number)
        if bullet:
            line = _BULLET.sub(r"\1- ", line)
        elif not stripped.startswith(("#", "-", "*", "+", ">", "|")) and (
            _is_heading_line(stripped)
            or (_CAPS_HEADING.match(stripped) and len(stripped.split()) <= 6)
            or _is_title_line(source, number)
        ):
            line = f"## {stripped}"
        in_bullets = bullet or (in_bullets and (not stripped or line[:1].isspace()))
        lines.append(line)
        origin.append(number)
    return "\n".join(lines), origin


def _plain(token: Token) -> str:
    """An inline token's text without Markdown marks; soft line breaks kept, so lines can be counted."""
    parts: list[str] = []
    for child in token.children or []:
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append("\n")
    return "".join(parts)


def _sentences(text: str, first_line: int) -> Iterable[tuple[str, int]]:
    start = 0
    for match in _SENTENCE_END.finditer(text):
        before = text[start : match.start()].rstrip(f".!?{_CLOSERS}").split()
        if before and before[-1].lower().rstrip(".") in _ABBREVIATIONS:
            continue
        if before and len(before[-1]) == 1 and before[-1].isupper():  # an initial: "J. Smith"
            continue
        yield from _one(text, start, match.start(), first_line)
        start = match.end()
    yield from _one(text, start, len(text), first_line)


def _one(text: str, start: int, end: int, first_line: int) -> Iterable[tuple[str, int]]:
    sentence = " ".join(text[start:end].split())
    if sentence:
        yield sentence, first_line + text.count("\n", 0, start)


def _is_title_line(source: list[str], number: int) -> bool:
    """A short line with no closing punctuation, first or after a blank line, with text under it:
    a plain-text heading without a colon ("Pay", "What you need", "How to apply"). The line under it would
    otherwise run on from the heading as one sentence ("Pay $19 to $23 per hour…")."""
    line = source[number].strip()
    if not line or not line[0].isupper() or line[-1] in '.,;:!?)\u201d"' or len(line.split()) > 5:
        return False
    if number and source[number - 1].strip():
        return False
    below = [other.strip() for other in source[number + 1 : number + 3]]
    # Text right under it; or, past the first line (a title), one blank line and then text.
    return bool(below and below[0]) or (number > 0 and len(below) == 2 and not below[0] and bool(below[1]))


def _is_heading_line(text: str) -> bool:
    """A short line ending in a colon and holding no sentence: "Qualifications:", "About Pinterest:"."""
    return "\n" not in text and text.endswith(":") and len(text.split()) <= 6 and "." not in text


def _clean_heading(text: str) -> str:
    return _LEAD_IN.sub("", " ".join(text.split())).strip(" #*:")


def _kind(heading: str) -> Kind | None:
    for kind, pattern in _HEADING_KINDS:
        if pattern.search(heading):
            return kind
    return None


# ---- finding ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Entry:
    passage: Passage
    literal: frozenset[str]  # stemmed words as written
    canonical: frozenset[str]  # its words through the knowledge's synonyms, each prefixed with _SYNONYM
    related: frozenset[str]  # the related-words groups its words or phrases belong to, prefixed with _RELATED
    keys: frozenset[str]  # all three, for matching
    has_quantity: bool
    has_time: bool
    has_frequency: bool
    counted: frozenset[str]  # stemmed words a number in it counts: "64 stores", "two Saturdays"


class PassageIndex:
    """The passages of one posting, indexed once at load; `find` is safe to call from threads."""

    def __init__(
        self, passages: Sequence[Passage], features: Callable[[str], list[str]], places: Iterable[str] = ()
    ) -> None:
        self.passages = list(passages)
        self._features = features  # the matcher's: normalised, synonym-mapped, stemmed
        # The posting's places (its offices' names): they say which job a question is about, not what it
        # asks, so a passage sharing only them with a question doesn't answer it ("weather in Portland?").
        self._places = frozenset(stem(word) for place in places for word in tokens(place))
        self._lexicon = _lexicon()
        self._entries = [self._entry(p) for p in self.passages]
        self._literal_idf = _idf([e.literal for e in self._entries])
        self._canonical_idf = _idf([e.canonical for e in self._entries])
        self._related_idf = _idf([e.related for e in self._entries])
        self._unknown = UNKNOWN_WEIGHT * math.log1p(max(len(self._entries), 1))
        # Typos are corrected against words as written: stems are too short to tell apart ("qualifi" for
        # "qualified" is one letter from "qualiti" for "quality").
        words = sorted({w for p in self.passages for w in _words(p.text) if len(w) >= MIN_FUZZY_LEN})
        self._typo_words, self._typo_stems = words, [stem(w) for w in words]
        self._resolved: dict[str, tuple[tuple[str, float], ...]] = {}

    def _entry(self, p: Passage) -> _Entry:
        literal = frozenset(literal_words(p.text))
        canonical = frozenset(_SYNONYM + word for word in self._features(p.text))
        related = frozenset(group for groups in self._lexicon.groups(_words(p.text)) for group in groups)
        lower = p.text.lower()
        return _Entry(
            p,
            literal,
            canonical,
            related,
            literal | canonical | related,
            bool(_QUANTITY.search(lower)),
            bool(_TIME.search(lower)),
            bool(_FREQUENCY.search(lower)),
            self._counted(_words(p.text)),
        )

    def find(self, question: str, limit: int = MAX_QUOTES) -> list[Quote]:
        """The passages that answer `question`, best first (at most `limit`); [] when none does."""
        if not self._entries:
            return []
        text = _normalised(question)
        if _TASK.search(text):
            return []
        specific = bool(_SPECIFIC_QUESTION.search(text)) or self._unknown_alternatives(question.lower())
        literals, words = self._topic_words(text, specific)
        if not words:
            return []
        # Topic words every quoted passage must contain: all of them after a named tool, else the thing
        # asked about ("is there a signing bonus?"): a passage sharing the other words doesn't answer it.
        required = set(range(len(words))) if specific else self._thing_asked(text, literals, words)
        # The thing asked about is in the passage in so many words: a synonym or a related word won't do.
        as_written = [_direct(matches) for matches in words]
        direct = {i: as_written[i] for i in required}
        weights = [self._weight(matches) for matches in words]
        total = sum(weights)
        requirement, duty = bool(_REQUIREMENT_FRAME.search(text)), bool(_DUTY_FRAME.search(text))
        wants_quantity, wants_time = bool(_QUANTITY_QUESTION.search(text)), bool(_TIME_QUESTION.search(text))
        wants_frequency = bool(_FREQUENCY_QUESTION.search(text))
        # What a "how many" question counts, as written and as its related words ("weekends", @shifts).
        thing = _counted_thing(text)
        asked = [word not in self._places for word in literals]  # the words that say what is asked
        thing_stem = stem(thing) if thing else ""
        counted = frozenset({thing_stem, *self._lexicon.groups([thing])[0]}) if thing else frozenset()
        scored: list[tuple[float, int]] = []
        for position, entry in enumerate(self._entries):
            if (wants_quantity and not entry.has_quantity) or (wants_time and not entry.has_time):
                continue
            if wants_frequency and not entry.has_frequency:
                continue
            if thing_stem and thing_stem in entry.literal and not counted & entry.counted:
                continue
            if any(_similarity(direct[i], entry) <= SYNONYM_SIMILARITY for i in required):
                continue
            similarities = [_similarity(matches, entry) for matches in words]
            # One rare shared word among many the passage lacks is a coincidence ("who won the game last
            # night?" and "lasting memories"), however rare the word.
            if sum(s > SYNONYM_SIMILARITY for s in similarities) < MIN_WORDS_COVERED * len(words):
                continue
            if not any(s > SYNONYM_SIMILARITY for s, own in zip(similarities, asked, strict=True) if own):
                continue
            # Related words lift a passage that shares a word with the question as written; one that shares
            # none is quoted only when related words account for every topic word ("is the job physical?").
            covered = all(s > SYNONYM_SIMILARITY for s in similarities)
            if not covered and not any(_similarity(matches, entry) for matches in as_written):
                continue
            score = sum(w * s for w, s in zip(weights, similarities, strict=True)) / total
            kind = entry.passage.kind
            if (requirement and kind == "requirement") or (duty and kind == "duty"):
                score *= FRAME_BONUS
            scored.append((min(score, 1.0), position))
        scored.sort(key=lambda item: (-item[0], item[1]))
        quotes: list[Quote] = []
        for score, position in scored[:limit]:
            if score < QUOTE_THRESHOLD or (quotes and score < SECOND_QUOTE * quotes[0].score):
                break
            p = self._entries[position].passage
            quotes.append(Quote(p.text, p.line, p.heading, round(score, 4)))
        return sorted(quotes, key=lambda q: q.line)  # in the posting's order, as a candidate would read them

    def _counted(self, words: list[str]) -> frozenset[str]:
        """The words a number among `words` counts, stemmed, and their related-words groups ("two
        Saturdays" counts weekends)."""
        after = [
            word
            for i, number in enumerate(words)
            if _COUNT.match(number)
            for word in words[i + 1 : i + 1 + COUNTED_WITHIN]
        ]
        return frozenset(map(stem, after)).union(*self._lexicon.groups(after))

    def unmentioned(self, question: str) -> list[str]:
        """The words of the thing a question asks about ("is there *free parking*?") when the posting's text
        has none of them — as written, as a typo or through a related word; [] when it has one, or when the
        question names no thing."""
        thing = _thing_words(_normalised(question))
        groups = self._lexicon.groups(thing)
        for word, related in zip(thing, groups, strict=True):
            written = [key for key, _ in self._resolve(word, stem(word)) if not key.startswith(_SYNONYM)]
            if written or any(group in self._related_idf for group in related):
                return []
        return thing

    # ---- words ---------------------------------------------------------------------------------------------

    def _unknown_alternatives(self, text: str) -> bool:
        """ "Microservices or a monolith?", "redis or memcached?": a choice between things the posting never
        names asks for something specific it doesn't say."""
        for match in _ALTERNATIVES.finditer(text):
            pair = [" ".join(tokens(word)) for word in match.groups()]
            if any(not word or word in _ASKING for word in pair):
                continue
            if all(stem(word) not in self._literal_idf for word in pair):
                return True
        return False

    def _thing_asked(
        self, text: str, literals: list[str], words: list[tuple[tuple[str, float], ...]]
    ) -> set[int]:
        """Positions in `literals` (extended as needed) of the words of the thing asked about."""
        required: set[int] = set()
        for word in _thing_words(text):
            literal = stem(word)
            if literal not in literals:  # a word of asking, here the thing itself: "meaning"
                literals.append(literal)
                words.append(self._resolve(word, literal))
            required.add(literals.index(literal))
        return required

    def _topic_words(
        self, text: str, specific: bool
    ) -> tuple[list[str], list[tuple[tuple[str, float], ...]]]:
        """The question's topic words (stemmed), and per word the passage words (and related-words groups)
        it may stand for, each with a similarity."""
        seen: list[str] = []
        words: list[tuple[tuple[str, float], ...]] = []
        question = text.split()
        for word, groups in zip(question, self._lexicon.groups(question), strict=True):
            literal = stem(word)
            if word in _ASKING or literal in _ASKING_STEMS:
                continue
            if literal in seen:  # "person … personality": one word, with the groups of both
                matches = words[seen.index(literal)]
            else:
                seen.append(literal)
                words.append(self._resolve(word, literal))
                matches = words[-1]
            if specific:  # after a named tool, only the tool's own name answers
                matches = _direct(matches)
            else:
                known = {key for key, _ in matches}
                related = [g for g in groups if g in self._related_idf and g not in known]
                matches += tuple((group, RELATED_SIMILARITY) for group in related)
            words[seen.index(literal)] = matches
        return seen, words

    def _resolve(self, word: str, literal: str) -> tuple[tuple[str, float], ...]:
        cached = self._resolved.get(word)
        if cached is not None:
            return cached
        matches: dict[str, float] = {}
        if literal in self._literal_idf:
            matches[literal] = 1.0
        elif len(word) >= MIN_FUZZY_LEN:
            best = process.extractOne(
                word, self._typo_words, scorer=fuzz.ratio, processor=None, score_cutoff=TYPO_CUTOFF
            )
            if best is not None:
                matches[self._typo_stems[best[2]]] = TYPO_SIMILARITY * best[1] / 100
        for canonical in self._features(word):
            if _SYNONYM + canonical in self._canonical_idf:
                matches.setdefault(_SYNONYM + canonical, SYNONYM_SIMILARITY)
        found = tuple(matches.items())
        if len(self._resolved) < 50_000:
            self._resolved[word] = found
        return found

    def _weight(self, matches: tuple[tuple[str, float], ...]) -> float:
        """A word weighs its rarity in the posting; a word the posting never uses weighs the most."""
        # Related words don't weigh in: a word the posting never uses weighs what it did without them, so
        # they can lift a passage's score, never lower another's.
        known = [
            self._literal_idf[word]
            for word, similarity in matches
            if similarity > SYNONYM_SIMILARITY and not word.startswith(_RELATED)
        ]
        return max(known) if known else self._unknown


def _idf(documents: Sequence[frozenset[str]]) -> dict[str, float]:
    counts: dict[str, int] = {}
    for words in documents:
        for word in words:
            counts[word] = counts.get(word, 0) + 1
    return {word: math.log1p(len(documents) / df) for word, df in counts.items()}


def _similarity(matches: tuple[tuple[str, float], ...], entry: _Entry) -> float:
    best = 0.0
    for word, similarity in matches:
        if similarity > best and word in entry.keys:
            best = similarity
    return best


def _direct(matches: tuple[tuple[str, float], ...]) -> tuple[tuple[str, float], ...]:
    """The matches on words as written (or mistyped), without synonyms and related words."""
    return tuple(m for m in matches if not m[0].startswith((_SYNONYM, _RELATED)))


class _Lexicon:
    """The related-words groups, keyed by their members' words lightly stemmed (plurals, -ing, -ed: the
    matcher's stemmer, since Snowball gives "experiment" and "experience" one stem)."""

    def __init__(self, groups: dict[str, tuple[str, ...]]) -> None:
        table: dict[tuple[str, ...], set[str]] = {}
        for name, members in groups.items():
            for member in members:
                table.setdefault(tuple(map(light_stem, _words(member))), set()).add(_RELATED + name)
        self._table = {phrase: frozenset(names) for phrase, names in table.items()}
        self._longest = max(map(len, self._table), default=0)

    def groups(self, words: Sequence[str]) -> list[frozenset[str]]:
        """Per word, the groups of every member it is part of ("millions of users": each of its words)."""
        keys = [light_stem(word) for word in words]
        found: list[set[str]] = [set() for _ in keys]
        for start in range(len(keys)):
            for end in range(start + 1, min(start + self._longest, len(keys)) + 1):
                names = self._table.get(tuple(keys[start:end]))
                if names:
                    for position in range(start, end):
                        found[position] |= names
        return [frozenset(names) for names in found]


@functools.cache
def _lexicon() -> _Lexicon:
    return _Lexicon(bundled_related_words().groups)


def _counted_thing(text: str) -> str | None:
    """What a (normalised) "how many" question counts: "how many *patients* a day?"."""
    match = _HOW_MANY.search(text)
    if not match or match.group("thing") in _FUNCTION_WORDS or match.group("thing") in _VAGUE_NOUNS:
        return None
    return match.group("thing")


def _words(text: str) -> list[str]:
    return tokens(_SLASHED.sub(r"\1\2", text.lower()))


def _normalised(question: str) -> str:
    """A question as quoting reads it: lower case, its words only, "a/b" as "ab", filler phrases left out."""
    return " ".join(tokens(_FILLER_PHRASES.sub(" ", _SLASHED.sub(r"\1\2", question.lower()))))


def _thing_words(text: str) -> list[str]:
    """The words of the thing a (normalised) question asks about: "is there *free parking*?"."""
    return [
        word
        for pattern in _THING_ASKED
        for match in pattern.finditer(text)
        for word in match.group("thing").split()
        if word not in _FUNCTION_WORDS and word not in _VAGUE_NOUNS
    ]


def literal_words(text: str) -> list[str]:
    """`text`'s words as written, stemmed: how quotes compare words."""
    return [stem(word) for word in _words(text)]
