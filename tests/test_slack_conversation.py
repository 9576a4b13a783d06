"""How the coach behaves in a Slack channel: who sees what, what is answered once however
often Slack sends it, what a late click gets, and which messages are never answers."""

from __future__ import annotations

from sqlalchemy import select

from bot.server import DB_KEY
from storage.models import AnswerHistory, JournalEntry, Project
from tests.slack_bot import ALI, CHANNEL, METTE, SlackBot, answer, question, thread_reply
from tests.slack_fake import FakeSlack, fixture


async def saved_answers(slack_bot: SlackBot) -> list[tuple[str, object]]:
    async with slack_bot.app[DB_KEY].session() as session:
        rows = (await session.execute(select(AnswerHistory).order_by(AnswerHistory.id))).scalars()
        return [(row.step_id, row.value) for row in rows]


async def journal(slack_bot: SlackBot) -> list[tuple[str, str]]:
    async with slack_bot.app[DB_KEY].session() as session:
        rows = (await session.execute(select(JournalEntry).order_by(JournalEntry.id))).scalars()
        return [(row.author, row.text) for row in rows]


async def open_debrief_thread(slack_bot: SlackBot) -> str:
    """A debrief thread, as the outbox posts it after a visit (here: a logbook prompt's
    thread would do as well; the debrief is the real one)."""
    from datetime import UTC, datetime, timedelta

    from tests.team_walks import VISIT

    await slack_bot.command("start kommer-forbi Fitness")
    for typed in VISIT:
        await slack_bot.command(typed)
    await slack_bot.command("ja")  # back from the visit
    await slack_bot.new_posts()
    await slack_bot.run_due(datetime.now(UTC) + timedelta(minutes=5))
    posted = [post for post in await slack_bot.new_posts() if post.method == "chat.postMessage"]
    [debrief] = [post for post in posted if "debriefing" in post.text.lower()]
    return debrief.ts


# --- who sees what ------------------------------------------------------------------------------


async def test_help_is_for_the_asker_alone_and_progress_for_the_channel(slack_bot: SlackBot) -> None:
    await slack_bot.command("hjælp")
    [help_] = await slack_bot.new_posts()
    assert help_.method == "chat.postEphemeral" and help_.args["user"] == METTE
    await slack_bot.command("start kommer-forbi Fitness")
    posts = await slack_bot.new_posts()
    assert [post.method for post in posts] == ["chat.postMessage"]
    assert "spørgsmål 1 af" in posts[0].text


async def test_an_unknown_word_is_an_answer_and_a_typo_of_a_command_is_caught(slack_bot: SlackBot) -> None:
    await slack_bot.command("start kommer-forbi Fitness")
    await slack_bot.command("ja")
    await slack_bot.command("Unge mænd, der træner")
    await slack_bot.new_posts()
    assert ("target_group", "Unge mænd, der træner") in await saved_answers(slack_bot)


async def test_the_coach_speaks_english_to_a_person_whose_slack_is_in_english(
    slack_bot: SlackBot, fake_slack: FakeSlack
) -> None:
    fake_slack.add_user("T111", "U333", "Sam", locale="en-US")
    await slack_bot.command("help", user="U333")
    [help_] = await slack_bot.new_posts()
    assert help_.args["user"] == "U333" and "start" in help_.text and "hjælp" not in help_.text.lower()


# --- once, however often Slack sends it --------------------------------------------------------


async def test_a_retried_event_saves_the_note_once_and_answers_once(slack_bot: SlackBot) -> None:
    thread = await open_debrief_thread(slack_bot)
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
    assert await slack_bot.event(event, event_id="Ev0RETRY") == 200
    assert await slack_bot.event(event, event_id="Ev0RETRY", retry=1) == 200
    assert await slack_bot.event(event, event_id="Ev0RETRY", retry=2) == 200
    posts = await slack_bot.new_posts()
    assert await journal(slack_bot) == [("Mette", "De unge vil have lektiehjælp")]
    assert len([post for post in posts if post.method == "chat.postEphemeral"]) == 1


async def test_a_click_slack_sends_twice_answers_once(slack_bot: SlackBot) -> None:
    await slack_bot.command("start kommer-forbi Fitness")
    asked = question(await slack_bot.new_posts())
    payload_clicks = [await slack_bot.click(asked, "Ja", trigger="T-same") for _ in range(2)]
    assert payload_clicks == [200, 200]
    posts = await slack_bot.new_posts()
    assert await saved_answers(slack_bot) == [("target_group_chosen", True)]
    assert len([post for post in posts if post.method == "chat.update"]) == 1


