"""Knowledge validation: every problem as `path:line: message`, all of them at once.

Each test starts from a valid directory (see `test_the_base_directory_is_valid`) and breaks one thing, so
the problem reported is caused by that one change.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.knowledge.loader import load_knowledge
from tests.conftest import KNOWLEDGE
from tests.environment import run_cli
from tests.fixtures.kb import MINIMAL_INTENTS, MINIMAL_POSTING, line_of, problems, write_knowledge

PROBLEM_LINE = re.compile(r"^(?P<path>.+?):(?P<line>\d+): (?P<message>.+)$")


@pytest.fixture
def base(tmp_path: Path) -> Path:
    return write_knowledge(tmp_path / "kb", MINIMAL_INTENTS, {"acme-dev.yaml": MINIMAL_POSTING})


def posting_problems(base: Path, text: str, name: str = "acme-dev.yaml") -> tuple[Path, list[str]]:
    path = base / "postings" / name
    path.write_text(text, encoding="utf-8")
    return path, problems(base)


def intents_problems(base: Path, text: str) -> tuple[Path, list[str]]:
    path = base / "intents.yaml"
    path.write_text(text, encoding="utf-8")
    return path, problems(base)


def test_the_base_directory_is_valid(base: Path) -> None:
    knowledge = load_knowledge(base)
    assert list(knowledge.postings) == ["acme-dev"]


# ---- postings ---------------------------------------------------------------------------------------


def test_yaml_syntax_error(base: Path) -> None:
    text = "id: acme-dev\ntitle: Developer\ncompany: Acme: Inc\n"
    path, found = posting_problems(base, text)
    assert len(found) == 1
    assert found[0].startswith(f"{path}:{line_of(text, 'company:')}: YAML syntax error")


def test_unknown_key_with_did_you_mean(base: Path) -> None:
    text = MINIMAL_POSTING + "salery:\n  min: 100000\n  max: 150000\n"
    path, found = posting_problems(base, text)
    assert found == [f"{path}:{line_of(text, 'salery:')}: unknown key 'salery' (did you mean 'salary'?)"]


def test_unknown_nested_key_with_did_you_mean(base: Path) -> None:
    text = MINIMAL_POSTING + "salary:\n  min: 100000\n  max: 150000\n  curency: USD\n"
    path, found = posting_problems(base, text)
    assert found == [f"{path}:{line_of(text, 'curency')}: unknown key 'curency' (did you mean 'currency'?)"]


def test_unknown_key_without_a_close_match_has_no_hint(base: Path) -> None:
    text = MINIMAL_POSTING + "zzzz: 1\n"
    path, found = posting_problems(base, text)
    assert found == [f"{path}:{line_of(text, 'zzzz')}: unknown key 'zzzz'"]


def test_wrong_type(base: Path) -> None:
    text = MINIMAL_POSTING + "salary:\n  min: 100000\n  max: lots\n"
    path, found = posting_problems(base, text)
    assert len(found) == 1
    assert found[0].startswith(f"{path}:{line_of(text, 'max: lots')}: salary.max: ")
    assert "'lots'" in found[0]


def test_yes_no_fact_must_be_yes_or_no(base: Path) -> None:
    text = MINIMAL_POSTING + "relocation:\n  provided: sometimes\n"
    path, found = posting_problems(base, text)
    assert len(found) == 1
    assert found[0].startswith(f"{path}:{line_of(text, 'provided')}: relocation.provided: ")


def test_salary_min_above_max(base: Path) -> None:
    text = MINIMAL_POSTING + "salary:\n  min: 250000\n  max: 120000\n"
    path, found = posting_problems(base, text)
    assert found == [
        f"{path}:{line_of(text, 'salary:')}: salary: salary min (250,000) is above max (120,000)"
    ]


def test_missing_required_key(base: Path) -> None:
    text = "id: acme-dev\ntitle: Developer\n"
    path, found = posting_problems(base, text)
    assert found == [f"{path}:1: company: required key is missing"]


def test_posting_id_differs_from_file_name(base: Path) -> None:
    text = "title: Developer\nid: acme-developer\ncompany: Acme\n"
    path, found = posting_problems(base, text)
    assert found == [
        f"{path}:{line_of(text, 'id:')}: "
        "posting id 'acme-developer' differs from its file name 'acme-dev.yaml'"
    ]


def test_duplicate_yaml_keys(base: Path) -> None:
    # PyYAML would silently keep the second title; a recruiter's edit would vanish.
    text = "id: acme-dev\ntitle: Developer\ncompany: Acme\ntitle: Senior Developer\n"
    path, found = posting_problems(base, text)
    assert found == [f"{path}:{line_of(text, 'title:', 2)}: duplicate key 'title'"]


def test_duplicate_keys_nested(base: Path) -> None:
    text = MINIMAL_POSTING + "salary:\n  min: 1\n  max: 5\n  min: 2\n"
    path, found = posting_problems(base, text)
    assert found == [f"{path}:{line_of(text, 'min:', 2)}: duplicate key 'min'"]


def test_posting_must_be_a_mapping(base: Path) -> None:
    path, found = posting_problems(base, "- id: acme-dev\n")
    assert len(found) == 1
    assert found[0].startswith(f"{path}:1: ") and "mapping" in found[0]


# ---- intents.yaml -----------------------------------------------------------------------------------

TWO_INTENTS = """\
intents:
  - id: salary
    examples:
      - what does it pay
      - how much is the salary
    answer: "The salary starts at ${salary.min|number}."
  - id: relocation
    examples:
      - is relocation covered
      - do you help me relocate
    answer: "{if relocation.provided}Yes.{else}No.{end}"
