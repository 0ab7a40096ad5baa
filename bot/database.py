"""Opening the database behind the question log and the event inbox: any SQLAlchemy URL.

`sqlite:///data/posting-bot.sqlite3` by default (nothing to install), `postgresql+psycopg://…` when several
replicas share one log. The schema is brought up to date with Alembic the first time a process uses it;
a SQLite file made before the schema was kept by Alembic (PRAGMA user_version 1) is adopted in place.
Driver errors never leave this package raw: callers see StoreError.
"""

from __future__ import annotations

import contextlib
import logging
import sqlite3
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.dialects import sqlite as sqlite_dialect
from sqlalchemy.engine import Connection, Engine, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, SQLAlchemyError

if TYPE_CHECKING:
    from alembic.config import Config

log = logging.getLogger(__name__)

BUSY_TIMEOUT = 2.0  # seconds SQLite waits for the write lock; a row that can't have it is kept for later
POOL = {"pool_size": 8, "max_overflow": 24, "pool_timeout": 10}  # 16 listener + 8 server threads at most
CONNECT_TIMEOUT = 3  # seconds to reach a database server: an answer must not wait long on the log
# SQLite files made before Alembic numbered their schema 1 or 2 (PRAGMA user_version); both are adopted
# at 0001, whose tables they have (0002 adds what version 2 may lack).
LEGACY_VERSIONS = 2
LEGACY_REVISION = "0001"


Statement = tuple[sa.Executable, dict[str, Any]]  # with its parameters


class StoreError(Exception):
    """The database can't be used: unreachable, locked, not a database, or newer than this bot.

    `committed`: how many statements of a `Database.write` were in the database before it failed.
    """

    def __init__(self, message: str, committed: int = 0) -> None:
        super().__init__(message)
        self.committed = committed


def url_for(database_url: str | None, database_path: Path) -> str:
    """DATABASE_URL when set, else the SQLite file at DATABASE_PATH."""
    return database_url or f"sqlite:///{database_path}"


