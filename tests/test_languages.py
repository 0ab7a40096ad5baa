"""Questions in Spanish (or mixed with English): read through intents.yaml's `languages`, answered in English.

Through the CLI as a process on the bundled knowledge, and on small knowledge written here for what the
bundled one can't show (a word of both languages, a refused `languages` section).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from bot.knowledge.loader import load_knowledge
from bot.text import normalize
from tests.conftest import KNOWLEDGE
from tests.environment import run_cli
from tests.fixtures.kb import MINIMAL_POSTING, SALARY_RANGE, write_knowledge

# A salary intent for the small knowledge written here (indented as the fixtures' `intents:` items).
SALARY = """\
          - id: salary
            label: Salary
            topic: the salary
            examples: [what does it pay, how much is the salary]
            answer: Pay.
"""


def ask(*questions: str, knowledge: Path = KNOWLEDGE) -> list[dict[str, Any]]:
    result = run_cli("ask", "--knowledge", knowledge, "--json", "-", stdin="\n".join(questions) + "\n")
    assert result.returncode == 0, result.stderr
    return [json.loads(line) for line in result.stdout.splitlines()]


def test_spanish_questions_get_the_prepared_answers_in_english() -> None:
    salary, benefits, greeting, thanks = ask(
        "¿cuánto pagan por hora?",
        "hay seguro médico?",
        "hola, buenas tardes",
        "muchas gracias!",
    )
    assert salary["intents"] == ["salary"] and SALARY_RANGE in salary["text"]
    assert benefits["intents"] == ["benefits"]
    assert greeting["intents"] == ["greeting"]
    assert thanks["intents"] == ["thanks"]


def test_accents_are_optional() -> None:
    with_accents, without = ask("¿Cuánto pagan por hora?", "cuanto pagan por hora")
    assert with_accents["intents"] == without["intents"] == ["salary"]
    assert normalize("Résumé, ¿cuánto?") == normalize("resume cuanto") == "resume cuanto"


def test_two_questions_joined_by_y_are_both_answered() -> None:
    (reply,) = ask("cuanto pagan por hora y tienen seguro medico?")
    assert reply["intents"] == ["salary", "benefits"]


def test_a_sentence_about_oneself_before_spanish_questions_is_context() -> None:
    # Read as a question, "I worked three years…" would add an answer about the experience asked for.
    (reply,) = ask("Tengo 5 años de experiencia en Java. ¿Cuánto pagan y dan acciones?")
    assert reply["intents"] == ["salary", "equity"]


def test_a_foreign_word_is_never_a_typo_target() -> None:
    # "pagar" (to pay) is one letter from "pager": the English question must not be read as pay.
    pager, typo = ask("Am I on call for this? Who carries the pager?", "whats the compensaton")
    assert "salary" not in pager["intents"]
    assert typo["intents"] == ["salary"]  # English typos are still corrected


def test_english_synonyms_win_over_a_word_of_another_language(tmp_path: Path) -> None:
    intents = f"""\
        synonyms:
          salary: [pay, tips]
        languages:
          spanish:
            relocation: [tips, mudanza]
            insurance: [seguro]
        intents:
{SALARY}          - id: relocation
            label: Relocation
            topic: relocation
            examples: [do you help with relocation, is relocation covered]
            answer: Moving.
          - id: benefits
            label: Benefits
            topic: benefits
            examples: [what insurance do you offer, is there health insurance]
            answer: Insurance.
        """
    directory = write_knowledge(tmp_path / "kb", intents, {"acme-dev.yaml": MINIMAL_POSTING})
    knowledge = load_knowledge(directory)
    features = knowledge.posting(None).matcher.features
    assert features("tips") == features("pay")  # the English reading
    assert features("mudanza") == features("relocation")
    assert features("seguro") == features("insurance")
    tips, moving = ask("what are the tips", "do you help with mudanza", knowledge=directory)
    assert tips["intents"] == ["salary"]
    assert moving["intents"] == ["relocation"]


def test_a_foreign_word_read_through_an_english_synonym(tmp_path: Path) -> None:
    intents = f"""\
        synonyms:
          benefits: [insurance]
        languages:
          spanish:
            insurance: [seguro]
        intents:
          - id: benefits
            label: Benefits
            topic: benefits
            examples: [what benefits are there, tell me about the benefits]
            answer: Benefits.
{SALARY}        """
    directory = write_knowledge(tmp_path / "kb", intents, {"acme-dev.yaml": MINIMAL_POSTING})
    features = load_knowledge(directory).posting(None).matcher.features
    assert features("seguro") == features("insurance") == features("benefits")


@pytest.mark.parametrize(
    "section",
    [
        "languages: [sueldo, salario]\n",
        "languages:\n  spanish: [sueldo]\n",
        "languages:\n  spanish:\n    salary: sueldo\n",
    ],
)
def test_a_malformed_languages_section_is_refused_clearly(tmp_path: Path, section: str) -> None:
    bundled = (KNOWLEDGE / "intents.yaml").read_text(encoding="utf-8")
    start = bundled.index("\nlanguages:\n") + 1
    end = bundled.index("\nintents:\n") + 1
    directory = tmp_path / "kb"
    (directory / "postings").mkdir(parents=True)
    (directory / "intents.yaml").write_text(bundled[:start] + section + bundled[end:], encoding="utf-8")
    for posting in (KNOWLEDGE / "postings").iterdir():
        (directory / "postings" / posting.name).write_bytes(posting.read_bytes())
    result = run_cli("check", "--knowledge", directory)
    assert result.returncode != 0
    assert "languages" in result.stdout + result.stderr


def test_other_forms_of_a_listed_word_are_read_in_a_spanish_message() -> None:
    # "patrocina" is not listed; "patrocinar" is (under visa), and the message has listed words ("la").
    (visa,) = ask("¿La empresa patrocina a extranjeros?")
    assert visa["intents"] == ["visa"]
    features = load_knowledge(KNOWLEDGE).posting(None).matcher.features
    assert "week" in features("cuantas horas semanales")  # "semanal" is listed
    assert "week" not in features("semanales")  # alone, nothing says the message is Spanish


def test_an_english_message_is_never_read_through_another_language() -> None:
    # "residente" is listed (under visa); "resident" is Spanish-stemmed alike, but nothing here is Spanish.
    features = load_knowledge(KNOWLEDGE).posting(None).matcher.features
    assert "visa" not in features("I am a longtime resident of Loveland")
    assert "visa" in features("soy residente de Loveland")


def test_a_language_snowball_has_no_stemmer_for_is_read_by_its_listed_words(tmp_path: Path) -> None:
    intents = f"""\
        languages:
          klingon:
            salary: [qapla]
        intents:
{SALARY}        """
    directory = write_knowledge(tmp_path / "kb", intents, {"acme-dev.yaml": MINIMAL_POSTING})
    features = load_knowledge(directory).posting(None).matcher.features
    assert features("qapla") == features("salary")
    assert features("qaplaaa") != features("salary")  # no stems, and never a typo target
