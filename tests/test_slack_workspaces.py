"""Two libraries install the app by OAuth and never see each other.

Bibliotek Nord (T111) and Bibliotek Syd (T222) each have a channel called #outreach and a
Mette in it; each starts a project. Each workspace's commands and reminders go out with
that workspace's own token, each lists only its own projects, and a button copied from
one workspace's message and pressed in the other finds nothing to act on.
"""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.server import DB_KEY
from storage.models import Project
from tests.slack_bot import Post, SlackBot, install, start_bot
from tests.slack_fake import Call, FakeSlack
from tests.team_walks import AFTER_A_WEEK

NORD = {"team": "T111", "channel": "C111", "user": "U111", "token": "xoxb-111-nord"}
SYD = {"team": "T222", "channel": "C222", "user": "U211", "token": "xoxb-222-syd"}


@pytest.fixture
async def fake() -> AsyncIterator[FakeSlack]:
    async with FakeSlack() as slack:
        for library, name in ((NORD, "Bibliotek Nord"), (SYD, "Bibliotek Syd")):
            slack.add_workspace(library["team"], library["token"], bot_user_id=f"U0BOT{library['team']}", name=name)
            slack.add_user(library["team"], library["user"], "Mette")
            slack.add_channel(library["team"], library["channel"], "outreach")
        yield slack


@pytest.fixture
async def nord(tmp_path: Path, fake: FakeSlack) -> AsyncIterator[SlackBot]:
    """The server with both workspaces installed, as Nord's team talks to it."""
    async for running in start_bot(tmp_path, fake, client_id=fake.client_id, client_secret=fake.client_secret):
        for library in (NORD, SYD):
            assert (await install(running, library["team"])).status == 200
        yield running


@pytest.fixture
def syd(nord: SlackBot) -> SlackBot:
    """The same server, as Syd's team talks to it."""
    return dataclasses.replace(nord, team=SYD["team"])


async def start(bot: SlackBot, library: dict[str, str], name: str) -> None:
    assert await bot.command(f"start kommer-forbi {name}", user=library["user"], channel=library["channel"]) == 200
    await bot.settle()


def in_channel(fake: FakeSlack, library: dict[str, str], method: str | None = None) -> list[Call]:
    """The calls of ``method`` (any ``chat.*`` method when None) in ``library``'s channel."""
    wanted = fake.calls(method) if method else [call for call in fake.calls() if call.method.startswith("chat.")]
    return [call for call in wanted if call.args.get("channel") == library["channel"]]


async def projects(bot: SlackBot) -> dict[str, Project]:
    async with bot.app[DB_KEY].session() as session:
        return {p.name: p for p in (await session.execute(select(Project))).scalars()}


async def test_each_workspace_lists_only_its_own_projects(nord: SlackBot, syd: SlackBot) -> None:
    await start(nord, NORD, "Fitness Nord")
    await start(syd, SYD, "Fitness Syd")

    await nord.command("projekter", user=NORD["user"], channel=NORD["channel"])
    await syd.command("projekter", user=SYD["user"], channel=SYD["channel"])
    await nord.settle()

    [nords_list] = in_channel(nord.fake, NORD, "chat.postEphemeral")
    [syds_list] = in_channel(nord.fake, SYD, "chat.postEphemeral")
    assert "Fitness Nord" in nords_list.args["text"] and "Fitness Syd" not in nords_list.args["text"]
    assert "Fitness Syd" in syds_list.args["text"] and "Fitness Nord" not in syds_list.args["text"]


async def test_each_workspace_is_answered_with_its_own_token_only(nord: SlackBot, syd: SlackBot) -> None:
    await start(nord, NORD, "Fitness Nord")
    await start(syd, SYD, "Fitness Syd")

    for library in (NORD, SYD):
        talk = in_channel(nord.fake, library)
        assert talk, f"nothing was said in {library['team']}"
        assert {call.token for call in talk} == {library["token"]}
        assert all(call.response and call.response["ok"] for call in talk)


async def test_a_button_from_one_workspace_pressed_in_the_other_finds_nothing(nord: SlackBot, syd: SlackBot) -> None:
    await start(nord, NORD, "Fitness Nord")
    await start(syd, SYD, "Fitness Syd")
    [first_question] = in_channel(nord.fake, NORD, "chat.postMessage")
    nords_post = Post(first_question.method, {**first_question.args, "ts": first_question.response["ts"]})
    before = len(nord.fake.calls())

    assert await syd.click(nords_post, "Ja", user=SYD["user"], channel=SYD["channel"]) == 200
    await syd.settle()

    found = await projects(nord)
    assert found["Fitness Nord"].answers == {} and found["Fitness Syd"].answers == {}
    after = nord.fake.calls()[before:]
    assert [c.method for c in after if c.method.startswith("chat.")] == ["chat.postEphemeral"]
    [told] = [c for c in after if c.method == "chat.postEphemeral"]
    assert (told.token, told.args["channel"], told.args["user"]) == (SYD["token"], SYD["channel"], SYD["user"])
    assert "findes ikke" in told.args["text"]
    assert nord.fake.message(NORD["channel"], nords_post.ts)["blocks"] == nords_post.blocks, "Nord's message untouched"


async def test_each_workspaces_reminder_goes_out_with_its_own_token(nord: SlackBot, syd: SlackBot) -> None:
    for bot, library, name in ((nord, NORD, "Fitness Nord"), (syd, SYD, "Fitness Syd")):
        await start(bot, library, name)
        await bot.command("opgave Ring til Jens – Mette – om en uge", user=library["user"], channel=library["channel"])
    await nord.settle()
    nord.fake.clear()

    report = await nord.run_due(datetime.now(UTC) + AFTER_A_WEEK)

    assert (report.sent, report.failed) == (2, 0)
    for library, name in ((NORD, "Fitness Nord"), (SYD, "Fitness Syd")):
        [reminder] = in_channel(nord.fake, library, "chat.postMessage")
        assert reminder.token == library["token"]
        assert name in reminder.args["text"] and "Ring til Jens" in reminder.args["text"]
