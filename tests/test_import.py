"""`posting-bot import`, run as a process: postings in every format to cited facts, written drafts that
pass `check`, re-imports that keep a recruiter's edits, and bad input that writes nothing."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.answer import answer
from bot.knowledge.loader import load_knowledge
from tests.conftest import KNOWLEDGE, ROOT, SHARED
from tests.environment import run_cli

pytestmark = pytest.mark.e2e  # the CLI as a process

PINTEREST = SHARED / "postings" / "pinterest-backend-engineer.txt"
POSTINGS = ROOT / "tests" / "fixtures" / "postings"


def import_json(source: str | Path, stdin: str | None = None) -> dict[str, Any]:
    result = run_cli("import", "--json", source, stdin=stdin)
    assert result.returncode == 0, result.stderr
    data: dict[str, Any] = json.loads(result.stdout)
    return data


@pytest.fixture
def knowledge(tmp_path: Path) -> Path:
    """The bundled intents with no posting yet: a recruiter's first import."""
    directory = tmp_path / "kb"
    (directory / "postings").mkdir(parents=True)
    shutil.copy(KNOWLEDGE / "intents.yaml", directory / "intents.yaml")
    return directory


def snapshot(directory: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(directory)): p.read_bytes() for p in sorted(directory.rglob("*")) if p.is_file()
    }


# ---- the seed posting ------------------------------------------------------------------------------------


@pytest.mark.skipif(not PINTEREST.is_file(), reason="the shared seed posting is not checked out")
def test_the_pinterest_posting_yields_the_bundled_facts_and_nothing_invented() -> None:
    data = import_json(PINTEREST)
    posting = data["posting"]
    assert posting["title"] == "Backend Engineer"
    assert posting["company"] == "Pinterest"
    assert posting["teams"] == ["Core", "Monetization"]
    salary = posting["salary"]
    assert (salary["min"], salary["max"], salary["currency"], salary["period"]) == (
        118938,
        244872,
        "USD",
        "year",
    )
    assert "US" in salary["eligibility"] and "only" in salary["eligibility"]
    assert salary["factors"] == ["location", "travel", "experience", "skills"]
    assert posting["equity"]["provided"] is True
    assert posting["relocation"] == {"provided": False}
    assert posting["requirements"]["experience_years"] == 2
    assert len(posting["requirements"]["qualifications"]) == 5
    assert len(posting["responsibilities"]) == 6
    for unstated in ("remote", "visa_sponsorship", "benefits", "location", "how_to_apply", "level"):
        assert unstated not in posting, unstated
    # "Are you applying to the internship?" is a question on the page, not a fact about the role.
    assert "Are you applying to the internship?" in data["review"]


@pytest.mark.skipif(not PINTEREST.is_file(), reason="the shared seed posting is not checked out")
def test_every_fact_cites_the_line_that_states_it() -> None:
    data = import_json(PINTEREST)
    lines = PINTEREST.read_text(encoding="utf-8").splitlines()
    assert data["text"].splitlines() == lines  # plain text keeps its lines: citations are the file's own
    citations = data["citations"]
    assert {"title", "company", "teams", "salary", "equity", "relocation"} <= citations.keys()
    for path, cited in citations.items():
        assert cited["text"] in lines[cited["line"] - 1], path
    assert "$118,938" in citations["salary"]["text"]
    assert citations["relocation"]["text"] == "Relocation assistance is not provided."
    assert citations["requirements.experience_years"]["line"] == 14


