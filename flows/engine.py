"""The state machine: ``advance(guide, state, event) -> (state, effects)``.

Pure: no clock, no I/O. The caller passes today's date inside answer events, carries out
the effects (save, cancel and schedule reminders, open a debrief, finish) in one
transaction, and words any :class:`Rejected` for the person who sent the event.

The answers are the one truth about where a team stands. The *active path* is the path
the branch conditions pick through the answers, up to the first step that is neither
answered nor skipped (the *open step*). Answering, editing or changing a branch never
deletes an answer: answers off the active path stay in ``answers`` and simply stop
counting, for the path and for reminders alike. Going back only sets a *focus* on a step
of the active path, so there is no history of moves that could lead into a branch the
team has left.

Two ways of standing still belong to the path too. A *waiting* step asks whether something
has been done in the world; "not yet" stores no answer but records since when the team
has been waiting, so the step stays open and a check-back reminder asks again. A *pause*
step is where a branch says "come back when ..."; a path complete at a pause step leaves
the project paused, not finished, until :class:`Resume` sends the team back to the
decision that led there.
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
    """What a project holds: its answers, the steps it skipped, and where the team looked back to.

    Nothing here says where the team *is*; :func:`current_step` derives that from the
    answers, so a stored position can never disagree with them. ``focus`` is a step the
    team went back to (with Back or GoTo); ``None`` means "the open step". ``finished`` is
    the project's one finished flag, which the caller stores and passes back in.
    """

    answers: Mapping[str, Any]
    skipped: frozenset[str] = frozenset()
    focus: str | None = None
    finished: bool = False
    waiting: Mapping[str, str] = field(default_factory=dict)
    """Waiting steps the team said "not yet" to, with the ISO date since when; it counts while the step is open."""
    _paths: dict[int, tuple[Guide, tuple[str, ...]]] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )
    """The active path per guide, remembered: a state never changes, and one turn asks for its
    path a dozen times (the question, its number, the reminders). ``replace`` starts afresh."""

    def position(self) -> dict[str, Any]:
        """What storage keeps besides the answers (rows of their own) and the finished flag (a column)."""
        return {"focus": self.focus, "skipped": sorted(self.skipped), "waiting": dict(sorted(self.waiting.items()))}

    @classmethod
    def from_position(cls, position: Mapping[str, Any], answers: Mapping[str, Any], finished: bool) -> FlowState:
        """Rebuild a state from storage.

        Keys of older positions ("current", "trail", "finished") are ignored: the answers and
        the caller's finished flag are the truth those keys used to repeat, sometimes wrongly.
        """
        return cls(
            answers=dict(answers),
            skipped=frozenset(position.get("skipped", ())),
            focus=position.get("focus"),
            finished=finished,
            waiting=dict(position.get("waiting", {})),
        )


# --- events --------------------------------------------------------------------------


@dataclass(frozen=True)
class Answer:
    """Answer the current question. ``step`` names the question the sender saw, if known."""

    value: Any
    today: date
    step: str | None = None


@dataclass(frozen=True)
class Back:
    """Look at the step before the current one on the active path (never into a branch left behind)."""


@dataclass(frozen=True)
class Skip:
    """Pass over the current question if it is optional. ``step`` as in :class:`Answer`."""

    step: str | None = None


@dataclass(frozen=True)
class GoTo:
    """Look at a step of the active path: one answered, skipped, or the open one."""

    step: str


@dataclass(frozen=True)
class Edit:
    """Change the answer of a step on the active path without going there; allowed after finishing too."""

    step: str
    value: Any
    today: date


@dataclass(frozen=True)
class Finish:
    """Stop here, whether or not every step on the path is answered."""


@dataclass(frozen=True)
class Resume:
    """Take up a paused project again: look at the decision that led to the pause, to answer it anew."""


Event = Answer | Back | Skip | GoTo | Edit | Finish | Resume


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
    """Remind the team. ``key`` is stable per guide rule, so rescheduling replaces.

    ``after`` counts from now; ``on_date`` (plus ``offset``) anchors on a date answer, at
    ``on_time`` when the answer names a time and the offset is zero, else at the caller's
    hour. With neither, the nudge is a check-back timed by the deployment's default.
    ``suggested`` says the timing is the coach's proposal, not the document's. ``lapses``
    marks a reminder about one of many dates (events listed together, past ones included):
    when its moment has passed it is dropped rather than sent late.
    """

    key: str
    kind: str
    step: str
    message: Text
    after: timedelta | None = None
    on_date: date | None = None
    offset: timedelta = timedelta(0)
    repeat: Repeat | None = None
    suggested: bool = False
    on_time: time | None = None
    lapses: bool = False

    def due_at(
        self, now: datetime, tz: ZoneInfo, at: time = time(9, 0), check_back: timedelta = timedelta(days=3)
    ) -> datetime:
        """When the nudge is due, in UTC; a date anchor means ``at`` o'clock local time unless it names its own."""
        if self.after is not None:
            return now + self.after
        if self.on_date is None:
            return now + check_back
        local = datetime.combine(self.on_date, self.on_time or at, tzinfo=tz) + self.offset
        return local.astimezone(ZoneInfo("UTC"))


