"""Fuzzy intent matching: which prepared answer a question is asking for, and how sure we are.

Each example and each question becomes a set of word features: normalised, synonym-mapped, lightly stemmed.
Words the examples never use are matched to their nearest known word (rapidfuzz) at a discount, which is
what makes "salery" and "remotly" work. An intent's score multiplies two pieces of evidence:

- nearest examples: weighted Dice overlap with each example, a word weighing its rarity across intents
  (IDF); the intent takes the mean of its best few examples, steadier than the single nearest. Question
  words no example knows count in the denominator: that keeps "what's the weather?" out of scope.
- word profile: how likely the question's words are under each intent's examples taken together
  (multinomial naive Bayes over word counts), as a posterior across intents, raised to a small power. It
  barely moves a question whose telling words belong to one intent and damps one that matches only on words
  every intent shares, so nearest-example ties go to the intent whose vocabulary fits.

Both are in [0, 1], so is their product, and the product never exceeds the nearest-examples score: the
profile can only take confidence away. Examples are indexed once, at load (numpy inverted index and word
counts); a question costs a few dictionary look-ups, one fuzzy look-up per unknown word, a sparse
accumulation over the examples sharing a word with it and a gather of one row of counts per word.
"""

from __future__ import annotations

import copy
import functools
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from rapidfuzz import fuzz, process

from bot.other_languages import Language, OtherLanguages
from bot.text import NON_TOPIC_WORDS
from bot.text import tokens as text_tokens

TOP_EXAMPLES = 3  # an intent's nearest-examples score is the mean of this many best-matching examples
FUZZY_CUTOFF = 80  # rapidfuzz ratio (0-100) for an unknown word to count as a typo of a known one
FUNCTION_FUZZY_CUTOFF = 88  # …of a function word or a 4-letter word: "whre" is "where", but "weather" is
# no "whether" and "play" no "pay"
SWAP_SIMILARITY = 90  # two neighbouring letters swapped: as close as a near-certain typo
MIN_FUZZY_LEN = 4  # shorter words are too ambiguous to correct ("pay" vs "day")
SHORTLIST = 256  # examples kept for per-intent scoring after the vectorised pass
# Word profile (naive Bayes); chosen on CLINC150's validation split, see docs/benchmarks.md.
PROFILE_SMOOTHING = 0.1  # added to every word count, so an unseen word is unlikely rather than impossible
PROFILE_TEMPERATURE = 4.0  # softens the posterior: word evidence adds up fast and would be overconfident
PROFILE_POWER = 0.2  # how strongly the profile damps an intent's score (0 would ignore it)
PADDING_SLACK = 4.0  # question words no example shares count in full up to this mass (in unknown words)…
PADDING_DISCOUNT = 0.25  # …and at this fraction beyond it, so padding a long question drags it down less
TOPIC_INTENTS = 4  # a known word used by at most this many intents names a topic: never padding
TYPO_CACHE_SIZE = 50_000  # typos are open-ended and the bot runs for weeks

Phrase = tuple[str, ...]

_DIGITS_AS_ZERO = str.maketrans("123456789", "000000000")


@dataclass(frozen=True)
class Candidate:
    intent: str
    score: float
    example: str  # the example that matched best, so a match can be explained


@dataclass(frozen=True)
class Confusable:
    """An example that, asked as a question, gets another intent: that intent has near-duplicates of it."""

    intent: str
    example: str
    other: str  # the intent it matches best
    other_example: str  # the example of `other` it is closest to
    own_score: float
    other_score: float


@dataclass(frozen=True)
class _Query:
    columns: np.ndarray  # vocabulary columns the question's words resolved to
    similarity: np.ndarray  # 1.0 for an exact word, less for a typo match
    weight: float  # IDF mass of every question word, known or not
    topic_weight: float  # the part of it from words that name a topic (TOPIC_INTENTS)


def build_synonyms(mapping: Mapping[str, Sequence[str]], asking: Sequence[str] = ()) -> dict[Phrase, Phrase]:
    """`{canonical: [variant, ...]}` from the knowledge -> normalised phrase replacements. Phrases that only
    frame a request (`asking`: "I would be grateful if you could") are replaced by nothing: a long formal
    question would otherwise be five words of padding longer than the plain one."""
    table: dict[Phrase, Phrase] = {framing: () for framing in map(phrase, asking) if framing}
    for canonical, variants in mapping.items():
        target = phrase(canonical)
        for variant in variants:
            source = phrase(variant)
            if source and source != target:
                table[source] = target
    return table


