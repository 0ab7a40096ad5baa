"""Sentences `import` must read right, or leave for review: stated no's, money that is only one end of a
range, denials, and words that look like facts but aren't."""

from __future__ import annotations

from typing import Any

import pytest

from bot.importer.draft import build_draft
from bot.importer.sources import from_text

HEADER = "Line Cook\nAcme Diner | Reno, NV\n\n"


def imported(body: str) -> tuple[dict[str, Any], list[str]]:
    draft = build_draft(from_text(HEADER + body + "\n", "test.txt"))
    return draft.posting, [text for _, text in draft.review]


@pytest.mark.parametrize(
    ("sentence", "equity"),
    [
        ("Equity is not offered for this role.", {"provided": False}),
        ("Equity: none.", {"provided": False}),
        ("This role is not eligible for equity.", {"provided": False}),
        ("There is no equity component.", {"provided": False}),
        ("This role includes equity.", {"provided": True, "detail": "This role includes equity."}),
    ],
)
def test_equity_stated_yes_and_no(sentence: str, equity: dict[str, Any]) -> None:
    assert imported(sentence)[0]["equity"] == equity


@pytest.mark.parametrize(
    "sentence",
    [
        "You will receive stock options that are not subject to a cliff.",  # a yes with a "not" in it
        "Not only a salary: you also get equity.",
        "We offer an employee stock purchase plan.",  # a benefit, not an equity grant
        "Pinterest is committed to an inclusive and equitable workplace.",
    ],
)
def test_sentences_that_only_look_like_equity_are_left_out(sentence: str) -> None:
    assert "equity" not in imported(sentence)[0]


@pytest.mark.parametrize(
    "sentence",
    [
        "Pay is up to $25 per hour.",  # only the top of a range
        "Salary from $45,000+ for supervisors.",  # only the bottom
        "A $5,000 sign-on bonus and a $2/hr night differential.",
        "OTE is $160,000 with uncapped commission.",
        "We raised $80M last year.",
        "Our 401(k) matches up to $6,000 a year.",
    ],
)
def test_money_that_is_not_a_base_pay_range_is_never_salary(sentence: str) -> None:
    posting, review = imported(sentence)
    assert "salary" not in posting
    assert sentence in review  # a person should look at it


def test_denied_remote_work_is_not_remote() -> None:
    posting, review = imported("Remote work is not possible for this role.")
    assert "remote" not in posting and "Remote work is not possible for this role." in review


@pytest.mark.parametrize(
    ("sentence", "years"),
    [
        ("At least three years of line experience.", 3),
        ("2-4 years' experience in a busy kitchen.", 2),
        ("No experience required: we train you.", 0),
        ("Experience: 5+ years.", 5),
    ],
)
def test_experience_is_the_minimum_stated(sentence: str, years: int) -> None:
    assert imported(sentence)[0]["requirements"]["experience_years"] == years


@pytest.mark.parametrize(
    "sentence",
    [
        "Must be 18 years of age or older.",
        "Acme Diner has served Reno for 40 years.",
        "Our cooks stay an average tenure of 7 years.",
        "Founded 12 years ago.",
    ],
)
def test_years_that_are_not_experience(sentence: str) -> None:
    assert "requirements" not in imported(sentence)[0]


def test_a_header_line_names_mode_and_contract_but_they_are_not_teams() -> None:
    draft = build_draft(
        from_text("Support Agent\nBrightdesk · Customer Care · Full-time · Remote\n", "t.txt")
    )
    assert draft.posting["teams"] == ["Customer Care"]
    assert draft.posting["remote"] == {"mode": "remote"}
    assert draft.posting["level"] == {"employment_type": "full_time"}


def test_a_pay_basis_or_a_requisition_number_in_the_header_is_no_team() -> None:
    draft = build_draft(
        from_text("Shift Lead\nBrightdesk · Customer Care · Hourly · Req ID BD-118-SL\n", "t.txt")
    )
    assert draft.posting["teams"] == ["Customer Care"]


def test_a_walk_in_fridge_is_not_how_to_apply() -> None:
    body = (
        "Prep Cook\nHarbor Foods · Portland, ME\n\nDuties\n"
        "- Keep the walk-in and the lowboys clean and labelled\n\n"
        "How to apply\nEmail your résumé to jobs@example.com.\n"
    )
    assert imported(body)[0]["how_to_apply"] == "Email your résumé to jobs@example.com."


