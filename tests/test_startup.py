"""Start-up problems caused by the surroundings are one line and exit code 2, never a traceback.

The CLI runs for real in a subprocess, as the person starting the bot would run it; the
checks and database timeouts underneath are also tested directly.
"""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError

from bot.startup import StartupError, check_guides_in_use
from flows.loader import default_guide_dir
from flows.model import Guide
from storage.db import Database
from storage.inventory import guide_usage
from tests.conftest import POSTGRES_URL, Team


@pytest.fixture
def silent_server() -> Iterator[int]:
    """A port that accepts connections and never says a word, like a frozen database server."""
    with socket.create_server(("127.0.0.1", 0)) as sock:
        yield sock.getsockname()[1]


# --- guides removed while projects use them -------------------------------------------------------


async def test_guide_usage_counts_projects_per_guide_in_every_workspace(db: Database, team: Team) -> None:
    await team.command("start kommer-forbi A")
    await team.command("start kommer-forbi B")
    await team.command("start vejviseren C")
    await Team(team.coach, workspace="another-library").command("start kommer-forbi D")
    async with db.session() as session:
        assert await guide_usage(session) == {"kommer-forbi": 3, "vejviseren": 1}


async def test_a_used_guide_whose_file_is_missing_is_named_with_its_project_count(
    db: Database, team: Team, guides: dict[str, Guide], tmp_path: Path
) -> None:
    await team.command("start kommer-forbi A")
    await Team(team.coach, workspace="another-library").command("start kommer-forbi B")
    await check_guides_in_use(db, guides, None)  # all files there: no complaint
    without = {guide_id: guide for guide_id, guide in guides.items() if guide_id != "kommer-forbi"}
    with pytest.raises(StartupError) as error:
        await check_guides_in_use(db, without, tmp_path)
    assert str(error.value) == (
        f"guide 'kommer-forbi' is used by 2 projects but its file is missing from {tmp_path}: "
        "restore kommer-forbi.yaml there or set guides_dir to a directory that has it"
    )


async def test_several_missing_guides_are_all_named_in_one_line(
    db: Database, team: Team, guides: dict[str, Guide]
) -> None:
    await team.command("start kommer-forbi A")
    await team.command("start vejviseren B")
    unused = {guide_id: guide for guide_id, guide in guides.items() if guide_id == "samskabelse"}
    with pytest.raises(StartupError) as error:
        await check_guides_in_use(db, unused, None)
    assert str(error.value) == (
        "guides 'kommer-forbi' (1 project), 'vejviseren' (1 project) are used but their files are missing from "
        f"{default_guide_dir()}: restore them there or set guides_dir to a directory that has them"
    )


# --- timeouts -------------------------------------------------------------------------------------


async def test_a_statement_on_a_frozen_postgres_session_is_cancelled_within_the_statement_timeout(
    postgres_db: Database,
) -> None:
    db = Database(POSTGRES_URL, statement_timeout=1, connect_args={"server_settings": {"search_path": "elsewhere"}})
    try:
        started = time.monotonic()
        with pytest.raises(DBAPIError, match="statement timeout"):
            async with db.engine.connect() as connection:
                await connection.execute(text("select pg_sleep(10)"))
        assert time.monotonic() - started < 3
        async with db.engine.connect() as connection:  # the caller's server settings are kept alongside
            assert await connection.scalar(text("show search_path")) == "elsewhere"
    finally:
        await db.dispose()


async def test_the_client_gives_up_on_a_postgres_server_that_does_not_cancel_by_itself(
    postgres_db: Database,
) -> None:
    db = Database(POSTGRES_URL, statement_timeout=1, connect_args={"server_settings": {"statement_timeout": "0"}})
    try:
        started = time.monotonic()
        with pytest.raises(TimeoutError):
            async with db.engine.connect() as connection:
                await connection.execute(text("select pg_sleep(10)"))
        assert time.monotonic() - started < 5
    finally:
        await db.dispose()


async def test_a_migration_step_may_take_longer_than_the_statement_timeout(
    postgres_db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    def slow_migration(connection: Connection) -> None:
        connection.exec_driver_sql("select pg_sleep(3)")  # past the server's 0.5 s and the client's 2.5 s

    monkeypatch.setattr("storage.db._upgrade", slow_migration)
    db = Database(POSTGRES_URL, statement_timeout=0.5)
    try:
        await db.upgrade()
    finally:
        await db.dispose()


async def test_connecting_to_a_server_that_never_answers_fails_within_the_connect_timeout(silent_server: int) -> None:
    db = Database(f"postgresql://x@127.0.0.1:{silent_server}/x", connect_timeout=0.5)
    try:
        started = time.monotonic()
        with pytest.raises(TimeoutError):
            await db.ping(timeout=30)
        assert time.monotonic() - started < 3
    finally:
        await db.dispose()


async def test_a_sqlite_writer_waits_for_another_writers_lock_only_the_statement_timeout(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'locked.sqlite3'}"
    holder, waiter = Database(url), Database(url, statement_timeout=0.5)
    try:
        async with holder.engine.begin() as connection:
            await connection.execute(text("create table t (x integer)"))
        async with holder.engine.begin() as holding:
            await holding.execute(text("insert into t values (1)"))
            started = time.monotonic()
            with pytest.raises(OperationalError, match="database is locked"):
                async with waiter.engine.begin() as connection:
                    await connection.execute(text("insert into t values (2)"))
            assert 0.4 < time.monotonic() - started < 3
    finally:
        await holder.dispose()
        await waiter.dispose()


async def test_waiting_for_a_pooled_connection_is_bounded_by_the_connect_timeout(tmp_path: Path) -> None:
    db = Database(f"sqlite+aiosqlite:///{tmp_path / 'pool.sqlite3'}", connect_timeout=0.5, pool_size=1, max_overflow=0)
    try:
        async with db.engine.connect():
            started = time.monotonic()
            with pytest.raises(PoolTimeoutError):
                async with db.engine.connect():
                    pass
            assert time.monotonic() - started < 3
    finally:
        await db.dispose()


async def test_ping_answers_on_a_working_database_in_a_file_and_in_memory(tmp_path: Path) -> None:
    for url in (f"sqlite+aiosqlite:///{tmp_path / 'ping.sqlite3'}", "sqlite+aiosqlite://"):
        db = Database(url)
        try:
            await db.ping(timeout=2)
        finally:
            await db.dispose()
