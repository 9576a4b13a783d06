"""The one aiohttp server: health checks, and each channel mounted as its own sub-app."""

from __future__ import annotations

import gc

from aiohttp import web

from bot.channels.web.app import PREFIX, chat_app
from bot.channels.web.guard import HostPolicy
from bot.coach import Coach
from bot.config import Config
from bot.health import mount_health
from bot.startup import StartupError, check_guides_in_use, open_database
from flows.loader import load_guides
from storage.db import Database

DB_KEY = web.AppKey("db", Database)


async def _to_chat(request: web.Request) -> web.StreamResponse:
    """The chat lives under /chat; the bare address (with its ?token=) leads there."""
    query = f"?{request.query_string}" if request.query_string else ""
    raise web.HTTPFound(f"{PREFIX}/{query}")


async def make_app(config: Config) -> web.Application:
    """Load and check the guides, migrate the database, and mount the channels.

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
    coach = Coach(db, guides, timezone=config.timezone)
    hosts = HostPolicy(config.server.host, config.server.port, config.server.allowed_hosts)
    app.add_subapp(PREFIX, chat_app(coach, config.server.access_token, hosts))

    async def close_db(app: web.Application) -> None:
        await app[DB_KEY].dispose()

    app.on_cleanup.append(close_db)
    app.on_startup.append(_settle_memory)
    return app


async def _settle_memory(_app: web.Application) -> None:
    """Move everything built at start-up (guides, models, compiled statements) out of the
    garbage collector's sight: a full collection then scans only what turns allocate, so
    it no longer stalls a request for milliseconds."""
    gc.collect()
    gc.freeze()
