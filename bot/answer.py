"""The one path from a candidate's question to the bot's reply.

Slack, the terminal chat, `ask` and `eval` all call `answer`, so what `eval` measures is exactly what
candidates get. Nothing here knows about Slack.
"""

from __future__ import annotations

import dataclasses
import functools
import itertools
import re
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any, Literal, get_args

from bot.importer.structure import section_kind
from bot.knowledge.loader import CompiledIntent, Knowledge, PostingKnowledge
from bot.knowledge.schema import MatchSettings, Messages
from bot.knowledge.templates import MissingFact, parse
from bot.matcher import Candidate
from bot.matcher import stem as stem_word
from bot.passages import Quote, literal_words, stem
from bot.text import FUNCTION_WORDS, tokens

# What a reply did with a question: the one definition; the question log adds a recruiter's handoff.
# "quoted": a reply made only of the posting's own sentences.
Outcome = Literal["answered", "quoted", "did_you_mean", "out_of_scope"]
RecordedOutcome = Literal[Outcome, "handed_off"]
RECORDED_OUTCOMES: tuple[RecordedOutcome, ...] = get_args(RecordedOutcome)

AGREEING_QUOTE = 0.5  # a quote this close to the question can confirm a near miss's intent (_agree)
# A quote under a heading that names a miss's intent (_under_its_heading): the miss scores at least this
# share of the threshold, the quote at least HEADING_QUOTE, the heading read as the intent at HEADING_NAMES.
HEADING_LEAN = 0.4
HEADING_QUOTE = 0.4
HEADING_NAMES = 0.5
# A bare quote under a heading naming one of the question's FILED_LEANS best intents answers as that intent.
FILED_LEANS = 2
SAYS_SOMETHING = 2  # topic words that make a clause more than small talk (_asks_something)
# Clauses answering different intents win over the whole message when each scores at least this share of
# the whole's best: "How many years are required, and how should I apply?" reads 0.59 as experience whole,
# 0.70 and 0.56 as two questions.
CLAUSES_OVER_WHOLE = 0.9
PHRASE_REACH = 4  # words each side of a joining word that may make a phrase with it (_in_a_phrase)
STORY_SENTENCES = 3  # a message this many sentences long tells a story around its question (_clauses)
LIST_ITEMS = 4  # an answer with this many list lines is long: a quote that answers precisely leads it
_LIST_LINE = re.compile(r"^\s*(?:[•*-]|\d+[.)])\s", re.MULTILINE)

# Where one message holds several questions: sentence ends, semicolons, and joining words (or a lone "+",
# "&" or "n"; Spanish "y", "también", "además") that start a new clause ("plus" is not one: "is it a
# plus if…"). A split is only kept when its pieces answer different intents confidently.
_SPLIT = re.compile(
    r"[?!;\n]+|\.\s+|,?\s+(?:\b(?:and|n|also|as well as|y|tambien|también|ademas|además)\b|[+&])\s+"
    r"|,\s+(?=\w+\s+\w+)",
    re.IGNORECASE,
)


_SENTENCE = re.compile(r"(?<=[.!?])\s+")
_JOINING = re.compile(  # in a cut of _SPLIT
    r"\b(?:and|n|also|as well as|y|tambien|también|ademas|además)\b|[+&]", re.IGNORECASE
)
_ASKING = (
    r"what\w*|how\w*|when|where|which|who|whom|whose|why|is|are|am|was|were|do|does|did|can|could|will"
    r"|would|should|shall|may|might|must|have|has|any|tell|please"
)
_ASKS = re.compile(rf"^(?:{_ASKING})\b", re.IGNORECASE)
_QUESTION_OPENING = re.compile(rf"^(?:{_ASKING}|i|i'm|im)\b", re.IGNORECASE)
# A statement about the asker ("I've been freelancing…", "My partner…", "We're expecting…") that ends in a
# full stop; unless it is a request in a statement's clothes ("I'd like to know…", "I'd be grateful…").
# The same in Spanish ("Tengo 8 años de cocinero.", "Vivo en Houston.", "Quisiera saber…").
_CONTEXT = re.compile(
    r"^(?:i|i'm|im|i've|ive|i'd|i'll|my|we|we're|we've|our|at my|currently|right now"
    r"|tengo|trabaj[eé]|trabajo|he trabajado|llevo|soy|vivo|estoy|estudi[eé]|termin[eé]|mi|mis|actualmente"
    r")\b[^?]*[.!]$",
    re.IGNORECASE,
)
_REQUEST = re.compile(
    r"\b(?:know|wonder(?:ing)?|curious|grateful|appreciate|please|let me|tell me|could you|can you|would you"
    r"|interested in|ask(?:ing)?|confirm|advise|understand"
    r"|saber|me podr[ií]as? decir|podr[ií]as? decirme|me puedes? decir|d[ií]game|dime|por favor)\b",
    re.IGNORECASE,
)


