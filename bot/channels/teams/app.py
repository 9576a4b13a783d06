"""The Teams bot as its own aiohttp sub-app: ``POST /api/messages``.

Its order of work is the point of this module, and why it does not use the stock
``CloudAdapter.process`` (which answers a body that is not JSON, an activity it cannot
read or a token it cannot check with a 500):

1. the body must be a JSON object with a ``type`` and a ``serviceUrl`` that botbuilder
   can read as an activity: else 400 (415 for another content type), before anything else;
2. the Bot Framework token is checked (botbuilder's own validation: signing keys,
   issuer, audience, expiry, the service URL claim): 401 for any failure, nothing
   processed. Without an app id the bot runs in the Bot Framework Emulator's mode, with
   no token, which a loopback bind alone allows: served on any other address without an
   app id, every request is refused;
3. the activity goes through the adapter to :class:`~bot.channels.teams.activities.TeamsBot`;
   an invoke is answered with its invoke response, anything else with 200.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import aiohttp
from aiohttp import web
from botbuilder.core import serializer_helper
from botbuilder.integration.aiohttp import CloudAdapter
from botbuilder.schema import Activity

from bot.channels.teams.activities import TeamsBot
from bot.channels.teams.activity_json import NotAnActivity, read_activity
from bot.channels.teams.channel import TeamsChannel
from bot.channels.teams.connectors import KEYS_EVERY_SECONDS, TeamsAuthentication
from bot.coach import Coach
from bot.config import TeamsConfig

log = logging.getLogger(__name__)

PREFIX = "/api"
MAX_BODY = 1024 * 1024  # Teams' activities are far smaller (a message is at most about 28 KB)
CLIENT_TIMEOUT = aiohttp.ClientTimeout(total=30, connect=10)  # a stuck connector must not hold a turn

TEAMS_CHANNEL = web.AppKey("teams_channel", TeamsChannel)


class _Teams:
    """The botbuilder parts, built on one connection pool."""

    def __init__(self, config: TeamsConfig, session: aiohttp.ClientSession) -> None:
        self.auth = TeamsAuthentication(config, session)
        self.adapter = CloudAdapter(self.auth)
        self.channel = TeamsChannel(self.adapter, config.app_id)


def teams_app(coach: Coach, config: TeamsConfig, loopback: bool) -> web.Application:
    """The sub-app to mount at :data:`PREFIX`; ``app[TEAMS_CHANNEL]`` is its outbox channel.
    ``loopback`` says the server listens on this machine only (the Emulator's mode is
    allowed there)."""
    session = aiohttp.ClientSession(timeout=CLIENT_TIMEOUT)
    teams = _Teams(config, session)
    app = web.Application(client_max_size=MAX_BODY)
    app[TEAMS_CHANNEL] = teams.channel
    if config.authenticated or loopback:
        app.router.add_post("/messages", _messages(teams, TeamsBot(coach)))
    else:
        log.warning("teams: no app id (teams.app_id or MicrosoftAppId): /api/messages refuses every request")
        app.router.add_post("/messages", _refuse)

    async def lifetime(_app: web.Application) -> AsyncIterator[None]:
        keys = asyncio.create_task(_keep_keys(teams.auth)) if config.authenticated else None
        yield
        if keys is not None:
            keys.cancel()
        await session.close()

    app.cleanup_ctx.append(lifetime)
    return app


async def _keep_keys(auth: TeamsAuthentication) -> None:
    while True:
        await auth.refresh_keys()
        await asyncio.sleep(KEYS_EVERY_SECONDS)


@asynccontextmanager
async def teams_channel(config: TeamsConfig) -> AsyncIterator[TeamsChannel]:
    """Teams for a process that only delivers reminders (``outreach-coach worker``)."""
    async with aiohttp.ClientSession(timeout=CLIENT_TIMEOUT) as session:
        yield _Teams(config, session).channel


def _messages(teams: _Teams, bot: TeamsBot) -> web.Handler:
    async def messages(request: web.Request) -> web.StreamResponse:
        if request.content_type != "application/json":
            return web.Response(status=415, text="an activity is sent as application/json")
        activity = _activity(await request.read())
        if activity is None:
            return web.Response(status=400, text="not a Bot Framework activity")
        try:
            authenticated = await teams.auth.authenticate_request(activity, request.headers.get("Authorization", ""))
        except Exception as error:  # noqa: BLE001 - any failure to check the token is a refusal, never a 5xx
            log.warning("teams: a request refused: %s", _why(error))
            return web.Response(status=401, text="not authenticated by the Bot Framework")
        invoke = await teams.adapter.process_activity(authenticated, activity, bot.on_turn)
        if invoke is None:
            return web.Response(status=200)
        if invoke.body is None:
            return web.Response(status=invoke.status)
        body = invoke.body if isinstance(invoke.body, dict) else serializer_helper(invoke.body)
        return web.json_response(body, status=invoke.status)

    return messages


async def _refuse(_request: web.Request) -> web.StreamResponse:
    return web.Response(status=401, text="Teams needs teams.app_id (MicrosoftAppId) on an address beyond this machine")


def _activity(body: bytes) -> Activity | None:
    try:
        data: Any = json.loads(body)
    except ValueError:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("type"), str) or not data["type"]:
        return None
    service_url = data.get("serviceUrl")  # where the replies go: every activity names it
    if not isinstance(service_url, str) or not service_url.startswith(("https://", "http://")):
        return None
    try:
        return read_activity(data)
    except NotAnActivity:
        return None


def _why(error: Exception) -> str:
    """The kind of failure, and botbuilder's own words for it (they name no token)."""
    return f"{type(error).__name__}: {str(error)[:200]}"
