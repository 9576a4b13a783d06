"""Queries, each scoped to one workspace.

:class:`WorkspaceRepo` is the only way the coach reads or writes project data, and it is
built for one workspace id: a project id from another workspace is simply not found.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import (
    Answer,
    AnswerHistory,
    AuditEvent,
    Conversation,
    NudgeRow,
    Project,
    Workspace,
    utcnow,
)


class NotFound(LookupError):
    """No such row in this workspace."""


async def find_workspace(session: AsyncSession, platform: str, external_id: str) -> Workspace:
    query = select(Workspace).where(Workspace.platform == platform, Workspace.external_id == external_id)
    found = (await session.execute(query)).scalar_one_or_none()
    if found is None:
        raise NotFound(f"{platform}/{external_id}")
    return found


async def get_or_create_workspace(
    session: AsyncSession, platform: str, external_id: str, name: str = "", timezone: str = "Europe/Copenhagen"
) -> Workspace:
    query = select(Workspace).where(Workspace.platform == platform, Workspace.external_id == external_id)
    found = (await session.execute(query)).scalar_one_or_none()
    if found:
        return found
    try:
        async with session.begin_nested():
            workspace = Workspace(platform=platform, external_id=external_id, name=name, timezone=timezone)
            session.add(workspace)
        return workspace
    except IntegrityError:  # created by a concurrent request a moment ago
        return (await session.execute(query)).scalar_one()


class WorkspaceRepo:
    def __init__(self, session: AsyncSession, workspace: Workspace) -> None:
        self.session = session
        self.workspace = workspace

    @property
    def workspace_id(self) -> int:
        return self.workspace.id

    # --- conversations -----------------------------------------------------------

    async def conversation(self, external_id: str, name: str = "") -> Conversation:
        query = select(Conversation).where(
            Conversation.workspace_id == self.workspace_id, Conversation.external_id == external_id
        )
        found = (await self.session.execute(query)).scalar_one_or_none()
        if found:
            return found
        try:
            async with self.session.begin_nested():
                conversation = Conversation(workspace_id=self.workspace_id, external_id=external_id, name=name)
                self.session.add(conversation)
            return conversation
        except IntegrityError:
            return (await self.session.execute(query)).scalar_one()

    async def conversation_by_id(self, conversation_id: int) -> Conversation:
        found = await self.session.get(Conversation, conversation_id)
        if found is None or found.workspace_id != self.workspace_id:
            raise NotFound(conversation_id)
        return found

    # --- projects ---------------------------------------------------------------------

    def _projects(self) -> Any:
        return select(Project).where(Project.workspace_id == self.workspace_id)

    async def projects(self, conversation_id: int | None = None) -> Sequence[Project]:
        """Most recently touched first, so the first is the conversation's current one."""
        query = self._projects().order_by(Project.focused_at.desc(), Project.id.desc())
        if conversation_id is not None:
            query = query.where(Project.conversation_id == conversation_id)
        return (await self.session.execute(query)).scalars().all()

    async def project(self, project_id: int) -> Project:
        query = self._projects().where(Project.id == project_id)
        found = (await self.session.execute(query)).scalar_one_or_none()
        if found is None:
            raise NotFound(project_id)
        return found

    async def focused_project(self, conversation_id: int) -> Project | None:
        """The conversation's current project: the one touched last."""
        query = (
            self._projects()
            .where(Project.conversation_id == conversation_id)
            .order_by(Project.focused_at.desc(), Project.id.desc())
            .limit(1)
        )
        return (await self.session.execute(query)).scalar_one_or_none()

    async def find_project(self, conversation_id: int, reference: str) -> Project | None:
        """A project of this conversation by number or (case-insensitive) name."""
        reference = reference.strip().lstrip("#")
        query = self._projects().where(Project.conversation_id == conversation_id)
        if reference.isdigit():
            query = query.where(Project.id == int(reference))
        else:
            query = query.where(func.lower(Project.name) == reference.lower())
        return (await self.session.execute(query.limit(1))).scalar_one_or_none()

    async def create_project(
        self,
        conversation: Conversation,
        name: str,
        guide_id: str,
        guide_version: int,
        owner: str,
        position: dict[str, Any],
        now: datetime,
    ) -> Project:
        project = Project(
            workspace_id=self.workspace_id,
            conversation_id=conversation.id,
            name=name,
            guide_id=guide_id,
            guide_version=guide_version,
            owner=owner,
            position=position,
            created_at=now,
            updated_at=now,
            focused_at=now,
        )
        self.session.add(project)
        await self.session.flush()
        return project

    async def delete_project(self, project: Project) -> None:
        # Explicit deletes, so no answer or pending nudge outlives its project even where
        # the database does not enforce ON DELETE CASCADE.
        for table in (NudgeRow, AnswerHistory, Answer):
            await self.session.execute(
                delete(table).where(table.workspace_id == self.workspace_id, table.project_id == project.id)
            )
        await self.session.delete(project)
        await self.session.flush()

    # --- answers ----------------------------------------------------------------------

    async def answers(self, project_id: int) -> dict[str, Answer]:
        query = select(Answer).where(Answer.workspace_id == self.workspace_id, Answer.project_id == project_id)
        return {a.step_id: a for a in (await self.session.execute(query)).scalars()}

    async def save_answer(self, project: Project, step_id: str, value: Any, author: str) -> None:
        query = select(Answer).where(
            Answer.workspace_id == self.workspace_id, Answer.project_id == project.id, Answer.step_id == step_id
        )
        existing = (await self.session.execute(query)).scalar_one_or_none()
        if existing is None:
            self.session.add(
                Answer(
                    workspace_id=self.workspace_id, project_id=project.id, step_id=step_id, value=value, author=author
                )
            )
            await self.add_history(project.id, step_id, "answered", value, None, author)
        else:
            old = existing.value
            existing.value, existing.author, existing.answered_at = value, author, utcnow()
            await self.add_history(project.id, step_id, "edited", value, old, author)

    async def add_history(
        self, project_id: int, step_id: str, action: str, value: Any, old_value: Any, author: str
    ) -> None:
        self.session.add(
            AnswerHistory(
                workspace_id=self.workspace_id,
                project_id=project_id,
                step_id=step_id,
                action=action,
                value=value,
                old_value=old_value,
                author=author,
                at=utcnow(),
            )
        )

    async def history(self, project_id: int) -> Sequence[AnswerHistory]:
        query = (
            select(AnswerHistory)
            .where(AnswerHistory.workspace_id == self.workspace_id, AnswerHistory.project_id == project_id)
            .order_by(AnswerHistory.at, AnswerHistory.id)
        )
        return (await self.session.execute(query)).scalars().all()

    # --- nudges -----------------------------------------------------------------------

    async def schedule_nudge(
        self,
        project: Project,
        key: str,
        *,
        kind: str,
        platform: str,
        conversation: str,
        due_at: datetime,
        payload: dict[str, Any],
        thread: str | None = None,
    ) -> NudgeRow:
        """Add a nudge, or move a pending one with the same key (a changed date)."""
        dedupe = f"{project.id}:{key}"
        query = select(NudgeRow).where(NudgeRow.workspace_id == self.workspace_id, NudgeRow.dedupe_key == dedupe)
        nudge = (await self.session.execute(query)).scalar_one_or_none()
        if nudge is None:
            nudge = NudgeRow(
                workspace_id=self.workspace_id,
                project_id=project.id,
                dedupe_key=dedupe,
                kind=kind,
                platform=platform,
                conversation=conversation,
                thread=thread,
                due_at=due_at,
                payload=payload,
                status="pending",
            )
            self.session.add(nudge)
        else:
            nudge.due_at, nudge.payload, nudge.status, nudge.attempts = due_at, payload, "pending", 0
            nudge.conversation, nudge.thread, nudge.lease_until = conversation, thread, None
        return nudge

    async def cancel_nudge(self, project: Project, key: str) -> None:
        query = select(NudgeRow).where(
            NudgeRow.workspace_id == self.workspace_id,
            NudgeRow.dedupe_key == f"{project.id}:{key}",
            NudgeRow.status == "pending",
        )
        for nudge in (await self.session.execute(query)).scalars():
            nudge.status = "cancelled"

    async def nudges(self, project_id: int) -> Sequence[NudgeRow]:
        query = (
            select(NudgeRow)
            .where(NudgeRow.workspace_id == self.workspace_id, NudgeRow.project_id == project_id)
            .order_by(NudgeRow.due_at)
        )
        return (await self.session.execute(query)).scalars().all()

    # --- audit ------------------------------------------------------------------------

    async def audit(self, project_id: int | None, actor: str, action: str, **detail: Any) -> None:
        self.session.add(
            AuditEvent(workspace_id=self.workspace_id, project_id=project_id, actor=actor, action=action, detail=detail)
        )

    async def audit_trail(self, project_id: int | None = None) -> Sequence[AuditEvent]:
        query = select(AuditEvent).where(AuditEvent.workspace_id == self.workspace_id)
        if project_id is not None:
            query = query.where(AuditEvent.project_id == project_id)
        return (await self.session.execute(query.order_by(AuditEvent.at, AuditEvent.id))).scalars().all()
