"""What the browser chat pushes to a room: the coach's own messages (WebChannel), the
Server-Sent Events stream that carries them, the room's history for a page that reloads,
and the turns a debrief thread sends.

Most tests run the chat sub-app in-process with a coach stand-in that records each turn
it is handed and answers with the replies a test gives it, so they say exactly what the
adapter sends into ``Coach.handle``; one runs the real server end to end.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import aiohttp
import pytest
from aiohttp import web

from bot.channels.web import adapter
from bot.channels.web.app import chat_app
from bot.channels.web.channel import WEB_CHANNEL, WebChannel
from bot.channels.web.guard import HostPolicy
from bot.channels.web.hub import HISTORY_LIMIT, QUEUE_LIMIT, Hub
from bot.coach import Outcome
from bot.delivery import Failed, Sent, Target
from bot.replies import Reply, TextReply, Turn
from bot.richtext import Rich
from tests.conftest import free_port

TOKEN = "push-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}


@dataclass
class RecordingCoach:
    """Stands in for :class:`bot.coach.Coach`: keeps every turn, answers with ``answer``."""

    turns: list[Turn] = field(default_factory=list)
    answer: list[Reply] = field(default_factory=list)

    async def handle(self, turn: Turn) -> Outcome:
        self.turns.append(turn)
        return Outcome(self.answer)

    async def progress(self, platform: str, workspace: str, conversation: str, lang: str) -> None:
        """The page's header: the stand-in's rooms have no project."""
        return None


@dataclass
class Chat:
    url: str
    coach: RecordingCoach
    channel: WebChannel
    http: aiohttp.ClientSession

    async def post(self, **body: object) -> tuple[int, dict[str, Any]]:
        payload = {"conversation": "rum", "user": "Mette", **body}
        async with self.http.post(f"{self.url}/api/turn", json=payload, headers=AUTH) as response:
            return response.status, await response.json()

    async def get(self, path: str, **headers: str) -> aiohttp.ClientResponse:
        return await self.http.get(f"{self.url}{path}", headers={**AUTH, **headers})

    async def history(self, room: str = "rum") -> list[dict[str, Any]]:
        response = await self.get(f"/api/history?conversation={room}")
        assert response.status == 200
        return (await response.json())["events"]


@pytest.fixture
async def chat(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[Chat]:
    """The chat sub-app with a token, on a loopback port, around a recording coach."""
    monkeypatch.setattr(adapter, "HEARTBEAT_SECONDS", 0.3)
    port = free_port()
    coach = RecordingCoach()
    root = web.Application()
    sub = chat_app(coach, TOKEN, HostPolicy("127.0.0.1", port))  # type: ignore[arg-type]
    root.add_subapp("/chat", sub)
    runner = web.AppRunner(root, shutdown_timeout=1)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    try:
        async with aiohttp.ClientSession() as http:
            yield Chat(f"http://127.0.0.1:{port}/chat", coach, sub[WEB_CHANNEL], http)
    finally:
        await runner.cleanup()


# --- reading the stream the way the page does ---------------------------------------------


@dataclass
class Frame:
    """One Server-Sent Event as the stream framed it, or a comment (``: ping``)."""

    event: str | None = None
    id: str | None = None
    retry: str | None = None
    data: list[str] = field(default_factory=list)
    comments: list[str] = field(default_factory=list)

    def json(self) -> Any:
        return json.loads("\n".join(self.data))


class Stream:
    def __init__(self, response: aiohttp.ClientResponse) -> None:
        self.response = response

    async def frame(self, timeout: float = 5) -> Frame:
        """The next frame: lines up to a blank line."""
        frame = Frame()
        async with asyncio.timeout(timeout):
            while True:
                line = (await self.response.content.readline()).decode("utf-8")
                assert line, "the stream ended"
                if line == "\n":
                    return frame
                _read_line(frame, line.rstrip("\n"))

    async def until_end(self, timeout: float = 5) -> list[Frame]:
        """The events left before the server ends the stream."""
        async with asyncio.timeout(timeout):
            rest = (await self.response.content.read()).decode("utf-8")
        frames = []
        for block in rest.split("\n\n")[:-1]:
            frame = Frame()
            for line in block.split("\n"):
                _read_line(frame, line)
            frames.append(frame)
        return [frame for frame in frames if frame.event]

    async def event(self, timeout: float = 5) -> Frame:
        """The next real event within ``timeout``, past pings."""
        async with asyncio.timeout(timeout):
            while True:
                frame = await self.frame(timeout)
                if frame.event:
                    return frame


def _read_line(frame: Frame, line: str) -> None:
    name, _, value = line.partition(":")
    value = value.removeprefix(" ")
    if not name:
        frame.comments.append(value)
    elif name == "data":
        frame.data.append(value)
    else:
        setattr(frame, name, value)


async def listen(chat: Chat, client: str, room: str = "rum", **headers: str) -> Stream:
    response = await chat.get(f"/api/events?conversation={room}&client={client}", **headers)
    assert response.status == 200
    stream = Stream(response)
    ready = await stream.event()
    assert ready.event == "ready"
    return stream


def text(words: str, **placement: Any) -> TextReply:
    return TextReply(Rich.text(words), **placement)


def words(reply: dict[str, Any]) -> str:
    return "".join(part["text"] for block in reply["text"]["blocks"] for line in block["lines"] for part in line)


# --- the stream ----------------------------------------------------------------------------


async def test_the_stream_is_server_sent_events_with_a_retry_and_pings(chat: Chat) -> None:
    response = await chat.get("/api/events?conversation=rum&client=side-a")
    assert response.status == 200
    assert response.headers["Content-Type"].startswith("text/event-stream")
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    stream = Stream(response)
    ready = await stream.frame()
    assert ready.event == "ready" and ready.retry == str(adapter.RECONNECT_MS)
    ping = await stream.frame(timeout=2)
    assert ping.comments == ["ping"] and ping.event is None, "an idle stream says : ping now and then"


async def test_a_turn_reaches_the_others_in_the_room_as_an_event_but_not_the_sender(chat: Chat) -> None:
    mette, ali = await listen(chat, "side-mette"), await listen(chat, "side-ali")
    chat.coach.answer = [text("Projektet er startet"), text("Kun til dig", audience="asker")]
    status, body = await chat.post(command="start kommer-forbi", client="side-mette", event="e1")
    assert status == 200 and len(body["replies"]) == 2
    frame = await ali.event()
    assert frame.event == "turn" and frame.id
    data = frame.json()
    assert data["actor"] == "Mette"
    assert [words(reply) for reply in data["replies"]] == ["Projektet er startet"], "asker-only replies stay private"
    # Mette's own page drew the replies itself: her stream's next event is Ali's turn.
    await chat.post(command="status", user="Ali", client="side-ali", event="e1")
    assert (await mette.event()).json()["actor"] == "Ali"


async def test_a_page_that_reconnects_gets_what_it_missed_but_not_its_own_turns(chat: Chat) -> None:
    chat.coach.answer = [text("Første")]
    await chat.post(command="a", user="Ali", client="side-ali", event="e1")
    [first] = await chat.history()
    chat.coach.answer = [text("Anden")]
    await chat.post(command="b", user="Ali", client="side-ali", event="e2")
    chat.coach.answer = [text("Min egen")]
    await chat.post(command="c", client="side-mette", event="e1")
    chat.coach.answer = [text("Tredje")]
    await chat.post(command="d", user="Ali", client="side-ali", event="e3")

    stream = await listen(chat, "side-mette", **{"Last-Event-ID": first["id"]})
    caught_up = [words((await stream.event()).json()["replies"][0]) for _ in range(2)]
    assert caught_up == ["Anden", "Tredje"]

    # An id from before a restart (another epoch) means everything kept is new to the page.
    fresh = await listen(chat, "side-new", **{"Last-Event-ID": "0000-999"})
    assert words((await fresh.event()).json()["replies"][0]) == "Første"


async def test_a_resent_turn_is_not_broadcast_twice(chat: Chat) -> None:
    chat.coach.answer = [text("Svar")]
    await chat.post(text="ja", client="side-a", event="e1")

    async def repeated(turn: Turn) -> Outcome:
        return Outcome([text("Svar")], repeated=True)

    chat.coach.handle = repeated  # type: ignore[method-assign]
    await chat.post(text="ja", client="side-a", event="e1")
    assert len(await chat.history()) == 1


# --- history ---------------------------------------------------------------------------------


async def test_history_gives_a_reloading_page_the_room_so_far_oldest_first(chat: Chat) -> None:
    assert await chat.history() == [], "a fresh room has nothing to show"
    for n in range(3):
        chat.coach.answer = [text(f"Besked {n}")]
        await chat.post(command="x", client="side-a", event=f"e{n}")
    await chat.channel.deliver(Target("rum", None), [text("Påmindelse")])
    kept = await chat.history()
    assert [event["type"] for event in kept] == ["turn", "turn", "turn", "delivered"]
    assert [words(event["replies"][0]) for event in kept] == ["Besked 0", "Besked 1", "Besked 2", "Påmindelse"]
    assert len({event["id"] for event in kept}) == 4
    assert await chat.history("andet-rum") == [], "rooms do not see each other"


def test_history_keeps_only_the_recent_events() -> None:
    hub = Hub()
    for n in range(HISTORY_LIMIT + 5):
        hub.publish("rum", None, {"type": "delivered", "n": n})
    kept = hub.history("rum")
    assert len(kept) == HISTORY_LIMIT
    assert [event.data["n"] for event in kept[:2]] == [5, 6]


async def test_a_page_that_stops_reading_has_its_stream_ended_and_catches_up_after(chat: Chat) -> None:
    stalled = await listen(chat, "side-slow")
    await chat.channel.deliver(Target("rum", None), [text("Før")])
    seen = await stalled.event()
    for n in range(QUEUE_LIMIT + 1):  # delivered faster than the page reads
        await chat.channel.deliver(Target("rum", None), [text(f"Besked {n}")])
    assert await stalled.until_end() == [], "the stream ends rather than skip what did not fit"
    again = await listen(chat, "side-slow", **{"Last-Event-ID": seen.id or ""})
    caught_up = [words((await again.event()).json()["replies"][0]) for _ in range(HISTORY_LIMIT)]
    assert caught_up == [f"Besked {n}" for n in range(QUEUE_LIMIT + 1 - HISTORY_LIMIT, QUEUE_LIMIT + 1)]


@pytest.mark.parametrize("path", ["/api/history?conversation=rum", "/api/events?conversation=rum&client=c"])
async def test_history_and_stream_need_the_token(chat: Chat, path: str) -> None:
    async with chat.http.get(f"{chat.url}{path}") as response:
        assert response.status == 401
    async with chat.http.get(f"{chat.url}{path}", headers={"Authorization": "Bearer wrong"}) as response:
        assert response.status == 401


@pytest.mark.parametrize("path", ["/api/history?conversation=rum", "/api/events?conversation=rum&client=c"])
@pytest.mark.parametrize(
    "headers",
    [{"Sec-Fetch-Site": "cross-site"}, {"Origin": "http://evil.example"}, {"Sec-Fetch-Site": "same-site"}],
    ids=["cross-site", "foreign-origin", "same-site"],
)
async def test_another_sites_page_cannot_read_the_room(chat: Chat, path: str, headers: dict[str, str]) -> None:
    chat.coach.answer = [text("Hemmelig plan")]
    await chat.post(command="x", client="side-a", event="e1")
    response = await chat.get(path, **headers)
    assert response.status == 403
    assert "Hemmelig" not in await response.text()


async def test_history_without_a_room_is_a_clear_400(chat: Chat) -> None:
    response = await chat.get("/api/history")
    assert response.status == 400 and "conversation" in (await response.json())["error"]


# --- WebChannel.deliver ---------------------------------------------------------------------------


async def test_a_delivery_reaches_every_open_page_at_once(chat: Chat) -> None:
    pages = [await listen(chat, "side-1"), await listen(chat, "side-2")]
    elsewhere = await listen(chat, "side-3", room="andet-rum")
    result = await chat.channel.deliver(Target("rum", None, recipient="web:Ali"), [text("Husk mødet i morgen")])
    assert isinstance(result, Sent) and result.message_id
    for page in pages:
        frame = await page.event()
        data = frame.json()
        assert frame.event == "delivered"
        assert data["message_id"] == result.message_id and data["recipient"] == "Ali"
        assert words(data["replies"][0]) == "Husk mødet i morgen"
    with pytest.raises(TimeoutError):
        await elsewhere.event(timeout=0.8)


async def test_a_delivery_with_no_page_open_is_sent_and_waits_in_the_room(chat: Chat) -> None:
    result = await chat.channel.deliver(Target("tomt-rum", {"room": "tomt-rum"}), [text("Hvordan gik det?")])
    assert isinstance(result, Sent)
    [kept] = await chat.history("tomt-rum")
    assert kept["message_id"] == result.message_id


async def test_each_delivery_gets_its_own_id_and_thread_replies_carry_it(chat: Chat) -> None:
    opened = await chat.channel.deliver(Target("rum", None), [text("Debrief: hvordan gik det?")])
    again = await chat.channel.deliver(Target("rum", None), [text("Noget andet")])
    assert isinstance(opened, Sent) and isinstance(again, Sent) and opened.message_id != again.message_id
    await chat.channel.deliver(
        Target("rum", None, thread=opened.message_id),
        [text("Skriv jeres svar i tråden"), text("Andetsteds", thread="t-other")],
    )
    last = (await chat.history())[-1]
    assert [reply["thread"] for reply in last["replies"]] == [opened.message_id, "t-other"]


async def test_nothing_to_deliver_is_not_claimed_as_sent(chat: Chat) -> None:
    assert isinstance(await chat.channel.deliver(Target("rum", None), []), Failed)
    assert await chat.history() == []


# --- turns from a thread -------------------------------------------------------------------------


async def test_a_reply_in_a_thread_goes_to_the_coach_with_its_thread_and_message_id(chat: Chat) -> None:
    status, _ = await chat.post(text="Det gik godt, 14 kom", thread="web-0a1b", message_id="m-1", client="c1")
    assert status == 200
    [turn] = chat.coach.turns
    assert (turn.text, turn.thread, turn.message_id, turn.change) == ("Det gik godt, 14 kom", "web-0a1b", "m-1", "new")
    assert turn.command is None and turn.answer is None


async def test_an_edit_and_a_delete_name_the_message_they_change(chat: Chat) -> None:
    await chat.post(text="Det gik godt, 15 kom", thread="web-0a1b", message_id="m-1", change="edited")
    await chat.post(thread="web-0a1b", message_id="m-1", change="deleted")
    edited, deleted = chat.coach.turns
    assert (edited.change, edited.message_id, edited.text) == ("edited", "m-1", "Det gik godt, 15 kom")
    assert (deleted.change, deleted.message_id, deleted.text, deleted.thread) == ("deleted", "m-1", "", "web-0a1b")


async def test_the_room_sees_what_was_written_in_a_thread(chat: Chat) -> None:
    other = await listen(chat, "side-ali")
    chat.coach.answer = [text("Noteret", thread="web-0a1b")]
    await chat.post(text="Vi ses igen", thread="web-0a1b", message_id="m-7", client="side-mette", event="e1")
    data = (await other.event()).json()
    assert data["message"] == {
        "thread": "web-0a1b",
        "message_id": "m-7",
        "change": "new",
        "text": "Vi ses igen",
        "by": "Mette",
    }
    assert data["replies"][0]["thread"] == "web-0a1b"
    # Even when the coach says nothing to the room, the words in the thread reach it.
    chat.coach.answer = []
    await chat.post(thread="web-0a1b", message_id="m-7", change="deleted", client="side-mette", event="e2")
    assert (await other.event()).json()["message"]["change"] == "deleted"


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        ({"text": "x", "change": "edited"}, "needs its message_id"),
        ({"change": "deleted"}, "needs its message_id"),
        ({"text": "x", "message_id": "m-1", "change": "deleted"}, "sends no command"),
        ({"command": "status", "message_id": "m-1", "change": "edited"}, "new text"),
        ({"command": "status", "thread": "web-1"}, "thread is text"),
        ({"text": "x", "thread": "<script>"}, "thread"),
        ({"text": "x", "thread": "t" * 101}, "thread"),
        ({"text": "x", "thread": "t", "message_id": "m 1"}, "message_id"),
        ({"text": "x", "change": "moved", "message_id": "m-1"}, "change"),
        ({"text": "x", "command": "status"}, "exactly one"),
    ],
    ids=[
        "edit-without-id",
        "delete-without-id",
        "delete-with-text",
        "edit-a-command",
        "command-in-thread",
        "thread-markup",
        "thread-too-long",
        "message-id-space",
        "unknown-change",
        "two-things",
    ],
)
async def test_bad_thread_turns_get_a_clear_400_and_reach_no_coach(
    chat: Chat, body: dict[str, object], reason: str
) -> None:
    status, answer = await chat.post(**body)
    assert status == 400
    assert answer["error"].startswith("Forespørgslen kunne ikke læses") and reason in answer["error"]
    assert chat.coach.turns == []


# --- end to end on the real server --------------------------------------------------------------


async def test_the_real_server_streams_a_started_guide_and_keeps_it_for_a_reload(
    web_server: str, http: aiohttp.ClientSession
) -> None:
    base = f"{web_server}/chat"
    async with http.get(f"{base}/api/events?conversation=e2e&client=side-ali") as response:
        stream = Stream(response)
        assert (await stream.event()).event == "ready"
        async with http.post(
            f"{base}/api/turn",
            json={"conversation": "e2e", "user": "Mette", "client": "side-mette", "command": "start kommer-forbi Nord"},
        ) as started:
            assert started.status == 200
        data = (await stream.event()).json()
        assert data["actor"] == "Mette"
        assert {reply["type"] for reply in data["replies"]} >= {"progress", "question"}
    async with http.get(f"{base}/api/history?conversation=e2e") as response:
        [kept] = (await response.json())["events"]
    assert kept["replies"] == data["replies"]


async def test_the_real_coach_answers_a_reply_in_a_thread_it_does_not_know_inside_that_thread(
    web_server: str, http: aiohttp.ClientSession
) -> None:
    body = {"conversation": "e2e", "user": "Mette", "text": "Det gik godt", "thread": "web-0a1b", "message_id": "m-1"}
    async with http.post(f"{web_server}/chat/api/turn", json=body) as response:
        assert response.status == 200
        [reply] = (await response.json())["replies"]
    assert reply["thread"] == "web-0a1b" and reply["audience"] == "asker"
    assert "ikke gemt" in words(reply)