@dataclass(frozen=True)
class CancelNudge:
    key: str


@dataclass(frozen=True)
class OpenDebrief:
    """Open the debrief thread of ``step``; ``key`` is what a later :class:`CancelNudge` names."""

    key: str
    step: str
    questions: tuple[Text, ...]


@dataclass(frozen=True)
class Waiting:
    """The team has not done what ``step`` asks yet; it stays open. ``previous`` is an answer this takes back."""

    step: str
    since: str
    previous: Any = None


@dataclass(frozen=True)
class Paused:
    """The path reached the pause step ``step``: the project waits for the team to come back, unfinished."""

    step: str


@dataclass(frozen=True)
class Finished:
    complete: bool


@dataclass(frozen=True)
class Rejected:
    """The event was refused; the state is unchanged. ``code`` names a message."""

    code: str
    params: Mapping[str, Any] = field(default_factory=dict)


Effect = SaveAnswer | MarkSkipped | ScheduleNudge | CancelNudge | OpenDebrief | Waiting | Paused | Finished | Rejected

CHECK_BACK = "check-back"


# --- the path --------------------------------------------------------------------------


def holds(condition: Condition, answers: Mapping[str, Any]) -> bool:
    """Whether ``answers`` pass ``condition``; an unanswered step passes only ``answered: false``."""
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
    if step.stops:
        return None
    for transition in step.next:
        if transition.when is None or holds(transition.when, answers):
            return transition.to
    return None if step.next else guide.following(step.id)


def active_path(guide: Guide, state: FlowState) -> list[str]:
    """The steps the answers lead through, up to the first open one (or the end)."""
    known = state._paths.get(id(guide))
    if known is not None and known[0] is guide:
        return list(known[1])
    path: list[str] = []
    step_id: str | None = guide.start
    while step_id is not None and step_id not in path:
        path.append(step_id)
        if step_id not in state.answers and step_id not in state.skipped:
            break
        step_id = next_step(guide, guide.step(step_id), state.answers)
    state._paths[id(guide)] = (guide, tuple(path))
    return path


def expected_path(guide: Guide, state: FlowState) -> list[str]:
    """The active path, continued to its end as the guide's main way runs (the fallback
    transition, else the first) for questions not answered yet: what "12 of 31" counts.

    Answers given later can make it longer or shorter; it never counts a branch the team
    has left behind.
    """
    path = active_path(guide, state)
    if open_step(guide, state) is None:
        return path
    step = guide.step(path[-1])
    while not step.stops:
        main_way = [t.to for t in step.next if t.when is None] or [t.to for t in step.next[:1]]
        following = main_way[0] if main_way else guide.following(step.id)
        if following is None or following in path:
            break
        path.append(following)
        step = guide.step(following)
    return path


def open_step(guide: Guide, state: FlowState) -> str | None:
    """The first step on the active path that is neither answered nor skipped; None when the path is complete."""
    last = active_path(guide, state)[-1]
    return last if last not in state.answers and last not in state.skipped else None


def current_step(guide: Guide, state: FlowState) -> str | None:
    """The step the team is on: the one they went back to while it is still on their path, else the open one.

    A focus that a changed branch has left behind falls back to the open step, so the team
    is never shown a question its answers no longer lead through.
    """
    if state.finished:
        return None
    if state.focus is not None and state.focus in active_path(guide, state):
        return state.focus
    return open_step(guide, state)


def waiting_for(guide: Guide, state: FlowState) -> str | None:
    """The open step, if the team said "not yet" to it and the project is still going."""
    step_id = open_step(guide, state)
    if state.finished or step_id is None or step_id not in state.waiting:
        return None
    return step_id if guide.step(step_id).wait is not None else None


