"""Liveness and readiness endpoints for load balancers and orchestrators.

``/healthz`` answers whenever the process serves HTTP, so a restart is only triggered by a
hung process. ``/readyz`` also asks the database, so traffic is held back while the database
is down or frozen, without restarting a server that will recover on its own.
"""

from __future__ import annotations

from aiohttp import web
from sqlalchemy.exc import DBAPIError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError

from storage.db import Database, failure_reason

READY_TIMEOUT = 2.0
"""Seconds the database gets to answer ``select 1`` before the server counts as not ready."""

HEALTH_DB_KEY = web.AppKey("health_db", Database)


async def healthz(_request: web.Request) -> web.Response:
    """Liveness: the process is up and serving."""
    return web.json_response({"status": "ok"})


async def readyz(request: web.Request) -> web.Response:
    """Readiness: 200 when the database answers within :data:`READY_TIMEOUT`, else 503 with a short reason.

    The reason comes from :func:`storage.db.failure_reason`: no URL, password or SQL in it.
    """
    try:
        await request.app[HEALTH_DB_KEY].ping(READY_TIMEOUT)
    except (TimeoutError, PoolTimeoutError):  # the second: no pooled connection came free in time
        reason = f"database did not answer within {READY_TIMEOUT:g} s"
    except (DBAPIError, OSError) as error:
        reason = f"database: {failure_reason(error)}"
    else:
        return web.json_response({"status": "ready"})
    return web.json_response({"status": "unavailable", "reason": reason}, status=503)


def mount_health(app: web.Application, db: Database) -> None:
    """Add ``GET /healthz`` and ``GET /readyz`` to ``app``; ``/readyz`` pings ``db``."""
    app[HEALTH_DB_KEY] = db
    app.router.add_get("/healthz", healthz)
    app.router.add_get("/readyz", readyz)
