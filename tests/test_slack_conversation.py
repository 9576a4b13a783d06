"""How the coach behaves in a Slack channel: who sees what, what is answered once however
often Slack sends it, what a late click gets, and which messages are never answers."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.server import DB_KEY
from storage.models import AnswerHistory, JournalEntry, Project
from tests.slack_bot import ALI, CHANNEL, METTE, SlackBot, answer, question, start_bot, thread_reply
from tests.slack_fake import FakeSlack, fixture


@pytest.fixture
async def fake() -> AsyncIterator[FakeSlack]:
    async with FakeSlack() as slack:
        slack.add_workspace("T111", "xoxb-111", "U0BOT", "Bibliotek Nord")
        slack.add_user("T111", METTE, "Mette")
        slack.add_user("T111", ALI, "Ali", locale="en-US")
        slack.add_channel("T111", CHANNEL, "outreach-fitness")
        yield slack


@pytest.fixture
async def bot(tmp_path: Path, fake: FakeSlack) -> AsyncIterator[SlackBot]:
    async for running in start_bot(tmp_path, fake, bot_token="xoxb-111"):
        yield running


async def saved_answers(bot: SlackBot) -> list[tuple[str, object]]:
    async with bot.app[DB_KEY].session() as session:
        rows = (await session.execute(select(AnswerHistory).order_by(AnswerHistory.id))).scalars()
        return [(row.step_id, row.value) for row in rows]


async def journal(bot: SlackBot) -> list[tuple[str, str]]:
    async with bot.app[DB_KEY].session() as session:
        rows = (await session.execute(select(JournalEntry).order_by(JournalEntry.id))).scalars()
        return [(row.author, row.text) for row in rows]


async def open_debrief_thread(bot: SlackBot) -> str:
    """A debrief thread, as the outbox posts it after a visit (here: a logbook prompt's
    thread would do as well; the debrief is the real one)."""
    from datetime import UTC, datetime, timedelta

    from tests.team_walks import VISIT

    await bot.command("start kommer-forbi Fitness")
    for typed in VISIT:
        await bot.command(typed)
    await bot.command("ja")  # back from the visit
    await bot.new_posts()
    await bot.run_due(datetime.now(UTC) + timedelta(minutes=5))
    posted = [post for post in await bot.new_posts() if post.method == "chat.postMessage"]
    [debrief] = [post for post in posted if "debriefing" in post.text.lower()]
    return debrief.ts


# --- who sees what ------------------------------------------------------------------------------


async def test_help_is_for_the_asker_alone_and_progress_for_the_channel(bot: SlackBot) -> None:
    await bot.command("hjælp")
    [help_] = await bot.new_posts()
    assert help_.method == "chat.postEphemeral" and help_.args["user"] == METTE
    await bot.command("start kommer-forbi Fitness")
    posts = await bot.new_posts()
    assert [post.method for post in posts] == ["chat.postMessage"]
    assert "spørgsmål 1 af" in posts[0].text


async def test_an_unknown_word_is_an_answer_and_a_typo_of_a_command_is_caught(bot: SlackBot) -> None:
    await bot.command("start kommer-forbi Fitness")
    await bot.command("ja")
    await bot.command("Unge mænd, der træner")
    await bot.new_posts()
    assert ("target_group", "Unge mænd, der træner") in await saved_answers(bot)


async def test_the_coach_speaks_english_to_a_person_whose_slack_is_in_english(bot: SlackBot) -> None:
    await bot.command("help", user=ALI)
    [help_] = await bot.new_posts()
    assert help_.args["user"] == ALI and "start" in help_.text and "hjælp" not in help_.text.lower()


# --- once, however often Slack sends it --------------------------------------------------------


async def test_a_retried_event_saves_the_note_once_and_answers_once(bot: SlackBot) -> None:
    thread = await open_debrief_thread(bot)
    event = {
        "type": "message",
        "user": METTE,
        "text": "De unge vil have lektiehjælp",
        "ts": "1800000000.000001",
        "thread_ts": thread,
        "parent_user_id": "U0BOT",
        "channel": CHANNEL,
        "channel_type": "channel",
    }
    assert await bot.event(event, event_id="Ev0RETRY") == 200
    assert await bot.event(event, event_id="Ev0RETRY", retry=1) == 200
    assert await bot.event(event, event_id="Ev0RETRY", retry=2) == 200
    posts = await bot.new_posts()
    assert await journal(bot) == [("Mette", "De unge vil have lektiehjælp")]
    assert len([post for post in posts if post.method == "chat.postEphemeral"]) == 1


async def test_a_click_slack_sends_twice_answers_once(bot: SlackBot) -> None:
    await bot.command("start kommer-forbi Fitness")
    asked = question(await bot.new_posts())
    payload_clicks = [await bot.click(asked, "Ja", trigger="T-same") for _ in range(2)]
    assert payload_clicks == [200, 200]
    posts = await bot.new_posts()
    assert await saved_answers(bot) == [("target_group_chosen", True)]
    assert len([post for post in posts if post.method == "chat.update"]) == 1


# --- late clicks ----------------------------------------------------------------------------------


async def test_a_click_on_a_question_already_answered_says_so_and_shows_the_current_one(bot: SlackBot) -> None:
    await bot.command("start kommer-forbi Fitness")
    first = question(await bot.new_posts())
    await answer(bot, "Ja")
    await answer(bot, "Unge mænd, der træner")
    assert await bot.click(first, "Nej", user=ALI) == 200
    posts = await bot.new_posts()
    told = [post for post in posts if post.method == "chat.postEphemeral"]
    assert told and told[0].args["user"] == ALI
    said = "\n".join(post.text for post in told)
    assert "actors" in said.lower() or "aktør" in said.lower() or "moved on" in said.lower()
    async with bot.app[DB_KEY].session() as session:
        [project] = (await session.execute(select(Project))).scalars()
    assert project.answers["target_group_chosen"] is True  # Ali's late "Nej" is kept in history only


# --- what is never an answer ------------------------------------------------------------------------


async def test_the_bots_own_messages_and_other_bots_never_answer(bot: SlackBot) -> None:
    await bot.command("start kommer-forbi Fitness")
    await bot.new_posts()
    own = fixture("event_message_from_app")["event"]
    own.update(channel="D111", channel_type="im", text="ja")
    other = fixture("event_bot_message")["event"]
    other.update(channel="D111", channel_type="im", text="ja")
    assert await bot.event(own) == 200
    assert await bot.event(other) == 200
    await bot.new_posts()
    assert await saved_answers(bot) == []


async def test_talk_in_the_channel_and_in_other_peoples_threads_is_the_teams_own(bot: SlackBot) -> None:
    await bot.command("start kommer-forbi Fitness")
    await bot.new_posts()
    chatter = {"type": "message", "user": METTE, "text": "ja", "ts": "1800000000.1", "channel": CHANNEL}
    assert await bot.event({**chatter, "channel_type": "channel"}) == 200
    assert await thread_reply(bot, "1700000000.9", METTE, "ja", "1800000000.2") == 200  # parent is the bot's...
    their_thread = {**chatter, "ts": "1800000000.3", "thread_ts": "1800000000.1", "parent_user_id": ALI}
    assert await bot.event({**their_thread, "channel_type": "channel"}) == 200
    posts = await bot.new_posts()
    assert await saved_answers(bot) == [] and await journal(bot) == []
    # ...but a thread the coach does not know is told so, politely, to the writer alone
    assert all(post.method == "chat.postEphemeral" for post in posts)


async def test_a_direct_message_talks_to_the_coach(bot: SlackBot) -> None:
    dm = {"type": "message", "user": METTE, "text": "start kommer-forbi Fitness", "ts": "1800000000.1"}
    assert await bot.event({**dm, "channel": "D111", "channel_type": "im"}) == 200
    posts = await bot.new_posts()
    assert any(post.args.get("channel") == "D111" and "Fitness" in post.text for post in posts)


async def test_a_mention_in_the_channel_is_a_message_to_the_coach(bot: SlackBot) -> None:
    await bot.command("start kommer-forbi Fitness")
    await bot.new_posts()
    mention = fixture("event_app_mention")["event"]
    mention.update(channel=CHANNEL, user=METTE, text="<@U0BOT> status", ts="1800000000.4")
    mention.pop("thread_ts", None)
    assert await bot.event(mention) == 200
    posts = await bot.new_posts()  # the same as /outreach status: where the project stands, to the asker
    assert posts and posts[-1].method == "chat.postEphemeral" and "spørgsmål 1 af" in posts[-1].text


# --- the debrief thread follows its messages ----------------------------------------------------


async def test_a_deleted_reply_in_the_debrief_thread_removes_its_note(bot: SlackBot) -> None:
    thread = await open_debrief_thread(bot)
    await thread_reply(bot, thread, METTE, "Skrevet i den forkerte tråd", "1800000000.000001")
    await thread_reply(bot, thread, ALI, "De unge vil have e-bøger", "1800000000.000002")
    await bot.settle()
    deleted = fixture("event_message_deleted")["event"]
    deleted.update(channel=CHANNEL, deleted_ts="1800000000.000001")
    deleted["previous_message"] = {
        "type": "message",
        "user": METTE,
        "text": "Skrevet i den forkerte tråd",
        "ts": "1800000000.000001",
        "thread_ts": thread,
        "parent_user_id": "U0BOT",
    }
    assert await bot.event(deleted) == 200
    await bot.settle()
    assert await journal(bot) == [("Ali", "De unge vil have e-bøger")]


# --- Slack having a bad day -----------------------------------------------------------------------


async def test_a_channel_the_bot_is_not_in_gets_the_answer_by_the_commands_response_url(
    bot: SlackBot, fake: FakeSlack
) -> None:
    assert await bot.command("start kommer-forbi Fitness", channel="C999") == 200
    await bot.settle()
    [refused] = fake.calls("chat.postMessage")
    answered = fake.calls("response_url")
    assert refused.response and refused.response["error"] in ("channel_not_found", "not_in_channel")
    assert len(answered) == 2 and "/invite @Outreach Coach" in str(answered[1].args)
    async with bot.app[DB_KEY].session() as session:
        assert [p.name for p in (await session.execute(select(Project))).scalars()] == ["Fitness"]


async def test_a_429_on_a_reply_is_waited_out_and_the_reply_posted_once(bot: SlackBot, fake: FakeSlack) -> None:
    fake.fail("chat.postMessage", "ratelimited", retry_after=1)
    await bot.command("start kommer-forbi Fitness")
    await fake.wait_for("chat.postMessage", count=2, timeout=10)
    await bot.settle()
    attempts = fake.calls("chat.postMessage")
    assert len(attempts) == 2 and attempts[1].response and attempts[1].response["ok"]


async def test_a_log_entry_from_the_channel_goes_into_the_logbook(bot: SlackBot) -> None:
    await bot.command("start kommer-forbi Fitness")
    await bot.command("log Talte med Jens i kantinen – han kender trænerne", user=ALI)
    posts = await bot.new_posts()
    assert await journal(bot) == [("Ali", "Talte med Jens i kantinen – han kender trænerne")]
    assert posts[-1].method == "chat.postMessage" and "Ali" in posts[-1].text