class Database:
    """An engine plus a schema brought up to date once per process, on first use."""

    def __init__(self, url: str) -> None:
        try:
            parsed = make_url(url)
        except ArgumentError as exc:
            raise StoreError(f"not a database URL: {exc}") from exc
        self.url = parsed
        self.where = parsed.render_as_string(hide_password=True)
        self.dialect = parsed.get_backend_name()  # "sqlite", "postgresql"
        self.is_sqlite = self.dialect == "sqlite"
        self.path = Path(parsed.database) if self.is_sqlite and parsed.database else None
        try:
            self.engine = _engine(parsed)
        except (SQLAlchemyError, ImportError) as exc:
            raise StoreError(f"cannot use {self.where}: {exc}") from exc
        self._migrated = False
        self._migrate_lock = threading.Lock()
        # SQLite has one writer, and every transaction here takes the write lock at BEGIN: threads of one
        # process queue on this lock, woken the moment it is free, instead of in SQLite's busy handler,
        # which sleeps (up to 100 ms a time) and retries. PostgreSQL's transactions run side by side.
        self._one_writer = threading.Lock() if self.is_sqlite else None
        # Taking turns anyway, SQLite's writers share one connection, held while the lock is: checking one
        # out of the pool and resetting it after cost more CPU than the insert it makes.
        self._writer: Connection | None = None
        # `write` on SQLite: each thread's own driver connection, outside SQLAlchemy (see `write`).
        self._local = threading.local()
        self._compiled: dict[tuple[int, tuple[str, ...]], tuple[sa.Executable, str, dict[str, Any]]] = {}

    def write(self, statements: Sequence[Statement]) -> list[int]:
        """Run `statements` (each with its parameters); the rows each changed. Raises StoreError.

        Elsewhere one transaction; on SQLite each statement commits by itself, in one call into SQLite:
        its write lock is held only inside that call, never while the thread waits for Python's GIL. In a
        transaction of several statements a busy process's thread holds it across those waits, and
        another process's writers sleep in SQLite's busy handler meanwhile (the processes of a server with
        HTTP_WORKERS, or replicas on one file). Callers make a prefix that committed without the rest
        harmless (see `StoreError.committed`).
        """
        if not self.is_sqlite or self.path is None:
            with _store_errors():
                self._ensure_schema()
                return self._write_to_server(statements)
        with _store_errors():
            self._ensure_schema()
        counts: list[int] = []
        for statement, parameters in statements:
            sql, literals = self._sqlite_compiled(statement, parameters)
            try:
                with self._turn():
                    cursor = self._driver(self.path).execute(sql, {**literals, **parameters})
                counts.append(cursor.rowcount)
            except sqlite3.Error as exc:
                self._local.conn = None  # the next write starts on a fresh connection
                raise StoreError(str(exc).strip(), committed=len(counts)) from exc
            except StoreError as exc:  # no turn, or no connection
                raise StoreError(str(exc), committed=len(counts)) from exc
        return counts

    def _write_to_server(self, statements: Sequence[Statement]) -> list[int]:
        """`write` to a database server. Pooled connections aren't pinged before use (a round trip per
        transaction, a third of its cost). One found dead at the first statement was cut by a server
        restart (nothing ran on it; SQLAlchemy then drops the whole pool): the write is made once more,
        on a new connection."""
        counts: list[int] = []
        try:
            return self._transaction(statements, counts)
        except DBAPIError as exc:
            if counts or not exc.connection_invalidated:
                raise
            log.info("database: reconnecting to %s (%s)", self.where, _message(exc))
        return self._transaction(statements, [])

    def _transaction(self, statements: Sequence[Statement], counts: list[int]) -> list[int]:
        """Run `statements` in one transaction, adding each one's row count to `counts` as it runs. A lone
        statement runs in autocommit: no BEGIN and COMMIT round trips."""
        with self.engine.connect() as conn:
            if len(statements) == 1:
                conn.execution_options(isolation_level="AUTOCOMMIT")
            with conn.begin():
                for statement, parameters in statements:
                    counts.append(conn.execute(statement, parameters).rowcount)
        return counts

    def _driver(self, path: Path) -> sqlite3.Connection:
        """This thread's SQLite connection in autocommit mode (no BEGIN: a statement is a transaction)."""
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None:
            try:
                conn = sqlite3.connect(path, timeout=BUSY_TIMEOUT, isolation_level=None)
                conn.execute("PRAGMA synchronous=NORMAL")
            except sqlite3.Error as exc:
                raise StoreError(f"cannot open {self.where}: {exc}") from exc
            self._local.conn = conn
        return conn

    def _sqlite_compiled(
        self, statement: sa.Executable, parameters: dict[str, Any]
    ) -> tuple[str, dict[str, Any]]:
        """`statement` in SQLite's SQL with :named parameters for these parameters' columns, and the values
        it binds itself (`.values(state="done")`); built once (the cache keeps the statement, so its id is
        never another's)."""
        key = (id(statement), tuple(parameters))
        cached = self._compiled.get(key)
        if cached is None:
            compiled = statement.compile(  # type: ignore[attr-defined]
                dialect=sqlite_dialect.dialect(paramstyle="named"), column_keys=list(parameters)
            )
            bound = compiled.construct_params(parameters) or {}
            literals = {name: value for name, value in bound.items() if name not in parameters}
            cached = self._compiled[key] = (statement, str(compiled), literals)
        return cached[1], cached[2]

    @contextmanager
    def begin(self) -> Iterator[Connection]:
        """A connection in a transaction (committed on success); any failure raises StoreError."""
        with _store_errors():
            self._ensure_schema()
            with self._turn():
                if self._one_writer is None:
                    with self.engine.begin() as conn:
                        yield conn
                else:
                    with self._shared_writer() as conn, conn.begin():
                        yield conn

    def reachable(self) -> bool:
        """Whether a trivial query goes through now (for /healthz); never raises."""
        try:
            with self.begin() as conn:
                conn.execute(sa.text("SELECT 1"))
        except StoreError:
            return False
        return True

    @contextmanager
    def _shared_writer(self) -> Iterator[Connection]:
        """The SQLite connection writes share (the caller holds the lock); a driver error drops it, so the
        next write starts on a fresh one rather than on a connection in an unknown state."""
        writer = self._writer
        if writer is None:
            writer = self._writer = self.engine.connect()
        try:
            yield writer
        except SQLAlchemyError:
            self._writer = None
            with contextlib.suppress(SQLAlchemyError):
                writer.close()
            raise

    @contextmanager
    def _turn(self) -> Iterator[None]:
        """This process's turn to write to SQLite (waits as long as SQLite would, then gives up)."""
        if self._one_writer is None:
            yield
            return
        if not self._one_writer.acquire(timeout=BUSY_TIMEOUT):
            raise StoreError(f"database is locked (busy in this process for {BUSY_TIMEOUT:.0f} s)")
        try:
            yield
        finally:
            self._one_writer.release()

    def _ensure_schema(self) -> None:
        if self._migrated:
            return
        with self._migrate_lock:
            if self._migrated:  # another thread migrated while this one waited
                return  # type: ignore[unreachable]
            if self.path is not None:
                self.path.parent.mkdir(parents=True, exist_ok=True)
            with self._turn(), self.engine.begin() as conn:
                _migrate(conn, self.where)
            self._migrated = True


