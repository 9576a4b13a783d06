"""How close the outbox comes to a platform's rate limit: 10,000 reminders due at once across
1,000 conversations, through the fake chat API allowing 1 message a second per conversation
(429 with Retry-After beyond), delivered by 3 worker processes sharing one PostgreSQL.

    .venv/bin/python bench/reminders.py [--reminders 10000] [--conversations 1000]
        [--rate 1] [--workers 3] [--postgres URL]

With 10 reminders to a conversation at 1 a second, the last can go out 9 s after the first:
that is the floor. Total time runs from the moment the reminders are committed (workers
already running) until all are marked sent. Workers pace each conversation themselves, so
429s should be rare; duplicates and lost reminders must be 0. Goal: total <= 1.1x the floor.
The database is a fresh schema, dropped afterwards.
"""

from __future__ import annotations

import argparse
import asyncio
import math
import os
import resource
import sys
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from statistics import median

from sqlalchemy import func, select, text

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from storage.db import Database  # noqa: E402
from storage.models import NudgeRow  # noqa: E402
from tests.fake_chat import FakeChat, seed_reminders, start_worker, stop_worker  # noqa: E402

DEFAULT_POSTGRES = os.environ.get("OUTREACH_COACH_TEST_POSTGRES", "postgresql+asyncpg://postgres@127.0.0.1:5432/test")
GOAL = 1.1


async def bench(args: argparse.Namespace) -> bool:
    schema = f"bench_{uuid.uuid4().hex[:8]}"
    admin = Database(args.postgres)
    async with admin.engine.begin() as connection:
        await connection.execute(text(f'create schema "{schema}"'))
    db = Database(args.postgres, connect_args={"server_settings": {"search_path": schema}})
    chat = FakeChat(rate=args.rate)
    workers: list[asyncio.subprocess.Process] = []
    try:
        await db.upgrade()
        await chat.start()
        pace = ["--pace", str(1 / args.rate), "--poll", "0.25", "--batch", str(args.batch)]
        workers = [await start_worker(args.postgres, chat.url, *pace, schema=schema) for _ in range(args.workers)]
        per_conversation = math.ceil(args.reminders / args.conversations)
        ids = await seed_reminders(db, args.conversations, per_conversation, datetime.now(UTC), spacing=timedelta(0))
        started = time.monotonic()
        while await sent(db) < len(ids):
            await asyncio.sleep(0.05)
        total = time.monotonic() - started
    finally:
        for worker in workers:
            await stop_worker(worker)
        await chat.stop()
        await db.dispose()
        async with admin.engine.begin() as connection:
            await connection.execute(text(f'drop schema "{schema}" cascade'))
        await admin.dispose()

    copies = chat.copies()
    floor = (per_conversation - 1) / args.rate
    duplicates = sum(count - 1 for count in copies.values() if count > 1)
    lost = sum(1 for number in range(len(ids)) if copies[number] == 0)
    ratio = total / floor
    print(f"{len(ids)} reminders to {args.conversations} conversations, {args.workers} workers, {args.rate:g}/s each")
    print(f"total      {total:6.2f} s")
    print(f"floor      {floor:6.2f} s  ({per_conversation} a conversation at {args.rate:g}/s)")
    print(f"ratio      {ratio:6.2f}x  (goal <= {GOAL}x)")
    print(f"429s       {chat.rate_limited:6d}")
    print(f"duplicates {duplicates:6d}")
    print(f"lost       {lost:6d}")
    conversations = chat.by_conversation().values()
    firsts = sorted(messages[0].at - started for messages in conversations)
    spans = sorted(messages[-1].at - messages[0].at for messages in conversations)
    print("where the time went:")
    print(f"  first message of a conversation  p50 {median(firsts):5.2f} s, max {firsts[-1]:5.2f} s after the start")
    print(f"  first to last of a conversation  p50 {median(spans):5.2f} s, max {spans[-1]:5.2f} s")
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    load = os.getloadavg()[0]
    print(f"  workers' CPU {used.ru_utime + used.ru_stime:.1f} s; load average {load:.1f} on {os.cpu_count()} CPUs")
    return ratio <= GOAL and duplicates == 0 and lost == 0


async def sent(db: Database) -> int:
    async with db.session() as session:
        return (await session.execute(select(func.count()).where(NudgeRow.status == "sent"))).scalar_one()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--reminders", type=int, default=10_000)
    parser.add_argument("--conversations", type=int, default=1_000)
    parser.add_argument("--rate", type=float, default=1.0, help="messages a second per conversation")
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--batch", type=int, default=1000, help="reminders a worker claims at a time")
    parser.add_argument("--postgres", default=DEFAULT_POSTGRES)
    ok = asyncio.run(bench(parser.parse_args()))
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
