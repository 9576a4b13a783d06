"""The debrief in a conversation without threads (a Teams group chat or personal chat): its
questions are posted to the chat, and while it is open every message there is one of its
notes, kept with its author and following its edits and deletions, until someone says
"færdig" (or "afslut"); then the summary comes, and messages answer the guide again."""

from __future__ import annotations

from dataclasses import dataclass, replace

import pytest
from sqlalchemy import select

from bot.coach import Coach
from bot.config import RemindersConfig
from bot.reminder_job import make_deliverer
from bot.replies import Turn
from storage.models import Project
from tests.conftest import Clock, Team, asked, said
from tests.team_walks import reach_the_visit
from tests.test_debrief_thread import RecordingChannel, notes, open_debrief, words
from tests.test_turn_cost import statements


@dataclass
class GroupChat(Team):
    """People in a Teams group chat: a conversation without threads, as every turn says."""

    platform: str = "teams"
    workspace: str = "tenant-nord"
    conversation: str = "19:gruppechat@thread.v2"

    def turn(self, user: str = "Mette", **kwargs: object) -> Turn:
        return super().turn(user, threaded=False, **kwargs)


@pytest.fixture
def chat(coach: Coach) -> GroupChat:
    return GroupChat(coach)


async def project(chat: Team) -> Project:
    async with chat.coach.db.session() as session:
        return (await session.execute(select(Project))).scalar_one()


async def debrief_posted(chat: GroupChat, clock: Clock) -> RecordingChannel:
    """The team answers its way to the visit, says it has been, and the outbox posts the
    debrief's questions to the chat."""
    assert asked(await reach_the_visit(chat)) == "visited"
    opening = said(await chat.say("ja"))
    assert "her i chatten" in opening and "tråd" not in opening
    channel = RecordingChannel(platform="teams")
    deliverer = make_deliverer(chat.coach.db, {"teams": channel}, RemindersConfig(), clock=lambda: clock.now)
    assert (await deliverer.run_due(clock.now)).sent == 1
    return channel


async def test_in_a_group_chat_the_messages_after_the_debrief_are_its_notes_until_someone_says_afslut(
    chat: GroupChat, clock: Clock
) -> None:
    channel = await debrief_posted(chat, clock)
    [(target, post)] = channel.posts
    prompt = words(post)
    assert not target.opens_thread, "there is no thread to open"
    assert "Hvilke indtryk fik I hver især?" in prompt
    assert "som beskeder her" in prompt and "færdig" in prompt and "tråd" not in prompt

    saved = await chat.send(chat.turn("Mette", text="De unge vil gerne have lektiehjælp om aftenen", message_id="m1"))
    assert "Gemt som note til debriefingen" in said(saved)
    await chat.send(chat.turn("Ali", text="Centerlederen er åben for en stand", message_id="m2"))
    await chat.send(chat.turn("Ali", text="Tre ting: lektier, e-bøger og en stand", message_id="m3"))
    edited = chat.turn("Mette", text="De unge vil have lektiehjælp tirsdag aften", message_id="m1")
    assert "rettet" in said(await chat.send(replace(edited, change="edited")))
    deleted = chat.turn("Ali", text="", message_id="m2")
    assert "fjernet" in said(await chat.send(replace(deleted, change="deleted")))
    assert await notes(chat) == [
        ("Mette", "De unge vil have lektiehjælp tirsdag aften", "m1"),
        ("Ali", "Tre ting: lektier, e-bøger og en stand", "m3"),
    ]

    summary = said(await chat.command("afslut", user="Ali"))

    assert "Mette: De unge vil have lektiehjælp tirsdag aften" in summary
    assert "Ali: Tre ting: lektier, e-bøger og en stand" in summary
    assert "opgave Send tak-mail – Mette – fredag" in summary, "it asks for the follow-up tasks"
    assert not (await project(chat)).finished, "afslut ended the debrief, not the project"
    assert asked(await chat.command("status")) == "debriefed"
    assert asked(await chat.say("ja")) == "presented", "a message answers the guide again"
    assert len(await notes(chat)) == 2


async def test_faerdig_written_as_a_message_ends_the_debrief_as_well(chat: GroupChat, clock: Clock) -> None:
    await debrief_posted(chat, clock)
    await chat.send(chat.turn("Mette", text="Godt besøg, travlt center", message_id="m1"))

    summary = said(await chat.send(chat.turn("Ali", text="færdig", message_id="m2")))

    assert "Mette: Godt besøg, travlt center" in summary
    assert await notes(chat) == [("Mette", "Godt besøg, travlt center", "m1")]
    assert asked(await chat.say("ja")) == "presented"


async def test_other_commands_still_run_while_the_chats_debrief_is_open(chat: GroupChat, clock: Clock) -> None:
    await debrief_posted(chat, clock)

    shown = await chat.command("status")

    assert asked(shown) == "debriefed"
    assert await notes(chat) == []


async def test_a_message_not_written_to_the_coach_counts_only_as_a_debrief_note(chat: GroupChat, clock: Clock) -> None:
    """Where the platform delivers the team's own talk too (no @mention): it is a note
    while the debrief is open, and otherwise none of the coach's business."""
    await debrief_posted(chat, clock)
    aside = chat.turn("Ali", text="Travlt center, mange unge", message_id="a1", addressed=False)
    assert "Gemt som note til debriefingen" in said(await chat.send(aside))
    await chat.command("afslut")

    assert await chat.send(chat.turn("Ali", text="ja", message_id="a2", addressed=False)) == []

    assert asked(await chat.command("status")) == "debriefed", "it answered nothing"
    assert await notes(chat) == [("Ali", "Travlt center, mange unge", "a1")]


async def test_in_a_chat_without_an_open_debrief_messages_answer_and_afslut_finishes_the_project(
    chat: GroupChat,
) -> None:
    await chat.command("start kommer-forbi Fitness Nord")
    answered = await chat.send(chat.turn("Mette", text="ja", message_id="m1"))
    assert asked(answered) == "target_group"
    changed = chat.turn("Mette", text="nej", message_id="m1")
    assert await chat.send(replace(changed, change="edited")) == [], "an edited answer changes nothing"

    finished = said(await chat.command("afslut"))

    assert "er afsluttet" in finished and (await project(chat)).finished
    assert await notes(chat) == []


async def test_a_conversation_with_threads_keeps_plain_messages_as_answers_and_pays_no_lookup(
    team: Team, clock: Clock
) -> None:
    await open_debrief(team, clock)

    with statements(team.coach.db) as seen:
        replies = await team.say("ja")

    assert asked(replies) == "presented"
    assert not any("debriefs" in statement or "journal" in statement for statement in seen), seen
    assert await notes(team) == []
    assert "er afsluttet" in said(await team.command("afslut"))
