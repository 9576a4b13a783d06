"""The browser chat as its own aiohttp sub-app, with its own guards.

Mounted at ``/chat`` on the one server. Its middlewares (security headers, Host and
cross-site checks, the access token) apply to the chat alone, so other channels mounted
beside it (Slack at ``/slack/events``, Teams at ``/api/messages``) authenticate their
own way and never meet the web token.
"""

from __future__ import annotations

import secrets
from pathlib import Path

from aiohttp import web
from itsdangerous import URLSafeTimedSerializer

from bot.channels.web import adapter
from bot.channels.web.channel import WEB_CHANNEL, WebChannel
from bot.channels.web.guard import HostPolicy, request_guard, security_headers
from bot.channels.web.hub import Hub
from bot.coach import Coach

STATIC = Path(__file__).parent / "static"
PREFIX = "/chat"
# Open without the token: a <script> tag cannot send one, and a download link is signed.
_OPEN = ("/static/", "/api/exports/")


def _require_token(token: str) -> web.Middleware:
    @web.middleware
    async def require_token(request: web.Request, handler: web.Handler) -> web.StreamResponse:
        if not token or any(request.path.startswith(PREFIX + part) for part in _OPEN):
            return await handler(request)
        scheme, _, given = request.headers.get("Authorization", "").partition(" ")
        if scheme.lower() != "bearer":
            given = request.query.get("token", "")
        if not secrets.compare_digest(given.strip().encode(), token.encode()):
            return adapter.error(request, 401, "error-unauthorized")
        return await handler(request)

    return require_token


async def _page(_request: web.Request) -> web.FileResponse:
    return web.FileResponse(STATIC / "index.html")


def chat_app(coach: Coach, access_token: str, hosts: HostPolicy) -> web.Application:
    """The chat sub-app; ``app[WEB_CHANNEL]`` is its :class:`WebChannel`, for the outbox
    worker to deliver to the same rooms the pages listen to."""
    app = web.Application(
        middlewares=[
            security_headers,
            request_guard(hosts, lambda request, status, key: adapter.error(request, status, key)),
            _require_token(access_token),
        ]
    )
    app[adapter.COACH] = coach
    app[adapter.HUB] = hub = Hub()
    app[WEB_CHANNEL] = WebChannel(hub)
    app[adapter.LINKS] = URLSafeTimedSerializer(secrets.token_bytes(32), salt="logbook-download")
    app.router.add_get("/", _page)
    app.router.add_static("/static", STATIC)
    app.router.add_post("/api/turn", adapter.turn)
    app.router.add_get("/api/events", adapter.events)
    app.router.add_get("/api/history", adapter.history)
    app.router.add_get("/api/progress", adapter.progress)
    app.router.add_get(r"/api/exports/{signed}.{format:md|csv|ics}", adapter.download)

    async def end_streams(_app: web.Application) -> None:
        hub.close()

    app.on_shutdown.append(end_streams)
    return app
