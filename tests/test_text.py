"""Normalisation: what candidates type in Slack or a terminal becomes plain comparable words."""

from __future__ import annotations

import pytest

from bot.text import normalize, strip_slack_markup, tokens


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        # Slack markup: mentions and channels vanish, a link keeps its label, special mentions vanish.
        ("<@U0123ABC> what is the salary", "what is the salary"),
        ("<@U1> is it remote", "is it remote"),
        ("asked in <#C1|jobs-backend> earlier", "asked in earlier"),
        ("<#C1> relocation", "relocation"),
        ("see <http://example.com/job?id=7|the posting> please", "see the posting please"),
        ("see <https://example.com/a|Backend Engineer> salary", "see backend engineer salary"),
        ("<http://example.com/job> pay", "pay"),
        ("<mailto:jobs@example.com|email the team> now", "email the team now"),
        ("<!channel> is there equity", "is there equity"),
        ("<!here> visa", "visa"),
        ("<!everyone> benefits", "benefits"),
        ("<!subteam^S123|@recruiters> howdy", "howdy"),
    ],
)
def test_slack_markup_is_removed(raw: str, expected: str) -> None:
    assert normalize(raw) == expected


def test_markup_never_leaks_ids_or_urls() -> None:
    text = normalize("<@U0SECRET1> <#C0CHAN|general> <http://evil.example/x|salary> <!channel>")
    assert text == "salary"
    assert "u0secret1" not in text and "evil" not in text


def test_angle_brackets_that_are_not_markup_keep_their_words() -> None:
    # Typed in a terminal, not Slack markup: nothing between the brackets may be lost.
    assert strip_slack_markup("is 2 < 3 and 5 > 4?") == "is 2 < 3 and 5 > 4?"
    assert normalize("salary <negotiable> ?") == "salary negotiable"


def test_slack_escaped_entities_are_not_words() -> None:
    # Slack delivers "&", "<" and ">" typed by a person as &amp;, &lt; and &gt;.
    assert normalize("salary &amp; equity") == "salary equity"
    assert normalize("is it &lt;remote&gt;?") == "is it remote"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("what\u2019s the pay", "what is the pay"),  # right single quote, as phones type it
        ("what\u2018s the pay", "what is the pay"),
        ("\u201cremote\u201d?", "remote"),  # smart double quotes are punctuation
        ("what`s the pay", "what is the pay"),
        ("it\u00b4s remote", "it is remote"),
    ],
)
def test_smart_quotes(raw: str, expected: str) -> None:
    assert normalize(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("\uff33\uff21\uff2c\uff21\uff32\uff39?", "salary"),  # full-width letters
        ("\uff37\uff48\uff41\uff54\u2019\uff53 the pay", "what is the pay"),
        ("\ufb01nance team", "finance team"),  # the "fi" ligature
        ("\u2460 year", "1 year"),  # circled digit
        ("RELOCATION", "relocation"),
    ],
)
def test_unicode_nfkc_and_case(raw: str, expected: str) -> None:
    assert normalize(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("I can't relocate", "i can not relocate"),
        ("you won't sponsor?", "you will not sponsor"),
        ("don't you offer equity", "do not you offer equity"),
        ("I'm a new grad", "i am a new grad"),
        ("you're hiring", "you are hiring"),
        ("I've 2 years", "i have 2 years"),
        ("I'll need a visa", "i will need a visa"),
        ("I'd like to apply", "i would like to apply"),
        ("what's the base pay", "what is the base pay"),
        ("where's the team", "where is the team"),
        ("it's remote?", "it is remote"),
        ("Pinterest's mission", "pinterest mission"),  # possessive 's dropped
    ],
)
def test_contractions(raw: str, expected: str) -> None:
    assert normalize(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("salary???!!!", "salary"),
        ("  lots   of\tspace\n", "lots of space"),
        ("c++ or c#?", "c++ or c#"),  # language names survive
        ("2+ years", "2+ years"),
        ("#hiring now", "hiring now"),
        ("salary_range", "salary range"),
        ("A/B testing", "a b testing"),
    ],
)
def test_punctuation(raw: str, expected: str) -> None:
    assert normalize(raw) == expected


def test_empty_and_markup_only_input() -> None:
    assert normalize("") == ""
    assert normalize("<@U1> <!channel> ?!") == ""
    assert tokens("<@U1>") == []


def test_tokens_are_the_normalised_words() -> None:
    assert tokens("<@U1> What\u2019s the SALARY range?") == ["what", "is", "the", "salary", "range"]


def test_normalize_is_idempotent() -> None:
    once = normalize("<@U1> Hey \u2014 what\u2019s the \uff30\uff21\uff39 (USD), & is it \u201cremote\u201d?")
    assert normalize(once) == once
