"""The `posting-bot` command: a thin layer over the core. Slack is imported only by `run`."""

from __future__ import annotations

import argparse
import io
import json
import math
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, TextIO, TypeVar

from bot.answer import answer
from bot.knowledge.loader import INTENTS_FILE, Knowledge, KnowledgeError, load_knowledge
from bot.knowledge.model import posting_list
from bot.knowledge.schema import FACT_FIELDS
from bot.logs import configure_logging
from bot.settings import Settings, SettingsError, load_settings

if TYPE_CHECKING:
    from bot.evaluate import Case
    from bot.importer.boards import Boards
    from bot.importer.draft import Draft
    from bot.importer.sources import Source
    from bot.knowledge.reload import LiveKnowledge

EXIT_PROBLEMS = 1  # the input (knowledge, cases) has problems
EXIT_USAGE = 2  # the command can't run as asked

MAX_WARNINGS = 100  # warnings `check` prints; thousands would bury the first ones
_K = TypeVar("_K")  # what the knowledge is loaded as: a Knowledge, or a LiveKnowledge that reloads


class CliError(Exception):
    """A one-line error for the user; the command exits with `code`."""

    def __init__(self, message: str, code: int = EXIT_USAGE) -> None:
        super().__init__(message)
        self.code = code


def main(argv: Sequence[str] | None = None) -> int:
    # Text typed or piped in may not be UTF-8: a bad byte reads as U+FFFD, never an exception (`ask -`
    # reads bytes itself and reports such a line).
    if isinstance(sys.stdin, io.TextIOWrapper):
        sys.stdin.reconfigure(errors="replace")
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

    imp = command(
        "import", "turn a posting (file, '-' for stdin, Greenhouse / Lever job URL) into a draft posting"
    )
    imp.add_argument(
        "source", metavar="SOURCE", help=".txt, .md, .html, a job board's .json, '-', or a job URL"
    )
    imp.add_argument("--json", action="store_true", help="print {posting, text, citations, review} as JSON")
    imp.add_argument(
        "--write", action="store_true", help="write postings/<id>.yaml and .md into the knowledge"
    )
    imp.add_argument("--id", metavar="ID", help="the posting id to write (default: company-title)")
    imp.add_argument("--company", metavar="NAME", help="the company, when the posting doesn't name it")
    imp.set_defaults(handler=_import)

    sync = command("sync", "import every open job of a Greenhouse or Lever board; --write to apply")
    sync.add_argument("board", metavar="BOARD", help="greenhouse:BOARD or lever:SITE")
    sync.add_argument("--write", action="store_true", help="write new and changed postings")
    sync.add_argument("--company", metavar="NAME", help="the company, for postings that don't name it")
    sync.set_defaults(handler=_sync)

    ie = command(
        "import-eval", "measure import against labelled postings (<name>.<ext> + <name>.expected.yaml)"
    )
    ie.add_argument("directory", metavar="DIR", type=Path, help="the labelled postings")
    ie.add_argument("--json", action="store_true", help="print figures as JSON")
    ie.set_defaults(handler=_import_eval)

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


MAX_PRINTED_PROBLEMS = 200  # a broken file can hold thousands; the first ones say what to fix


def _print_problems(problems: Sequence[object], file: TextIO) -> None:
    for problem in problems[:MAX_PRINTED_PROBLEMS]:
        print(problem, file=file)
    if len(problems) > MAX_PRINTED_PROBLEMS:
        print(f"… and {len(problems) - MAX_PRINTED_PROBLEMS} more problem(s)", file=file)