# --- late clicks ----------------------------------------------------------------------------------


async def test_a_click_on_a_question_already_answered_says_so_and_shows_the_current_one(slack_bot: SlackBot) -> None:
    await slack_bot.command("start kommer-forbi Fitness")
    first = question(await slack_bot.new_posts())
    await answer(slack_bot, "Ja")
    await answer(slack_bot, "Unge mænd, der træner")
    assert await slack_bot.click(first, "Nej", user=ALI) == 200
    posts = await slack_bot.new_posts()
    told = [post for post in posts if post.method == "chat.postEphemeral"]
    assert told and told[0].args["user"] == ALI
    said = "\n".join(post.text for post in told)
    assert "allerede besvaret" in said  # told the project moved on...
    assert "hvilke personer eller organisationer" in said  # ...and shown the question it is at
    async with slack_bot.app[DB_KEY].session() as session:
        [project] = (await session.execute(select(Project))).scalars()
    assert project.answers["target_group_chosen"] is True  # Ali's late "Nej" is kept in history only


# --- what is never an answer ------------------------------------------------------------------------


async def test_the_bots_own_messages_and_other_bots_never_answer(slack_bot: SlackBot) -> None:
    await slack_bot.command("start kommer-forbi Fitness")
    await slack_bot.new_posts()
    own = fixture("event_message_from_app")["event"]
    own.update(channel="D111", channel_type="im", text="ja")
    other = fixture("event_bot_message")["event"]
    other.update(channel="D111", channel_type="im", text="ja")
    assert await slack_bot.event(own) == 200
    assert await slack_bot.event(other) == 200
    await slack_bot.new_posts()
    assert await saved_answers(slack_bot) == []


async def test_talk_in_the_channel_and_in_other_peoples_threads_is_the_teams_own(slack_bot: SlackBot) -> None:
    await slack_bot.command("start kommer-forbi Fitness")
    await slack_bot.new_posts()
    chatter = {"type": "message", "user": METTE, "text": "ja", "ts": "1800000000.1", "channel": CHANNEL}
    assert await slack_bot.event({**chatter, "channel_type": "channel"}) == 200
    # a reply in a thread whose parent is the bot's, but no thread the coach knows...
    assert await thread_reply(slack_bot, "1700000000.9", METTE, "ja", "1800000000.2") == 200
    their_thread = {**chatter, "ts": "1800000000.3", "thread_ts": "1800000000.1", "parent_user_id": ALI}
    assert await slack_bot.event({**their_thread, "channel_type": "channel"}) == 200
    posts = await slack_bot.new_posts()
    assert await saved_answers(slack_bot) == [] and await journal(slack_bot) == []
    # ...but a thread the coach does not know is told so, politely, to the writer alone
    assert all(post.method == "chat.postEphemeral" for post in posts)


async def test_a_direct_message_talks_to_the_coach(slack_bot: SlackBot) -> None:
    dm = {"type": "message", "user": METTE, "text": "start kommer-forbi Fitness", "ts": "1800000000.1"}
    assert await slack_bot.event({**dm, "channel": "D111", "channel_type": "im"}) == 200
    posts = await slack_bot.new_posts()
    assert any(post.args.get("channel") == "D111" and "Fitness" in post.text for post in posts)


async def test_a_mention_in_the_channel_is_a_message_to_the_coach(slack_bot: SlackBot) -> None:
    await slack_bot.command("start kommer-forbi Fitness")
    await slack_bot.new_posts()
    mention = fixture("event_app_mention")["event"]
    mention.update(channel=CHANNEL, user=METTE, text="<@U0BOT> status", ts="1800000000.4")
    mention.pop("thread_ts", None)
    assert await slack_bot.event(mention) == 200
    posts = await slack_bot.new_posts()  # the same as /outreach status: where the project stands, to the asker
    assert posts and posts[-1].method == "chat.postEphemeral" and "spørgsmål 1 af" in posts[-1].text


# --- the debrief thread follows its messages ----------------------------------------------------