@functools.lru_cache(maxsize=1 << 16)
def phrase(text: str) -> Phrase:
    """`text` as the matcher reads it: normalised words."""
    # Cached: thousands of postings name the same few companies and titles, and normalising is not free.
    return tuple(text_tokens(text))


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


_FUNCTION_STEMS = frozenset(stem(word) for word in NON_TOPIC_WORDS)


def _swaps(word: str) -> Iterable[str]:
    """`word` with two neighbouring letters swapped, every way but the first letter's."""
    for i in range(1, len(word) - 1):
        if word[i] != word[i + 1]:
            yield word[:i] + word[i + 1] + word[i] + word[i + 2 :]


def _swapped_function_word(word: str) -> bool:
    return len(word) >= 3 and any(swapped in _FUNCTION_STEMS for swapped in _swaps(word))


class Matcher:
    """Ranks intents for a question. Build once per knowledge version; `rank` is safe to call from threads.

    `named` gives the same matcher seen through a few more synonyms (a posting's own names), sharing every
    index: thousands of postings cost one index, not one each.
    """

    def __init__(
        self,
        examples: Mapping[str, Sequence[str]],
        synonyms: Mapping[Phrase, Phrase],
        languages: OtherLanguages | None = None,
    ) -> None:
        # Words of other languages read as English ones (bot.other_languages): exactly, never corrected to as
        # typos, and their other forms through `languages.read` (in questions only).
        self.synonyms = {**languages.table, **synonyms} if languages else dict(synonyms)
        self._exact = languages.exact if languages else frozenset()
        self._languages: OtherLanguages | None = None  # the examples are English: not read through it
        # A named view's own synonyms, looked up before the shared ones, and the typo targets they add.
        self._names: dict[Phrase, Phrase] = {}
        self._name_typos: tuple[list[str], list[int]] = ([], [])
        self._longest_synonym = max((len(p) for p in self.synonyms), default=0)
        self._synonym_words: frozenset[str] | None = None  # every word of a synonym, made on first use
        self.intent_ids = list(examples)
        self._texts = [phrase for phrases in examples.values() for phrase in phrases]
        # Every example's words, one line each, to tell cheaply whether a name occurs in any example.
        self._example_words = "".join(f" {' '.join(text_tokens(text))} \n" for text in self._texts)
        self._example_intent = np.asarray(
            [i for i, phrases in enumerate(examples.values()) for _ in phrases], dtype=np.int32
        )
        # An intent with fewer examples than TOP_EXAMPLES averages the ones it has.
        self._averaged = np.minimum(
            np.bincount(self._example_intent, minlength=len(self.intent_ids)), TOP_EXAMPLES
        ).clip(min=1)
        features = [set(self.features(phrase)) for phrase in self._texts]
        self.vocab = sorted(set().union(*features))
        self._vocab_index = {feat: i for i, feat in enumerate(self.vocab)}

        # One (column, row) pair per feature occurrence, sorted by column: the inverted index in two arrays.
        cols = np.asarray([self._vocab_index[f] for feats in features for f in feats], dtype=np.int32)
        rows = np.repeat(np.arange(len(features), dtype=np.int32), [len(feats) for feats in features])
        order = np.argsort(cols, kind="stable")
        cols, rows = cols[order], rows[order]
        bounds = np.searchsorted(cols, np.arange(len(self.vocab) + 1))
        self._postings = [rows[bounds[c] : bounds[c + 1]] for c in range(len(self.vocab))]

        n_intents = max(len(self.intent_ids), 1)
        # counts[c, i]: examples of intent i using word c.
        counts = np.zeros((len(self.vocab), n_intents), dtype=np.float64)
        np.add.at(counts, (cols, self._example_intent[rows]), 1.0)
        # IDF over intents, not examples: a word every intent uses tells them apart no better than "the".
        intents_using = np.count_nonzero(counts, axis=1)
        self._idf = np.log1p(n_intents / np.maximum(intents_using, 1))
        self.unknown_weight = math.log1p(n_intents)  # as rare as a word can be
        # A word few intents use names a topic, unless it is a function word that just happens to be rare.
        self._topic = (intents_using <= TOPIC_INTENTS) & ~np.isin(self.vocab, list(_FUNCTION_STEMS))
        # A function word no example uses weighs what the examples' own function words weigh on average.
        function_columns = [c for word, c in self._vocab_index.items() if word in _FUNCTION_STEMS]
        self.function_weight = float(self._idf[function_columns].mean()) if function_columns else 1.0
        self._example_weight = np.bincount(rows, weights=self._idf[cols], minlength=len(self._texts))
        # log P(word | intent), each intent's examples pooled; smoothing spreads a little over the vocabulary.
        pooled = counts.sum(axis=0) + PROFILE_SMOOTHING * max(len(self.vocab), 1)
        self._log_profile = np.log((counts + PROFILE_SMOOTHING) / pooled)
        # Typos keep their first letter far more often than not, so a word is only corrected to a known word
        # starting with the same letter: "actions" is no typo of "vacation" (cheaper to search, too).
        self._typo_targets: dict[str, tuple[list[str], list[int]]] = {}
        self._swap_targets: dict[str, int] = {}  # every typo target, for letters typed the wrong way round
        for target, column in zip(*self._typo_vocabulary(), strict=True):
            self._swap_targets.setdefault(target, column)
            words, columns = self._typo_targets.setdefault(target[0], ([], []))
            words.append(target)
            columns.append(column)
        # A question word's nearest typo target (word, score, column), before the function-word rule.
        self._typo_cache: dict[str, tuple[str, float, int] | None] = {}
        self._languages = languages

    @property
    def size(self) -> int:
        return len(self._texts)

    def names_change_examples(self, names: Mapping[Phrase, Phrase]) -> bool:
        """Whether adding `names` to the synonyms would change how an example reads (then `named` would
        rank differently from a matcher built with them, and a matcher of its own is needed)."""
        for source, target in names.items():
            if self.synonyms.get(source, target) != target:
                return True
            if f" {' '.join(source)} " in self._example_words:
                return True
        return False

    def named(self, names: Mapping[Phrase, Phrase]) -> Matcher:
        """This matcher with `names` as extra synonyms, sharing every index (cheap: a few small dicts).

        Ranks exactly as `Matcher(examples, {**synonyms, **names})` when `names_change_examples` is False.
        """
        view = copy.copy(self)
        view._names = dict(names)
        view._longest_synonym = max([self._longest_synonym, *(len(p) for p in names)])
        view._name_typos = self._typo_targets_of(
            {source: target for source, target in names.items() if source not in self.synonyms}
        )
        return view

    def knows(self, word: str) -> bool:
        """Whether the examples or the synonyms use `word` (one word, as written): "home" is in "work from
        home"."""
        if stem(word) in self._vocab_index or self.features(word) != [stem(word)]:
            return True
        if self._synonym_words is None:
            self._synonym_words = frozenset(w for source in self.synonyms for w in source)
        return word in self._synonym_words

    def features(self, text: str) -> list[str]:
        """Normalised, synonym-mapped, stemmed words of `text`, every digit written as 0."""
        # Numbers match by shape ("3pm" and "8pm", "$95k" and "$120k"); synonyms such as "h1b" go first.
        return [stem(word.translate(_DIGITS_AS_ZERO)) for word in self._apply_synonyms(text_tokens(text))]

    def rank(self, question: str, limit: int = 5) -> list[Candidate]:
        """Intents best first, each with a confidence in [0, 1] and its best example."""
        if not self.intent_ids:
            return []
        scores, best_example = self._scores(self._query(question))
        # Best first; equal scores keep the knowledge's intent order, so ties are reproducible.
        ranked = sorted(best_example, key=lambda i: (-scores[i], i))
        candidates = [
            Candidate(self.intent_ids[i], round(float(scores[i]), 4), self._texts[best_example[i]])
            for i in ranked[:limit]
        ]
        if len(candidates) < limit:
            seen = {c.intent for c in candidates}
            candidates.extend(c for c in self._zero(limit) if c.intent not in seen)
        return candidates[:limit]

    def rows_naming(self, names: Iterable[Phrase]) -> list[int]:
        """The examples (their rows) that use any of `names` word for word."""
        wanted = [f" {' '.join(name)} " for name in names]
        lines = self._example_words.split("\n")
        return [row for row, line in enumerate(lines[: len(self._texts)]) if any(w in line for w in wanted)]

    def confusables(self, rows: Iterable[int] | None = None) -> list[Confusable]:
        """Examples (all, or those at `rows`) that, asked word for word, rank another intent above their own.

        Each example is ranked against all the others, so the work grows with the square of the examples:
        callers bound it with `rows`.
        """
        found = []
        for row in range(len(self._texts)) if rows is None else rows:
            text = self._texts[row]
            own = int(self._example_intent[row])
            scores, best_example = self._scores(self._query(text))
            top = int(np.argmax(scores))  # the first of equals, as in `rank`
            if scores[top] > scores[own]:
                found.append(
                    Confusable(
                        intent=self.intent_ids[own],
                        example=text,
                        other=self.intent_ids[top],
                        other_example=self._texts[best_example[top]],
                        own_score=round(float(scores[own]), 4),
                        other_score=round(float(scores[top]), 4),
                    )
                )
        return found

    # ---- scoring --------------------------------------------------------------------------------------

    def _query(self, text: str) -> _Query:
        matched: dict[int, float] = {}
        weight = topic_weight = 0.0
        for feature in set(self.features(text)):
            hit = self._resolve(feature)
            if hit is None:
                # An unknown word counts against every example as much as a word can ("what's the
                # weather?"); a function word no example happens to use ("whether", "regarding", or
                # "jsut" for "just") says no more than the function words they do use.
                function = feature in _FUNCTION_STEMS or _swapped_function_word(feature)
                weight += self.function_weight if function else self.unknown_weight
                continue
            column, closeness = hit
            if column in matched:
                # Two words for one thing ("ESOPs or RSUs", both equity) weigh as one, as they match as one.
                matched[column] = max(matched[column], closeness)
                continue
            matched[column] = closeness
            weight += float(self._idf[column])
            if self._topic[column]:
                topic_weight += float(self._idf[column])
        columns = np.fromiter(matched, dtype=np.int64, count=len(matched))
        similarity = np.fromiter(matched.values(), dtype=np.float64, count=len(matched))
        return _Query(columns, similarity, weight, topic_weight)

    def _scores(self, query: _Query) -> tuple[np.ndarray, dict[int, int]]:
        """Every intent's score, and the best example row of each intent the question shares a word with."""
        if not len(query.columns):
            return np.zeros(len(self.intent_ids)), {}
        # Overlap from words that name a topic and from the rest, kept apart: question words an example
        # doesn't share count against it in full when they name a topic (they may be a second question); the
        # rest are padding, and past PADDING_SLACK count for less.
        topic_overlap = np.zeros(len(self._texts), dtype=np.float64)
        other_overlap = np.zeros(len(self._texts), dtype=np.float64)
        for column, similarity in zip(query.columns.tolist(), query.similarity.tolist(), strict=True):
            target = topic_overlap if self._topic[column] else other_overlap
            target[self._postings[column]] += self._idf[column] * similarity
        overlap = topic_overlap + other_overlap
        rows = np.flatnonzero(overlap)
        unmatched_topic = query.topic_weight - topic_overlap[rows]
        padding = (query.weight - query.topic_weight) - other_overlap[rows]
        slack = PADDING_SLACK * self.unknown_weight
        padding = np.where(padding > slack, slack + PADDING_DISCOUNT * (padding - slack), padding)
        dice = 2 * overlap[rows] / (overlap[rows] + unmatched_topic + padding + self._example_weight[rows])
        if len(rows) > SHORTLIST:
            keep = np.argpartition(dice, -SHORTLIST)[-SHORTLIST:]
            rows, dice = rows[keep], dice[keep]

        # Per intent, its examples best first; the first TOP_EXAMPLES of each run are averaged.
        intents = self._example_intent[rows]
        order = np.lexsort((-dice, intents))
        intents, dice, rows = intents[order], dice[order], rows[order]
        starts = np.flatnonzero(np.r_[True, intents[1:] != intents[:-1]])
        position = np.arange(len(intents)) - np.repeat(starts, np.diff(np.r_[starts, len(intents)]))
        top = position < TOP_EXAMPLES
        nearest = (
            np.bincount(intents[top], weights=dice[top], minlength=len(self.intent_ids)) / self._averaged
        )
        scores = nearest * self._profile(query) ** PROFILE_POWER

        return scores, dict(zip(intents[starts].tolist(), rows[starts].tolist(), strict=True))

    def _profile(self, query: _Query) -> np.ndarray:
        """Posterior over intents from the question's known words, each weighted by its match similarity."""
        log_likelihood = query.similarity @ self._log_profile[query.columns] / PROFILE_TEMPERATURE
        posterior = np.exp(log_likelihood - log_likelihood.max())
        return np.asarray(posterior / posterior.sum())

    def _zero(self, limit: int) -> list[Candidate]:
        return [Candidate(intent, 0.0, "") for intent in self.intent_ids[:limit]]

    # ---- words ----------------------------------------------------------------------------------------

    def _apply_synonyms(self, words: list[str]) -> list[str]:
        if not self.synonyms and not self._names:
            return words
        # Another language's other word forms are read only in a message written (partly) in it.
        languages = self._languages.written_in(words) if self._languages is not None else []
        out: list[str] = []
        i = 0
        while i < len(words):
            for length in range(min(self._longest_synonym, len(words) - i), 0, -1):
                phrase = tuple(words[i : i + length])
                replacement = self._names.get(phrase)
                if replacement is None:
                    replacement = self.synonyms.get(phrase)
                if replacement is not None:
                    out.extend(replacement)
                    i += length
                    break
            else:
                out.extend(self._foreign(words[i], languages) if languages else (words[i],))
                i += 1
        return out

    def _foreign(self, word: str, languages: Sequence[Language]) -> Phrase:
        """`word`, or its English reading as another form of a word listed in one of `languages`, when it
        is none the English side knows."""
        if word in NON_TOPIC_WORDS or stem(word) in self._vocab_index:
            return (word,)
        return OtherLanguages.read(word, languages) or (word,)

    def _typo_vocabulary(self) -> tuple[list[str], list[int]]:
        """Words a typo may be corrected to, with the column each stands for.

        Besides the vocabulary, the one-word synonyms whose canonical word is known: "compensaton" is a typo
        of "compensation", which the knowledge maps to "salary", so it counts as "salary".
        """
        targets, columns = self._typo_targets_of(self.synonyms)
        return list(self.vocab) + targets, list(range(len(self.vocab))) + columns

    def _typo_targets_of(self, synonyms: Mapping[Phrase, Phrase]) -> tuple[list[str], list[int]]:
        targets: list[str] = []
        columns: list[int] = []
        for source, target in synonyms.items():
            if len(source) == 1 and len(target) == 1 and source not in self._exact:
                column = self._vocab_index.get(stem(target[0]))
                if column is not None and stem(source[0]) not in self._vocab_index:
                    targets.append(stem(source[0]))
                    columns.append(column)
        return targets, columns

    def _swapped(self, feature: str) -> tuple[str, float, int] | None:
        """A known word `feature` is with two neighbouring letters swapped ("jsut", "thier"), first letter
        kept: one slip of the fingers, which an edit ratio scores as two ("jsut" is only 75 from "just")."""
        if len(feature) < 3:
            return None
        for word in _swaps(feature):
            column = self._swap_targets.get(word)
            if column is not None:
                return word, SWAP_SIMILARITY, column
        return None

    def _resolve(self, feature: str) -> tuple[int, float] | None:
        """Vocabulary column and similarity for a question word: exact, else its nearest typo match."""
        column = self._vocab_index.get(feature)
        if column is not None:
            return column, 1.0
        if len(feature) < MIN_FUZZY_LEN:
            swapped = self._swapped(feature)  # "teh", "adn": too short to guess at, not to unswap
            return (swapped[2], swapped[1] / 100) if swapped is not None else None
        if feature not in self._typo_cache:
            if len(self._typo_cache) > TYPO_CACHE_SIZE:
                self._typo_cache.clear()
            swapped = self._swapped(feature)
            if swapped is not None:
                self._typo_cache[feature] = swapped
            else:
                words, columns = self._typo_targets.get(feature[0], ([], []))
                best = process.extractOne(
                    feature, words, scorer=fuzz.ratio, processor=None, score_cutoff=FUZZY_CUTOFF
                )
                self._typo_cache[feature] = (best[0], best[1], columns[best[2]]) if best else None
        nearest = self._typo_cache[feature]
        names, name_columns = self._name_typos
        if names:
            # A view's names come after the shared targets: on a tie the shared target wins, as in one list.
            own = process.extractOne(
                feature,
                [name if name[0] == feature[0] else "" for name in names],
                scorer=fuzz.ratio,
                processor=None,
                score_cutoff=FUZZY_CUTOFF,
            )
            if own is not None and (nearest is None or own[1] > nearest[1]):
                nearest = (own[0], own[1], name_columns[own[2]])
        if nearest is None:
            return None
        word, score, column = nearest
        if score < FUNCTION_FUZZY_CUTOFF and (word in _FUNCTION_STEMS or len(feature) <= 4):
            return None
        return column, score / 100
