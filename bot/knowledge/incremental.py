"""Reloading only what changed: an edit to one posting re-reads, re-checks and swaps that posting alone.

Each file is remembered by its stat signature and a digest of its bytes: a scan of thousands of files costs
one `stat` each, and only files whose bytes differ are parsed again. A posting file that fails keeps its
last good version served (a new file that fails is simply not added) and leaves every other posting alone.
A posting's text (`<id>.md`) goes with its posting: editing it rebuilds that posting. An edit to
`intents.yaml` rebuilds the shared part and every posting over it from their parsed files
(nothing is re-read); it goes live only if every posting still builds, else the old shared part stays.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

from bot.knowledge.loader import (
    INTENTS_FILE,
    POSTINGS_DIR,
    Knowledge,
    PostingKnowledge,
    PostingRead,
    SharedPart,
    build_posting,
    load_parts,
    load_shared,
    posting_files,
    read_posting,
    read_text,
)
from bot.knowledge.posting_text import TEXT_SUFFIX, orphan_problem, text_files
from bot.knowledge.schema import Posting
from bot.knowledge.yaml_source import Problem, YamlDocument

Signature = tuple[int, int, int]  # mtime_ns, size, inode: a save changes at least one


@dataclass
class _File:
    """What is known of one file: the version last read, and whether that version failed."""

    signature: Signature | None
    digest: str
    problems: tuple[Problem, ...] = ()


@dataclass
class _Served:
    """A posting as served: its parsed file (to rebuild it over new shared intents) and its knowledge."""

    doc: YamlDocument
    posting: Posting
    knowledge: PostingKnowledge


@dataclass(frozen=True)
class Refresh:
    """What a refresh did: whether the served knowledge changed, and every problem outstanding now."""

    changed: bool
    read: tuple[Path, ...]  # files whose bytes were new and were parsed again
    problems: tuple[Problem, ...]


class KnowledgeFiles:
    """The served knowledge and, per file, the version it came from; `refresh` applies only what changed.

    Construction is a full, strict load: it raises KnowledgeError when anything is wrong, since a bot must
    not start on bad knowledge. Not thread-safe: callers serialise refreshes.
    """

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self._intents_path = directory / INTENTS_FILE
        self._files: dict[Path, _File] = {}
        # Each file's version is noted before it is parsed: an edit landing mid-load is seen by the next scan.
        loaded = load_parts(directory, before_read=lambda path: self._files.__setitem__(path, _stamp(path)))
        self._intents = self._files.pop(self._intents_path)
        self._shared = loaded.shared
        self._served = {doc.path: _Served(doc, posting, built) for doc, posting, built in loaded.built}
        # Each posting's last good text (postings/<id>.md), by posting id.
        self._texts = {posting.id: built.text for _, posting, built in loaded.built if built.text}
        self.knowledge = loaded.knowledge()

    def refresh(self) -> Refresh:
        """Apply whatever changed on disk since the last refresh; never raises for bad files."""
        intents_changed = _changed(self._intents_path, self._intents)
        if intents_changed is not None:
            self._intents = intents_changed
        yaml_paths = posting_files(self.directory)
        paths = [*yaml_paths, *text_files(self.directory / POSTINGS_DIR)]
        changed: dict[Path, _File] = {}
        for path in paths:
            new = _changed(path, self._files.get(path))
            if new is not None:
                changed[path] = new
        current = set(paths)
        removed = [path for path in self._files if path not in current]
        if intents_changed is None and not changed and not removed:
            return Refresh(False, (), self._problems())

        served_before, shared_before = dict(self._served), self._shared
        for path in removed:
            del self._files[path]
            self._served.pop(path, None)
            if path.suffix == TEXT_SUFFIX:
                self._texts.pop(path.stem, None)
        self._files.update(changed)
        reads = {path: read_posting(path) for path in changed if path.suffix != TEXT_SUFFIX}
        for path, r in reads.items():
            self._files[path].problems = tuple(r.problems)
        retexted = self._read_texts(changed, removed, yaml_paths)
        # intents.yaml is tried again after posting edits too: they may fix what stopped it.
        retry = self._intents.problems and (changed or removed)
        if not ((intents_changed is not None or retry) and self._swap_shared(reads)):
            for r in reads.values():
                self._apply(self._shared, r)
            for path, served in list(self._served.items()):
                if served.posting.id in retexted and path not in reads:
                    self._rebuild(path, served)
        # A posting whose new version took a channel another posting holds keeps its last one.
        for problem in _channel_problems(list(self._served.values()), set(changed)):
            old = served_before.get(problem.path)
            if old is not None and self._shared is not shared_before:
                built, _ = build_posting(self._shared, old.doc, old.posting, self._texts.get(old.posting.id))
                old = _Served(old.doc, old.posting, built) if built is not None else None
            if old is not None:
                self._served[problem.path] = old
            else:
                self._served.pop(problem.path, None)
            self._files[problem.path].problems += (problem,)
        swapped = self._shared is not shared_before or self._served.keys() != served_before.keys()
        if swapped or any(served_before[path] is not s for path, s in self._served.items()):
            self.knowledge = self._compose()
            changed_any = True
        else:
            changed_any = False  # every edit failed: the same knowledge object stays served
        read = tuple(changed) + ((self._intents_path,) if intents_changed else ())
        return Refresh(changed_any, read, self._problems())

    # ---- applying changes -----------------------------------------------------------------------------

    def _read_texts(
        self, changed: dict[Path, _File], removed: list[Path], yaml_paths: list[Path]
    ) -> set[str]:
        """Read the posting texts that changed; a text that can't be served keeps the posting's last good
        one. Returns the ids of postings whose text changed. A text whose posting is gone is a problem."""
        retexted = {path.stem for path in removed if path.suffix == TEXT_SUFFIX}
        stems = {path.stem for path in yaml_paths}
        for path, known in self._files.items():
            if path.suffix != TEXT_SUFFIX:
                continue
            if path in changed:
                text, problem = read_text(path, yaml_paths)
                known.problems = (problem,) if problem is not None else ()
                if text is not None and self._texts.get(path.stem) != text:
                    self._texts[path.stem] = text
                    retexted.add(path.stem)
            elif path.stem not in stems:  # its posting was deleted since
                orphan = orphan_problem(path, yaml_paths)
                known.problems = (orphan,) if orphan is not None else ()
        return retexted

    def _rebuild(self, path: Path, served: _Served) -> None:
        """Build a served posting again from its parsed file (its text changed)."""
        text = self._texts.get(served.posting.id)
        built, _ = build_posting(self._shared, served.doc, served.posting, text)
        if built is not None:
            self._served[path] = _Served(served.doc, served.posting, built)

    def _swap_shared(self, reads: dict[Path, PostingRead]) -> bool:
        """Rebuild every posting over new intents, re-read postings from their new versions; keep the old
        intents (and return False) if a posting that loads now would break."""
        shared, problems = load_shared(self._intents_path)
        if shared is None:
            self._intents.problems = tuple(problems)
            return False
        rebuilt: dict[Path, _Served] = {}
        for path, r in reads.items():
            if self._apply(shared, r, rebuilt):
                continue
            if path in self._served:
                reads_old = self._served[path]
                text = self._texts.get(reads_old.posting.id)
                built, posting_problems = build_posting(shared, reads_old.doc, reads_old.posting, text)
                if built is None:
                    problems += posting_problems  # neither its new nor its last good version fits
                else:
                    rebuilt[path] = _Served(reads_old.doc, reads_old.posting, built)
        for path, served in self._served.items():
            if path in reads:
                continue
            text = self._texts.get(served.posting.id)
            built, posting_problems = build_posting(shared, served.doc, served.posting, text)
            if built is None:
                problems += posting_problems
            else:
                rebuilt[path] = _Served(served.doc, served.posting, built)
        if problems:
            note = Problem(self._intents_path, 1, "not loaded: postings that load now would break with it")
            self._intents.problems = (note, *problems)
            for path, r in reads.items():  # judged again, over the intents that stay
                self._files[path].problems = tuple(r.problems)
            return False
        self._shared, self._intents.problems = shared, ()
        self._served = rebuilt
        return True

    def _apply(self, shared: SharedPart, r: PostingRead, into: dict[Path, _Served] | None = None) -> bool:
        """Serve a re-read posting if it is good (into `into`, or the served postings); otherwise keep its
        last good version and note why. Whether it was good."""
        if r.doc is None or r.posting is None:
            return False
        taken = {s.posting.id: path for path, s in self._served.items() if path != r.path}
        problem = _taken(r, taken)
        if problem is not None:
            self._files[r.path].problems += (problem,)
            return False
        built, problems = build_posting(shared, r.doc, r.posting, self._texts.get(r.posting.id))
        if built is None:
            self._files[r.path].problems += tuple(problems)
            return False
        (self._served if into is None else into)[r.path] = _Served(r.doc, r.posting, built)
        return True

    def _compose(self) -> Knowledge:
        # In file order, as a full load orders them; the dict is new, every posting in it is shared.
        postings = {s.posting.id: s.knowledge for _, s in sorted(self._served.items())}
        return Knowledge(self.directory, self._shared.settings, self._shared.messages, postings)

    def _problems(self) -> tuple[Problem, ...]:
        found = [*self._intents.problems, *(p for f in self._files.values() for p in f.problems)]
        return tuple(sorted(found, key=lambda p: (str(p.path), p.line)))


def _taken(r: PostingRead, taken: dict[str, Path]) -> Problem | None:
    """`x.yaml` and `x.yml` both name posting x: one would silently replace the other."""
    assert r.posting is not None and r.doc is not None
    other = taken.get(r.posting.id)
    if other is None or other == r.path:
        return None
    message = f"posting id '{r.posting.id}' is also used by '{other.name}'"
    return Problem(r.path, r.doc.line_of(("id",)), message)


def _channel_problems(served: list[_Served], paths: set[Path]) -> list[Problem]:
    """Channels of the postings at `paths` that another posting is tied to as well."""
    tied: dict[str, list[_Served]] = {}
    for s in served:
        for channel in s.posting.channels:
            tied.setdefault(channel, []).append(s)
    problems = []
    for channel, holders in tied.items():
        if len(holders) < 2:
            continue
        # The first holder in file order keeps it, as a full load reports the later ones.
        holders.sort(key=lambda s: s.doc.path)
        for s in holders[1:]:
            if s.doc.path in paths or holders[0].doc.path in paths:
                target = s if s.doc.path in paths else holders[0]
                other = holders[0] if target is s else s
                i = target.posting.channels.index(channel)
                message = f"channel {channel} is already tied to posting '{other.posting.id}'"
                problems.append(Problem(target.doc.path, target.doc.line_of(("channels", i)), message))
    return problems


def _signature(path: Path) -> Signature | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_mtime_ns, st.st_size, st.st_ino)


def _stamp(path: Path) -> _File:
    signature = _signature(path)
    try:
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError as exc:
        digest = f"unreadable: {exc}"
    return _File(signature, digest)


def _changed(path: Path, known: _File | None) -> _File | None:
    """The file's new version when its bytes differ from `known` (None when unchanged)."""
    signature = _signature(path)
    if known is not None and signature is not None and signature == known.signature:
        return None
    new = _stamp(path)
    if known is not None and new.digest == known.digest:
        known.signature = new.signature  # touched, not changed
        return None
    return new