def test_senior_living_is_not_a_senior_role() -> None:
    draft = build_draft(from_text("Caregiver - Senior Living\nMaple Homes | Reno, NV\n", "t.txt"))
    assert "level" not in draft.posting


def test_a_dollar_in_a_canadian_posting_names_no_currency() -> None:
    draft = build_draft(from_text("Cook\nMaple Diner | Toronto, ON\n\nThe wage is $18 per hour.\n", "t.txt"))
    assert draft.posting["salary"] == {"min": 18, "max": 18, "period": "hour"}


@pytest.mark.parametrize("mark", ['"', "\u201d", "\u2019", ")"])
def test_a_closing_quote_or_bracket_after_a_full_stop_stays_with_its_sentence(mark: str) -> None:
    opening = {'"': '"', "\u201d": "\u201c", "\u2019": "\u2018", ")": "("}[mark]
    body = (
        "Receptionist\nMaple Dental · Reno, NV\n\nHow to apply\n"
        f"Apply online and select {opening}Front Desk, Reno.{mark} Please attach a résumé.\n"
    )
    assert imported(body)[0]["how_to_apply"] == (
        f"Apply online and select {opening}Front Desk, Reno.{mark} Please attach a résumé."
    )


def test_a_list_indented_as_a_whole_is_a_list_and_an_indented_quote_mark_a_bullet() -> None:
    body = (
        "Dental Assistant\nMaple Dental · Reno, NV\n\nWhat you'll do\n\n"
        "  * Seat patients\n  * Sterilize instruments\n    * and log the autoclave\n\n"
        "Preferred:\n  > CDA credential\n  > Dentrix experience\n\n"
        "Benefits\n\n   • Paid holidays\n   • Scrubs allowance\n"
    )
    posting = imported(body)[0]
    assert posting["responsibilities"] == ["Seat patients", "Sterilize instruments"]  # not the sub-item
    assert posting["requirements"]["qualifications"] == ["CDA credential", "Dentrix experience"]
    assert posting["benefits"] == ["Paid holidays", "Scrubs allowance"]


@pytest.mark.parametrize(
    "title_line",
    [
        "Dental Assistant \u2014 BrightSmile Family Dental, Eastgate Office",
        "BrightSmile Family Dental | Dental Assistant",
        "Dental Assistant at BrightSmile Family Dental",
    ],
)
def test_the_title_is_the_role_without_the_company(title_line: str) -> None:
    text = f"{title_line}\n\nBrightSmile Family Dental is a group practice. Join BrightSmile Family Dental.\n"
    posting = build_draft(from_text(text, "t.txt")).posting
    assert (posting["title"], posting["company"]) == ("Dental Assistant", "BrightSmile Family Dental")


def test_a_title_naming_another_company_keeps_it() -> None:
    text = "Account Manager \u2014 Google Ads\n\nBrightSmile Family Dental is a group practice.\n"
    assert build_draft(from_text(text, "t.txt")).posting["title"] == "Account Manager \u2014 Google Ads"


def test_a_header_opening_with_the_kind_of_contract_names_no_company() -> None:
    text = "Line Cook\nFull-time \u00b7 Portland, ME\n\nHarbor Foods runs three restaurants in Maine.\n"
    posting = build_draft(from_text(text, "t.txt")).posting
    assert "company" not in posting  # named once, in passing: not certain enough, and never "Full-time"
    assert posting["level"] == {"employment_type": "full_time"}
    assert posting["location"] == {"offices": ["Portland, ME"]}


def test_pay_in_the_header_is_the_salary_when_the_text_states_none() -> None:
    header = "Line Cook\nFull-time \u00b7 Portland, ME \u00b7 $19-$23/hr\n\n"
    posting = build_draft(from_text(header + "Harbor Foods runs three restaurants.\n", "t.txt")).posting
    assert posting["salary"] == {"min": 19, "max": 23, "period": "hour", "currency": "USD"}
    # The text's own pay statement wins; a header amount without its period is no salary.
    stated = build_draft(from_text(header + "Pay: $20 to $24 per hour.\n", "t.txt")).posting
    assert stated["salary"]["min"] == 20
    bare = build_draft(from_text("Line Cook\nPortland, ME \u00b7 $19-$23\n\nWe cook.\n", "t.txt")).posting
    assert "salary" not in bare