def paused_at(guide: Guide, state: FlowState) -> str | None:
    """The pause step the project stands at: its path is complete there and the team has not resumed."""
    if state.finished or current_step(guide, state) is not None:
        return None
    last = active_path(guide, state)[-1]
    return last if guide.step(last).pause else None


def reminders(guide: Guide, state: FlowState) -> dict[str, ScheduleNudge]:
    """Every reminder the answers on the active path call for, by key.

    Only answers on the active path count, for the owner step, its ``when`` and its ``at``
    anchor alike: a branch the team left behind reminds them of nothing. A pause step the
    path is complete at counts even when skipped (its nudge asks whether to go on), and a
    waiting open step adds its check-back.
    """
    counted = _counted(guide, state)
    owners = list(counted)
    last = active_path(guide, state)[-1]
    if guide.step(last).pause and last in state.skipped:
        owners.append(last)
    wanted: dict[str, ScheduleNudge] = {}
    for step_id in owners:
        for index, nudge in enumerate(guide.step(step_id).nudges):
            if nudge.when and not holds(nudge.when, counted):
                continue
            key = f"{step_id}:{nudge.kind}:{index}"
            repeat = _chosen(guide, counted, nudge.repeat_from, "repeat", nudge.repeat)
            offset = _chosen(guide, counted, nudge.offset_from, "offset", nudge.offset)
            anchors = _anchors(key, guide.step(nudge.at), counted.get(nudge.at)) if nudge.at else {key: (None, None)}
            for anchored_key, (day, at) in anchors.items():
                wanted[anchored_key] = ScheduleNudge(
                    key=anchored_key,
                    kind=nudge.kind,
                    step=step_id,
                    message=nudge.message,
                    after=nudge.after,
                    on_date=day,
                    offset=offset,
                    repeat=repeat,
                    suggested=nudge.suggested,
                    on_time=at if not offset else None,
                    lapses=anchored_key != key,
                )
    waiting = waiting_for(guide, state)
    if waiting is not None:
        wanted[f"{waiting}:{CHECK_BACK}"] = _check_back(guide.step(waiting), counted)
    return wanted


def _check_back(step: Step, counted: Mapping[str, Any]) -> ScheduleNudge:
    """The reminder asking again about a waiting step; without a timing of its own, the caller's default applies.

    An ``at`` anchor not answered (a skipped date) falls back to the default too. A timing
    the guide leaves to the deployment is always the coach's suggestion.
    """
    wait = step.wait
    assert wait is not None
    anchor = _anchor(counted.get(wait.at)) if wait.at else None
    timed = wait.after is not None or anchor is not None
    return ScheduleNudge(
        key=f"{step.id}:{CHECK_BACK}",
        kind=CHECK_BACK,
        step=step.id,
        message=wait.message,
        after=wait.after,
        on_date=anchor[0] if anchor else None,
        offset=wait.offset if anchor else timedelta(0),
        suggested=wait.suggested or not timed,
        on_time=anchor[1] if anchor and not wait.offset else None,
    )


def _chosen(guide: Guide, counted: Mapping[str, Any], step_id: str | None, field: str, default: Any) -> Any:
    """The ``repeat`` or ``offset`` the team chose on ``step_id``; ``default`` before it is answered.

    A chosen lead time of zero ("samme dag") is a choice too, so this never tests truth."""
    option = guide.step(step_id).option(counted[step_id]) if step_id is not None and step_id in counted else None
    chosen = getattr(option, field) if option is not None else None
    return default if chosen is None else chosen


def _anchors(key: str, date_step: Step, value: Any) -> dict[str, tuple[date | None, time | None]]:
    """The dates a nudge ``at`` ``date_step`` is due on, by reminder key: one for a date
    step, one per date (keyed by the date, so adding a later event leaves the others'
    reminders alone) for a step with ``many`` dates."""
    if not date_step.many:
        anchor = _anchor(value)
        return {key: anchor} if anchor else {}
    days = value if isinstance(value, list) else []
    return {f"{key}:{day}": anchor for day in days if (anchor := _anchor(day))}


