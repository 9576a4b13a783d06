"""The real server with Slack configured, on a real port, and a team that talks to it the
way Slack does: signed form posts for ``/outreach``, ``payload=`` posts for clicks and
modals, Events API JSON for messages. The bot's Web API calls go to :class:`FakeSlack`,
which records them, so a test reads what the team would see in its channel.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import aiohttp
from aiohttp import web

from bot.channels.slack import actions
from bot.config import Config, DatabaseConfig, RemindersConfig, SlackConfig
from bot.server import DELIVERER_KEY, make_app
from bot.worker import DeliveryReport
from tests.slack_fake import FakeSlack, event_body, fixture, interaction_body, sign, slash_command_body

SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
METTE, ALI = "U111", "U222"
TEAM, CHANNEL = "T111", "C111"
_ids = itertools.count(1)


@dataclass
class Post:
    """A message the bot sent (chat.postMessage, chat.postEphemeral or chat.update)."""

    method: str
    args: dict[str, Any]

    @property
    def blocks(self) -> list[dict[str, Any]]:
        blocks = self.args.get("blocks") or []
        return json.loads(blocks) if isinstance(blocks, str) else blocks

    @property
    def text(self) -> str:
        """Everything the message says: its fallback text and every text in its blocks."""
        found: list[str] = [str(self.args.get("text") or "")]

        def walk(node: Any) -> None:
            if isinstance(node, dict):
                if isinstance(node.get("text"), str):
                    found.append(node["text"])
                for value in node.values():
                    walk(value)
            elif isinstance(node, list):
                for item in node:
                    walk(item)

        walk(self.blocks)
        return "\n".join(found)

    def buttons(self) -> dict[str, dict[str, Any]]:
        """The message's buttons by label."""
        found: dict[str, dict[str, Any]] = {}
        for block in self.blocks:
            for element in block.get("elements", []) + ([block["accessory"]] if "accessory" in block else []):
                if element.get("type") == "button":
                    found[element["text"]["text"]] = element
        return found

    @property
    def ts(self) -> str:
        return str(self.args.get("ts") or "")


@dataclass
class SlackBot:
    """The running server and the fake Slack around it."""

    url: str
    fake: FakeSlack
    app: web.Application
    session: aiohttp.ClientSession
    team: str = TEAM
    seen: int = 0  # calls to the fake already read by :meth:`new_posts`
    history: list[Post] = field(default_factory=list)  # everything posted so far, in order

    async def send(
        self, body: bytes, content_type: str, headers: dict[str, str] | None = None
    ) -> aiohttp.ClientResponse:
        signed = {"Content-Type": content_type, **sign(body, SECRET), **(headers or {})}
        async with self.session.post(f"{self.url}/slack/events", data=body, headers=signed) as response:
            await response.read()
            return response

    async def command(self, text: str, user: str = "U111", channel: str = CHANNEL, team: str | None = None) -> int:
        body = slash_command_body(
            fixture("slash_command"),
            command="/outreach",
            text=text,
            user_id=user,
            channel_id=channel,
            team_id=team or self.team,
            trigger_id=f"{next(_ids)}.{int(time.time())}.abc",
            response_url=self.fake.response_url,
        )
        response = await self.send(body, "application/x-www-form-urlencoded")
        return response.status

    async def click(
        self,
        post: Post,
        label: str,
        user: str = "U111",
        channel: str = CHANNEL,
        state: dict[str, Any] | None = None,
        trigger: str | None = None,
    ) -> int:
        """Press the button ``label`` on ``post``, as Slack sends a block_actions payload
        (with the message's input ``state``, e.g. ticked checkboxes)."""
        button = post.buttons()[label]
        payload = fixture("block_actions_button")
        payload["user"] = {"id": user, "username": user.lower(), "name": user.lower(), "team_id": self.team}
        payload["team"] = {"id": self.team, "domain": "bibliotek"}
        payload["channel"] = {"id": channel, "name": "outreach"}
        payload["container"] = {
            "type": "message",
            "message_ts": post.ts,
            "channel_id": channel,
            "is_ephemeral": post.method == "chat.postEphemeral",
        }
        payload["message"] = {"ts": post.ts, "type": "message", "blocks": post.blocks}
        payload["trigger_id"] = trigger or f"{next(_ids)}.{int(time.time())}.def"
        payload["response_url"] = self.fake.response_url
        payload["actions"] = [{**button, "block_id": "b", "action_ts": f"{time.time():.6f}"}]
        payload["state"] = {"values": state or {}}
        response = await self.send(interaction_body(payload), "application/x-www-form-urlencoded")
        return response.status

    async def event(self, event: dict[str, Any], retry: int | None = None, event_id: str | None = None) -> int:
        envelope = fixture("event_message_thread_reply")
        envelope["team_id"] = self.team
        envelope["event"] = event
        envelope["event_id"] = event_id or f"Ev{next(_ids):08d}"
        headers = {"X-Slack-Retry-Num": str(retry), "X-Slack-Retry-Reason": "http_timeout"} if retry else None
        response = await self.send(event_body(envelope), "application/json", headers)
        return response.status

    async def run_due(self, now: datetime) -> DeliveryReport:
        return await self.app[DELIVERER_KEY].run_due(now)

    async def settle(self) -> None:
        """Wait until the bot's work after its acks is done (its calls to Slack stop coming)."""
        count = -1
        while count != len(self.fake.calls()):
            count = len(self.fake.calls())
            await asyncio.sleep(0.15)

    async def new_posts(self) -> list[Post]:
        """What the bot posted, updated or showed since the last look."""
        await self.settle()
        calls = self.fake.calls()[self.seen :]
        self.seen += len(calls)
        wanted = ("chat.postMessage", "chat.postEphemeral", "chat.update", "views.open", "views.publish")
        posts = [Post(call.method, {**call.args, **_ts_of(call)}) for call in calls if call.method in wanted]
        self.history += posts
        return posts


