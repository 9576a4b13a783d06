"""App Home: a person opens the app's Home tab and sees the projects of the channels they
are in, each with its progress, its next question, its coming reminders and a Continue
button, in their own language. Continue shows them the project's question in its channel.

Bibliotek Nord has #outreach (everyone) with the project Fitness Nord, and a private
#ledelse, where only Ali is, with the project Budget.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from tests.slack_bot import CHANNEL, Post, SlackBot, start_bot
from tests.slack_fake import Call, FakeSlack, event_body, fixture, interaction_body

TOKEN = "xoxb-111"
PRIVATE = "C333"
METTE, ALI, SAM = "U111", "U222", "U333"


@pytest.fixture
async def fake() -> AsyncIterator[FakeSlack]:
    async with FakeSlack() as slack:
        slack.add_workspace("T111", TOKEN, bot_user_id="U0BOT", name="Bibliotek Nord")
        slack.add_user("T111", METTE, "Mette", locale="da-DK")
        slack.add_user("T111", ALI, "Ali", locale="da-DK")
        slack.add_user("T111", SAM, "Sam", locale="en-US")
        slack.add_channel("T111", CHANNEL, "outreach")
        slack.add_channel("T111", PRIVATE, "ledelse", members=[ALI], is_private=True)
        yield slack


@pytest.fixture
async def bot(tmp_path: Path, fake: FakeSlack) -> AsyncIterator[SlackBot]:
    async for running in start_bot(tmp_path, fake, bot_token=TOKEN):
        await running.command("start kommer-forbi Fitness Nord", user=METTE)
        await running.command("ja", user=METTE)  # we know the target group
        await running.command("opgave Ring til Jens – Mette – om en uge", user=METTE)
        await running.command("start kommer-forbi Budget", user=ALI, channel=PRIVATE)
        await running.settle()
        running.fake.clear()
        yield running


async def open_tab(bot: SlackBot, user: str, tab: str) -> None:
    envelope = fixture("event_app_home_opened")
    envelope["event"].update(user=user, tab=tab)
    envelope["event_id"] = f"Ev{uuid.uuid4().hex[:10]}"
    assert (await bot.send(event_body(envelope), "application/json")).status == 200


async def open_home(bot: SlackBot, user: str) -> Post:
    """``user`` opens the Home tab; what the bot published there for them."""
    await open_tab(bot, user, "home")
    [published] = await bot.fake.wait_for("views.publish")
    bot.fake.clear()
    assert published.args["user_id"] == user and published.token == TOKEN
    assert published.response and published.response["ok"], published.response
    return as_post(published)


def as_post(call: Call) -> Post:
    """The published view, read like a message (its words and buttons)."""
    return Post(call.method, {**call.args, "blocks": call.args["view"]["blocks"], "view": call.response["view"]})


async def press_in_home(bot: SlackBot, home: Post, label: str, user: str) -> None:
    """Press ``label`` on the Home tab, as Slack sends it: the view, no channel, no response_url."""
    payload = fixture("block_actions_checkboxes")  # a click on App Home
    payload["user"] = {"id": user, "username": user.lower(), "name": user.lower(), "team_id": "T111"}
    payload["view"] = home.args["view"]
    payload["container"] = {"type": "view", "view_id": payload["view"]["id"]}
    payload["trigger_id"] = f"{uuid.uuid4().int % 10**10}.111.abc"
    payload["actions"] = [{**home.buttons()[label], "block_id": "home", "action_ts": f"{time.time():.6f}"}]
    assert (await bot.send(interaction_body(payload), "application/x-www-form-urlencoded")).status == 200
    await bot.settle()


def project_section(home: Post, name: str) -> dict[str, Any]:
    [section] = [block for block in home.blocks if block["type"] == "section" and f"*{name}*" in block["text"]["text"]]
    return section


async def test_the_home_tab_shows_a_persons_projects_with_progress_next_question_and_reminders(bot: SlackBot) -> None:
    home = await open_home(bot, METTE)

    assert "Jeres outreach-projekter" in home.text
    fitness = project_section(home, "Fitness Nord")["text"]["text"]
    assert "spørgsmål 2 af" in fitness and f"<#{CHANNEL}>" in fitness
    assert "Næste spørgsmål: _Hvilken målgruppe drejer det sig om?_" in fitness
    assert "Opgave til Mette: Ring til Jens" in home.text
    assert list(home.buttons()) == ["Fortsæt"]


async def test_a_project_in_a_private_channel_shows_only_to_its_members(bot: SlackBot) -> None:
    mettes = await open_home(bot, METTE)
    alis = await open_home(bot, ALI)

    assert "Budget" not in mettes.text
    assert "Fitness Nord" in alis.text and "Budget" in alis.text
    assert f"<#{PRIVATE}>" in project_section(alis, "Budget")["text"]["text"]


async def test_continue_shows_the_projects_question_to_that_person_in_its_channel(bot: SlackBot) -> None:
    home = await open_home(bot, METTE)

    await press_in_home(bot, home, "Fortsæt", METTE)

    shown = [call for call in bot.fake.calls() if call.method.startswith("chat.")]
    assert [call.method for call in shown] == ["chat.postEphemeral"], "for the person who pressed, not the team"
    [question] = shown
    assert (question.args["channel"], question.args["user"]) == (CHANNEL, METTE)
    assert question.response and question.response["ok"]
    assert "Hvilken målgruppe drejer det sig om?" in Post(question.method, question.args).text


async def test_the_home_tab_speaks_english_to_a_person_whose_slack_is_in_english(bot: SlackBot) -> None:
    home = await open_home(bot, SAM)

    assert "Your outreach projects" in home.text and "Jeres" not in home.text
    fitness = project_section(home, "Fitness Nord")["text"]["text"]
    assert "question 2 of" in fitness and "Next question:" in fitness
    assert list(home.buttons()) == ["Continue"]


async def test_opening_the_messages_tab_publishes_nothing(bot: SlackBot) -> None:
    await open_tab(bot, METTE, "messages")
    await bot.settle()

    assert bot.fake.calls("views.publish") == []
