"""The browser chat's HTTP API: JSON requests become :class:`Turn`, replies go back as JSON.

The local web workspace is one workspace (``web``/``local``); the ``conversation`` a page
sends plays the part of a channel, so several teams can share one server by room name,
and everyone in a room sees the team's progress (see :mod:`bot.channels.web.hub`):
``api/events`` streams it as it happens, ``api/history`` gives a (re)loaded page what
came before, and ``api/progress`` says which project is the room's current one (each turn's
answer carries it too), so the page's header follows a switch or a delete.
"""

from __future__ import annotations

import asyncio
import json
from typing import Annotated, Any, Literal, Self

from aiohttp import web
from aiohttp_sse import EventSourceResponse
from itsdangerous import BadSignature, URLSafeTimedSerializer
from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError, model_validator

from bot.channels.web.guard import SECURITY_HEADERS, BodyError, cross_site, read_json
from bot.channels.web.hub import CLOSED, Event, Hub
from bot.channels.web.render import render
from bot.coach import Coach, UnknownProject
from bot.export import FORMATS
from bot.i18n import Messages, language
from bot.replies import Actor, AnswerAction, ExportReply, Turn
from storage.repository import MAX_ID

PLATFORM = "web"
WORKSPACE = "local"
MAX_BODY = 64 * 1024
LINK_SECONDS = 10 * 60  # a download link works for ten minutes
HEARTBEAT_SECONDS = 15.0
RECONNECT_MS = 2000  # the page waits this long before it opens a dropped stream again
COACH = web.AppKey("coach", Coach)
HUB = web.AppKey("hub", Hub)
LINKS = web.AppKey("links", URLSafeTimedSerializer)

Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
ClientId = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_-]{1,64}$")]
# A thread's or a message's id: made by this server (``web-…``) or by the page; it goes
# into the database and into HTML attributes, so only a safe charset.
MessageRef = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_.:-]{1,100}$")]


class AnswerIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    step: str = Field(max_length=64)
    value: Any = None
    skip: bool = False


class TurnIn(BaseModel):
    """What the page sends: exactly one of command, text or answer.

    A reply in a thread (a debrief) is ``text`` with ``thread`` and the page's own
    ``message_id``; editing it sends the same ``message_id`` with ``change: "edited"`` and
    the new text, deleting it ``change: "deleted"`` and no text.
    """

    model_config = ConfigDict(extra="forbid")
    conversation: Name = "web"
    user: Name = "Gæst"
    lang: str = "da"
    client: ClientId | None = None  # the page's id, so its own broadcast is not sent back to it
    event: ClientId | None = None  # the id of this action, so a resent request is answered once
    command: str | None = Field(default=None, max_length=5000)
    text: str | None = Field(default=None, max_length=20000)
    answer: AnswerIn | None = None
    project_id: int | None = Field(default=None, ge=1, le=MAX_ID)
    thread: MessageRef | None = None
    message_id: MessageRef | None = None
    change: Literal["new", "edited", "deleted"] = "new"

    @model_validator(mode="after")
    def _one_thing(self) -> Self:
        given = [name for name in ("command", "text", "answer") if getattr(self, name) is not None]
        if self.change != "new" and self.message_id is None:
            raise ValueError(f"an {self.change} message needs its message_id")
        if self.change == "deleted":
            if given:
                raise ValueError("a deleted message sends no command, text or answer")
            return self
        if len(given) != 1:
            raise ValueError("send exactly one of command, text, answer")
        if self.change == "edited" and given != ["text"]:
            raise ValueError("an edited message sends its new text")
        if self.thread is not None and given != ["text"]:
            raise ValueError("a reply in a thread is text")
        return self


class RoomIn(BaseModel):
    """Which room's history to read (``?conversation=...``)."""

    conversation: Name


class ListenerIn(RoomIn):
    """Who listens to which room's broadcast (``?conversation=...&client=...``)."""

    client: ClientId


def error(request: web.Request, status: int, key: str, **params: Any) -> web.Response:
    t = Messages(request.query.get("lang"))
    return web.json_response({"error": t.text(key, **params)}, status=status)


async def turn(request: web.Request) -> web.Response:
    try:
        raw = await read_json(request, max_bytes=MAX_BODY)
        body = TurnIn.model_validate(raw)
    except BodyError as problem:
        return error(request, problem.status, problem.key, reason=problem.detail)
    except ValidationError as invalid:
        first = invalid.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        return error(request, 400, "error-bad-request", reason=f"{where}: {first['msg']}" if where else first["msg"])
    incoming = Turn(
        platform=PLATFORM,
        workspace=WORKSPACE,
        conversation=body.conversation,
        actor=Actor(f"web:{body.user}", body.user),
        event_id=f"{body.client}:{body.event}" if body.event else None,
        command=body.command,
        text="" if body.change == "deleted" else body.text,  # a deleted message has no words left
        answer=AnswerAction(body.answer.step, body.answer.value, body.answer.skip) if body.answer else None,
        project_id=body.project_id,
        thread=body.thread,
        message_id=body.message_id,
        change=body.change,
        lang="en" if body.lang == "en" else "da",
    )
    try:
        outcome = await request.app[COACH].handle(incoming)
    except UnknownProject:
        return error(request, 404, "error-not-found")
    links = {
        reply.project_id: _export_links(request, reply.project_id, incoming)
        for reply in outcome.replies
        if isinstance(reply, ExportReply)
    }
    everyone = [reply for reply in outcome.replies if reply.audience == "conversation"]
    if (everyone or body.thread) and not outcome.repeated:
        event: dict[str, Any] = {"type": "turn", "actor": body.user, "replies": render(everyone, {})}
        if body.thread:  # what was written in a thread is part of it, as on any chat platform
            event["message"] = _thread_message(body)
        request.app[HUB].publish(body.conversation, body.client, event)
    progress = await _progress(request, body.conversation, incoming.lang)
    return web.json_response({"replies": render(outcome.replies, links), "progress": progress})


