"""The one aiohttp server: health check and the browser chat now, Slack and Teams later."""

from __future__ import annotations

from aiohttp import web

from bot.coach import Coach
from bot.config import Config
from bot.web import adapter as web_chat
from flows.loader import load_guides
from storage.db import Database

DB_KEY = web.AppKey("db", Database)


async def healthz(_request: web.Request) -> web.Response:
    return web.json_response({"status": "ok"})


async def make_app(config: Config) -> web.Application:
    """Load and check the guides, migrate the database, and wire the channels.

    A broken guide file raises :class:`flows.loader.GuideError` here, so the server
    refuses to start rather than strand a team halfway through a guide.
    """
    config.require_safe_binding()
    guides = load_guides(config.guides_dir)
    db = Database(config.database_url)
    await db.upgrade()
    app = web.Application(client_max_size=256 * 1024)
    app[DB_KEY] = db
    app.router.add_get("/healthz", healthz)
    web_chat.mount(app, Coach(db, guides, timezone=config.timezone), config.server.access_token)

    async def close_db(app: web.Application) -> None:
        await app[DB_KEY].dispose()

    app.on_cleanup.append(close_db)
    return app
