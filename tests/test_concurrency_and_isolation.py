"""Two people at once on one project, and workspaces that never see each other."""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any

import pytest

from bot import steps
from bot.coach import Coach, UnknownProject
from bot.replies import QuestionReply
from storage.db import Database
from storage.repository import NotFound, WorkspaceRepo, find_workspace
from tests.conftest import Clock, Team, said


async def test_two_people_answering_at_once_both_keep_their_answers(
    postgres_db: Database, guides: dict, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    coach = Coach(postgres_db, guides, clock=clock)
    team = Team(coach)
    await team.command("start kommer-forbi Fitness Nord")
    await team.say("ja")
    # Hold each transaction after it has read the project until the other has read it
    # too, so both write on the same version every time, not by luck.
    both_read = asyncio.Barrier(2)
    claim = steps.claim

    async def claim_after_both_read(*args: Any, **kwargs: Any) -> None:
        with contextlib.suppress(TimeoutError, asyncio.BrokenBarrierError):  # the replay runs alone
            await asyncio.wait_for(both_read.wait(), timeout=2)
        await claim(*args, **kwargs)

    monkeypatch.setattr(steps, "claim", claim_after_both_read)
    first, second = await asyncio.gather(team.say("Unge mænd", user="Mette"), team.say("Seniorer", user="Ali"))

    loser = first if "allerede besvaret" in said(first) else second
    assert "allerede besvaret" in said(loser)
    # the loser is shown where the project is now
    assert [r for r in loser if isinstance(r, QuestionReply)][-1].step == "actors_chosen"
    async with postgres_db.session() as session:
        repo = WorkspaceRepo(session, (await find_workspace(session, "web", "local")).id)
        [project] = await repo.projects()
        current = project.answers["target_group"]
        history = [(h.action, h.value, h.author) for h in await repo.history(project.id) if h.step_id == "target_group"]
    assert current in ("Unge mænd", "Seniorer")
    kept = {value for _, value, _ in history}
    assert kept == {"Unge mænd", "Seniorer"}, history
    assert {action for action, _, _ in history} == {"answered", "concurrent"}


async def test_no_command_in_one_workspace_reaches_another(db: Database, guides: dict, clock: Clock) -> None:
    coach = Coach(db, guides, clock=clock)
    library_a = Team(coach, platform="slack", workspace="T-AARHUS", conversation="C1")
    library_b = Team(coach, platform="slack", workspace="T-ODENSE", conversation="C1")
    await library_a.command("start kommer-forbi Aarhus-projekt")
    await library_a.say("ja")
    async with db.session() as session:
        repo_a = WorkspaceRepo(session, (await find_workspace(session, "slack", "T-AARHUS")).id)
        [project_a] = await repo_a.projects()

    # B, in a channel with the same id, sees no project and cannot address A's by number
    assert "intet projekt" in said(await library_b.command("status"))
    assert "intet projekt" in said(await library_b.command("projects"))
    assert "findes ikke" in said(await library_b.command(f"switch {project_a.id}"))
    with pytest.raises(UnknownProject):
        await coach.handle(library_b.turn(command="status", project_id=project_a.id))
    with pytest.raises(UnknownProject):
        await coach.handle(library_b.turn(command="delete ja", project_id=project_a.id))
    assert "intet projekt" in said(await library_b.say("Seniorer"))

    # and A's project is untouched
    async with db.session() as session:
        repo_a = WorkspaceRepo(session, (await find_workspace(session, "slack", "T-AARHUS")).id)
        [project] = await repo_a.projects()
        assert project.version == project_a.version
        assert set(project.answers) == {"target_group_chosen"}
        repo_b = WorkspaceRepo(session, (await find_workspace(session, "slack", "T-ODENSE")).id)
        with pytest.raises(NotFound):
            await repo_b.project(project_a.id)


async def test_delete_asks_first_then_removes_answers_and_nudges(team: Team) -> None:
    await team.command("start kommer-forbi Slet mig")
    await team.say("ja")
    replies = await team.command("delete")
    assert "kan ikke fortrydes" in said(replies)
    assert "intet projekt" not in said(await team.command("status"))
    assert "slettet" in said(await team.command("delete ja"))
    assert "intet projekt" in said(await team.command("status"))
    async with team.coach.db.session() as session:
        repo = WorkspaceRepo(session, (await find_workspace(session, "web", "local")).id)
        assert await repo.projects() == []
        actions = [a.action for a in await repo.audit_trail()]
        assert actions == ["start", "delete"]
