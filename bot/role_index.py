"""Finding the role a question names among thousands of postings, in the words candidates use.

Every posting is described by the words of its title and aliases, its company, its offices and its
seniority. Words are compared by a light key (stemmed; "nursing" and "nurse" meet, "swe" is "software
engineer", "sr" is "senior"), and a question word no posting uses is matched to its nearest known key when
it looks like a typo. Two ways a question names a role:

- its whole name: a stretch of the question reads as a posting's title or alias (or its company, when it
  is the only posting there), fuzzily;
- part of it, with a word saying a role is meant ("the backend role", "the SWE intern position", "nursing
  job in Dayton").

Either way postings are then ranked by the rarity-weighted words they share with the question (title,
company, city, seniority): one posting when it stands clearly ahead, else the few closest to ask about.
Looking up a question costs the postings sharing a word with it, found through an inverted index.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from bot.knowledge.schema import Posting
from bot.matcher import stem

NAME_CUTOFF = 88  # rapidfuzz ratio (0-100) for a stretch of the question to count as naming a role
TYPO_CUTOFF = 80  # for a question word to count as a typo of a word postings use
MIN_TYPO_LEN = 4
CLEAR_LEAD = 0.5  # rarity weight by which the best posting must lead the next to be chosen outright
MAX_CHOICES = 5  # postings offered under "which role?"

# Words saying the question is about a particular posting, not just using a word of a title.
ROLE_NOUNS = frozenset(
    [
        "role",
        "roles",
        "job",
        "jobs",
        "position",
        "positions",
        "opening",
        "openings",
        "posting",
        "postings",
        "vacancy",
        "opportunity",
        "gig",
        "req",
        "listing",
        "internship",
    ]
)
# Words too common to tell postings apart, even when a title or a city happens to contain one.
STOP = frozenset(
    [
        "a",
        "an",
        "the",
        "and",
        "or",
        "of",
        "for",
        "in",
        "at",
        "on",
        "to",
        "with",
        "is",
        "are",
        "be",
        "do",
        "does",
        "i",
        "me",
        "my",
        "you",
        "your",
        "we",
        "our",
        "it",
        "its",
        "this",
        "that",
        "what",
        "which",
        "who",
        "how",
        "about",
        "any",
        "there",
        "here",
        "as",
    ]
)
# How candidates abbreviate or inflect role words, to the words titles use.
SHORTHAND: Mapping[str, str] = {
    "swe": "software engineer",
    "sde": "software engineer",
    "sre": "site reliability engineer",
    "mle": "machine learning engineer",
    "ml": "machine learning",
    "pm": "product manager",
    "em": "engineering manager",
    "rn": "registered nurse",
    "lpn": "licensed practical nurse",
    "cna": "certified nursing assistant",
    "np": "nurse practitioner",
    "pa": "physician assistant",
    "pt": "physical therapist",
    "ot": "occupational therapist",
    "rt": "respiratory therapist",
    "sdr": "sales development representative",
    "ae": "account executive",
    "csm": "customer success manager",
    "ea": "executive assistant",
    "ta": "teaching assistant",
    "sr": "senior",
    "snr": "senior",
    "jr": "junior",
    "mgr": "manager",
    "eng": "engineer",
    "dev": "engineer",
    "developer": "engineer",
    "programmer": "engineer",
    "back end": "backend",
    "front end": "frontend",
    "fullstack": "full stack",
    "nursing": "nurse",
    "teaching": "teacher",
    "accounting": "accountant",
    "internship": "intern",
    "new grad": "new grad",
}
_LONGEST = max(len(phrase.split()) for phrase in SHORTHAND)


_WORD = re.compile(r"[^\W_]+")


def words(text: str) -> list[str]:
    """Lowercase words: titles and questions alike (cheap: thousands of titles are read at each load)."""
    return _WORD.findall(text.lower())


def keys(text: str) -> list[str]:
    """The words of `text` as the index compares them: shorthand expanded, stemmed."""
    words_ = words(text)
    out: list[str] = []
    i = 0
    while i < len(words_):
        for length in range(min(_LONGEST, len(words_) - i), 0, -1):
            expanded = SHORTHAND.get(" ".join(words_[i : i + length]))
            if expanded is not None:
                out.extend(expanded.split())
                i += length
                break
        else:
            out.append(words_[i])
            i += 1
    return [_key(word) for word in out]


def _key(word: str) -> str:
    key = stem(word)
    return key[:-1] if len(key) > 4 and key.endswith("e") else key


# Keys that never tell one posting from another: function words, and the words saying that a role is meant
# ("the data engineering role" names data engineering, not "role"). "internship" stays: it reads "intern".
_IGNORED = frozenset(_key(word) for word in (STOP | ROLE_NOUNS) - {"internship"})


@dataclass(frozen=True)
class Description:
    """What a posting is called, as the index compares it; worked out once per version of the posting."""

    keys: frozenset[str]  # title, aliases, company, offices, seniority
    title_keys: frozenset[str]  # title and aliases
    title_size: int  # keys in the title itself
    names: tuple[str, ...]  # title and aliases, as words joined by spaces
    company: str


def describe(posting: Posting) -> Description:
    role_names = [posting.title, *posting.aliases]
    title = {k for name in role_names for k in keys(name)} - _IGNORED
    offices = (posting.location.offices or []) if posting.location else []
    place = {k for office in offices for k in keys(office)}
    level = posting.level.seniority if posting.level and posting.level.seniority else ""
    every = title | place | set(keys(posting.company)) | set(keys(level))
    return Description(
        keys=frozenset(every - _IGNORED),
        title_keys=frozenset(title),
        title_size=len(set(keys(posting.title)) - _IGNORED),
        names=tuple(" ".join(words(name)) for name in role_names),
        company=" ".join(words(posting.company)),
    )


@dataclass(frozen=True)
class Found:
    """Postings a question names: `posting` when one stands out, else the closest few (best first)."""

    posting: str | None
    closest: tuple[str, ...] = ()


class RoleIndex:
    """Built once per knowledge version from each posting's `Description`; `find` is thread-safe."""

    def __init__(self, descriptions: Mapping[str, Description]) -> None:
        self.ids = list(descriptions)
        self._descriptions = list(descriptions.values())
        names: list[tuple[int, str]] = []  # (posting, a whole name)
        company_postings: dict[str, list[int]] = {}
        for i, description in enumerate(self._descriptions):
            names.extend((i, name) for name in description.names)
            company_postings.setdefault(description.company, []).append(i)
        names.extend((ids[0], company) for company, ids in company_postings.items() if len(ids) == 1)
        self._names = [(i, name) for i, name in names if name]
        self._name_keys = [frozenset(keys(name)) - _IGNORED for _, name in self._names]

        self._postings_of = _inverted(d.keys for d in self._descriptions)
        self._names_of = _inverted(self._name_keys)
        count = max(len(self.ids), 1)
        self._idf = {key: math.log1p(count / len(rows)) for key, rows in self._postings_of.items()}
        self._vocabulary = sorted(self._postings_of)
        self._typos: dict[str, str | None] = {}

    def find(self, question: str) -> Found:
        """The posting `question` names, the few it might mean, or nothing."""
        said = words(question)
        if not said or not self.ids:
            return Found(None)
        asked = {
            known for k in keys(question) if k not in _IGNORED and (known := self._resolve(k)) is not None
        }
        named = self._whole_names(said, asked)
        if not named and not any(word in ROLE_NOUNS for word in said):
            return Found(None)
        ranked = self._rank(asked, first=set(named))
        if not ranked:
            # Named by its company alone ("the pay at Example Data Co."): no title word to rank by.
            return Found(self.ids[named[0]] if len(named) == 1 else None, tuple(self.ids[i] for i in named))
        (best, top), runner_up = ranked[0], (ranked[1][1] if len(ranked) > 1 else 0.0)
        if top - runner_up >= CLEAR_LEAD:
            return Found(self.ids[best])
        # Close calls are asked about, even when one title was said word for word: "the principal full
        # stack engineer opening" fits "Principal Full Stack Engineer, Ads" just as well.
        close = [self.ids[i] for i, value in ranked[:MAX_CHOICES] if value > top - CLEAR_LEAD]
        return Found(None, tuple(close))

    # ---- the two ways of naming ----------------------------------------------------------------------

    def _whole_names(self, said: list[str], asked: set[str]) -> list[int]:
        """Postings whose whole name the question reads as; the longest such name wins, ties stay ties."""
        hits: dict[int, int] = {}
        for key in asked:
            for name in self._names_of.get(key, ()):
                hits[name] = hits.get(name, 0) + 1
        best: dict[int, tuple[float, int]] = {}
        for name, count in hits.items():
            size = len(self._name_keys[name])
            if count < (size - 1 if size >= 3 else size):
                continue  # shares too few words to be read as this name
            posting, text = self._names[name]
            score = _name_score(text, said)
            if score >= NAME_CUTOFF:
                best[posting] = max(best.get(posting, (0.0, 0)), (score, len(text)))
        if not best:
            return []
        top = max(best.values())
        return sorted(posting for posting, value in best.items() if value == top)

    def _rank(self, asked: set[str], first: set[int]) -> list[tuple[int, float]]:
        """Postings sharing a title word with the question, by the rarity of all the words they share;
        between equals, one whose whole name was said (`first`), then the one whose title the question
        covers most, then the shorter title."""
        score: dict[int, float] = {}
        for key in asked:
            for posting in self._postings_of.get(key, ()):
                score[posting] = score.get(posting, 0.0) + self._idf[key]
        found = [(p, value) for p, value in score.items() if self._descriptions[p].title_keys & asked]

        def order(item: tuple[int, float]) -> tuple[float, bool, float, int, str]:
            posting, value = item
            description = self._descriptions[posting]
            covered = len(description.title_keys & asked) / max(description.title_size, 1)
            return (
                -round(value, 6),
                posting not in first,
                -covered,
                description.title_size,
                self.ids[posting],
            )

        return sorted(found, key=order)

    def _resolve(self, key: str) -> str | None:
        """A question word as a key postings use: itself, or the known key it is a typo of."""
        if key in self._postings_of:
            return key
        if len(key) < MIN_TYPO_LEN:
            return None
        if key not in self._typos:
            best = process.extractOne(
                key, self._vocabulary, scorer=fuzz.ratio, processor=None, score_cutoff=TYPO_CUTOFF
            )
            self._typos[key] = best[0] if best else None
        return self._typos[key]


def _inverted(sets: Iterable[frozenset[str]]) -> dict[str, list[int]]:
    index: dict[str, list[int]] = {}
    for i, keys_ in enumerate(sets):
        for key in keys_:
            index.setdefault(key, []).append(i)
    return index


def _name_score(name: str, said: list[str]) -> float:
    """How well the best stretch of about the name's length reads as the name (rapidfuzz ratio)."""
    size = len(name.split())
    best = 0.0
    for length in {max(1, size - 1), size, size + 1}:
        for start in range(max(1, len(said) - length + 1)):
            window = " ".join(said[start : start + length])
            best = max(best, fuzz.ratio(name, window, score_cutoff=NAME_CUTOFF))
    return best
