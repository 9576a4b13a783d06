"""The outbox worker: claim due reminders, deliver them through their channel, record the result.

:class:`Deliverer` runs one pass (:meth:`Deliverer.run_due`); :func:`start_scheduler`
runs passes every ``poll_seconds`` on APScheduler, inside ``serve`` (which delivers the
browser chat's reminders, since only it holds the open pages) and in ``outreach-coach
worker`` (for the platforms it has channels for). Several workers may share one
PostgreSQL database: :func:`storage.outbox.claim` gives each conversation to one of them.

A pass claims in short transactions, delivers outside any transaction, and records each
result in a short transaction of its own. A reminder is marked sent only after the
channel answered :class:`~bot.delivery.Sent`; a worker that dies, or a database that fails
while a result is recorded, leaves the row leased, and it is delivered again once the
lease runs out. Reminders are never lost; one can be repeated only in that window.
"""

from __future__ import annotations

import asyncio
import logging
import os
import random
import signal
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from itertools import groupby
from typing import Any
from zoneinfo import ZoneInfo

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from sqlalchemy.exc import SQLAlchemyError

from bot.delivery import Channel, Failed, Result, RetryAfter, Sent, Target
from bot.replies import Reply
from storage import outbox
from storage.db import Database, failure_reason
from storage.outbox import DueNudge, NextDue

log = logging.getLogger(__name__)

BACKOFF = (30.0, 60.0, 300.0, 1800.0, 7200.0)
"""Seconds to wait after the 1st, 2nd ... failed attempt when the platform names no time."""

MAX_ATTEMPTS = 8
"""Attempts before a reminder that keeps meeting temporary problems is marked failed."""

CONCURRENCY = 50
"""Requests to platforms in flight at once, across all conversations."""

DATABASE_CONCURRENCY = 10
"""Checks and marks running at once: well inside the connection pool, so several workers
and the server share one PostgreSQL without running out of connections."""

IN_FLIGHT = 5000
"""Claimed reminders one worker holds at most; it claims more as these are done."""

TEST_PAUSE = "OUTREACH_COACH_TEST_PAUSE"
"""Tests only: ``after-claim`` or ``after-send`` stops a worker there for good, so a test can
kill the process at exactly that moment (tests/test_worker_crash.py)."""

_DATABASE_ERRORS = (SQLAlchemyError, OSError, TimeoutError)


def backoff(attempts: int, rand: Callable[[], float] = random.random) -> float:
    """Seconds to wait after ``attempts`` tries: growing, capped, and spread by ±20 % so
    reminders that failed together do not all come back in the same second."""
    base = BACKOFF[min(max(attempts, 1), len(BACKOFF)) - 1]
    return base * (0.8 + 0.4 * rand())


@dataclass
class DeliveryReport:
    """What one pass did. ``unmarked`` results were not recorded (the database failed):
    those rows are delivered again after their lease."""

    claimed: int = 0
    sent: int = 0
    retried: int = 0
    failed: int = 0
    unmarked: int = 0

    def __str__(self) -> str:
        line = f"claimed {self.claimed}, sent {self.sent}, retried {self.retried}, failed {self.failed}"
        return f"{line}, not recorded {self.unmarked}" if self.unmarked else line


def _utcnow() -> datetime:
    return datetime.now(UTC)


def demo_time(text: str, timezone: str) -> datetime:
    """The time a demo moves the clock to: ISO 8601, with an offset, or else read in
    ``timezone`` (the config's), as people mean "2026-12-01T10:00"."""
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        raise ValueError(f"not an ISO date and time: {text!r} (e.g. 2026-12-01T10:00)") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=ZoneInfo(timezone))


