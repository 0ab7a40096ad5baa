"""`sync`: a job board's open jobs against the postings earlier imports wrote from it.

Import records (`.imports/<id>.json`) name the job each posting came from, so a sync can tell a new job
from a changed one, and notice a posting whose job has closed. Nothing is written until `apply`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from bot.importer.boards import Job
from bot.importer.draft import Draft, build_draft, posting_id
from bot.importer.writer import RECORDS_DIR, write_posting


@dataclass
class SyncPlan:
    board: str
    new: list[tuple[str, Draft]] = field(default_factory=list)
    changed: list[tuple[str, Draft]] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    closed: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)

    def report(self) -> list[str]:
        lines = [
            f"{self.board}: {len(self.new)} new, {len(self.changed)} changed, "
            f"{len(self.unchanged)} unchanged, {len(self.closed)} closed"
        ]
        lines += [f"  new: {pid} ({draft.posting.get('title')})" for pid, draft in self.new]
        lines += [f"  changed: {pid}" for pid, _ in self.changed]
        lines += [
            f"  closed: {pid}: no longer on the board; delete postings/{pid}.yaml and .md to stop answering"
            for pid in self.closed
        ]
        lines += [f"  skipped: {reason}" for reason in self.skipped]
        return lines

    def apply(self, knowledge: Path) -> None:
        for pid, draft in self.new + self.changed:
            write_posting(knowledge, pid, draft)


def _records(knowledge: Path) -> dict[str, tuple[str, object]]:
    """job key -> (posting id, facts the last import found)."""
    found: dict[str, tuple[str, object]] = {}
    for path in sorted((knowledge / RECORDS_DIR).glob("*.json")):
        try:
            record = json.loads(path.read_text(encoding="utf-8"))
        except (json.JSONDecodeError, UnicodeDecodeError):
            continue
        if isinstance(record, dict) and isinstance(record.get("source"), str):
            found[record["source"]] = (path.stem, record.get("facts"))
    return found


def plan_sync(knowledge: Path, board: str, jobs: list[Job], company: str | None = None) -> SyncPlan:
    plan = SyncPlan(board)
    records = _records(knowledge)
    taken = {p.stem for p in (knowledge / "postings").glob("*.yaml")}
    for job in jobs:
        draft = build_draft(job.source)
        if company and not draft.posting.get("company"):
            draft.name_company(company)
        if not draft.posting.get("title") or not draft.posting.get("company"):
            plan.skipped.append(
                f"{job.key}: the posting doesn't name its company; give it with --company NAME"
            )
            continue
        if job.key in records:
            pid, facts = records[job.key]
            (plan.unchanged.append(pid) if facts == draft.posting else plan.changed.append((pid, draft)))
            continue
        pid = posting_id(draft) or job.key.rsplit(":", 1)[-1]
        if pid in taken:
            pid = f"{pid}-{job.key.rsplit(':', 1)[-1]}"[:80].lower()
        taken.add(pid)
        plan.new.append((pid, draft))
    open_keys = {job.key for job in jobs}
    prefix = board + ":"
    plan.closed = sorted(
        pid for key, (pid, _) in records.items() if key.startswith(prefix) and key not in open_keys
    )
    return plan