def _text(argument: str) -> str:
    """A command-line argument as text: bytes that aren't UTF-8 (kept by Python as surrogates, which
    can't be printed) become U+FFFD."""
    return argument.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def _loaded(args: argparse.Namespace, settings: Settings, load: Callable[[Path], _K]) -> _K:
    """`load(directory)`, or every problem printed and a CliError: with broken knowledge at the start,
    there is nothing good to fall back on."""
    directory = _knowledge_dir(args, settings)
    if not directory.is_dir():
        raise CliError(f"knowledge directory not found: {directory}")
    try:
        return load(directory)
    except KnowledgeError as exc:
        _print_problems(exc.problems, sys.stderr)
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
        for raw in sys.stdin.buffer:
            try:
                line = raw.decode("utf-8").strip()
            except UnicodeDecodeError:  # reported in its line; the other questions still get answers
                line = raw.decode("utf-8", "replace").strip()
                print(json.dumps({"question": line, "error": "the line is not UTF-8 text"}), flush=True)
                failed = True
                continue
            if line:
                try:
                    posting_id = pick(line)
                except CliError as exc:
                    print(json.dumps({"question": line, "error": str(exc)}), flush=True)
                    failed = True
                    continue
                _print_reply(knowledge, line, posting_id, as_json=True)
        return EXIT_USAGE if failed else 0
    question = _text(args.question)
    if not question.strip():
        raise CliError("the question is empty")
    _print_reply(knowledge, question, pick(question), args.json)
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
        knowledge = load_knowledge(directory, warnings=True)
    except KnowledgeError as exc:
        _print_problems(exc.problems, sys.stdout)
        return EXIT_PROBLEMS
    for warning in knowledge.warnings[:MAX_WARNINGS]:
        print(f"{warning} (warning)")
    if len(knowledge.warnings) > MAX_WARNINGS:
        more = len(knowledge.warnings) - MAX_WARNINGS
        print(f"… and {more} more warning(s): fix the ones above and check again")
    postings = posting_list(knowledge.postings)
    print(f"ok: {directory} — {len(knowledge.postings)} posting(s): {postings}")
    return 0


def _eval(args: argparse.Namespace, settings: Settings) -> int:
    from bot.evaluate import CasesError, evaluate, format_report, load_cases
    from bot.evaluate_text import is_text_cases

    knowledge = _load(args, settings)
    posting_id = _posting(knowledge, args.posting)
    if not args.cases.is_file():
        raise CliError(f"cases file not found: {args.cases}")
    if is_text_cases(args.cases):
        return _eval_text(args, knowledge, posting_id)
    try:
        cases = load_cases(args.cases, knowledge.posting(posting_id).intents)
    except CasesError as exc:
        _print_problems(exc.problems, sys.stderr)
        raise CliError(f"{len(exc.problems)} problem(s) in {args.cases}", EXIT_PROBLEMS) from exc
    if args.write and not args.tune:
        raise CliError("--write needs --tune")
    if args.tune:
        return _tune(args, knowledge, cases, posting_id)
    figures = evaluate(knowledge, cases, posting_id).figures()
    print(json.dumps(figures, indent=2) if args.json else format_report(figures))
    return 0


def _eval_text(args: argparse.Namespace, knowledge: Knowledge, posting_id: str) -> int:
    """Cases labelled with the words a right reply contains (or `silent`), not with intents."""
    from bot.evaluate import CasesError
    from bot.evaluate_text import evaluate_text, format_text_report, load_text_cases

    if args.tune:
        raise CliError("--tune needs cases labelled with intents ({question, expect})")
    try:
        cases = load_text_cases(args.cases)
    except CasesError as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        raise CliError(f"{len(exc.problems)} problem(s) in {args.cases}", EXIT_PROBLEMS) from exc
    figures = evaluate_text(knowledge, cases, posting_id)
    print(json.dumps(figures, indent=2, ensure_ascii=False) if args.json else format_text_report(figures))
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


