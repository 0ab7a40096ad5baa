"""What answering needs from a ranking: intents for a question, best first, each with a confidence.

The intent matcher (`bot.matcher.Matcher`) is the one ranking today; anything with these two methods can
stand in for it, e.g. a cache of its rankings while `eval --tune` replays settings.
"""

from __future__ import annotations

from typing import Protocol

from bot.matcher import Candidate


class Ranker(Protocol):
    def rank(self, question: str, limit: int = 5) -> list[Candidate]:
        """Up to `limit` intents best first, each with a confidence in [0, 1] and the example it matched."""
        ...

    def features(self, text: str) -> list[str]:
        """The normalised words the ranking compares `text` by (what a question and an example share)."""
        ...
