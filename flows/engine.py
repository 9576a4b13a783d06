"""The state machine: ``advance(guide, state, event) -> (state, effects)``.

Pure: no clock, no I/O. The caller passes today's date inside answer events, carries out
the effects (save, schedule, open a debrief, finish) in one transaction, and words any
:class:`Rejected` for the person who sent the event.

Where the team is *now* is derived from the answers: the first step on the active path
(the path the branch conditions pick through the answers) that is neither answered nor
skipped. So answering, editing or changing a branch never deletes an answer: answers off
the active path stay in ``answers`` and simply stop counting.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from flows.answers import Invalid, parse_answer
from flows.model import Condition, Guide, Repeat, Step, Text

# --- state -------------------------------------------------------------------------


@dataclass(frozen=True)
class FlowState:
    """Where a project stands. ``answers`` maps step id to its stored value."""

    current: str | None
    answers: Mapping[str, Any] = field(default_factory=dict)
    skipped: frozenset[str] = frozenset()
    trail: tuple[str, ...] = ()
    finished: bool = False

    def position(self) -> dict[str, Any]:
        """Everything but the answers, which storage keeps in rows of their own."""
        return {
            "current": self.current,
            "skipped": sorted(self.skipped),
            "trail": list(self.trail),
            "finished": self.finished,
        }

    @classmethod
    def from_position(cls, position: Mapping[str, Any], answers: Mapping[str, Any]) -> FlowState:
        return cls(
            current=position.get("current"),
            answers=dict(answers),
            skipped=frozenset(position.get("skipped", ())),
            trail=tuple(position.get("trail", ())),
            finished=bool(position.get("finished", False)),
        )


def start(guide: Guide) -> FlowState:
    return FlowState(current=guide.start)


# --- events --------------------------------------------------------------------------


@dataclass(frozen=True)
class Answer:
    """Answer the current question. ``step`` names the question the sender saw, if known."""

    value: Any
    today: date
    step: str | None = None


@dataclass(frozen=True)
class Back:
    pass


@dataclass(frozen=True)
class Skip:
    step: str | None = None


@dataclass(frozen=True)
class GoTo:
    step: str


@dataclass(frozen=True)
class Edit:
    step: str
    value: Any
    today: date


@dataclass(frozen=True)
class Finish:
    pass


Event = Answer | Back | Skip | GoTo | Edit | Finish


# --- effects -------------------------------------------------------------------------


@dataclass(frozen=True)
class SaveAnswer:
    step: str
    value: Any
    previous: Any = None


@dataclass(frozen=True)
class MarkSkipped:
    step: str


@dataclass(frozen=True)
class ScheduleNudge:
    """Remind the team. ``key`` is stable per guide rule, so rescheduling replaces."""

    key: str
    kind: str
    step: str
    message: Text
    after: timedelta | None = None
    on_date: date | None = None
    offset: timedelta = timedelta(0)
    repeat: Repeat | None = None

    def due_at(self, now: datetime, tz: ZoneInfo, at: time = time(9, 0)) -> datetime:
        """When the nudge is due, in UTC; a date anchor means ``at`` o'clock local time."""
        if self.after is not None:
            return now + self.after
        assert self.on_date is not None
        local = datetime.combine(self.on_date, at, tzinfo=tz) + self.offset
        return local.astimezone(ZoneInfo("UTC"))


@dataclass(frozen=True)
class CancelNudge:
    key: str


@dataclass(frozen=True)
class OpenDebrief:
    step: str
    questions: tuple[Text, ...]


@dataclass(frozen=True)
class Finished:
    complete: bool


@dataclass(frozen=True)
class Rejected:
    """The event was refused; the state is unchanged. ``code`` names a message."""

    code: str
    params: Mapping[str, Any] = field(default_factory=dict)


Effect = SaveAnswer | MarkSkipped | ScheduleNudge | CancelNudge | OpenDebrief | Finished | Rejected


# --- the path --------------------------------------------------------------------------


def holds(condition: Condition, answers: Mapping[str, Any]) -> bool:
    value = answers.get(condition.step)
    if condition.answered is not None:
        return (condition.step in answers) == condition.answered
    if condition.step not in answers:
        return False
    if condition.equals is not None:
        return value == condition.equals
    if condition.in_ is not None:
        return value in condition.in_
    if condition.contains is not None:
        return isinstance(value, list) and condition.contains in value
    return False


def next_step(guide: Guide, step: Step, answers: Mapping[str, Any]) -> str | None:
    """Where the team goes after ``step``: the first transition that holds, else the next step."""
    if step.end:
        return None
    for transition in step.next:
        if transition.when is None or holds(transition.when, answers):
            return transition.to
    return None if step.next else guide.following(step.id)


def active_path(guide: Guide, state: FlowState) -> list[str]:
    """The steps the answers lead through, up to the first open one (or the end)."""
    path: list[str] = []
    step_id: str | None = guide.start
    while step_id is not None and step_id not in path:
        path.append(step_id)
        if step_id not in state.answers and step_id not in state.skipped:
            break
        step_id = next_step(guide, guide.step(step_id), state.answers)
    return path


def open_step(guide: Guide, state: FlowState) -> str | None:
    path = active_path(guide, state)
    last = path[-1]
    return last if last not in state.answers and last not in state.skipped else None


# --- the transition function -------------------------------------------------------------