def _import(args: argparse.Namespace, settings: Settings) -> int:
    from bot.importer.draft import build_draft, posting_id
    from bot.importer.sources import ImportProblem
    from bot.importer.writer import WriteProblem, posting_yaml

    try:
        draft = build_draft(_read_source(args.source, settings))
        if args.company:
            draft.name_company(args.company)
        chosen = args.id or posting_id(draft)
        if args.write:
            _check_id(chosen)
            _write(args, settings, draft, str(chosen))
    except (ImportProblem, WriteProblem) as exc:
        raise CliError(str(exc)) from exc
    if args.json:
        print(json.dumps(draft.to_json(), indent=2, ensure_ascii=False))
    elif not args.write:
        print(
            posting_yaml({"id": chosen or "new-posting", **draft.posting}, draft, chosen or "new-posting"),
            end="",
        )
    return 0


def _check_id(posting_id: str | None) -> None:
    import re

    if not posting_id or not re.fullmatch(r"[a-z0-9][a-z0-9_-]*", posting_id):
        raise CliError(f"--id must be lowercase letters, digits, '-' and '_' (got {posting_id!r})")


def _read_source(source: str, settings: Settings) -> Source:
    """The posting at SOURCE: a file, '-' for stdin, or a Greenhouse / Lever job URL."""
    from bot.importer.boards import is_job_url, job_from_url
    from bot.importer.sources import MAX_BYTES, ImportProblem, decode, from_text

    if source == "-":
        return from_text(decode(sys.stdin.buffer.read(MAX_BYTES + 1), "stdin"), "stdin")
    if is_job_url(source):
        return job_from_url(_boards(settings), source).source
    path = Path(source)
    if not path.is_file():
        raise ImportProblem(f"{source}: no such file (give a file, '-' for stdin, or a job URL)")
    with path.open("rb") as handle:
        data = handle.read(MAX_BYTES + 1)
    return from_text(decode(data, path.name), path.name)


def _boards(settings: Settings) -> Boards:
    from bot.importer.boards import Boards

    return Boards(settings.greenhouse_api_base_url, settings.lever_api_base_url)


def _write(args: argparse.Namespace, settings: Settings, draft: Draft, posting_id: str) -> None:
    from bot.importer.writer import write_posting

    directory = _knowledge_dir(args, settings)
    merged = write_posting(directory, posting_id, draft)
    out = sys.stderr if args.json else sys.stdout
    facts = sum(1 for key in merged.posting if key in FACT_FIELDS)
    print(f"wrote {directory / 'postings' / posting_id}.yaml ({facts} facts) and .md", file=out)
    for line in merged.changes + merged.kept:
        print(f"  {line}", file=out)
    if draft.review:
        print(f"  {len(draft.review)} sentence(s) to review: listed at the end of the .yaml", file=out)


def _sync(args: argparse.Namespace, settings: Settings) -> int:
    from bot.importer.boards import board_jobs
    from bot.importer.sources import ImportProblem
    from bot.importer.sync import plan_sync
    from bot.importer.writer import WriteProblem

    directory = _knowledge_dir(args, settings)
    if not (directory / "postings").is_dir():
        raise CliError(f"knowledge directory not found: {directory}")
    try:
        jobs = board_jobs(_boards(settings), args.board)
        plan = plan_sync(directory, args.board, jobs, args.company)
        for line in plan.report():
            print(line)
        if args.write:
            plan.apply(directory)
            print(f"wrote {len(plan.new) + len(plan.changed)} posting(s)")
        elif plan.new or plan.changed:
            print("nothing written: run again with --write to apply")
    except (ImportProblem, WriteProblem) as exc:
        raise CliError(str(exc)) from exc
    return 0


def _import_eval(args: argparse.Namespace, settings: Settings) -> int:
    from bot.importer.evaluate import evaluate, format_report, labelled_postings
    from bot.importer.sources import ImportProblem

    if not args.directory.is_dir() or not labelled_postings(args.directory):
        raise CliError(f"{args.directory}: no labelled postings (<name>.<ext> and <name>.expected.yaml)")
    try:
        figures = evaluate(args.directory).figures()
    except ImportProblem as exc:
        raise CliError(str(exc)) from exc
    print(json.dumps(figures, indent=2) if args.json else format_report(figures))
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
