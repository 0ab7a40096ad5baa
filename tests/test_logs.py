"""One log record is one line, whatever text from outside it quotes (bot/logs.py)."""

from __future__ import annotations

import io
import logging

from bot.logs import OneLineFormatter, escape_controls

FORMAT = "%(levelname)s %(name)s: %(message)s"


def _logged(*args: object, exc: BaseException | None = None) -> str:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(OneLineFormatter(FORMAT))
    logger = logging.getLogger("tests.log_format")
    logger.addHandler(handler)
    logger.propagate = False
    try:
        if exc is None:
            logger.warning(*args)
        else:
            try:
                raise exc
            except type(exc):
                logger.exception(*args)
    finally:
        logger.removeHandler(handler)
    return stream.getvalue()


def test_a_newline_in_a_quoted_value_cannot_forge_a_record() -> None:
    text = _logged("could not answer %r", "hi\n2026-01-01 CRITICAL bot.security: FORGED\r\x1b[2J\u2028x")
    assert text.count("\n") == 1
    assert "\\n2026-01-01 CRITICAL bot.security: FORGED\\r\\x1b[2J\\u2028x" in text


def test_a_traceback_follows_indented_so_only_the_record_starts_at_the_margin() -> None:
    text = _logged("failed", exc=ValueError("line one\nWARNING bot: FORGED"))
    first, *rest = text.splitlines()
    assert first == "ERROR tests.log_format: failed"
    assert rest and all(line.startswith("    ") for line in rest)


def test_printable_text_is_left_alone() -> None:
    assert escape_controls("Zürich — 100% «ok» 👍\t") == "Zürich — 100% «ok» 👍\\t"
