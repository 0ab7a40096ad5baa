"""Job URLs and `sync`, end to end: the CLI as a process against a local stand-in of the Greenhouse and
Lever APIs, including the ways a network call fails."""

from __future__ import annotations

import json
import shutil
import socket
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.conftest import KNOWLEDGE, ROOT
from tests.environment import run_cli
from tests.job_boards_standin import JobBoards, Reply

pytestmark = pytest.mark.e2e  # the CLI as a process

POSTINGS = ROOT / "tests" / "fixtures" / "postings"
GREENHOUSE_JOB = json.loads((POSTINGS / "greenhouse-data-engineer.json").read_text(encoding="utf-8"))
LEVER_POSTING = json.loads((POSTINGS / "lever-site-reliability-engineer.json").read_text(encoding="utf-8"))
GH_URL = "https://boards.greenhouse.io/tidewater/jobs/4100200300"
LEVER_URL = f"https://jobs.lever.co/kestrel/{LEVER_POSTING['id']}"


@pytest.fixture
def knowledge(tmp_path: Path) -> Path:
    directory = tmp_path / "kb"
    (directory / "postings").mkdir(parents=True)
    shutil.copy(KNOWLEDGE / "intents.yaml", directory / "intents.yaml")
    return directory


def env(boards: JobBoards) -> dict[str, str]:
    return {"GREENHOUSE_API_BASE_URL": boards.url, "LEVER_API_BASE_URL": boards.url}


def cli(boards: JobBoards, *args: str | Path) -> Any:
    return run_cli(*args, env=env(boards))


def files(directory: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(directory)): p.read_bytes() for p in sorted(directory.rglob("*")) if p.is_file()
    }


# ---- one job by URL --------------------------------------------------------------------------------------


def test_a_greenhouse_job_url_is_fetched_with_pay_ranges_and_written(
    job_boards: JobBoards, knowledge: Path
) -> None:
    job_boards.serve("/v1/boards/tidewater/jobs/4100200300", GREENHOUSE_JOB)
    result = cli(job_boards, "import", GH_URL, "--write", "--knowledge", knowledge)
    assert result.returncode == 0, result.stderr
    assert job_boards.requests == ["/v1/boards/tidewater/jobs/4100200300?pay_transparency=true"]
    posting = yaml.safe_load((knowledge / "postings" / "tidewater-labs-data-engineer.yaml").read_text())
    assert posting["salary"][0] == {
        "min": 90000,
        "max": 110000,
        "currency": "CAD",
        "period": "year",
        "eligibility": "Toronto",
    }
    assert posting["url"] == GH_URL
    record = json.loads((knowledge / ".imports" / "tidewater-labs-data-engineer.json").read_text())
    assert record["source"] == "greenhouse:tidewater:4100200300"
    assert run_cli("check", "--knowledge", knowledge).returncode == 0


def test_a_lever_job_url_is_fetched(job_boards: JobBoards) -> None:
    job_boards.serve(f"/v0/postings/kestrel/{LEVER_POSTING['id']}", LEVER_POSTING)
    result = cli(job_boards, "import", LEVER_URL + "/apply", "--json")
    assert result.returncode == 0, result.stderr
    posting = json.loads(result.stdout)["posting"]
    assert posting["title"] == "Site Reliability Engineer" and posting["remote"] == {"mode": "hybrid"}


@pytest.mark.parametrize(
    ("reply", "message"),
    [
        (None, "not found (404)"),
        (
            Reply(429, b'{"error": "slow down"}', {"Retry-After": "30"}),
            "rate limiting requests (429); try again in 30",
        ),
        (Reply(200, b"<html>Service maintenance</html>"), "not valid JSON"),
        (Reply(200, b'{"jobs": "not a job"}'), "neither a Greenhouse job"),
        (Reply(503, b"down"), "answered 503"),
    ],
)
def test_a_failed_fetch_is_one_line_exit_2_and_writes_nothing(
    job_boards: JobBoards, knowledge: Path, reply: Reply | None, message: str
) -> None:
    if reply is not None:
        job_boards.serve("/v1/boards/tidewater/jobs/4100200300", reply)
    before = files(knowledge)
    result = cli(job_boards, "import", GH_URL, "--write", "--knowledge", knowledge)
    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 1 and message in result.stderr, result.stderr
    assert files(knowledge) == before


def test_an_unreachable_board_is_one_line_exit_2(knowledge: Path) -> None:
    with socket.socket() as free:  # a port nothing listens on
        free.bind(("127.0.0.1", 0))
        port = free.getsockname()[1]
    dead = f"http://127.0.0.1:{port}"
    result = run_cli(
        "import", LEVER_URL, "--write", "--knowledge", knowledge,
        env={"GREENHOUSE_API_BASE_URL": dead, "LEVER_API_BASE_URL": dead},
    )  # fmt: skip
    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 1 and "can't reach the job board" in result.stderr
    assert set(files(knowledge)) == {"intents.yaml"}


def test_a_url_of_another_site_is_refused(job_boards: JobBoards) -> None:
    result = cli(job_boards, "import", "https://example.com/careers/42")
    assert result.returncode == 2 and "not a Greenhouse" in result.stderr
    assert job_boards.requests == []


# ---- sync ------------------------------------------------------------------------------------------------


