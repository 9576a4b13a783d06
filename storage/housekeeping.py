"""Rows kept only for a while.

A processed event (see :class:`storage.models.ProcessedEvent`) answers a redelivery of
the same event: Slack retries within minutes, a browser resends at once. A week is far
beyond any of that, and a team that talks every day would otherwise add rows for good.
Like the outbox claim, this looks across workspaces (it runs in the reminder job).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import ProcessedEvent

EVENTS_KEPT = timedelta(days=7)


async def forget_old_events(session: AsyncSession, now: datetime, kept: timedelta = EVENTS_KEPT) -> int:
    """Delete the processed events older than ``kept``; how many went."""
    result = await session.execute(delete(ProcessedEvent).where(ProcessedEvent.at < now - kept))
    return int(result.rowcount or 0)  # type: ignore[attr-defined]
