"""The real server with Teams on, on a real port, and a team that talks to it the way Teams
does: Bot Framework activities POSTed as JSON to ``/api/messages`` (with a channel token when
the bot has an app id), built from the real activities in ``tests/fixtures/teams``. The bot
answers through the Bot Connector at the activities' ``serviceUrl``: :class:`FakeConnector`,
which records what it sent, so a test reads what the team would see in Teams.
"""

from __future__ import annotations

import copy
import itertools
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Literal

import aiohttp
from aiohttp import web

from bot.config import Config, DatabaseConfig, RemindersConfig, ServerConfig, TeamsConfig
from bot.server import DELIVERER_KEY, make_app
from bot.worker import DeliveryReport
from tests.teams_fake import (
    APP_ID,
    BOT_ID,
    BOT_NAME,
    CHANNEL_ID,
    GROUP_CHAT_ID,
    JONAS_AAD,
    JONAS_ID,
    METTE_AAD,
    METTE_ID,
    PERSONAL_CONVERSATION_ID,
    TENANT_ID,
    FakeConnector,
    FakeIdentity,
    base_conversation,
    fixture,
)

Where = Literal["channel", "group", "personal"]
_ids = itertools.count(1_800_000_000_000)


@dataclass(frozen=True)
class Person:
    id: str
    aad: str
    name: str


METTE = Person(METTE_ID, METTE_AAD, "Mette Hansen")
JONAS = Person(JONAS_ID, JONAS_AAD, "Jonas Berg")


@dataclass
class Sent:
    """An activity the bot sent the connector (a new message, a reply or an update)."""

    operation: str
    conversation: str
    id: str | None
    body: dict[str, Any]

    @property
    def card(self) -> dict[str, Any] | None:
        for attachment in self.body.get("attachments") or []:
            if attachment.get("contentType") == "application/vnd.microsoft.card.adaptive":
                return attachment["content"]
        return None

    @property
    def text(self) -> str:
        return card_text(self.card) if self.card else str(self.body.get("text") or "")

    def buttons(self) -> dict[str, dict[str, Any]]:
        return card_buttons(self.card) if self.card else {}


def _nodes(card: Any) -> Iterator[dict[str, Any]]:
    """Every object in a card, depth first, in order."""
    if isinstance(card, dict):
        yield card
        for value in card.values():
            yield from _nodes(value)
    elif isinstance(card, list):
        for item in card:
            yield from _nodes(item)


def card_text(card: dict[str, Any] | None) -> str:
    """Everything a card says: its lines (a RichTextBlock's runs make one line) and the
    texts, labels, placeholders and titles of the rest."""
    found: list[str] = []
    inside: set[int] = set()  # the runs of the lines already said
    for node in _nodes(card):
        if id(node) in inside:
            continue
        if node.get("type") == "RichTextBlock":
            runs = node.get("inlines", [])
            inside |= {id(run) for run in runs}
            found.append("".join(str(run.get("text", "")) for run in runs))
            continue
        found += [node[key] for key in ("text", "label", "placeholder", "title") if isinstance(node.get(key), str)]
    return "\n".join(found)


def card_buttons(card: dict[str, Any] | None) -> dict[str, dict[str, Any]]:
    """A card's buttons (Action.Execute) by title."""
    return {
        node["title"]: node
        for node in _nodes(card)
        if node.get("type") == "Action.Execute" and isinstance(node.get("title"), str)
    }


def card_inputs(card: dict[str, Any] | None) -> dict[str, dict[str, Any]]:
    """A card's inputs by id."""
    return {
        node["id"]: node
        for node in _nodes(card)
        if str(node.get("type", "")).startswith("Input.") and isinstance(node.get("id"), str)
    }


