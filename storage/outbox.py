"""The outbox: reminders claimed across all workspaces, and what became of each delivery.

This is the one deliberate exception to workspace scoping (see :mod:`storage.repository`):
a worker delivers for every team, so it reads every workspace's due rows. It only ever
touches the delivery columns of ``nudges``; what a reminder says and when it is due is
written by the team's own turns.

**Claiming whole conversations.** A claim takes the due rows of whole conversations, and
never a conversation another worker holds: a conversation with any row under a live lease
is *busy* and skipped. So one conversation's reminders go to one worker at a time, which
delivers them in due order and can pace them to the platform's rate limit (Slack allows
about one message a second per channel) instead of running into 429s. Different
conversations go to different workers, and a worker delivers them concurrently.

On PostgreSQL several processes share the database. Two of them could both see a
conversation as not busy before either commits its lease, so each conversation is first
taken with ``pg_try_advisory_xact_lock`` (a conversation another claimer holds right now is
skipped, as ``SKIP LOCKED`` skips a row), and only then checked for live leases, in a new
statement that sees every lease committed before. Its rows are then selected ``FOR UPDATE
SKIP LOCKED``: a row locked by someone else is being cancelled or moved by the team at
this moment and is left to them. On SQLite (one process; :class:`storage.db.Database`
runs one writing transaction at a time) the same statements run without the locks.

**Leases.** A claim sets ``lease_until`` and counts an attempt; the attempt count is the
claim's token. A mark (sent, retry, failed, released) applies only while the row is still
pending with that count: a row the team cancelled meanwhile stays cancelled, and a row
moved to a new date (``schedule_nudge`` resets the count) is delivered again at that date.
A worker that dies leaves the lease to run out, and the row is claimed again: a reminder
is never lost, and is repeated only when a worker died between the platform's answer and
the mark.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from dateutil.relativedelta import relativedelta
from sqlalchemy import and_, func, or_, select, text, tuple_, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Conversation, NudgeRow, Project, Workspace

ERROR_LENGTH = 500  # the size of the last_error column
REPEATS: dict[str, relativedelta] = {"weekly": relativedelta(weeks=1), "monthly": relativedelta(months=1)}

_nudges = NudgeRow.__table__
_CONVERSATION = (_nudges.c.workspace_id, _nudges.c.conversation)


@dataclass(frozen=True)
class DueNudge:
    """A claimed reminder with all a channel needs to post it and a composer to word it."""

    id: int
    workspace_id: int
    project_id: int
    project_name: str
    kind: str
    platform: str
    conversation: str  # the channel's external id
    thread: str | None
    recipient: str | None
    payload: dict[str, Any]
    attempts: int  # counting this claim; the claim's token for the marks
    due_at: datetime
    dedupe_key: str
    address: dict[str, Any] | None
    lang: str
    timezone: str
    work_days: str
    work_start: str
    work_end: str

    @property
    def conversation_key(self) -> tuple[int, str]:
        return (self.workspace_id, self.conversation)


NextDue = Callable[[DueNudge, datetime], datetime]


def next_occurrence(nudge: DueNudge, sent_at: datetime) -> datetime:
    """When a repeating reminder comes next: one period after its previous due time, and
    further periods on while that is already past (a worker stopped for weeks sends one
    reminder, not a catch-up burst). Only for nudges with ``payload["repeat"]``."""
    period = REPEATS[nudge.payload["repeat"]]
    due = nudge.due_at + period
    while due <= sent_at:
        due += period
    return due


def _claimable(now: datetime, platforms: Collection[str]) -> Any:
    return and_(
        _nudges.c.status == "pending",
        _nudges.c.due_at <= now,
        _nudges.c.platform.in_(list(platforms)),
        or_(_nudges.c.lease_until.is_(None), _nudges.c.lease_until <= now),
    )


def _busy(now: datetime, among: list[Any] | None = None) -> Any:
    """Conversations with a row under a live lease (a worker is delivering to them),
    of all or only ``among`` the given ones."""
    busy = _nudges.alias("busy")
    query = select(busy.c.workspace_id, busy.c.conversation).where(busy.c.status == "pending", busy.c.lease_until > now)
    if among is not None:
        query = query.where(tuple_(busy.c.workspace_id, busy.c.conversation).in_(among))
    return query.distinct()


async def _candidates(session: AsyncSession, now: datetime, platforms: Collection[str], limit: int) -> list[Any]:
    """Conversations with due rows and no live lease, the longest-waiting first."""
    busy = _busy(now).subquery()
    first_due = func.min(_nudges.c.due_at)
    query = (
        select(*_CONVERSATION)
        .select_from(
            _nudges.outerjoin(
                busy, and_(busy.c.workspace_id == _nudges.c.workspace_id, busy.c.conversation == _nudges.c.conversation)
            )
        )
        .where(_claimable(now, platforms), busy.c.workspace_id.is_(None))
        .group_by(*_CONVERSATION)
        .order_by(first_due)
        .limit(limit)
    )
    return [tuple(row) for row in (await session.execute(query)).all()]


_TRY_LOCK = text(
    "select k.ord from unnest(cast(:keys as text[])) with ordinality as k(key, ord)"
    " where pg_try_advisory_xact_lock(hashtextextended(k.key, 0))"
)


async def _take(session: AsyncSession, conversations: list[Any]) -> list[Any]:
    """The conversations no other PostgreSQL claimer is taking right now, held until commit."""
    keys = [f"{workspace}:{conversation}" for workspace, conversation in conversations]
    taken = {row[0] for row in await session.execute(_TRY_LOCK, {"keys": keys})}
    return [pair for number, pair in enumerate(conversations, start=1) if number in taken]


async def claim(
    session: AsyncSession,
    now: datetime,
    limit: int,
    lease: timedelta,
    platforms: Collection[str],
    per_conversation: int | None = None,
) -> list[DueNudge]:
    """Lease the due rows (at most ``limit``) of conversations no other worker holds.

    ``platforms`` are those this process has channels for; rows of other platforms stay
    pending for a process that can deliver them. ``per_conversation`` caps the rows taken
    from one conversation, so a paced worker can deliver them all within the lease; the
    rest wait for the next claim (the conversation stays busy until then). Returns the
    claimed rows ordered by conversation, then due time: the order to deliver them in.
    """
    if not platforms or limit < 1:
        return []
    postgres = session.bind.dialect.name == "postgresql"
    conversations = await _candidates(session, now, platforms, limit)
    if postgres and conversations:
        conversations = await _take(session, conversations)
        busy = {tuple(row) for row in await session.execute(_busy(now, conversations))}
        conversations = [pair for pair in conversations if pair not in busy]
    if not conversations:
        return []
    rows = (
        select(_nudges.c.id, *_CONVERSATION)
        .where(_claimable(now, platforms), tuple_(*_CONVERSATION).in_(conversations))
        .order_by(_nudges.c.due_at, _nudges.c.id)
        .limit(limit)
    )
    if postgres:
        rows = rows.with_for_update(skip_locked=True)
    chosen: list[int] = []
    taken: dict[tuple[int, str], int] = {}
    for nudge_id, workspace_id, conversation in (await session.execute(rows)).all():
        count = taken.get((workspace_id, conversation), 0)
        if (per_conversation is None or count < per_conversation) and len(chosen) < limit:
            chosen.append(nudge_id)
            taken[(workspace_id, conversation)] = count + 1
    if not chosen:
        return []
    await session.execute(
        update(_nudges).where(_nudges.c.id.in_(chosen)).values(lease_until=now + lease, attempts=_nudges.c.attempts + 1)
    )
    claimed = await session.execute(_due_query().where(_nudges.c.id.in_(chosen)))
    found = [_due(row) for row in claimed.all()]
    return sorted(found, key=lambda nudge: (nudge.conversation_key, nudge.due_at, nudge.id))


def _due_query() -> Any:
    return (
        select(
            NudgeRow,
            Project.name,
            Conversation.address,
            Conversation.lang,
            Workspace.timezone,
            Workspace.work_days,
            Workspace.work_start,
            Workspace.work_end,
        )
        .join(Project, Project.id == NudgeRow.project_id)
        .join(Workspace, Workspace.id == NudgeRow.workspace_id)
        .outerjoin(
            Conversation,
            and_(Conversation.workspace_id == NudgeRow.workspace_id, Conversation.external_id == NudgeRow.conversation),
        )
    )


def _due(row: Any) -> DueNudge:
    nudge, project_name, address, lang, timezone, work_days, work_start, work_end = row
    return DueNudge(
        id=nudge.id,
        workspace_id=nudge.workspace_id,
        project_id=nudge.project_id,
        project_name=project_name,
        kind=nudge.kind,
        platform=nudge.platform,
        conversation=nudge.conversation,
        thread=nudge.thread,
        recipient=nudge.recipient,
        payload=nudge.payload,
        attempts=nudge.attempts,
        due_at=nudge.due_at,
        dedupe_key=nudge.dedupe_key,
        address=address,
        lang=lang or "da",
        timezone=timezone,
        work_days=work_days,
        work_start=work_start,
        work_end=work_end,
    )


def _still_ours(nudge: DueNudge) -> Any:
    """The row is still pending under this claim (not cancelled, moved or claimed again)."""
    return and_(_nudges.c.id == nudge.id, _nudges.c.status == "pending", _nudges.c.attempts == nudge.attempts)


async def is_ours(session: AsyncSession, nudge: DueNudge) -> bool:
    """Whether the claimed row is still to be delivered (the team may have cancelled it
    while it waited behind earlier reminders to its conversation)."""
    return (await session.execute(select(_nudges.c.id).where(_still_ours(nudge)))).first() is not None


async def _mark(session: AsyncSession, nudge: DueNudge, **values: Any) -> bool:
    result = await session.execute(update(_nudges).where(_still_ours(nudge)).values(**values))
    return bool(result.rowcount)  # type: ignore[attr-defined]


async def mark_sent(
    session: AsyncSession,
    nudge: DueNudge,
    message_id: str | None,
    at: datetime,
    next_due: NextDue = next_occurrence,
) -> bool:
    """The platform accepted it. A repeating reminder is armed again for ``next_due``
    (the single place its next time is decided), with a fresh count of attempts.
    False when the row was no longer ours to mark."""
    done: dict[str, Any] = {"sent_at": at, "message_id": message_id, "lease_until": None, "last_error": None}
    if nudge.payload.get("repeat") in REPEATS:
        return await _mark(session, nudge, **done, due_at=next_due(nudge, at), attempts=0)
    return await _mark(session, nudge, **done, status="sent")


async def mark_retry(session: AsyncSession, nudge: DueNudge, at: datetime, reason: str) -> bool:
    """A temporary problem: pending again, due at ``at``, with the reason kept."""
    return await _mark(session, nudge, due_at=at, lease_until=None, last_error=reason[:ERROR_LENGTH])


async def release(session: AsyncSession, nudge: DueNudge, at: datetime) -> bool:
    """Give a claimed row back untried, due at ``at`` (it waits behind an earlier reminder
    to the same conversation that must be retried); the attempt it was claimed with is
    not counted."""
    return await _mark(session, nudge, due_at=at, lease_until=None, attempts=nudge.attempts - 1)


async def mark_failed(session: AsyncSession, nudge: DueNudge, reason: str) -> bool:
    """Never to be tried again; the reason is kept for the team to see."""
    return await _mark(session, nudge, status="failed", lease_until=None, last_error=reason[:ERROR_LENGTH])


# --- for people: what is waiting, what went out, what failed -------------------------------


@dataclass(frozen=True)
class OutboxEntry:
    id: int
    due_at: datetime
    timezone: str
    kind: str
    project: str
    workspace: str  # platform/external id
    conversation: str  # the conversation's name, else its id
    status: str
    attempts: int
    in_flight: bool
    sent_at: datetime | None
    last_error: str | None


@dataclass(frozen=True)
class OutboxSummary:
    due: int  # pending and due now (none in flight)
    in_flight: int  # claimed by a worker right now
    upcoming: int  # pending, due later
    sent: int
    failed: int


async def entries(
    session: AsyncSession, now: datetime, include_all: bool = False, limit: int = 500
) -> Sequence[OutboxEntry]:
    """Reminders in due order: pending and failed ones, or every one with ``include_all``."""
    query = (
        select(
            NudgeRow,
            Project.name,
            Workspace.platform,
            Workspace.external_id,
            Workspace.timezone,
            Conversation.name,
        )
        .join(Project, Project.id == NudgeRow.project_id)
        .join(Workspace, Workspace.id == NudgeRow.workspace_id)
        .outerjoin(
            Conversation,
            and_(Conversation.workspace_id == NudgeRow.workspace_id, Conversation.external_id == NudgeRow.conversation),
        )
        .order_by(NudgeRow.due_at, NudgeRow.id)
        .limit(limit)
    )
    if not include_all:
        query = query.where(NudgeRow.status.in_(["pending", "failed"]))
    return [
        OutboxEntry(
            id=nudge.id,
            due_at=nudge.due_at,
            timezone=timezone,
            kind=nudge.kind,
            project=project,
            workspace=f"{platform}/{external_id}",
            conversation=conversation_name or nudge.conversation,
            status=nudge.status,
            attempts=nudge.attempts,
            in_flight=nudge.status == "pending" and nudge.lease_until is not None and nudge.lease_until > now,
            sent_at=nudge.sent_at,
            last_error=nudge.last_error,
        )
        for nudge, project, platform, external_id, timezone, conversation_name in (await session.execute(query)).all()
    ]


async def summary(session: AsyncSession, now: datetime) -> OutboxSummary:
    """How many reminders are due, in flight, upcoming, sent and failed, at ``now``."""
    in_flight = and_(_nudges.c.status == "pending", _nudges.c.lease_until > now)
    pending = and_(_nudges.c.status == "pending", or_(_nudges.c.lease_until.is_(None), _nudges.c.lease_until <= now))
    counts = select(
        func.count().filter(and_(pending, _nudges.c.due_at <= now)),
        func.count().filter(in_flight),
        func.count().filter(and_(pending, _nudges.c.due_at > now)),
        func.count().filter(_nudges.c.status == "sent"),
        func.count().filter(_nudges.c.status == "failed"),
    )
    due, leased, upcoming, sent, failed = (await session.execute(counts)).one()
    return OutboxSummary(due=due, in_flight=leased, upcoming=upcoming, sent=sent, failed=failed)


__all__ = [
    "DueNudge",
    "OutboxEntry",
    "OutboxSummary",
    "claim",
    "entries",
    "is_ours",
    "mark_failed",
    "mark_retry",
    "mark_sent",
    "next_occurrence",
    "release",
    "summary",
]
