"""Queries, each scoped to one workspace.

:class:`WorkspaceRepo` is the only way the coach reads or writes project data, and it is
built for one workspace id: a project id from another workspace is simply not found.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import and_, bindparam, false, func, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.attributes import set_committed_value

from storage.models import (
    AnswerHistory,
    AuditEvent,
    Conversation,
    Debrief,
    JournalEntry,
    NudgeRow,
    ProcessedEvent,
    Project,
    Workspace,
)
from storage.precompiled import Precompiled, PrecompiledRead

# Ids are 32-bit on PostgreSQL's INTEGER columns; a larger number can name no row.
MAX_ID = 2**31 - 1


# The statements every answer runs, built once: building and keying a statement per call
# costs about as much as sending it; on PostgreSQL they go to the driver as compiled, the
# writes together as one statement (storage.precompiled).
_PROJECTS = Project.__table__
# A project of a conversation, with whether the conversation is active: every answer reads
# its project, so a turn learns that without a statement of its own (TurnContext.project).
_IN_CONVERSATION = (
    select(Project, Conversation.active)
    .join(Conversation, Conversation.id == Project.conversation_id)
    .where(Project.workspace_id == bindparam("workspace"), Project.conversation_id == bindparam("conversation"))
)
_FOCUSED = PrecompiledRead(Project, _IN_CONVERSATION.order_by(Project.focused_at.desc(), Project.id.desc()).limit(1))
_PROJECT = PrecompiledRead(
    Project, select(Project).where(Project.workspace_id == bindparam("workspace"), Project.id == bindparam("project"))
)
_PROJECT_IN = PrecompiledRead(Project, _IN_CONVERSATION.where(Project.id == bindparam("project")))
_SAVE_STATE = Precompiled(
    update(_PROJECTS)
    .where(_PROJECTS.c.id == bindparam("project"), _PROJECTS.c.version == bindparam("expected"))
    .values(
        answers=bindparam("answers"),
        position=bindparam("position"),
        finished=bindparam("finished"),
        focused_at=bindparam("now"),
        updated_at=bindparam("now"),
        version=bindparam("next_version"),
    )
)
_ADD_HISTORY = Precompiled(
    insert(AnswerHistory.__table__),
    ["workspace_id", "project_id", "step_id", "action", "value", "old_value", "author", "at"],
)
_REMEMBER_EVENT = Precompiled(insert(ProcessedEvent.__table__), ["workspace_id", "event_id", "replies", "at"])

_CONVERSATIONS = Conversation.__table__
REASON_LENGTH = 500  # the size of conversations.inactive_reason
GONE = (
    update(_CONVERSATIONS)
    .where(
        _CONVERSATIONS.c.workspace_id == bindparam("gone_workspace"),
        _CONVERSATIONS.c.external_id == bindparam("gone_conversation"),
    )
    .values(active=False, inactive_reason=bindparam("gone_reason"))
)
"""Marks a conversation inactive (values from :func:`gone_values`). Built once, as the outbox
writes it with a batch of delivery results (:func:`storage.outbox.record`)."""


def gone_values(workspace_id: int, external_id: str, reason: str) -> dict[str, Any]:
    """The values of :data:`GONE` for one conversation."""
    return {"gone_workspace": workspace_id, "gone_conversation": external_id, "gone_reason": reason[:REASON_LENGTH]}


class NotFound(LookupError):
    """No such row in this workspace."""


@dataclass(frozen=True)
class WorkspaceRef:
    """What a turn needs of its workspace; small and immutable, so callers can cache it."""

    id: int
    timezone: str
    work_days: str = "12345"
    work_start: str = "09:00"
    work_end: str = "15:00"


@dataclass(frozen=True)
class WorkingHours:
    """The hours a new workspace starts with (from the deployment's configuration)."""

    days: str = "12345"
    start: str = "09:00"
    end: str = "15:00"


def _workspace_ref(found: Workspace) -> WorkspaceRef:
    return WorkspaceRef(found.id, found.timezone, found.work_days, found.work_start, found.work_end)


@dataclass(frozen=True)
class ConversationRef:
    """What a turn needs of its conversation. ``active`` is False while the bot cannot reach
    it (see :attr:`storage.models.Conversation.active`), and None where that is not known:
    a ref kept from an earlier turn, as the outbox may have marked it inactive since."""

    id: int
    external_id: str
    address: dict[str, Any] | None
    lang: str
    name: str = ""
    active: bool | None = True


async def find_workspace(session: AsyncSession, platform: str, external_id: str) -> WorkspaceRef:
    query = select(Workspace).where(Workspace.platform == platform, Workspace.external_id == external_id)
    found = (await session.execute(query)).scalar_one_or_none()
    if found is None:
        raise NotFound(f"{platform}/{external_id}")
    return _workspace_ref(found)


async def ensure_workspace(
    session: AsyncSession,
    platform: str,
    external_id: str,
    name: str = "",
    timezone: str = "Europe/Copenhagen",
    hours: WorkingHours = WorkingHours(),
) -> WorkspaceRef:
    try:
        return await find_workspace(session, platform, external_id)
    except NotFound:
        pass
    try:
        async with session.begin_nested():
            workspace = Workspace(
                platform=platform,
                external_id=external_id,
                name=name,
                timezone=timezone,
                work_days=hours.days,
                work_start=hours.start,
                work_end=hours.end,
            )
            session.add(workspace)
        return _workspace_ref(workspace)
    except IntegrityError:  # created by a concurrent request a moment ago
        return await find_workspace(session, platform, external_id)


def _ref(conversation: Conversation) -> ConversationRef:
    return ConversationRef(
        conversation.id,
        conversation.external_id,
        conversation.address,
        conversation.lang,
        conversation.name,
        conversation.active,
    )


_POSTED_DEBRIEF = (
    select(Debrief)
    .join(
        NudgeRow,
        and_(
            NudgeRow.workspace_id == Debrief.workspace_id,
            NudgeRow.project_id == Debrief.project_id,
            NudgeRow.kind == "debrief-thread",
            NudgeRow.payload["step"].as_string() == Debrief.step,
        ),
    )
    .where(
        Debrief.workspace_id == bindparam("workspace"),
        Debrief.conversation == bindparam("conversation"),
        Debrief.closed_at.is_(None),
        NudgeRow.conversation == bindparam("conversation"),
        NudgeRow.status == "sent",
    )
    .order_by(NudgeRow.sent_at.desc(), NudgeRow.id.desc())
    .limit(1)
)
"""Built once: every message in a chat without threads asks it (see :meth:`WorkspaceRepo.posted_debrief`)."""


class WorkspaceRepo:
    def __init__(self, session: AsyncSession, workspace_id: int) -> None:
        self.session = session
        self.workspace_id = workspace_id

    # --- conversations -----------------------------------------------------------

    async def find_conversation(self, external_id: str) -> ConversationRef | None:
        query = select(Conversation).where(
            Conversation.workspace_id == self.workspace_id, Conversation.external_id == external_id
        )
        found = (await self.session.execute(query)).scalar_one_or_none()
        return _ref(found) if found else None

    async def conversations_among(self, external_ids: Sequence[str]) -> list[ConversationRef]:
        """The conversations of this workspace whose ids are in ``external_ids`` (a person's
        channels), in no particular order."""
        if not external_ids:
            return []
        query = select(Conversation).where(
            Conversation.workspace_id == self.workspace_id, Conversation.external_id.in_(list(external_ids))
        )
        return [_ref(found) for found in (await self.session.execute(query)).scalars()]

    async def ensure_conversation(
        self, external_id: str, name: str, address: dict[str, Any] | None, lang: str
    ) -> ConversationRef:
        """The conversation, created on first sight; its address and language kept current."""
        query = select(Conversation).where(
            Conversation.workspace_id == self.workspace_id, Conversation.external_id == external_id
        )
        found = (await self.session.execute(query)).scalar_one_or_none()
        if found is None:
            try:
                async with self.session.begin_nested():
                    found = Conversation(
                        workspace_id=self.workspace_id, external_id=external_id, name=name, address=address, lang=lang
                    )
                    self.session.add(found)
                return _ref(found)
            except IntegrityError:
                found = (await self.session.execute(query)).scalar_one()
        if (address is not None and found.address != address) or found.lang != lang:
            found.address = address if address is not None else found.address
            found.lang = lang
        return _ref(found)

    async def update_conversation(self, conversation_id: int, address: dict[str, Any] | None, lang: str) -> None:
        """A turn's new address and language for the conversation; the turn came from it, so
        it is active (again) too."""
        values: dict[str, Any] = {"lang": lang, "active": True, "inactive_reason": None}
        if address is not None:
            values["address"] = address
        await self.session.execute(
            update(Conversation)
            .where(Conversation.workspace_id == self.workspace_id, Conversation.id == conversation_id)
            .values(**values)
        )

    async def reactivate_conversation(self, conversation_id: int) -> None:
        """Make the conversation active again if it was not: a turn came from it. Writes
        nothing when it is active."""
        await self.session.execute(
            update(Conversation)
            .where(
                Conversation.workspace_id == self.workspace_id,
                Conversation.id == conversation_id,
                Conversation.active == false(),
            )
            .values(active=True, inactive_reason=None)
        )

    async def conversation_gone(self, external_id: str, reason: str) -> None:
        """Mark the conversation inactive (nothing happens when there is no such conversation)."""
        await self.session.execute(GONE, gone_values(self.workspace_id, external_id, reason))

    # --- projects ---------------------------------------------------------------------

    def _projects(self) -> Any:
        return select(Project).where(Project.workspace_id == self.workspace_id)

    async def projects(self, conversation_id: int | None = None) -> Sequence[Project]:
        """Most recently touched first, so the first is the conversation's current one."""
        query = self._projects().order_by(Project.focused_at.desc(), Project.id.desc())
        if conversation_id is not None:
            query = query.where(Project.conversation_id == conversation_id)
        return (await self.session.execute(query)).scalars().all()

    async def project(self, project_id: int, conversation_id: int | None = None) -> Project:
        """A project of this workspace (and of that conversation, when given), else NotFound."""
        if not 1 <= project_id <= MAX_ID:
            raise NotFound(project_id)
        params = {"workspace": self.workspace_id, "project": project_id, "conversation": conversation_id}
        query = _PROJECT if conversation_id is None else _PROJECT_IN
        found = await query.one_or_none(self.session, params)
        if found is None:
            raise NotFound(project_id)
        return found

    async def focused_project(self, conversation_id: int) -> Project | None:
        """The conversation's current project: the one touched last."""
        params = {"workspace": self.workspace_id, "conversation": conversation_id}
        return await _FOCUSED.one_or_none(self.session, params)

    async def turn_project(self, conversation_id: int, project_id: int | None) -> tuple[Project, bool] | None:
        """Project ``project_id`` of the conversation, else the conversation's current one,
        with whether the conversation is active: both in the one read a turn makes anyway.
        None when there is no such project."""
        if project_id is not None and not 1 <= project_id <= MAX_ID:
            return None
        params = {"workspace": self.workspace_id, "conversation": conversation_id, "project": project_id}
        found = await (_FOCUSED if project_id is None else _PROJECT_IN).row_or_none(self.session, params)
        if found is None:
            return None
        project, (active,) = found
        return project, active

    async def find_project(self, conversation_id: int, number: int | None, name: str) -> Project | None:
        """A project of this conversation by number, else by (case-insensitive) name."""
        query = self._projects().where(Project.conversation_id == conversation_id)
        if number is not None:
            if not 1 <= number <= MAX_ID:
                return None
            query = query.where(Project.id == number)
        else:
            query = query.where(func.lower(Project.name) == name.lower())
        return (await self.session.execute(query.limit(1))).scalar_one_or_none()

    async def create_project(
        self,
        conversation_id: int,
        name: str,
        guide_id: str,
        guide_version: int,
        owner: str,
        position: dict[str, Any],
        now: datetime,
    ) -> Project:
        project = Project(
            workspace_id=self.workspace_id,
            conversation_id=conversation_id,
            name=name,
            guide_id=guide_id,
            guide_version=guide_version,
            owner=owner,
            answers={},
            position=position,
            created_at=now,
            updated_at=now,
            focused_at=now,
        )
        self.session.add(project)
        await self.session.flush()
        return project

    async def save_state(
        self, project: Project, answers: dict[str, Any], position: dict[str, Any], finished: bool, now: datetime
    ) -> None:
        """Write a project's state in one UPDATE under its version check, and claim the row.

        A plain statement rather than the ORM's unit of work: this runs on every answer,
        and the flush machinery costs more than the round trip. A concurrent writer that
        got there first makes this raise StaleDataError, as the ORM's own check would: at
        once, or on PostgreSQL when the claim is sent with the writes after it
        (storage.precompiled), before anything else runs.
        """
        params = {
            "project": project.id,
            "expected": project.version,
            "answers": answers,
            "position": position,
            "finished": finished,
            "now": now,
            "next_version": project.version + 1,
        }
        await _SAVE_STATE.claim(self.session, params)
        saved = {"answers": answers, "position": position, "finished": finished, "focused_at": now, "updated_at": now}
        for key, value in {**saved, "version": project.version + 1}.items():
            set_committed_value(project, key, value)

    async def delete_project(self, project: Project) -> None:
        """Delete the project row first, under its version check, so a concurrent answer
        (which also writes that row first) waits for it or fails cleanly; the database's
        ON DELETE CASCADE then removes its history and reminders."""
        await self.session.delete(project)
        await self.session.flush()

    # --- history ----------------------------------------------------------------------

    async def add_history(
        self, project_id: int, step_id: str, action: str, value: Any, old_value: Any, author: str, at: datetime
    ) -> None:
        await _ADD_HISTORY.write(
            self.session,
            {
                "workspace_id": self.workspace_id,
                "project_id": project_id,
                "step_id": step_id,
                "action": action,
                "value": value,
                "old_value": old_value,
                "author": author,
                "at": at,
            },
        )

    async def history(self, project_id: int) -> Sequence[AnswerHistory]:
        query = (
            select(AnswerHistory)
            .where(AnswerHistory.workspace_id == self.workspace_id, AnswerHistory.project_id == project_id)
            .order_by(AnswerHistory.at, AnswerHistory.id)
        )
        return (await self.session.execute(query)).scalars().all()

    # --- journal ----------------------------------------------------------------------

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
        recipient: str | None = None,
    ) -> NudgeRow:
        """Add a nudge, or move the one with the same key (a changed date) back to pending."""
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
                recipient=recipient,
            )
            self.session.add(nudge)
        else:
            nudge.due_at, nudge.payload, nudge.status, nudge.attempts = due_at, payload, "pending", 0
            nudge.conversation, nudge.thread, nudge.lease_until = conversation, thread, None
            nudge.recipient, nudge.last_error = recipient, None
        return nudge

    async def cancel_pending(self, project: Project, keep_kinds: tuple[str, ...] = ()) -> None:
        """Cancel every pending reminder of a project (it finished), except the kinds kept."""
        await self.session.execute(
            update(NudgeRow)
            .where(
                NudgeRow.workspace_id == self.workspace_id,
                NudgeRow.project_id == project.id,
                NudgeRow.status == "pending",
                NudgeRow.kind.not_in(keep_kinds),
            )
            .values(status="cancelled")
        )

    async def cancel_nudge(self, project: Project, key: str) -> None:
        await self.session.execute(
            update(NudgeRow)
            .where(
                NudgeRow.workspace_id == self.workspace_id,
                NudgeRow.dedupe_key == f"{project.id}:{key}",
                NudgeRow.status == "pending",
            )
            .values(status="cancelled")
        )

    async def nudge(self, nudge_id: int, conversation_id: int | None = None) -> NudgeRow:
        """A reminder of this workspace (and of a project in that conversation, when given)."""
        if not 1 <= nudge_id <= MAX_ID:
            raise NotFound(nudge_id)
        query = select(NudgeRow).where(NudgeRow.workspace_id == self.workspace_id, NudgeRow.id == nudge_id)
        if conversation_id is not None:
            query = query.join(Project, Project.id == NudgeRow.project_id).where(
                Project.conversation_id == conversation_id
            )
        found = (await self.session.execute(query)).scalar_one_or_none()
        if found is None:
            raise NotFound(nudge_id)
        return found

    async def nudge_for_message(self, conversation: str, message_id: str) -> NudgeRow | None:
        """The reminder whose delivered message is ``message_id`` (a debrief's thread)."""
        query = select(NudgeRow).where(
            NudgeRow.workspace_id == self.workspace_id,
            NudgeRow.conversation == conversation,
            NudgeRow.message_id == message_id,
        )
        return (await self.session.execute(query.limit(1))).scalar_one_or_none()

    async def nudges(self, project_id: int) -> Sequence[NudgeRow]:
        query = (
            select(NudgeRow)
            .where(NudgeRow.workspace_id == self.workspace_id, NudgeRow.project_id == project_id)
            .order_by(NudgeRow.due_at)
        )
        return (await self.session.execute(query)).scalars().all()

    # --- the journal and debriefs --------------------------------------------------------

    async def add_journal(
        self,
        project_id: int,
        kind: str,
        author: str,
        text: str,
        at: datetime,
        *,
        step: str | None = None,
        message_id: str | None = None,
        data: dict[str, Any] | None = None,
    ) -> JournalEntry:
        entry = JournalEntry(
            workspace_id=self.workspace_id,
            project_id=project_id,
            kind=kind,
            author=author,
            text=text,
            at=at,
            step=step,
            message_id=message_id,
            data=data,
        )
        self.session.add(entry)
        await self.session.flush()
        return entry

    async def journal_entry(self, message_id: str) -> JournalEntry | None:
        """The entry that came from the channel's message ``message_id``."""
        query = select(JournalEntry).where(
            JournalEntry.workspace_id == self.workspace_id, JournalEntry.message_id == message_id
        )
        return (await self.session.execute(query)).scalar_one_or_none()

    async def remove_journal(self, entry: JournalEntry) -> None:
        await self.session.delete(entry)

    async def journal(self, project_id: int, kind: str | None = None) -> Sequence[JournalEntry]:
        """The project's journal entries (notes, debrief replies, tasks), oldest first; of one kind if given."""
        query = select(JournalEntry).where(
            JournalEntry.workspace_id == self.workspace_id, JournalEntry.project_id == project_id
        )
        if kind is not None:
            query = query.where(JournalEntry.kind == kind)
        return (await self.session.execute(query.order_by(JournalEntry.at, JournalEntry.id))).scalars().all()

    async def open_debrief(self, project_id: int, step: str, conversation: str, at: datetime) -> Debrief:
        """The debrief of ``step``, opened (again, when the guide calls for it anew)."""
        query = select(Debrief).where(
            Debrief.workspace_id == self.workspace_id, Debrief.project_id == project_id, Debrief.step == step
        )
        debrief = (await self.session.execute(query)).scalar_one_or_none()
        if debrief is None:
            debrief = Debrief(
                workspace_id=self.workspace_id, project_id=project_id, step=step, conversation=conversation
            )
            self.session.add(debrief)
        debrief.opened_at, debrief.closed_at, debrief.thread = at, None, None
        await self.session.flush()
        return debrief

    async def debrief(self, project_id: int, step: str) -> Debrief | None:
        query = select(Debrief).where(
            Debrief.workspace_id == self.workspace_id, Debrief.project_id == project_id, Debrief.step == step
        )
        return (await self.session.execute(query)).scalar_one_or_none()

    async def posted_debrief(self, conversation: str) -> Debrief | None:
        """The open debrief posted to ``conversation`` last (its reminder was delivered there),
        if any: where the conversation has no threads, its messages are that debrief's notes."""
        where = {"workspace": self.workspace_id, "conversation": conversation}
        return (await self.session.execute(_POSTED_DEBRIEF, where)).scalar_one_or_none()

    async def debriefs(self, project_id: int) -> Sequence[Debrief]:
        query = select(Debrief).where(Debrief.workspace_id == self.workspace_id, Debrief.project_id == project_id)
        return (await self.session.execute(query.order_by(Debrief.opened_at, Debrief.id))).scalars().all()

    # --- events already answered ---------------------------------------------------------

    async def remember_event(self, event_id: str, replies: list[Any], at: datetime) -> None:
        """Record an answered event; a second delivery then fails on the unique key."""
        params = {"workspace_id": self.workspace_id, "event_id": event_id, "replies": replies, "at": at}
        await _REMEMBER_EVENT.write(self.session, params)

    async def recall_event(self, event_id: str) -> list[Any] | None:
        query = select(ProcessedEvent.replies).where(
            ProcessedEvent.workspace_id == self.workspace_id, ProcessedEvent.event_id == event_id
        )
        return (await self.session.execute(query)).scalar_one_or_none()

    # --- audit ------------------------------------------------------------------------

    def audit(self, project_id: int | None, actor: str, action: str, at: datetime, **detail: Any) -> None:
        self.session.add(
            AuditEvent(
                workspace_id=self.workspace_id, project_id=project_id, actor=actor, action=action, detail=detail, at=at
            )
        )

    async def audit_trail(self, project_id: int | None = None) -> Sequence[AuditEvent]:
        query = select(AuditEvent).where(AuditEvent.workspace_id == self.workspace_id)
        if project_id is not None:
            query = query.where(AuditEvent.project_id == project_id)
        return (await self.session.execute(query.order_by(AuditEvent.at, AuditEvent.id))).scalars().all()
