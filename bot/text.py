"""Turning what people type (in Slack or a terminal) into comparable tokens.

Everything the matcher compares goes through `normalize`, examples once at load time and questions once
per message, so both sides are cleaned the same way.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# Slack wraps mentions, channels and links in angle brackets: <@U123>, <#C1|name>, <http://x|label>,
# <!channel>. Keep a link's label (people write "<url|the posting>"), drop everything else. Only those
# shapes count as markup, so a terminal's "2 < 3 and 5 > 4" keeps its words.
_SLACK_LINK_LABEL = re.compile(r"<[a-z][a-z0-9+.-]*:[^|<>]*\|([^<>]*)>", re.IGNORECASE)
_SLACK_MARKUP = re.compile(r"<(?:[@#!]|[a-z][a-z0-9+.-]*:)[^<>]*>", re.IGNORECASE)
# Slack escapes these three in the text it delivers; "&amp;" must not become the word "amp".
_SLACK_ENTITIES = (("&lt;", "<"), ("&gt;", ">"), ("&amp;", "&"))
_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "`": "'", "\u00b4": "'"})
# Accents on Latin letters go: people type "cuanto" for "cuánto" and "resume" for "résumé".
_LATIN_ACCENTS = str.maketrans("áàâäãåéèêëíìîïóòôöõúùûüñçý", "aaaaaaeeeeiiiiooooouuuuncy")
_CONTRACTIONS = [
    (re.compile(r"\bcan't\b"), "can not"),
    (re.compile(r"\bwon't\b"), "will not"),
    (re.compile(r"\bain't\b"), "is not"),
    (re.compile(r"\blet's\b"), "let us"),
    (re.compile(r"n't\b"), " not"),
    (re.compile(r"'re\b"), " are"),
    (re.compile(r"'ve\b"), " have"),
    (re.compile(r"'ll\b"), " will"),
    (re.compile(r"'d\b"), " would"),
    (re.compile(r"'m\b"), " am"),
    # "what's", "where's", "it's": the 's of possession ("pinterest's") reads the same once dropped.
    (re.compile(r"\b(what|where|who|how|when|why|it|that|there|here|he|she)'s\b"), r"\1 is"),
    (re.compile(r"'s\b"), ""),
]
_NON_WORD = re.compile(r"[^\w$%+#]+")
# Keep %, + and # inside tokens so "c++", "c#" and "2+" survive; strip them where they are just
# punctuation ("#hiring", "$120k", "50 %").
_LEADING_PUNCT = "$%#"
_TRAILING_PUNCT = "$%"

# Words that carry no topic: without them "is there parking at the office?" and "do you have parking?" are
# both about parking, and "what's the weather?" shares nothing with "what's the role?".
_FUNCTION_WORDS_TEXT = """
    a an the is are was were be been being am there here do does did doing you your yours i me my mine we
    our us it its this that these those they them their he she him her his at in on of for to from with by
    as into onto about over under up down out off than then too very also just only so such what which
    who whom whose how when where why can could would will shall should may might must any some all each
    every have has had and or but nor if not no yes like get got please tell know let more most much many
"""
# The same for Spanish: a Spanish speaker's question is read through the Spanish words in the knowledge's
# `languages:` (bot.other_languages), and these carry no topic any more than their English counterparts
# do. Words that are also English words a question may turn on ("son", "solo", "con", "ok") are left out.
_SPANISH_FUNCTION_WORDS_TEXT = """
    el la los las lo le les un una unos unas del al de en y o u que cual cuales quien quienes como cuando
    donde cuanto cuanta cuantos cuantas por para sin mi mis tu tus su sus te se nos yo usted ustedes ella
    ellos ellas nosotros es esta estan este esto esa ese eso estos estas esos esas ser estar estoy soy sea
    seria fue hay tiene tienen tengo tenemos tienes puedo puede pueden podria podrian hace hacen hacer hago
    haria muy mas tambien tmb pero si ya ni algo algun alguna alguno algunos algunas todo toda todos todas
    cada sobre entre hasta desde porque pq xq q bueno pues oye saber quisiera gustaria mucho mucha muchos
    muchas aqui ahi alli
"""
FUNCTION_WORDS = frozenset(_FUNCTION_WORDS_TEXT.split()) | frozenset(_SPANISH_FUNCTION_WORDS_TEXT.split())
# The matcher also reads these as saying how a question is asked, not what about: a question isn't held to
# them when no example happens to use one ("whether", "regarding", "basically").
_NON_TOPIC_TEXT = """
    been being done having whether either neither both because since while though although however therefore
    thus upon within via regarding concerning towards toward whereby yourself myself ourselves themselves
    really actually basically quite rather kinda sorta gonna wanna gotta ok okay oh um uh stuff thing things
"""
NON_TOPIC_WORDS = FUNCTION_WORDS | frozenset(_NON_TOPIC_TEXT.split())


def strip_slack_markup(text: str) -> str:
    """Remove Slack's <...> markup (link labels are kept as words) and undo Slack's &amp; escaping."""
    text = _SLACK_MARKUP.sub(" ", _SLACK_LINK_LABEL.sub(r" \1 ", text))
    for entity, char in _SLACK_ENTITIES:
        text = text.replace(entity, char)
    return text


@lru_cache(maxsize=4096)  # one answer normalizes its question (and its clauses) several times
def normalize(text: str) -> str:
    """Lower-case, NFKC, no accents on Latin letters, no Slack markup, contractions expanded, punctuation
    turned into spaces."""
    # Apostrophes first: NFKC turns "\u00b4" into a space plus a combining accent.
    text = unicodedata.normalize("NFKC", strip_slack_markup(text).translate(_APOSTROPHES)).lower()
    text = text.translate(_LATIN_ACCENTS)
    if "'" in text:  # every contraction has one
        for pattern, replacement in _CONTRACTIONS:
            text = pattern.sub(replacement, text)
    text = text.replace("'", " ").replace("_", " ")
    tokens = (
        token.lstrip(_LEADING_PUNCT).rstrip(_TRAILING_PUNCT) for token in _NON_WORD.sub(" ", text).split()
    )
    return " ".join(token for token in tokens if token)


def tokens(text: str) -> list[str]:
    """Normalised words of `text`."""
    return normalize(text).split()
