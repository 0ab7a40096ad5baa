"""`posting-bot report` on a seeded question log: figures per posting, feedback per intent, and the
unanswered questions grouped by wording with the intent each group should probably become examples of."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import pytest

from bot.answer import Reply, answer
from bot.knowledge.loader import load_knowledge
from bot.store import DAY, Store
from tests.environment import run_cli
from tests.fixtures.kb import write_knowledge

pytestmark = pytest.mark.e2e

KEY = b"report-test-key"

# Our own small knowledge, so which intent is "nearest" doesn't move when the bundled examples do.
INTENTS = """\
settings:
  threshold: 0.45
intents:
  - id: remote
    label: Remote work
    examples: [is the job remote, can I work remotely, is it hybrid, what is the remote policy]
    answer: "{remote}"
  - id: salary
    label: Salary
    examples: [what does it pay, salary range, how much is the salary]
    answer: "${salary.min|number} to ${salary.max|number}"
  - id: teams
    label: Teams
    examples: [which team is it, what team would I join, how is the team organised]
    answer: "{teams|list}"
"""
ACME = """\
id: acme-dev
title: Developer
company: Acme
remote: Fully remote.
salary: {min: 100000, max: 150000}
teams: [Platform]
"""
BETA = """\
id: beta-ops
title: Operations Engineer
company: Beta
salary: {min: 90000, max: 120000}
"""

# Questions last week's knowledge could not answer, by topic: the clusters the report should find.
WORK_FROM_HOME = [
    "can I work from home on fridays",
    "can I work from home on fridays",
    "can i work from home fridays?",
    "work from home on fridays?",
]
DRESS_CODE = ["what is the dress code", "is there a dress code", "dress code?"]
TEAM_SIZE = ["how big is the team", "how big is the team going to be"]
PIZZA = ["recommend a pizza place near the office"]


def unanswered(question: str, posting: str, outcome: str = "out_of_scope") -> Reply:
    """A reply as the store received it when the question went unanswered."""
    return Reply(question=question, posting=posting, outcome=outcome, text="", confidence=0.1)  # type: ignore[arg-type]


@pytest.fixture
def seeded(tmp_path: Path) -> tuple[Path, Path]:
    """A knowledge directory and a question log with a known week (and an older question)."""
    knowledge = write_knowledge(tmp_path / "kb", INTENTS, {"acme-dev.yaml": ACME, "beta-ops.yaml": BETA})
    loaded = load_knowledge(knowledge)
    database = tmp_path / "log.sqlite3"
    store = Store(database, KEY)
    for i, question in enumerate(WORK_FROM_HOME):
        store.record_reply(unanswered(question, "acme-dev"), f"U0WFH{i}", "dm")
    for question in DRESS_CODE:
        store.record_reply(unanswered(question, "beta-ops", "did_you_mean"), "U0DRESS", "mention")
    for question in TEAM_SIZE + PIZZA:
        store.record_reply(unanswered(question, "acme-dev"), "U0TEAM", "command")
    # Asked when the knowledge couldn't answer it; today it can.
    store.record_reply(unanswered("is the job remote or hybrid", "acme-dev"), "U0REMOTE", "dm")
    for question in [
        "how much is the salary range",
        "salary range? how much does it pay",
        "which team is it",
    ]:
        reply = answer(loaded, question, "acme-dev")
        assert reply.outcome == "answered", question
        store.record_reply(reply, "U0HAPPY", "dm")
    store.record_reply(
        answer(loaded, "how much is the salary range", "beta-ops"), "U0HAPPY", "dm", handed_off=True
    )
    store.record_handoff("beta-ops", True, "U0HAPPY")
    store.record_feedback("acme-dev", "salary", True, "U0HAPPY")
    store.record_feedback("acme-dev", "salary", True, "U0WFH1")
    store.record_feedback("acme-dev", "salary", False, "U0WFH2")
    store.record_feedback("acme-dev", "teams", False, "U0HAPPY")
    # Ten days ago: outside `--since 7`.
    Store(database, KEY, clock=lambda: time.time() - 10 * DAY).record_reply(
        unanswered("an old question about parking", "acme-dev"), "U0OLD", "dm"
    )
    return knowledge, database


def report(knowledge: Path, database: Path, *options: str) -> dict[str, Any]:
    result = run_cli("report", "--knowledge", knowledge, "--database", database, "--json", *options)
    assert result.returncode == 0, result.stderr
    data: dict[str, Any] = json.loads(result.stdout)
    return data


def test_figures_per_posting(seeded: tuple[Path, Path]) -> None:
    data = report(*seeded)
    totals = data["totals"]
    assert totals["questions"] == 15  # the ten-day-old question is outside the default week
    assert totals["outcomes"] == {
        "answered": 3,
        "quoted": 0,
        "did_you_mean": 3,
        "out_of_scope": 8,
        "handed_off": 1,
    }
    assert totals["candidates"] == 8
    by_posting = {p["posting"]: p for p in data["postings"]}
    acme, beta = by_posting["acme-dev"], by_posting["beta-ops"]
    assert (acme["title"], acme["questions"], beta["questions"]) == ("Developer", 11, 4)
    assert acme["answered_rate"] == round(3 / 11, 4)
    assert acme["out_of_scope_rate"] == round(8 / 11, 4)
    assert (beta["did_you_mean_rate"], beta["answered_rate"]) == (0.75, 0.25)
    assert (beta["handoffs"], beta["recruiters_notified"], beta["handoff_rate"]) == (1, 1, 0.25)
    assert acme["handoffs"] == 0


def test_feedback_per_intent(seeded: tuple[Path, Path]) -> None:
    assert report(*seeded)["feedback"] == [
        {"posting": "acme-dev", "intent": "salary", "up": 2, "down": 1},
        {"posting": "acme-dev", "intent": "teams", "up": 0, "down": 1},
    ]


def test_unanswered_questions_are_grouped_by_wording_with_the_nearest_intent(
    seeded: tuple[Path, Path],
) -> None:
    clusters = report(*seeded)["clusters"]
    groups = {frozenset(c["examples"]): c for c in clusters}
    assert [c["count"] for c in clusters] == [4, 3, 2, 1, 1]

    wfh = clusters[0]
    assert wfh["examples"][0] == "can I work from home on fridays"  # the most frequent wording leads
    assert set(wfh["examples"]) == set(WORK_FROM_HOME)
    assert (wfh["postings"], wfh["suggestion"], wfh["now_answered"]) == (["acme-dev"], "remote", [])

    dress = groups[frozenset(DRESS_CODE)]
    assert (dress["count"], dress["postings"], dress["suggestion"]) == (3, ["beta-ops"], None)

    team = groups[frozenset(TEAM_SIZE)]
    assert team["suggestion"] == "teams" and team["score"] > 0

    assert groups[frozenset(PIZZA)]["suggestion"] is None
    # Already fixed in the knowledge: the report says so instead of suggesting an edit.
    assert groups[frozenset(["is the job remote or hybrid"])]["now_answered"] == ["remote"]


def test_since_limits_the_period(seeded: tuple[Path, Path]) -> None:
    recent = report(*seeded, "--since", "0.5")
    assert recent["totals"]["questions"] == 15
    month = report(*seeded, "--since", "30")
    assert month["totals"]["questions"] == 16
    assert "an old question about parking" in [e for c in month["clusters"] for e in c["examples"]]


def test_retention_days_from_the_environment_applies_to_the_report(seeded: tuple[Path, Path]) -> None:
    knowledge, database = seeded
    result = run_cli(
        "report", "--knowledge", knowledge, "--database", database, "--since", "30", "--json",
        env={"RETENTION_DAYS": "5"},
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["totals"]["questions"] == 15
    # The ten-day-old question is not only left out: it is gone from the log.
    assert report(knowledge, database, "--since", "30")["totals"]["questions"] == 15


def test_the_text_report_reads_as_a_to_do_list(seeded: tuple[Path, Path]) -> None:
    knowledge, database = seeded
    result = run_cli("report", "--knowledge", knowledge, "--database", database)
    assert result.returncode == 0, result.stderr
    text = result.stdout
    assert "15 from 8 candidate(s)" in text
    assert '4 x "can I work from home on fridays"' in text
    assert "add these as examples of `remote`?" in text
    assert "no intent is close" in text
    assert "now answered as `remote`" in text
    assert "acme-dev  salary: 2 / 1" in text
    # Reports show pseudonymous counts, never who asked.
    assert "U0" not in text and "U0" not in json.dumps(report(knowledge, database))


def test_broken_knowledge_still_gives_the_figures(seeded: tuple[Path, Path]) -> None:
    knowledge, database = seeded
    (knowledge / "postings" / "acme-dev.yaml").write_text(ACME + "salery: 5\n", encoding="utf-8")
    result = run_cli("report", "--knowledge", knowledge, "--database", database, "--json")
    assert result.returncode == 0, result.stderr
    assert "posting-bot check" in result.stderr
    data = json.loads(result.stdout)
    assert data["totals"]["questions"] == 15
    assert all(c["suggestion"] is None for c in data["clusters"])


def test_no_log_yet(tmp_path: Path) -> None:
    knowledge = write_knowledge(tmp_path / "kb", INTENTS, {"acme-dev.yaml": ACME})
    result = run_cli("report", "--knowledge", knowledge, "--database", tmp_path / "none.sqlite3")
    assert result.returncode == 0
    assert "no question log" in result.stderr
    assert "Nothing recorded" in result.stdout
    assert not (tmp_path / "none.sqlite3").exists()


def test_an_empty_log_gives_an_empty_report(tmp_path: Path) -> None:
    knowledge = write_knowledge(tmp_path / "kb", INTENTS, {"acme-dev.yaml": ACME})
    database = tmp_path / "log.sqlite3"
    Store(database, KEY).read(0)  # the schema, and no rows
    assert database.is_file()
    text = run_cli("report", "--knowledge", knowledge, "--database", database)
    assert text.returncode == 0, text.stderr
    assert "Nothing recorded" in text.stdout and "Traceback" not in text.stderr
    data = report(knowledge, database)
    assert data["totals"]["questions"] == 0 and data["totals"]["answered_rate"] is None
    assert data["postings"] == [] and data["feedback"] == [] and data["clusters"] == []


def test_database_path_comes_from_the_environment(seeded: tuple[Path, Path]) -> None:
    knowledge, database = seeded
    result = run_cli("report", "--knowledge", knowledge, "--json", env={"DATABASE_PATH": str(database)})
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["totals"]["questions"] == 15


@pytest.mark.parametrize("since", ["0", "-3", "soon", "inf", "nan"])
def test_a_bad_period_is_a_clear_error(tmp_path: Path, since: str) -> None:
    result = run_cli("report", "--since", since)
    assert result.returncode == 2
    assert "--since" in result.stderr and "Traceback" not in result.stderr


def test_a_period_longer_than_the_clock_starts_at_the_epoch(seeded: tuple[Path, Path]) -> None:
    data = report(*seeded, "--since", "1e9")
    assert data["from"].startswith("1970-01-01") and data["totals"]["questions"] == 16


def test_an_unreadable_log_is_a_clear_error(tmp_path: Path) -> None:
    database = tmp_path / "log.sqlite3"
    database.write_text("not a database, just text " * 100)
    result = run_cli("report", "--database", database)
    assert result.returncode == 2
    assert str(database) in result.stderr and "Traceback" not in result.stderr


def test_a_directory_where_the_log_should_be_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "data").mkdir()
    result = run_cli("report", env={"DATABASE_PATH": str(tmp_path / "data")})
    assert result.returncode == 2
    assert f"{tmp_path / 'data'} is not a file" in result.stderr and "Traceback" not in result.stderr
    assert "nothing has been recorded" not in result.stderr


def test_an_unreachable_database_server_is_a_clear_error(tmp_path: Path) -> None:
    url = f"postgresql+psycopg://bot:secret-pw@/postgres?host={tmp_path}"  # no server listens there
    result = run_cli("report", env={"DATABASE_URL": url})
    assert result.returncode == 2
    assert "cannot read the question log postgresql+psycopg://bot:***@/postgres" in result.stderr
    assert "secret-pw" not in result.stderr and "Traceback" not in result.stderr


def test_naming_the_role_does_not_make_questions_alike(tmp_path: Path) -> None:
    knowledge = write_knowledge(tmp_path / "kb", INTENTS, {"acme-dev.yaml": ACME, "beta-ops.yaml": BETA})
    database = tmp_path / "log.sqlite3"
    store = Store(database, KEY)
    for question in [
        "dress code for the operations engineer role?",
        "parking for the operations engineer role?",
    ]:
        store.record_reply(unanswered(question, "beta-ops"), "U0X", "dm")
    store.record_reply(unanswered("is the Beta office dog friendly", "beta-ops"), "U0X", "dm")
    store.record_reply(unanswered("which team do operations engineers join at beta", "beta-ops"), "U0X", "dm")
    clusters = report(knowledge, database)["clusters"]
    assert sorted(len(c["examples"]) for c in clusters) == [1, 1, 1, 1]
    by_question = {c["examples"][0]: c for c in clusters}
    # The role's and company's names are no reason to suggest an intent; the words about teams are.
    assert by_question["dress code for the operations engineer role?"]["suggestion"] is None
    assert by_question["which team do operations engineers join at beta"]["suggestion"] == "teams"
