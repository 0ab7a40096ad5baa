"""The matcher on small synthetic knowledge: typos, synonyms, rarity, out of scope, ties, markup, size."""

from __future__ import annotations

import random

import pytest

import bot.matcher as matcher_module
from bot.matcher import TOP_EXAMPLES, Candidate, Matcher, build_synonyms

# Every intent shares the question words ("what", "is", "the"...), so only the topic words tell them apart.
EXAMPLES = {
    "salary": ["what is the salary", "how much is the salary", "what is the salary range for the role"],
    "relocation": ["is relocation offered", "do you cover relocation", "what is the relocation package"],
    "remote": ["is the role remote", "can I work remotely", "what is the remote policy"],
    "location": ["where is the office", "what is the office location", "which city is the office in"],
    "apply": ["how do I apply", "where do I apply for the role", "what is the application link"],
}
SYNONYMS = build_synonyms({"salary": ["comp", "pay range"], "remote": ["work from home", "wfh"]})


@pytest.fixture(scope="module")
def matcher() -> Matcher:
    return Matcher(EXAMPLES, SYNONYMS)


def top(matcher: Matcher, question: str) -> Candidate:
    return matcher.rank(question)[0]


@pytest.mark.parametrize(
    ("question", "intent"),
    [
        ("what is the salery", "salary"),
        ("is relocaton offered", "relocation"),
        ("can I work remotly", "remote"),
    ],
)
def test_typos_match_the_word_they_misspell(matcher: Matcher, question: str, intent: str) -> None:
    assert top(matcher, question).intent == intent


def test_a_typo_of_a_synonym_counts_as_its_canonical_word(matcher: Matcher) -> None:
    # "comp" is a synonym of "salary" and appears in no example; "compp" is a typo of it.
    assert "comp" not in matcher.vocab
    assert top(matcher, "what is the compp").intent == "salary"


def test_two_words_for_one_thing_weigh_as_one(matcher: Matcher) -> None:
    # "comp" is a synonym of salary and "compp" a typo of it: each is the word "salary" again.
    synonym = top(matcher, "what is the salary or comp")
    typo = top(matcher, "what is the salary or compp")
    assert synonym.intent == typo.intent == "salary"
    assert typo.score == synonym.score == top(matcher, "what is the salary or").score


def test_a_typo_costs_a_little_confidence(matcher: Matcher) -> None:
    assert 0 < top(matcher, "what is the salery").score < top(matcher, "what is the salary").score


def test_only_words_of_four_letters_or_more_are_corrected(matcher: Matcher) -> None:
    # Under four letters a guess is more often wrong than right ("pay" is not "day").
    assert top(matcher, "ofice").intent == "location"
    assert top(matcher, "cty").score == 0


def test_a_typo_keeps_its_first_letter(matcher: Matcher) -> None:
    # "vemote" is one letter from "remote", but typos seldom change the first letter.
    assert top(matcher, "can I work vemote").score < top(matcher, "can I work xyzzy remote").score
    assert top(matcher, "can I work remite").intent == "remote"


def test_two_swapped_letters_are_one_typo_even_in_short_and_function_words(matcher: Matcher) -> None:
    # An edit ratio counts a swap as two edits ("teh" is 67 from "the"): the swap is undone instead.
    correct = top(matcher, "what is the salary").score
    swapped = top(matcher, "waht is teh salary")
    assert swapped.intent == "salary"
    assert 0.8 * correct < swapped.score < correct
    # A swapped function word no example uses weighs what a function word weighs, not what "zorp" does.
    assert top(matcher, "jsut the salary").score > top(matcher, "zorp the salary").score
    # The first letter stays: "hte" is not unswapped (nor is "ofr" taken for "for").
    assert matcher.features("hte") == ["hte"] and top(matcher, "hte salary").score < swapped.score


