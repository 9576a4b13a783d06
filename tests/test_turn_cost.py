"""What one answer costs the database: statements are counted, not timed."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import aiosqlite
from asyncpg import Connection
from asyncpg.prepared_stmt import PreparedStatement
from sqlalchemy import event, text

from bot.coach import Coach
from storage.db import Database
from tests.conftest import Clock, Team, asked

# A plain typed answer: read the project, write it back under its version check, add the
# history row, remember the event. Workspace and conversation come from the coach's cache.
PLAIN_ANSWER_BUDGET = 4


@contextmanager
def statements(db: Database) -> Iterator[list[str]]:
    """Every statement sent to the database. On PostgreSQL they are counted where asyncpg
    sends them, which is every round trip (BEGIN and COMMIT too): the answer's statements
    reach the driver directly (storage.precompiled), not through SQLAlchemy's cursor events."""
    seen: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        seen.append(" ".join(statement.split()))

    if not db.is_sqlite:
        with _asyncpg_statements(record):
            yield seen
        return
    event.listen(db.engine.sync_engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(db.engine.sync_engine, "before_cursor_execute", record)


@contextmanager
def _asyncpg_statements(record: Callable[[Any, Any, str], None]) -> Iterator[None]:
    """Patch asyncpg's three ways a statement leaves: a query without arguments (BEGIN,
    COMMIT), a statement with arguments, and a prepared statement (SQLAlchemy's cursor)."""
    execute, execute_with_args, fetch = Connection.execute, Connection._execute, PreparedStatement.fetch

    async def counted_execute(self: Connection, query: str, *args: Any, **kwargs: Any) -> Any:
        if not args:
            record(None, None, query)
        return await execute(self, query, *args, **kwargs)

    async def counted_with_args(self: Connection, query: str, *args: Any, **kwargs: Any) -> Any:
        record(None, None, query)
        return await execute_with_args(self, query, *args, **kwargs)

    async def counted_fetch(self: PreparedStatement, *args: Any, **kwargs: Any) -> Any:
        record(None, None, self.get_query())
        return await fetch(self, *args, **kwargs)

    Connection.execute, Connection._execute = counted_execute, counted_with_args  # type: ignore[method-assign]
    PreparedStatement.fetch = counted_fetch  # type: ignore[method-assign]
    try:
        yield
    finally:
        Connection.execute, Connection._execute, PreparedStatement.fetch = execute, execute_with_args, fetch  # type: ignore[method-assign]


async def plain_answer(db: Database, guides: dict, clock: Clock, event_id: str) -> list[str]:
    """The statements of a typed answer to kommer-forbi's second question."""
    team = Team(Coach(db, guides, clock=clock))
    await team.command("start kommer-forbi Budget")
    await team.say("ja")
    with statements(db) as seen:
        replies = await team.send(team.turn("Mette", text="Unge mænd i fitnesscentret", event_id=event_id))
    assert asked(replies) == "actors_chosen"
    return seen


async def test_a_plain_answer_stays_within_its_statement_budget(db: Database, guides: dict, clock: Clock) -> None:
    seen = await plain_answer(db, guides, clock, "budget-1")
    assert len(seen) <= PLAIN_ANSWER_BUDGET, "\n".join(seen)
    assert not any("FROM workspaces" in s or "FROM conversations" in s for s in seen), seen
    assert sum(s.startswith("SELECT") for s in seen) == 1, seen
    if db.is_sqlite:
        written = [s.split(" (")[0].split(" SET")[0] for s in seen if not s.startswith("SELECT")]
        assert written == ["UPDATE projects", "INSERT INTO answer_history", "INSERT INTO processed_events"], seen


async def test_on_postgresql_a_plain_answer_is_two_round_trips(
    postgres_db: Database, guides: dict, clock: Clock
) -> None:
    """Read the project; then claim it and write its history and the event in one statement,
    atomic on its own, so no BEGIN and no COMMIT (storage.precompiled)."""
    seen = await plain_answer(postgres_db, guides, clock, "trips-1")
    assert len(seen) == 2, "\n".join(seen)
    read, write = seen
    assert read.startswith("SELECT projects.id") and "FROM projects" in read, read
    assert write.startswith("WITH claim AS (UPDATE projects SET"), write
    assert "INSERT INTO answer_history" in write and "INSERT INTO processed_events" in write, write
    async with postgres_db.session() as session:
        saved = (await session.execute(text("select value from answer_history order by id desc limit 1"))).scalar()
        events = (
            await session.execute(text("select count(*) from processed_events where event_id = 'trips-1'"))
        ).scalar()
    assert saved == "Unge mænd i fitnesscentret" and events == 1


async def test_an_answer_learns_from_its_project_read_that_the_outbox_marked_the_conversation_inactive(
    db: Database, guides: dict, clock: Clock
) -> None:
    """The coach keeps the conversations it has seen, but not whether each is active: a worker
    in another process may mark one inactive at any time. The answer's one read of its
    project says so, and one UPDATE more makes the conversation active again."""
    team = Team(Coach(db, guides, clock=clock))
    await team.command("start kommer-forbi Fjernet")
    await team.say("ja")
    await Coach(db, guides, clock=clock).conversation_gone("web", "local", "web", "the bot was removed")
    with statements(db) as seen:
        replies = await team.send(team.turn("Mette", text="Unge mænd i fitnesscentret", event_id="wake-1"))
    assert asked(replies) == "actors_chosen"
    assert sum(s.startswith("SELECT") for s in seen) == 1, seen
    assert sum(s.startswith("UPDATE conversations") for s in seen) == 1, seen
    async with db.session() as session:
        assert (await session.execute(text("select active from conversations"))).scalar() in (True, 1)


async def test_a_new_coach_process_looks_its_identities_up_once(db: Database, guides: dict, clock: Clock) -> None:
    await Team(Coach(db, guides, clock=clock)).command("start kommer-forbi Genstart")
    team = Team(Coach(db, guides, clock=clock))  # a restart: empty caches
    with statements(db) as first:
        await team.say("ja")
    with statements(db) as second:
        await team.say("Seniorer")
    assert sum("FROM workspaces" in s or "FROM conversations" in s for s in first) == 2
    assert not any("FROM workspaces" in s or "FROM conversations" in s for s in second)


async def test_on_sqlite_only_the_commit_goes_to_its_thread(sqlite_db: Database, guides: dict) -> None:
    """aiosqlite hands every call to a thread of its own, which costs more than the
    statement itself; the statements run directly, the commit's disk writes on the thread."""
    team = Team(Coach(sqlite_db, guides))
    await team.command("start kommer-forbi Tråde")
    await team.say("ja")
    calls: list[str] = []
    original = aiosqlite.Connection._execute

    async def counted(self: aiosqlite.Connection, function: Any, *args: Any, **kwargs: Any) -> Any:
        calls.append(getattr(function, "__name__", repr(function)))
        return await original(self, function, *args, **kwargs)

    aiosqlite.Connection._execute = counted  # type: ignore[method-assign]
    try:
        replies = await team.send(team.turn("Mette", text="Unge mænd", event_id="threads-1"))
    finally:
        aiosqlite.Connection._execute = original  # type: ignore[method-assign]
    assert asked(replies) == "actors_chosen"
    assert calls == ["commit"], calls
