"""An answer's reads and writes sent as precompiled statements (storage.precompiled) behave
as the session's own execution would: same rows, same objects, same transaction, same
errors, in the same order, though on PostgreSQL the writes wait and go as one statement."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import asyncpg
import pytest
from sqlalchemy import func, insert, inspect, select, text
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from bot.coach import Coach
from storage.db import Database
from storage.models import AnswerHistory, JournalEntry, ProcessedEvent, Project
from storage.precompiled import Precompiled
from storage.repository import MAX_ID, WorkspaceRef, WorkspaceRepo, ensure_workspace, find_workspace
from tests.conftest import Team, asked
from tests.test_turn_cost import statements

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
        await Precompiled(insert(AnswerHistory.__table__), HISTORY_COLUMNS).write(session, params)
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


async def _claimed(db: Database, expected_version: int | None = None) -> tuple[WorkspaceRef, Project]:
    """A project with odd answers, read in a fresh session."""
    workspace, project_id = await _project(db)
    answers = {"målgruppe": "Unge “mænd” 🎉", "valg": ["a", "b"], "tom": None}
    async with db.transaction() as session:
        repo = WorkspaceRepo(session, workspace.id)
        project = await repo.project(project_id)
        await repo.save_state(project, answers, {"focus": "visit"}, False, NOW)
    async with db.session() as session:
        project = await WorkspaceRepo(session, workspace.id).project(project_id)
    return workspace, project


async def test_a_project_read_directly_is_the_project_the_orm_loads(db: Database) -> None:
    workspace, _ = await _claimed(db)
    columns = [column.key for column in Project.__table__.columns]
    async with db.session() as session:
        direct = await WorkspaceRepo(session, workspace.id).focused_project(1)
        assert direct is not None
        assert await WorkspaceRepo(session, workspace.id).project(direct.id) is direct  # one object per row
        assert inspect(direct).persistent and direct not in session.dirty
    async with db.session() as session:
        loaded = await session.get(Project, direct.id)
    assert {c: getattr(direct, c) for c in columns} == {c: getattr(loaded, c) for c in columns}
    assert direct.answers["målgruppe"] == "Unge “mænd” 🎉" and direct.focused_at == NOW and direct.version == 2


async def test_a_turns_read_of_its_project_also_says_whether_the_conversation_is_active(db: Database) -> None:
    workspace, project_id = await _project(db)
    async with db.transaction() as session:
        await WorkspaceRepo(session, workspace.id).conversation_gone("C-pre", "channel_not_found")
    async with db.session() as session:
        repo = WorkspaceRepo(session, workspace.id)
        conversation = await repo.find_conversation("C-pre")
        assert conversation is not None and conversation.active is False
        current = await repo.turn_project(conversation.id, None)
        named = await repo.turn_project(conversation.id, project_id)
        assert current is not None and named is not None
        assert current[0] is named[0] is await repo.project(project_id), "one object per row"
        assert (current[0].id, current[1], named[1]) == (project_id, False, False)
        assert await repo.turn_project(conversation.id, project_id + 1) is None
        assert await repo.turn_project(conversation.id + 1, None) is None


async def test_a_project_read_directly_is_updated_by_the_orm_under_its_version(db: Database) -> None:
    workspace, project = await _claimed(db)
    async with db.transaction() as session:
        found = await WorkspaceRepo(session, workspace.id).project(project.id)
        found.name = "Nyt navn"
    async with db.session() as session:
        again = await session.get(Project, project.id)
    assert again is not None and (again.name, again.version) == ("Nyt navn", 3)


async def test_a_stale_claim_writes_nothing_that_waited_with_it(db: Database) -> None:
    workspace, project = await _claimed(db)
    async with db.transaction() as session:  # someone else answers first
        repo = WorkspaceRepo(session, workspace.id)
        await repo.save_state(await repo.project(project.id), {}, {}, False, NOW)
    with pytest.raises(StaleDataError):
        async with db.transaction() as session:
            repo = WorkspaceRepo(session, workspace.id)
            await repo.save_state(project, {"x": 1}, {}, False, NOW)  # the version this writer saw
            await repo.add_history(project.id, "x", "answered", 1, None, "Ali", NOW)
            await repo.remember_event("ev-stale", [], NOW)
    assert await _history_rows(db) == []
    async with db.session() as session:
        assert (await session.execute(select(ProcessedEvent))).scalars().all() == []
        assert (await session.get(Project, project.id)).version == 3  # type: ignore[union-attr]


async def test_writes_that_wait_are_seen_by_the_next_query_and_roll_back_with_it(db: Database) -> None:
    workspace, project = await _claimed(db)
    count = select(func.count()).select_from(AnswerHistory)
    with pytest.raises(Boom):
        async with db.transaction() as session:
            repo = WorkspaceRepo(session, workspace.id)
            await repo.save_state(project, {"x": 1}, {}, False, NOW)
            await repo.add_history(project.id, "x", "answered", 1, None, "Ali", NOW)
            assert (await session.execute(count)).scalar() == 1
            raise Boom
    assert await _history_rows(db) == []


async def test_an_orm_write_after_the_claim_commits_with_it_or_not_at_all(db: Database) -> None:
    """The claim goes first, then the flushed object, in one transaction: when the object
    fails, the claim and the history line that waited with it are gone too."""
    workspace, project = await _claimed(db)
    with pytest.raises(IntegrityError):
        async with db.transaction() as session:
            repo = WorkspaceRepo(session, workspace.id)
            await repo.save_state(project, {"x": 1}, {}, False, NOW)
            await repo.add_history(project.id, "x", "answered", 1, None, "Ali", NOW)
            session.add(JournalEntry(workspace_id=workspace.id, project_id=MAX_ID, kind="log", author="Ali", text="?"))
    assert await _history_rows(db) == []
    async with db.session() as session:
        assert (await session.get(Project, project.id)).version == 2  # type: ignore[union-attr]


async def test_the_claim_is_sent_before_an_object_the_session_flushes(db: Database) -> None:
    """Every writer takes the project row first, so two writers cannot deadlock."""
    workspace, project = await _claimed(db)
    async with db.transaction() as session:
        repo = WorkspaceRepo(session, workspace.id)
        note = JournalEntry(workspace_id=workspace.id, project_id=project.id, kind="log", author="A", text=".")
        with statements(db) as seen:
            await repo.save_state(project, {"x": 1}, {}, False, NOW)
            session.add(note)
            await session.flush()
    claim = next(i for i, s in enumerate(seen) if "UPDATE projects" in s)
    journal = next(i for i, s in enumerate(seen) if s.startswith("INSERT INTO journal"))
    assert claim < journal, seen


async def test_a_savepoint_rolled_back_takes_only_the_writes_made_inside_it(db: Database) -> None:
    workspace, project = await _claimed(db)
    async with db.transaction() as session:
        repo = WorkspaceRepo(session, workspace.id)
        await repo.save_state(project, {"x": 1}, {}, False, NOW)
        await repo.add_history(project.id, "x", "answered", 1, None, "Ali", NOW)
        with pytest.raises(IntegrityError):
            async with session.begin_nested():
                session.add(
                    JournalEntry(workspace_id=workspace.id, project_id=MAX_ID, kind="log", author="A", text="?")
                )
        savepoint = await session.begin_nested()
        await repo.add_history(project.id, "y", "answered", 2, None, "Ali", NOW)
        await savepoint.rollback()  # takes what waited inside it, and only that
        await repo.add_history(project.id, "z", "answered", 3, None, "Ali", NOW)
    assert [row[0] for row in await _history_rows(db)] == ["x", "z"]
    async with db.session() as session:
        assert (await session.get(Project, project.id)).version == 3  # type: ignore[union-attr]


async def test_after_the_database_drops_the_connection_the_next_answer_goes_through(
    postgres_db: Database, guides: dict
) -> None:
    """A restart or failover closes the pooled connection under the coach: the answer that
    meets it fails, and the connection is replaced, not handed to every answer after it."""
    team = Team(Coach(postgres_db, guides))
    await team.command("start kommer-forbi Genstart")
    await team.say("ja")
    async with postgres_db.engine.connect() as connection:  # the pool's one connection
        backend = (await connection.execute(text("select pg_backend_pid()"))).scalar()
    await _drop(postgres_db, backend)
    with pytest.raises(DBAPIError):
        await team.say("Unge mænd")
    assert asked(await team.say("Unge mænd")) == "actors_chosen"


async def test_writes_that_meet_a_dropped_connection_at_commit_fail_and_the_next_turn_goes_through(
    postgres_db: Database, guides: dict
) -> None:
    team = Team(Coach(postgres_db, guides))
    await team.command("start kommer-forbi Genstart")
    with pytest.raises(DBAPIError):
        async with postgres_db.transaction() as session:
            repo = WorkspaceRepo(session, (await find_workspace(session, "web", "local")).id)
            [project] = await repo.projects()
            await _drop(postgres_db, (await session.execute(text("select pg_backend_pid()"))).scalar())
            await repo.save_state(project, {"known_group": True}, {}, False, NOW)  # sent at the commit
    assert asked(await team.say("ja")) == "target_group"


async def _drop(db: Database, backend: int) -> None:
    """Close a connection from the database's side, as a restart or a failover does."""
    killer = await asyncpg.connect(db.engine.url.set(drivername="postgresql").render_as_string(False))
    await killer.execute("select pg_terminate_backend($1)", backend)
    await killer.close()
