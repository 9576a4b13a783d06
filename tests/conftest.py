"""Shared fixtures: real databases (SQLite files and the local PostgreSQL), the coach with a
settable clock, the real server in a subprocess, and Debian's Chromium.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import aiohttp
import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from bot.coach import Coach
from bot.replies import ActionsReply, Actor, AnswerAction, QuestionReply, Reply, TextReply, Turn
from flows.loader import load_guides
from flows.model import Guide
from storage.db import Database
from tests.slack_bot import ALI, CHANNEL, METTE, SlackBot, start_bot
from tests.slack_fake import FakeSlack
from tests.teams_bot import TeamsBot
from tests.teams_bot import start_bot as start_teams_bot
from tests.teams_fake import FakeConnector

POSTGRES_URL = os.environ.get("OUTREACH_COACH_TEST_POSTGRES", "postgresql+asyncpg://postgres@127.0.0.1:5432/test")
CHROMIUM = Path("/usr/bin/chromium")
IN_CI = os.environ.get("CI", "").lower() == "true"


@pytest.fixture(scope="session")
def guides() -> dict[str, Guide]:
    return load_guides()


# --- databases -----------------------------------------------------------------------


def _postgres_available() -> str | None:
    """None when PostgreSQL answers, else the reason it does not."""

    async def probe() -> None:
        db = Database(POSTGRES_URL)
        try:
            async with db.engine.connect() as connection:
                await connection.execute(text("select 1"))
        finally:
            await db.dispose()

    try:
        asyncio.run(asyncio.wait_for(probe(), timeout=5))
    except Exception as error:  # noqa: BLE001 - any failure means "not available"
        return f"PostgreSQL at {POSTGRES_URL} is not available: {error!r}"
    return None


@pytest.fixture(scope="session")
def postgres_reason() -> str | None:
    reason = _postgres_available()
    if reason and IN_CI:
        pytest.fail(f"CI=true but {reason}")
    if reason:
        print(f"\nSKIPPING PostgreSQL tests: {reason}")
    return reason


@pytest.fixture
async def postgres_db(postgres_reason: str | None) -> AsyncIterator[Database]:
    """A fresh, empty schema on the PostgreSQL server, migrated to head, dropped after."""
    if postgres_reason:
        pytest.skip(postgres_reason)
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = Database(POSTGRES_URL)
    async with admin.engine.begin() as connection:
        await connection.execute(text(f'create schema "{schema}"'))
    db = Database(POSTGRES_URL, connect_args={"server_settings": {"search_path": schema}})
    try:
        await db.upgrade()
        yield db
    finally:
        await db.dispose()
        async with admin.engine.begin() as connection:
            await connection.execute(text(f'drop schema "{schema}" cascade'))
        await admin.dispose()


@pytest.fixture
async def sqlite_db(tmp_path: Path) -> AsyncIterator[Database]:
    db = Database(f"sqlite+aiosqlite:///{tmp_path / 'coach.sqlite3'}")
    await db.upgrade()
    try:
        yield db
    finally:
        await db.dispose()


@pytest.fixture(params=["sqlite", "postgres"])
def db(request: pytest.FixtureRequest) -> Database:
    """Runs a test once on SQLite and once on PostgreSQL."""
    return request.getfixturevalue(f"{request.param}_db")


# --- the coach ---------------------------------------------------------------------------


@dataclass
class Clock:
    now: datetime = field(default_factory=lambda: datetime(2026, 11, 23, 9, 0, tzinfo=UTC))

    def __call__(self) -> datetime:
        return self.now


@dataclass
class Team:
    """A few people in one channel, talking to the coach the way any adapter would."""

    coach: Coach
    platform: str = "web"
    workspace: str = "local"
    conversation: str = "web"
    lang: str = "da"

    def turn(self, user: str = "Mette", **kwargs: object) -> Turn:
        return Turn(
            platform=self.platform,
            workspace=self.workspace,
            conversation=self.conversation,
            actor=Actor(f"{self.platform}:{user}", user),
            lang=self.lang,  # type: ignore[arg-type]
            **kwargs,  # type: ignore[arg-type]
        )

    async def send(self, turn: Turn) -> list[Reply]:
        return (await self.coach.handle(turn)).replies

    async def command(self, command: str, user: str = "Mette") -> list[Reply]:
        return await self.send(self.turn(user, command=command))

    async def say(self, text: str, user: str = "Mette") -> list[Reply]:
        return await self.send(self.turn(user, text=text))

    async def click(self, step: str, value: object, user: str = "Mette") -> list[Reply]:
        return await self.send(self.turn(user, answer=AnswerAction(step, value)))


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def coach(db: Database, guides: dict[str, Guide], clock: Clock) -> Coach:
    return Coach(db, guides, clock=clock)


@pytest.fixture
def team(coach: Coach) -> Team:
    return Team(coach)


# --- the real server ---------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Server:
    url: str
    process: subprocess.Popen[str]
    data_dir: Path


def start_server(data_dir: Path, *args: str, env: dict[str, str] | None = None) -> Server:
    port = free_port()
    environment = {**os.environ, "OUTREACH_COACH_DATA_DIR": str(data_dir), **(env or {})}
    process = subprocess.Popen(
        [sys.executable, "-m", "bot.cli", "serve", "--port", str(port), *args],
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited: {process.stdout.read() if process.stdout else ''}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return Server(url, process, data_dir)
        except OSError:
            time.sleep(0.1)
    process.kill()
    raise RuntimeError("server did not start within 30 s")


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    """An HTTP client for the real server."""
    async with aiohttp.ClientSession() as session:
        yield session


@pytest.fixture
def web_server(tmp_path: Path) -> Iterator[str]:
    """The real ``outreach-coach serve`` on a free loopback port, SQLite in a temp dir."""
    server = start_server(tmp_path / "data")
    try:
        yield server.url
    finally:
        server.process.terminate()
        server.process.wait(timeout=10)


# --- the browser ---------------------------------------------------------------------------


@pytest.fixture(scope="session")
def chromium_path() -> str:
    """Debian's Chromium, installed on first use so a fresh machine passes."""
    if not CHROMIUM.exists() and shutil.which("apt-get") and os.geteuid() == 0:
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        subprocess.run(["apt-get", "update", "-qq"], check=True, env=env)
        subprocess.run(["apt-get", "install", "-y", "-qq", "chromium"], check=True, env=env)
    if not CHROMIUM.exists():
        pytest.fail("Debian's chromium is not installed and could not be installed (needs root and apt-get)")
    return str(CHROMIUM)