# A statement: a sentence ending in a full stop. After a question, or in a story around one, it is context
# (_clauses): "I like to know who I'd work with. Team culture matters a lot to me. Which group would I
# join?" asks one thing.
_STATEMENT = re.compile(r"^[^?]*[.!]$")

# "Is X hiring?", "X hiring?": a name (up to four words) said to be hiring, not "the hiring process" nor
# "Dear Hiring Team"; "what X pays", "X is paying", "X salaries", "does X pay more?": a one-word name said
# to pay.
_OTHER_EMPLOYER = re.compile(
    r"\b(?:is|are) (?P<name>(?:\w+ ){0,3}?\w+) (?:also |still |currently )?hiring\b"
    r"|^(?P<bare>\w+(?: \w+)?) hiring(?: (?:now|rn|right now|still|too))?$"
    r"|\b(?P<payer>\w+) (?:(?:is|are) )?(?:pays|paying|salaries)\b"
    r"|\bdoes (?P<asked>\w+) pay\b"
    # "the salary of the CEO of Google", "pay for engineers at Meta": one word at the end names the payer.
    r"|\b(?:salary|salaries|pay|wage|wages|compensation|comp) (?:of|for) (?:\w+ ){1,3}?(?:at|of) (?P<of>\w+)$"
)
# Words for where one works, which name no employer of their own: "is your clinic hiring?".
_WORKPLACES_TEXT = """
    company firm business employer team group office offices store shop restaurant kitchen clinic practice
    hospital ward warehouse site location branch department place anyone anybody someone somebody everyone
    else still also currently now right job role position gig
"""
_WORKPLACES = frozenset(_WORKPLACES_TEXT.split())
# Saying that one would like to know, before asking it: the words of the asking, not of the question.
_FRAMING = re.compile(
    r"^(?:i(?: would|['\u2019]d| should)"
    r" (?:be (?:most |very |really |so )?(?:grateful|interested|keen|glad|happy) to"
    r"|(?:really )?(?:like|love) to)"
    r"|i (?:want|wanted|wish|hope|was hoping) to|i(?: am|['\u2019]m) (?:writing|hoping|trying) to)"
    r" (?:know|learn|understand|hear|ask|enquire|inquire|confirm|clarify|find out|check)\b"
    r"(?: about\b)?[\s,:]*",
    re.IGNORECASE,
)

