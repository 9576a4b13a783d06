"""Start-up problems caused by the surroundings are one line and exit code 2, never a traceback.

The CLI runs for real in a subprocess, as the person starting the bot would run it; the
checks and database timeouts underneath are also tested directly.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Sequence
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
from tests.conftest import POSTGRES_URL, Team, free_port, start_server


def _free_port() -> str:
    with socket.create_server(("127.0.0.1", 0)) as sock:
        return str(sock.getsockname()[1])


# `serve` on a free port: what these tests check must not depend on 3978 being free.
COMMANDS = [("serve", "--port", _free_port()), ("chat",), ("db", "upgrade"), ("export", "1")]


def _command_id(command: tuple[str, ...]) -> str:
    return "serve" if command[0] == "serve" else " ".join(command)


NOT_UTF8 = b"\xff\xfe[server]\nport = 3978\n"


def cli(
    tmp_path: Path,
    *args: str,
    env: dict[str, str] | None = None,
    stdin: str = "",
    data_dir: Path | None = None,
    prefix: Sequence[str] = (),
) -> subprocess.CompletedProcess[str]:
    """``outreach-coach ARGS`` in ``tmp_path`` (data in ``tmp_path/data``), with nothing else from this machine."""
    data = {"OUTREACH_COACH_DATA_DIR": str(data_dir or tmp_path / "data")}
    return subprocess.run(
        [*prefix, sys.executable, "-m", "bot.cli", *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
        cwd=tmp_path,
        env={"PATH": os.environ["PATH"], **data, **(env or {})},
    )


def one_line(result: subprocess.CompletedProcess[str]) -> str:
    """The single ``outreach-coach: ...`` line a start-up problem must produce, with exit code 2."""
    assert "Traceback" not in result.stderr, result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("outreach-coach: "), result.stderr
    assert result.returncode == 2
    return lines[0]


@pytest.fixture
def silent_server() -> Iterator[int]:
    """A port that accepts connections and never says a word, like a frozen database server."""
    with socket.create_server(("127.0.0.1", 0)) as sock:
        yield sock.getsockname()[1]


# --- the database ---------------------------------------------------------------------------------


@pytest.mark.parametrize("command", COMMANDS, ids=_command_id)
def test_an_unreachable_database_is_named_without_its_password(tmp_path: Path, command: tuple[str, ...]) -> None:
    url = f"postgresql://coach:s3cret-pw@127.0.0.1:{free_port()}/outreach"
    line = one_line(cli(tmp_path, *command, env={"OUTREACH_COACH_DATABASE_URL": url}))
    assert "cannot use the database" in line and "127.0.0.1" in line and "(connection refused)" in line
    assert "s3cret-pw" not in line
    assert "OUTREACH_COACH_DATABASE_URL" in line


def test_a_database_that_never_answers_stops_the_start_within_the_connect_timeout(
    tmp_path: Path, silent_server: int
) -> None:
    started = time.monotonic()
    result = cli(
        tmp_path, "db", "upgrade", env={"OUTREACH_COACH_DATABASE_URL": f"postgresql://x@127.0.0.1:{silent_server}/x"}
    )
    assert "(no answer in time)" in one_line(result)
    assert time.monotonic() - started < 15  # the 5 s connect timeout, not asyncpg's 60 s


# --- the data directory ---------------------------------------------------------------------------


def _under_a_file(tmp_path: Path) -> tuple[Path, list[str]]:
    (tmp_path / "a-file").write_text("")
    return tmp_path / "a-file" / "data", []


def _is_a_file(tmp_path: Path) -> tuple[Path, list[str]]:
    (tmp_path / "a-file").write_text("")
    return tmp_path / "a-file", []


def _read_only(tmp_path: Path) -> tuple[Path, list[str]]:
    (tmp_path / "read-only").mkdir(mode=0o555)
    # root writes anywhere; without CAP_DAC_OVERRIDE the permission bits apply to it too
    unprivileged = ["setpriv", "--inh-caps=-dac_override", "--bounding-set=-dac_override"]
    return tmp_path / "read-only" / "data", unprivileged if os.geteuid() == 0 else []


@pytest.mark.parametrize("place", [_under_a_file, _is_a_file, _read_only], ids=lambda f: f.__name__.strip("_"))
@pytest.mark.parametrize("command", COMMANDS, ids=_command_id)
def test_a_data_directory_that_cannot_be_written_is_named(
    tmp_path: Path, command: tuple[str, ...], place: Callable[[Path], tuple[Path, list[str]]]
) -> None:
    data_dir, prefix = place(tmp_path)
    line = one_line(cli(tmp_path, *command, data_dir=data_dir, prefix=prefix))
    assert f"cannot write the database in {data_dir}" in line and "OUTREACH_COACH_DATA_DIR" in line


# --- files that are not UTF-8 ---------------------------------------------------------------------


@pytest.mark.parametrize("command", COMMANDS, ids=_command_id)
def test_a_config_file_that_is_not_utf8_is_named(tmp_path: Path, command: tuple[str, ...]) -> None:
    (tmp_path / "config.toml").write_bytes(NOT_UTF8)
    line = one_line(cli(tmp_path, "--config", "config.toml", *command))
    assert line == "outreach-coach: config.toml: not UTF-8 text (invalid start byte at byte 0): save it as UTF-8"


@pytest.mark.parametrize(
    "command", [c for c in COMMANDS if c != ("db", "upgrade")] + [("guides", "validate")], ids=_command_id
)
def test_a_guide_file_that_is_not_utf8_is_named(tmp_path: Path, command: tuple[str, ...]) -> None:
    guides_dir = shutil.copytree(default_guide_dir(), tmp_path / "guides")
    (guides_dir / "vejviseren.yaml").write_bytes(NOT_UTF8)
    (tmp_path / "config.toml").write_text(f'guides_dir = "{guides_dir}"\n', encoding="utf-8")
    problem = "is not UTF-8 text (invalid start byte at byte 0): save it as UTF-8"
    assert one_line(cli(tmp_path, *command)) == f"outreach-coach: vejviseren.yaml: {problem}"


# --- the port -------------------------------------------------------------------------------------


def test_a_port_in_use_is_named_before_the_database_is_touched(tmp_path: Path) -> None:
    with socket.create_server(("127.0.0.1", 0)) as taken:
        port = taken.getsockname()[1]
        line = one_line(cli(tmp_path, "serve", "--port", str(port)))
    assert line.startswith(f"outreach-coach: port {port} on 127.0.0.1 is already in use")
    assert "--port" in line
    assert not (tmp_path / "data").exists()


# --- the address printed at start -----------------------------------------------------------------


@pytest.mark.parametrize(("token", "shown"), [("s3cret-token-for-tests", "s3cr…"), ("s3cret", "s…")])
def test_serve_prints_the_address_without_the_token(tmp_path: Path, token: str, shown: str) -> None:
    server = start_server(tmp_path / "data", env={"OUTREACH_COACH_ACCESS_TOKEN": token})
    server.process.terminate()
    output, _ = server.process.communicate(timeout=10)
    lines = output.splitlines()
    assert lines[0] == f"Outreach Coach: {server.url}/"
    assert f"the configured one ({shown})" in lines[1]
    assert token not in output


def test_serve_without_a_token_prints_only_the_address(tmp_path: Path) -> None:
    server = start_server(tmp_path / "data")
    server.process.terminate()
    output, _ = server.process.communicate(timeout=10)
    assert output.splitlines() == [f"Outreach Coach: {server.url}/"]


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


def _start_a_project_then_remove_its_guide(tmp_path: Path) -> Path:
    assert cli(tmp_path, "chat", stdin="/start kommer-forbi Besøg\n/quit\n").returncode == 0
    guides_dir = shutil.copytree(default_guide_dir(), tmp_path / "guides")
    (guides_dir / "kommer-forbi.yaml").unlink()
    (tmp_path / "config.toml").write_text(f'guides_dir = "{guides_dir}"\n', encoding="utf-8")
    return guides_dir


def test_chat_refuses_to_start_while_a_project_uses_a_missing_guide(tmp_path: Path) -> None:
    guides_dir = _start_a_project_then_remove_its_guide(tmp_path)
    line = one_line(cli(tmp_path, "chat", stdin="/quit\n"))
    assert line.startswith(
        f"outreach-coach: guide 'kommer-forbi' is used by 1 project but its file is missing from {guides_dir}"
    )


def test_serve_refuses_to_start_while_a_project_uses_a_missing_guide(tmp_path: Path) -> None:
    guides_dir = _start_a_project_then_remove_its_guide(tmp_path)
    line = one_line(cli(tmp_path, "serve", "--port", str(free_port())))
    assert line.startswith(
        f"outreach-coach: guide 'kommer-forbi' is used by 1 project but its file is missing from {guides_dir}"
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
