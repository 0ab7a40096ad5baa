"""The `posting-bot` command: a thin layer over the core. Slack is imported only by `run`."""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from bot.answer import answer
from bot.knowledge.loader import INTENTS_FILE, Knowledge, KnowledgeError, load_knowledge
from bot.logs import configure_logging
from bot.settings import Settings, SettingsError, load_settings

if TYPE_CHECKING:
    from bot.evaluate import Case
    from bot.knowledge.reload import LiveKnowledge

EXIT_PROBLEMS = 1  # the input (knowledge, cases) has problems
EXIT_USAGE = 2  # the command can't run as asked

_K = TypeVar("_K")  # what the knowledge is loaded as: a Knowledge, or a LiveKnowledge that reloads


class CliError(Exception):
    """A one-line error for the user; the command exits with `code`."""

    def __init__(self, message: str, code: int = EXIT_USAGE) -> None:
        super().__init__(message)
        self.code = code


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        # Every command reads the settings (environment, then .env) once, the same way: a bad one is
        # refused before anything runs, and KNOWLEDGE_DIR in .env counts for `check` as for `run`.
        settings = _settings()
        configure_logging(settings.log_level)
        return int(args.handler(args, settings))
    except CliError as exc:
        print(f"posting-bot: {exc}", file=sys.stderr)
        return exc.code
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # The reader went away (`posting-bot eval … | head`): stop quietly, not with a traceback.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="posting-bot", description="Answers job candidates' questions about a job posting."
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def command(name: str, help_text: str) -> argparse.ArgumentParser:
        sub = commands.add_parser(name, help=help_text, description=help_text)
        sub.add_argument(
            "--knowledge",
            metavar="DIR",
            type=Path,
            help="knowledge directory (default: $KNOWLEDGE_DIR or ./knowledge)",
        )
        return sub

    ask = command("ask", "answer one question (or one per stdin line with '-')")
    ask.add_argument("--posting", metavar="ID", help="posting id (needed when several are loaded)")
    ask.add_argument("--json", action="store_true", help="print one JSON object per question")
    ask.add_argument("question", metavar="QUESTION", help="the question, or '-' to read one per line")
    ask.set_defaults(handler=_ask)

    check = command("check", "validate the knowledge; exit 1 with path:line: message per problem")
    check.set_defaults(handler=_check)

    ev = command("eval", "measure answers against labelled cases")
    ev.add_argument("--posting", metavar="ID", help="posting id (needed when several are loaded)")
    ev.add_argument("--json", action="store_true", help="print figures as JSON")
    ev.add_argument("cases", metavar="CASES", type=Path, help="YAML list of {question, expect}")
    ev.add_argument(
        "--tune", action="store_true", help="recommend settings.threshold and settings.margin from CASES"
    )
    ev.add_argument("--write", action="store_true", help="with --tune: write them into intents.yaml")
    ev.set_defaults(handler=_eval)

    ch = command("chat", "talk to the bot in the terminal; knowledge edits go live as they are saved")
    ch.add_argument("--posting", metavar="ID", help="posting id (default: route each question)")
    ch.add_argument("--record", action="store_true", help="record questions in DATABASE_PATH, as Slack does")
    ch.set_defaults(handler=_chat)

    rep = command("report", "what candidates asked: rates, feedback, unanswered questions grouped")
    rep.add_argument("--since", metavar="DAYS", type=float, default=7.0, help="the last DAYS days (7)")
    rep.add_argument("--json", action="store_true", help="print the report as JSON")
    rep.add_argument(
        "--database",
        metavar="PATH",
        type=Path,
        help="the question log (default: $DATABASE_PATH or ./data/posting-bot.sqlite3)",
    )
    rep.set_defaults(handler=_report)

    run = command("run", "start the Slack app (Socket Mode with SLACK_APP_TOKEN, else HTTP on PORT)")
    run.add_argument(
        "--or-chat", action="store_true", help="open the terminal chat when no Slack token is configured"
    )
    run.set_defaults(handler=_run)
    return parser


def _knowledge_dir(args: argparse.Namespace, settings: Settings) -> Path:
    """--knowledge, else KNOWLEDGE_DIR (from the environment or .env), else ./knowledge."""
    return Path(args.knowledge) if args.knowledge is not None else settings.knowledge_dir


