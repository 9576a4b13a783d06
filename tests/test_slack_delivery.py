"""Reminders in Slack: what Slack answers a reminder, what the outbox makes of it, and the
Done / Snooze / Stop buttons on a reminder the team got.

:class:`SlackChannel` posts to the fake Slack over HTTP: Slack's ``ts`` is a sent reminder;
a 429 (with its ``Retry-After``) or a 500 is "try again later"; a channel that is gone or
archived, a bot that was removed, a deactivated account or an app no longer installed is
"failed for good", and the team reads Slack's reason on ``/outreach påmindelser``. Through
the running server, the outbox waits out a 429 and then sends the reminder once.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import aiohttp
import pytest
from sqlalchemy import select

from bot.channels.slack.channel import SlackChannel
from bot.channels.slack.install import Installations, SingleWorkspace
from bot.delivery import Failed, RetryAfter, Sent, Target
from bot.replies import TextReply
from bot.richtext import parse_markup
from bot.server import DB_KEY
from storage.db import Database
from storage.models import NudgeRow
from tests.slack_bot import CHANNEL, Post, SlackBot, start_bot
from tests.slack_fake import FakeSlack
from tests.team_walks import AFTER_A_WEEK

TOKEN = "xoxb-111"
HERE = Target(CHANNEL, {"team": "T111", "enterprise": None, "channel": CHANNEL})
REMINDER = [TextReply(parse_markup("⏰ Husk at ringe til **Jens**"))]


@pytest.fixture
async def fake() -> AsyncIterator[FakeSlack]:
    async with FakeSlack() as slack:
        slack.add_workspace("T111", TOKEN, bot_user_id="U0BOT", name="Bibliotek Nord")
        slack.add_user("T111", "U111", "Mette")
        slack.add_user("T111", "U222", "Ali")
        slack.add_channel("T111", CHANNEL, "outreach")
        yield slack


@pytest.fixture
async def slack(fake: FakeSlack) -> AsyncIterator[SlackChannel]:
    """The channel the outbox delivers Slack reminders through, in one workspace."""
    async with aiohttp.ClientSession() as session:
        yield SlackChannel(SingleWorkspace(TOKEN), session, fake.base_url)


@pytest.fixture
async def bot(tmp_path: Path, fake: FakeSlack) -> AsyncIterator[SlackBot]:
    async for running in start_bot(tmp_path, fake, bot_token=TOKEN):
        yield running


# --- what Slack answers --------------------------------------------------------------------------


async def test_a_posted_reminder_is_sent_with_slacks_ts(slack: SlackChannel, fake: FakeSlack) -> None:
    result = await slack.deliver(HERE, REMINDER)

    assert isinstance(result, Sent) and result.message_id
    posted = fake.message(CHANNEL, result.message_id)
    assert "Husk at ringe til *Jens*" in str(posted["blocks"])
    assert fake.last("chat.postMessage").token == TOKEN


async def test_a_429_is_waited_out_for_as_long_as_slack_says(slack: SlackChannel, fake: FakeSlack) -> None:
    fake.fail("chat.postMessage", "ratelimited", retry_after=42)

    assert await slack.deliver(HERE, REMINDER) == RetryAfter("slack: ratelimited", 42.0)
    assert len(fake.calls("chat.postMessage")) == 1, "the outbox waits, not the client"


async def test_a_slack_server_error_is_tried_again_later(slack: SlackChannel, fake: FakeSlack) -> None:
    fake.fail("chat.postMessage", "internal_error", status=500)

    result = await slack.deliver(HERE, REMINDER)

    assert isinstance(result, RetryAfter) and result.seconds is None  # the outbox's own backoff


@pytest.mark.parametrize("reason", ["channel_not_found", "is_archived", "not_in_channel", "account_inactive"])
async def test_a_channel_slack_says_the_bot_cannot_reach_is_gone(
    slack: SlackChannel, fake: FakeSlack, reason: str
) -> None:
    """The outbox then stops asking Slack for the channel until someone there writes again."""
    fake.fail("chat.postMessage", reason)

    assert await slack.deliver(HERE, REMINDER) == Failed(f"slack: {reason}", gone=True)


async def test_a_message_slack_refuses_fails_but_its_channel_is_not_gone(slack: SlackChannel, fake: FakeSlack) -> None:
    fake.fail("chat.postMessage", "msg_too_long")

    assert await slack.deliver(HERE, REMINDER) == Failed("slack: msg_too_long", gone=False)


async def test_a_workspace_the_app_is_not_installed_in_fails_without_asking_slack(
    fake: FakeSlack, sqlite_db: Database
) -> None:
    installations = Installations(sqlite_db, fake.client_id)
    await installations.prepare()
    async with aiohttp.ClientSession() as session:
        result = await SlackChannel(installations, session, fake.base_url).deliver(HERE, REMINDER)

    assert isinstance(result, Failed) and "not installed" in result.reason
    assert fake.calls() == []


# --- through the running server's outbox -----------------------------------------------------------


async def a_task_reminder(bot: SlackBot) -> datetime:
    """The team agrees a task in #outreach; returns a moment its reminder is due."""
    await bot.command("start kommer-forbi Fitness Nord")
    await bot.command("opgave Ring til Jens – Mette – om en uge")
    await bot.new_posts()
    return datetime.now(UTC) + AFTER_A_WEEK


