"""The browser chat's HTTP API: JSON requests become :class:`Turn`, replies go back as JSON.

The local web workspace is one workspace (``web``/``local``); the ``conversation`` a page
sends plays the part of a channel, so several teams can share one server by room name,
and everyone in a room sees the team's progress (see :mod:`bot.channels.web.hub`).
"""

from __future__ import annotations

import asyncio
import json
from typing import Annotated, Any

from aiohttp import web
from itsdangerous import BadSignature, URLSafeTimedSerializer
from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError

from bot.channels.web.guard import SECURITY_HEADERS, BodyError, read_json
from bot.channels.web.hub import CLOSED, Hub
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
COACH = web.AppKey("coach", Coach)
HUB = web.AppKey("hub", Hub)
LINKS = web.AppKey("links", URLSafeTimedSerializer)

Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
ClientId = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_-]{1,64}$")]


class AnswerIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    step: str = Field(max_length=64)
    value: Any = None
    skip: bool = False


class TurnIn(BaseModel):
    """What the page sends: exactly one of command, text or answer."""

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


class ListenerIn(BaseModel):
    """Who listens to which room's broadcast (``?conversation=...&client=...``)."""

    conversation: Name
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
    if sum(given is not None for given in (body.command, body.text, body.answer)) != 1:
        return error(request, 400, "error-bad-request", reason="send exactly one of command, text, answer")
    incoming = Turn(
        platform=PLATFORM,
        workspace=WORKSPACE,
        conversation=body.conversation,
        actor=Actor(f"web:{body.user}", body.user),
        event_id=f"{body.client}:{body.event}" if body.event else None,
        command=body.command,
        text=body.text,
        answer=AnswerAction(body.answer.step, body.answer.value, body.answer.skip) if body.answer else None,
        project_id=body.project_id,
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
    if everyone and not outcome.repeated:
        event = {"type": "turn", "actor": body.user, "replies": render(everyone, {})}
        request.app[HUB].publish(body.conversation, body.client, event)
    return web.json_response({"replies": render(outcome.replies, links)})


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


async def events(request: web.Request) -> web.StreamResponse:
    """The room's broadcast: one JSON object per line, a blank line now and then to keep
    proxies from closing an idle stream."""
    try:
        listener = ListenerIn.model_validate(dict(request.query))
    except ValidationError:
        return error(request, 400, "error-bad-request", reason="conversation and client are required")
    room, client = listener.conversation, listener.client
    hub = request.app[HUB]
    queue = hub.subscribe(room, client)
    # A stream sends its headers before the security middleware sees the response.
    headers = {**SECURITY_HEADERS, "Content-Type": "application/x-ndjson", "Cache-Control": "no-store"}
    response = web.StreamResponse(headers=headers)
    await response.prepare(request)
    try:
        while True:
            try:
                event = await asyncio.wait_for(queue.get(), HEARTBEAT_SECONDS)
            except TimeoutError:
                await response.write(b"\n")
                continue
            if event is CLOSED:
                break
            await response.write(json.dumps(event, ensure_ascii=False).encode() + b"\n")
    except ConnectionResetError:  # the page went away
        pass
    finally:
        hub.unsubscribe(room, client, queue)
    return response
