"""The answer's writes sent as precompiled statements (storage.precompiled) behave as the
session's own execution would: same rows, same transaction, same errors."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import insert, select, text
from sqlalchemy.exc import IntegrityError

from storage.db import Database
from storage.models import AnswerHistory, ProcessedEvent
from storage.precompiled import Precompiled
from storage.repository import WorkspaceRef, WorkspaceRepo, ensure_workspace

NOW = datetime(2026, 11, 25, 16, 30, 15, 123456, tzinfo=UTC)
HISTORY_COLUMNS = ["workspace_id", "project_id", "step_id", "action", "value", "old_value", "author", "at"]


class Boom(Exception):
    pass


async def _project(db: Database) -> tuple[WorkspaceRef, int]:
    async with db.transaction() as session:
        workspace = await ensure_workspace(session, "slack", "T-pre")
        repo = WorkspaceRepo(session, workspace.id)
        conversation = await repo.ensure_conversation("C-pre", "kanal", None, "da")
        project = await repo.create_project(conversation.id, "Forbi", "kommer-forbi", 1, "U1", {}, NOW)
    return workspace, project.id


async def _history_rows(db: Database) -> list[tuple]:
    async with db.session() as session:
        query = text("select step_id, action, value, old_value, author, at from answer_history order by id")
        return [tuple(row) for row in (await session.execute(query)).all()]


async def test_a_row_written_precompiled_reads_back_as_one_the_session_wrote(db: Database) -> None:
    workspace, project = await _project(db)
    odd = {"tekst": "Æblegrød & “citater” 🎉", "liste": ["a", 1, None, True], "tom": {}}
    params = {
        "workspace_id": workspace.id,
        "project_id": project,
        "step_id": "visit_notes",
        "action": "answer",
        "value": odd,
        "old_value": None,
        "author": "Mette",
        "at": NOW.astimezone(timezone(timedelta(hours=1))),  # a Danish clock: stored in UTC
    }
    async with db.transaction() as session:
        await session.execute(insert(AnswerHistory.__table__), params)
        assert await Precompiled(insert(AnswerHistory.__table__), HISTORY_COLUMNS).execute(session, params) == 1
    by_session, precompiled = await _history_rows(db)
    assert precompiled == by_session  # the same stored values, byte for byte as the database returns them
    async with db.session() as session:
        rows = (await session.execute(select(AnswerHistory).order_by(AnswerHistory.id))).scalars().all()
    assert [(r.value, r.old_value, r.at) for r in rows] == [(odd, None, NOW), (odd, None, NOW)]


async def test_precompiled_writes_roll_back_with_their_transaction(db: Database) -> None:
    """Even the first statement of a transaction is inside it: nothing stays behind."""
    workspace, project = await _project(db)
    with pytest.raises(Boom):
        async with db.transaction() as session:
            repo = WorkspaceRepo(session, workspace.id)
            await repo.remember_event("ev-first", [{"type": "text"}], NOW)  # nothing ran before it
            await repo.add_history(project, "known_group", "answer", True, None, "Ali", NOW)
            raise Boom
    async with db.session() as session:
        assert (await session.execute(select(ProcessedEvent))).scalars().all() == []
        assert (await session.execute(select(AnswerHistory))).scalars().all() == []


async def test_a_repeated_event_is_a_clean_integrity_error_and_the_first_stays(db: Database) -> None:
    workspace, _project_id = await _project(db)
    async with db.transaction() as session:
        await WorkspaceRepo(session, workspace.id).remember_event("ev-1", [{"type": "text", "text": "én"}], NOW)
    with pytest.raises(IntegrityError):
        async with db.transaction() as session:
            await WorkspaceRepo(session, workspace.id).remember_event("ev-1", [{"type": "text"}], NOW)
    async with db.transaction() as session:
        assert await WorkspaceRepo(session, workspace.id).recall_event("ev-1") == [{"type": "text", "text": "én"}]


async def test_a_session_reused_for_a_second_transaction_writes_in_that_one(db: Database) -> None:
    workspace, project = await _project(db)
    async with db.session() as session:
        repo = WorkspaceRepo(session, workspace.id)
        async with session.begin():
            await repo.add_history(project, "first", "answer", 1, None, "Ali", NOW)
        with pytest.raises(Boom):
            async with session.begin():
                await repo.add_history(project, "second", "answer", 2, None, "Ali", NOW)
                raise Boom
        async with session.begin():
            await repo.add_history(project, "third", "answer", 3, None, "Ali", NOW)
    assert [row[0] for row in await _history_rows(db)] == ["first", "third"]