def _ts_of(call: Any) -> dict[str, Any]:
    response = call.response or {}
    return {"ts": call.args.get("ts") or response.get("ts") or response.get("message_ts")}


async def start_bot(data_dir: Path, fake: FakeSlack, database_url: str = "", **slack: Any) -> AsyncIterator[SlackBot]:
    config = Config(
        data_dir=data_dir,
        database=DatabaseConfig(url=database_url),
        reminders=RemindersConfig(poll_seconds=3600),
        slack=SlackConfig(signing_secret=SECRET, api_url=fake.base_url, **slack),
    )
    app = await make_app(config)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    async with aiohttp.ClientSession() as session:
        try:
            yield SlackBot(f"http://127.0.0.1:{port}", fake, app, session)
        finally:
            await runner.cleanup()


def answer_view(post: Post) -> dict[str, Any]:
    """The modal the bot opened, ready to be submitted."""
    view = post.args["view"]
    return json.loads(view) if isinstance(view, str) else view


def question(posts: list[Post]) -> Post:
    """The last message in the channel that still asks something: posted with buttons, and
    not since updated into an answered one."""
    latest: dict[str, Post] = {}
    for post in posts:
        if post.method in ("chat.postMessage", "chat.update"):
            latest[post.ts] = post
    found = [post for post in latest.values() if post.method == "chat.postMessage" and post.buttons()]
    assert found, [post.text[:120] for post in posts]
    return found[-1]


async def submit(bot: SlackBot, opened: Post, value: Any, user: str = METTE) -> int:
    """Fill in the modal the bot opened and press its submit button."""
    view = opened.args["view"]
    [block] = [b for b in view["blocks"] if b.get("block_id") == actions.INPUT_BLOCK]
    element = block["element"]
    if element["type"] == "datepicker":
        state = {"type": "datepicker", "selected_date": value}
    else:
        state = {"type": element["type"], "value": value}
    payload = fixture("view_submission")
    payload["team"] = {"id": "T111", "domain": "bibliotek"}
    payload["user"] = {"id": user, "username": user.lower(), "name": user.lower(), "team_id": "T111"}
    payload["trigger_id"] = f"{time.time_ns()}.1.a"
    payload["view"] = {
        **payload["view"],
        **view,
        "id": f"V{time.time_ns()}",
        "hash": f"{time.time_ns()}.abc",
        "state": {"values": {actions.INPUT_BLOCK: {actions.INPUT_ACTION: state}}},
    }
    return (await bot.send(interaction_body(payload), "application/x-www-form-urlencoded")).status