"""


def test_two_intents_fixture_is_valid(base: Path) -> None:
    assert intents_problems(base, TWO_INTENTS)[1] == []


def test_intent_defined_twice(base: Path) -> None:
    text = TWO_INTENTS + "  - id: salary\n    examples: [what is the comp]\n    answer: Plenty.\n"
    path, found = intents_problems(base, text)
    assert found == [f"{path}:{line_of(text, '- id: salary', 2)}: intent 'salary' is defined twice"]


def test_same_example_under_two_intents(base: Path) -> None:
    text = TWO_INTENTS.replace("do you help me relocate", "how much is the salary")
    path, found = intents_problems(base, text)
    line = line_of(text, "how much is the salary", 2)
    assert found == [
        f"{path}:{line}: example 'how much is the salary' of 'relocation' is also an example of 'salary'"
    ]


def test_same_example_after_normalisation(base: Path) -> None:
    # Case, punctuation and contractions don't make two examples different to the matcher.
    text = TWO_INTENTS.replace("do you help me relocate", "How much IS the Salary?!")
    path, found = intents_problems(base, text)
    assert len(found) == 1
    assert found[0].startswith(f"{path}:{line_of(text, 'Salary?!')}: example ")


def test_template_refers_to_unknown_fact(base: Path) -> None:
    text = TWO_INTENTS.replace("{salary.min|number}", "{salary.minimum|number}")
    path, found = intents_problems(base, text)
    assert found == [
        f"{path}:{line_of(text, 'salary.minimum')}: template refers to '{{salary.minimum}}', "
        "which is not a posting fact"
    ]


def test_template_refers_to_unknown_top_level_fact(base: Path) -> None:
    text = TWO_INTENTS.replace("{salary.min|number}", "{wage}")
    path, found = intents_problems(base, text)
    assert found == [
        f"{path}:{line_of(text, '{wage}')}: template refers to '{{wage}}', which is not a posting fact"
    ]


def test_asking_phrases_are_a_list_of_phrases(base: Path) -> None:
    text = "asking: [may i ask, '']\n" + MINIMAL_INTENTS
    path, found = intents_problems(base, text)
    assert len(found) == 1 and found[0].startswith(f"{path}:1: asking.1: "), found
    valid = "asking: [may i ask, i was wondering]\n" + MINIMAL_INTENTS
    assert intents_problems(base, valid)[1] == []
    assert load_knowledge(base).posting().matcher.features("may I ask what is the salary range") == (
        load_knowledge(base).posting().matcher.features("what is the salary range")
    )


def test_intent_with_no_examples(base: Path) -> None:
    text = TWO_INTENTS + "  - id: visa\n    examples: []\n    answer: No idea.\n"
    path, found = intents_problems(base, text)
    assert len(found) == 1
    assert found[0].startswith(f"{path}:{line_of(text, 'examples: []')}: intents.2.examples: ")


def test_intent_without_examples_key(base: Path) -> None:
    text = TWO_INTENTS + "  - id: visa\n    answer: No idea.\n"
    path, found = intents_problems(base, text)
    assert found == [f"{path}:{line_of(text, '- id: visa')}: intents.2.examples: required key is missing"]


def test_unknown_intent_key_with_did_you_mean(base: Path) -> None:
    text = TWO_INTENTS.replace("  - id: relocation\n    examples:", "  - id: relocation\n    exmaples:")
    path, found = intents_problems(base, text)
    assert f"{path}:{line_of(text, 'exmaples')}: unknown key 'exmaples' (did you mean 'examples'?)" in found


def test_bad_intent_id(base: Path) -> None:
    text = TWO_INTENTS.replace("- id: relocation", "- id: Relocation Help")
    path, found = intents_problems(base, text)
    assert len(found) == 1
    assert found[0].startswith(f"{path}:{line_of(text, 'Relocation Help')}: intents.1.id: ")


def test_posting_answer_for_unknown_intent(base: Path) -> None:
    text = MINIMAL_POSTING + "answers:\n  salery: It pays well.\n"
    path, found = posting_problems(base, text)
    assert found == [f"{path}:{line_of(text, 'salery:')}: answer for unknown intent 'salery'"]


def test_directory_without_postings(tmp_path: Path) -> None:
    directory = write_knowledge(tmp_path / "kb", MINIMAL_INTENTS, {})
    assert problems(directory) == [
        f"{directory / 'postings'}:1: no postings: add at least one postings/<id>.yaml"
    ]


def test_directory_without_intents_file(tmp_path: Path) -> None:
    directory = tmp_path / "kb"
    (directory / "postings").mkdir(parents=True)
    found = problems(directory)
    assert len(found) == 1
    assert found[0].startswith(f"{directory / 'intents.yaml'}:1: ")


# ---- all problems at once ---------------------------------------------------------------------------

BROKEN_INTENTS = """\
intents:
  - id: salary
    examples:
      - what does it pay
      - how much is the salary
    answer: "The salary starts at ${salary.lowest|number}."
  - id: relocation
    examples:
      - is relocation covered
      - how much is the salary
    answer: "{if relocation.provided}Yes.{else}No.{end}"
  - id: salary
    examples: [what is the comp]
    answer: Plenty.
  - id: visa
    examples: []
    answer: No idea.
