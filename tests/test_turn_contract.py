"""The turn/reply contract real channels rely on: a redelivered event is answered once, a
reply says who sees it and what it replaces, the conversation remembers where and how to
write to it, and time comes from one clock."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import timedelta

from sqlalchemy import func, select, text

from bot.coach import Coach
from bot.replies import AnsweredReply, QuestionReply, TextReply, question_key
from storage.db import Database
from storage.models import AnswerHistory, Conversation, ProcessedEvent
from tests.conftest import Clock, Team, asked, said


async def count(db: Database, model: type, **where: object) -> int:
    async with db.session() as session:
        query = select(func.count()).select_from(model).filter_by(**where)
        return int((await session.execute(query)).scalar_one())


async def test_a_redelivered_answer_is_answered_from_the_first_result_and_writes_nothing(team: Team) -> None:
    await team.command("start kommer-forbi Fitness Nord")
    await team.say("ja")
    turn = team.turn("Mette", text="Unge mænd", event_id="slack-retry-1")
    first = await team.coach.handle(turn)
    history = await count(team.coach.db, AnswerHistory)
    again = await team.coach.handle(turn)
    assert again.repeated and not first.repeated
    assert again.replies == first.replies
    assert asked(again.replies) == "actors_chosen"
    # no second answer, no "answered by someone else", no history row
    assert await count(team.coach.db, AnswerHistory) == history
    assert "allerede besvaret" not in said(again.replies)
    # the next answer still goes to the next question
    assert asked(await team.say("ja")) == "actors"


async def test_a_double_click_arriving_at_once_is_applied_once(
    postgres_db: Database, guides: dict, clock: Clock
) -> None:
    team = Team(Coach(postgres_db, guides, clock=clock))
    await team.command("start kommer-forbi Dobbeltklik")
    await team.say("ja")
    turn = team.turn("Ali", text="Seniorer", event_id="click-7")
    first, second = await asyncio.gather(team.coach.handle(turn), team.coach.handle(turn))
    assert first.replies == second.replies
    assert sorted([first.repeated, second.repeated]) == [False, True]
    assert await count(postgres_db, AnswerHistory, step_id="target_group") == 1
    assert await count(postgres_db, ProcessedEvent, event_id="click-7") == 1


async def test_answer_history_takes_the_coachs_clock(team: Team, clock: Clock) -> None:
    clock.now += timedelta(days=30)
    await team.command("start kommer-forbi Tid")
    await team.say("ja")
    async with team.coach.db.session() as session:
        [entry] = (await session.execute(select(AnswerHistory))).scalars().all()
    assert entry.at == clock.now


async def test_the_conversation_remembers_its_address_and_language(db: Database, guides: dict, clock: Clock) -> None:
    team = Team(Coach(db, guides, clock=clock), platform="slack", workspace="T1", conversation="C1")
    await team.send(replace(team.turn(command="help"), address={"channel": "C1", "team": "T1"}))
    await team.send(replace(team.turn(command="help"), lang="en", address={"channel": "C1", "thread": "1.2"}))
    # a new process (a restart) reads what the last turn left
    async with db.session() as session:
        [conversation] = (await session.execute(select(Conversation))).scalars().all()
    assert conversation.address == {"channel": "C1", "thread": "1.2"} and conversation.lang == "en"
    await Team(Coach(db, guides, clock=clock), platform="slack", workspace="T1", conversation="C1").command("help")
    async with db.session() as session:
        [conversation] = (await session.execute(select(Conversation))).scalars().all()
    assert conversation.address == {"channel": "C1", "thread": "1.2"}, "a turn without an address keeps the old one"


async def test_views_are_for_the_asker_and_progress_for_everyone(team: Team) -> None:
    for view in ("help", "guides", "projects"):
        assert {r.audience for r in await team.command(view)} == {"asker"}, view
    started = await team.command("start kommer-forbi Fælles")
    assert {r.audience for r in started} == {"conversation"}
    assert {r.audience for r in await team.command("status")} == {"asker"}
    refused = await team.say("kan ikke læses som ja/nej")
    assert {r.audience for r in refused} == {"asker"}


async def test_an_answered_question_replaces_the_question_on_screen(team: Team) -> None:
    started = await team.command("start kommer-forbi Erstat")
    question = [r for r in started if isinstance(r, QuestionReply)][-1]
    replies = await team.click(question.step, True, user="Ali")
    [answered] = [r for r in replies if isinstance(r, AnsweredReply)]
    assert answered.replaces == question.key == question_key(question.project_id, "target_group_chosen")
    assert (answered.by, answered.answer, answered.audience) == ("Ali", "Ja", "conversation")


async def test_words_the_coach_asks_you_to_type_are_not_saved_as_answers(team: Team) -> None:
    await team.command("start klubfaellesskaber Debatklubben")
    await team.command("start kommer-forbi Besøg")
    replies = await team.say("skift 1")  # typed without the slash, while a question is open
    assert "Mente I kommandoen" in said(replies)
    [choice] = [r for r in replies if r.type == "actions"]
    assert [a.command for a in choice.actions] == ["skift 1", None]
    assert choice.actions[1].answer is not None and choice.actions[1].answer.value == "skift 1"
    assert "switch" not in said(await team.command("answers"))  # nothing was saved
    assert "Skiftet til projektet Debatklubben" in said(await team.command("skift 1"))


async def test_after_a_guide_ends_a_typed_start_starts_a_new_project(team: Team) -> None:
    await team.command("start kommer-forbi Kort")
    await team.command("finish")
    replies = await team.say("start vejviseren Landsbyen")
    assert "Projektet Landsbyen (#2) er startet" in said(replies)


async def test_numbers_are_read_as_people_write_them(team: Team) -> None:
    await team.command("start kommer-forbi A")
    assert "findes ikke" in said(await team.command("switch ²"))
    assert "Hvilket svar vil I rette?" in said(await team.command("edit ²"))
    assert "findes ikke" in said(await team.command(f"switch {2**63}"))
    assert "Skiftet til projektet A" in said(await team.command("skift #1"))


async def test_project_numbers_are_shown_without_thousands_separators(db: Database, guides: dict, clock: Clock) -> None:
    team = Team(Coach(db, guides, clock=clock))
    await team.command("start kommer-forbi Først")
    async with db.transaction() as session:  # make the next project number 1028
        if db.is_sqlite:
            await session.execute(text("update projects set id = 1027"))
        else:
            await session.execute(text("select setval(pg_get_serial_sequence('projects', 'id'), 1027)"))
    replies = await team.command("start kommer-forbi Tusind")
    assert "(#1028)" in said(replies)
    assert "Skiftet til projektet Tusind" in said(await team.command("skift 1.028"))


async def test_control_characters_never_reach_the_database(team: Team) -> None:
    replies = await team.command("start kommer-forbi Nul\x00byte\x07")
    assert "Nulbyte" in said(replies)
    await team.say("ja")
    replies = await team.say("Unge\x00 mænd")
    assert asked(replies) == "actors_chosen"
    assert isinstance(replies[0], AnsweredReply) and replies[0].answer == "Unge mænd"


async def test_a_redelivered_start_does_not_start_twice(team: Team) -> None:
    turn = team.turn("Mette", command="start kommer-forbi En gang", event_id="ev-start")
    await team.send(turn)
    await team.send(turn)
    assert said(await team.command("projects")).count("En gang") == 1
    assert isinstance((await team.send(turn))[0], TextReply)


async def test_a_click_that_lost_the_race_against_the_last_answer_is_still_kept(team: Team) -> None:
    """The guide paused with Mette's answer; Ali's answer to the same last question arrives a
    moment later. Ali is told, and Ali's words are kept in the history, not dropped."""
    await team.command("start kommer-forbi Slutspurt")
    await team.say("nej")  # no target group chosen yet
    await team.say("nej")  # and not going on without it: the last question comes
    paused = await team.click("stop_here", "Vi laver afdækningen først", user="Mette")
    assert "holder pause" in said(paused)
    late = await team.click("stop_here", "Vi spørger Jens", user="Ali")
    assert "Jeres svar er gemt i historikken" in said(late)
    async with team.coach.db.session() as session:
        rows = (await session.execute(select(AnswerHistory).where(AnswerHistory.step_id == "stop_here"))).scalars()
        kept = {(row.action, row.value, row.author) for row in rows}
    assert kept == {("answered", "Vi laver afdækningen først", "Mette"), ("concurrent", "Vi spørger Jens", "Ali")}
    unreadable = await team.click("start_with_mapping", "måske", user="Ali")
    reason = "Svar ja eller nej – skriv det, eller tryk på en af knapperne."
    assert f"Jeres svar blev ikke gemt: {reason}" in said(unreadable)