class Deliverer:
    """Claims due reminders for the platforms in ``channels`` and delivers them.

    ``compose`` words a reminder as replies (:func:`bot.reminder_messages.compose`).
    ``pace`` is the least time in seconds between two messages to one conversation, per
    platform (Slack allows about one a second per channel): the next message to a
    conversation goes out that long after the platform answered the previous one, so a
    paced worker does not rely on 429s. ``lease`` must cover delivering one claim, so a
    paced claim takes at most ``lease / (2 * pace)`` reminders of one conversation.
    """

    def __init__(
        self,
        db: Database,
        channels: Mapping[str, Channel],
        compose: Callable[[DueNudge], list[Reply]],
        clock: Callable[[], datetime] = _utcnow,
        lease: timedelta = timedelta(seconds=120),
        batch: int = 200,
        *,
        pace: Mapping[str, float] | None = None,
        max_attempts: int = MAX_ATTEMPTS,
        concurrency: int = CONCURRENCY,
        in_flight: int = IN_FLIGHT,
        next_due: NextDue = outbox.next_occurrence,
    ) -> None:
        self.db = db
        self.channels = dict(channels)
        self.compose = compose
        self.clock = clock
        self.lease = lease
        self.batch = batch
        self.pace = dict(pace or {})
        self.max_attempts = max_attempts
        self.in_flight = in_flight
        self.next_due = next_due
        self._requests = asyncio.Semaphore(concurrency)
        self._database = asyncio.Semaphore(DATABASE_CONCURRENCY)
        self._running = asyncio.Lock()
        self._closing = False

    def _per_conversation(self) -> int | None:
        slowest = max(self.pace.values(), default=0.0)
        return max(1, int(self.lease.total_seconds() / (2 * slowest))) if slowest > 0 else None

    async def run_due(self, now: datetime | None = None) -> DeliveryReport:
        """Deliver everything due at ``now`` (default: the clock's time, read afresh for each
        claim and result), claiming more as claimed reminders are done, until none is due."""
        report = DeliveryReport()
        async with self._running:
            outstanding = 0
            finished = asyncio.Event()
            tasks: set[asyncio.Task[None]] = set()

            async def deliver(group: list[DueNudge]) -> None:
                nonlocal outstanding
                try:
                    await self._deliver_conversation(group, now, report)
                finally:
                    outstanding -= len(group)
                    finished.set()

            while not self._closing:
                room = min(self.batch, self.in_flight - outstanding)
                if room <= 0:
                    finished.clear()
                    await finished.wait()
                    continue
                claimed = await self._claim(now or self.clock(), room)
                if not claimed:
                    break
                report.claimed += len(claimed)
                outstanding += len(claimed)
                await _test_pause("after-claim")
                for _key, group in groupby(claimed, key=lambda nudge: nudge.conversation_key):
                    task = asyncio.create_task(deliver(list(group)))
                    tasks.add(task)
                    task.add_done_callback(tasks.discard)
            if tasks:
                await asyncio.gather(*tasks)
        return report

    async def close(self) -> None:
        """Stop claiming, and wait for the reminders already claimed to be delivered."""
        self._closing = True
        async with self._running:
            pass

    async def _claim(self, now: datetime, limit: int) -> list[DueNudge]:
        try:
            async with self.db.transaction() as session:
                return await outbox.claim(
                    session, now, limit, self.lease, self.channels.keys(), per_conversation=self._per_conversation()
                )
        except _DATABASE_ERRORS as error:
            log.warning("outbox: could not claim reminders: %s", failure_reason(error))
            return []

    async def _deliver_conversation(self, group: list[DueNudge], now: datetime | None, report: DeliveryReport) -> None:
        """One conversation's reminders, in due order, one at a time, paced.

        When the platform asks to wait, the rest of the conversation's reminders wait
        behind the one to retry, in their order."""
        loop = asyncio.get_running_loop()
        pace = self.pace.get(group[0].platform, 0.0)
        ready = 0.0
        for index, nudge in enumerate(group):
            if index and not await self._still_ours(nudge):
                continue  # cancelled or moved by the team while it waited: not delivered
            if (delay := ready - loop.time()) > 0:
                await asyncio.sleep(delay)
            result = await self._send(nudge)
            ready = loop.time() + pace
            await _test_pause("after-send")
            at = now or self.clock()
            match result:
                case Sent(message_id=message_id):
                    report.sent += 1
                    await self._record(report, outbox.mark_sent, nudge, message_id, at, self.next_due)
                case Failed(reason=reason):
                    report.failed += 1
                    await self._record(report, outbox.mark_failed, nudge, reason)
                case RetryAfter(reason=reason, seconds=seconds):
                    retry_at = at + timedelta(seconds=backoff(nudge.attempts) if seconds is None else seconds)
                    if nudge.attempts >= self.max_attempts:
                        report.failed += 1
                        await self._record(report, outbox.mark_failed, nudge, reason)
                    else:
                        report.retried += 1
                        await self._record(report, outbox.mark_retry, nudge, retry_at, reason)
                    for behind, later in enumerate(group[index + 1 :], start=1):
                        await self._record(report, outbox.release, later, retry_at + timedelta(microseconds=behind))
                    return

    async def _still_ours(self, nudge: DueNudge) -> bool:
        try:
            async with self._database, self.db.session() as session:
                return await outbox.is_ours(session, nudge)
        except _DATABASE_ERRORS as error:
            log.warning("outbox: could not check reminder %s: %s", nudge.id, failure_reason(error))
            return False  # left leased: tried again after the lease

    async def _send(self, nudge: DueNudge) -> Result:
        target = Target(nudge.conversation, nudge.address, nudge.thread, nudge.recipient)
        try:
            replies = self.compose(nudge)
            async with self._requests:
                return await self.channels[nudge.platform].deliver(target, replies)
        except Exception as error:  # noqa: BLE001 - a channel's bug must not stop the others
            log.exception("outbox: delivering reminder %s raised", nudge.id)
            return RetryAfter(f"{type(error).__name__}: {error}")

    async def _record(
        self, report: DeliveryReport, mark: Callable[..., Awaitable[bool]], nudge: DueNudge, *args: Any
    ) -> None:
        try:
            async with self._database, self.db.transaction() as session:
                await mark(session, nudge, *args)
        except _DATABASE_ERRORS as error:
            report.unmarked += 1
            log.warning("outbox: could not record reminder %s: %s", nudge.id, failure_reason(error))


