"""What one answer costs the database: statements are counted, not timed."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import aiosqlite
from sqlalchemy import event
from sqlalchemy.dialects.postgresql.asyncpg import AsyncAdapt_asyncpg_cursor

from bot.coach import Coach
from storage.db import Database
from tests.conftest import Clock, Team, asked

# A plain typed answer: read the project, write it back under its version check, add the
# history row, remember the event. Workspace and conversation come from the coach's cache.
PLAIN_ANSWER_BUDGET = 4


@contextmanager
def statements(db: Database) -> Iterator[list[str]]:
    """Every statement sent to the database. On PostgreSQL they are counted where the asyncpg
    adapter sends them, which the answer's writes reach directly (storage.precompiled),
    not through SQLAlchemy's cursor events."""
    seen: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        seen.append(" ".join(statement.split()))

    if not db.is_sqlite:
        original = AsyncAdapt_asyncpg_cursor._prepare_and_execute

        async def counted(cursor: AsyncAdapt_asyncpg_cursor, operation: str, parameters: Any) -> None:
            record(None, cursor, operation)
            await original(cursor, operation, parameters)

        AsyncAdapt_asyncpg_cursor._prepare_and_execute = counted  # type: ignore[method-assign]
        try:
            yield seen
        finally:
            AsyncAdapt_asyncpg_cursor._prepare_and_execute = original  # type: ignore[method-assign]
        return
    event.listen(db.engine.sync_engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(db.engine.sync_engine, "before_cursor_execute", record)


async def test_a_plain_answer_stays_within_its_statement_budget(db: Database, guides: dict, clock: Clock) -> None:
    team = Team(Coach(db, guides, clock=clock))
    await team.command("start kommer-forbi Budget")
    await team.say("ja")
    with statements(db) as seen:
        replies = await team.send(team.turn("Mette", text="Unge mænd i fitnesscentret", event_id="budget-1"))
    assert asked(replies) == "actors_chosen"
    assert len(seen) <= PLAIN_ANSWER_BUDGET, "\n".join(seen)
    assert not any("FROM workspaces" in s or "FROM conversations" in s for s in seen), seen
    assert sum(s.startswith("SELECT") for s in seen) == 1, seen
    written = [s.split(" (")[0].split(" SET")[0] for s in seen if not s.startswith("SELECT")]
    assert written == ["UPDATE projects", "INSERT INTO answer_history", "INSERT INTO processed_events"], seen


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
