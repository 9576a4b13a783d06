"""Socket Mode: Slack without a public address, for a developer's machine.

With ``socket_mode`` on, the server opens a WebSocket to Slack (``apps.connections.open``
with the app-level token) and Slack's payloads arrive over it as envelopes; the bot acks
each envelope over the socket and answers through the Web API, with the same listeners
as over HTTP. ``outreach-coach serve --socket-mode`` turns it on from the command line,
and refuses in one line when there is no app token to open the socket with.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from bot.server import DB_KEY
from storage.models import Project
from tests.conftest import start_server
from tests.slack_bot import CHANNEL, SlackBot, start_bot
from tests.slack_fake import FakeSlack, fixture
from tests.test_startup import cli, one_line

TOKEN = "xoxb-111"


@pytest.fixture
async def fake() -> AsyncIterator[FakeSlack]:
    async with FakeSlack() as slack:
        slack.add_workspace("T111", TOKEN, bot_user_id="U0BOT", name="Bibliotek Nord")
        slack.add_user("T111", "U111", "Mette")
        slack.add_channel("T111", CHANNEL, "outreach")
        yield slack


@pytest.fixture
async def bot(tmp_path: Path, fake: FakeSlack) -> AsyncIterator[SlackBot]:
    async for running in start_bot(tmp_path, fake, bot_token=TOKEN, socket_mode=True, app_token=fake.app_token):
        yield running


def command_envelope(fake: FakeSlack, text: str) -> dict[str, Any]:
    """``/outreach <text>`` in #outreach, as Slack sends it over the socket."""
    envelope = fixture("socket_mode_envelope")
    envelope["envelope_id"] = str(uuid.uuid4())
    envelope["payload"].update(
        command="/outreach",
        text=text,
        channel_id=CHANNEL,
        user_id="U111",
        trigger_id=f"{uuid.uuid4().int % 10**10}.111.abc",
        response_url=fake.response_url,
    )
    return envelope


def event_envelope(event: dict[str, Any]) -> dict[str, Any]:
    """An Events API envelope (``fixture(event)``) as Slack sends it over the socket."""
    payload = fixture(event)
    payload["event_id"] = f"Ev{uuid.uuid4().hex[:10]}"
    return {
        "envelope_id": str(uuid.uuid4()),
        "payload": payload,
        "type": "events_api",
        "accepts_response_payload": False,
    }


async def test_the_server_opens_its_socket_with_the_app_token(bot: SlackBot) -> None:
    [opened] = await bot.fake.wait_for("apps.connections.open")
    assert opened.token == bot.fake.app_token


async def test_a_slash_command_over_the_socket_is_acked_there_and_answered_in_the_channel(bot: SlackBot) -> None:
    envelope = command_envelope(bot.fake, "start kommer-forbi Fitness Nord")

    await bot.fake.socket_send(envelope)

    await bot.fake.wait_for_ack(envelope["envelope_id"])
    [post] = await bot.fake.wait_for("chat.postMessage")
    assert post.token == TOKEN and post.args["channel"] == CHANNEL
    assert "Fitness Nord" in post.args["text"] and post.response and post.response["ok"]


async def test_answers_by_command_and_by_mention_over_the_socket_are_saved_to_the_project(bot: SlackBot) -> None:
    for count, text in enumerate(("start kommer-forbi Fitness Nord", "ja"), start=1):  # we know the target group
        envelope = command_envelope(bot.fake, text)
        await bot.fake.socket_send(envelope)
        await bot.fake.wait_for_ack(envelope["envelope_id"])
        await bot.fake.wait_for("chat.postMessage", count)  # answered before the next is said
    mention = event_envelope("event_app_mention")
    mention["payload"]["event"]["text"] = "<@U0BOT> Unge mænd, der træner"

    await bot.fake.socket_send(mention)

    await bot.fake.wait_for_ack(mention["envelope_id"])
    await bot.settle()
    async with bot.app[DB_KEY].session() as session:
        [project] = (await session.execute(select(Project))).scalars()
    assert project.name == "Fitness Nord"
    assert project.answers["target_group"] == "Unge mænd, der træner"


# --- the command line ---------------------------------------------------------------------------


def test_serve_with_socket_mode_but_no_app_token_stops_in_one_line(tmp_path: Path) -> None:
    slack = {"SLACK_SIGNING_SECRET": "s3cr3t", "SLACK_BOT_TOKEN": TOKEN}

    line = one_line(cli(tmp_path, "serve", "--socket-mode", env=slack))

    assert "app_token" in line


async def test_serve_with_socket_mode_answers_a_team_with_no_public_address(tmp_path: Path, fake: FakeSlack) -> None:
    """Only a bot token and an app token, no signing secret: all of Slack comes over the socket."""
    config = tmp_path / "config.toml"
    config.write_text(f'[slack]\napi_url = "{fake.base_url}"\n', encoding="utf-8")
    env = {"OUTREACH_COACH_CONFIG": str(config), "SLACK_BOT_TOKEN": TOKEN, "SLACK_APP_TOKEN": fake.app_token}
    server = await asyncio.to_thread(start_server, tmp_path / "data", "--socket-mode", env=env)
    try:
        envelope = command_envelope(fake, "start kommer-forbi Fitness Nord")
        await fake.socket_send(envelope, timeout=20)
        await fake.wait_for_ack(envelope["envelope_id"])
        [post] = await fake.wait_for("chat.postMessage")
        assert post.token == TOKEN and "Fitness Nord" in post.args["text"]
    finally:
        server.process.terminate()
        await asyncio.to_thread(server.process.wait, 10)
