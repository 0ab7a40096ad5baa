"""The shape of the knowledge files, as recruiters write them.

Every model forbids unknown keys, so a typo such as `salery:` is reported instead of silently ignored.
A posting needs only `id`, `title` and `company`; every other fact is optional, and an answer whose fact
is absent says the posting doesn't state it.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    ValidatorFunctionWrapHandler,
    field_validator,
    model_validator,
)

MAX_MONEY = 1e12  # above any pay in any currency: a larger number is a typo, not a salary


def _not_bool(value: Any) -> Any:
    """YAML's `true` is not 1: pydantic would read it as a number."""
    if isinstance(value, bool):
        raise ValueError(f"expected a number, got {str(value).lower()}")
    return value


def _finite(value: Any) -> Any:
    """A free-form fact that is a number must be one a candidate can read (`.inf` would print as inf)."""
    if isinstance(value, float) and not math.isfinite(value):
        raise ValueError(f"expected a finite number, got {value}")
    return value


def _date_text(value: Any) -> Any:
    """A date written as YYYY-MM-DD (the YAML loader keeps dates as text, so a bad one gets a line);
    a bare number is not a date (pydantic would read 0 as 1970-01-01)."""
    if not isinstance(value, str | dt.date):
        raise ValueError(f"expected a date such as 2026-11-25, got {value!r}"[:120])
    return value


# Validators that apply wherever these types are used (one salary range or several).
Number = Annotated[float, BeforeValidator(_not_bool), Field(allow_inf_nan=False)]
Money = Annotated[float, BeforeValidator(_not_bool), Field(ge=0, le=MAX_MONEY, allow_inf_nan=False)]
Count = Annotated[int, BeforeValidator(_not_bool)]
Date = Annotated[dt.date, BeforeValidator(_date_text)]
FactValue = Annotated[str | int | float | bool | list[str], BeforeValidator(_finite)]

IntentId = Annotated[str, StringConstraints(pattern=r"^[a-z0-9_]+$")]
NonEmptyText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
PostingId = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9_-]*$")]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


# ---- intents.yaml ------------------------------------------------------------------------------------


class MatchSettings(Strict):
    """Where a match turns into an answer; `posting-bot eval --tune` recommends these from labelled data."""

    threshold: Number = Field(0.5, ge=0, le=1, description="lowest confidence that gets an answer")
    margin: Number = Field(
        0.05, ge=0, le=1, description="closer than this to the runner-up -> 'did you mean' instead"
    )
    # A clear leader is evidence too: a question padded with words no example uses ("python or java?",
    # "any perks like free lunch?") scores low overall but points at one intent only.
    lead: Number = Field(
        2.5, ge=1, description="top intent scoring this many times the runner-up needs only lead_threshold"
    )
    lead_threshold: Number = Field(
        0.8, ge=0, le=1, description="the threshold for a clear leader, as a fraction of threshold"
    )
    max_question_chars: Count = Field(
        500, ge=20, le=100_000, description="only this much of a message is matched"
    )
    # Just under the threshold is often a real question in unusual words: asking back beats giving up.
    ask_back: Number = Field(
        0.8,
        ge=0,
        le=1,
        description="a question scoring this fraction of the threshold, with one or two intents that close, "
        "gets 'did you mean' instead of the fallback (1 turns it off)",
    )


class Messages(Strict):
    """Replies that aren't tied to one intent. `{topic}` is the intent's topic; other fields are facts."""

    missing: NonEmptyText = "The posting doesn't say anything about {topic}."
    unmentioned: NonEmptyText = Field(
        "The posting doesn't mention {thing}.",
        description="leads an answer that doesn't name the thing asked about ('is there parking?')",
    )
    offer: NonEmptyText = Field(
        'A recruiter can tell you — just say "talk to a recruiter".',
        description="follows a 'posting doesn't say' reply where no recruiter has been alerted (chat, ask)",
    )
    out_of_scope: NonEmptyText = (
        # Neutral on purpose: the question may be about the role and simply not covered by the posting.
        "I couldn't find an answer to that in the {title} posting at {company}. "
        'Try asking in other words, or say "talk to a recruiter".'
    )
    did_you_mean: NonEmptyText = "I'm not sure what you meant. Did you mean one of these?"


class Intent(Strict):
    id: IntentId
    label: NonEmptyText | None = Field(None, description="short name on buttons; defaults to the id")
    topic: NonEmptyText | None = Field(None, description="fills {topic} in the 'posting doesn't say' reply")
    examples: list[NonEmptyText] = Field(min_length=1)
    answer: NonEmptyText
    missing: NonEmptyText | None = Field(None, description="reply when a fact the answer needs is absent")
    handoff: bool = Field(False, description="answering it also offers a recruiter")
    smalltalk: bool = Field(False, description="greetings and thanks: dropped when a real question comes too")

    @property
    def display_label(self) -> str:
        return self.label or self.id.replace("_", " ").capitalize()


class IntentsFile(Strict):
    settings: MatchSettings = MatchSettings()
    messages: Messages = Messages()
    synonyms: dict[NonEmptyText, list[NonEmptyText]] = Field(
        default_factory=dict,
        description="canonical word -> the words and phrases candidates use for it",
    )
    asking: list[NonEmptyText] = Field(
        default_factory=list,
        description="phrases that only frame a request ('I would be grateful if you could'): not matched",
    )
    languages: dict[NonEmptyText, dict[NonEmptyText, list[NonEmptyText]]] = Field(
        default_factory=dict,
        description="language -> {English word: [its words in that language]}; read exactly, never as typos",
    )
    intents: list[Intent] = Field(min_length=1)


