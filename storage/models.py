"""Tables of the coach. Every row carries ``workspace_id`` so every query can be scoped."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, DateTime, ForeignKey, Index, Integer, String, Text, UniqueConstraint, true
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """Timestamps stored in UTC and always read back time-zone aware, on SQLite too."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    type_annotation_map = {
        datetime: UTCDateTime(),
        dict[str, Any]: JSON,
        Any: JSON,
    }


class Workspace(Base):
    """A Slack team, a Teams tenant, or the local web workspace."""

    __tablename__ = "workspaces"
    __table_args__ = (UniqueConstraint("platform", "external_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    platform: Mapped[str] = mapped_column(String(16))
    external_id: Mapped[str] = mapped_column(String(255))
    name: Mapped[str] = mapped_column(String(255), default="")
    timezone: Mapped[str] = mapped_column(String(64), default="Europe/Copenhagen")
    # When reminders may arrive: ISO weekdays ("12345" is Monday to Friday) and local
    # hours; Danish public holidays are always off.
    work_days: Mapped[str] = mapped_column(String(7), default="12345")
    work_start: Mapped[str] = mapped_column(String(5), default="09:00")
    work_end: Mapped[str] = mapped_column(String(5), default="15:00")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Conversation(Base):
    """A Slack channel, a Teams conversation, or a browser chat room."""

    __tablename__ = "conversations"
    __table_args__ = (UniqueConstraint("workspace_id", "external_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"), index=True)
    external_id: Mapped[str] = mapped_column(String(255))
    name: Mapped[str] = mapped_column(String(255), default="")
    # Where and how to write to the conversation later (a reminder after a restart): the
    # channel's own address (Slack channel id, Teams conversation reference) and language.
    address: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    lang: Mapped[str] = mapped_column(String(8), default="da")
    # False once the platform said the bot cannot reach it any more (deleted, archived, the
    # bot removed), or a channel told the coach so; ``inactive_reason`` says what was said.
    # Its reminders then fail without asking the platform; its next turn makes it active.
    active: Mapped[bool] = mapped_column(default=True, server_default=true())
    inactive_reason: Mapped[str | None] = mapped_column(String(500), nullable=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Project(Base):
    """One team's run through one guide. ``version`` guards against lost updates.

    The project row holds the whole state of its state machine: the answers (step id ->
    value), the position (focus, skipped steps) and the one ``finished`` flag. One row
    read and one row written per answer; every change is also kept in ``answer_history``.
    """

    __tablename__ = "projects"
    __table_args__ = (Index("ix_projects_conversation_focus", "conversation_id", "focused_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"), index=True)
    conversation_id: Mapped[int] = mapped_column(ForeignKey("conversations.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(200))
    guide_id: Mapped[str] = mapped_column(String(64))
    guide_version: Mapped[int]
    owner: Mapped[str] = mapped_column(String(255))
    answers: Mapped[dict[str, Any]]
    position: Mapped[dict[str, Any]]
    finished: Mapped[bool] = mapped_column(default=False)
    version: Mapped[int] = mapped_column(Integer, nullable=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    focused_at: Mapped[datetime] = mapped_column(default=utcnow)

    __mapper_args__ = {"version_id_col": version}


class AnswerHistory(Base):
    """Every change to an answer: what it became, what it was, who did it and when."""

    __tablename__ = "answer_history"
    __table_args__ = (Index("ix_answer_history_project", "project_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"), index=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"))
    step_id: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(16))
    value: Mapped[Any | None] = mapped_column(JSON, nullable=True)
    old_value: Mapped[Any | None] = mapped_column(JSON, nullable=True)
    author: Mapped[str] = mapped_column(String(255))
    at: Mapped[datetime] = mapped_column(default=utcnow)


class NudgeRow(Base):
    """A reminder waiting to be delivered: the outbox the scheduler drains.

    ``status`` goes pending -> sent (the channel accepted it), or -> failed (the channel
    refused it for good, ``last_error`` says why), or -> cancelled / done (the team or
    the guide no longer wants it). A claim sets ``lease_until``; a lease that runs out
    (the worker died) makes the row claimable again. ``recipient`` names the person a
    task reminder is for; ``message_id`` is the channel's id of what was posted (the
    thread a debrief's replies arrive in).
    """

    __tablename__ = "nudges"
    __table_args__ = (
        Index("ix_nudges_due", "status", "due_at"),
        Index("ix_nudges_message", "workspace_id", "conversation", "message_id"),  # a thread's reminder
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"), index=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"), index=True)
    dedupe_key: Mapped[str] = mapped_column(String(255), unique=True)
    kind: Mapped[str] = mapped_column(String(64))
    platform: Mapped[str] = mapped_column(String(16))
    conversation: Mapped[str] = mapped_column(String(255))
    thread: Mapped[str | None] = mapped_column(String(255), nullable=True)
    due_at: Mapped[datetime]
    status: Mapped[str] = mapped_column(String(16), default="pending")
    attempts: Mapped[int] = mapped_column(default=0)
    lease_until: Mapped[datetime | None] = mapped_column(nullable=True)
    payload: Mapped[dict[str, Any]]
    recipient: Mapped[str | None] = mapped_column(String(255), nullable=True)
    sent_at: Mapped[datetime | None] = mapped_column(nullable=True)
    message_id: Mapped[str | None] = mapped_column(String(255), nullable=True)
    last_error: Mapped[str | None] = mapped_column(String(500), nullable=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class JournalEntry(Base):
    """The project's logbook: free entries (``log``), debrief replies, follow-up tasks.

    ``message_id`` is the channel's id of the message an entry came from, so an edited
    message updates its entry and a deleted one removes it. ``data`` holds what a kind
    needs besides the text (a task's owner and date, whether it is done).
    """

    __tablename__ = "journal"
    __table_args__ = (
        Index("ix_journal_project", "project_id", "at"),
        UniqueConstraint("workspace_id", "message_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"), index=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(16))
    step: Mapped[str | None] = mapped_column(String(64), nullable=True)
    message_id: Mapped[str | None] = mapped_column(String(255), nullable=True)
    author: Mapped[str] = mapped_column(String(255))
    text: Mapped[str] = mapped_column(Text)
    data: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    edited_at: Mapped[datetime | None] = mapped_column(nullable=True)


class Debrief(Base):
    """A debrief thread: opened when the guide calls for it, posted by the outbox, and
    closed with a summary and the follow-up agreement. ``thread`` is the channel's id of
    the posted message, known once it was delivered; replies in it become journal entries."""

    __tablename__ = "debriefs"
    __table_args__ = (
        UniqueConstraint("project_id", "step"),
        Index("ix_debriefs_thread", "workspace_id", "conversation", "thread"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"))
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"))
    step: Mapped[str] = mapped_column(String(64))
    conversation: Mapped[str] = mapped_column(String(255))
    thread: Mapped[str | None] = mapped_column(String(255), nullable=True)
    opened_at: Mapped[datetime] = mapped_column(default=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column(nullable=True)


class ProcessedEvent(Base):
    """A platform event the coach has answered, with the replies it gave.

    Slack retries what it did not see acknowledged within 3 s, Teams redelivers, people
    double-click: a repeated event id is answered from this row and writes nothing.
    """

    __tablename__ = "processed_events"
    __table_args__ = (UniqueConstraint("workspace_id", "event_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"))
    event_id: Mapped[str] = mapped_column(String(255))
    replies: Mapped[list[Any]] = mapped_column(JSON)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)  # old ones are forgotten (storage.housekeeping)


class AuditEvent(Base):
    """Who did what to which project. Kept after a project is deleted, without its content."""

    __tablename__ = "audit_events"
    __table_args__ = (Index("ix_audit_workspace_at", "workspace_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"))
    project_id: Mapped[int | None] = mapped_column(nullable=True)
    actor: Mapped[str] = mapped_column(String(255))
    action: Mapped[str] = mapped_column(String(32))
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    at: Mapped[datetime] = mapped_column(default=utcnow)


__all__ = [
    "AnswerHistory",
    "AuditEvent",
    "Base",
    "Conversation",
    "Debrief",
    "JournalEntry",
    "NudgeRow",
    "ProcessedEvent",
    "Project",
    "UTCDateTime",
    "Workspace",
]
