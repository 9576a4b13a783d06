"""The one aiohttp server: health checks, and each channel mounted as its own sub-app."""

from __future__ import annotations

import dataclasses
import gc
import ipaddress
import secrets
from collections.abc import AsyncIterator, Mapping

from aiohttp import web

from bot import reminder_job
from bot.channels.slack.app import PREFIX as SLACK_PREFIX
from bot.channels.slack.app import SLACK_CHANNEL, slack_app
from bot.channels.teams.app import PREFIX as TEAMS_PREFIX
from bot.channels.teams.app import TEAMS_CHANNEL, teams_app
from bot.channels.web.app import PREFIX, chat_app
from bot.channels.web.channel import WEB_CHANNEL
from bot.channels.web.guard import HostPolicy
from bot.coach import Coach
from bot.config import Config
from bot.delivery import Channel
from bot.health import mount_health
from bot.reminder_job import make_deliverer
from bot.startup import StartupError, check_guides_in_use, open_database
from bot.worker import Deliverer, demo_time, stop_scheduler
from flows.loader import load_guides
from storage.db import Database

DB_KEY = web.AppKey("db", Database)
DELIVERER_KEY = web.AppKey("deliverer", Deliverer)


async def _to_chat(request: web.Request) -> web.StreamResponse:
    """The chat lives under /chat; the bare address (with its ?token=) leads there."""
    query = f"?{request.query_string}" if request.query_string else ""
    raise web.HTTPFound(f"{PREFIX}/{query}")


async def make_app(config: Config, delivery: Mapping[str, Channel] | None = None) -> web.Application:
    """Load and check the guides, migrate the database, mount the channels, and run the
    reminder outbox: for the browser chat, whose rooms only this process can reach, for
    Slack when it is configured (mounted at ``/slack``), for Teams (always mounted at
    ``/api/messages``, see :mod:`bot.channels.teams.app`), and for the platforms in
    ``delivery`` (with none for a platform, its reminders stay pending for a process that
    has one).

    A broken guide file raises :class:`flows.loader.GuideError` here, and a guide that
    projects still use but whose file is gone raises :class:`bot.startup.StartupError`,
    so the server refuses to start rather than strand a team halfway through a guide.
    """
    config.require_safe_binding()
    guides = load_guides(config.guides_dir)
    db = await open_database(config)
    try:
        await check_guides_in_use(db, guides, config.guides_dir)
    except StartupError:
        await db.dispose()
        raise
    app = web.Application(client_max_size=256 * 1024)
    app[DB_KEY] = db
    mount_health(app, db)
    app.router.add_get("/", _to_chat)
    coach = Coach(db, guides, timezone=config.timezone, reminders=config.reminders)
    hosts = HostPolicy(config.server.host, config.server.port, config.server.allowed_hosts)
    chat = chat_app(coach, config.server.access_token, hosts)
    app.add_subapp(PREFIX, chat)

    channels: dict[str, Channel] = {chat[WEB_CHANNEL].platform: chat[WEB_CHANNEL]}
    if config.slack.enabled:
        slack = await slack_app(coach, config.slack, db)
        app.add_subapp(SLACK_PREFIX, slack)
        channels[slack[SLACK_CHANNEL].platform] = slack[SLACK_CHANNEL]
    teams = teams_app(coach, config.teams, config.server.is_loopback)
    app.add_subapp(TEAMS_PREFIX, teams)
    channels[teams[TEAMS_CHANNEL].platform] = teams[TEAMS_CHANNEL]
    channels.update(delivery or {})
    deliverer = make_deliverer(db, channels, config.reminders)
    app[DELIVERER_KEY] = deliverer
    app.router.add_post("/admin/reminders/run-due", _admin_run_due(config))

    async def run_outbox(app: web.Application) -> AsyncIterator[None]:
        scheduler = reminder_job.start(deliverer, db, config)
        yield
        await stop_scheduler(scheduler, deliverer)

    async def close_db(app: web.Application) -> None:
        await app[DB_KEY].dispose()

    app.cleanup_ctx.append(run_outbox)  # stopped before the database closes (on_cleanup runs after)
    app.on_cleanup.append(close_db)
    app.on_startup.append(_settle_memory)
    return app


def _admin_run_due(config: Config) -> web.Handler:
    """``POST /admin/reminders/run-due?now=<ISO time>``: deliver what is due at that time, as
    ``outreach-coach reminders run-due --server`` asks, to move a demo's clock forward. Only
    from this machine, never from a browser (which names the page's ``Origin`` on every POST,
    so no web page, not even one whose name was rebound to 127.0.0.1, can make it), and with
    the access token when one is set."""

    async def run_due(request: web.Request) -> web.Response:
        if not _from_loopback(request) or "Origin" in request.headers or "Sec-Fetch-Site" in request.headers:
            raise web.HTTPForbidden(text="only from a command on this machine")
        token = config.server.access_token
        scheme, _, given = request.headers.get("Authorization", "").partition(" ")
        if token and not (scheme.lower() == "bearer" and secrets.compare_digest(given.encode(), token.encode())):
            raise web.HTTPUnauthorized(text="the access token is needed")
        try:
            now = demo_time(request.query["now"], config.timezone) if "now" in request.query else None
        except ValueError as error:
            raise web.HTTPBadRequest(text=str(error)) from None
        report = await request.app[DELIVERER_KEY].run_due(now)
        return web.json_response(dataclasses.asdict(report))

    return run_due


def _from_loopback(request: web.Request) -> bool:
    try:
        return request.remote is not None and ipaddress.ip_address(request.remote).is_loopback
    except ValueError:  # a Unix socket: no address to judge
        return False


async def _settle_memory(_app: web.Application) -> None:
    """Move everything built at start-up (guides, models, compiled statements) out of the
    garbage collector's sight: a full collection then scans only what turns allocate, so
    it no longer stalls a request for milliseconds."""
    gc.collect()
    gc.freeze()