async def the_reminder(bot: SlackBot) -> NudgeRow:
    async with bot.app[DB_KEY].session() as session:
        return (await session.execute(select(NudgeRow).where(NudgeRow.kind == "task"))).scalar_one()


async def reminders_list(bot: SlackBot) -> str:
    """What ``/outreach påmindelser`` shows the asker."""
    await bot.command("påmindelser")
    [shown] = [post for post in await bot.new_posts() if post.method == "chat.postEphemeral"]
    return shown.text


def sent_reminders(fake: FakeSlack) -> list[str]:
    return [str(c.args["text"]) for c in fake.calls("chat.postMessage") if c.response and c.response["ok"]]


async def test_a_rate_limited_reminder_is_sent_once_after_slacks_wait(bot: SlackBot) -> None:
    due = await a_task_reminder(bot)
    bot.fake.fail("chat.postMessage", "ratelimited", retry_after=30)
    bot.fake.clear()

    first = await bot.run_due(due)
    assert (first.claimed, first.sent, first.retried) == (1, 0, 1)
    reminder = await the_reminder(bot)
    assert reminder.status == "pending" and reminder.due_at.replace(tzinfo=UTC) == due + timedelta(seconds=30)
    assert (await bot.run_due(due + timedelta(seconds=20))).claimed == 0, "not before Slack's wait is over"

    second = await bot.run_due(due + timedelta(seconds=31))
    assert (second.claimed, second.sent) == (1, 1)
    assert (await bot.run_due(due + timedelta(days=1))).claimed == 0
    [sent] = sent_reminders(bot.fake)
    assert "Ring til Jens" in sent


@pytest.mark.parametrize("reason", ["channel_not_found", "is_archived", "not_in_channel", "account_inactive"])
async def test_a_reminder_slack_refuses_for_good_fails_and_the_team_sees_why(bot: SlackBot, reason: str) -> None:
    due = await a_task_reminder(bot)
    bot.fake.fail("chat.postMessage", reason)

    report = await bot.run_due(due)

    assert (report.sent, report.failed) == (0, 1)
    assert (await bot.run_due(due + timedelta(days=1))).claimed == 0, "not tried again"
    shown = await reminders_list(bot)
    assert "Kunne ikke sendes" in shown
    assert "Opgave til Mette: Ring til Jens" in shown and reason in shown


# --- Done, Snooze and Stop on a reminder --------------------------------------------------------------


async def delivered(bot: SlackBot) -> Post:
    """The task reminder, posted in #outreach with its buttons."""
    due = await a_task_reminder(bot)
    assert (await bot.run_due(due)).sent == 1
    [reminder] = [post for post in await bot.new_posts() if post.method == "chat.postMessage"]
    assert set(reminder.buttons()) == {"Udført", "Udsæt en dag", "Udsæt en uge", "Stop påmindelsen"}
    return reminder


async def press(bot: SlackBot, reminder: Post, label: str, user: str = "U111") -> str:
    """Press ``label`` on the reminder: its message is updated in place, with nothing left to
    press and nothing new piled up in the channel. Returns what it says now."""
    assert await bot.click(reminder, label, user=user) == 200
    said = [post for post in await bot.new_posts() if post.method.startswith("chat.")]
    assert [(post.method, post.ts) for post in said] == [("chat.update", reminder.ts)]
    now_reads = Post("chat.update", bot.fake.message(CHANNEL, reminder.ts))
    assert now_reads.buttons() == {}, "no buttons left to press again"
    return now_reads.text


async def test_done_marks_the_reminder_done_in_its_message(bot: SlackBot) -> None:
    reminder = await delivered(bot)

    reads = await press(bot, reminder, "Udført", user="U222")

    assert "Ali har klaret det: Opgave til Mette: Ring til Jens" in reads
    assert (await the_reminder(bot)).status == "done"


async def test_snooze_moves_the_reminder_and_the_list_shows_its_new_time(bot: SlackBot) -> None:
    reminder = await delivered(bot)
    pressed = datetime.now(UTC)

    reads = await press(bot, reminder, "Udsæt en uge")

    assert "Udsat til " in reads
    when = reads.split("Udsat til ", 1)[1].split(": ", 1)[0]  # "tirs. 8. dec. 2026 12.00"
    moved = await the_reminder(bot)
    # A week from the press (the bot's clock is the real one), in working hours: not the
    # reminder's first due time, which a week from a Saturday can equal.
    assert moved.status == "pending" and moved.due_at.replace(tzinfo=UTC) >= pressed + timedelta(days=7)
    assert f"{when}: Opgave til Mette: Ring til Jens" in await reminders_list(bot)


async def test_stop_cancels_the_reminder(bot: SlackBot) -> None:
    reminder = await delivered(bot)

    reads = await press(bot, reminder, "Stop påmindelsen")

    assert "Mette har stoppet påmindelsen: Opgave til Mette: Ring til Jens" in reads
    assert (await the_reminder(bot)).status == "cancelled"
    assert "Kommende" not in await reminders_list(bot)
