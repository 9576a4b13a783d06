"""Three worker processes share one PostgreSQL database: 5,000 due reminders, each
delivered exactly once, each conversation's in due order, all marked sent."""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select, text

from storage.db import Database
from storage.models import NudgeRow
from tests.conftest import POSTGRES_URL
from tests.fake_chat import FakeChat, seed_reminders, start_worker, stop_worker

pytestmark = pytest.mark.postgres

CONVERSATIONS, PER_CONVERSATION = 500, 10


async def test_three_workers_deliver_5000_reminders_each_exactly_once(postgres_db: Database) -> None:
    chat = FakeChat()
    await chat.start()
    async with postgres_db.session() as session:
        schema = str((await session.execute(text("select current_schema()"))).scalar_one())
    workers = [await start_worker(POSTGRES_URL, chat.url, schema=schema) for _ in range(3)]
    try:
        due = datetime.now(UTC) - timedelta(seconds=PER_CONVERSATION)
        ids = await seed_reminders(postgres_db, CONVERSATIONS, PER_CONVERSATION, due)
        async with asyncio.timeout(120):
            while await count_sent(postgres_db) < len(ids):
                await asyncio.sleep(0.2)
    finally:
        for worker in workers:
            await stop_worker(worker)
        await chat.stop()

    assert chat.copies() == Counter(range(len(ids))), "every reminder exactly once"
    for conversation, messages in chat.by_conversation().items():
        marks = [mark for message in messages for mark in message.marks]
        assert marks == sorted(marks), f"{conversation} got its reminders out of order"
    async with postgres_db.session() as session:
        outcome = (NudgeRow.status, NudgeRow.attempts)
        found = await session.execute(select(*outcome, func.count()).group_by(*outcome))
        assert found.all() == [("sent", 1, len(ids))], "all sent at the first attempt, none claimed twice"


async def count_sent(db: Database) -> int:
    async with db.session() as session:
        return (await session.execute(select(func.count()).where(NudgeRow.status == "sent"))).scalar_one()
