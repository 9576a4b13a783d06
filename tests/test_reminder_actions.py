"""Done, Snooze and Stop on a reminder, and the list of a project's reminders."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from tests.conftest import Clock, Team, said
from tests.team_walks import outbox

CPH = ZoneInfo("Europe/Copenhagen")


async def a_task(team: Team, clock: Clock) -> int:
    clock.now = datetime(2026, 11, 25, 10, 0, tzinfo=UTC)  # Wednesday
    await team.command("start kommer-forbi Fitness Nord")
    await team.command("opgave Send tak-mail – Mette – fredag")
    [task] = await outbox(team, "task")
    return task.id


async def test_the_list_shows_upcoming_reminders_with_local_times(team: Team, clock: Clock) -> None:
    number = await a_task(team, clock)
    replies = await team.command("påmindelser")
    text = said(replies)
    assert "Kommende" in text
    assert f"#{number} fre. 27. nov. 2026 09.00: Opgave til Mette: Send tak-mail" in text
    assert replies[0].audience == "asker"


async def test_snooze_moves_a_reminder_a_day_or_a_week_into_working_hours(team: Team, clock: Clock) -> None:
    number = await a_task(team, clock)
    clock.now = datetime(2026, 11, 27, 16, 30, tzinfo=UTC)  # Friday after hours
    replies = await team.command(f"påmindelse udsæt {number} 1d")
    assert "Udsat til man. 30. nov. 2026 09.00" in said(replies)  # Saturday is no working day
    clock.now = datetime(2026, 12, 1, 11, 0, tzinfo=UTC)  # Tuesday noon in Copenhagen
    replies = await team.command(f"reminder snooze {number} 1w")
    assert "tirs. 8. dec. 2026 12.00" in said(replies)
    [task] = await outbox(team, "task")
    assert task.status == "pending" and task.due_at.astimezone(CPH) == datetime(2026, 12, 8, 12, 0, tzinfo=CPH)


async def test_done_marks_the_reminder_and_its_task_and_a_second_done_is_told_so(team: Team, clock: Clock) -> None:
    number = await a_task(team, clock)
    replies = await team.command(f"reminder done {number}", user="Ali")
    assert "Ali har klaret det: Opgave til Mette: Send tak-mail" in said(replies)
    [task] = await outbox(team, "task")
    assert task.status == "done"
    again = await team.command(f"påmindelse klaret {number}")
    assert "allerede markeret som klaret" in said(again) and again[0].audience == "asker"
    snooze = await team.command(f"påmindelse udsæt {number} 1d")
    assert "allerede markeret som klaret" in said(snooze)


async def test_stop_cancels_a_reminder_for_good(team: Team, clock: Clock) -> None:
    number = await a_task(team, clock)
    assert "stoppet påmindelsen" in said(await team.command(f"påmindelse stop {number}"))
    [task] = await outbox(team, "task")
    assert task.status == "cancelled"
    assert "allerede stoppet" in said(await team.command(f"påmindelse klaret {number}"))


async def test_a_reminder_of_another_channel_or_no_reminder_at_all_is_unknown(team: Team, clock: Clock) -> None:
    number = await a_task(team, clock)
    other = Team(team.coach, conversation="another-room")
    await other.command("start kommer-forbi Andet")
    assert f"ingen påmindelse nr. {number}" in said(await other.command(f"påmindelse stop {number}"))
    assert "ingen påmindelse nr. 99999" in said(await team.command("påmindelse stop 99999"))
    assert "påmindelse klaret 12" in said(await team.command("påmindelse hmm"))
    [task] = await outbox(team, "task")
    assert task.status == "pending"