@pytest.mark.skipif(not PINTEREST.is_file(), reason="the shared seed posting is not checked out")
def test_write_produces_a_posting_that_passes_check_and_answers(knowledge: Path) -> None:
    result = run_cli("import", PINTEREST, "--write", "--knowledge", knowledge)
    assert result.returncode == 0, result.stderr
    yaml_path = knowledge / "postings" / "pinterest-backend-engineer.yaml"
    assert (knowledge / "postings" / "pinterest-backend-engineer.md").read_text(encoding="utf-8") == (
        PINTEREST.read_text(encoding="utf-8").rstrip() + "\n"
    )
    text = yaml_path.read_text(encoding="utf-8")
    assert "# line 20: Relocation assistance is not provided.\nrelocation:" in text
    check = run_cli("check", "--knowledge", knowledge)
    assert check.returncode == 0, check.stdout + check.stderr
    reply = answer(load_knowledge(knowledge), "what's the salary range?")
    assert "$118,938\u2013$244,872 USD per year" in reply.text


def test_id_names_the_files(knowledge: Path) -> None:
    source = POSTINGS / "sales-with-ote.md"
    result = run_cli("import", source, "--write", "--id", "ae-denver", "--knowledge", knowledge)
    assert result.returncode == 0, result.stderr
    assert yaml.safe_load((knowledge / "postings" / "ae-denver.yaml").read_text())["id"] == "ae-denver"
    assert run_cli("check", "--knowledge", knowledge).returncode == 0


# ---- formats ---------------------------------------------------------------------------------------------


def test_money_that_is_not_base_pay_never_becomes_salary() -> None:
    posting = import_json(POSTINGS / "sales-with-ote.md")["posting"]
    assert posting["salary"] == {"min": 70000, "max": 85000, "currency": "USD", "period": "year"}
    assert posting["relocation"] == {"provided": False}
    assert posting["visa_sponsorship"]["provided"] is True
    assert posting["remote"]["mode"] == "remote"
    # "Three years of closing experience": a number written as a word counts.
    assert posting["requirements"]["experience_years"] == 3


def test_ages_and_company_years_are_not_experience() -> None:
    data = import_json(POSTINGS / "warehouse-distractors.txt")
    posting = data["posting"]
    assert posting["requirements"]["experience_years"] == 0  # "No experience necessary"
    assert "salary" not in posting  # "$500 referral bonus" and "Weekly pay" state no pay rate
    assert posting["visa_sponsorship"]["provided"] is False
    assert posting["location"] == {"offices": ["Reno, NV"]}
    assert any("25 years" in sentence for sentence in data["review"])


def test_greenhouse_job_json_with_escaped_content_and_two_currencies() -> None:
    data = import_json(POSTINGS / "greenhouse-data-engineer.json")
    posting = data["posting"]
    assert posting["title"] == "Data Engineer" and posting["company"] == "Tidewater Labs"
    assert posting["salary"] == [
        {"min": 90000, "max": 110000, "currency": "CAD", "period": "year", "eligibility": "Toronto"},
        {"min": 85000, "max": 105000, "currency": "USD", "period": "year", "eligibility": "Boston"},
    ]
    assert posting["level"] == {"employment_type": "part_time"}
    assert posting["remote"]["mode"] == "hybrid"
    assert posting["location"]["offices"] == ["Toronto", "Boston"]
    assert posting["requirements"]["experience_years"] == 3
    # Entities escaped twice come out as text: no "&nbsp;" or "&amp;" in what candidates read.
    assert (
        "&nbsp;" not in data["text"]
        and "&amp;" not in data["text"]
        and "Review code & mentor" in data["text"]
    )
    assert "We also offer a $3,000 signing bonus." in data["review"]


def test_lever_posting_json() -> None:
    posting = import_json(POSTINGS / "lever-site-reliability-engineer.json")["posting"]
    assert posting["company"] == "Kestrel Cloud"  # from the text, confirmed by the site name
    assert posting["teams"] == ["Engineering", "Infrastructure"]
    assert posting["salary"] == {"min": 80000, "max": 95000, "currency": "EUR", "period": "year"}
    assert posting["remote"] == {"mode": "hybrid"}
    assert posting["relocation"]["provided"] is True
    assert posting["level"] == {"employment_type": "full_time"}
    assert posting["requirements"]["experience_years"] == 5
    assert len(posting["benefits"]) == 2


