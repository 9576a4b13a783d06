"""The outbox worker: claim due reminders, deliver them through their channel, record the result.

:class:`Deliverer` runs one pass (:meth:`Deliverer.run_due`); :func:`start_scheduler`
runs passes every ``poll_seconds`` on APScheduler, inside ``serve`` (which delivers the
browser chat's reminders, since only it holds the open pages) and in ``outreach-coach
worker`` (for the platforms it has channels for). Several workers may share one
PostgreSQL database: :func:`storage.outbox.claim` gives each conversation to one of them.

A pass claims in short transactions, delivers outside any transaction, and records each
result in a short transaction, shared with the results that came in while the previous one
was being written (a group commit: under load one commit carries hundreds, when idle each
goes at once). Checks that a reminder is still wanted are grouped the same way. So a
worker uses at most three database connections however many conversations it serves, and
a thousand messages a second cost a few commits, not a thousand.

A reminder is marked sent only after the channel answered :class:`~bot.delivery.Sent`; a
worker that dies, or a database that fails while a result is recorded, leaves the row
leased, and it is delivered again once the lease runs out. Reminders are never lost; one
is repeated only when the worker died between the platform's answer and the record. A
worker that is stopped (SIGTERM) finishes the messages under way and gives the rest of
its claim back at once.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import random
import signal
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from itertools import groupby
from typing import Any, Generic, TypeVar
from zoneinfo import ZoneInfo

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.schedulers.base import STATE_STOPPED
from sqlalchemy.exc import SQLAlchemyError

from bot.delivery import Channel, Failed, Result, RetryAfter, Sent, Target
from bot.replies import Reply
from storage import outbox
from storage.db import Database, failure_reason
from storage.outbox import DueNudge, NextDue

log = logging.getLogger(__name__)
T = TypeVar("T")
R = TypeVar("R")

# How long a stop waits for a pass or look under way to finish before it cuts it off.
STOP_GRACE_SECONDS = 20.0
BACKOFF = (30.0, 60.0, 300.0, 1800.0, 7200.0)
"""Seconds to wait after the 1st, 2nd ... failed attempt when the platform names no time."""

MAX_ATTEMPTS = 8
"""Attempts before a reminder that keeps meeting temporary problems is marked failed."""

CONCURRENCY = 50
"""Requests to platforms in flight at once, across all conversations."""

BATCH_WRITES = 500
"""Results recorded in one transaction at most."""

IN_FLIGHT = 5000
"""Claimed reminders one worker holds at most; it claims more as these are done."""

TEST_PAUSE = "OUTREACH_COACH_TEST_PAUSE"
"""Tests only: ``after-claim`` or ``after-send`` stops a worker there for good, so a test can
kill the process at exactly that moment (tests/test_worker_crash.py)."""

_DATABASE_ERRORS = (SQLAlchemyError, OSError, TimeoutError)


DEBRIEF = "debrief-thread"  # the kind of reminder that opens a thread the team answers in (where there are threads)
UNREACHABLE = "the bot is no longer in this conversation"  # what its reminders fail with, and why the platform said so


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
        poll_seconds: float = 5.0,
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
        self.poll_seconds = poll_seconds
        self.next_due = next_due
        self._requests = asyncio.Semaphore(concurrency)
        self._checks: Together[DueNudge, bool] = Together(self._check)
        self._writes: Together[outbox.Mark, None] = Together(self._write, BATCH_WRITES)
        self._running = asyncio.Lock()
        self._closed = asyncio.Event()
        self._finished = asyncio.Event()  # the pass under way: a conversation is done

    def _per_conversation(self) -> int | None:
        slowest = max(self.pace.values(), default=0.0)
        return max(1, int(self.lease.total_seconds() / (2 * slowest))) if slowest > 0 else None

    async def run_due(self, now: datetime | None = None) -> DeliveryReport:
        """Deliver everything due at ``now`` (default: the clock's time, read afresh for each
        claim and result) and return what became of it.

        Each claimed batch is delivered at once, while the pass claims the next; once
        nothing more is due it keeps looking every ``poll_seconds`` while it delivers, so
        reminders that come due meanwhile, and conversations another worker was claiming a
        moment ago, do not wait for the pass to end. It ends when nothing is claimed and
        nothing is left to deliver."""
        report = DeliveryReport()
        if not self.channels:  # nothing this process could deliver: leave the rows to one that can
            return report
        async with self._running:
            outstanding = 0
            finished = self._finished = asyncio.Event()
            tasks: set[asyncio.Task[None]] = set()

            async def deliver(group: list[DueNudge]) -> None:
                nonlocal outstanding
                try:
                    await self._deliver_conversation(group, now, report)
                finally:
                    outstanding -= len(group)
                    finished.set()

            while not self._closed.is_set():
                finished.clear()
                room = min(self.batch, self.in_flight - outstanding)
                claimed = await self._claim(now or self.clock(), room) if room > 0 else []
                if not claimed and not tasks:
                    break
                report.claimed += len(claimed)
                outstanding += len(claimed)
                if claimed:
                    await _test_pause("after-claim")
                for _key, group in groupby(claimed, key=lambda nudge: nudge.conversation_key):
                    task = asyncio.create_task(deliver(list(group)))
                    tasks.add(task)
                    task.add_done_callback(tasks.discard)
                if room <= 0:  # as many in hand as it may hold: claim again when some are done
                    await finished.wait()
                elif len(claimed) < room:  # nothing more due now
                    await self._until_done_or(self.poll_seconds, finished, tasks)
            if tasks:
                await asyncio.gather(*tasks)
        return report

    async def _until_done_or(self, seconds: float, finished: asyncio.Event, tasks: set[asyncio.Task[None]]) -> None:
        """Wait ``seconds``, or less if every conversation is done or the worker closes."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + seconds
        while tasks and not self._closed.is_set() and (left := deadline - loop.time()) > 0:
            finished.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(finished.wait(), left)

    async def close(self) -> None:
        """Stop claiming, let each conversation finish the message under way, and give the
        rest of what was claimed back, due as before, to this or another worker."""
        self._closed.set()
        self._finished.set()
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
        behind the one to retry, in their order. A conversation the bot cannot reach (it
        was marked inactive, or the platform says so now) has its reminders failed without
        asking the platform: each would only be refused again."""
        loop = asyncio.get_running_loop()
        pace = self.pace.get(group[0].platform, 0.0)
        ready = 0.0
        unreachable = None if group[0].active else _unreachable(group[0].inactive_reason)
        for index, nudge in enumerate(group):
            if self._closed.is_set():  # stopping: the rest go back as they were, for the next worker
                await asyncio.gather(*(self._record(report, outbox.mark_released(n, n.due_at)) for n in group[index:]))
                return
            if index and not await self._still_ours(nudge):
                continue  # cancelled or moved by the team while it waited: not delivered
            if unreachable is not None:
                report.failed += 1
                await self._record(report, outbox.mark_failed(nudge, unreachable))
                continue
            if (delay := ready - loop.time()) > 0:
                await asyncio.sleep(delay)
            result = await self._send(nudge)
            ready = loop.time() + pace
            await _test_pause("after-send")
            at = now or self.clock()
            match result:
                case Sent(message_id=message_id):
                    report.sent += 1
                    await self._record(report, outbox.mark_sent(nudge, message_id, at, self.next_due))
                case Failed(reason=reason, gone=gone):
                    report.failed += 1
                    await self._record(report, outbox.mark_failed(nudge, reason, gone=gone))
                    if gone:
                        unreachable = _unreachable(reason)
                case RetryAfter(reason=reason, seconds=seconds):
                    retry_at = at + timedelta(seconds=backoff(nudge.attempts) if seconds is None else seconds)
                    if nudge.attempts >= self.max_attempts:
                        report.failed += 1
                        await self._record(report, outbox.mark_failed(nudge, reason))
                    else:
                        report.retried += 1
                        await self._record(report, outbox.mark_retry(nudge, retry_at, reason))
                    behind = enumerate(group[index + 1 :], start=1)
                    waits = (outbox.mark_released(later, retry_at + timedelta(microseconds=n)) for n, later in behind)
                    await asyncio.gather(*(self._record(report, mark) for mark in waits))
                    return

    async def _still_ours(self, nudge: DueNudge) -> bool:
        try:
            return await self._checks(nudge)
        except _DATABASE_ERRORS as error:
            log.warning("outbox: could not check reminder %s: %s", nudge.id, failure_reason(error))
            return False  # left leased: tried again after the lease

    async def _check(self, nudges: list[DueNudge]) -> list[bool]:
        async with self.db.session() as session:
            ours = await outbox.still_ours(session, nudges)
        return [nudge.id in ours for nudge in nudges]

    async def _send(self, nudge: DueNudge) -> Result:
        target = Target(
            nudge.conversation,
            nudge.address,
            nudge.thread,
            nudge.recipient,
            opens_thread=nudge.kind == DEBRIEF and bool(nudge.payload.get("threaded", True)),
            lang=nudge.lang,
        )
        try:
            replies = self.compose(nudge)
            async with self._requests:
                return await self.channels[nudge.platform].deliver(target, replies)
        except Exception as error:  # noqa: BLE001 - a channel's bug must not stop the others
            log.exception("outbox: delivering reminder %s raised", nudge.id)
            return RetryAfter(f"{type(error).__name__}: {error}")

    async def _record(self, report: DeliveryReport, mark: outbox.Mark) -> None:
        try:
            await self._writes(mark)
        except _DATABASE_ERRORS as error:
            report.unmarked += 1
            log.warning("outbox: could not record a result (%s): %s", mark.change, failure_reason(error))

    async def _write(self, marks: list[outbox.Mark]) -> list[None]:
        async with self.db.transaction() as session:
            await outbox.record(session, marks)
        return [None] * len(marks)


def _unreachable(reason: str | None) -> str:
    """What a reminder to a conversation the bot cannot reach says, for the team to see."""
    return f"{UNREACHABLE} ({reason})" if reason else UNREACHABLE


class Together(Generic[T, R]):
    """Calls that come in while the previous ones are being run are run together, in one go.

    ``run`` takes a list of items and returns one result for each, in order; an exception
    it raises is raised to every caller of that go.
    """

    def __init__(self, run: Callable[[list[T]], Awaitable[list[R]]], most: int = 1000) -> None:
        self._run = run
        self._most = most
        self._waiting: list[tuple[T, asyncio.Future[R]]] = []
        self._running: asyncio.Task[None] | None = None

    async def __call__(self, item: T) -> R:
        future: asyncio.Future[R] = asyncio.get_running_loop().create_future()
        self._waiting.append((item, future))
        if self._running is None:
            self._running = asyncio.create_task(self._drain())
        return await future

    async def _drain(self) -> None:
        try:
            while self._waiting:
                batch, self._waiting = self._waiting[: self._most], self._waiting[self._most :]
                try:
                    results = await self._run([item for item, _future in batch])
                except Exception as error:  # noqa: BLE001 - handed to each caller
                    for _item, future in batch:
                        future.set_exception(error)
                else:
                    for (_item, future), result in zip(batch, results, strict=True):
                        future.set_result(result)
        finally:
            self._running = None


async def _test_pause(point: str) -> None:
    if os.environ.get(TEST_PAUSE) == point:
        print(f"outbox test pause: {point}", flush=True)
        await asyncio.Event().wait()


class Scheduler(AsyncIOScheduler):
    """APScheduler's asyncio scheduler, stopped politely.

    Its executor cancels a job under way at shutdown, which would cut a pass or the
    stalled look off in the middle of a transaction (and log a traceback). So every job
    is added through :meth:`every`, which keeps track of the runs under way, and
    :meth:`stop` lets those finish before it shuts down.
    """

    def __init__(self) -> None:
        super().__init__(timezone=UTC)
        self.under_way: set[asyncio.Task[None]] = set()

    def every(self, seconds: float, job: Callable[..., Awaitable[Any]], *args: Any, name: str) -> None:
        """Run ``job(*args)`` now and every ``seconds``, one run at a time; the polls a long
        run overlaps are skipped (``coalesce``), quietly."""

        async def run(*job_args: Any) -> None:
            task = asyncio.current_task()
            assert task is not None
            self.under_way.add(task)
            try:
                await job(*job_args)
            finally:
                self.under_way.discard(task)

        self.add_job(
            run,
            "interval",
            args=list(args),
            seconds=seconds,
            max_instances=1,
            coalesce=True,
            next_run_time=datetime.now(UTC),
            id=name,
        )

    async def stop(self, grace: float = STOP_GRACE_SECONDS) -> None:
        """Start nothing new, let the runs under way finish (within ``grace``), then shut down."""
        if self.state == STATE_STOPPED:
            return
        self.pause()
        if self.under_way:
            await asyncio.wait(set(self.under_way), timeout=grace)
        self.shutdown(wait=False)


def start_scheduler(deliverer: Deliverer, poll_seconds: float) -> Scheduler:
    """Run :meth:`Deliverer.run_due` now and every ``poll_seconds`` on the running event loop."""
    logging.getLogger("apscheduler.scheduler").setLevel(logging.ERROR)  # "skipped: already running"
    logging.getLogger("apscheduler.executors").setLevel(logging.WARNING)  # "job executed successfully"
    scheduler = Scheduler()
    scheduler.every(poll_seconds, _pass, deliverer, name="outbox")
    scheduler.start()
    return scheduler


async def _pass(deliverer: Deliverer) -> None:
    report = await deliverer.run_due()
    if report.claimed:
        log.info("outbox: %s", report)


async def stop_scheduler(scheduler: Scheduler, deliverer: Deliverer) -> None:
    """Stop polling; the pass under way finishes the messages being sent and gives back the rest."""
    await scheduler.stop()
    await deliverer.close()


async def run_until_stopped(deliverer: Deliverer, start: Callable[[], Scheduler], started: Callable[[], None]) -> None:
    """The ``worker`` command: deliver until SIGINT or SIGTERM, then stop cleanly (:func:`stop_scheduler`)."""
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    scheduler = start()
    started()
    await stop.wait()
    await stop_scheduler(scheduler, deliverer)
