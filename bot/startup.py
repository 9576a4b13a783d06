"""Start-up checks that turn problems outside the code into one line saying what to do.

A missing database, a taken port, a data directory that cannot be written, a guide file
that is not UTF-8 or a guide file removed while projects still use it are mistakes in the
surroundings, not bugs: each is raised as :class:`StartupError`, which the CLI prints as
``outreach-coach: <message>`` with exit code 2. Only the exception types these problems
really raise are translated, so a bug elsewhere still shows its traceback.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from flows.loader import GUIDE_SUFFIX, default_guide_dir
from flows.model import Guide
from storage.db import Database
from storage.inventory import guide_usage


class StartupError(Exception):
    """The bot cannot start because of its surroundings; the message is one line for the operator."""


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
