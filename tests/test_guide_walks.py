"""Every guide, walked end to end along every branch, on SQLite and on PostgreSQL.

The paths come from the guide files (see ``guide_paths``), so a new branch in a guide is
walked without anyone listing it here.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from bot.replies import QuestionReply, Reply, TextReply
from flows.engine import holds
from flows.loader import load_guides
from flows.model import PromptKind
from storage.repository import WorkspaceRepo, find_workspace
from tests.conftest import Team
from tests.guide_paths import SKIP, Path, covering_paths

GUIDES = load_guides()
COPENHAGEN = ZoneInfo("Europe/Copenhagen")
PATHS = [path for guide in GUIDES.values() for path in covering_paths(guide)]


def question(replies: list[Reply]) -> QuestionReply | None:
    found = [r for r in replies if isinstance(r, QuestionReply)]
    return found[-1] if found else None


def typed(kind: PromptKind, value: Any) -> str:
    """The same answer the way a person would type it in a chat."""
    if kind is PromptKind.LIST:
        return "\n".join(f"- {item}" for item in value)
    if kind is PromptKind.DATE:
        return date.fromisoformat(value).strftime("%d.%m.%Y")
    return str(value)


@pytest.mark.parametrize("path", PATHS, ids=lambda p: f"{p.guide}:{abs(hash(p.describe())) % 10**6}")
async def test_a_team_walks_the_guide_to_its_end(team: Team, path: Path) -> None:
    guide = GUIDES[path.guide]
    replies = await team.command(f"start {guide.id} Prøveprojekt")
    for number, (step_id, value) in enumerate(path.moves):
        shown = question(replies)
        assert shown is not None and shown.step == step_id, f"expected {step_id} at move {number}: {path.describe()}"
        step = guide.step(step_id)
        if value is SKIP:
            replies = await team.command("skip")
        elif step.kind in (PromptKind.TEXT, PromptKind.LIST, PromptKind.DATE) and number % 2 == 0:
            replies = await team.say(typed(step.kind, value))
        else:
            replies = await team.click(step_id, value)
    assert question(replies) is None, f"a question is still open after {path.describe()}"
    # A path ending at a pause step leaves the project paused, not finished (how the coach
    # words a pause is the presenter's: it is checked with the stored flag below).
    paused = guide.step(path.last).pause
    if not paused:
        assert any(isinstance(r, TextReply) and "afsluttet" in r.text.plain() for r in replies)

    async with team.coach.db.session() as session:
        repo = WorkspaceRepo(session, (await find_workspace(session, "web", "local")).id)
        [project] = await repo.projects()
        assert project.finished != paused
        saved = dict(project.answers)
        assert saved == path.answers
        nudges = {n.dedupe_key.split(":", 1)[1]: n for n in await repo.nudges(project.id)}
    expected = _expected_nudges(path, team.coach.clock())
    pending = {k: n.due_at for k, n in nudges.items() if n.status == "pending" and n.kind != "debrief-thread"}
    assert pending == expected


def _expected_nudges(path: Path, now: datetime) -> dict[str, datetime]:
    """When each reminder of the path is due: ``after`` the answer, or at 09:00 local
    time on the date it hangs on, moved by its offset; a moment already past is due now
    (four weeks before the sample date lies before the test's today)."""
    guide, answers = GUIDES[path.guide], path.answers
    due: dict[str, datetime] = {}
    for step_id, value in path.moves:
        if value is SKIP and not guide.step(step_id).pause:  # a pause step's nudge asks whether to go on
            continue
        for index, nudge in enumerate(guide.step(step_id).nudges):
            if (nudge.when and not holds(nudge.when, answers)) or (nudge.at and nudge.at not in answers):
                continue
            if nudge.after is not None:
                moment = now + nudge.after
            else:
                day = date.fromisoformat(answers[nudge.at])
                moment = datetime.combine(day, time(9), tzinfo=COPENHAGEN) + nudge.offset
            due[f"{step_id}:{nudge.kind}:{index}"] = max(moment.astimezone(UTC), now)
    return due
