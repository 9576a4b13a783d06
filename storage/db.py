"""The database handle: engine, sessions and migrations, for SQLite or PostgreSQL."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import event, text
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine

from storage.precompiled import BatchedSession
from storage.sqlite_cursor import direct_statements, use_direct_cursors

MIGRATIONS = Path(__file__).parent / "migrations"
POOL_SIZE = 20

CONNECT_TIMEOUT = 5.0
"""Seconds to open a connection (or wait for a pooled one) before giving up."""

STATEMENT_TIMEOUT = 15.0
"""Seconds one statement may run (or wait for a lock) before it is cancelled."""

CLIENT_GRACE = 2.0
"""Extra seconds the client waits beyond the server's own statement timeout.

PostgreSQL cancels a slow statement cleanly and the connection stays usable; the client-side
timeout is only the fallback for a server that does not answer at all.
"""


def sqlite_url(data_dir: Path) -> str:
    return f"sqlite+aiosqlite:///{(data_dir / 'outreach-coach.sqlite3').resolve()}"


def async_url(url: str) -> str:
    """Accept plain ``postgresql://`` and ``sqlite://`` URLs and pick the async driver."""
    parsed = make_url(url)
    driver = {"postgresql": "postgresql+asyncpg", "postgres": "postgresql+asyncpg", "sqlite": "sqlite+aiosqlite"}
    if parsed.drivername in driver:
        parsed = parsed.set(drivername=driver[parsed.drivername])
    return parsed.render_as_string(hide_password=False)


def _prepare_sqlite(dbapi_connection: Any, _record: Any) -> None:
    """Statements run directly rather than on aiosqlite's thread (see
    :mod:`storage.sqlite_cursor`), foreign keys on (SQLite's default is off), and a write-ahead log: readers never wait
    for the writer, and a commit appends to the log instead of rewriting pages. With WAL,
    ``synchronous=NORMAL`` survives a crash of the process; only a power cut can lose the
    last commits, never consistency."""
    use_direct_cursors(dbapi_connection)
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def failure_reason(error: BaseException) -> str:
    """One short line on why the database failed, for people: no SQL, no parameters, no password.

    SQLAlchemy's own message carries the statement and its parameters, so only the driver's
    message is used (for asyncpg the original exception, which SQLAlchemy chains as the cause).
    """
    if isinstance(error, TimeoutError):
        return "no answer in time"
    if isinstance(error, ConnectionRefusedError):
        return "connection refused"
    if isinstance(error, DBAPIError) and error.orig is not None:
        driver_error = error.orig.__cause__ or error.orig
        return (str(driver_error).strip().splitlines() or [type(driver_error).__name__])[0]
    if isinstance(error, OSError):
        return error.strerror or str(error) or type(error).__name__
    return type(error).__name__


def _timeout_options(
    url: str, connect_timeout: float, statement_timeout: float | None, engine_options: dict[str, Any]
) -> dict[str, Any]:
    """Engine options with timeouts, so a frozen database fails requests instead of hanging them.

    ``statement_timeout=None`` leaves PostgreSQL statements unbounded (for migrations). The
    caller's ``connect_args`` (the tests set ``server_settings.search_path``) are merged with
    the timeouts, never replaced; anything the caller set explicitly wins.
    """
    options = dict(engine_options)
    connect_args = dict(options.get("connect_args", {}))
    parsed = make_url(url)
    if parsed.get_backend_name() == "postgresql":
        connect_args.setdefault("timeout", connect_timeout)
        if statement_timeout is not None:
            connect_args.setdefault("command_timeout", statement_timeout + CLIENT_GRACE)
            server_settings = {"statement_timeout": str(round(statement_timeout * 1000))}
            connect_args["server_settings"] = {**server_settings, **connect_args.get("server_settings", {})}
    elif parsed.get_backend_name() == "sqlite" and statement_timeout is not None:
        connect_args.setdefault("timeout", statement_timeout)  # how long to wait for another writer's lock
    options["connect_args"] = connect_args
    in_memory = parsed.get_backend_name() == "sqlite" and parsed.database in (None, "", ":memory:")
    if "poolclass" not in options and not in_memory:  # only a queue pool has a checkout timeout
        options.setdefault("pool_timeout", connect_timeout)
    return options


