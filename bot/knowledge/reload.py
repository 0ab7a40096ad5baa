"""Live knowledge: the bot keeps answering from the last good version while recruiters edit the YAML.

`LiveKnowledge.current` is a single attribute read and a reload replaces it with a single assignment, so a
caller that reads it once per question answers that question wholly from the old knowledge or wholly from
the new. An edit that fails validation is not loaded: every problem is logged as `path:line: message`, and
`on_problems` hears about it once per failed version of the files, however often that version is seen (and
not again when a new version fails with exactly the same problems).
"""

from __future__ import annotations

import hashlib
import logging
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import watchfiles

from bot.knowledge.loader import Knowledge, KnowledgeError, knowledge_files, load_knowledge
from bot.knowledge.yaml_source import Problem

log = logging.getLogger(__name__)

# watchfiles yields once no further change arrives for STEP_MS (or after DEBOUNCE_MS at most): an editor's
# save is one reload, and a reload starts well inside the 2 s recruiters are promised.
STEP_MS = 100
DEBOUNCE_MS = 500
RUST_TIMEOUT_MS = 1000
RETRY_SECONDS = 2.0  # after the watch itself fails, e.g. the directory was moved away

ProblemsCallback = Callable[[Sequence[Problem]], None]


@dataclass(frozen=True)
class ReloadResult:
    """What a reload did: `loaded` a new version, found the files `unchanged`, or found `problems`."""

    loaded: bool
    unchanged: bool
    problems: tuple[Problem, ...]
    knowledge: Knowledge  # what is served now

    def summary(self) -> str:
        """One line for an admin: what happened and what is being served."""
        postings = ", ".join(sorted(self.knowledge.postings))
        if self.problems:
            return (
                f"Not reloaded: {len(self.problems)} problem(s) in {self.knowledge.directory}; "
                f"still answering from the last good version ({postings})."
            )
        if self.unchanged:
            return f"Nothing to reload: the knowledge files are unchanged ({postings})."
        return f"Reloaded {self.knowledge.directory}: {len(self.knowledge.postings)} posting(s) ({postings})."


class LiveKnowledge:
    """The knowledge the bot answers from, replaced as the files change. Callable: `live()` is `live.current`.

    Construction loads the directory and raises KnowledgeError if it is invalid: a bot must not start
    without good knowledge. Afterwards nothing raises; a bad edit only leaves the last good version served.
    """

    def __init__(self, directory: Path | str, on_problems: ProblemsCallback | None = None) -> None:
        self.directory = Path(directory)
        self.on_problems = on_problems
        self._lock = threading.Lock()  # one reload at a time: watcher and `/posting reload` may race
        fingerprint = _fingerprint(self.directory)
        self._current = load_knowledge(self.directory)
        self._fingerprint = fingerprint
        self._failed: tuple[str, tuple[Problem, ...]] | None = None
        self._notified: tuple[Problem, ...] = ()  # saving a broken file again without a fix isn't news
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    @property
    def current(self) -> Knowledge:
        return self._current

    def __call__(self) -> Knowledge:
        return self._current

    def reload(self) -> ReloadResult:
        """Load the files again if they changed since the version served (or last rejected); never raises."""
        with self._lock:
            # Fingerprint before loading: an edit landing mid-load changes the files again, and the next
            # reload sees a fingerprint that differs and loads once more.
            fingerprint = _fingerprint(self.directory)
            if fingerprint == self._fingerprint:
                return ReloadResult(False, True, (), self._current)
            if self._failed is not None and self._failed[0] == fingerprint:
                return ReloadResult(False, True, self._failed[1], self._current)
            try:
                knowledge = load_knowledge(self.directory)
            except KnowledgeError as exc:
                problems = tuple(exc.problems)
            except Exception as exc:  # a loader bug must not take the bot down on one odd edit
                log.exception("loading %s failed unexpectedly", self.directory)
                problems = (Problem(self.directory, 1, f"could not load the knowledge: {exc}"),)
            else:
                self._current, self._fingerprint = knowledge, fingerprint
                self._failed, self._notified = None, ()
                log.info("knowledge reloaded from %s: %d posting(s)", self.directory, len(knowledge.postings))
                for warning in knowledge.warnings:
                    log.warning("%s", warning)
                return ReloadResult(True, False, (), knowledge)
            self._failed = (fingerprint, problems)
            notify, self._notified = problems != self._notified, problems
        self._report(problems, notify)
        return ReloadResult(False, False, problems, self._current)

    def _report(self, problems: tuple[Problem, ...], notify: bool) -> None:
        log.error(
            "knowledge in %s has %d problem(s); still answering from the last good version",
            self.directory,
            len(problems),
        )
        for problem in problems:
            log.error("%s", problem)
        if notify and self.on_problems is not None:
            try:
                self.on_problems(problems)
            except Exception:
                log.exception("reporting knowledge problems failed")

    # ---- watching -------------------------------------------------------------------------------------

    def start_watching(self) -> None:
        """Reload on every change under the directory, from a daemon thread, until `stop_watching`."""
        if self._thread is not None:
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self._watch, name="knowledge-watcher", daemon=True)
        self._thread.start()

    def stop_watching(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=10)
            self._thread = None

    def __enter__(self) -> LiveKnowledge:
        self.start_watching()
        return self

    def __exit__(self, *_: object) -> None:
        self.stop_watching()

    def _watch(self) -> None:
        # The first yield shows the watch is up: reload once then, for edits saved between the first load
        # and the watch starting (a bot's start-up takes seconds; no file event will come for those).
        catching_up, failing = True, False
        while not self._stop.is_set():
            try:
                # yield_on_timeout: an empty set each RUST_TIMEOUT_MS shows the watch is up (and lets a
                # watch that failed before catch up on edits it missed).
                for changes in watchfiles.watch(
                    self.directory,
                    stop_event=self._stop,
                    step=STEP_MS,
                    debounce=DEBOUNCE_MS,
                    rust_timeout=RUST_TIMEOUT_MS,
                    yield_on_timeout=True,
                    raise_interrupt=False,
                    ignore_permission_denied=True,
                ):
                    if failing:
                        log.info("watching %s again", self.directory)
                    if failing or catching_up or changes:
                        catching_up = failing = False
                        self.reload()
            except Exception as exc:
                if not failing:
                    log.warning("cannot watch %s (%s); retrying", self.directory, exc)
                failing = True
                self._stop.wait(RETRY_SECONDS)


def _fingerprint(directory: Path) -> str:
    """A digest of exactly the files the loader reads; equal digests load to equal knowledge."""
    digest = hashlib.sha256()
    for path in knowledge_files(directory):
        digest.update(str(path.relative_to(directory)).encode() + b"\0")
        try:
            digest.update(path.read_bytes())
        except OSError as exc:
            digest.update(f"unreadable: {exc}".encode())
        digest.update(b"\0")
    return digest.hexdigest()