@dataclass
class TeamsBot:
    """The running server and the fake Bot Connector around it."""

    url: str
    connector: FakeConnector
    app: web.Application
    session: aiohttp.ClientSession
    identity: FakeIdentity | None = None
    tenant: str = TENANT_ID
    seen: int = 0
    history: list[Sent] = field(default_factory=list)

    # --- what Teams sends ------------------------------------------------------------------

    async def post(self, activity: dict[str, Any], authorization: str | None = None) -> tuple[int, Any]:
        """POST ``activity``; with an identity and no ``authorization`` given, a valid token."""
        headers = {"Content-Type": "application/json"}
        if authorization is None and self.identity is not None:
            authorization = self.identity.channel_token(APP_ID, activity["serviceUrl"])
        if authorization:
            headers["Authorization"] = authorization
        async with self.session.post(f"{self.url}/api/messages", json=activity, headers=headers) as response:
            body = await response.read()
            try:
                return response.status, await response.json(content_type=None) if body else None
            except ValueError:
                return response.status, body.decode(errors="replace")

    def activity(self, name: str, **fields: Any) -> dict[str, Any]:
        """A real activity from the fixtures, for this bot's connector, with a fresh id."""
        activity = fixture(name, serviceUrl=self.connector.service_url)
        activity.pop("_source", None)
        activity["id"] = str(next(_ids))
        activity["conversation"]["tenantId"] = self.tenant
        activity.setdefault("channelData", {})["tenant"] = {"id": self.tenant}
        activity.update(fields)
        return activity

    def message(
        self,
        text: str,
        person: Person = METTE,
        where: Where = "channel",
        thread: str | None = None,
        mention: bool = True,
        locale: str = "da-DK",
        channel: str = CHANNEL_ID,
    ) -> dict[str, Any]:
        """A message as Teams delivers it: in a channel (a new post, or a reply in ``thread``),
        a group chat or a personal chat, @mentioning the bot unless ``mention`` is False."""
        name = {"channel": "channel_mention", "group": "group_chat_mention", "personal": "personal_message"}[where]
        activity = self.activity(name)
        activity.pop("attachments", None)
        activity["from"] = {"id": person.id, "name": person.name, "aadObjectId": person.aad}
        activity["locale"] = locale
        if where == "channel":
            activity["conversation"]["id"] = f"{channel};messageid={thread or activity['id']}"
            if thread:
                activity["replyToId"] = thread
        elif where == "personal":
            activity["conversation"]["id"] = personal_conversation(person)
        at = f"<at>{BOT_NAME}</at>"
        if mention and where != "personal":
            activity["text"] = f"{at} {text}"
            activity["entities"] = [{"type": "mention", "text": at, "mentioned": {"id": BOT_ID, "name": BOT_NAME}}]
        else:
            activity["text"] = text
            activity["entities"] = []
        return activity

    async def say(self, text: str, person: Person = METTE, **where: Any) -> int:
        status, _ = await self.post(self.message(text, person, **where))
        return status

    async def press(
        self, sent: Sent, label: str, person: Person = METTE, inputs: dict[str, Any] | None = None
    ) -> tuple[int, Any]:
        """Press the button ``label`` on a card the bot sent, as Teams sends the invoke: the
        button's data with the card's inputs merged in (``inputs`` by input id)."""
        button = sent.buttons()[label]
        data = {**copy.deepcopy(button.get("data") or {}), **(inputs or {})}
        activity = self.activity("adaptive_card_action")
        activity["from"] = {"id": person.id, "name": person.name, "aadObjectId": person.aad}
        activity["conversation"] = {**activity["conversation"], "id": sent.conversation}
        activity["conversation"]["conversationType"] = _kind_of(sent.conversation)
        activity["replyToId"] = sent.id
        activity["locale"] = "da-DK"
        action = {"type": "Action.Execute", "title": label, "verb": button["verb"], "data": data}
        activity["value"] = {"action": action, "trigger": "manual"}
        status, body = await self.post(activity)
        if isinstance(body, dict) and isinstance(body.get("value"), dict):  # the card's new content
            attachment = {"contentType": "application/vnd.microsoft.card.adaptive", "content": body["value"]}
            self.history.append(Sent("invoke-update", sent.conversation, sent.id, {"attachments": [attachment]}))
        return status, body

    # --- what the bot sent -----------------------------------------------------------------

    async def run_due(self, now: datetime) -> DeliveryReport:
        return await self.app[DELIVERER_KEY].run_due(now)

    def new(self) -> list[Sent]:
        """What the bot sent since the last look (the bot answers before its POST returns)."""
        calls = [c for c in self.connector.calls() if c.operation in ("send", "reply", "update", "create_conversation")]
        fresh = calls[self.seen :]
        self.seen = len(calls)
        sent = [
            Sent(
                call.operation,
                call.conversation_id or "",
                call.activity_id if call.operation == "update" else (call.response or {}).get("id"),
                call.body if isinstance(call.body, dict) else {},
            )
            for call in fresh
        ]
        self.history += sent
        return sent


