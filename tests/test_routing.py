"""Several postings: which one a question is about (channel tie, named role, DEFAULT_POSTING, or ask),
each posting's own answers and intents, and `check` over every posting and channel tie."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from bot.knowledge.loader import load_knowledge
from bot.routing import ASK_TEXT, route
from tests.environment import run_cli
from tests.fixtures.kb import SALARY_RANGE, line_of
from tests.fixtures.recruiter import EXAMPLE, EXAMPLE_CHANNEL, SEED, ChatProcess, multi_posting_knowledge

EXAMPLE_SALARY = "$95,000\u2013$140,000 USD"


@pytest.fixture
def knowledge(tmp_path: Path) -> Path:
    return multi_posting_knowledge(tmp_path / "kb")


def ask(knowledge: Path, question: str, *options: str, env: dict[str, str] | None = None) -> dict[str, Any]:
    result = run_cli("ask", "--knowledge", knowledge, "--json", *options, question, env=env)
    assert result.returncode == 0, result.stderr
    reply: dict[str, Any] = json.loads(result.stdout)
    return reply


# ---- by the role a question names ----------------------------------------------------------------------


@pytest.mark.e2e
@pytest.mark.parametrize(
    ("question", "posting", "says"),
    [
        ("salary for the data engineer role?", EXAMPLE, EXAMPLE_SALARY),
        ("what does the data enginer job pay", EXAMPLE, EXAMPLE_SALARY),  # a typo in the title
        ("how much does the backend engineer position pay?", SEED, SALARY_RANGE),
        ("backend developer salary", SEED, SALARY_RANGE),  # an alias
        ("what's the pay at Example Data Co.?", EXAMPLE, EXAMPLE_SALARY),  # the only posting at a company
    ],
)
def test_a_question_naming_a_role_is_routed_to_it(
    knowledge: Path, question: str, posting: str, says: str
) -> None:
    reply = ask(knowledge, question)
    assert reply["posting"] == posting
    assert reply["intents"] == ["salary"]
    assert says in reply["text"]


def test_a_shared_word_alone_names_no_role(knowledge: Path) -> None:
    loaded = load_knowledge(knowledge)
    for question in (
        "what does an engineer earn?",
        "which backend technologies do you use?",
        "is there data",
    ):
        routed = route(loaded, question)
        assert routed.posting is None and routed.how == "ask", question


# ---- by asking, or by DEFAULT_POSTING --------------------------------------------------------------------


@pytest.mark.e2e
def test_an_unrouted_question_asks_which_role_then_answers_it(knowledge: Path) -> None:
    with ChatProcess("--knowledge", knowledge) as chat:
        asked = chat.ask("is relocation covered?", "(type a number)")
        assert ASK_TEXT in asked
        assert "1. Backend Engineer at Pinterest" in asked and "2. Data Engineer at Example Data Co." in asked
        # The choice answers the original question, for that role.
        assert "Up to $5,000 of moving costs are covered." in chat.ask("2", "moving costs")
        chat.ask("is relocation covered?", "(type a number)")
        chat.ask("1", "Relocation assistance is not provided")
        # A question that names its role is answered straight away.
        reply = chat.ask("salary for the data engineer role?", EXAMPLE_SALARY)
        assert ASK_TEXT not in reply
    assert chat.process.returncode == 0, chat.stderr


@pytest.mark.e2e
def test_ask_without_a_route_or_default_is_a_clear_error(knowledge: Path) -> None:
    result = run_cli("ask", "--knowledge", knowledge, "is relocation covered?")
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1
    assert "--posting" in result.stderr and SEED in result.stderr and EXAMPLE in result.stderr


@pytest.mark.e2e
def test_ask_from_stdin_reports_an_unrouted_line_and_answers_the_rest(knowledge: Path) -> None:
    questions = ["salary for the data engineer role?", "is relocation covered?", "backend engineer salary"]
    result = run_cli("ask", "--knowledge", knowledge, "-", stdin="\n".join(questions) + "\n")
    assert result.returncode == 2
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [line["question"] for line in lines] == questions
    assert lines[0]["posting"] == EXAMPLE and lines[2]["posting"] == SEED
    assert "--posting" in lines[1]["error"] and "posting" not in lines[1]


@pytest.mark.e2e
def test_default_posting_answers_what_names_no_role(knowledge: Path) -> None:
    reply = ask(knowledge, "is relocation covered?", env={"DEFAULT_POSTING": EXAMPLE})
    assert reply["posting"] == EXAMPLE
    assert "Up to $5,000" in reply["text"]
    # A named role still wins over the default.
    assert ask(knowledge, "backend engineer salary", env={"DEFAULT_POSTING": EXAMPLE})["posting"] == SEED


@pytest.mark.e2e
def test_an_unknown_default_posting_is_a_clear_error(knowledge: Path) -> None:
    result = run_cli("ask", "--knowledge", knowledge, "relocation?", env={"DEFAULT_POSTING": "nope"})
    assert result.returncode == 2
    assert "DEFAULT_POSTING" in result.stderr and "nope" in result.stderr


@pytest.mark.e2e
def test_explicit_posting_beats_routing(knowledge: Path) -> None:
    reply = ask(knowledge, "salary for the data engineer role?", "--posting", SEED)
    assert reply["posting"] == SEED and SALARY_RANGE in reply["text"]


# ---- by channel ----------------------------------------------------------------------------------------


def test_a_channel_tied_to_a_posting_routes_to_it(knowledge: Path) -> None:
    loaded = load_knowledge(knowledge)
    assert route(loaded, "is relocation covered?", channel=EXAMPLE_CHANNEL).posting == EXAMPLE
    # The recruiter tied the channel on purpose: a role named in passing doesn't pull the question away.
    tied = route(loaded, "do I need backend engineer experience?", channel=EXAMPLE_CHANNEL)
    assert (tied.posting, tied.how) == (EXAMPLE, "channel")
    assert route(loaded, "is relocation covered?", channel="C0OTHER").how == "ask"
    assert route(loaded, "is relocation covered?", channel="C0OTHER", default_posting=SEED).posting == SEED


def test_one_posting_needs_no_routing(tmp_path: Path) -> None:
    only = multi_posting_knowledge(tmp_path / "kb")
    (only / "postings" / f"{SEED}.yaml").unlink()
    routed = route(load_knowledge(only), "salary for the backend engineer role?")
    assert (routed.posting, routed.how) == (EXAMPLE, "only")


# ---- each posting's own answers and intents --------------------------------------------------------------


@pytest.mark.e2e
def test_a_posting_overrides_a_shared_answer(knowledge: Path) -> None:
    example = ask(knowledge, "what skills do I need?", "--posting", EXAMPLE)
    seed = ask(knowledge, "what skills do I need?", "--posting", SEED)
    assert example["intents"] == seed["intents"] == ["skills"]
    assert example["text"] == "The posting asks for Python, SQL, Apache Spark, and Airflow."
    assert "common technologies for RESTful APIs" in seed["text"]  # the shared answer


@pytest.mark.e2e
def test_an_extra_intent_belongs_to_its_posting_only(knowledge: Path) -> None:
    example = ask(knowledge, "is there an on-call rotation?", "--posting", EXAMPLE)
    assert example["intents"] == ["on_call"]
    assert "one week in six" in example["text"].lower()
    seed = ask(knowledge, "is there an on-call rotation?", "--posting", SEED)
    assert "on_call" not in seed["intents"]
    assert all(c["intent"] != "on_call" for c in seed["candidates"])


@pytest.mark.e2e
def test_eval_runs_per_posting(knowledge: Path, tmp_path: Path) -> None:
    cases = tmp_path / "cases.yaml"
    cases.write_text("- {question: 'will I be on call?', expect: on_call}\n", encoding="utf-8")
    result = run_cli("eval", "--knowledge", knowledge, "--posting", EXAMPLE, "--json", cases)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["accuracy"] == 1.0
    # The seed posting has no such intent: the case itself is flagged.
    result = run_cli("eval", "--knowledge", knowledge, "--posting", SEED, cases)
    assert result.returncode == 1
    assert "unknown intent 'on_call'" in result.stderr


# ---- check ---------------------------------------------------------------------------------------------


@pytest.mark.e2e
def test_check_validates_every_posting(knowledge: Path) -> None:
    result = run_cli("check", "--knowledge", knowledge)
    assert result.returncode == 0, result.stdout
    assert f"2 posting(s): {EXAMPLE}, {SEED}" in result.stdout


@pytest.mark.e2e
def test_check_rejects_a_channel_tied_to_two_postings(knowledge: Path) -> None:
    seed = knowledge / "postings" / f"{SEED}.yaml"
    text = seed.read_text(encoding="utf-8") + f"channels: [C0BACKEND, {EXAMPLE_CHANNEL}]\n"
    seed.write_text(text, encoding="utf-8")
    result = run_cli("check", "--knowledge", knowledge)
    assert result.returncode == 1
    line = line_of(text, "channels:")
    assert result.stdout.strip() == (
        f"{seed}:{line}: channel {EXAMPLE_CHANNEL} is already tied to posting '{EXAMPLE}'"
    )


@pytest.mark.e2e
def test_check_rejects_a_duplicate_posting_id(knowledge: Path) -> None:
    original = knowledge / "postings" / f"{EXAMPLE}.yaml"
    twin = knowledge / "postings" / f"{EXAMPLE}.yml"
    shutil.copy(original, twin)
    result = run_cli("check", "--knowledge", knowledge)
    assert result.returncode == 1
    line = line_of(original.read_text(encoding="utf-8"), "id: ")
    assert f"{twin}:{line}: posting id '{EXAMPLE}' is also used by '{original.name}'" in result.stdout


@pytest.mark.e2e
@pytest.mark.parametrize(
    ("addition", "message"),
    [
        ("answers:\n  perks: Free lunch.\n", "answer for unknown intent 'perks'"),
        (
            "intents:\n  - id: salary\n    examples: [what is the bonus]\n    answer: No bonus.\n",
            "intent 'salary' is defined twice",
        ),
        (
            "intents:\n  - id: bonus\n    examples: [what does it pay]\n    answer: No bonus.\n",
            "is also an example of 'salary'",
        ),
    ],
)
def test_check_rejects_bad_per_posting_answers_and_intents(
    knowledge: Path, addition: str, message: str
) -> None:
    seed = knowledge / "postings" / f"{SEED}.yaml"
    seed.write_text(seed.read_text(encoding="utf-8") + addition, encoding="utf-8")
    result = run_cli("check", "--knowledge", knowledge)
    assert result.returncode == 1
    assert any(line.startswith(f"{seed}:") and message in line for line in result.stdout.splitlines()), (
        result.stdout
    )