def _anchor(value: Any) -> tuple[date, time | None] | None:
    """The date and, if given, the local time of a date answer: ``YYYY-MM-DD`` or ``YYYY-MM-DDTHH:MM``.

    A value that is neither (an answer stored by a guide version where the step was not a
    date) anchors nothing, rather than failing every later turn of the project.
    """
    if not isinstance(value, str):
        return None
    try:
        if "T" in value:
            moment = datetime.fromisoformat(value)
            return moment.date(), moment.time().replace(tzinfo=None)
        return date.fromisoformat(value), None
    except ValueError:
        return None


def _debriefs(guide: Guide, state: FlowState) -> dict[str, OpenDebrief]:
    """The debrief threads the answers on the active path call for, by key."""
    counted = _counted(guide, state)
    wanted: dict[str, OpenDebrief] = {}
    for step_id in counted:
        debrief = guide.step(step_id).debrief
        if debrief and (debrief.when is None or holds(debrief.when, counted)):
            key = f"{step_id}:debrief"
            wanted[key] = OpenDebrief(key, step_id, tuple(debrief.questions))
    return wanted


def _counted(guide: Guide, state: FlowState) -> dict[str, Any]:
    """The answers on the active path, in path order; answers off it stay stored but stop counting."""
    return {step_id: state.answers[step_id] for step_id in active_path(guide, state) if step_id in state.answers}


# --- the transition function -------------------------------------------------------------


def advance(guide: Guide, state: FlowState, event: Event) -> tuple[FlowState, list[Effect]]:
    """The state after ``event`` and the effects to carry out, or the same state and one :class:`Rejected`."""
    current = current_step(guide, state)
    # Checked before "finished": a click that lost the race against the guide's last answer
    # is still news about the question the sender saw, and their words may be worth keeping.
    if isinstance(event, Answer | Skip) and event.step is not None and event.step != current:
        return state, [_moved_on(guide, event, current)]
    if state.finished and not isinstance(event, Edit):
        return state, [Rejected("finished")]
    paused = paused_at(guide, state)
    if paused is not None and isinstance(event, Answer | Skip):
        return state, [Rejected("paused", {"step": paused})]
    match event:
        case Answer():
            return _answer(guide, state, current, event)
        case Back():
            return _back(guide, state, current)
        case Skip():
            return _skip(guide, state, current)
        case GoTo():
            return _goto(guide, state, event.step)
        case Edit():
            return _edit(guide, state, event)
        case Resume():
            return _resume(guide, state, paused)
        case Finish():
            complete = open_step(guide, state) is None and paused is None
            return replace(state, focus=None, finished=True), [Finished(complete=complete)]
    raise AssertionError(f"unknown event {event!r}")


def _moved_on(guide: Guide, event: Answer | Skip, current: str | None) -> Rejected:
    """Refuse an answer to a question that is no longer current, carrying the value if it was a valid one."""
    params: dict[str, Any] = {"step": event.step, "current": current}
    if isinstance(event, Answer) and event.step is not None and guide.has_step(event.step):
        value = parse_answer(guide.step(event.step), event.value, event.today)
        if not isinstance(value, Invalid):
            params["value"] = value
    return Rejected("moved-on", params)


def _answer(guide: Guide, state: FlowState, current: str | None, event: Answer) -> tuple[FlowState, list[Effect]]:
    if current is None:
        return state, [Rejected("nothing-to-answer")]
    step = guide.step(current)
    value = parse_answer(step, event.value, event.today)
    if isinstance(value, Invalid):
        return state, [Rejected(value.code, value.params)]
    if value is False and step.wait is not None:
        return _not_yet(guide, state, step.id, event.today)
    new = replace(_done(state, step.id, value), focus=None)
    return _changed(guide, state, new, step.id, [SaveAnswer(step.id, value, state.answers.get(step.id))])


def _done(state: FlowState, step_id: str, value: Any) -> FlowState:
    """``state`` with ``value`` as the answer of ``step_id``, which is then neither skipped nor waited for."""
    waiting = {k: v for k, v in state.waiting.items() if k != step_id}
    answers = {**state.answers, step_id: value}
    return replace(state, answers=answers, skipped=state.skipped - {step_id}, waiting=waiting)


def _not_yet(guide: Guide, state: FlowState, step_id: str, today: date) -> tuple[FlowState, list[Effect]]:
    """ "Not yet" to a waiting step: it stays (or becomes again) the open step, and the check-back starts over.

    The team keeps the date it began waiting; a step they had marked done and now say is
    not takes back that answer and starts waiting today.
    """
    previous = state.answers.get(step_id)
    since = state.waiting.get(step_id) if previous is None else None
    since = since or today.isoformat()
    answers = {k: v for k, v in state.answers.items() if k != step_id}
    new = replace(
        state,
        answers=answers,
        skipped=state.skipped - {step_id},
        waiting={**state.waiting, step_id: since},
        focus=None,
    )
    return _changed(guide, state, new, step_id, [Waiting(step_id, since, previous)])