def test_html_scripts_are_dropped_and_nested_lists_kept(knowledge: Path) -> None:
    source = POSTINGS / "html-with-script.html"
    data = import_json(source)
    for dropped in ("document.cookie", "never run me", "display: none", "TRACKING PIXEL", "steal()"):
        assert dropped not in data["text"]
        assert dropped not in json.dumps(data)
    assert "- Prep and cook on the grill station\n  - Burgers & steaks" in data["text"]
    posting = data["posting"]
    assert posting["responsibilities"] == ["Prep and cook on the grill station", "Keep the line clean"]
    assert posting["salary"] == {"min": 18, "max": 22, "currency": "USD", "period": "hour"}
    assert posting["level"] == {"employment_type": "part_time"}
    assert run_cli("import", source, "--write", "--knowledge", knowledge).returncode == 0
    written = "".join(p.read_text() for p in (knowledge / "postings").iterdir())
    assert "<script" not in written and "never run me" not in written


def test_stdin_is_a_source() -> None:
    text = (
        "Barista\nBean Scene Cafe\n\nPay: $16 per hour.\nBean Scene Cafe is an equal opportunity employer.\n"
    )
    posting = import_json("-", stdin=text)["posting"]
    assert posting["title"] == "Barista" and posting["company"] == "Bean Scene Cafe"
    assert posting["salary"] == {"min": 16, "max": 16, "currency": "USD", "period": "hour"}


def test_without_json_or_write_it_prints_the_cited_draft(knowledge: Path) -> None:
    before = snapshot(knowledge)
    result = run_cli("import", POSTINGS / "sales-with-ote.md", "--knowledge", knowledge)
    assert result.returncode == 0, result.stderr
    draft = yaml.safe_load(result.stdout)
    assert draft["title"] == "Account Executive"
    assert "# line 12: Three years of closing experience in B2B sales" in result.stdout
    assert snapshot(knowledge) == before


# ---- bad input -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("empty.txt", b"", "is empty"),
        ("blank.md", b"  \n\n \t\n", "is empty"),
        ("photo.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)), "binary"),
        ("latin1.txt", "Café cook, salaire 30k".encode("latin-1"), "not UTF-8"),
        ("huge.txt", b"A posting line.\n" * 700_000, "at most"),
        ("long.txt", b"Cook\nAcme Diner | Reno, NV\n" + b"We cook.\n" * 40_000, "holds at most"),
        ("other.json", b'{"name": "not a job", "items": [1, 2]}', "neither a Greenhouse job"),
        ("list.json", b"[1, 2, 3]", "neither a Greenhouse job"),
        ("broken.json", b'{"title": "x", "content": ', "isn't valid"),
        ("script-only.html", b"<html><body><script>alert(1)</script></body></html>", "no text"),
    ],
)
def test_bad_input_is_one_line_exit_2_and_writes_nothing(
    knowledge: Path, tmp_path: Path, name: str, content: bytes, message: str
) -> None:
    source = tmp_path / name
    source.write_bytes(content)
    before = snapshot(knowledge)
    result = run_cli("import", source, "--write", "--knowledge", knowledge)
    assert result.returncode == 2
    assert result.stdout == ""
    assert len(result.stderr.strip().splitlines()) == 1 and message in result.stderr, result.stderr
    assert snapshot(knowledge) == before


def test_a_missing_file_and_a_bad_id_are_refused(knowledge: Path) -> None:
    missing = run_cli("import", "nowhere.txt", "--knowledge", knowledge)
    assert missing.returncode == 2 and "no such file" in missing.stderr
    bad_id = run_cli(
        "import", POSTINGS / "sales-with-ote.md", "--write", "--id", "../x", "--knowledge", knowledge
    )
    assert bad_id.returncode == 2 and "--id" in bad_id.stderr
    assert list((knowledge / "postings").iterdir()) == []


