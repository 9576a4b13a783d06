"""A worker process killed outright (SIGKILL) loses no reminder.

The real worker loop runs in a subprocess against PostgreSQL and delivers to the fake chat
API. A test-only switch (``OUTREACH_COACH_TEST_PAUSE``) stops it for good at one point, and
the test kills it there; a second worker then takes over once the lease runs out.

- Killed after the claim, before anything was posted: the chat got nothing from the first
  worker, and each reminder arrives exactly once from the second.
- Killed after the chat accepted the first reminder, before it was marked sent: the second
  worker cannot know it went out, so that one reminder arrives twice. The outbox delivers
  at least once; this window is the only place a copy can come from.
"""

from __future__ import annotations

import asyncio
import signal
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, text

from bot.worker import TEST_PAUSE, Scheduler
from storage.db import Database
from storage.models import NudgeRow
from tests.conftest import POSTGRES_URL
from tests.fake_chat import FakeChat, seed_reminders, start_worker, stop_worker, wait_for_line

pytestmark = pytest.mark.postgres

LEASE = "2"  # seconds: the second worker takes over soon after the first died


@pytest.fixture
async def chat() -> AsyncIterator[FakeChat]:
    fake = FakeChat()
    await fake.start()
    yield fake
    await fake.stop()


async def schema_of(db: Database) -> str:
    async with db.session() as session:
        return str((await session.execute(text("select current_schema()"))).scalar_one())


async def statuses(db: Database) -> list[tuple[str, int]]:
    async with db.session() as session:
        found = await session.execute(select(NudgeRow.status, NudgeRow.attempts).order_by(NudgeRow.id))
        return [(status, attempts) for status, attempts in found.all()]


async def wait_until_all_sent(db: Database, timeout: float = 30.0) -> None:
    async with asyncio.timeout(timeout):
        while any(status != "sent" for status, _ in await statuses(db)):
            await asyncio.sleep(0.1)


async def kill_at(db: Database, chat: FakeChat, point: str) -> None:
    """Start a worker that stops at ``point``, and kill it -9 there."""
    worker = await start_worker(
        POSTGRES_URL, chat.url, "--lease", LEASE, schema=await schema_of(db), env={TEST_PAUSE: point}
    )
    try:
        await wait_for_line(worker, f"outbox test pause: {point}")
    finally:
        worker.send_signal(signal.SIGKILL)
        await worker.wait()
    assert worker.returncode == -signal.SIGKILL


async def deliver_with_a_fresh_worker(db: Database, chat: FakeChat) -> None:
    worker = await start_worker(POSTGRES_URL, chat.url, "--lease", LEASE, schema=await schema_of(db))
    try:
        await wait_until_all_sent(db)
    finally:
        await stop_worker(worker)


async def test_a_worker_killed_between_claim_and_send_loses_nothing(postgres_db: Database, chat: FakeChat) -> None:
    await seed_reminders(postgres_db, 1, 2, datetime.now(UTC) - timedelta(seconds=10))
    await kill_at(postgres_db, chat, "after-claim")
    assert chat.posted == []
    assert await statuses(postgres_db) == [("pending", 1), ("pending", 1)], "claimed, leased, not sent"

    await deliver_with_a_fresh_worker(postgres_db, chat)
    assert [message.marks for message in chat.posted] == [[0], [1]], "each exactly once, in order"


async def test_a_worker_killed_after_send_before_the_mark_delivers_that_reminder_twice(
    postgres_db: Database, chat: FakeChat
) -> None:
    await seed_reminders(postgres_db, 1, 2, datetime.now(UTC) - timedelta(seconds=10))
    await kill_at(postgres_db, chat, "after-send")
    assert [message.marks for message in chat.posted] == [[0]], "the chat accepted the first"
    assert (await statuses(postgres_db))[0] == ("pending", 1), "but it was never marked sent"

    await deliver_with_a_fresh_worker(postgres_db, chat)
    assert [message.marks for message in chat.posted] == [[0], [0], [1]], "one duplicate, nothing lost"
    assert chat.copies() == {0: 2, 1: 1}


async def test_a_stop_lets_the_run_under_way_finish_rather_than_cutting_it_off() -> None:
    """APScheduler's asyncio executor cancels a job under way at shutdown; a stalled look
    cut off mid-transaction logged a traceback when `serve` was stopped right after start."""

    started, finished = asyncio.Event(), []

    async def slow_look() -> None:
        started.set()
        await asyncio.sleep(0.2)
        finished.append("done")

    scheduler = Scheduler()
    scheduler.every(3600, slow_look, name="look")
    scheduler.start()
    await asyncio.wait_for(started.wait(), timeout=5)
    await scheduler.stop()
    assert finished == ["done"]
    assert not scheduler.under_way
    await scheduler.stop()  # a second stop is harmless