async def test_a_deleted_reply_in_the_debrief_thread_removes_its_note(slack_bot: SlackBot) -> None:
    thread = await open_debrief_thread(slack_bot)
    await thread_reply(slack_bot, thread, METTE, "Skrevet i den forkerte tråd", "1800000000.000001")
    await thread_reply(slack_bot, thread, ALI, "De unge vil have e-bøger", "1800000000.000002")
    await slack_bot.settle()
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
    assert await slack_bot.event(deleted) == 200
    await slack_bot.settle()
    assert await journal(slack_bot) == [("Ali", "De unge vil have e-bøger")]


# --- Slack having a bad day -----------------------------------------------------------------------


async def test_a_channel_the_bot_is_not_in_gets_the_answer_by_the_commands_response_url(
    slack_bot: SlackBot, fake_slack: FakeSlack
) -> None:
    assert await slack_bot.command("start kommer-forbi Fitness", channel="C999") == 200
    await slack_bot.settle()
    [refused] = fake_slack.calls("chat.postMessage")
    answered = fake_slack.calls("response_url")
    assert refused.response and refused.response["error"] in ("channel_not_found", "not_in_channel")
    assert len(answered) == 2 and "/invite @Outreach Coach" in str(answered[1].args)
    async with slack_bot.app[DB_KEY].session() as session:
        assert [p.name for p in (await session.execute(select(Project))).scalars()] == ["Fitness"]


async def test_a_429_on_a_reply_is_waited_out_and_the_reply_posted_once(
    slack_bot: SlackBot, fake_slack: FakeSlack
) -> None:
    fake_slack.fail("chat.postMessage", "ratelimited", retry_after=1)
    await slack_bot.command("start kommer-forbi Fitness")
    await fake_slack.wait_for("chat.postMessage", count=2, timeout=10)
    await slack_bot.settle()
    attempts = fake_slack.calls("chat.postMessage")
    assert len(attempts) == 2 and attempts[1].response and attempts[1].response["ok"]


async def test_a_log_entry_from_the_channel_goes_into_the_logbook(slack_bot: SlackBot) -> None:
    await slack_bot.command("start kommer-forbi Fitness")
    await slack_bot.command("log Talte med Jens i kantinen – han kender trænerne", user=ALI)
    posts = await slack_bot.new_posts()
    assert await journal(slack_bot) == [("Ali", "Talte med Jens i kantinen – han kender trænerne")]
    assert posts[-1].method == "chat.postMessage" and "Ali" in posts[-1].text


async def test_a_typed_answer_is_said_back_with_the_next_question_in_one_message(slack_bot: SlackBot) -> None:
    await slack_bot.command("start kommer-forbi Fitness")
    await slack_bot.new_posts()
    await slack_bot.command("ja")
    [post] = await slack_bot.new_posts()
    assert post.method == "chat.postMessage"
    assert "✅" in post.text and "Mette" in post.text and "Hvilken målgruppe" in post.text
    assert "Svar" in post.buttons()


async def test_a_name_slack_will_not_give_is_asked_for_once_an_hour_not_every_turn(
    slack_bot: SlackBot, fake_slack: FakeSlack
) -> None:
    fake_slack.add_user("T111", "U444", "Kim")
    fake_slack.fail("users.info", "missing_scope", times=5)
    await slack_bot.command("start kommer-forbi Fitness", user="U444")
    await slack_bot.command("ja", user="U444")
    await slack_bot.settle()
    assert len(fake_slack.calls("users.info")) == 1
    assert await saved_answers(slack_bot) == [("target_group_chosen", True)]


async def test_commands_in_one_channel_are_applied_in_the_order_slack_sent_them(
    slack_bot: SlackBot, fake_slack: FakeSlack
) -> None:
    """Ali answers a moment after Mette started, while Mette's turn still waits on Slack:
    the answer goes to the project Mette's command made, not to no project at all."""
    await slack_bot.command("hjælp", user=ALI)  # Ali is known from here on; Mette is not yet
    await slack_bot.new_posts()
    fake_slack.slow("users.info", 0.5)  # so Mette's start waits half a second before the coach
    await slack_bot.command("start kommer-forbi Fitness", user=METTE)
    await slack_bot.command("ja", user=ALI)
    await fake_slack.wait_for("chat.postMessage", count=2, timeout=10)  # the first question, then the second
    posts = await slack_bot.new_posts()
    assert [post for post in posts if post.method == "chat.postEphemeral"] == []
    async with slack_bot.app[DB_KEY].session() as session:
        [project] = (await session.execute(select(Project))).scalars()
    assert list(project.answers) == ["target_group_chosen"]  # Ali's "ja", to the first question