def _engine(url: sa.URL) -> Engine:
    if url.get_backend_name() == "sqlite":
        # Pooled (a connection, with its PRAGMAs, costs more than the insert it makes).
        engine = sa.create_engine(url, connect_args={"timeout": BUSY_TIMEOUT}, **POOL)
        _transactional_sqlite(engine)
        return engine
    connect_args = {"connect_timeout": CONNECT_TIMEOUT} if url.get_backend_name() == "postgresql" else {}
    return sa.create_engine(url, connect_args=connect_args, **POOL)


def _transactional_sqlite(engine: Engine) -> None:
    """Python's sqlite3 commits DDL on its own and starts transactions late; take the write lock at BEGIN
    instead, so a migration is one transaction and two processes never interleave one."""

    @sa.event.listens_for(engine, "connect")
    def _no_implicit_transactions(dbapi_conn: sqlite3.Connection, _record: object) -> None:
        dbapi_conn.isolation_level = None
        # WAL: readers never wait for the writer and a commit is one append, so a busy bot's writes queue
        # for milliseconds, not seconds. Kept in the file; a read-only file stays as it is.
        with contextlib.suppress(sqlite3.Error):
            dbapi_conn.execute("PRAGMA journal_mode=WAL")
        dbapi_conn.execute("PRAGMA synchronous=NORMAL")  # in WAL, safe against a killed process

    @sa.event.listens_for(engine, "begin")
    def _begin_immediate(conn: Connection) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE")


def _config(conn: Connection) -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(Path(__file__).with_name("migrations")))
    config.attributes["connection"] = conn
    return config


def _migrate(conn: Connection, where: str) -> None:
    """Upgrade to the newest revision this bot knows; refuse a database from a newer bot."""
    # Alembic says "Context impl SQLiteImpl" and the like at INFO, some of it on import; an upgrade is
    # logged below instead. Imported here, once per process, when the database is first used.
    logging.getLogger("alembic").setLevel(logging.WARNING)
    from alembic import command
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory

    config = _config(conn)
    script = ScriptDirectory.from_config(config)
    if conn.dialect.name == "postgresql":  # replicas starting together migrate one at a time
        conn.execute(sa.text("SELECT pg_advisory_xact_lock(7412093)"))
    current = MigrationContext.configure(conn).get_current_revision()
    if current is None and conn.dialect.name == "sqlite":
        legacy = int(conn.exec_driver_sql("PRAGMA user_version").scalar() or 0)
        if legacy > LEGACY_VERSIONS:
            raise StoreError(f"{where} has schema version {legacy}, newer than this bot's; upgrade the bot")
        if legacy:
            command.stamp(config, LEGACY_REVISION)
            current = LEGACY_REVISION
    if current is not None and current not in {rev.revision for rev in script.walk_revisions()}:
        raise StoreError(f"{where} has schema revision {current}, newer than this bot's; upgrade the bot")
    head = script.get_current_head()
    if current != head:
        command.upgrade(config, "head")
        log.info("database: schema of %s upgraded from %s to %s", where, current or "empty", head)


@contextmanager
def _store_errors() -> Iterator[None]:
    """Driver and file errors as StoreError."""
    try:
        yield
    except SQLAlchemyError as exc:
        raise StoreError(_message(exc)) from exc
    except OSError as exc:
        raise StoreError(str(exc)) from exc


def _message(exc: SQLAlchemyError) -> str:
    """The driver's own words ("database is locked"), without SQLAlchemy's statement dump."""
    original = getattr(exc, "orig", None)
    return str(original if original is not None else exc).strip().splitlines()[0]
