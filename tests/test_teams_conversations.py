"""The coach in each kind of Teams conversation, and what happens around it: a personal chat
and a group chat, debriefs in a chat (no threads there), reminders reaching the stored
conversation, the bot added and removed, tenants kept apart, and cards pressed late.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from bot.server import DB_KEY
from storage.models import Conversation, JournalEntry, NudgeRow, Workspace
from tests.team_walks import VISIT
from tests.teams_bot import JONAS, METTE, TeamsBot, answer, personal_conversation, question
from tests.teams_fake import CHANNEL_ID, GROUP_CHAT_ID, TEAM_ID


async def rows(bot: TeamsBot, model: type) -> list:
    async with bot.app[DB_KEY].session() as session:
        return list((await session.execute(select(model).order_by(model.id))).scalars())


async def walk_to_the_visit(bot: TeamsBot, where: str) -> None:
    assert await bot.say("start kommer-forbi Fitness Nord", where=where) == 200
    for typed in VISIT:
        assert await bot.say(typed, where=where) == 200


# --- a personal chat ---------------------------------------------------------------------------


async def test_a_personal_chat_takes_typed_answers_without_a_mention(teams_bot: TeamsBot) -> None:
    assert await teams_bot.say("start kommer-forbi Fitness Nord", where="personal") == 200
    assert await teams_bot.say("ja", where="personal") == 200
    sent = teams_bot.new()
    assert {item.conversation for item in sent} == {personal_conversation(METTE)}
    assert "Hvilken målgruppe" in sent[-1].text
    [conversation] = await rows(teams_bot, Conversation)
    assert conversation.external_id == personal_conversation(METTE)
    assert conversation.address["conversation"]["id"] == personal_conversation(METTE)
    assert conversation.address["serviceUrl"] == teams_bot.connector.service_url
    assert "user" not in conversation.address  # the same from turn to turn, whoever writes


async def test_a_command_pasted_from_a_card_works_in_a_personal_chat(teams_bot: TeamsBot) -> None:
    assert await teams_bot.say("@Outreach Coach hjælp", where="personal") == 200
    assert "guider" in teams_bot.new()[-1].text


async def test_english_teams_gets_english_words(teams_bot: TeamsBot) -> None:
    assert await teams_bot.say("help", where="personal", locale="en-GB") == 200
    assert "guides" in teams_bot.new()[-1].text


# --- a group chat ------------------------------------------------------------------------------


async def test_in_a_group_chat_the_coach_answers_mentions_and_leaves_other_talk_alone(teams_bot: TeamsBot) -> None:
    assert await teams_bot.say("start kommer-forbi Fitness Nord", where="group") == 200
    assert [item.conversation for item in teams_bot.new()] == [GROUP_CHAT_ID]
    assert await teams_bot.say("Skal vi spise frokost?", JONAS, where="group", mention=False) == 200
    assert teams_bot.new() == []
    assert await teams_bot.say("ja", JONAS, where="group") == 200
    assert "Hvilken målgruppe" in teams_bot.new()[-1].text


async def test_a_debrief_in_a_group_chat_keeps_the_messages_that_follow_until_done(teams_bot: TeamsBot) -> None:
    await walk_to_the_visit(teams_bot, "group")
    assert await teams_bot.say("ja", where="group") == 200  # back from the visit
    await teams_bot.run_due(datetime.now(UTC) + timedelta(minutes=5))
    [prompt] = [item for item in teams_bot.new() if item.operation == "send"]
    assert prompt.conversation == GROUP_CHAT_ID and "debriefing" in prompt.text and "færdig" in prompt.text

    assert await teams_bot.say("De unge vil have lektiehjælp", METTE, where="group", mention=False) == 200
    assert await teams_bot.say("Centerlederen vil have en stand", JONAS, where="group") == 200
    notes = [(row.author, row.text) for row in await rows(teams_bot, JournalEntry) if row.kind == "debrief"]
    assert notes == [
        ("Mette Hansen", "De unge vil have lektiehjælp"),
        ("Jonas Berg", "Centerlederen vil have en stand"),
    ]

    teams_bot.new()
    assert await teams_bot.say("færdig", METTE, where="group", mention=False) == 200
    summary = "\n".join(item.text for item in teams_bot.new())
    assert "lektiehjælp" in summary and "stand" in summary
    # The debrief is over: other talk is the team's own again.
    assert await teams_bot.say("Tak for i dag", JONAS, where="group", mention=False) == 200
    assert teams_bot.new() == []
    assert len([row for row in await rows(teams_bot, JournalEntry) if row.kind == "debrief"]) == 2


# --- reminders reach the stored conversation ---------------------------------------------------


async def test_a_reminder_reaches_the_personal_chat_it_was_set_in(teams_bot: TeamsBot) -> None:
    assert await teams_bot.say("start kommer-forbi Fitness Nord", where="personal") == 200
    tomorrow = (datetime.now(UTC) + timedelta(days=1)).strftime("%d.%m.%Y")
    assert await teams_bot.say(f"opgave Ring til Jens – Mette – {tomorrow}", where="personal") == 200
    teams_bot.new()
    report = await teams_bot.run_due(datetime.now(UTC) + timedelta(days=4))
    assert report.sent == 1
    [reminder] = teams_bot.new()
    assert reminder.operation == "send" and reminder.conversation == personal_conversation(METTE)
    assert "Ring til Jens" in reminder.text
    assert set(reminder.buttons()) >= {"Udført", "Stop påmindelsen"}
    [nudge] = [row for row in await rows(teams_bot, NudgeRow) if row.kind == "task"]
    assert nudge.status == "sent" and nudge.message_id == reminder.id


@pytest.mark.parametrize(("status", "code"), [(403, "BotNotInConversationRoster"), (404, "ConversationNotFound")])
async def test_a_removed_bot_fails_the_reminder_with_the_reason_and_marks_the_conversation_gone(
    teams_bot: TeamsBot, status: int, code: str
) -> None:
    assert await teams_bot.say("start kommer-forbi Fitness Nord", where="personal") == 200
    tomorrow = (datetime.now(UTC) + timedelta(days=1)).strftime("%d.%m.%Y")
    assert (
        await teams_bot.say(
            f"opgave Ring til Jens – Mette – {tomorrow}\nSkriv til Ali – Mette – {tomorrow}", where="personal"
        )
        == 200
    )
    teams_bot.connector.fail(personal_conversation(METTE), status, times=5)
    report = await teams_bot.run_due(datetime.now(UTC) + timedelta(days=4))
    assert report.failed == 2
    nudges = [row for row in await rows(teams_bot, NudgeRow) if row.kind == "task"]
    assert [row.status for row in nudges] == ["failed", "failed"]
    assert code in (nudges[0].last_error or "") and str(status) in (nudges[0].last_error or "")
    [conversation] = await rows(teams_bot, Conversation)
    assert conversation.active is False
    assert len(teams_bot.connector.calls("send")) == 1  # the second was not tried against a gone chat


async def test_a_busy_connector_is_tried_again_after_its_retry_after(teams_bot: TeamsBot) -> None:
    assert await teams_bot.say("start kommer-forbi Fitness Nord", where="personal") == 200
    tomorrow = (datetime.now(UTC) + timedelta(days=1)).strftime("%d.%m.%Y")
    assert await teams_bot.say(f"opgave Ring til Jens – Mette – {tomorrow}", where="personal") == 200
    teams_bot.connector.fail(personal_conversation(METTE), 429, retry_after=7)
    now = datetime.now(UTC) + timedelta(days=4)
    report = await teams_bot.run_due(now)
    assert report.retried == 1
    [nudge] = [row for row in await rows(teams_bot, NudgeRow) if row.kind == "task"]
    assert nudge.status == "pending" and "429" in (nudge.last_error or "")
    assert abs((nudge.due_at.replace(tzinfo=UTC) - now).total_seconds() - 7) < 1
    assert (await teams_bot.run_due(now + timedelta(seconds=8))).sent == 1


# --- the bot added and removed -----------------------------------------------------------------


async def test_the_bot_added_to_a_team_says_hello_and_keeps_the_channel_for_reminders(teams_bot: TeamsBot) -> None:
    assert (await teams_bot.post(teams_bot.activity("bot_added_to_team", locale="da-DK")))[0] == 200
    [hello] = teams_bot.new()
    assert "guider" in hello.text
    [conversation] = await rows(teams_bot, Conversation)
    assert conversation.address["conversation"]["id"] == conversation.external_id


async def test_installing_the_app_keeps_the_conversation_without_a_word(teams_bot: TeamsBot) -> None:
    assert (await teams_bot.post(teams_bot.activity("installation_add")))[0] == 200
    assert teams_bot.new() == []
    [conversation] = await rows(teams_bot, Conversation)
    assert conversation.address["serviceUrl"] == teams_bot.connector.service_url and conversation.active


async def test_the_bot_removed_or_uninstalled_marks_the_conversation_gone_until_someone_writes_again(
    teams_bot: TeamsBot,
) -> None:
    """Teams tells it in the team's General channel, whose id is the team's."""
    assert await teams_bot.say("hjælp", channel=TEAM_ID) == 200
    assert (await teams_bot.post(teams_bot.activity("bot_removed_from_team")))[0] == 200
    [conversation] = await rows(teams_bot, Conversation)
    assert conversation.external_id == TEAM_ID and conversation.active is False
    assert await teams_bot.say("status", channel=TEAM_ID) == 200
    [conversation] = await rows(teams_bot, Conversation)
    assert conversation.active is True
    assert (await teams_bot.post(teams_bot.activity("installation_remove")))[0] == 200
    assert [row.active for row in await rows(teams_bot, Conversation)] == [False]


# --- tenants -----------------------------------------------------------------------------------


async def test_two_tenants_never_see_each_others_projects(teams_bot: TeamsBot) -> None:
    assert await teams_bot.say("start kommer-forbi Fitness Nord") == 200
    teams_bot.new()
    teams_bot.tenant = "0b1c2d3e-4f5a-4b6c-8d7e-9f0a1b2c3d4e"  # another municipality, same channel id
    assert await teams_bot.say("projekter") == 200
    assert "Fitness Nord" not in "\n".join(item.text for item in teams_bot.new())
    workspaces = await rows(teams_bot, Workspace)
    assert sorted(w.external_id for w in workspaces) == sorted(
        ["7d1f3a5c-2b4e-4c6d-8e0f-9a1b2c3d4e5f", "0b1c2d3e-4f5a-4b6c-8d7e-9f0a1b2c3d4e"]
    )


# --- cards pressed late, and the Emulator's cards ----------------------------------------------


async def test_a_card_pressed_after_the_project_moved_on_says_so_and_shows_the_current_question(
    teams_bot: TeamsBot,
) -> None:
    assert await teams_bot.say("start kommer-forbi Fitness Nord") == 200
    first = question(teams_bot.new())
    await answer(teams_bot, "Ja", JONAS)  # Jonas answers first
    teams_bot.new()
    status, _ = await teams_bot.press(first, "Nej", METTE)  # Mette's card was still open
    assert status == 200
    said = "\n".join(item.text for item in teams_bot.new())
    assert "allerede besvaret" in said and "Hvilken målgruppe" in said


async def test_an_action_submit_from_the_emulator_answers_and_updates_the_card(teams_bot: TeamsBot) -> None:
    assert await teams_bot.say("start kommer-forbi Fitness Nord", where="personal") == 200
    card = question(teams_bot.new())
    submit = teams_bot.message("", where="personal")
    submit.update(text=None, value=card.buttons()["Ja"]["data"], replyToId=card.id)
    assert (await teams_bot.post(submit))[0] == 200
    sent = teams_bot.new()
    [update] = [item for item in sent if item.operation == "update"]
    assert update.id == card.id and not update.buttons() and "Mette Hansen" in update.text
    assert any("Hvilken målgruppe" in item.text for item in sent if item.operation == "reply")


async def test_a_channel_mention_is_answered_in_its_post(teams_bot: TeamsBot) -> None:
    activity = teams_bot.message("hjælp")
    assert (await teams_bot.post(activity))[0] == 200
    [reply] = teams_bot.new()
    assert reply.conversation == f"{CHANNEL_ID};messageid={activity['id']}"
    assert reply.body["replyToId"] == activity["id"]


async def test_in_a_personal_chat_the_pressed_card_is_replaced_by_the_invokes_answer_alone(teams_bot: TeamsBot) -> None:
    assert await teams_bot.say("start kommer-forbi Fitness Nord", where="personal") == 200
    card = question(teams_bot.new())
    status, body = await teams_bot.press(card, "Ja")
    assert status == 200 and "Mette Hansen" in str(body["value"])
    assert [item.operation for item in teams_bot.new()] == ["reply"]  # the next question; no update
