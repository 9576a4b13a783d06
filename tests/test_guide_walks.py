"""Every guide, walked end to end along every branch, on SQLite and on PostgreSQL.

The paths come from the guide files (see ``guide_paths``), so a new branch in a guide is
walked without anyone listing it here.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from bot.replies import QuestionReply, Reply, TextReply
from flows.engine import holds
from flows.loader import load_guides
from flows.model import Guide, Nudge, PromptKind
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
    if kind is PromptKind.DATE and isinstance(value, list):
        return " og ".join(typed(kind, day) for day in value)
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
    time on the date it hangs on, moved by its offset (or the lead time the team chose);
    a moment already past is due now (four weeks before the sample date lies before the
    test's today). A question for several dates reminds of each date still to come."""
    guide, answers = GUIDES[path.guide], path.answers
    due: dict[str, datetime] = {}
    for step_id, value in path.moves:
        if value is SKIP and not guide.step(step_id).pause:  # a pause step's nudge asks whether to go on
            continue
        for index, nudge in enumerate(guide.step(step_id).nudges):
            if (nudge.when and not holds(nudge.when, answers)) or (nudge.at and nudge.at not in answers):
                continue
            key = f"{step_id}:{nudge.kind}:{index}"
            if nudge.after is not None:
                due[key] = now + nudge.after
            elif not guide.step(nudge.at).many:
                due[key] = max(_on(answers[nudge.at], _offset(guide, nudge, answers)), now)
            else:
                for day in answers[nudge.at]:
                    moment = _on(day, _offset(guide, nudge, answers))
                    if moment >= now:  # one of many dates whose moment has passed is dropped, not sent late
                        due[f"{key}:{day}"] = moment
    return due


def _on(day: str, offset: timedelta) -> datetime:
    return (datetime.combine(date.fromisoformat(day), time(9), tzinfo=COPENHAGEN) + offset).astimezone(UTC)


def _offset(guide: Guide, nudge: Nudge, answers: dict[str, Any]) -> timedelta:
    """The lead time the team chose on the nudge's ``offset_from`` step, else the nudge's own."""
    if nudge.offset_from in answers:
        option = guide.step(nudge.offset_from).option(answers[nudge.offset_from])
        if option is not None and option.offset is not None:
            return option.offset
    return nudge.offset