def _skip(guide: Guide, state: FlowState, current: str | None) -> tuple[FlowState, list[Effect]]:
    if current is None:
        return state, [Rejected("nothing-to-answer")]
    if current in state.answers:
        # Skipping a question the team went back to keeps its answer and goes on to the open step.
        return replace(state, focus=None), []
    if guide.step(current).required:
        return state, [Rejected("required")]
    waiting = {k: v for k, v in state.waiting.items() if k != current}
    new = replace(state, skipped=state.skipped | {current}, focus=None, waiting=waiting)
    return _changed(guide, state, new, current, [MarkSkipped(current)])


def _edit(guide: Guide, state: FlowState, event: Edit) -> tuple[FlowState, list[Effect]]:
    if not guide.has_step(event.step):
        return state, [Rejected("unknown-step", {"step": event.step})]
    if event.step not in active_path(guide, state):
        return state, [Rejected("not-reached", {"step": event.step})]
    step = guide.step(event.step)
    value = parse_answer(step, event.value, event.today)
    if isinstance(value, Invalid):
        return state, [Rejected(value.code, value.params)]
    if value is False and step.wait is not None:
        return _not_yet(guide, state, step.id, event.today)
    new = _done(state, step.id, value)
    if new.focus is not None and new.focus not in active_path(guide, new):
        new = replace(new, focus=None)
    return _changed(guide, state, new, step.id, [SaveAnswer(step.id, value, state.answers.get(step.id))])


def _back(guide: Guide, state: FlowState, current: str | None) -> tuple[FlowState, list[Effect]]:
    path = active_path(guide, state)
    index = path.index(current) if current is not None else len(path)
    if index == 0:
        return state, [Rejected("at-start")]
    return replace(state, focus=path[index - 1]), []


def _resume(guide: Guide, state: FlowState, paused: str | None) -> tuple[FlowState, list[Effect]]:
    """Look at the decision that led to the pause, so the team can answer it anew and go on."""
    if paused is None:
        return state, [Rejected("not-paused")]
    path = active_path(guide, state)
    return replace(state, focus=path[-2] if len(path) > 1 else paused), []


def _goto(guide: Guide, state: FlowState, step_id: str) -> tuple[FlowState, list[Effect]]:
    if not guide.has_step(step_id):
        return state, [Rejected("unknown-step", {"step": step_id})]
    if step_id not in active_path(guide, state):
        return state, [Rejected("not-reached", {"step": step_id})]
    return replace(state, focus=None if step_id == open_step(guide, state) else step_id), []


def _starts_over(wanted: ScheduleNudge | OpenDebrief, changed: str) -> bool:
    """Whether re-answering ``changed`` sets ``wanted`` up again although nothing in it changed."""
    if isinstance(wanted, ScheduleNudge) and wanted.on_date is not None:
        return False
    return wanted.step == changed


def _changed(
    guide: Guide, before: FlowState, after: FlowState, changed: str, saved: list[Effect]
) -> tuple[FlowState, list[Effect]]:
    """Add to ``saved`` what the change means for reminders, debriefs and the end of the guide.

    Reminders and debriefs are compared as wholes before and after, so leaving a branch
    cancels what it had set up and coming back to it sets that up again. The changed step's
    own reminders timed from the answer start over, as re-answering means the clock starts
    now; one anchored on a date that did not change stays as it is (adding the following
    event to a list leaves the earlier events' reminders alone).
    """
    wanted_before = {**reminders(guide, before), **_debriefs(guide, before)}
    wanted_after = {**reminders(guide, after), **_debriefs(guide, after)}
    effects = [*saved, *(CancelNudge(key) for key in wanted_before if key not in wanted_after)]
    effects += [e for key, e in wanted_after.items() if wanted_before.get(key) != e or _starts_over(e, changed)]
    if not after.finished and open_step(guide, after) is None:
        paused = active_path(guide, after)[-1]
        if guide.step(paused).pause:
            return replace(after, focus=None), [*effects, Paused(paused)]
        return replace(after, focus=None, finished=True), [*effects, Finished(complete=True)]
    return after, effects
