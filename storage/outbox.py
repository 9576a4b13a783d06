"""The outbox: reminders claimed across all workspaces, and what became of each delivery.

This is the one deliberate exception to workspace scoping (see :mod:`storage.repository`):
a worker delivers for every team, so it reads every workspace's due rows. It only ever
touches the delivery columns of ``nudges``, and marks a conversation inactive when the
platform says the bot cannot reach it (a turn from it makes it active again); what a
reminder says and when it is due is written by the team's own turns.

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
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from dateutil.relativedelta import relativedelta
from sqlalchemy import and_, bindparam, func, or_, select, text, true, tuple_, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Conversation, NudgeRow, Project, Workspace
from storage.repository import GONE, gone_values

ERROR_LENGTH = 500  # the size of the last_error column
REPEATS: dict[str, relativedelta] = {
    "weekly": relativedelta(weeks=1),
    "fortnightly": relativedelta(weeks=2),
    "monthly": relativedelta(months=1),
}

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
    active: bool = True  # False: the bot cannot reach the conversation; inactive_reason says why
    inactive_reason: str | None = None

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


def _busy(now: datetime, among: list[Any]) -> Any:
    """Those of ``among`` with a row under a live lease: a worker is delivering to them."""
    leased = and_(_nudges.c.status == "pending", _nudges.c.lease_until > now)
    return select(*_CONVERSATION).where(leased, tuple_(*_CONVERSATION).in_(among)).distinct()


async def _candidates(
    session: AsyncSession, now: datetime, platforms: Collection[str], limit: int, skip: Collection[Any]
) -> list[tuple[tuple[int, str], int]]:
    """Conversations with due rows and no live lease, the longest-waiting first, each with
    its number of due rows; none of those in ``skip``.

    One pass over the pending rows, grouped by conversation, rather than an anti-join
    against the leased ones: its cost does not hang on the planner's guess of how many
    rows are leased (on a freshly filled table it guessed one, and took a nested loop)."""
    claimable, leased = _claimable(now, platforms), _nudges.c.lease_until > now
    query = (
        select(*_CONVERSATION, func.count().filter(claimable))
        .where(_nudges.c.status == "pending", _nudges.c.platform.in_(list(platforms)))
        .where(or_(_nudges.c.due_at <= now, leased))
        .group_by(*_CONVERSATION)
        .having(and_(func.count().filter(leased) == 0, func.count().filter(claimable) > 0))
        .order_by(func.min(_nudges.c.due_at))
        .limit(limit)
    )
    if skip:
        query = query.where(tuple_(*_CONVERSATION).not_in(list(skip)))
    return [((workspace, conversation), due) for workspace, conversation, due in (await session.execute(query)).all()]


_TRY_LOCK = text(
    "select k.ord from unnest(cast(:keys as text[])) with ordinality as k(key, ord)"
    " where pg_try_advisory_xact_lock(hashtextextended(k.key, 0))"
)


async def _take(session: AsyncSession, now: datetime, conversations: list[Any]) -> list[Any]:
    """Of ``conversations``, those no other PostgreSQL claimer is taking right now (held until
    commit) and that no worker leased meanwhile."""
    keys = [f"{workspace}:{conversation}" for workspace, conversation in conversations]
    locked = {row[0] for row in await session.execute(_TRY_LOCK, {"keys": keys})}
    taken = [pair for number, pair in enumerate(conversations, start=1) if number in locked]
    if not taken:
        return []
    busy = {tuple(row) for row in await session.execute(_busy(now, taken))}
    return [pair for pair in taken if pair not in busy]


CLAIM_ROUNDS = 3
"""Times a claim looks further when other workers took the conversations it found first."""


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
    cap = per_conversation or limit
    chosen: list[int] = []
    skip: list[Any] = []
    for _round in range(CLAIM_ROUNDS if postgres else 1):
        wanted, needed = [], limit - len(chosen)
        for conversation, due in await _candidates(session, now, platforms, needed, skip):
            if needed <= 0:
                break
            wanted.append(conversation)
            needed -= min(due, cap)
        if not wanted:
            break
        taken = await _take(session, now, wanted) if postgres else wanted
        if taken:
            chosen += await _rows(session, now, platforms, taken, limit - len(chosen), cap, postgres)
        if len(taken) == len(wanted) or len(chosen) >= limit:
            break
        skip += wanted  # taken or held by another claimer: look past them
    if not chosen:
        return []
    await session.execute(
        update(_nudges).where(_nudges.c.id.in_(chosen)).values(lease_until=now + lease, attempts=_nudges.c.attempts + 1)
    )
    claimed = await session.execute(_DUE.where(_nudges.c.id.in_(chosen)))
    found = [DueNudge(**row) for row in claimed.mappings()]
    return sorted(found, key=lambda nudge: (nudge.conversation_key, nudge.due_at, nudge.id))


async def _rows(
    session: AsyncSession,
    now: datetime,
    platforms: Collection[str],
    conversations: list[Any],
    limit: int,
    cap: int,
    postgres: bool,
) -> list[int]:
    """The due rows of these conversations, oldest first, at most ``cap`` of each.

    On PostgreSQL they are locked, skipping any row the team is changing this moment."""
    query = (
        select(_nudges.c.id, *_CONVERSATION)
        .where(_claimable(now, platforms), tuple_(*_CONVERSATION).in_(conversations))
        .order_by(_nudges.c.due_at, _nudges.c.id)
        .limit(limit)
    )
    if postgres:
        query = query.with_for_update(skip_locked=True)
    chosen: list[int] = []
    counts: dict[tuple[int, str], int] = {}
    for nudge_id, workspace_id, conversation in (await session.execute(query)).all():
        count = counts.get((workspace_id, conversation), 0)
        if count < cap:
            chosen.append(nudge_id)
            counts[(workspace_id, conversation)] = count + 1
    return chosen


_DUE = (
    select(
        _nudges.c.id,
        _nudges.c.workspace_id,
        _nudges.c.project_id,
        Project.__table__.c.name.label("project_name"),
        _nudges.c.kind,
        _nudges.c.platform,
        _nudges.c.conversation,
        _nudges.c.thread,
        _nudges.c.recipient,
        _nudges.c.payload,
        _nudges.c.attempts,
        _nudges.c.due_at,
        _nudges.c.dedupe_key,
        Conversation.__table__.c.address,
        func.coalesce(Conversation.__table__.c.lang, "da").label("lang"),
        func.coalesce(Conversation.__table__.c.active, true()).label("active"),
        Conversation.__table__.c.inactive_reason,
        Workspace.__table__.c.timezone,
        Workspace.__table__.c.work_days,
        Workspace.__table__.c.work_start,
        Workspace.__table__.c.work_end,
    )
    .join(Project.__table__, Project.__table__.c.id == _nudges.c.project_id)
    .join(Workspace.__table__, Workspace.__table__.c.id == _nudges.c.workspace_id)
    .outerjoin(
        Conversation.__table__,
        and_(
            Conversation.__table__.c.workspace_id == _nudges.c.workspace_id,
            Conversation.__table__.c.external_id == _nudges.c.conversation,
        ),
    )
)
"""A claimed row with what its conversation, project and workspace add."""


def _still_ours(nudge: DueNudge) -> Any:
    """The row is still pending under this claim (not cancelled, moved or claimed again)."""
    return and_(_nudges.c.id == nudge.id, _nudges.c.status == "pending", _nudges.c.attempts == nudge.attempts)


async def still_ours(session: AsyncSession, nudges: Sequence[DueNudge]) -> set[int]:
    """The ids of the claimed rows still to be delivered (the team may have cancelled or
    moved one while it waited behind earlier reminders to its conversation)."""
    claims = [(nudge.id, nudge.attempts) for nudge in nudges]
    query = select(_nudges.c.id).where(
        _nudges.c.status == "pending", tuple_(_nudges.c.id, _nudges.c.attempts).in_(claims)
    )
    return set((await session.execute(query)).scalars())


@dataclass(frozen=True)
class Mark:
    """A delivery result to record for one claimed row: one of the changes below, with its
    values, and ``gone``, the values that mark its conversation inactive (the platform said
    it cannot be reached). Made by :func:`mark_sent` and its siblings, written by :func:`record`."""

    change: str
    values: dict[str, Any]
    gone: dict[str, Any] | None = None


def _change(**values: Any) -> Any:
    """An UPDATE of one claimed row, applied only while it is still ours (pending, with the
    claim's count of attempts). ``...`` marks a value given per row."""
    sets = {column: bindparam(f"new_{column}") if value is ... else value for column, value in values.items()}
    return (
        update(_nudges)
        .where(
            _nudges.c.id == bindparam("claimed_id"),
            _nudges.c.status == "pending",
            _nudges.c.attempts == bindparam("claimed_attempts"),
        )
        .values(**sets)
    )


# Built once: a worker records a thousand results a second, and building a statement per
# result costs more than sending it.
_CHANGES = {
    "sent": _change(status="sent", sent_at=..., message_id=..., lease_until=None, last_error=None),
    "rearmed": _change(due_at=..., attempts=0, sent_at=..., message_id=..., lease_until=None, last_error=None),
    "retry": _change(due_at=..., lease_until=None, last_error=...),
    "released": _change(due_at=..., attempts=..., lease_until=None),
    "failed": _change(status="failed", lease_until=None, last_error=...),
}


def _mark(change: str, nudge: DueNudge, **values: Any) -> Mark:
    claimed = {"claimed_id": nudge.id, "claimed_attempts": nudge.attempts}
    return Mark(change, {**claimed, **{f"new_{column}": value for column, value in values.items()}})


def mark_sent(nudge: DueNudge, message_id: str | None, at: datetime, next_due: NextDue = next_occurrence) -> Mark:
    """The platform accepted it. A repeating reminder is armed again for ``next_due``
    (the single place its next time is decided), with a fresh count of attempts."""
    if nudge.payload.get("repeat") in REPEATS:
        return _mark("rearmed", nudge, due_at=next_due(nudge, at), sent_at=at, message_id=message_id)
    return _mark("sent", nudge, sent_at=at, message_id=message_id)


def mark_retry(nudge: DueNudge, at: datetime, reason: str) -> Mark:
    """A temporary problem: pending again, due at ``at``, with the reason kept."""
    return _mark("retry", nudge, due_at=at, last_error=reason[:ERROR_LENGTH])


def mark_released(nudge: DueNudge, at: datetime) -> Mark:
    """Give a claimed row back untried, due at ``at`` (it waits behind an earlier reminder
    to the same conversation that must be retried); the attempt it was claimed with is
    not counted."""
    return _mark("released", nudge, due_at=at, attempts=nudge.attempts - 1)


def mark_failed(nudge: DueNudge, reason: str, *, gone: bool = False) -> Mark:
    """Never to be tried again; the reason is kept for the team to see. ``gone``: the
    conversation cannot be reached either, and is marked inactive with that reason."""
    failed = _mark("failed", nudge, last_error=reason[:ERROR_LENGTH])
    if not gone:
        return failed
    return replace(failed, gone=gone_values(nudge.workspace_id, nudge.conversation, reason))


async def record(session: AsyncSession, marks: Sequence[Mark]) -> None:
    """Write results, each kind of change as one batch of statements. A row cancelled,
    moved or claimed again since this claim is left as it is; a conversation found gone
    is marked inactive all the same (the platform said so, whatever became of the row)."""
    by_change: dict[str, list[dict[str, Any]]] = {}
    for mark in marks:
        by_change.setdefault(mark.change, []).append(mark.values)
    for change, values in by_change.items():
        await session.execute(_CHANGES[change], values)
    if conversations := [mark.gone for mark in marks if mark.gone is not None]:
        await session.execute(GONE, conversations)


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
    "still_ours",
    "Mark",
    "mark_failed",
    "mark_released",
    "mark_retry",
    "mark_sent",
    "next_occurrence",
    "record",
    "summary",
]
