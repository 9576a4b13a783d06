"""A team lives kommer-forbi in Slack, over weeks: from ``/outreach start`` through the
follow-up reminder a week after the mail, the visit, the debrief thread where Mette and
Ali write their notes (and Mette corrects hers), the summary, and the logbook as a file.

Everything goes as Slack sends it: signed slash commands, clicks on the buttons of the
messages the bot really posted, modals submitted with Slack's state shape, thread
replies as Events API messages. What the team sees is what the fake Slack recorded.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from bot.server import DB_KEY
from storage.models import Project
from tests.slack_bot import ALI, CHANNEL, METTE, SlackBot, answer, question, thread_reply
from tests.slack_fake import FakeSlack, fixture
from tests.team_walks import AFTER_A_WEEK, debrief_notes, reminders

# --- the run --------------------------------------------------------------------------------


async def test_a_team_runs_kommer_forbi_in_slack_from_start_to_logbook(
    slack_bot: SlackBot, fake_slack: FakeSlack
) -> None:
    # Week 1, Monday: Mette starts the project in the team's channel.
    assert await slack_bot.command("start kommer-forbi Fitness Nord") == 200
    posts = await slack_bot.new_posts()
    started = question(posts)
    assert started.method == "chat.postMessage" and started.args["channel"] == CHANNEL
    assert "Fitness Nord" in started.text and "Biblioteket kommer forbi" in started.text
    assert set(started.buttons()) >= {"Ja", "Nej"}

    # A click answers in place: the question becomes "answered by Mette", no live buttons left.
    posts = await answer(slack_bot, "Ja")
    [updated] = [post for post in posts if post.method == "chat.update"]
    assert updated.ts == started.ts and not updated.buttons() and "Mette" in updated.text
    assert "spørgsmål 2 af" in question(posts).text  # progress as a context line

    await answer(slack_bot, "Unge mænd, der træner")
    await answer(slack_bot, "Ja")
    await answer(slack_bot, "Fitnesscenter Nord")
    await answer(slack_bot, "Centerleder Jens")
    await answer(slack_bot, "Vedkommende er en god bekendt")
    await answer(slack_bot, "Hej Jens, vi vil gerne besøge jer og lære de unge at kende.")
    await answer(slack_bot, "Gjort", user=ALI)  # Ali called Jens
    posts = await answer(slack_bot, "Gjort")  # the mail is sent: a follow-up in a week
    assert "svar på mailen" in question(posts).text
    posts = await answer(slack_bot, "Ikke endnu")  # no reply yet
    follow_up = [row for row in await reminders(slack_bot.app[DB_KEY]) if row.kind == "follow_up"]
    assert [row.status for row in follow_up] == ["pending"]

    # Week 2: the follow-up arrives in the channel with Done / Snooze / Stop, and the
    # check-back on "no reply yet" with the step's own Gjort / Ikke endnu.
    report = await slack_bot.run_due(datetime.now(UTC) + AFTER_A_WEEK)
    assert report.sent == 2
    delivered = [post for post in await slack_bot.new_posts() if post.method == "chat.postMessage"]
    assert all(post.args["channel"] == CHANNEL for post in delivered)
    [follow] = [post for post in delivered if "tid til at følge op" in post.text]
    [check_back] = [post for post in delivered if "Ikke endnu" in post.buttons()]
    assert set(follow.buttons()) == {"Udført", "Udsæt en dag", "Udsæt en uge", "Stop påmindelsen"}
    assert await slack_bot.click(follow, "Udført", user=ALI) == 200
    posts = await slack_bot.new_posts()
    assert any(post.method == "chat.update" and post.ts == follow.ts and not post.buttons() for post in posts)
    assert [row.status for row in await reminders(slack_bot.app[DB_KEY]) if row.kind == "follow_up"] == ["done"]

    # Jens has answered: Gjort on the check-back answers the step, on to the meeting.
    assert await slack_bot.click(check_back, "Gjort", user=ALI) == 200
    posts = await slack_bot.new_posts()
    assert "mødet" in question(slack_bot.history).text
    meeting = (datetime.now(UTC) + timedelta(days=20)).date().isoformat()
    posts = await answer(slack_bot, meeting)  # the datepicker in the modal
    await answer(slack_bot, "Lære de unge at kende")
    await answer(slack_bot, "Ja")
    await answer(slack_bot, "Hvem er de?\nHvad læser de?\nHvor mødes de?")
    await answer(slack_bot, "Gjort")  # agenda sent
    await answer(slack_bot, "Ja")  # a tour
    await answer(slack_bot, "Lektiecafé og e-bøger")
    await answer(slack_bot, "Mette\nAli")
    await answer(slack_bot, None)  # every visit question ticked
    await answer(slack_bot, None)  # documentation: all
    posts = await answer(slack_bot, "Gjort")  # back from the visit: the debrief thread opens
    assert "tråd" in "\n".join(post.text for post in posts)

    # The debrief is posted as a thread; Mette and Ali write in it.
    await slack_bot.run_due(datetime.now(UTC) + timedelta(minutes=5))
    [debrief] = [
        post
        for post in await slack_bot.new_posts()
        if post.method == "chat.postMessage" and "debriefing" in post.text.lower()
    ]
    thread = debrief.ts
    assert (
        await thread_reply(slack_bot, thread, METTE, "De unge vil have lektiehjælp om aftenen", "1800000000.000001")
        == 200
    )
    assert await thread_reply(slack_bot, thread, ALI, "Centerlederen er åben for en stand", "1800000000.000002") == 200
    await slack_bot.settle()
    assert await debrief_notes(slack_bot.app[DB_KEY]) == [
        ("Ali", "Centerlederen er åben for en stand"),
        ("Mette", "De unge vil have lektiehjælp om aftenen"),
    ]

    # Mette corrects her note; the saved note follows.
    changed = fixture("event_message_changed")["event"]
    changed.update(channel=CHANNEL, ts="1800000000.000003")
    changed["message"] = {
        "type": "message",
        "user": METTE,
        "text": "De unge vil have lektiehjælp tirsdag aften",
        "ts": "1800000000.000001",
        "thread_ts": thread,
        "parent_user_id": "U0BOT",
    }
    changed["previous_message"] = {**changed["message"], "text": "De unge vil have lektiehjælp om aftenen"}
    assert await slack_bot.event(changed) == 200
    await slack_bot.settle()
    assert ("Mette", "De unge vil have lektiehjælp tirsdag aften") in await debrief_notes(slack_bot.app[DB_KEY])

    # The bot's own messages in the thread never become notes.
    assert (
        await slack_bot.event(
            {**fixture("event_bot_message")["event"], "channel": CHANNEL, "thread_ts": thread, "ts": "1800000000.9"}
        )
        == 200
    )
    await slack_bot.settle()
    assert len(await debrief_notes(slack_bot.app[DB_KEY])) == 2

    # The summary, and the logbook as a file in the channel.
    assert await slack_bot.command("debrief færdig") == 200
    summary = "\n".join(post.text for post in await slack_bot.new_posts())
    assert "lektiehjælp tirsdag aften" in summary and "Centerlederen er åben" in summary
    assert await slack_bot.command("export") == 200
    await slack_bot.settle()
    [upload] = fake_slack.calls("files.completeUploadExternal")
    assert upload.args["channel_id"] == CHANNEL
    [logbook] = fake_slack.files.values()
    assert logbook.channel_id == CHANNEL and logbook.filename.endswith(".md") and logbook.content
    content = logbook.content.decode("utf-8")
    assert "Fitness Nord" in content and "lektiehjælp tirsdag aften" in content and "Centerleder Jens" in content

    async with slack_bot.app[DB_KEY].session() as session:
        [project] = (await session.execute(select(Project))).scalars()
    assert project.answers["acq_followed_up"] is True and project.answers["meeting_date"].startswith(meeting)
