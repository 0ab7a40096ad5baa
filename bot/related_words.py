"""The related-words lexicon (bot/related_words.yaml): groups of words job postings and candidates use for one
thing ("curious" and "inquisitive", "ship" and "release"), which quoting uses to bridge a paraphrase.

Read and checked once, on first use; `posting-bot check` reports a problem in it as `path:line: message`,
and anything else that needs it fails with the same message rather than quoting without it.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

from bot.knowledge.yaml_source import Problem, YamlError, load_yaml
from bot.text import FUNCTION_WORDS, tokens

RELATED_WORDS_FILE = Path(__file__).with_name("related_words.yaml")
MAX_PHRASE_WORDS = 5


class RelatedWordsError(Exception):
    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("\n".join(map(str, problems)))
        self.problems = problems


@dataclass(frozen=True)
class RelatedWords:
    groups: dict[str, tuple[str, ...]]  # name -> members as written


def load_related_words(path: Path = RELATED_WORDS_FILE) -> RelatedWords:
    """The groups in `path`; RelatedWordsError listing every problem, each with its line."""
    try:
        doc = load_yaml(path)
    except YamlError as exc:
        raise RelatedWordsError(exc.problems) from exc
    data = doc.data
    if not isinstance(data, dict) or set(data) != {"groups"} or not isinstance(data["groups"], dict):
        shape = "expected one key, `groups`: a mapping of name -> [words]"
        raise RelatedWordsError([Problem(path, 1, shape)])
    groups: dict[str, tuple[str, ...]] = {}
    problems: list[Problem] = []
    for name, members in data["groups"].items():
        line = doc.line_of(("groups", name))
        if not isinstance(members, list) or len(members) < 2:
            problems.append(Problem(path, line, f"group '{name}': expected a list of at least two words"))
            continue
        seen: set[str] = set()
        for i, member in enumerate(members):
            where = doc.line_of(("groups", name, i))
            problem = _member_problem(member, seen)
            if problem:
                problems.append(Problem(path, where, f"group '{name}': {problem}"))
            else:
                seen.add(" ".join(tokens(member)))
        groups[str(name)] = tuple(str(m) for m in members)
    if problems:
        raise RelatedWordsError(problems)
    return RelatedWords(groups)


def _member_problem(member: object, seen: set[str]) -> str | None:
    if not isinstance(member, str) or not tokens(member):
        return f"{member!r} is not a word or phrase"
    words = tokens(member)
    if all(word in FUNCTION_WORDS for word in words):
        return f"'{member}' is only function words: it would relate every sentence"
    if len(words) > MAX_PHRASE_WORDS:
        return f"'{member}' is longer than {MAX_PHRASE_WORDS} words"
    if " ".join(words) in seen:
        return f"'{member}' is listed twice"
    return None


@functools.cache
def bundled_related_words() -> RelatedWords:
    """The lexicon shipped with the bot, read once."""
    return load_related_words()


def related_words_problems() -> list[Problem]:
    """What is wrong with the bundled lexicon, for `check` and every load; [] when nothing is."""
    try:
        bundled_related_words()
    except RelatedWordsError as exc:
        return exc.problems
    return []