def _load(args: argparse.Namespace, settings: Settings) -> Knowledge:
    return _loaded(args, settings, load_knowledge)


def _loaded(args: argparse.Namespace, settings: Settings, load: Callable[[Path], _K]) -> _K:
    """`load(directory)`, or every problem printed and a CliError: with broken knowledge at the start,
    there is nothing good to fall back on."""
    directory = _knowledge_dir(args, settings)
    if not directory.is_dir():
        raise CliError(f"knowledge directory not found: {directory}")
    try:
        return load(directory)
    except KnowledgeError as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        raise CliError(
            f"{len(exc.problems)} problem(s) in {directory}; nothing loaded", EXIT_PROBLEMS
        ) from exc


def _posting(knowledge: Knowledge, posting_id: str | None) -> str:
    try:
        return knowledge.posting(posting_id).posting.id
    except KeyError as exc:
        raise CliError(str(exc.args[0])) from exc


def _ask(args: argparse.Namespace, settings: Settings) -> int:
    knowledge = _load(args, settings)
    pick = _router(knowledge, args.posting, settings)
    if args.question == "-":
        # One process for many questions: one JSON object per non-empty input line. Always JSON, with or
        # without --json: a plain-text reply can span lines, and callers pair outputs with inputs by line.
        failed = False
        for line in sys.stdin:
            if line.strip():
                try:
                    posting_id = pick(line.strip())
                except CliError as exc:  # reported in its line; the other questions still get answers
                    print(json.dumps({"question": line.strip(), "error": str(exc)}), flush=True)
                    failed = True
                    continue
                _print_reply(knowledge, line.strip(), posting_id, as_json=True)
        return EXIT_USAGE if failed else 0
    if not args.question.strip():
        raise CliError("the question is empty")
    _print_reply(knowledge, args.question, pick(args.question), args.json)
    return 0


def _router(knowledge: Knowledge, posting: str | None, settings: Settings) -> Callable[[str], str]:
    """Which posting answers a question: --posting, the only one, else the role the question names or
    DEFAULT_POSTING (CliError when neither settles it)."""
    if posting is not None or len(knowledge.postings) == 1:
        posting_id = _posting(knowledge, posting)
        return lambda question: posting_id
    from bot.routing import route

    default = _default_posting(knowledge, settings)

    def pick(question: str) -> str:
        routed = route(knowledge, question, default_posting=default)
        if routed.posting is None:
            ids = ", ".join(choice.posting for choice in routed.choices)
            raise CliError(f"the question names none of the loaded roles; choose one with --posting ({ids})")
        return routed.posting

    return pick


def _settings() -> Settings:
    try:
        return load_settings()
    except SettingsError as exc:
        raise CliError(str(exc)) from exc


def _default_posting(knowledge: Knowledge, settings: Settings) -> str | None:
    if settings.default_posting is None:
        return None
    try:
        return knowledge.posting(settings.default_posting).posting.id
    except KeyError as exc:
        raise CliError(f"DEFAULT_POSTING: {exc.args[0]}") from exc


def _print_reply(knowledge: Knowledge, question: str, posting_id: str, as_json: bool) -> None:
    reply = answer(knowledge, question, posting_id)
    if as_json:
        print(json.dumps(reply.to_json(), ensure_ascii=False), flush=True)
    else:
        print(reply.text, flush=True)


def _check(args: argparse.Namespace, settings: Settings) -> int:
    directory = _knowledge_dir(args, settings)
    try:
        knowledge = load_knowledge(directory, near_duplicates=True)
    except KnowledgeError as exc:
        for problem in exc.problems:
            print(problem)
        return EXIT_PROBLEMS
    for warning in knowledge.warnings:
        print(f"{warning} (warning)")
    postings = ", ".join(sorted(knowledge.postings))
    print(f"ok: {directory} — {len(knowledge.postings)} posting(s): {postings}")
    return 0


def _eval(args: argparse.Namespace, settings: Settings) -> int:
    from bot.evaluate import CasesError, evaluate, format_report, load_cases

    knowledge = _load(args, settings)
    posting_id = _posting(knowledge, args.posting)
    if not args.cases.is_file():
        raise CliError(f"cases file not found: {args.cases}")
    try:
        cases = load_cases(args.cases, knowledge.posting(posting_id).intents)
    except CasesError as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        raise CliError(f"{len(exc.problems)} problem(s) in {args.cases}", EXIT_PROBLEMS) from exc
    if args.write and not args.tune:
        raise CliError("--write needs --tune")
    if args.tune:
        return _tune(args, knowledge, cases, posting_id)
    figures = evaluate(knowledge, cases, posting_id).figures()
    print(json.dumps(figures, indent=2) if args.json else format_report(figures))
    return 0


