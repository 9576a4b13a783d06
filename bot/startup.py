"""Start-up checks that turn problems outside the code into one line saying what to do.

A missing database, a taken port, a data directory that cannot be written, a guide file
that is not UTF-8 or a guide file removed while projects still use it are mistakes in the
surroundings, not bugs: each is raised as :class:`StartupError`, which the CLI prints as
``outreach-coach: <message>`` with exit code 2. Only the exception types these problems
really raise are translated, so a bug elsewhere still shows its traceback.
"""

from __future__ import annotations

import errno
import socket
import tempfile
from collections.abc import Mapping
from pathlib import Path

from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from bot.config import ENV_PREFIX, Config
from flows.loader import GUIDE_SUFFIX, default_guide_dir
from flows.model import Guide
from storage.db import Database, failure_reason
from storage.inventory import guide_usage


class StartupError(Exception):
    """The bot cannot start because of its surroundings; the message is one line for the operator."""


def bind(host: str, port: int) -> list[socket.socket]:
    """Bind the server's sockets before any other start-up work, without listening yet.

    aiohttp's ``run_app`` binds only after the app is built, and reports a taken port as a
    bare ``OSError``; binding first reports it at once and in words. The sockets start
    listening only when the server is ready (pass them to ``run_app(sock=...)``), so until
    then a client is refused rather than left waiting.
    """
    try:
        found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except socket.gaierror as error:
        raise StartupError(
            f"cannot listen on '{host}' ({error.strerror}): set --host or server.host to an address of this machine"
        ) from error
    addresses = {address: family for family, _, _, _, address in found}
    sockets: list[socket.socket] = []
    try:
        for address, family in addresses.items():
            sock = socket.socket(family, socket.SOCK_STREAM)
            sockets.append(sock)
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as asyncio does: restart at once
            if family == socket.AF_INET6:
                sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
            sock.bind(address)
    except OSError as error:
        for sock in sockets:
            sock.close()
        problem = _bind_problems(host, port).get(error.errno or 0)
        if problem is None:
            raise
        raise StartupError(problem) from error
    return sockets


def _bind_problems(host: str, port: int) -> dict[int, str]:
    return {
        errno.EADDRINUSE: (
            f"port {port} on {host} is already in use (by another Outreach Coach?): "
            "stop that program or choose another port with --port or server.port"
        ),
        errno.EACCES: f"port {port} needs administrator rights: choose a port above 1023 with --port or server.port",
        errno.EADDRNOTAVAIL: f"{host} is not an address of this machine: choose another with --host or server.host",
    }


async def open_database(config: Config) -> Database:
    """The configured database, reachable and migrated to the newest schema; the caller disposes it.

    For SQLite the directory is created and proven writable first, because SQLite itself
    only says "unable to open database file". Connection and migration failures
    (SQLAlchemy's ``DBAPIError``; ``OSError`` for refused, unresolvable or silent servers,
    ``TimeoutError`` included) become a :class:`StartupError` naming the database without
    its password.
    """
    _prepare_sqlite_directory(config)
    db = Database(config.database_url)
    try:
        await db.upgrade()
    except (DBAPIError, OSError) as error:
        await db.dispose()
        if db.is_sqlite:
            hint = "is it a SQLite database file this user can write?"
        else:
            hint = f"is the server running, and is database.url (or {ENV_PREFIX}DATABASE_URL) right?"
        raise StartupError(f"cannot use the database {db.display_url} ({failure_reason(error)}): {hint}") from error
    except BaseException:
        await db.dispose()
        raise
    return db


def _prepare_sqlite_directory(config: Config) -> None:
    url = make_url(config.database_url)
    if url.get_backend_name() != "sqlite" or url.database in (None, "", ":memory:"):
        return
    directory = Path(url.database).parent
    try:
        directory.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=directory):
            pass
    except OSError as error:
        if config.database.url:
            fix = f"fix database.url (or {ENV_PREFIX}DATABASE_URL)"
        else:
            fix = f"set data_dir (or {ENV_PREFIX}DATA_DIR) to a directory this user can write"
        reason = "a file is in the way" if isinstance(error, FileExistsError) else error.strerror
        raise StartupError(f"cannot write the database in {directory} ({reason}): {fix}") from error


async def check_guides_in_use(db: Database, guides: Mapping[str, Guide], guides_dir: Path | None) -> None:
    """Refuse to start while any project uses a guide whose file is gone.

    The coach looks a project's guide up by id on every turn, so such a project would fail
    with a server error each time someone opened it. ``guides_dir`` is where the guides
    were loaded from (``None``: the shipped ones), to say where the file is missing.
    """
    async with db.session() as session:
        usage = await guide_usage(session)
    missing = sorted((guide_id, count) for guide_id, count in usage.items() if guide_id not in guides)
    if not missing:
        return
    directory = guides_dir or default_guide_dir()
    if len(missing) == 1:
        guide_id, count = missing[0]
        raise StartupError(
            f"guide '{guide_id}' is used by {_projects(count)} but its file is missing from {directory}: "
            f"restore {guide_id}{GUIDE_SUFFIX} there or set guides_dir to a directory that has it"
        )
    listed = ", ".join(f"'{guide_id}' ({_projects(count)})" for guide_id, count in missing)
    raise StartupError(
        f"guides {listed} are used but their files are missing from {directory}: "
        "restore them there or set guides_dir to a directory that has them"
    )


def _projects(count: int) -> str:
    return f"{count} project" if count == 1 else f"{count} projects"
