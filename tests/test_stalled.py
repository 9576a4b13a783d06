"""A project nobody has touched for a while gets one gentle nudge, not one every hour."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.worktime import WorkingTime
from storage.db import Database
from storage.models import Workspace
from storage.stalled import schedule_stalled
from tests.conftest import Clock, Team
from tests.team_walks import outbox

QUIET = timedelta(days=14)
CPH = ZoneInfo("Europe/Copenhagen")


def in_working_hours(workspace: Workspace, moment: datetime) -> datetime:
    hours = WorkingTime.of(workspace.timezone, workspace.work_days, workspace.work_start, workspace.work_end)
    return hours.next_moment(moment)


async def look(db: Database, now: datetime) -> int:
    async with db.transaction() as session:
        return await schedule_stalled(session, now, QUIET, in_working_hours)


async def test_a_quiet_project_is_nudged_once_in_working_hours(team: Team, clock: Clock) -> None:
    await team.command("start vejviseren Landsbyerne")  # Monday 23 November 2026, 10:00 local
    assert await look(team.coach.db, clock.now + timedelta(days=13)) == 0
    saturday = datetime(2026, 12, 12, 11, 0, tzinfo=UTC)  # 19 days later, a Saturday
    assert await look(team.coach.db, saturday) == 1
    [nudge] = await outbox(team, "stalled")
    assert nudge.status == "pending" and nudge.conversation == "web" and nudge.platform == "web"
    assert nudge.due_at.astimezone(CPH) == datetime(2026, 12, 14, 9, 0, tzinfo=CPH)
    assert await look(team.coach.db, saturday + timedelta(hours=1)) == 0, "already waiting to go out"


async def test_after_the_nudge_only_a_team_that_came_back_and_fell_quiet_again_is_nudged_again(
    team: Team, clock: Clock
) -> None:
    await team.command("start vejviseren Landsbyerne")
    later = clock.now + timedelta(days=15)
    await look(team.coach.db, later)
    async with team.coach.db.transaction() as session:
        [nudge] = await outbox(team, "stalled")
        row = await session.get(type(nudge), nudge.id)
        assert row is not None
        row.status, row.sent_at = "sent", later
    assert await look(team.coach.db, later + timedelta(days=20)) == 0, "nobody came back: no second nudge"
    clock.now = later + timedelta(days=1)
    await team.say("ja")  # the team answers again
    assert await look(team.coach.db, clock.now + timedelta(days=15)) == 1
    [nudge] = await outbox(team, "stalled")
    assert nudge.status == "pending"


async def test_a_finished_project_is_never_called_stalled(team: Team, clock: Clock) -> None:
    await team.command("start vejviseren Landsbyerne")
    await team.command("afslut")
    assert await look(team.coach.db, clock.now + timedelta(days=30)) == 0
