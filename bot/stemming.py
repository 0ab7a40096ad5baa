"""Snowball stemmers (English for quoting, other languages for their words), cached and safe to share.

A Snowball stemmer keeps the word it is working on in itself, so two threads stemming at once (Slack's
listener threads answering side by side) could each get a mix of both words: each stemmer has a lock.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

import snowballstemmer

CACHED = 100_000  # stems kept per language: questions' words are open-ended and the bot runs for weeks


def snowball(language: str) -> Callable[[str], str]:
    """The language's stemmer ("english", "spanish", …); ValueError when Snowball has none."""
    name = language.strip().lower()
    if name not in snowballstemmer.algorithms():
        raise ValueError(f"no Snowball stemmer for {language!r}")
    stemmer = snowballstemmer.stemmer(name)
    lock = threading.Lock()
    cache: dict[str, str] = {}

    def stem(word: str) -> str:
        found = cache.get(word)
        if found is None:
            with lock:
                found = stemmer.stemWord(word)
            if len(cache) < CACHED:
                cache[word] = found
        return found

    return stem