def said(replies: list[Reply]) -> str:
    """Everything the coach said in words (not questions), as plain text."""
    return "\n".join(r.text.plain() for r in replies if isinstance(r, TextReply | ActionsReply))


def asked(replies: list[Reply]) -> str:
    """The step of the last question shown."""
    return [r for r in replies if isinstance(r, QuestionReply)][-1].step


@pytest.fixture
def postgres_url(postgres_reason: str | None) -> Iterator[str]:
    """The URL of a fresh PostgreSQL database of its own, dropped afterwards."""
    if postgres_reason:
        pytest.skip(postgres_reason)
    name = f"t_{uuid.uuid4().hex[:12]}"

    async def admin(statement: str) -> None:
        db = Database(POSTGRES_URL, isolation_level="AUTOCOMMIT")
        try:
            async with db.engine.connect() as connection:
                await connection.execute(text(statement))
        finally:
            await db.dispose()

    asyncio.run(admin(f'create database "{name}"'))
    try:
        yield make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        asyncio.run(admin(f'drop database "{name}" with (force)'))


@pytest.fixture
def postgres_server(tmp_path: Path, postgres_url: str) -> Iterator[str]:
    """The real server on a fresh PostgreSQL database of its own, dropped afterwards."""
    server = start_server(tmp_path / "data", env={"OUTREACH_COACH_DATABASE_URL": postgres_url})
    try:
        yield server.url
    finally:
        server.process.terminate()
        server.process.wait(timeout=10)


# --- Slack ---------------------------------------------------------------------------------


@pytest.fixture
async def fake_slack() -> AsyncIterator[FakeSlack]:
    """Slack with one workspace (Bibliotek Nord, bot U0BOT), Mette and Ali in it, and the
    team's channel the bot was invited to."""
    async with FakeSlack() as slack:
        slack.add_workspace("T111", "xoxb-111", "U0BOT", "Bibliotek Nord")
        slack.add_user("T111", METTE, "Mette")
        slack.add_user("T111", ALI, "Ali")
        slack.add_channel("T111", CHANNEL, "outreach-fitness")
        yield slack


@pytest.fixture
async def slack_bot(tmp_path: Path, fake_slack: FakeSlack) -> AsyncIterator[SlackBot]:
    """The server with Slack (that workspace's bot token) on SQLite, on a real port."""
    async for running in start_bot(tmp_path, fake_slack, bot_token="xoxb-111"):
        yield running


@pytest.fixture
def fake_connector() -> Iterator[FakeConnector]:
    with FakeConnector() as connector:
        yield connector


@pytest.fixture
async def teams_bot(tmp_path: Path, fake_connector: FakeConnector) -> AsyncIterator[TeamsBot]:
    """The server with Teams in the Bot Framework Emulator's mode (no app id, loopback)."""
    async for running in start_teams_bot(tmp_path, fake_connector):
        yield running


@pytest.fixture(params=["sqlite", "postgres"])
def database_url(request: pytest.FixtureRequest) -> str:
    """The server's database: its SQLite default (""), then a PostgreSQL database of its own."""
    return str(request.getfixturevalue("postgres_url")) if request.param == "postgres" else ""


@pytest.fixture
async def teams_bot_on_each_database(
    tmp_path: Path, fake_connector: FakeConnector, database_url: str
) -> AsyncIterator[TeamsBot]:
    """:func:`teams_bot`, once on SQLite and once on PostgreSQL."""
    async for running in start_teams_bot(tmp_path, fake_connector, database_url=database_url):
        yield running
