"""Snowball stemmers shared by Slack's listener threads: the same stems from many threads as from one."""

from __future__ import annotations

import itertools
from concurrent.futures import ThreadPoolExecutor

import pytest

from bot.stemming import snowball


@pytest.mark.parametrize("language", ["english", "spanish"])
def test_threads_stemming_at_once_get_each_word_s_own_stem(language: str) -> None:
    words = [
        a + b + suffix
        for a, b in itertools.product("bcdfgmprst", "aeiou")
        for suffix in (
            "ciones",
            "amente",
            "ándose",
            "ibility",
            "fulness",
            "izations",
            "ando",
            "ings",
            "es",
            "ed",
        )
    ]
    serial = [snowball(language)(word) for word in words]
    shared = snowball(language)  # a fresh stemmer and cache: every word is stemmed under contention
    with ThreadPoolExecutor(8) as pool:
        for _ in range(3):
            assert list(pool.map(shared, words)) == serial


def test_a_language_without_a_stemmer_is_refused() -> None:
    with pytest.raises(ValueError, match="klingon"):
        snowball("klingon")
