"""The logbook: a note at any moment, and follow-up tasks that become reminders to their owners."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from storage.models import JournalEntry
from tests.conftest import Clock, Team, said
from tests.team_walks import outbox

CPH = ZoneInfo("Europe/Copenhagen")


async def journal(team: Team) -> list[JournalEntry]:
    from sqlalchemy import select

    async with team.coach.db.session() as session:
        return list((await session.execute(select(JournalEntry).order_by(JournalEntry.id))).scalars())


async def test_log_writes_a_note_with_author_and_time_for_the_whole_team_to_see(team: Team, clock: Clock) -> None:
    await team.command("start samskabelse Unge i Vestby")
    replies = await team.command("logbog Talte med skolelederen om et fælles arrangement", user="Ali")
    assert "Skrevet i logbogen for Unge i Vestby af Ali" in said(replies)
    assert all(reply.audience == "conversation" for reply in replies)
    [entry] = await journal(team)
    assert (entry.kind, entry.author, entry.text, entry.at) == (
        "log",
        "Ali",
        "Talte med skolelederen om et fælles arrangement",
        clock.now,
    )


async def test_log_alone_shows_the_latest_notes_to_the_asker(team: Team) -> None:
    await team.command("start samskabelse Unge i Vestby")
    assert "tom endnu" in said(await team.command("log"))
    await team.command("log Første møde aftalt", user="Ali")
    await team.command("log Invitationer sendt", user="Mette")
    replies = await team.command("log")
    text = said(replies)
    assert text.index("Første møde aftalt") < text.index("Invitationer sendt")
    assert "Ali" in text and replies[0].audience == "asker"


async def test_a_task_with_owner_and_date_becomes_a_reminder_to_its_owner_on_the_day(team: Team, clock: Clock) -> None:
    clock.now = datetime(2026, 11, 25, 10, 0, tzinfo=UTC)  # a Wednesday
    await team.command("start kommer-forbi Fitness Nord")
    replies = await team.command("opgave Send tak-mail til Jens – Mette – fredag\nBook lokale – Ali – 15.12")
    text = said(replies)
    assert "Send tak-mail til Jens – Mette – fredag 27. november 2026" in text
    assert "Book lokale – Ali – tirsdag 15. december 2026" in text
    tasks = await outbox(team, "task")
    assert [(t.recipient, t.due_at.astimezone(CPH).strftime("%Y-%m-%d %H:%M")) for t in tasks] == [
        ("Mette", "2026-11-27 09:00"),
        ("Ali", "2026-12-15 09:00"),
    ]
    entries = await journal(team)
    assert [(e.kind, e.text, e.data) for e in entries] == [
        ("task", "Send tak-mail til Jens", {"owner": "Mette", "due": "2026-11-27", "done": False}),
        ("task", "Book lokale", {"owner": "Ali", "due": "2026-12-15", "done": False}),
    ]


async def test_a_task_without_owner_or_with_an_unreadable_date_saves_nothing_and_says_which_line(team: Team) -> None:
    await team.command("start kommer-forbi Fitness Nord")
    replies = await team.command("opgave Book lokale – Ali – 15.12\nRing til Jens")
    assert "„Ring til Jens“" in said(replies) and "Intet er gemt" in said(replies)
    replies = await team.command("opgave Book lokale – Ali – engang til foråret")
    assert "engang til foråret" in said(replies) and "Intet er gemt" in said(replies)
    assert await journal(team) == [] and await outbox(team, "task") == []


async def test_a_task_dated_in_the_past_is_refused(team: Team, clock: Clock) -> None:
    clock.now = datetime(2026, 11, 25, 10, 0, tzinfo=UTC)
    await team.command("start kommer-forbi Fitness Nord")
    replies = await team.command("opgave Book lokale – Ali – 1.11.2026")
    assert "allerede passeret" in said(replies)
    assert await outbox(team, "task") == []
