"""Live knowledge: the bot keeps answering from the last good version while recruiters edit the YAML.

`LiveKnowledge.current` is a single attribute read and a reload replaces it with a single assignment, so a
caller that reads it once per question answers that question wholly from the old knowledge or wholly from
the new. Only the files that changed are read again. An edit that fails validation is not loaded — that file
keeps its last good version, the others go live — and every problem is logged as `path:line: message`;
`on_problems` hears about it once per failed version of the files, however often that version is seen (and
not again when a new version fails with exactly the same problems).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import watchfiles

from bot.knowledge.incremental import KnowledgeFiles
from bot.knowledge.loader import Knowledge, KnowledgeError
from bot.knowledge.model import posting_list
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
    """What a reload did: `loaded` a new version of some files, found the files `unchanged`, and the
    `problems` outstanding (files that keep their last good version, or were not added)."""

    loaded: bool
    unchanged: bool
    problems: tuple[Problem, ...]
    knowledge: Knowledge  # what is served now

    def summary(self) -> str:
        """One line for an admin: what happened and what is being served."""
        count = len(self.knowledge.postings)
        postings = posting_list(self.knowledge.postings)
        if self.problems:
            files = len({p.path for p in self.problems})
            done = f"Reloaded {self.knowledge.directory} except" if self.loaded else "Not reloaded:"
            return (
                f"{done} {len(self.problems)} problem(s) in {files} file(s) of {self.knowledge.directory}; "
                f"still answering from the last good version of those ({count} posting(s): {postings})."
            )
        if self.unchanged:
            return f"Nothing to reload: the knowledge files are unchanged ({count} posting(s): {postings})."
        return f"Reloaded {self.knowledge.directory}: {count} posting(s) ({postings})."


class LiveKnowledge:
    """The knowledge the bot answers from, replaced as the files change. Callable: `live()` is `live.current`.

    Construction loads the directory and raises KnowledgeError if it is invalid: a bot must not start
    without good knowledge. Afterwards nothing raises; a bad edit to a file only leaves that file's last
    good version served. A reload re-reads only the files that changed (see `incremental`).
    """

    def __init__(self, directory: Path | str, on_problems: ProblemsCallback | None = None) -> None:
        self.directory = Path(directory)
        self.on_problems = on_problems
        self._lock = threading.Lock()  # one reload at a time: watcher and `/posting reload` may race
        self._files = KnowledgeFiles(self.directory)
        self._current = self._files.knowledge
        self._notified: tuple[Problem, ...] = ()  # saving a broken file again without a fix isn't news
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    @property
    def current(self) -> Knowledge:
        return self._current

    def __call__(self) -> Knowledge:
        return self._current

    def reload(self) -> ReloadResult:
        """Apply what changed in the files since the last reload; never raises."""
        with self._lock:
            try:
                refresh = self._files.refresh()
            except Exception as exc:  # a loader bug must not take the bot down on one odd edit
                log.exception("reloading %s failed unexpectedly", self.directory)
                problems = (Problem(self.directory, 1, f"could not load the knowledge: {exc}"),)
                self._recover()
                notify, self._notified = problems != self._notified, problems
                self._report(problems, notify)
                return ReloadResult(False, False, problems, self._current)
            if not refresh.read and not refresh.changed:
                return ReloadResult(False, True, refresh.problems, self._current)
            self._current = self._files.knowledge
            notify, self._notified = refresh.problems != self._notified, refresh.problems
        if refresh.changed:
            log.info(
                "knowledge reloaded from %s: %d file(s) read again; %d posting(s) served",
                self.directory,
                len(refresh.read),
                len(self._current.postings),
            )
        if refresh.problems:
            self._report(refresh.problems, notify)
        return ReloadResult(refresh.changed, False, refresh.problems, self._current)

    def _recover(self) -> None:
        """After an unexpected failure, start again from a full load so no change is lost track of."""
        try:
            self._files = KnowledgeFiles(self.directory)
        except KnowledgeError:
            return  # the last good version stays served; the next reload tries again from the old state
        except Exception:
            log.exception("loading %s again failed unexpectedly", self.directory)
            return
        self._current = self._files.knowledge

    def _report(self, problems: tuple[Problem, ...], notify: bool) -> None:
        log.error(
            "knowledge in %s has %d problem(s); still answering from the last good version of those files",
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