async def tick_and_save(bot: SlackBot, post: Post, labels: list[str] | None, user: str = METTE) -> int:
    """Tick checkboxes (all when ``labels`` is None) and press Gem, as Slack sends the click."""
    [box] = [
        element
        for block in post.blocks
        for element in block.get("elements", []) + ([block["element"]] if "element" in block else [])
        if element.get("action_id") == actions.INPUT_ACTION
    ]
    ticked = [o for o in box["options"] if labels is None or o["text"]["text"] in labels]
    state = {actions.INPUT_BLOCK: {actions.INPUT_ACTION: {"type": box["type"], "selected_options": ticked}}}
    return await bot.click(post, "Gem", user=user, state=state)


async def answer(bot: SlackBot, value: Any, user: str = METTE) -> list[Post]:
    """Answer the open question the way its message offers: a button with that label, the
    Svar modal, or the checkboxes and Gem; returns what the bot posted after."""
    asked = question(bot.history)
    buttons = asked.buttons()
    # A long label is shown numbered ("2. Vedkommende er en god bekendt"), in full or cut short.
    label = next((b for b in buttons if isinstance(value, str) and b.split(". ", 1)[-1] == value), None)
    if label is not None:
        assert await bot.click(asked, label, user=user) == 200
    elif "Svar" in buttons:
        assert await bot.click(asked, "Svar", user=user) == 200
        [opened] = [post for post in await bot.new_posts() if post.method == "views.open"]
        assert await submit(bot, opened, value, user) == 200
    elif "Gem" in buttons:
        assert await tick_and_save(bot, asked, value, user) == 200
    else:
        raise AssertionError(f"cannot answer {value!r} on {asked.text[:200]!r} with {list(buttons)}")
    return await bot.new_posts()


async def thread_reply(bot: SlackBot, thread: str, user: str, text: str, ts: str) -> int:
    return await bot.event(
        {
            "type": "message",
            "user": user,
            "text": text,
            "ts": ts,
            "thread_ts": thread,
            "parent_user_id": "U0BOT",
            "channel": CHANNEL,
            "channel_type": "channel",
            "event_ts": ts,
        }
    )


# --- the admin's browser -----------------------------------------------------------------------


@dataclass(frozen=True)
class Consent:
    """Where ``/slack/install`` sent the browser: Slack's consent page, and the state cookie."""

    status: int
    location: str
    cookie: str

    @property
    def state(self) -> str:
        return parse_qs(urlsplit(self.location).query)["state"][0]


@dataclass(frozen=True)
class Page:
    status: int
    text: str


async def open_install(bot: SlackBot) -> Consent:
    async with bot.session.get(f"{bot.url}/slack/install", allow_redirects=False) as response:
        cookie = response.cookies["slack-app-oauth-state"]
        return Consent(response.status, response.headers["Location"], f"{cookie.key}={cookie.value}")


async def come_back(bot: SlackBot, cookie: str | None, **query: str) -> Page:
    """The browser back from Slack at ``/slack/oauth_redirect?<query>`` (with the state
    cookie, if any): ``code`` and ``state`` after consent, ``error`` when the admin cancelled."""
    headers = {"Cookie": cookie} if cookie else {}
    async with bot.session.get(f"{bot.url}/slack/oauth_redirect", params=query, headers=headers) as response:
        return Page(response.status, await response.text())


async def install(bot: SlackBot, team: str) -> Page:
    """An admin of ``team`` installs the app: /slack/install, Slack's consent, back with a code."""
    consent = await open_install(bot)
    return await come_back(bot, consent.cookie, code=bot.fake.oauth_code(team), state=consent.state)