async def _progress(request: web.Request, room: str, lang: str) -> dict[str, Any] | None:
    """The room's current project as the page's header shows it, in the page's language."""
    found = await request.app[COACH].progress(PLATFORM, WORKSPACE, room, lang)
    return render([found], {})[0] if found else None


def _thread_message(body: TurnIn) -> dict[str, Any]:
    return {
        "thread": body.thread,
        "message_id": body.message_id,
        "change": body.change,
        "text": body.text,
        "by": body.user,
    }


def _export_links(request: web.Request, project_id: int, incoming: Turn) -> dict[str, str]:
    signed = request.app[LINKS].dumps({"p": project_id, "c": incoming.conversation, "l": incoming.lang})
    return {fmt: f"api/exports/{signed}.{fmt}" for fmt in FORMATS}


async def download(request: web.Request) -> web.Response:
    """A logbook through a signed, short-lived link: the link itself is the permission, so
    no access token ever goes into a URL."""
    try:
        claim = request.app[LINKS].loads(request.match_info["signed"], max_age=LINK_SECONDS)
        project_id, conversation, lang = int(claim["p"]), str(claim["c"]), language(claim["l"])
    except (BadSignature, KeyError, TypeError, ValueError):
        return error(request, 404, "error-link-expired")
    try:
        book = await request.app[COACH].logbook(PLATFORM, WORKSPACE, project_id, lang, conversation=conversation)
    except UnknownProject:
        return error(request, 404, "error-not-found")
    fmt = request.match_info["format"]
    export = FORMATS[fmt]
    return web.Response(
        text=export.render(book, Messages(lang)),
        content_type=export.content_type,
        charset="utf-8",
        headers={"Content-Disposition": f'attachment; filename="logbook-{project_id}.{fmt}"'},
    )


def _refuse_cross_site(request: web.Request) -> web.Response | None:
    """The room's conversation is read only by the page itself: a request another site's
    page made (which the guard lets through because GET changes nothing) is refused."""
    if cross_site(request, request.headers.get("Host", "")):
        return error(request, 403, "error-cross-site")
    return None


def _event_data(event: Event) -> dict[str, Any]:
    return {"id": event.id, **event.data}


def _room(request: web.Request) -> str | web.Response:
    """The room a page asks about (``?conversation=``), or the refusal to send: another
    site's request, or no room named."""
    refused = _refuse_cross_site(request)
    if refused:
        return refused
    try:
        return RoomIn.model_validate(dict(request.query)).conversation
    except ValidationError:
        return error(request, 400, "error-bad-request", reason="conversation is required")


async def history(request: web.Request) -> web.Response:
    """The room's recent events, oldest first, for a page that (re)loads."""
    room = _room(request)
    if isinstance(room, web.Response):
        return room
    kept = request.app[HUB].history(room)
    return web.json_response({"events": [_event_data(event) for event in kept]}, headers={"Cache-Control": "no-store"})


async def progress(request: web.Request) -> web.Response:
    """The room's current project for the header, in ``?lang=``: a page asks after another
    person's turn (which may have switched or deleted it) and when it changes language."""
    room = _room(request)
    if isinstance(room, web.Response):
        return room
    current = await _progress(request, room, language(request.query.get("lang")))
    return web.json_response({"progress": current}, headers={"Cache-Control": "no-store"})


async def events(request: web.Request) -> web.StreamResponse:
    """The room's broadcast as Server-Sent Events (``event: turn`` or ``delivered``, its
    ``id``, and the JSON in ``data``), with a ``: ping`` comment every 15 s so proxies keep
    an idle stream open.

    Server-Sent Events rather than a WebSocket: the stream only ever goes from server to
    page (the page's own turns are POSTs, with their cross-site guard and resend ids), it
    is plain HTTP that every proxy passes and the token middleware already checks, and
    ``Last-Event-ID`` lets a page that lost the stream say what it saw last, so it gets
    what it missed from the room's history. The page reads it with a streaming ``fetch``
    because ``EventSource`` cannot send the ``Authorization`` header.
    """
    refused = _refuse_cross_site(request)
    if refused:
        return refused
    try:
        listener = ListenerIn.model_validate(dict(request.query))
    except ValidationError:
        return error(request, 400, "error-bad-request", reason="conversation and client are required")
    room, client = listener.conversation, listener.client
    hub = request.app[HUB]
    # Nothing awaits between the two: an event is either missed (in history) or queued, never both.
    missed = hub.missed(room, client, request.headers.get("Last-Event-ID"))
    queue = hub.subscribe(room, client)
    # A stream sends its headers before the security middleware sees the response.
    stream = EventSourceResponse(headers=SECURITY_HEADERS, sep="\n", ping_interval=HEARTBEAT_SECONDS)
    try:
        await stream.prepare(request)
        async with stream:
            await stream.send("{}", event="ready", retry=RECONNECT_MS)
            for event in missed:
                await _send(stream, event)
            while stream.is_connected():
                try:
                    event = await asyncio.wait_for(queue.get(), HEARTBEAT_SECONDS)
                except TimeoutError:  # the ping task notices a page that went away
                    continue
                if event is CLOSED:
                    break
                await _send(stream, event)
    except (ConnectionResetError, TimeoutError):  # the page went away, or stopped reading
        pass
    finally:
        hub.unsubscribe(room, client, queue)
    return stream


async def _send(stream: EventSourceResponse, event: Event) -> None:
    await stream.send(json.dumps(event.data, ensure_ascii=False), id=event.id, event=str(event.data["type"]))
