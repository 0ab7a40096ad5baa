"""Greenhouse and Lever public job APIs: a job URL to its API object, and a board's open jobs.

Only the public, unauthenticated read endpoints are used. Their base URLs are settings
(GREENHOUSE_API_BASE_URL, LEVER_API_BASE_URL) so tests run against a local stand-in. Every failure —
unreachable, 404, 429, a body that isn't the expected JSON — is one ImportProblem line.
"""

from __future__ import annotations

import json
import re
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from typing import Any

from bot.importer.sources import MAX_BYTES, ImportProblem, Source, from_json

_GREENHOUSE_URL = re.compile(
    r"^https?://(?:boards|job-boards)(?:\.eu)?\.greenhouse\.io/(?:embed/job_app\?for=)?([A-Za-z0-9_-]+)/jobs/(\d+)"
)
_LEVER_URL = re.compile(r"^https?://jobs(?:\.eu)?\.lever\.co/([A-Za-z0-9_.-]+)/([0-9a-fA-F-]{8,})")
TIMEOUT = 15.0
RATE_LIMIT_RETRIES = 3
MAX_RETRY_WAIT = 10.0  # seconds of Retry-After worth waiting for; past it, the user hears when to retry
_HEADERS = {"Accept": "application/json", "User-Agent": "posting-bot import"}


@dataclass(frozen=True)
class Boards:
    greenhouse: str  # e.g. https://boards-api.greenhouse.io
    lever: str  # e.g. https://api.lever.co


@dataclass(frozen=True)
class Job:
    """One open job on a board: its key in sync records, and its source."""

    key: str  # "greenhouse:BOARD:ID", "lever:SITE:ID"
    source: Source


def is_job_url(text: str) -> bool:
    return bool(re.match(r"^https?://", text))


def get_json(url: str) -> Any:
    """GET a JSON document, or ImportProblem saying in one line what went wrong.

    A 429 is waited out and asked again, RATE_LIMIT_RETRIES times at most, when the board asks for a short
    wait (Retry-After up to MAX_RETRY_WAIT seconds; 1 s when it doesn't say); a longer one is reported."""
    retries = 0
    while True:
        try:
            return _get_json_once(url)
        except _RateLimited as limited:
            if retries == RATE_LIMIT_RETRIES or limited.wait > MAX_RETRY_WAIT:
                after = f"; try again in {limited.wait:g} seconds" if limited.stated else ""
                raise ImportProblem(f"{url}: the job board is rate limiting requests (429){after}") from None
            retries += 1
            time.sleep(limited.wait)


class _RateLimited(Exception):
    def __init__(self, wait: float, stated: bool) -> None:
        super().__init__(f"429, retry after {wait} s")
        self.wait, self.stated = wait, stated


def _get_json_once(url: str) -> Any:
    request = urllib.request.Request(url, headers=_HEADERS)
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as response:
            body = response.read(MAX_BYTES + 1)
    except urllib.error.HTTPError as exc:
        if exc.code == 429:
            wait = (exc.headers.get("Retry-After") or "").strip() if exc.headers else ""
            stated = wait.isdigit()
            raise _RateLimited(float(wait) if stated else 1.0, stated) from exc
        if exc.code == 404:
            raise ImportProblem(
                f"{url}: not found (404): the job may be closed or the board name wrong"
            ) from exc
        raise ImportProblem(f"{url}: the job board answered {exc.code} {exc.reason}") from exc
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise ImportProblem(f"{url}: can't reach the job board ({reason})") from exc
    if len(body) > MAX_BYTES:
        raise ImportProblem(f"{url}: the response is over {MAX_BYTES:,} bytes; not a job posting")
    try:
        return json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ImportProblem(f"{url}: the job board's response is not valid JSON") from exc


def _api(base: str, path: str) -> str:
    return base.rstrip("/") + "/" + "/".join(urllib.parse.quote(part, safe="") for part in path.split("/"))


def greenhouse_job(boards: Boards, board: str, job_id: str) -> Job:
    url = _api(boards.greenhouse, f"v1/boards/{board}/jobs/{job_id}") + "?pay_transparency=true"
    key = f"greenhouse:{board}:{job_id}"
    return Job(key, from_json(get_json(url), key))


def lever_job(boards: Boards, site: str, posting_id: str) -> Job:
    url = _api(boards.lever, f"v0/postings/{site}/{posting_id}")
    key = f"lever:{site}:{posting_id}"
    return Job(key, from_json(get_json(url), key))


def job_from_url(boards: Boards, url: str) -> Job:
    greenhouse = _GREENHOUSE_URL.match(url)
    if greenhouse:
        return greenhouse_job(boards, greenhouse.group(1), greenhouse.group(2))
    lever = _LEVER_URL.match(url)
    if lever:
        return lever_job(boards, lever.group(1), lever.group(2))
    raise ImportProblem(
        f"{url}: not a Greenhouse (boards.greenhouse.io/BOARD/jobs/ID) or Lever (jobs.lever.co/SITE/ID) "
        "job URL"
    )


def board_jobs(boards: Boards, board: str) -> list[Job]:
    """Every open job of `greenhouse:BOARD` or `lever:SITE`."""
    kind, _, name = board.partition(":")
    if kind not in ("greenhouse", "lever") or not re.fullmatch(r"[A-Za-z0-9_.-]+", name):
        raise ImportProblem(f"{board}: name a board as greenhouse:BOARD or lever:SITE")
    if kind == "greenhouse":
        listing = get_json(_api(boards.greenhouse, f"v1/boards/{name}/jobs"))
        jobs = listing.get("jobs") if isinstance(listing, dict) else None
        if not isinstance(jobs, list) or not all(isinstance(j, dict) and "id" in j for j in jobs):
            raise ImportProblem(f"{board}: the job board's list of jobs is not in the expected shape")
        # The list omits pay ranges: each job is fetched on its own with pay transparency.
        return [greenhouse_job(boards, name, str(job["id"])) for job in jobs]
    listing = get_json(_api(boards.lever, f"v0/postings/{name}") + "?mode=json")
    if not isinstance(listing, list) or not all(isinstance(p, dict) and "id" in p for p in listing):
        raise ImportProblem(f"{board}: the job board's list of postings is not in the expected shape")
    return [Job(f"lever:{name}:{p['id']}", from_json(p, f"lever:{name}:{p['id']}")) for p in listing]