def test_function_words_and_short_words_are_corrected_only_on_a_near_certain_match() -> None:
    matcher = Matcher({"where": ["where is the office"], "pay": ["what is the pay"]}, {})
    assert top(matcher, "whre").intent == "where"  # one letter short of a function word: a typo
    assert top(matcher, "wherever").score == 0  # a real word a few letters from one is not
    assert top(matcher, "play").score == 0  # four letters, one dropped, is too easy to hit by chance


def test_a_function_word_no_example_uses_weighs_like_the_ones_they_do() -> None:
    matcher = Matcher(EXAMPLES, SYNONYMS)
    # "whether" is in no example; as a function word it costs what "is" or "the" costs, far less than a word
    # naming something no example knows ("penguins").
    function = top(matcher, "whether relocation is offered").score
    unknown = top(matcher, "penguins relocation is offered").score
    assert top(matcher, "whether relocation is offered").intent == "relocation"
    assert unknown < function < top(matcher, "relocation is offered").score


def test_a_long_question_padded_with_unknown_words_loses_less_than_each_word_would_cost(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    matcher = Matcher(EXAMPLES, SYNONYMS)
    question = (
        "forgive the long preamble: my partner, children and elderly parents would be moving with me, "
        "kindly advise, is relocation offered"
    )
    padded = top(matcher, question)
    assert padded.intent == "relocation"
    assert padded.score < top(matcher, "is relocation offered").score
    # Without the discount every unknown word would cost in full.
    monkeypatch.setattr(matcher_module, "PADDING_DISCOUNT", 1.0)
    assert top(matcher, question).score < 0.7 * padded.score
    # A short question with one or two unknown words is no padding: it costs the same either way.
    short = "is relocation offered in antarctica"
    undiscounted = top(matcher, short).score
    monkeypatch.undo()
    assert top(matcher, short).score == undiscounted


ASKING = ["i would be grateful if you could", "would you be so kind as to", "may i ask", "i was wondering"]


@pytest.mark.parametrize(
    ("framed", "bare"),
    [
        (
            "I would be grateful if you could tell me whether relocation is offered",
            "tell me whether relocation is offered",
        ),
        ("would you be so kind as to say whether relocation is offered", "say whether relocation is offered"),
        ("may I ask whether relocation is offered", "whether relocation is offered"),
        ("I was wondering whether relocation is offered", "whether relocation is offered"),
    ],
)
def test_a_request_frame_costs_nothing(framed: str, bare: str) -> None:
    # The frame says how the question is asked, not what about: the framed question scores as the bare one…
    framing = Matcher(EXAMPLES, build_synonyms({"salary": ["comp"]}, ASKING))
    assert top(framing, framed).intent == "relocation"
    assert top(framing, framed).score == top(framing, bare).score
    # …where its words would otherwise drag it down.
    assert (
        top(Matcher(EXAMPLES, build_synonyms({"salary": ["comp"]})), framed).score < top(framing, bare).score
    )


def test_a_frame_is_left_out_only_as_a_whole_phrase() -> None:
    framing = Matcher(EXAMPLES, build_synonyms({}, ["i would be grateful for"]))
    assert framing.features("I would be grateful for the salary") == framing.features("the salary")
    # "i would" alone frames nothing: without the rest of the phrase its words count as usual.
    assert framing.features("I would be happy with the salary") != framing.features("happy with the salary")


def test_padding_never_hides_a_second_question(matcher: Matcher) -> None:
    # Words another intent uses are no padding: the whole message stays below each of its questions.
    whole = top(matcher, "is relocation offered and what is the salary range for the role").score
    assert whole < top(matcher, "is relocation offered").score
    assert whole < top(matcher, "what is the salary range for the role").score


@pytest.mark.parametrize(
    ("question", "intent"),
    [("what's the comp", "salary"), ("what is the pay range", "salary"), ("can I work from home", "remote")],
)
def test_synonyms_including_phrases_map_to_their_canonical_word(
    matcher: Matcher, question: str, intent: str
) -> None:
    assert top(matcher, question).intent == intent


def test_a_synonym_scores_as_its_canonical_word(matcher: Matcher) -> None:
    assert top(matcher, "wfh?").score == top(matcher, "remote?").score


def test_a_rare_shared_word_outweighs_several_common_ones(matcher: Matcher) -> None:
    # "what is the ... for the role" shares four words with apply's example and only "salary" with salary's.
    question = "what is the salary for the role"
    ranking = matcher.rank(question)
    assert ranking[0].intent == "salary"
    assert ranking[0].example == "what is the salary range for the role"


def test_words_every_intent_uses_single_out_no_intent() -> None:
    topics = ["salary", "relocation", "visa", "benefits", "equity"]
    examples = {t: [f"can you tell me about the {t}", f"i would like to know the {t}"] for t in topics}
    matcher = Matcher(examples, {})
    common = matcher.rank("can you tell me about the", limit=len(topics))
    assert len({c.score for c in common}) == 1
    assert common[0].score < matcher.rank("can you tell me about the visa")[0].score / 1.5


def test_an_unrelated_question_scores_well_below_the_same_words_about_a_topic(matcher: Matcher) -> None:
    # Same sentence, one word changed: "weather" is no topic of this knowledge, "salary" is.
    unrelated = top(matcher, "what's the weather in paris today").score
    assert unrelated < 0.6 * top(matcher, "what's the salary in paris today").score
    assert top(matcher, "tell me a joke about penguins").score == 0


def test_candidates_are_ranked_scored_in_unit_range_and_explained(matcher: Matcher) -> None:
    ranking = matcher.rank("is relocation part of the package", limit=4)
    assert len(ranking) == 4
    assert [c.score for c in ranking] == sorted((c.score for c in ranking), reverse=True)
    assert all(0 <= c.score <= 1 for c in ranking)
    assert ranking[0].intent == "relocation"
    assert ranking[0].example in EXAMPLES["relocation"]
    assert len({c.intent for c in ranking}) == 4


def test_ranking_pads_with_unmatched_intents_up_to_the_limit(matcher: Matcher) -> None:
    ranking = matcher.rank("salary", limit=len(EXAMPLES))
    assert sorted(c.intent for c in ranking) == sorted(EXAMPLES)
    assert [c.score for c in ranking[1:]] == [0.0] * (len(EXAMPLES) - 1)


def test_an_exact_example_is_a_confident_match_even_for_an_intent_with_one_example() -> None:
    matcher = Matcher({"parking": ["is there parking"], "dress_code": ["what is the dress code"]}, {})
    assert TOP_EXAMPLES > 1  # else this proves nothing
    assert top(matcher, "is there parking").score > 0.8


def test_an_even_tie_is_broken_by_knowledge_order_both_ways() -> None:
    examples = {"reset_password": ["reset my password"], "change_password": ["change my password"]}
    forward = Matcher(examples, {}).rank("my password", limit=2)
    backward = Matcher(dict(reversed(examples.items())), {}).rank("my password", limit=2)
    assert forward[0].score == forward[1].score > 0
    assert [c.intent for c in forward] == ["reset_password", "change_password"]
    assert [c.intent for c in backward] == ["change_password", "reset_password"]


def test_a_question_between_two_intents_ranks_both_ahead_of_the_rest(matcher: Matcher) -> None:
    first, second, third = matcher.rank("remote or relocation", limit=3)
    assert {first.intent, second.intent} == {"relocation", "remote"}
    assert third.score < second.score / 2


def test_slack_markup_neither_helps_nor_hurts(matcher: Matcher) -> None:
    plain = top(matcher, "what is the salary range")
    marked = top(matcher, "<@U024BE7LH> what is the <https://example.com/jobs/1|salary range> <!here>")
    assert (marked.intent, marked.score) == (plain.intent, plain.score)


def test_numbers_match_by_shape() -> None:
    matcher = Matcher({"alarm": ["wake me up at 6am"], "timer": ["set a timer for 10 minutes"]}, {})
    assert top(matcher, "wake me up at 7am") == top(matcher, "wake me up at 6am")
    assert top(matcher, "a timer for 25 minutes").intent == "timer"


def test_an_empty_or_punctuation_question_matches_nothing(matcher: Matcher) -> None:
    for question in ("", "?!", "<@U1>"):
        assert all(c.score == 0 for c in matcher.rank(question))


def test_near_duplicates_across_intents_are_found_and_clean_knowledge_has_none(matcher: Matcher) -> None:
    assert matcher.confusables() == []
    examples = {
        **EXAMPLES,
        # A recruiter filed an office question under remote, next to location's own wording.
        "remote": [*EXAMPLES["remote"], "what is the office location exactly"],
    }
    found = Matcher(examples, SYNONYMS).confusables()
    assert [(c.intent, c.example, c.other) for c in found] == [
        ("remote", "what is the office location exactly", "location")
    ]
    assert found[0].other_example == "what is the office location"
    assert found[0].other_score > found[0].own_score


def word(i: int, j: int) -> str:
    """A made-up word of letters only (the matcher reads every digit as 0)."""
    return "".join("bcdfghjklm"[int(digit)] for digit in f"{i:03d}") + "aeio"[j] + "x"


def synthetic_knowledge(intents: int, per_intent: int, seed: int = 7) -> dict[str, list[str]]:
    """Intents that each own a few topic words, phrased with fillers every intent shares."""
    rng = random.Random(seed)
    fillers = ["please", "can you", "i want to", "tell me", "how do i", "what about", "my", "the", "now"]
    examples: dict[str, list[str]] = {}
    for i in range(intents):
        topic = [word(i, j) for j in range(4)]
        examples[f"intent_{i}"] = [
            f"{rng.choice(fillers)} {' '.join(rng.sample(topic, 2))} {rng.choice(fillers)} {n}"
            for n in range(per_intent)
        ]
    return examples


@pytest.mark.slow
def test_a_large_knowledge_set_builds_and_ranks_correctly() -> None:
    examples = synthetic_knowledge(150, 100)
    matcher = Matcher(examples, {})
    assert matcher.size == 15_000
    for i in range(0, 150, 7):
        ranking = matcher.rank(f"tell me about {word(i, 1)} and {word(i, 3)} please")
        assert ranking[0].intent == f"intent_{i}"
        assert ranking[0].score > 2 * ranking[1].score
    assert top(matcher, "something nobody has mentioned").score == 0


# ---- a posting's names over the shared matcher -----------------------------------------------------------

NAMES = build_synonyms({"company": ["Northwind"], "role": ["Registered Nurse", "charge nurse"]})


def test_a_named_view_ranks_as_a_matcher_built_with_the_names() -> None:
    examples = {**EXAMPLES, "company": ["tell me about the company", "what does the company do"]}
    matcher = Matcher(examples, SYNONYMS)
    assert not matcher.names_change_examples(NAMES)
    view = matcher.named(NAMES)
    built = Matcher(examples, {**SYNONYMS, **NAMES})
    # A typo of a one-word name is still the name, through the view only.
    assert view.rank("northwnd")[0].intent == "company" and view.rank("northwnd")[0].score > 0
    assert matcher.rank("northwnd")[0].score == 0
    for question in [
        "what is the registered nurse salary",
        "is the charge nurse role remote",
        "does northwnd cover relocation",  # a typo of a name
        "registerd nurse wfh?",
        "where is the office",
    ]:
        assert view.rank(question) == built.rank(question), question
        assert view.features(question) == built.features(question)
    assert view.vocab is matcher.vocab  # the index is shared, not copied
    assert matcher.rank("registered nurse salary") != view.rank("registered nurse salary")  # base untouched


def test_names_an_example_uses_change_the_examples(matcher: Matcher) -> None:
    # "office" is in the examples: a posting titled "Office" would read them differently, so it needs its own.
    assert matcher.names_change_examples(build_synonyms({"role": ["office"]}))
    # A name that would redirect a shared synonym changes how examples read too.
    assert matcher.names_change_examples({("comp",): ("company",)})