# A condition before the question it qualifies ("if I move to another state later, can I keep working
# remotely?") asks nothing itself.
_CONDITION = re.compile(
    r"^(?:if|once|since|because|unless|although|though|assuming|provided|even if|in case|as long as"
    r"|before|after|when(?!\s+(?:do|does|did|is|are|was|were|will|would|can|could|should|shall|may|might)\b)"
    r"|whenever|while|until|having|given)\b",
    re.IGNORECASE,
)
# A clause that only says what the message is about ("for this post, …", "as an intern, …") asks nothing.
_SETTING = re.compile(
    r"^(?:for|in|as|at|on|about|regarding|concerning|with)\s+(?:(?:this|the|that|your|an?)\s+)?\w+$",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Part:
    """One answered intent within a reply."""

    intent: str
    label: str
    text: str
    confidence: float
    example: str  # the knowledge example that matched best
    missing: bool  # the posting doesn't state what was asked
    handoff: bool = False  # a recruiter should follow up: the posting is silent, or a person was asked for
    # A long list answer led by the posting sentences that answer the question precisely: `text` is those
    # quotes and a pointer to the rest, `full` the whole prepared answer.
    lead: list[Quote] = field(default_factory=list)
    full: str | None = None


@dataclass(frozen=True)
class Suggestion:
    intent: str
    label: str
    score: float


@dataclass(frozen=True)
class Reply:
    question: str
    posting: str
    outcome: Outcome
    text: str
    confidence: float
    parts: list[Part] = field(default_factory=list)
    candidates: list[Candidate] = field(default_factory=list)
    suggestions: list[Suggestion] = field(default_factory=list)
    handoff: bool = False  # a recruiter should follow up (asked for one, or the posting is silent)
    # How to reach a recruiter, when the posting is silent. It ends `text`; Slack alerts recruiters
    # instead and says so, so it renders `parts` without this.
    offer: str | None = None
    quotes: list[Quote] = field(default_factory=list)  # the posting sentences the reply quotes

    @property
    def intents(self) -> list[str]:
        return [part.intent for part in self.parts]

    def to_json(self) -> dict[str, Any]:
        """The `ask --json` contract: question, posting, intents, confidence, text, candidates, and more."""
        return {
            "question": self.question,
            "posting": self.posting,
            "intents": self.intents,
            "confidence": self.confidence,
            "text": self.text,
            "candidates": [asdict(c) for c in self.candidates],
            "outcome": self.outcome,
            "suggestions": [asdict(s) for s in self.suggestions],
            "handoff": self.handoff,
            "parts": [asdict(p) for p in self.parts],
            "quotes": [{"text": q.text, "line": q.line, "heading": q.heading} for q in self.quotes],
        }


@dataclass(frozen=True)
class _Decision:
    outcome: Outcome
    ranking: list[Candidate]

    @property
    def top(self) -> Candidate:
        return self.ranking[0]


def answer(knowledge: Knowledge, question: str, posting_id: str | None = None) -> Reply:
    """Answer `question` about a posting (the only one when `posting_id` is None).

    Raises ValueError for an empty question and KeyError for an unknown posting.
    """
    text = question.strip()
    if not text:
        raise ValueError("the question is empty")
    posting = knowledge.posting(posting_id)
    text = text[: knowledge.settings.max_question_chars]
    whole = _decide(knowledge, posting, text)
    if _about_another_employer(posting, text):
        return _out_of_scope(knowledge, question, posting, whole)
    by_clause = _answered_by_clauses(knowledge, posting, text, whole)
    if by_clause:
        parts = [_render(knowledge, posting, c) for c in by_clause]
        return _answered(knowledge, question, posting, parts, whole.ranking)
    if whole.outcome == "answered":
        part = _precise(knowledge.settings, posting, text, _render(knowledge, posting, whole.top))
        part = _unmentioned(knowledge, posting, text, part)
        return _answered(knowledge, question, posting, [part], whole.ranking)
    # No prepared answer fits: the posting's own words may.
    quotes = _find_quotes(posting, text)
    if quotes and _agree(knowledge.settings, posting, whole, quotes):
        part = _precise(knowledge.settings, posting, text, _render(knowledge, posting, whole.top))
        return _answered(knowledge, question, posting, [part], whole.ranking)
    under = _under_its_heading(knowledge.settings, posting, whole, quotes)
    if under:
        part = _led(_render(knowledge, posting, whole.top), under)
        return _answered(knowledge, question, posting, [part], whole.ranking)
    filed = _filed_under(knowledge.settings, posting, whole, quotes)
    if filed is not None:
        part = _led(_render(knowledge, posting, filed), quotes)
        return _answered(knowledge, question, posting, [part], whole.ranking)
    if quotes:
        return _quoted(question, posting, quotes, whole.ranking)
    if whole.outcome == "did_you_mean":
        return _did_you_mean(knowledge, question, posting, whole.ranking)
    close = _ask_back(knowledge, posting, text, whole.ranking)
    if close:
        return _did_you_mean(knowledge, question, posting, whole.ranking, close)
    return _out_of_scope(knowledge, question, posting, whole)


def _out_of_scope(knowledge: Knowledge, question: str, posting: PostingKnowledge, whole: _Decision) -> Reply:
    return Reply(
        question=question,
        posting=posting.posting.id,
        outcome="out_of_scope",
        text=_message(knowledge, posting, "out_of_scope"),
        confidence=whole.top.score,
        candidates=whole.ranking,
    )


def _about_another_employer(posting: PostingKnowledge, text: str) -> bool:
    """ "Is Aspen Dental hiring?", "what does Google pay?": whether another employer hires, or what it pays,
    is nothing the posting says, whatever words of it the question shares ("dental" is a benefit). Another
    employer is a name with a word the posting never uses; "are you hiring?", "is your clinic hiring?", "is
    the Eastgate office hiring?" and "does Pinterest pay relocation?" name none."""
    found = (
        next(name for name in m.groups() if name) for m in _OTHER_EMPLOYER.finditer(" ".join(tokens(text)))
    )
    # A name is words of naming only, once "the" or "what" before it is left out: "is the team assigned
    # after the hiring" names nothing.
    names = [list(itertools.dropwhile(FUNCTION_WORDS.__contains__, n.split())) for n in found]
    names = [n for n in names if n and not any(word in FUNCTION_WORDS for word in n)]
    if not names:
        return False
    p = posting.posting
    known = {*tokens(" ".join([posting.text or "", p.title, p.company, *p.aliases])), *FUNCTION_WORDS}
    # A word the knowledge reads as another ("overtime" is pay) is no name either.
    return any(
        word not in known and word not in _WORKPLACES and posting.matcher.features(word) == [stem_word(word)]
        for name in names
        for word in name
    )


def _answered_by_clauses(
    knowledge: Knowledge, posting: PostingKnowledge, text: str, whole: _Decision
) -> list[Candidate]:
    """The intents a message's clauses answer, when they rather than the whole message are answered.

    The clauses win when each is nearly as good a match as the whole message (a real second question), or
    when the whole isn't answered at all ("thanks! one more thing, is relocation covered?": the small talk
    drags the whole below the threshold, while the question in it stands on its own). A single question
    that merely contains "and" or a comma matches best whole. One clause alone answers for a message only
    when it is a question: not the tail of one cut at "and" ("must I wear a suit | and tie in the
    office?"), nor a greeting beside a question the bot can't answer ("hey! is there a dress code?").
    """
    clauses = _clauses(text, posting.matcher.features)
    pieces = [_decide(knowledge, posting, clause.text) for clause in clauses]
    answered = _distinct([d.top for d in pieces if d.outcome == "answered"], posting)
    if all(posting.intents[c.intent].smalltalk for c in answered) and any(
        d.outcome != "answered" and _asks_something(clause.text)
        for d, clause in zip(pieces, clauses, strict=True)
    ):
        # "Good evening. I sing in a choir on Sundays; what are the weekend expectations?" asks something the
        # bot couldn't place: a greeting back would pass over it. The whole message goes on to the quotes.
        answered = []
    if len(answered) >= 2 and min(c.score for c in answered) >= CLAUSES_OVER_WHOLE * whole.top.score:
        return answered
    if whole.outcome == "answered":
        return []
    if len(answered) != 1:
        return answered
    asks = "?" in text  # then small talk is an aside, not what the message asks
    questions = {
        d.top.intent
        for d, clause in zip(pieces, clauses, strict=True)
        if d.outcome == "answered"
        and not clause.tail
        and not (asks and posting.intents[d.top.intent].smalltalk)
    }
    return answered if answered[0].intent in questions else []


def _find_quotes(posting: PostingKnowledge, text: str) -> list[Quote]:
    """The posting sentences that answer the message, or failing that its questions alone: a story told
    before the question ("I left school early, though I earned my GED later. I'd be grateful to know
    whether a diploma is required.") has words no sentence of the posting shares."""
    if posting.passages is None:
        return []
    quotes = posting.passages.find(text)
    if quotes:
        return quotes
    sentences = _SENTENCE.split(text.strip())
    asked = [s for s in sentences if _is_asking(s)]
    if not asked or len(asked) == len(sentences):
        return []
    return posting.passages.find(" ".join(asked))


def _asks_something(clause: str) -> bool:
    """A question or a request with two or more topic words: more than small talk ("thanks, that's all"
    and "hope you're having a good day, I just opened this chat" are not)."""
    return _is_asking(clause) and sum(word not in FUNCTION_WORDS for word in tokens(clause)) >= SAYS_SOMETHING


def _is_asking(text: str) -> bool:
    """A question or a request: ends in "?", opens as a question does, or asks in a statement's clothes."""
    return bool(text.rstrip().endswith("?") or _ASKS.match(text) or _REQUEST.search(text))


def render_intent(knowledge: Knowledge, posting_id: str | None, intent_id: str) -> Part:
    """The prepared answer for one intent, as when a candidate picks it from 'did you mean'."""
    posting = knowledge.posting(posting_id)
    if intent_id not in posting.intents:
        raise KeyError(f"unknown intent '{intent_id}'")
    return _render(knowledge, posting, Candidate(intent_id, 1.0, ""))


def _decide(knowledge: Knowledge, posting: PostingKnowledge, text: str) -> _Decision:
    ranking = posting.matcher.rank(_FRAMING.sub("", text.strip(), count=1) or text)
    settings = knowledge.settings
    top, runner_up = ranking[0], ranking[1] if len(ranking) > 1 else Candidate("", 0.0, "")
    # Small talk never gets the relief: "translate hello into french" leads with greeting on one word.
    clear_lead = not posting.intents[top.intent].smalltalk and top.score >= settings.lead * runner_up.score
    floor = settings.threshold * (settings.lead_threshold if clear_lead else 1.0)
    if top.score < floor or top.score == 0:
        return _Decision("out_of_scope", ranking)
    if top.score - runner_up.score < settings.margin:
        return _Decision("did_you_mean", ranking)
    return _Decision("answered", ranking)


def _ask_back(
    knowledge: Knowledge, posting: PostingKnowledge, text: str, ranking: list[Candidate]
) -> list[Candidate]:
    """Just under the threshold with one or two intents that close: worth asking which was meant. Three or
    more that close is a vague question, and small talk is never offered."""
    settings = knowledge.settings
    floor = settings.ask_back * settings.threshold
    close = [c for c in ranking[:3] if c.score >= floor and c.score > 0]
    if not 1 <= len(close) <= 2 or settings.ask_back >= 1:
        return []
    # An intent is plausible when its nearest example shares a topic word with the question: a match made
    # of "what's the" or of the role's name ("what's the weather?" ~ "what's the role") is not.
    topic = _topic_features(posting, text)
    return [
        c
        for c in close
        if not posting.intents[c.intent].smalltalk and topic & set(posting.matcher.features(c.example))
    ]


def _topic_features(posting: PostingKnowledge, text: str) -> set[str]:
    p = posting.posting
    names = " ".join([p.title, p.company, *p.aliases])
    common = {*FUNCTION_WORDS, *tokens(names)}
    return set(posting.matcher.features(" ".join(w for w in tokens(text) if w not in common)))


def _precise(settings: MatchSettings, posting: PostingKnowledge, question: str, part: Part) -> Part:
    """A long list answer led by the posting sentences that answer the question, the list one click or
    one line away: "will I work with designers?" wants one sentence, not six responsibilities. And an
    answer whose fact the posting's facts lack gives way to the posting's own words when they answer it:
    "do I need warehouse experience?" gets "No experience required", not "the posting doesn't say"."""
    if posting.passages is None or not (part.missing or len(_LIST_LINE.findall(part.text)) >= LIST_ITEMS):
        return part
    # A sentence the matcher reads, nearly surely, as about another intent doesn't stand in for this one's
    # answer: "where is the job located?" is not answered by "the final salary depends on … location".
    floor = settings.threshold * settings.lead_threshold
    quotes = [
        q for q in posting.passages.find(question) if not _about_another(posting, q, part.intent, floor)
    ]
    return _led(part, quotes) if quotes else part


def _led(part: Part, quotes: list[Quote]) -> Part:
    """`part` led by `quotes`, the posting sentences that answer the question precisely, the prepared answer
    one line (in Slack, one click) away; a part whose fact the posting's facts lack is the quotes alone."""
    if part.missing:
        return dataclasses.replace(part, text=quoted_text(quotes), lead=quotes, missing=False, handoff=False)
    whole = "the whole list" if len(_LIST_LINE.findall(part.text)) >= LIST_ITEMS else "the whole answer"
    text = f"{quoted_text(quotes)}\n(Ask for “{part.label.lower()}” to see {whole}.)"
    return dataclasses.replace(part, text=text, lead=quotes, full=part.text)


def _agree(settings: MatchSettings, posting: PostingKnowledge, whole: _Decision, quotes: list[Quote]) -> bool:
    """A near miss whose intent the sentence that answers the question is about, as the matcher reads it
    or its heading: two readings agree, so the prepared answer is meant ("will relocation be given for this
    opening?" is just under the threshold for relocation, and the sentence it would quote is about
    relocation too; "what station would I be on?" quotes a line under "Responsibilities")."""
    top = whole.top
    if whole.outcome == "answered" or top.score < settings.ask_back * settings.threshold:
        return False
    if posting.intents[top.intent].smalltalk:
        return False
    close = [q for q in quotes if q.score >= AGREEING_QUOTE]
    if any(posting.matcher.rank(q.text, limit=1)[0].intent == top.intent for q in close):
        return True
    # A heading's reading is kept by the posting: two quotes often sit under one heading.
    return any(posting.heading_reading(q.heading)[0].intent == top.intent for q in close if q.heading)


def _under_its_heading(
    settings: MatchSettings, posting: PostingKnowledge, whole: _Decision, quotes: list[Quote]
) -> list[Quote]:
    """The quotes under a heading that plainly names a miss's best intent ("Pay" for salary, "What you need"
    for the requirements): the question leans to the intent and the posting files its answer there, so the
    sentence answers it and the prepared answer is meant ("do u get ot past 40 hrs" is far under the
    threshold for salary, and quotes "Overtime at 1.5x over 40 hours." under "Pay"). Further under the
    threshold than `_agree` allows, so only a heading counts, never a sentence's own words."""
    top = whole.top
    if whole.outcome == "answered" or top.score < HEADING_LEAN * settings.threshold:
        return []
    if posting.intents[top.intent].smalltalk:
        return []
    return [
        q
        for q in quotes
        if q.heading and q.score >= HEADING_QUOTE and _names(settings, posting, q.heading, top.intent)
    ]


def _filed_under(
    settings: MatchSettings, posting: PostingKnowledge, whole: _Decision, quotes: list[Quote]
) -> Candidate | None:
    """The intent every quote's heading plainly names, when the question leans to it (one of its two best
    intents): the posting files the answer there, so its prepared answer is meant, led by the quotes ("is
    testing part of the job?" quotes a line under "Responsibilities", and nearly matches that intent).
    None when the quotes sit under no heading, under headings naming different intents, or one the
    question doesn't lean to."""
    if not quotes or not all(q.heading for q in quotes):
        return None
    named = {posting.heading_reading(q.heading)[0].intent for q in quotes}
    if len(named) != 1:
        return None
    intent = named.pop()
    leaning = {c.intent: c for c in whole.ranking[:FILED_LEANS]}
    if intent not in leaning or posting.intents[intent].smalltalk:
        return None
    if not all(_names(settings, posting, q.heading, intent) for q in quotes):
        return None
    return leaning[intent]


def _names(settings: MatchSettings, posting: PostingKnowledge, heading: str, intent: str) -> bool:
    """Whether `heading` names `intent`: read as it, plainly; or its kind of section (the importer's: "What
    you need" is a qualifications section) read as it, clearly ahead of any other."""
    best = posting.heading_reading(heading)[0]
    if best.intent == intent and best.score >= HEADING_NAMES:
        return True
    kind = section_kind(heading)
    if not kind:
        return False
    first, *others = posting.heading_reading(kind)
    return first.intent == intent and first.score >= settings.lead * max((c.score for c in others), default=0)


def _about_another(posting: PostingKnowledge, quote: Quote, intent: str, floor: float) -> bool:
    top = posting.matcher.rank(quote.text, limit=1)[0]
    return top.intent != intent and top.score >= floor


def _unmentioned(knowledge: Knowledge, posting: PostingKnowledge, question: str, part: Part) -> Part:
    """An answer that doesn't say what was asked says so first: "is there parking?" gets "The posting
    doesn't mention parking." before the benefits it does list, and the recruiter's offer.

    Only for one kind of the intent's topic, as the knowledge's synonyms say (parking is read as
    "benefits", a bonus as "salary"), that the posting's text and the answer never name, and that the
    intent's own examples don't ask about (those are what the answer is for: "is there a 401k match?" and
    "any perks?" are answered by the benefits, whatever they hold). A word the knowledge doesn't know (a
    typo, "headcount") or a short form of the topic's name ("exp") is never said to be missing."""
    if part.missing or part.lead or posting.passages is None:
        return part
    thing = posting.passages.unmentioned(question)
    topic = posting.matcher.features(part.intent)
    if not thing or not topic:
        return part
    # A kind of the topic ("parking" for benefits), not a short form of its name ("exp" for experience).
    kinds = [w for w in thing if posting.matcher.features(w) == topic and not topic[0].startswith(w[:3])]
    if not kinds:
        return part
    named = set(literal_words(part.text)) | _example_words(posting.intents[part.intent].examples)
    if any(stem(word) in named for word in thing):
        return part
    said = knowledge.messages["unmentioned"].render({**posting.facts, "thing": " ".join(thing)})
    return dataclasses.replace(part, text=f"{said} {part.text}", missing=True, handoff=True)


@functools.lru_cache(maxsize=256)
def _example_words(examples: tuple[str, ...]) -> frozenset[str]:
    return frozenset(word for example in examples for word in literal_words(example))


def quoted_text(quotes: list[Quote]) -> str:
    """Quotes marked as the posting's words, each with the heading it sits under."""
    return "\n".join(f"{quote_intro(q)} “{q.text}”" for q in quotes)


def quote_intro(quote: Quote) -> str:
    """What comes before a quote: whose words they are, and where in the posting."""
    return f"From the posting{f' ({quote.heading})' if quote.heading else ''}:"


def _quoted(question: str, posting: PostingKnowledge, quotes: list[Quote], ranking: list[Candidate]) -> Reply:
    return Reply(
        question=question,
        posting=posting.posting.id,
        outcome="quoted",
        text=quoted_text(quotes),
        confidence=min(q.score for q in quotes),
        candidates=ranking,
        quotes=quotes,
    )


@dataclass(frozen=True)
class _Clause:
    text: str
    tail: bool  # cut off after a joining word, and not opening as a question does ("and tie in the office")


def _in_a_phrase(sentence: str, cut: re.Match[str], features: Callable[[str], list[str]]) -> bool:
    """Whether the joining word at `cut` is inside a phrase the knowledge reads as one thing ("time and a
    half", "roles and responsibilities", a team named "Core and Monetization"): the matcher's reading of
    the words around it has fewer of that word than the text."""
    joiner = tokens(cut.group())
    # What the joining word reads as alone: itself, or a one-word synonym's word ("y" is also "why").
    alone = features(joiner[0]) if joiner else []
    if not alone:
        return False
    words = [
        *tokens(sentence[: cut.start()])[-PHRASE_REACH:],
        *joiner,
        *tokens(sentence[cut.end() :])[:PHRASE_REACH],
    ]
    return features(" ".join(words)).count(alone[0]) < words.count(joiner[0])


def _clauses(text: str, features: Callable[[str], list[str]]) -> list[_Clause]:
    sentences = _SENTENCE.split(text.strip())
    asked = sentences
    asking = [i for i, s in enumerate(sentences) if s.rstrip().endswith("?") or _REQUEST.search(s)]
    if asking:
        # Beside a question or a request, a sentence about oneself is context, not a second question: "I
        # just bought a house, so I can't take a step back financially. What's the base salary?" asks one
        # thing. So is any statement after the question, or in a story of three sentences or more; a
        # statement just before a short question may be what it is about ("The range is very wide. What
        # decides where I land?").
        story = len(sentences) >= STORY_SENTENCES
        asked = [
            s
            for i, s in enumerate(sentences)
            if not _context(s, story or i > asking[0]) or _REQUEST.search(s)
        ]
    clauses: list[_Clause] = []
    set_aside = len(asked) < len(sentences)
    for sentence in asked:
        start, joined = 0, False
        for cut in [*_SPLIT.finditer(sentence), None]:
            if cut is not None and _in_a_phrase(sentence, cut, features):
                continue
            piece = sentence[start : cut.start() if cut else len(sentence)].strip(" ,.")
            if cut is not None and cut.group().strip() == "," and _CONDITION.match(piece):
                set_aside = True
            elif piece and not _SETTING.match(piece):
                clauses.append(_Clause(piece, tail=joined and not _QUESTION_OPENING.match(piece)))
            if cut is not None:
                start, joined = cut.end(), bool(_JOINING.search(cut.group()))
    # One clause is the whole message again, unless the context or a condition around it was set aside.
    return clauses if len(clauses) > 1 or set_aside else []


def _context(sentence: str, any_statement: bool) -> bool:
    """A sentence that tells rather than asks: about the asker, or (`any_statement`) any statement."""
    return bool(_CONTEXT.match(sentence) or (any_statement and _STATEMENT.match(sentence)))


def _distinct(candidates: list[Candidate], posting: PostingKnowledge) -> list[Candidate]:
    """Each intent once, in the order asked; greetings and thanks go when a real question comes too."""
    first: dict[str, Candidate] = {}
    for c in candidates:
        first.setdefault(c.intent, c)
    unique = list(first.values())
    substantive = [c for c in unique if not posting.intents[c.intent].smalltalk]
    return substantive or unique


def _render(knowledge: Knowledge, posting: PostingKnowledge, candidate: Candidate) -> Part:
    intent: CompiledIntent = posting.intents[candidate.intent]
    try:
        text, missing = intent.answer.render(posting.facts), False
    except MissingFact:
        text, missing = _missing_text(knowledge, posting, intent), True
    handoff = missing or intent.handoff
    return Part(intent.id, intent.label, text, candidate.score, candidate.example, missing, handoff)


def _missing_text(knowledge: Knowledge, posting: PostingKnowledge, intent: CompiledIntent) -> str:
    if intent.missing is not None:
        try:
            return intent.missing.render(posting.facts)
        except MissingFact:
            pass
    return knowledge.messages["missing"].render({**posting.facts, "topic": intent.topic})


def _answered(
    knowledge: Knowledge,
    question: str,
    posting: PostingKnowledge,
    parts: list[Part],
    ranking: list[Candidate],
) -> Reply:
    handoff = any(p.handoff for p in parts)
    offer = _message(knowledge, posting, "offer") if any(p.missing for p in parts) else None
    quotes = [q for p in parts for q in p.lead]
    return Reply(
        question=question,
        posting=posting.posting.id,
        outcome="answered",
        text="\n\n".join([*(p.text for p in parts), *([offer] if offer else [])]),
        confidence=min(p.confidence for p in parts),
        parts=parts,
        candidates=ranking,
        handoff=handoff,
        offer=offer,
        quotes=quotes,
    )


def _did_you_mean(
    knowledge: Knowledge,
    question: str,
    posting: PostingKnowledge,
    ranking: list[Candidate],
    close: list[Candidate] | None = None,
) -> Reply:
    """'Did you mean' with the intents close to the top (`close`, when the caller has chosen them)."""
    if close is None:
        floor = ranking[0].score - 2 * knowledge.settings.margin
        close = [c for c in ranking[:3] if c.score >= floor]
    suggestions = [Suggestion(c.intent, posting.intents[c.intent].label, c.score) for c in close]
    lines = [_message(knowledge, posting, "did_you_mean"), *(f"• {s.label}" for s in suggestions)]
    return Reply(
        question=question,
        posting=posting.posting.id,
        outcome="did_you_mean",
        text="\n".join(lines),
        confidence=ranking[0].score,
        candidates=ranking,
        suggestions=suggestions,
    )


def _message(knowledge: Knowledge, posting: PostingKnowledge, name: str) -> str:
    try:
        return knowledge.messages[name].render(posting.facts)
    except MissingFact:
        # A recruiter's message naming a fact this posting lacks: the built-in wording needs only the title
        # and company, which every posting has.
        return parse(str(Messages.model_fields[name].default)).render(posting.facts)