def second_posting() -> dict[str, Any]:
    other: dict[str, Any] = json.loads(json.dumps(LEVER_POSTING))
    other["id"] = "99999999-aaaa-4bbb-8ccc-0123456789ab"
    other["text"] = "Network Engineer"
    return other


def test_sync_reports_and_writes_only_with_write(job_boards: JobBoards, knowledge: Path) -> None:
    job_boards.serve("/v0/postings/kestrel", [LEVER_POSTING, second_posting()])
    dry = cli(job_boards, "sync", "lever:kestrel", "--knowledge", knowledge)
    assert dry.returncode == 0, dry.stderr
    assert "2 new, 0 changed, 0 unchanged, 0 closed" in dry.stdout and "nothing written" in dry.stdout
    assert set(files(knowledge)) == {"intents.yaml"}
    assert job_boards.requests == ["/v0/postings/kestrel?mode=json"]

    wrote = cli(job_boards, "sync", "lever:kestrel", "--write", "--knowledge", knowledge)
    assert wrote.returncode == 0, wrote.stderr
    ids = sorted(p.stem for p in (knowledge / "postings").glob("*.yaml"))
    assert ids == ["kestrel-cloud-network-engineer", "kestrel-cloud-site-reliability-engineer"]
    assert run_cli("check", "--knowledge", knowledge).returncode == 0

    # The SRE posting's pay changes and the network posting closes.
    raised = json.loads(json.dumps(LEVER_POSTING))
    raised["salaryRange"]["max"] = 99000
    job_boards.serve("/v0/postings/kestrel", [raised])
    before = files(knowledge)
    later = cli(job_boards, "sync", "lever:kestrel", "--knowledge", knowledge)
    assert "0 new, 1 changed, 0 unchanged, 1 closed" in later.stdout
    assert "changed: kestrel-cloud-site-reliability-engineer" in later.stdout
    assert "closed: kestrel-cloud-network-engineer" in later.stdout
    assert files(knowledge) == before  # without --write, a sync changes nothing
    cli(job_boards, "sync", "lever:kestrel", "--write", "--knowledge", knowledge)
    sre = yaml.safe_load(
        (knowledge / "postings" / "kestrel-cloud-site-reliability-engineer.yaml").read_text()
    )
    assert sre["salary"]["max"] == 99000
    # Closed postings are reported, not deleted: what candidates are answered from is the recruiter's call.
    assert (knowledge / "postings" / "kestrel-cloud-network-engineer.yaml").is_file()


def test_greenhouse_sync_fetches_each_job_for_its_pay(job_boards: JobBoards, knowledge: Path) -> None:
    job_boards.serve(
        "/v1/boards/tidewater/jobs",
        {"jobs": [{"id": 4100200300, "title": "Data Engineer"}], "meta": {"total": 1}},
    )
    job_boards.serve("/v1/boards/tidewater/jobs/4100200300", GREENHOUSE_JOB)
    result = cli(job_boards, "sync", "greenhouse:tidewater", "--write", "--knowledge", knowledge)
    assert result.returncode == 0, result.stderr
    assert "1 new" in result.stdout
    assert "/v1/boards/tidewater/jobs/4100200300?pay_transparency=true" in job_boards.requests
    again = cli(job_boards, "sync", "greenhouse:tidewater", "--knowledge", knowledge)
    assert "0 new, 0 changed, 1 unchanged, 0 closed" in again.stdout


@pytest.mark.parametrize(
    ("reply", "message"),
    [
        (None, "not found (404)"),
        (Reply(429, b"", {"Retry-After": "60"}), "(429); try again in 60 seconds"),
        (Reply(200, b'{"jobs": [1, 2'), "not valid JSON"),
        (Reply(200, b'{"postings": []}'), "not in the expected shape"),
    ],
)
def test_a_failed_sync_is_one_line_exit_2_and_writes_nothing(
    job_boards: JobBoards, knowledge: Path, reply: Reply | None, message: str
) -> None:
    if reply is not None:
        job_boards.serve("/v0/postings/kestrel", reply)
    result = cli(job_boards, "sync", "lever:kestrel", "--write", "--knowledge", knowledge)
    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 1 and message in result.stderr, result.stderr
    assert set(files(knowledge)) == {"intents.yaml"}


def test_sync_needs_a_board_kind(job_boards: JobBoards, knowledge: Path) -> None:
    result = cli(job_boards, "sync", "kestrel", "--knowledge", knowledge)
    assert result.returncode == 2 and "greenhouse:BOARD or lever:SITE" in result.stderr


def test_a_short_rate_limit_is_waited_out_and_asked_again(job_boards: JobBoards) -> None:
    path = "/v1/boards/tidewater/jobs/4100200300"
    job_boards.serve(path, (Reply(429, b"", {"Retry-After": "1"}), Reply(429, b""), GREENHOUSE_JOB))
    result = cli(job_boards, "import", GH_URL, "--json")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["posting"]["title"] == GREENHOUSE_JOB["title"]
    assert [r.split("?")[0] for r in job_boards.requests] == [path] * 3


def test_a_rate_limit_that_lasts_is_reported_after_a_few_tries(job_boards: JobBoards) -> None:
    job_boards.serve("/v1/boards/tidewater/jobs/4100200300", Reply(429, b"", {"Retry-After": "0"}))
    result = cli(job_boards, "import", GH_URL, "--json")
    assert result.returncode == 2
    assert "(429); try again in 0 seconds" in result.stderr
    assert len(job_boards.requests) == 4  # the first try and three more