def _tune(args: argparse.Namespace, knowledge: Knowledge, cases: list[Case], posting_id: str) -> int:
    from bot.calibrate import candidates, format_recommendation, pick, recommendation
    from bot.knowledge.settings_file import SettingsEditError, write_settings

    rows = candidates(knowledge, cases, posting_id)
    current = knowledge.settings
    print(
        json.dumps(recommendation(rows, current), indent=2)
        if args.json
        else format_recommendation(rows, current)
    )
    if args.write:
        chosen = pick(rows)
        path = knowledge.directory / INTENTS_FILE
        try:
            write_settings(path, {"threshold": chosen.threshold, "margin": chosen.margin})
        except SettingsEditError as exc:
            raise CliError(f"{path}: {exc}", EXIT_PROBLEMS) from exc
        print(
            f"wrote threshold {chosen.threshold:.2f} and margin {chosen.margin:.2f} to {path}",
            file=sys.stderr,
        )
    return 0


def _chat(args: argparse.Namespace, settings: Settings) -> int:
    from bot.chat import chat
    from bot.store import Store, StoreError

    live = _live(args, settings)
    posting_id = _posting(live.current, args.posting) if args.posting is not None else None
    default = _default_posting(live.current, settings)
    store = None
    if args.record:
        try:
            store = Store(settings.database(), settings.user_hash_key(), settings.retention_days)
        except StoreError as exc:
            raise CliError(f"DATABASE_URL: {exc}") from exc
    with live:
        chat(live, posting_id, sys.stdin, sys.stdout, default, store)
    return 0


def _live(args: argparse.Namespace, settings: Settings) -> LiveKnowledge:
    """The knowledge a long-running command answers from, reloaded as it is edited."""
    from bot.knowledge.reload import LiveKnowledge

    return _loaded(args, settings, LiveKnowledge)


def _report(args: argparse.Namespace, settings: Settings) -> int:
    import time

    from bot.database import Database
    from bot.report import ReportError, build_report, format_report, question_report
    from bot.store import Records, Store, StoreError

    if not (args.since > 0 and math.isfinite(args.since)):
        raise CliError("--since must be a positive number of days")
    try:
        database = Database(f"sqlite:///{args.database}" if args.database else settings.database())
    except StoreError as exc:
        raise CliError(f"DATABASE_URL: {exc}") from exc
    knowledge = None
    try:
        knowledge = load_knowledge(_knowledge_dir(args, settings))
    except KnowledgeError as exc:
        print(
            f"posting-bot: the knowledge has {len(exc.problems)} problem(s) (see posting-bot check); "
            "no intents are suggested",
            file=sys.stderr,
        )
    now = time.time()
    path = database.path
    if path is not None and path.exists() and not path.is_file():
        raise CliError(f"the question log {path} is not a file (DATABASE_PATH names a SQLite file)")
    if path is None or path.is_file():
        store = Store(database, None, settings.retention_days)
        try:
            report = question_report(store, knowledge, args.since, now)
        except ReportError as exc:
            raise CliError(f"cannot read the question log {database.where}: {exc}") from exc
    else:
        print(f"posting-bot: no question log at {path} yet: nothing has been recorded", file=sys.stderr)
        report = build_report(Records([], [], []), knowledge, args.since, now)
    print(json.dumps(report, indent=2, ensure_ascii=False) if args.json else format_report(report))
    return 0


def _run(args: argparse.Namespace, settings: Settings) -> int:
    if args.or_chat and not settings.slack_configured:
        print("No SLACK_BOT_TOKEN configured: starting the terminal chat instead.", file=sys.stderr)
        args.posting, args.record = None, False  # DEFAULT_POSTING routes, as in Slack
        return _chat(args, settings)

    from bot.slack.runner import ConfigError, run

    try:
        run(settings, _live(args, settings))
    except ConfigError as exc:
        raise CliError(str(exc)) from exc
    return 0
