"""Admin queries that look across every workspace at once.

Everything else goes through :class:`storage.repository.WorkspaceRepo`, which only ever
sees one workspace. The queries here are deliberately not scoped: they answer questions
about the whole installation (for example at start-up) and return counts, never content.
"""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Project


async def guide_usage(session: AsyncSession) -> dict[str, int]:
    """How many projects, finished or not, use each guide id, across all workspaces.

    A deliberate cross-workspace admin query: a guide file serves every workspace, so
    removing it breaks projects wherever they are. Finished projects count too, because
    their answers and logbook are still shown through the guide.
    """
    query = select(Project.guide_id, func.count()).group_by(Project.guide_id)
    return {guide_id: count for guide_id, count in await session.execute(query)}