# ---- postings/<id>.yaml ------------------------------------------------------------------------------


class CompanyInfo(Strict):
    mission: str | None = None
    description: str | None = None
    values: list[str] | None = None


class Requirements(Strict):
    experience_years: Count | None = Field(None, ge=0, le=80)
    experience: str | None = None
    skills: list[str] | None = None
    qualifications: list[str] | None = None


# The fixed vocabularies import, answers and tests agree on.
RemoteMode = Literal["remote", "hybrid", "onsite"]
PayPeriod = Literal["year", "month", "week", "day", "hour"]
Seniority = Literal[
    "intern", "entry", "junior", "mid", "senior", "staff", "principal", "lead", "manager", "director"
]
EmploymentType = Literal["full_time", "part_time", "contract", "temporary", "internship"]
Currency = Annotated[str, StringConstraints(pattern=r"^[A-Z]{3}$")]  # ISO 4217


class Salary(Strict):
    """One pay range; a posting with a range per currency or zone lists several."""

    min: Money
    max: Money
    # No defaults: a currency or pay period the posting doesn't state would be an invented fact.
    currency: Currency | None = None
    period: PayPeriod | None = Field(
        None, description="year, month, week, day or hour, when the posting says"
    )
    eligibility: str | None = Field(None, description="who or where the range applies to")
    factors: list[str] | None = None

    @model_validator(mode="after")
    def _min_not_above_max(self) -> Salary:
        if self.min > self.max:
            raise ValueError(f"salary min ({self.min:,.0f}) is above max ({self.max:,.0f})")
        return self


class Offer(Strict):
    """A yes/no benefit such as relocation, equity or visa sponsorship, with optional detail."""

    provided: bool
    detail: str | None = None


class Location(Strict):
    offices: list[str] | None = None
    detail: str | None = None


class Remote(Strict):
    mode: RemoteMode | None = None
    detail: str | None = None


class Level(Strict):
    seniority: Seniority | None = None
    employment_type: EmploymentType | None = None
    internship: bool | None = None
    note: str | None = None


class Recruiter(Strict):
    name: str | None = None
    email: str | None = None
    slack_user: str | None = None


class Posting(Strict):
    id: PostingId
    title: NonEmptyText
    company: NonEmptyText
    last_verified: Date | None = None
    url: str | None = None
    summary: str | None = None
    company_info: CompanyInfo | None = None
    teams: list[str] | None = None
    responsibilities: list[str] | None = None
    requirements: Requirements | None = None
    salary: Salary | list[Salary] | None = None
    equity: Offer | None = None
    benefits: list[str] | None = None
    relocation: Offer | None = None
    location: Location | None = None
    remote: Remote | None = None
    visa_sponsorship: Offer | None = None
    level: Level | None = None
    inclusion: str | None = None
    growth: str | None = None
    how_to_apply: str | None = None
    interview_process: list[str] | None = None
    recruiter: Recruiter | None = None
    facts: dict[IntentId, FactValue] | None = Field(
        None, description="facts this schema has no field for; templates reach them as {facts.name}"
    )
    # Operational settings, not facts: templates cannot reach them (see FACT_FIELDS).
    aliases: list[NonEmptyText] = Field(default_factory=list, description="other names for the role")
    channels: list[NonEmptyText] = Field(default_factory=list, description="Slack channels tied to it")
    answers: dict[IntentId, NonEmptyText] = Field(
        default_factory=dict, description="this posting's own answer for an intent"
    )
    intents: list[Intent] = Field(default_factory=list, description="intents only this posting has")

    @field_validator("remote", mode="before")
    @classmethod
    def _remote_text_is_its_detail(cls, value: object) -> object:
        # Postings written before remote had a mode say it in words: `remote: Fully remote.`
        return {"detail": value} if isinstance(value, str) else value

    @field_validator("salary", mode="after")
    @classmethod
    def _one_range_is_not_a_list(cls, value: Salary | list[Salary] | None) -> Salary | list[Salary] | None:
        if isinstance(value, list) and not value:
            raise ValueError("salary: list at least one range, or leave salary out")
        return value[0] if isinstance(value, list) and len(value) == 1 else value

    @model_validator(mode="wrap")
    @classmethod
    def _salary_errors_for_the_shape_written(cls, data: Any, handler: ValidatorFunctionWrapHandler) -> Any:
        """`salary` is one range or a list of them; report problems only against the shape written, so a
        misspelt key in one range isn't also reported as "should be a list"."""
        try:
            return handler(data)
        except ValidationError as exc:
            many = isinstance(data, dict) and isinstance(data.get("salary"), list)
            errors: list[Any] = []
            for error in exc.errors():
                loc = error["loc"]
                if len(loc) >= 2 and loc[0] == "salary" and isinstance(loc[1], str):
                    if loc[1].startswith("list[") != many:
                        continue  # the branch for the shape not written
                    loc = (loc[0], *loc[2:])
                detail = {"type": error["type"], "loc": loc, "input": error["input"]}
                if "ctx" in error:
                    detail["ctx"] = error["ctx"]
                errors.append(detail)
            raise ValidationError.from_exception_data(exc.title, errors) from None

    def facts_for_templates(self) -> dict[str, Any]:
        """Plain data for templates: posting facts only, no operational settings, no absent facts."""
        return self.model_dump(mode="json", include=set(FACT_FIELDS), exclude_none=True)


OPERATIONAL_FIELDS = frozenset({"aliases", "channels", "answers", "intents"})
FACT_FIELDS = frozenset(Posting.model_fields) - OPERATIONAL_FIELDS
