"""The debrief after a visit: posted once as a thread, every reply in it saved with its
author, edits and deletions followed, and a summary that leads to the follow-up tasks."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from bot.config import RemindersConfig
from bot.delivery import Result, Sent, Target
from bot.reminder_job import make_deliverer
from bot.replies import ActionsReply, Reply, TextReply
from storage.models import JournalEntry
from tests.conftest import Clock, Team, asked, said
from tests.team_walks import outbox, reach_the_visit


@dataclass
class RecordingChannel:
    """A chat platform that accepts everything and remembers what it was given."""

    platform: str = "web"
    posts: list[tuple[Target, list[Reply]]] = field(default_factory=list)

    async def deliver(self, target: Target, replies: list[Reply]) -> Result:
        self.posts.append((target, replies))
        return Sent(message_id=f"msg-{len(self.posts)}")


def words(replies: list[Reply]) -> str:
    return "\n".join(r.text.plain() for r in replies if isinstance(r, TextReply | ActionsReply))


async def notes(team: Team) -> list[tuple[str, str, str | None]]:
    async with team.coach.db.session() as session:
        rows = (
            await session.execute(select(JournalEntry).where(JournalEntry.kind == "debrief").order_by(JournalEntry.id))
        ).scalars()
        return [(row.author, row.text, row.message_id) for row in rows]


async def open_debrief(team: Team, clock: Clock) -> tuple[RecordingChannel, str]:
    replies = await reach_the_visit(team)
    assert asked(replies) == "visited"
    replies = await team.say("ja")
    assert "Jeg åbner en tråd" in said(replies) and "Hvad lærte I" not in said(replies), "posted once, in the thread"
    channel = RecordingChannel()
    deliverer = make_deliverer(team.coach.db, {"web": channel}, RemindersConfig(), clock=lambda: clock.now)
    report = await deliverer.run_due(clock.now)
    assert report.sent == 1
    [(target, post)] = channel.posts
    assert target.opens_thread and target.conversation == "web"
    return channel, "msg-1"


async def test_the_debrief_is_posted_as_one_thread_with_the_guides_questions(team: Team, clock: Clock) -> None:
    channel, _thread = await open_debrief(team, clock)
    [(_target, post)] = channel.posts
    text = words(post)
    assert "Tid til debriefing" in text and "\n1. " in text and "debrief færdig" in text
    [thread_row] = await outbox(team, "debrief-thread")
    assert thread_row.status == "sent" and thread_row.message_id == "msg-1"


async def test_replies_in_the_thread_are_saved_with_their_authors_and_follow_edits_and_deletions(
    team: Team, clock: Clock
) -> None:
    _channel, thread = await open_debrief(team, clock)
    reply = team.turn("Mette", text="De unge vil gerne have lektiehjælp om aftenen", thread=thread, message_id="m1")
    assert "Gemt i logbogen" in words(await team.send(reply))
    await team.send(team.turn("Ali", text="Centerlederen er åben for en stand", thread=thread, message_id="m2"))
    await team.send(team.turn("Ali", text="Tre ting: lektier, e-bøger, og en stand", thread=thread, message_id="m3"))
    assert await notes(team) == [
        ("Mette", "De unge vil gerne have lektiehjælp om aftenen", "m1"),
        ("Ali", "Centerlederen er åben for en stand", "m2"),
        ("Ali", "Tre ting: lektier, e-bøger, og en stand", "m3"),
    ]
    edited = team.turn("Mette", text="De unge vil have lektiehjælp tirsdag aften", thread=thread, message_id="m1")
    assert "rettet" in words(await team.send(replace(edited, change="edited")))
    gone = team.turn("Ali", text="", thread=thread, message_id="m2")
    assert "fjernet" in words(await team.send(replace(gone, change="deleted")))
    assert await notes(team) == [
        ("Mette", "De unge vil have lektiehjælp tirsdag aften", "m1"),
        ("Ali", "Tre ting: lektier, e-bøger, og en stand", "m3"),
    ]
    # A reply in the thread is a note, never an answer to the guide's open question.
    status = await team.command("status")
    assert asked(status) != "visited"


async def test_finishing_the_debrief_posts_a_summary_and_asks_for_tasks_with_owners_and_dates(
    team: Team, clock: Clock
) -> None:
    _channel, thread = await open_debrief(team, clock)
    await team.send(team.turn("Mette", text="Lektiehjælp om aftenen", thread=thread, message_id="m1"))
    await team.send(team.turn("Ali", text="En stand i centret", thread=thread, message_id="m2"))
    replies = await team.command("debrief færdig")
    text = words(replies)
    assert "Mette: Lektiehjælp om aftenen" in text and "Ali: En stand i centret" in text
    assert "opgave Send tak-mail – Mette – fredag" in text
    assert all(reply.audience == "conversation" for reply in replies)
    replies = await team.command("opgave Send tak-mail til Jens – Ali – om en uge")
    [task] = await outbox(team, "task")
    # "om en uge" from Monday 23 November: Monday 30 November, 09:00 in Copenhagen.
    assert task.recipient == "Ali" and task.due_at == datetime(2026, 11, 30, 8, 0, tzinfo=UTC)


async def test_a_reply_in_a_thread_whose_project_was_deleted_is_told_so_politely(team: Team, clock: Clock) -> None:
    _channel, thread = await open_debrief(team, clock)
    await team.command("slet ja")
    replies = await team.send(team.turn("Ali", text="Husk standen", thread=thread, message_id="m9"))
    assert "hører ikke (længere) til et projekt" in words(replies)
    assert replies[0].audience == "asker" and replies[0].thread == thread
    assert await notes(team) == []


async def test_a_reply_in_the_thread_of_any_other_reminder_becomes_a_logbook_note(team: Team, clock: Clock) -> None:
    await team.command("start kommer-forbi Fitness Nord")
    await team.command("opgave Ring til Jens – Ali – i morgen")
    channel = RecordingChannel()
    deliverer = make_deliverer(team.coach.db, {"web": channel}, RemindersConfig(), clock=lambda: clock.now)
    clock.now += timedelta(days=1)
    assert (await deliverer.run_due(clock.now)).sent == 1
    replies = await team.send(team.turn("Ali", text="Jens ringer tilbage fredag", thread="msg-1", message_id="a1"))
    assert "Gemt i logbogen" in words(replies)
    logged = await team.command("log")
    assert "Jens ringer tilbage fredag" in words(logged)


async def test_finishing_stops_the_guides_reminders_but_keeps_the_agreed_tasks(team: Team, clock: Clock) -> None:
    await team.command("start kommer-forbi Fitness Nord")
    for answer in ("ja", "Unge", "ja", "Fitness", "Jens", "2", "Kære Jens", "ja", "ja"):  # ... the mail is sent
        await team.say(answer)
    await team.command("opgave Ring til Jens – Ali – i morgen")
    assert {row.kind: row.status for row in await outbox(team)} == {"follow_up": "pending", "task": "pending"}
    await team.command("afslut")
    assert {row.kind: row.status for row in await outbox(team)} == {"follow_up": "cancelled", "task": "pending"}
    await team.command("slet ja")
    assert await outbox(team) == [], "a deleted project takes every reminder with it"
