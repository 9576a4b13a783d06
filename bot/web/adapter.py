"""The browser chat channel: turns JSON requests into :class:`Turn` and replies into JSON.

The local web workspace is one workspace (``web``/``local``); the ``conversation`` a page
sends plays the part of a channel, so several teams can share one server by room name.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from aiohttp import web
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from bot.coach import Coach
from bot.export import logbook_csv, logbook_markdown
from bot.i18n import Messages
from bot.replies import AnswerAction, Turn, to_json
from storage.repository import NotFound, WorkspaceRepo, get_or_create_workspace

STATIC = Path(__file__).parent / "static"
PLATFORM = "web"
WORKSPACE = "local"
COACH_KEY = web.AppKey("coach", Coach)
TOKEN_KEY = web.AppKey("access_token", str)
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


class AnswerIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    step: str = Field(max_length=64)
    value: Any = None
    skip: bool = False


class TurnIn(BaseModel):
    """What the page sends: exactly one of command, text or answer."""

    model_config = ConfigDict(extra="forbid")
    conversation: str = Field(default="web", min_length=1, max_length=100)
    user: str = Field(default="Gæst", min_length=1, max_length=100)
    lang: str = "da"
    command: str | None = Field(default=None, max_length=5000)
    text: str | None = Field(default=None, max_length=20000)
    answer: AnswerIn | None = None
    project_id: int | None = None


def _lang(request: web.Request) -> Messages:
    return Messages(request.query.get("lang", "da"))


def _error(status: type[web.HTTPException], message: str) -> web.HTTPException:
    return status(text=json.dumps({"error": message}, ensure_ascii=False), content_type="application/json")


@web.middleware
async def require_token(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Outside loopback the page and its API need the configured access token.

    The page's script and styles hold nothing private, and a ``<script>`` tag cannot send
    a token, so ``/static/`` is open; the page, the API and the downloads are not.
    """
    token = request.app[TOKEN_KEY]
    if not token or request.path == "/healthz" or request.path.startswith("/static/"):
        return await handler(request)
    given = request.query.get("token") or request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
    if not secrets.compare_digest(given.encode(), token.encode()):
        raise _error(web.HTTPUnauthorized, _lang(request)("error-unauthorized"))
    return await handler(request)


async def page(_request: web.Request) -> web.FileResponse:
    return web.FileResponse(STATIC / "index.html")


async def turn(request: web.Request) -> web.Response:
    try:
        body = TurnIn.model_validate(await request.json())
    except (ValueError, ValidationError) as error:
        reason = error.errors()[0]["msg"] if isinstance(error, ValidationError) else "invalid JSON"
        raise _error(web.HTTPBadRequest, _lang(request)("error-bad-request", reason=reason)) from None
    given = [body.command is not None, body.text is not None, body.answer is not None]
    if sum(given) != 1:
        reason = "send exactly one of command, text, answer"
        raise _error(web.HTTPBadRequest, Messages(body.lang)("error-bad-request", reason=reason))
    answer = AnswerAction(body.answer.step, body.answer.value, body.answer.skip) if body.answer else None
    incoming = Turn(
        platform=PLATFORM,
        workspace=WORKSPACE,
        conversation=body.conversation,
        user=body.user,
        command=body.command,
        text=body.text,
        answer=answer,
        project_id=body.project_id,
        lang="en" if body.lang == "en" else "da",
    )
    try:
        replies = await request.app[COACH_KEY].handle(incoming)
    except NotFound:
        raise _error(web.HTTPNotFound, Messages(incoming.lang)("error-not-found")) from None
    return web.json_response({"replies": [to_json(r) for r in replies]})


async def export(request: web.Request) -> web.Response:
    coach = request.app[COACH_KEY]
    t = _lang(request)
    try:
        project_id = int(request.match_info["project_id"])
    except ValueError:
        raise _error(web.HTTPNotFound, t("error-not-found")) from None
    conversation_id = request.query.get("conversation", "web")
    async with coach.db.session() as session, session.begin():
        workspace = await get_or_create_workspace(session, PLATFORM, WORKSPACE)
        repo = WorkspaceRepo(session, workspace)
        try:
            project = await repo.project(project_id)
            conversation = await repo.conversation_by_id(project.conversation_id)
        except NotFound:
            raise _error(web.HTTPNotFound, t("error-not-found")) from None
        if conversation.external_id != conversation_id:
            raise _error(web.HTTPNotFound, t("error-not-found"))
        book = await coach.logbook(repo, project, t.lang)
    fmt = request.match_info["format"]
    body = logbook_markdown(book, t) if fmt == "md" else logbook_csv(book, t)
    content_type = "text/markdown" if fmt == "md" else "text/csv"
    filename = f"logbook-{project.id}.{fmt}"
    return web.Response(
        text=body,
        content_type=content_type,
        charset="utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


def mount(app: web.Application, coach: Coach, access_token: str) -> None:
    app[COACH_KEY] = coach
    app[TOKEN_KEY] = access_token
    app.middlewares.append(require_token)
    app.router.add_get("/", page)
    app.router.add_static("/static", STATIC)
    app.router.add_post("/api/turn", turn)
    app.router.add_get(r"/api/projects/{project_id}/export.{format:md|csv}", export)
