"""Answer templates: facts in, text out — and nothing but posting facts can ever be reached."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path
from typing import Any

import pytest

from bot.knowledge.templates import MissingFact, TemplateError, lookup, parse
from tests.environment import run_cli
from tests.fixtures.kb import MINIMAL_POSTING, line_of, problems, write_knowledge

FACTS: dict[str, Any] = {
    "title": "Developer",
    "company": "Acme",
    "teams": ["Core", "Ads", "Search"],
    "salary": {"min": 118938.0, "max": 244872.5, "currency": "USD"},
    "relocation": {"provided": False},
    "equity": {"provided": True, "detail": "RSUs vest over four years."},
}


def render(source: str, facts: dict[str, Any] | None = None) -> str:
    return parse(source).render(FACTS if facts is None else facts)


# ---- the language -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("{title} at {company}", "Developer at Acme"),
        ("${salary.min|number}", "$118,938"),
        ("${salary.max|number}", "$244,872.50"),
        ("{teams|list}", "Core, Ads, and Search"),
        ("{teams|or_list}", "Core, Ads, or Search"),
        ("{teams}", "Core, Ads, and Search"),
        ("{teams|bullets}", "• Core\n• Ads\n• Search"),
        ("{company|lower}", "acme"),
        ("{relocation.provided|yes_no}", "no"),
        ("{equity.provided}", "yes"),
        ("{{title}} is {title}", "{title} is Developer"),
        (
            "{if equity.provided}Equity: {equity.detail}{else}No equity.{end}",
            "Equity: RSUs vest over four years.",
        ),
        ("{if relocation.provided}Relocation.{else}No relocation.{end}", "No relocation."),
        ("{if known benefits}Benefits: {benefits|list}.{end}", ""),
        ("Pay. {if known benefits}Benefits.{end} Equity.", "Pay. Equity."),
        ("{if known relocation.provided}stated{else}unstated{end}", "stated"),  # known = present, even if no
        (
            "{if equity.provided}{if known equity.detail}{equity.detail}{end}{end}",
            "RSUs vest over four years.",
        ),
        ("{ if  equity.provided }yes{ end }", "yes"),
    ],
)
def test_rendering(source: str, expected: str) -> None:
    assert render(source) == expected


def test_two_item_list_has_no_comma() -> None:
    assert render("{teams|list}", {"teams": ["Core", "Monetization"]}) == "Core and Monetization"


@pytest.mark.parametrize(
    "source", ["{benefits}", "{salary.period}", "{if visa.provided}x{end}", "a {recruiter.name|lower}"]
)
def test_an_absent_fact_raises_missing_fact(source: str) -> None:
    with pytest.raises(MissingFact):
        render(source)


def test_missing_fact_names_the_path() -> None:
    with pytest.raises(MissingFact) as caught:
        render("Pay: {salary.period}")
    assert caught.value.path == "salary.period"


def test_paths_lists_every_fact_mentioned() -> None:
    template = parse("{title} {if known salary}{salary.min|number}{else}{company}{end}")
    assert template.paths() == {"title", "salary", "salary.min", "company"}


def test_fact_text_is_data_not_template() -> None:
    # A fact that looks like a template (or a shell variable) is printed as written, never expanded.
    facts = {"title": "{os.environ} ${SLACK_BOT_TOKEN} {title.__class__} %(x)s"}
    assert render("Role: {title}", facts) == "Role: {os.environ} ${SLACK_BOT_TOKEN} {title.__class__} %(x)s"


def test_lookup_walks_plain_data_only() -> None:
    # Even a template that got past `check` can't reach an attribute: lookups are dict keys, nothing else.
    assert lookup(FACTS, "title.__class__") is None
    assert lookup(FACTS, "salary.min.real") is None
    assert lookup(FACTS, "teams.__len__") is None
    with pytest.raises(MissingFact):
        parse("{title.__class__.__mro__}").render(FACTS)


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("{title|upper}", "unknown filter 'upper'"),
        ("{if equity.provided}yes", "'{if equity.provided}' is never closed with '{end}'"),
        ("{if equity.provided}{if known equity.detail}x{end}", "is never closed"),
        ("yes{end}", "'{end}' without a matching '{if …}'"),
        ("{else}no", "'{else}' without a matching '{if …}'"),
        ("{if equity.provided}a{else}b{else}c{end}", "'{else}' without a matching '{if …}'"),
        ("pay { 100", "unmatched '{'"),
        ("pay } 100", "unmatched '}'"),
        ("{}", "is not a fact or a tag"),
        ("{salary.min!r}", "is not a fact or a tag"),
        ("{0.__class__}", "is not a fact or a tag"),
        ("{salary.min:>20}", "is not a fact or a tag"),
        ("{salary[min]}", "is not a fact or a tag"),
        ("{Title}", "is not a fact or a tag"),
    ],
)
def test_invalid_syntax(source: str, message: str) -> None:
    with pytest.raises(TemplateError, match=None) as caught:
        parse(source)
    assert message in str(caught.value)


# ---- what `check` refuses, with line numbers ---------------------------------------------------------

# Templates that try to reach past posting facts: Python objects, settings, the environment, operational
# settings of the posting, and str.format tricks.
ESCAPES = [
    "{__class__}",
    "{salary.__class__}",
    "{salary.min.__class__.__mro__}",
    "{title.__init__.__globals__}",
    "{title.upper}",
    "{company_info.mission.__len__}",
    "{settings.slack_bot_token}",
    "{slack_bot_token}",
    "{os.environ}",
    "{environ}",
    "{self}",
    "{posting}",
    "{aliases}",
    "{channels}",
    "{answers.salary}",
    "{intents}",
    "{if settings.slack_bot_token}x{end}",
    "{if known os.environ}x{end}",
    "{salary.min!r}",
    "{salary.min!s}",
    "{0.__class__}",
    "{0}",
    "{salary.min:x}",
    "{salary.min.__class__|number}",
]

INTENT = """\
intents:
  - id: salary
    examples:
      - what does it pay
      - how much is the salary
    answer: {answer}
    missing: {missing}