def personal_conversation(person: Person) -> str:
    return PERSONAL_CONVERSATION_ID if person is METTE else PERSONAL_CONVERSATION_ID[:-8] + "JonasBrg"


def _kind_of(conversation: str) -> str:
    if conversation.startswith("a:"):
        return "personal"
    return "groupChat" if base_conversation(conversation) == GROUP_CHAT_ID else "channel"


def question(sent: list[Sent]) -> Sent:
    """The last card that still asks something: sent with buttons, not since updated."""
    latest: dict[str | None, Sent] = {}
    for item in sent:
        if item.card is not None:
            latest[item.id] = item
    found = [item for item in latest.values() if not item.operation.endswith("update") and item.buttons()]
    assert found, [item.text[:120] for item in sent]
    return found[-1]


async def start_bot(
    data_dir: Path,
    connector: FakeConnector,
    database_url: str = "",
    identity: FakeIdentity | None = None,
    host: str = "127.0.0.1",
    access_token: str = "",
) -> AsyncIterator[TeamsBot]:
    teams = TeamsConfig()
    if identity is not None:
        identity.add_app(APP_ID, "secret")
        teams = TeamsConfig(
            app_id=APP_ID,
            app_password="secret",
            openid_metadata_url=identity.openid_metadata_url,
            token_issuer="https://api.botframework.com",
            login_url=identity.login_url,
        )
    config = Config(
        data_dir=data_dir,
        database=DatabaseConfig(url=database_url),
        reminders=RemindersConfig(poll_seconds=3600),
        server=ServerConfig(host=host, access_token=access_token),
        teams=teams,
    )
    app = await make_app(config)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, host, 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    async with aiohttp.ClientSession() as session:
        try:
            yield TeamsBot(f"http://127.0.0.1:{port}", connector, app, session, identity)
        finally:
            await runner.cleanup()


async def answer(bot: TeamsBot, value: Any, person: Person = METTE) -> list[Sent]:
    """Answer the open question the way its card offers: a button with that label, or the
    card's field filled in (a list of labels, or None for all, to tick) and its button;
    returns what the bot sent after."""
    asked = question(bot.history)
    buttons = asked.buttons()
    label = next((b for b in buttons if isinstance(value, str) and b.split(". ", 1)[-1] == value), None)
    fields = card_inputs(asked.card)
    if label is not None:
        status, _ = await bot.press(asked, label, person)
    elif fields:
        filled: dict[str, Any] = {}
        for input_id, element in fields.items():
            if element["type"] == "Input.ChoiceSet":
                choices = element["choices"]
                wanted = [
                    c for c in choices if value is None or c["title"] in (value if isinstance(value, list) else [value])
                ]
                filled[input_id] = ",".join(c["value"] for c in wanted)
            elif element["type"] in ("Input.Text", "Input.Date"):
                filled[input_id] = value
        [submit] = [b for b in buttons if b in ("Svar", "Gem")]
        status, _ = await bot.press(asked, submit, person, filled)
    else:
        raise AssertionError(f"cannot answer {value!r} on {asked.text[:200]!r} with {list(buttons)}")
    assert status == 200
    return bot.new()