async def _test_pause(point: str) -> None:
    if os.environ.get(TEST_PAUSE) == point:
        print(f"outbox test pause: {point}", flush=True)
        await asyncio.Event().wait()


def start_scheduler(deliverer: Deliverer, poll_seconds: float) -> AsyncIOScheduler:
    """Run :meth:`Deliverer.run_due` now and every ``poll_seconds`` on the running event loop.

    One pass at a time (``max_instances=1``): a pass that runs long delivers everything
    due meanwhile itself, so the polls it overlaps are skipped (``coalesce``), quietly.
    """
    logging.getLogger("apscheduler.scheduler").setLevel(logging.ERROR)  # "skipped: already running"
    logging.getLogger("apscheduler.executors").setLevel(logging.WARNING)  # "job executed successfully"
    scheduler = AsyncIOScheduler(timezone=UTC)
    scheduler.add_job(
        _pass,
        "interval",
        args=[deliverer],
        seconds=poll_seconds,
        max_instances=1,
        coalesce=True,
        next_run_time=datetime.now(UTC),
        id="outbox",
    )
    scheduler.start()
    return scheduler


async def _pass(deliverer: Deliverer) -> None:
    report = await deliverer.run_due()
    if report.claimed:
        log.info("outbox: %s", report)


async def stop_scheduler(scheduler: AsyncIOScheduler, deliverer: Deliverer) -> None:
    """Stop polling, and let the pass under way finish what it claimed."""
    scheduler.shutdown(wait=False)
    await deliverer.close()


async def run_until_stopped(deliverer: Deliverer, poll_seconds: float, started: Callable[[], None]) -> None:
    """The ``worker`` command: poll until SIGINT or SIGTERM, then finish the pass under way."""
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    scheduler = start_scheduler(deliverer, poll_seconds)
    started()
    await stop.wait()
    await stop_scheduler(scheduler, deliverer)