class Database:
    """One database: its engine (with timeouts), sessions and migrations.

    ``connect_timeout`` and ``statement_timeout`` are in seconds; other keyword arguments go to
    :func:`sqlalchemy.ext.asyncio.create_async_engine`. On PostgreSQL, migrations run on an
    engine of their own without the statement timeout: rewriting a large table may rightly take
    longer than any request should.
    """

    def __init__(
        self,
        url: str,
        *,
        connect_timeout: float = CONNECT_TIMEOUT,
        statement_timeout: float = STATEMENT_TIMEOUT,
        **engine_options: Any,
    ) -> None:
        self.url = async_url(url)
        # Keep enough connections open for a busy server: beyond pool_size, each request
        # would open a fresh connection and close it again, which costs more than the query.
        if make_url(self.url).get_backend_name() != "sqlite":
            engine_options = {"pool_size": POOL_SIZE, "max_overflow": POOL_SIZE, **engine_options}
        else:
            # Every session ends in its own commit or rollback (transaction() and session()
            # both do), so the pool's extra rollback on return is one more thread call for
            # nothing; the direct cursors use the connection from the event loop's thread.
            connect_args = {"check_same_thread": False, **engine_options.get("connect_args", {})}
            engine_options = {"pool_reset_on_return": None, **engine_options, "connect_args": connect_args}
        options = _timeout_options(self.url, connect_timeout, statement_timeout, engine_options)
        self.engine: AsyncEngine = create_async_engine(self.url, **options)
        self._migration_options = _timeout_options(self.url, connect_timeout, None, engine_options)
        if self.is_sqlite:
            event.listen(self.engine.sync_engine, "connect", _prepare_sqlite)
        # BatchedSession sends an answer's waiting writes before anything else (storage.precompiled).
        self.sessions = async_sessionmaker(self.engine, expire_on_commit=False, sync_session_class=BatchedSession)
        self._sqlite_writer = asyncio.Lock()

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    @property
    def display_url(self) -> str:
        """The URL with any password masked, for messages and logs."""
        return make_url(self.url).render_as_string(hide_password=True)

    async def ping(self, timeout: float) -> None:
        """Run ``select 1``; raise ``TimeoutError`` if that takes longer than ``timeout`` seconds.

        Connection failures surface as the driver raised them (``OSError`` or SQLAlchemy's
        ``DBAPIError``); :func:`failure_reason` words any of them.
        """
        async with asyncio.timeout(timeout), self.engine.connect() as connection:
            await connection.execute(text("select 1"))

    def session(self) -> AsyncSession:
        return self.sessions()

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[AsyncSession]:
        """A session inside one transaction, committed when the block ends without error.

        SQLite has one writer at a time; transactions that contend for its file lock retry
        with sleeps, so the slowest waits longer the more there are. Within this process
        they queue on an asyncio lock instead, in arrival order, and each finds the file free.
        """
        if not self.is_sqlite:
            async with self.sessions() as session, session.begin():
                yield session
            return
        async with self._sqlite_writer, self.sessions() as session, session.begin():
            with direct_statements():  # holding the writer lock: nothing to wait for (storage.sqlite_cursor)
                yield session

    async def upgrade(self) -> None:
        """Bring the schema to the newest migration (a no-op when it is there already)."""
        if self.is_sqlite:
            database = make_url(self.url).database
            if database and database != ":memory:":
                Path(database).parent.mkdir(parents=True, exist_ok=True)
            engine = self.engine  # a second engine on an in-memory database would see another database
        else:
            engine = create_async_engine(self.url, **self._migration_options)
        try:
            async with engine.begin() as connection:
                await connection.run_sync(_upgrade)
        finally:
            if engine is not self.engine:
                await engine.dispose()

    async def dispose(self) -> None:
        await self.engine.dispose()


def alembic_config(connection: Connection | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


def _upgrade(connection: Connection) -> None:
    command.upgrade(alembic_config(connection), "head")