def advance(guide: Guide, state: FlowState, event: Event) -> tuple[FlowState, list[Effect]]:
    if state.finished and not isinstance(event, Edit):
        return state, [Rejected("finished")]
    match event:
        case Answer():
            return _answer(guide, state, event)
        case Back():
            return _back(state)
        case Skip():
            return _skip(guide, state, event)
        case GoTo():
            return _goto(guide, state, event.step)
        case Edit():
            return _edit(guide, state, event)
        case Finish():
            return replace(state, finished=True), [Finished(complete=state.current is None)]
    raise AssertionError(f"unknown event {event!r}")


def _answer(guide: Guide, state: FlowState, event: Answer) -> tuple[FlowState, list[Effect]]:
    if state.current is None:
        return state, [Rejected("nothing-to-answer")]
    if event.step is not None and event.step != state.current:
        return state, [Rejected("moved-on", {"step": event.step, "current": state.current})]
    step = guide.step(state.current)
    value = parse_answer(step, event.value, event.today)
    if isinstance(value, Invalid):
        return state, [Rejected(value.code, value.params)]
    new, effects = _store(guide, state, step, value)
    return _move_on(guide, new, effects, came_from=step.id)


def _edit(guide: Guide, state: FlowState, event: Edit) -> tuple[FlowState, list[Effect]]:
    if not guide.has_step(event.step):
        return state, [Rejected("unknown-step", {"step": event.step})]
    if not _reached(guide, state, event.step):
        return state, [Rejected("not-reached", {"step": event.step})]
    step = guide.step(event.step)
    value = parse_answer(step, event.value, event.today)
    if isinstance(value, Invalid):
        return state, [Rejected(value.code, value.params)]
    new, effects = _store(guide, state, step, value)
    if new.finished:
        return new, effects
    if new.current is not None and new.current in active_path(guide, new):
        return new, effects
    return _move_on(guide, new, effects, came_from=None)


def _back(state: FlowState) -> tuple[FlowState, list[Effect]]:
    if not state.trail:
        return state, [Rejected("at-start")]
    return replace(state, current=state.trail[-1], trail=state.trail[:-1]), []


def _skip(guide: Guide, state: FlowState, event: Skip) -> tuple[FlowState, list[Effect]]:
    if state.current is None:
        return state, [Rejected("nothing-to-answer")]
    if event.step is not None and event.step != state.current:
        return state, [Rejected("moved-on", {"step": event.step, "current": state.current})]
    step = guide.step(state.current)
    if step.id in state.answers:
        # Skipping an answered question keeps the answer and moves on.
        return _move_on(guide, state, [], came_from=step.id)
    if step.required:
        return state, [Rejected("required")]
    new = replace(state, skipped=state.skipped | {step.id})
    return _move_on(guide, new, [MarkSkipped(step.id)], came_from=step.id)


def _goto(guide: Guide, state: FlowState, step_id: str) -> tuple[FlowState, list[Effect]]:
    if not guide.has_step(step_id):
        return state, [Rejected("unknown-step", {"step": step_id})]
    if not _reached(guide, state, step_id):
        return state, [Rejected("not-reached", {"step": step_id})]
    trail = state.trail + ((state.current,) if state.current else ())
    return replace(state, current=step_id, trail=trail), []


def _reached(guide: Guide, state: FlowState, step_id: str) -> bool:
    return step_id in state.answers or step_id in active_path(guide, state)


def _store(guide: Guide, state: FlowState, step: Step, value: Any) -> tuple[FlowState, list[Effect]]:
    answers = {**state.answers, step.id: value}
    new = replace(state, answers=answers, skipped=state.skipped - {step.id})
    effects: list[Effect] = [SaveAnswer(step.id, value, state.answers.get(step.id))]
    effects += _timed_effects(guide, step, answers)
    return new, effects


def _timed_effects(guide: Guide, changed: Step, answers: Mapping[str, Any]) -> list[Effect]:
    """Nudges of the changed step, and of any answered step whose nudge hangs on its date."""
    effects: list[Effect] = []
    for owner in guide.steps:
        if owner.id != changed.id and owner.id not in answers:
            continue
        for index, nudge in enumerate(owner.nudges):
            if owner.id != changed.id and nudge.at != changed.id:
                continue
            key = f"{owner.id}:{nudge.kind}:{index}"
            anchor = answers.get(nudge.at) if nudge.at else None
            if (nudge.when and not holds(nudge.when, answers)) or (nudge.at and anchor is None):
                effects.append(CancelNudge(key))
                continue
            effects.append(
                ScheduleNudge(
                    key=key,
                    kind=nudge.kind,
                    step=owner.id,
                    message=nudge.message,
                    after=nudge.after,
                    on_date=date.fromisoformat(anchor) if anchor else None,
                    offset=nudge.offset,
                    repeat=nudge.repeat,
                )
            )
    debrief = changed.debrief
    if debrief and (debrief.when is None or holds(debrief.when, answers)):
        effects.append(OpenDebrief(changed.id, tuple(debrief.questions)))
    return effects


def _move_on(
    guide: Guide, state: FlowState, effects: list[Effect], came_from: str | None
) -> tuple[FlowState, list[Effect]]:
    target = open_step(guide, state)
    trail = state.trail + ((came_from,) if came_from else ())
    if target is None:
        return replace(state, current=None, trail=trail, finished=True), [*effects, Finished(complete=True)]
    return replace(state, current=target, trail=trail), effects
