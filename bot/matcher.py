"""Fuzzy intent matching: which prepared answer a question is asking for, and how sure we are.

Each example and each question becomes a set of weighted word features. A word's weight is its rarity
across intents (IDF), so "salary" counts for far more than "what" or "the". A question scores against an
example by weighted Dice overlap, with words the examples never use matched to their nearest known word
(rapidfuzz) at a discount, which is what makes "salery" and "remotly" work. An intent scores the mean of
its best few examples, which is steadier than the single nearest one. Words in the question that no
example knows still count in the denominator: that is what keeps "what's the weather?" out of scope.

Examples are normalised and indexed once, at load; a question costs a few dictionary look-ups, one
fuzzy look-up per unknown word and a sparse accumulation over the examples that share a word with it.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from rapidfuzz import fuzz, process

from bot.text import tokens as text_tokens

TOP_EXAMPLES = 3  # an intent's score is the mean of this many best-matching examples
FUZZY_CUTOFF = 80  # rapidfuzz ratio (0-100) for an unknown word to count as a typo of a known one
MIN_FUZZY_LEN = 4  # shorter words are too ambiguous to correct ("pay" vs "day")
SHORTLIST = 256  # examples kept for per-intent scoring after the vectorised pass

Phrase = tuple[str, ...]


@dataclass(frozen=True)
class Candidate:
    intent: str
    score: float
    example: str  # the example that matched best, so a match can be explained


def build_synonyms(mapping: Mapping[str, Sequence[str]]) -> dict[Phrase, Phrase]:
    """`{canonical: [variant, ...]}` from the knowledge -> normalised phrase replacements."""
    table: dict[Phrase, Phrase] = {}
    for canonical, variants in mapping.items():
        target = tuple(text_tokens(canonical))
        for variant in variants:
            source = tuple(text_tokens(variant))
            if source and source != target:
                table[source] = target
    return table


def stem(word: str) -> str:
    """A deliberately light English stemmer: plurals and common verb endings, nothing clever."""
    if len(word) <= 3 or not word.isalpha():
        return word
    for suffix, replacement, min_len in (
        ("ies", "y", 5),
        ("sses", "ss", 5),
        ("ing", "", 6),
        ("ed", "", 5),
        ("es", "e", 5),
        ("s", "", 4),
    ):
        if word.endswith(suffix) and len(word) >= min_len and not word.endswith("ss"):
            return word[: len(word) - len(suffix)] + replacement
    return word


class Matcher:
    """Ranks intents for a question. Build once per knowledge version; `rank` is safe to call from threads."""

    def __init__(self, examples: Mapping[str, Sequence[str]], synonyms: Mapping[Phrase, Phrase]) -> None:
        self.synonyms = dict(synonyms)
        self._longest_synonym = max((len(p) for p in self.synonyms), default=0)
        self.intent_ids = list(examples)
        texts: list[str] = []
        example_intent: list[int] = []
        features: list[set[str]] = []
        for index, (_, phrases) in enumerate(examples.items()):
            for phrase in phrases:
                texts.append(phrase)
                example_intent.append(index)
                features.append(set(self.features(phrase)))
        self._texts = texts
        self._example_intent = np.asarray(example_intent, dtype=np.int32)

        intent_sets: dict[str, set[int]] = {}
        for feats, intent in zip(features, example_intent, strict=True):
            for feat in feats:
                intent_sets.setdefault(feat, set()).add(intent)
        n_intents = max(len(self.intent_ids), 1)
        self.vocab = sorted(intent_sets)
        self._vocab_index = {feat: i for i, feat in enumerate(self.vocab)}
        # IDF over intents, not examples: a word every intent uses tells them apart no better than "the".
        self._idf = np.asarray(
            [math.log(1 + n_intents / len(intent_sets[feat])) for feat in self.vocab], dtype=np.float64
        )
        self.unknown_weight = math.log(1 + n_intents)  # as rare as a word can be
        postings: list[list[int]] = [[] for _ in self.vocab]
        example_weight = np.zeros(len(texts), dtype=np.float64)
        for row, feats in enumerate(features):
            for feat in feats:
                column = self._vocab_index[feat]
                postings[column].append(row)
                example_weight[row] += self._idf[column]
        self._postings = [np.asarray(rows, dtype=np.int32) for rows in postings]
        self._example_weight = example_weight
        self._typo_cache: dict[str, tuple[int, float] | None] = {}

    @property
    def size(self) -> int:
        return len(self._texts)

    def features(self, text: str) -> list[str]:
        """Normalised, synonym-mapped, stemmed words of `text`."""
        return [stem(word) for word in self._apply_synonyms(text_tokens(text))]

    def _apply_synonyms(self, words: list[str]) -> list[str]:
        if not self.synonyms:
            return words
        out: list[str] = []
        i = 0
        while i < len(words):
            for length in range(min(self._longest_synonym, len(words) - i), 0, -1):
                replacement = self.synonyms.get(tuple(words[i : i + length]))
                if replacement is not None:
                    out.extend(replacement)
                    i += length
                    break
            else:
                out.append(words[i])
                i += 1
        return out

    def _resolve(self, feature: str) -> tuple[int, float] | None:
        """Vocabulary column and similarity for a question word: exact, else its nearest typo match."""
        column = self._vocab_index.get(feature)
        if column is not None:
            return column, 1.0
        if len(feature) < MIN_FUZZY_LEN:
            return None
        if feature not in self._typo_cache:
            # Bounded cache: typos are open-ended and the bot runs for weeks.
            if len(self._typo_cache) > 50_000:
                self._typo_cache.clear()
            best = process.extractOne(
                feature, self.vocab, scorer=fuzz.ratio, processor=None, score_cutoff=FUZZY_CUTOFF
            )
            self._typo_cache[feature] = (best[2], best[1] / 100) if best else None
        return self._typo_cache[feature]

    def rank(self, question: str, limit: int = 5) -> list[Candidate]:
        """Intents best first, each with a confidence in [0, 1] and its best example."""
        if not self.intent_ids:
            return []
        matched: dict[int, float] = {}
        question_weight = 0.0
        for feature in set(self.features(question)):
            hit = self._resolve(feature)
            if hit is None:
                question_weight += self.unknown_weight
                continue
            column, similarity = hit
            if matched.get(column, 0.0) < similarity:
                matched[column] = similarity
            question_weight += self._idf[column]
        if not matched:
            return self._zero(limit)

        overlap = np.zeros(len(self._texts), dtype=np.float64)
        for column, similarity in matched.items():
            overlap[self._postings[column]] += self._idf[column] * similarity
        rows = np.flatnonzero(overlap)
        dice = 2 * overlap[rows] / (question_weight + self._example_weight[rows])
        if len(rows) > SHORTLIST:
            keep = np.argpartition(dice, -SHORTLIST)[-SHORTLIST:]
            rows, dice = rows[keep], dice[keep]

        per_intent: dict[int, list[tuple[float, int]]] = {}
        for row, score in zip(rows.tolist(), dice.tolist(), strict=True):
            per_intent.setdefault(int(self._example_intent[row]), []).append((score, row))
        ranked: list[Candidate] = []
        for intent, scored in per_intent.items():
            scored.sort(reverse=True)
            best = scored[:TOP_EXAMPLES]
            mean = sum(score for score, _ in best) / TOP_EXAMPLES
            ranked.append(Candidate(self.intent_ids[intent], round(mean, 4), self._texts[best[0][1]]))
        ranked.sort(key=lambda c: c.score, reverse=True)
        if len(ranked) < limit:
            seen = {c.intent for c in ranked}
            ranked.extend(c for c in self._zero(limit) if c.intent not in seen)
        return ranked[:limit]

    def _zero(self, limit: int) -> list[Candidate]:
        return [Candidate(intent, 0.0, "") for intent in self.intent_ids[:limit]]