"""

# Several problems in one posting, one in another, and a file that doesn't parse at all.
BROKEN_POSTING = """\
id: acme-developer
title: Developer
company: Acme
salery: 5
salary:
  min: 10
  max: lots
title: Senior Developer
"""
SWAPPED_SALARY = """\
id: beta-dev
title: Developer
company: Beta
salary:
  min: 300000
  max: 100000
"""
UNPARSABLE = """\
id: gamma-dev
title: Developer
company: Gamma: Inc
"""


def expected_problems(directory: Path) -> list[tuple[str, int, str]]:
    """(file, line, start of message) for every problem planted in the broken directory."""
    intents, acme = directory / "intents.yaml", directory / "postings" / "acme-dev.yaml"
    beta, gamma = directory / "postings" / "beta-dev.yaml", directory / "postings" / "gamma-dev.yaml"
    return [
        (str(intents), line_of(BROKEN_INTENTS, "salary.lowest"), "template refers to '{salary.lowest}'"),
        (
            str(intents),
            line_of(BROKEN_INTENTS, "how much is the salary", 2),
            "example 'how much is the salary'",
        ),
        (str(intents), line_of(BROKEN_INTENTS, "- id: salary", 2), "intent 'salary' is defined twice"),
        (str(intents), line_of(BROKEN_INTENTS, "examples: []"), "intents.3.examples: "),
        (str(acme), line_of(BROKEN_POSTING, "id:"), "posting id 'acme-developer' differs from its file name"),
        (str(acme), line_of(BROKEN_POSTING, "salery"), "unknown key 'salery' (did you mean 'salary'?)"),
        (str(acme), line_of(BROKEN_POSTING, "max: lots"), "salary.max: "),
        (str(acme), line_of(BROKEN_POSTING, "title:", 2), "duplicate key 'title'"),
        (
            str(beta),
            line_of(SWAPPED_SALARY, "salary:"),
            "salary: salary min (300,000) is above max (100,000)",
        ),
        (str(gamma), line_of(UNPARSABLE, "company:"), "YAML syntax error"),
    ]


@pytest.fixture
def broken(tmp_path: Path) -> Path:
    return write_knowledge(
        tmp_path / "broken",
        BROKEN_INTENTS,
        {"acme-dev.yaml": BROKEN_POSTING, "beta-dev.yaml": SWAPPED_SALARY, "gamma-dev.yaml": UNPARSABLE},
    )


def parse_problem(line: str) -> tuple[str, int, str]:
    match = PROBLEM_LINE.match(line)
    assert match, f"not a path:line: message line: {line!r}"
    return match["path"], int(match["line"]), match["message"]


def assert_all_reported(found: list[str], directory: Path) -> None:
    parsed = [parse_problem(line) for line in found]
    expected = expected_problems(directory)
    for path, line, message in expected:
        hits = [p for p in parsed if p[0] == path and p[1] == line and p[2].startswith(message)]
        assert hits, f"missing {path}:{line}: {message}…\nreported:\n" + "\n".join(found)
    assert len(parsed) == len(expected), "\n".join(found)
    # In file order, so a recruiter can work down the list.
    assert [(p[0], p[1]) for p in parsed] == sorted((p[0], p[1]) for p in parsed)


def test_every_problem_is_reported_at_once(broken: Path) -> None:
    assert_all_reported(problems(broken), broken)


@pytest.mark.e2e
def test_check_exits_1_with_one_path_line_message_per_problem(broken: Path) -> None:
    result = run_cli("check", "--knowledge", broken)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    assert_all_reported(result.stdout.splitlines(), broken)


@pytest.mark.e2e
def test_check_passes_on_the_bundled_knowledge() -> None:
    result = run_cli("check", "--knowledge", KNOWLEDGE)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "pinterest-backend-engineer" in result.stdout
    assert not any(PROBLEM_LINE.match(line) for line in result.stdout.splitlines())


@pytest.mark.e2e
def test_check_uses_knowledge_dir_from_the_environment(broken: Path) -> None:
    result = run_cli("check", env={"KNOWLEDGE_DIR": str(broken)})
    assert result.returncode == 1
    assert_all_reported(result.stdout.splitlines(), broken)


@pytest.mark.e2e
def test_check_on_a_missing_directory(tmp_path: Path) -> None:
    result = run_cli("check", "--knowledge", tmp_path / "nowhere")
    assert result.returncode == 1
    assert result.stdout.splitlines() == [f"{tmp_path / 'nowhere'}:1: knowledge directory not found"]