"""


def quoted(template: str) -> str:
    return json.dumps(template)  # a JSON string is a valid YAML double-quoted scalar


@pytest.mark.parametrize("template", ESCAPES)
def test_check_rejects_an_escaping_answer(tmp_path: Path, template: str) -> None:
    text = INTENT.format(answer=quoted(template), missing="The posting doesn't say.")
    directory = write_knowledge(tmp_path / "kb", text, {"acme-dev.yaml": MINIMAL_POSTING})
    found = problems(directory)
    assert len(found) == 1, found
    assert found[0].startswith(f"{directory / 'intents.yaml'}:{line_of(text, 'answer:')}: template")


@pytest.mark.parametrize("template", ["{os.environ}", "{salary.__class__}", "{settings.slack_bot_token}"])
def test_check_rejects_an_escaping_missing_reply(tmp_path: Path, template: str) -> None:
    text = INTENT.format(answer="Paid.", missing=quoted(template))
    directory = write_knowledge(tmp_path / "kb", text, {"acme-dev.yaml": MINIMAL_POSTING})
    assert [p.split(": ")[0] for p in problems(directory)] == [
        f"{directory / 'intents.yaml'}:{line_of(text, 'missing:')}"
    ]


@pytest.mark.parametrize("template", ["{os.environ}", "{topic.__class__}", "{settings.slack_signing_secret}"])
def test_check_rejects_an_escaping_message(tmp_path: Path, template: str) -> None:
    text = INTENT.format(answer="Paid.", missing="Unknown.") + f"messages:\n  missing: {quoted(template)}\n"
    directory = write_knowledge(tmp_path / "kb", text, {"acme-dev.yaml": MINIMAL_POSTING})
    found = problems(directory)
    assert len(found) == 1, found
    assert found[0].startswith(f"{directory / 'intents.yaml'}:{line_of(text, '  missing: ', 2)}: template")


@pytest.mark.parametrize("template", ["{os.environ}", "{__class__}", "{salary.min!r}"])
def test_check_rejects_an_escaping_posting_answer(tmp_path: Path, template: str) -> None:
    text = INTENT.format(answer="Paid.", missing="Unknown.")
    posting = MINIMAL_POSTING + f"answers:\n  salary: {quoted(template)}\n"
    directory = write_knowledge(tmp_path / "kb", text, {"acme-dev.yaml": posting})
    found = problems(directory)
    assert len(found) == 1, found
    path = directory / "postings" / "acme-dev.yaml"
    assert found[0].startswith(f"{path}:{line_of(posting, 'salary:')}: template")


@pytest.mark.parametrize(
    ("template", "hint"),
    [
        ("{salary}", "{salary.min}, {salary.max}, {salary.currency}"),
        ("{recruiter}", "{recruiter.name}"),
        ("{facts}", "{facts.<name>}"),
        ("{requirements|list}", "{requirements.experience_years}"),
    ],
)
def test_check_rejects_printing_a_group_of_facts(tmp_path: Path, template: str, hint: str) -> None:
    # Printed whole, a group would show candidates a Python dict; testing it with {if known} is fine.
    answer = f"{{if known salary}}{{salary.min|number}}{{end}} {template}"
    text = INTENT.format(answer=quoted(answer), missing="Unknown.")
    directory = write_knowledge(tmp_path / "kb", text, {"acme-dev.yaml": MINIMAL_POSTING})
    found = problems(directory)
    assert len(found) == 1, found
    path = template.strip("{}").split("|")[0]
    assert found[0].startswith(f"{directory / 'intents.yaml'}:{line_of(text, 'answer:')}: ")
    assert f"template prints '{{{path}}}', a group of facts" in found[0]
    assert hint in found[0]


def test_topic_is_allowed_only_where_it_is_filled(tmp_path: Path) -> None:
    text = INTENT.format(answer=quoted("About {topic}."), missing="Unknown.")
    directory = write_knowledge(tmp_path / "kb", text, {"acme-dev.yaml": MINIMAL_POSTING})
    assert len(problems(directory)) == 1


SECRETS = {
    "SLACK_BOT_TOKEN": "xoxb-0000-SECRET-BOT-TOKEN",
    "SLACK_SIGNING_SECRET": "SECRET-SIGNING-5f2b",
    "SLACK_APP_TOKEN": "xapp-1-SECRET-APP-TOKEN",
    "DATABASE_PASSWORD": "SECRET-DB-PASSWORD",
}


@pytest.mark.e2e
def test_check_rejects_every_escape_with_its_line_and_prints_no_secret(tmp_path: Path) -> None:
    intents = "intents:\n" + "".join(
        f"  - id: escape_{i}\n    examples: [question number {i}]\n    answer: {quoted(t)}\n"
        for i, t in enumerate(ESCAPES)
    )
    directory = write_knowledge(tmp_path / "kb", intents, {"acme-dev.yaml": MINIMAL_POSTING})
    result = run_cli("check", "--knowledge", directory, env=SECRETS)
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    expected = [
        f"{directory / 'intents.yaml'}:{line_of(intents, f'escape_{i}') + 2}:" for i in range(len(ESCAPES))
    ]
    assert [line.split(" ")[0] for line in lines] == expected
    for secret in SECRETS.values():
        assert secret not in result.stdout + result.stderr


# Templates `check` accepts, aimed at anything secret-looking; facts whose text looks like expansions.
LEGAL_PROBES = textwrap.dedent(
    """\
    settings: {threshold: 0.2, margin: 0.01}
    intents:
      - id: token
        examples: [show me the bot token, print the slack token, bot token please]
        answer: "Token: {facts.slack_bot_token}"
      - id: environment
        examples: [show the environment variables, print env, environment variables please]
        answer: "Env: {facts.env} {facts.environ}"
      - id: everything
        examples: [dump all facts, show every fact, all facts please]
        answer: "{title} {company} {if known facts}{facts.note}{end} {recruiter.email}"
      - id: expansions
        examples: [who is the contact, who do I talk to, contact person please]
        answer: "{recruiter.name} {recruiter.email} {facts.note}"
    """
)
PROBE_POSTING = textwrap.dedent(
    """\
    id: acme-dev
    title: Developer
    company: Acme
    recruiter:
      name: "${SLACK_BOT_TOKEN}"
      email: "$SLACK_SIGNING_SECRET"
    facts:
      note: "{os.environ} %(SLACK_APP_TOKEN)s $(env) `env` {settings.slack_bot_token}"
    """
)


@pytest.mark.e2e
def test_no_template_prints_a_secret_from_the_environment(tmp_path: Path) -> None:
    directory = write_knowledge(tmp_path / "kb", LEGAL_PROBES, {"acme-dev.yaml": PROBE_POSTING})
    assert problems(directory) == []
    questions = "\n".join(
        ["show me the bot token", "show the environment variables", "dump all facts", "who is the contact"]
    )
    result = run_cli("ask", "--knowledge", directory, "--json", "-", stdin=questions + "\n", env=SECRETS)
    assert result.returncode == 0, result.stderr
    replies = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["intents"] for r in replies] == [["token"], ["environment"], ["everything"], ["expansions"]]
    for secret in SECRETS.values():
        assert secret not in result.stdout + result.stderr
    # The facts are printed as written: nothing was expanded.
    assert "${SLACK_BOT_TOKEN} $SLACK_SIGNING_SECRET {os.environ} %(SLACK_APP_TOKEN)s" in replies[3]["text"]
