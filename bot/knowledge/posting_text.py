"""A posting's own text: `postings/<id>.md` beside its facts, the posting as candidates read it.

The facts in `<id>.yaml` are what prepared answers are rendered from; the text is what the bot quotes when
no prepared answer fits. It is read strictly: UTF-8, no binary content, at most MAX_TEXT_BYTES, and only
beside a posting that exists — a text without its YAML would never be served, and nobody would notice.
"""

from __future__ import annotations

from pathlib import Path

from bot.knowledge.yaml_source import Problem

TEXT_SUFFIX = ".md"
MAX_TEXT_BYTES = 256 * 1024  # a long posting is ~15 KB; anything near this is a pasted page, not a posting


class PostingTextError(Exception):
    def __init__(self, problem: Problem) -> None:
        super().__init__(str(problem))
        self.problem = problem


def text_files(folder: Path) -> list[Path]:
    """The posting texts in a postings folder, in load order."""
    return sorted(folder.glob(f"*{TEXT_SUFFIX}"))


def read_posting_text(path: Path) -> str:
    """The text of `path`; PostingTextError (with the line where it can tell) when it can't be served."""
    try:
        with path.open("rb") as file:
            data = file.read(MAX_TEXT_BYTES + 1)  # never more: the file may be any size
    except OSError as exc:
        raise PostingTextError(Problem(path, 1, f"cannot read file: {exc}")) from exc
    if len(data) > MAX_TEXT_BYTES:
        size = path.stat().st_size
        raise PostingTextError(
            Problem(path, 1, f"posting text is {size:,} bytes; the most is {MAX_TEXT_BYTES:,}")
        )
    if b"\0" in data:
        line = data.count(b"\n", 0, data.index(b"\0")) + 1
        raise PostingTextError(Problem(path, line, "not text: the file holds binary data"))
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        message = f"not UTF-8 (byte 0x{data[exc.start]:02x}): save the file as UTF-8"
        raise PostingTextError(Problem(path, line, message)) from exc
    text = text.removeprefix("\ufeff")  # a byte-order mark some editors write
    if not text.strip():
        raise PostingTextError(
            Problem(path, 1, "posting text is empty: paste the posting, or delete the file")
        )
    return text


def orphan_problem(path: Path, posting_files: list[Path]) -> Problem | None:
    """A text with no `<id>.yaml` beside it is a problem, not a silent no-op."""
    if path.stem in {p.stem for p in posting_files}:
        return None
    return Problem(path, 1, f"posting text without a posting: there is no postings/{path.stem}.yaml for it")
