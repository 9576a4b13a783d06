"""Liveness says the process serves; readiness says whether the database answers, and why not."""

from __future__ import annotations

import socket
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy.engine import make_url

from bot.health import mount_health
from storage.db import Database
from tests.conftest import free_port


@asynccontextmanager
async def health_client(db: Database) -> AsyncIterator[TestClient]:
    """A server with only the health endpoints, for ``db``, which is disposed afterwards."""
    app = web.Application()
    mount_health(app, db)
    try:
        async with TestClient(TestServer(app)) as client:
            yield client
    finally:
        await db.dispose()


@pytest.fixture
async def working(tmp_path: Path) -> AsyncIterator[TestClient]:
    """A working SQLite database."""
    async with health_client(Database(f"sqlite+aiosqlite:///{tmp_path / 'coach.sqlite3'}")) as client:
        yield client


@pytest.fixture
async def stopped() -> AsyncIterator[TestClient]:
    """A PostgreSQL URL, with a password, where nothing listens: a stopped database server."""
    async with health_client(Database(f"postgresql://coach:s3cret-pw@127.0.0.1:{free_port()}/outreach")) as client:
        yield client


@pytest.fixture
def silent_port() -> Iterator[int]:
    """A port that accepts connections and never says a word."""
    with socket.create_server(("127.0.0.1", 0)) as sock:
        yield sock.getsockname()[1]


@pytest.fixture
async def frozen(silent_port: int) -> AsyncIterator[TestClient]:
    """A database server that accepts connections and never answers."""
    async with health_client(Database(f"postgresql://coach@127.0.0.1:{silent_port}/outreach")) as client:
        yield client


async def test_healthz_is_ok_while_the_database_is_down(stopped: TestClient) -> None:
    response = await stopped.get("/healthz")
    assert response.status == 200
    assert await response.json() == {"status": "ok"}


async def test_readyz_is_ready_when_the_database_answers(working: TestClient) -> None:
    response = await working.get("/readyz")
    assert response.status == 200
    assert await response.json() == {"status": "ready"}


async def test_readyz_is_unavailable_with_a_reason_but_no_secrets_when_the_database_is_stopped(
    stopped: TestClient,
) -> None:
    response = await stopped.get("/readyz")
    assert response.status == 503
    body = await response.text()
    assert await response.json() == {"status": "unavailable", "reason": "database: connection refused"}
    assert "s3cret-pw" not in body and "postgresql" not in body


async def test_readyz_gives_up_on_a_frozen_database_after_two_seconds(frozen: TestClient) -> None:
    started = time.monotonic()
    response = await frozen.get("/readyz")
    assert response.status == 503
    assert await response.json() == {"status": "unavailable", "reason": "database did not answer within 2 s"}
    assert time.monotonic() - started < 4


async def test_readyz_passes_on_what_the_database_server_said(postgres_db: Database) -> None:
    missing = make_url(postgres_db.url).set(database="no_such_database").render_as_string(hide_password=False)
    async with health_client(Database(missing)) as client:
        response = await client.get("/readyz")
        assert response.status == 503
        reason = 'database: database "no_such_database" does not exist'
        assert await response.json() == {"status": "unavailable", "reason": reason}
