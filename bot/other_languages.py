"""Words of other languages (intents.yaml `languages:`), read as the English words they translate.

A word or phrase listed there is read exactly, accents aside (bot.text drops them), and through the English
synonyms ("seguro" means "insurance", which the knowledge reads as "benefits"). Other forms of a listed
word — the verbs and plurals a glossary can't list them all of ("patrocinan", "patrocinaría" beside
"patrocinar") — are read through the language's Snowball stemmer, where it has one: only in a message that
has a listed word of that language as written, and only for words the English side doesn't know ("a
resident of Loveland" is English, whatever Spanish "residente" means). Never as a typo: a short word of one
language is often a letter away from a word of another ("pagar", "pager").
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from bot.stemming import snowball

Phrase = tuple[str, ...]

# A stem shared by words of different meanings (Spanish "cuanto" and "cuantos") reads as neither; short
# words and stems are left to the exact list: "pago" and "pages" share "pag", "turno" and "turns" "turn".
MIN_STEMMED_WORD = 6
MIN_STEM = 4


class OtherLanguages:
    def __init__(
        self,
        languages: Mapping[str, Mapping[str, Sequence[str]]],
        english: Mapping[Phrase, Phrase],
        phrase: Callable[[str], Phrase],
    ) -> None:
        """`languages`: {language: {English word: [its words]}}; `english`: the English synonyms (phrase
        replacements); `phrase`: how text becomes a phrase (the matcher's normalising)."""
        self.table: dict[Phrase, Phrase] = {}  # exact phrase replacements, onto the English reading
        self._languages: list[Language] = []
        for language, mapping in languages.items():
            stemmed: dict[str, Phrase | None] = {}
            words: set[str] = set()
            stem = _stemmer(language)
            for canonical, variants in mapping.items():
                target = phrase(canonical)
                target = english.get(target, target)
                for variant in variants:
                    source = phrase(variant)
                    if not source or source == target or source in english:
                        continue  # an English synonym keeps its English reading
                    self.table[source] = target
                    words.update(source if len(source) == 1 else ())
                    if stem is not None and len(source) == 1 and len(source[0]) >= MIN_STEMMED_WORD:
                        key = stem(source[0])
                        if len(key) >= MIN_STEM:
                            stemmed[key] = target if stemmed.get(key, target) == target else None
            if stem is not None:
                stems = {k: t for k, t in stemmed.items() if t is not None}
                self._languages.append(Language(frozenset(words), stem, stems))

    @property
    def exact(self) -> frozenset[Phrase]:
        """The phrases read only as written: no typo is corrected to them."""
        return frozenset(self.table)

    def written_in(self, words: Sequence[str]) -> list[Language]:
        """The languages (with a stemmer) that a message's words show: one of its words is listed there."""
        return [language for language in self._languages if not language.words.isdisjoint(words)]

    @staticmethod
    def read(word: str, languages: Sequence[Language]) -> Phrase | None:
        """The English reading of `word` as another form of a word listed in one of `languages`."""
        if len(word) < MIN_STEMMED_WORD:
            return None
        for language in languages:
            target = language.stems.get(language.stem(word))
            if target is not None:
                return target
        return None


@dataclass(frozen=True)
class Language:
    words: frozenset[str]  # its one-word entries, as written: a message using one is written in it
    stem: Callable[[str], str]
    stems: dict[str, Phrase]  # the stem of each entry of MIN_STEMMED_WORD letters or more: its reading


def _stemmer(language: str) -> Callable[[str], str] | None:
    try:
        return snowball(language)
    except ValueError:  # a language Snowball has no stemmer for is read by its listed words alone
        return None
