"""Where `answer()` and the matcher's top-1 could differ: splitting a message into several questions."""

from __future__ import annotations

import pytest

from bot.answer import answer
from bot.knowledge.loader import Knowledge, load_knowledge
from tests.fixtures.kb import MINIMAL_POSTING, write_knowledge

INTENTS = """\
settings:
  threshold: 0.2
  margin: 0.02
intents:
  - id: translate
    examples:
      - how do I say thank you in french
      - translate good morning to spanish
      - what is goodbye in german
    answer: Translation.
  - id: user_name
    examples: [what is my name, tell me my name, what do you call me]
    answer: Your name.
  - id: salary
    examples: [what is the salary, how much does it pay, what is the pay range]
    answer: Salary.
  - id: relocation
    examples: [is relocation covered, do you help me relocate, is there relocation assistance]
    answer: Relocation.
"""


@pytest.fixture(scope="module")
def knowledge(tmp_path_factory: pytest.TempPathFactory) -> Knowledge:
    directory = tmp_path_factory.mktemp("kb")
    return load_knowledge(write_knowledge(directory, INTENTS, {"acme-dev.yaml": MINIMAL_POSTING}))


def test_a_lead_in_clause_does_not_become_a_second_question(knowledge: Knowledge) -> None:
    # "please tell me" alone clears the threshold for user_name, but matches worse than the whole message.
    reply = answer(knowledge, "please tell me, how do I say thank you in french")
    assert reply.intents == ["translate"]
    assert answer(knowledge, "please tell me").intents == ["user_name"]


def test_two_real_questions_are_both_answered_in_order(knowledge: Knowledge) -> None:
    assert answer(knowledge, "what is the salary, and is relocation covered?").intents == [
        "salary",
        "relocation",
    ]
    assert answer(knowledge, "is relocation covered? what's the pay range").intents == [
        "relocation",
        "salary",
    ]


@pytest.mark.parametrize("joiner", ["+", "&", "n"])
def test_a_terse_joiner_separates_two_questions(knowledge: Knowledge, joiner: str) -> None:
    assert answer(knowledge, f"pay range {joiner} relocation assistance?").intents == ["salary", "relocation"]
