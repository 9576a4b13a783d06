"""What a logbook is made of, and the facts every format of it reads the same way.

:class:`Logbook` is loaded in one transaction by ``Coach.logbook``; the Markdown, CSV and
calendar exporters only read it, so all three agree on which dates, reminders and tasks
there are.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from flows import engine
from flows.engine import FlowState
from flows.model import Guide, PromptKind, Step
from storage.models import AnswerHistory, JournalEntry, NudgeRow, Project

# The answers that tell a manager what a project is about, shown under "the project at a
# glance" with the step's own question as their label. Chosen by hand per guide from the
# source documents: the target group (or segment, or town) and whom the team talks to.
# A step of a guide that is not listed, or not answered on the active path, is left out.
GLANCE_STEPS: dict[str, tuple[str, ...]] = {
    "kommer-forbi": ("target_group", "actors", "contact_person"),
    "partnerskaber": ("target_group", "priority_list", "agreed"),
    "samskabelse": ("target_group_type", "target_group", "project_group"),
    "vejviseren": ("town", "route", "key_person_who"),
    "klubfaellesskaber": ("segment", "topic", "community_form"),
}

# What a history row records (storage.models.AnswerHistory.action); each has its words.
HISTORY_ACTIONS = ("answered", "edited", "skipped", "concurrent")


@dataclass(frozen=True)
class Logbook:
    """Everything an export needs, read at ``made_at``; times are shown in ``timezone``."""

    project: Project
    guide: Guide
    state: FlowState
    history: Sequence[AnswerHistory]
    journal: Sequence[JournalEntry]
    nudges: Sequence[NudgeRow]
    timezone: ZoneInfo
    lang: str
    made_at: datetime


@dataclass(frozen=True)
class DateAnswer:
    """A date step's answer: ``"2026-12-15"``, or ``"2026-12-15T14:00"`` (local time) when a time was given."""

    day: date
    time: time | None = None

    @classmethod
    def read(cls, value: Any) -> DateAnswer | None:
        """The answer, or None when the stored value is not a date (an old or hand-made row)."""
        if not isinstance(value, str):
            return None
        day, _, clock = value.partition("T")
        try:
            return cls(date.fromisoformat(day), time.fromisoformat(clock) if clock else None)
        except ValueError:
            return None


@dataclass(frozen=True)
class Status:
    """Where the project stands: ``code`` is active, waiting, paused or finished; ``step`` the
    step it waits or paused at, ``since`` the ISO date it has waited since."""

    code: str
    step: str | None = None
    since: str | None = None


def on_path(book: Logbook) -> list[Step]:
    """The answered steps of the active path, in path order (answers of a branch left behind do not count)."""
    return [book.guide.step(s) for s in engine.active_path(book.guide, book.state) if s in book.state.answers]


def dated_answers(book: Logbook) -> list[tuple[Step, DateAnswer]]:
    """Every date answer on the active path, in path order; a step with many dates gives each."""
    found = [
        (step, DateAnswer.read(value))
        for step in on_path(book)
        if step.kind is PromptKind.DATE
        for value in _values(book.state.answers[step.id])
    ]
    return [(step, answer) for step, answer in found if answer is not None]


def _values(answer: Any) -> list[Any]:
    return answer if isinstance(answer, list) else [answer]


def glance_steps(book: Logbook) -> list[Step]:
    wanted = GLANCE_STEPS.get(book.guide.id, ())
    return [step for step in on_path(book) if step.id in wanted]


def pending_reminders(book: Logbook) -> list[NudgeRow]:
    """Reminders still to be delivered, soonest first."""
    return sorted((n for n in book.nudges if n.status == "pending"), key=lambda n: n.due_at)


def open_tasks(book: Logbook) -> list[JournalEntry]:
    """Follow-up tasks not marked done, by due date (those without one last)."""
    tasks = [e for e in book.journal if e.kind == "task" and not (e.data or {}).get("done")]
    return sorted(tasks, key=lambda e: (str((e.data or {}).get("due") or "9999"), e.at))


def status(book: Logbook) -> Status:
    """Finished, paused, waiting or active.

    A project whose path is complete but that is not finished has stopped at a step that
    pauses it ("come back when ..."). A waiting step is the current step while it is in
    the position's ``waiting`` map (step -> ISO date), which the engine keeps for a step
    answered "not yet".
    """
    if book.project.finished:
        return Status("finished")
    current = engine.current_step(book.guide, book.state)
    if current is None:
        return Status("paused", step=engine.active_path(book.guide, book.state)[-1])
    waiting = (book.project.position or {}).get("waiting") or {}
    if current in waiting:
        return Status("waiting", step=current, since=str(waiting[current]))
    return Status("active")


def reminder_key(nudge: NudgeRow) -> str:
    """The guide's key of a reminder (``step:kind:index``), without the project prefix of its dedupe key."""
    return nudge.dedupe_key.partition(":")[2]
