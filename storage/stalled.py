"""Find projects nobody has touched for a while and put a gentle nudge in the outbox.

Like the outbox claim, this looks across workspaces (it runs in the reminder job, not in
a team's turn). One row per project (``<project>:stalled``): it is re-armed only when the
team touched the project after the last such nudge and then fell quiet again, so a team
that stays away is nudged once, not every hour.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Conversation, NudgeRow, Project, Workspace

KIND = "stalled"

# (workspace, moment) -> the moment moved into that workspace's working hours
Shift = Callable[[Workspace, datetime], datetime]


async def schedule_stalled(session: AsyncSession, now: datetime, quiet: timedelta, shift: Shift) -> int:
    """Add or re-arm the stalled-project nudge of every unfinished project quiet for ``quiet``; how many."""
    query = (
        select(Project, Workspace, Conversation)
        .join(Workspace, Workspace.id == Project.workspace_id)
        .join(Conversation, Conversation.id == Project.conversation_id)
        .where(Project.finished.is_(False), Project.updated_at < now - quiet)
    )
    found = (await session.execute(query)).all()
    if not found:
        return 0
    keys = {f"{project.id}:{KIND}": project for project, _, _ in found}
    existing = {
        row.dedupe_key: row
        for row in (await session.execute(select(NudgeRow).where(NudgeRow.dedupe_key.in_(keys)))).scalars()
    }
    armed = 0
    for project, workspace, conversation in found:
        key = f"{project.id}:{KIND}"
        row = existing.get(key)
        # ``created_at`` is when the row was (re-)armed: a row armed after the team's last
        # touch has already nudged them about this quiet spell.
        if row is not None and (row.status == "pending" or row.created_at >= project.updated_at):
            continue  # waiting to go out, or already sent since the team was last here
        due = shift(workspace, now)
        if row is None:
            session.add(
                NudgeRow(
                    workspace_id=workspace.id,
                    project_id=project.id,
                    dedupe_key=key,
                    kind=KIND,
                    platform=workspace.platform,
                    conversation=conversation.external_id,
                    due_at=due,
                    payload={"days": quiet.days},
                    status="pending",
                    created_at=now,
                )
            )
        else:
            row.due_at, row.status, row.attempts, row.lease_until, row.created_at = due, "pending", 0, None, now
        armed += 1
    return armed