def test_a_posting_naming_no_company_needs_company(knowledge: Path, tmp_path: Path) -> None:
    source = tmp_path / "anon.txt"
    source.write_text("Night Auditor\n\nWe pay $20 per hour. This is a part-time role.\n", encoding="utf-8")
    refused = run_cli("import", source, "--write", "--knowledge", knowledge)
    assert refused.returncode == 2 and "--company" in refused.stderr
    assert list((knowledge / "postings").iterdir()) == []
    given = run_cli("import", source, "--write", "--company", "Seaview Inn", "--knowledge", knowledge)
    assert given.returncode == 0, given.stderr
    assert run_cli("check", "--knowledge", knowledge).returncode == 0


# ---- re-importing ----------------------------------------------------------------------------------------


def test_reimport_follows_the_source_and_keeps_hand_edits(knowledge: Path, tmp_path: Path) -> None:
    source = tmp_path / "cook.md"
    original = (POSTINGS / "sales-with-ote.md").read_text(encoding="utf-8")
    source.write_text(original, encoding="utf-8")
    assert run_cli("import", source, "--write", "--id", "ae", "--knowledge", knowledge).returncode == 0
    path = knowledge / "postings" / "ae.yaml"

    # A recruiter corrects relocation, adds aliases and an answer of their own.
    edited = yaml.safe_load(path.read_text(encoding="utf-8"))
    edited["relocation"] = {"provided": True, "detail": "We now help with moving costs."}
    edited["aliases"] = ["AE", "sales rep"]
    edited["answers"] = {"salary": "Ask us about pay!"}
    path.write_text(yaml.safe_dump(edited, allow_unicode=True), encoding="utf-8")

    # The posting changes: a new salary, and it now says three days a week in the office.
    changed = original.replace("$70,000 to $85,000", "$75,000 to $90,000").replace(
        "This is a remote role open to anyone in the US.",
        "This is a hybrid role: three days a week in Denver.",
    )
    source.write_text(changed, encoding="utf-8")
    result = run_cli("import", source, "--write", "--id", "ae", "--knowledge", knowledge)
    assert result.returncode == 0, result.stderr
    merged = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert merged["salary"]["min"] == 75000 and merged["salary"]["max"] == 90000
    assert merged["remote"]["mode"] == "hybrid"
    assert merged["relocation"] == {"provided": True, "detail": "We now help with moving costs."}
    assert merged["aliases"] == ["AE", "sales rep"] and merged["answers"] == {"salary": "Ask us about pay!"}
    out = result.stdout
    assert "changed salary" in out and "changed remote.mode" in out
    assert "kept your relocation" in out
    assert "# kept: changed by hand since the last import\nrelocation:" in path.read_text(encoding="utf-8")
    assert run_cli("check", "--knowledge", knowledge).returncode == 0

    # Importing the same text again changes nothing and still names the kept edit.
    again = run_cli("import", source, "--write", "--id", "ae", "--knowledge", knowledge)
    assert "changed" not in again.stdout and "kept your relocation" in again.stdout


def test_importing_over_a_hand_written_posting_keeps_every_fact_it_has(knowledge: Path) -> None:
    shutil.copy(KNOWLEDGE / "postings" / "pinterest-backend-engineer.yaml", knowledge / "postings")
    before = yaml.safe_load((knowledge / "postings" / "pinterest-backend-engineer.yaml").read_text())
    source = POSTINGS / "sales-with-ote.md"
    result = run_cli(
        "import", source, "--write", "--id", "pinterest-backend-engineer", "--knowledge", knowledge
    )
    assert result.returncode == 0, result.stderr
    after = yaml.safe_load((knowledge / "postings" / "pinterest-backend-engineer.yaml").read_text())
    # With no earlier import to compare with, every fact already there counts as the recruiter's.
    for key, value in before.items():
        if key != "last_verified":
            assert after[key] == value, key
    assert after["remote"]["mode"] == "remote"  # a fact it didn't have is added
    assert "kept your title" in result.stdout
