"""The reminder job of a process (``serve``, ``worker``, the terminal chat): one deliverer
built the same way everywhere, with repeating reminders kept in working hours, and the
hourly look for projects that have gone quiet and for old rows to forget."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta

from bot.config import Config, RemindersConfig
from bot.delivery import Channel
from bot.reminder_messages import compose
from bot.worker import Deliverer, Scheduler, start_scheduler
from bot.worktime import WorkingTime
from storage import outbox
from storage.db import Database
from storage.housekeeping import forget_old_events
from storage.models import Workspace
from storage.stalled import schedule_stalled

HOURLY = timedelta(hours=1)


def make_deliverer(
    db: Database,
    channels: Mapping[str, Channel],
    reminders: RemindersConfig,
    clock: Callable[[], datetime] = lambda: datetime.now(UTC),
) -> Deliverer:
    categories = tuple(reminders.holidays)

    def next_due(nudge: outbox.DueNudge, sent_at: datetime) -> datetime:
        """The next issue of a repeating reminder, moved into the team's working hours."""
        hours = WorkingTime.of(nudge.timezone, nudge.work_days, nudge.work_start, nudge.work_end, categories)
        return hours.next_moment(outbox.next_occurrence(nudge, sent_at), not_before=sent_at)

    return Deliverer(
        db,
        channels,
        compose,
        lease=timedelta(seconds=reminders.lease_seconds),
        batch=reminders.batch,
        poll_seconds=reminders.poll_seconds,
        next_due=next_due,
        clock=clock,
    )


async def look_for_stalled(db: Database, config: Config, now: datetime | None = None) -> int:
    """Queue the stalled-project nudge of every project quiet for ``reminders.stalled_days``."""
    categories = tuple(config.reminders.holidays)

    def shift(workspace: Workspace, moment: datetime) -> datetime:
        hours = WorkingTime.of(
            workspace.timezone, workspace.work_days, workspace.work_start, workspace.work_end, categories
        )
        return hours.next_moment(moment)

    async with db.transaction() as session:
        quiet = timedelta(days=config.reminders.stalled_days)
        return await schedule_stalled(session, now or datetime.now(UTC), quiet, shift)


async def tidy(db: Database, now: datetime | None = None) -> int:
    """Forget answered events older than a week (see :mod:`storage.housekeeping`)."""
    async with db.transaction() as session:
        return await forget_old_events(session, now or datetime.now(UTC))


def start(deliverer: Deliverer, db: Database, config: Config) -> Scheduler:
    """Deliver every ``poll_seconds``; every hour, look for quiet projects and tidy up."""
    scheduler = start_scheduler(deliverer, config.reminders.poll_seconds)
    scheduler.every(HOURLY.total_seconds(), look_for_stalled, db, config, name="stalled")
    scheduler.every(HOURLY.total_seconds(), tidy, db, name="tidy")
    return scheduler
