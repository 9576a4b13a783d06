"""Load guide files and refuse any that would break a conversation.

Schema errors come from pydantic; the graph checks (unknown or unreachable steps, a step
with no way on, conditions that test an answer the step cannot give) are ours. Every
problem is reported as ``file: step 'id': problem`` so an author can fix it at once.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from flows.model import OPTION_KINDS, Condition, Guide, PromptKind, Step

GUIDE_SUFFIX = ".yaml"


@dataclass(frozen=True)
class GuideProblem:
    file: str
    step: str | None
    problem: str

    def __str__(self) -> str:
        where = f"step '{self.step}': " if self.step else ""
        return f"{self.file}: {where}{self.problem}"


class GuideError(Exception):
    """One or more guide files are invalid; ``problems`` lists each one."""

    def __init__(self, problems: list[GuideProblem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


def default_guide_dir() -> Path:
    return Path(str(resources.files("flows") / "guides"))


def load_guides(directory: Path | None = None) -> dict[str, Guide]:
    """Every guide in ``directory``, keyed by id; raises :class:`GuideError` on any problem."""
    directory = directory or default_guide_dir()
    guides: dict[str, Guide] = {}
    problems: list[GuideProblem] = []
    files = sorted(directory.glob(f"*{GUIDE_SUFFIX}"))
    if not files:
        problems.append(GuideProblem(str(directory), None, "no guide files found"))
    for path in files:
        try:
            guide = load_guide(path)
        except GuideError as error:
            problems.extend(error.problems)
            continue
        if guide.id in guides:
            problems.append(GuideProblem(path.name, None, f"guide id '{guide.id}' is used twice"))
        guides[guide.id] = guide
    if problems:
        raise GuideError(problems)
    return guides


def load_guide(path: Path) -> Guide:
    name = path.name
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError as error:
        problem = f"is not UTF-8 text ({error.reason} at byte {error.start}): save it as UTF-8"
        raise GuideError([GuideProblem(name, None, problem)]) from error
    except (OSError, yaml.YAMLError) as error:
        raise GuideError([GuideProblem(name, None, f"cannot be read: {error}")]) from error
    return parse_guide(raw, name)


def parse_guide(raw: Any, name: str) -> Guide:
    if not isinstance(raw, dict):
        raise GuideError([GuideProblem(name, None, "is not a mapping of guide fields")])
    try:
        guide = Guide.model_validate(raw)
    except ValidationError as error:
        raise GuideError([_schema_problem(name, raw, e) for e in error.errors()]) from error
    problems = list(check_graph(guide, name))
    expected = Path(name).stem
    if name.endswith(GUIDE_SUFFIX) and guide.id != expected:
        problems.insert(0, GuideProblem(name, None, f"id '{guide.id}' does not match the file name"))
    if problems:
        raise GuideError(problems)
    return guide


def _schema_problem(name: str, raw: dict[str, Any], error: Any) -> GuideProblem:
    loc = tuple(error["loc"])
    step_id = _step_at(raw, loc)
    field = ".".join(str(part) for part in _after_step(loc))
    message = error["msg"]
    if loc and loc[-1] in ("da", "en") and error["type"] in ("missing", "string_too_short"):
        message = f"missing translation '{loc[-1]}'"
    elif error["type"] == "time_delta_parsing":
        message = f"malformed timing {error.get('input')!r} (use ISO 8601, e.g. P7D or -PT2H)"
    return GuideProblem(name, step_id, f"{field}: {message}" if field else message)


def _step_at(raw: dict[str, Any], loc: tuple[Any, ...]) -> str | None:
    try:
        if loc[0] == "sections" and len(loc) >= 4 and loc[2] == "steps":
            return str(raw["sections"][loc[1]]["steps"][loc[3]].get("id", f"#{loc[3] + 1}"))
        if loc[0] == "sections" and len(loc) >= 2:
            return f"section {raw['sections'][loc[1]].get('id', loc[1] + 1)}"
    except (KeyError, IndexError, TypeError, AttributeError):
        return None
    return None


def _after_step(loc: tuple[Any, ...]) -> tuple[Any, ...]:
    if loc[:1] == ("sections",) and len(loc) >= 4 and loc[2] == "steps":
        return loc[4:]
    if loc[:1] == ("sections",):
        return loc[2:]
    return loc


def exits(guide: Guide, step: Step) -> list[str]:
    """Where a step can lead: its transitions, or else the step after it in the file."""
    if step.stops:
        return []
    if step.next:
        return [t.to for t in step.next]
    following = guide.following(step.id)
    return [following] if following else []


def check_graph(guide: Guide, name: str) -> Iterator[GuideProblem]:
    ids: set[str] = set()
    for section in guide.sections:
        if section.id in {s.id for s in guide.sections if s is not section}:
            yield GuideProblem(name, None, f"section id '{section.id}' is used twice")
        for step in section.steps:
            if step.id in ids:
                yield GuideProblem(name, step.id, "duplicate step id")
            ids.add(step.id)
            option_ids = [o.id for o in step.options]
            if len(option_ids) != len(set(option_ids)):
                yield GuideProblem(name, step.id, "duplicate option id")
    for step in guide.steps:
        yield from _check_step(guide, step, ids, name)
    yield from _check_reachable(guide, ids, name)
    yield from _check_no_loops(guide, ids, name)


def _check_step(guide: Guide, step: Step, ids: set[str], name: str) -> Iterator[GuideProblem]:
    for transition in step.next:
        if transition.to not in ids:
            yield GuideProblem(name, step.id, f"next: unknown step '{transition.to}'")
    conditions = [t.when for t in step.next if t.when]
    conditions += [n.when for n in step.nudges if n.when]
    if step.debrief and step.debrief.when:
        conditions.append(step.debrief.when)
    for condition in conditions:
        yield from _check_condition(guide, step, condition, name)
    for nudge in step.nudges:
        if nudge.at is not None:
            if nudge.at not in ids:
                yield GuideProblem(name, step.id, f"nudge '{nudge.kind}': unknown step '{nudge.at}'")
            elif guide.step(nudge.at).kind is not PromptKind.DATE:
                yield GuideProblem(name, step.id, f"nudge '{nudge.kind}': step '{nudge.at}' is not a date step")
        for field, chosen in (("repeat_from", nudge.repeat_from), ("offset_from", nudge.offset_from)):
            if chosen is not None:
                problem = _choice_source(guide, chosen, field.removesuffix("_from"), ids)
                if problem:
                    yield GuideProblem(name, step.id, f"nudge '{nudge.kind}': {field} '{chosen}' {problem}")
    if step.wait is not None and step.wait.at is not None:
        if step.wait.at not in ids:
            yield GuideProblem(name, step.id, f"wait: unknown step '{step.wait.at}'")
        elif guide.step(step.wait.at).kind is not PromptKind.DATE:
            yield GuideProblem(name, step.id, f"wait: step '{step.wait.at}' is not a date step")
        elif guide.step(step.wait.at).many:
            yield GuideProblem(name, step.id, f"wait: step '{step.wait.at}' holds many dates; wait on one date")
    if not step.stops and not exits(guide, step):
        yield GuideProblem(name, step.id, "no way on: add 'next' or mark it 'end: true' or 'pause: true'")
    if step.next and all(t.when for t in step.next) and not _covers_all_answers(step):
        yield GuideProblem(name, step.id, "no way on for some answers: add a last 'next' without 'when'")


def _choice_source(guide: Guide, step_id: str, field: str, ids: set[str]) -> str | None:
    """Why ``step_id`` cannot set a nudge's ``field`` (repeat or offset), or None when it can."""
    if step_id not in ids:
        return "is not a step"
    source = guide.step(step_id)
    if source.kind is not PromptKind.SINGLE_CHOICE:
        return "is not a single_choice step"
    missing = [o.id for o in source.options if getattr(o, field) is None]
    if missing:
        return f"has options without '{field}': {', '.join(missing)}"
    return None


def _check_condition(guide: Guide, step: Step, condition: Condition, name: str) -> Iterator[GuideProblem]:
    if condition.step not in {s.id for s in guide.steps}:
        yield GuideProblem(name, step.id, f"condition on unknown step '{condition.step}'")
        return
    tested = guide.step(condition.step)
    values: Iterable[str] = []
    if isinstance(condition.equals, str):
        values = [condition.equals]
    elif condition.in_:
        values = condition.in_
    elif condition.contains is not None:
        values = [condition.contains]
        if tested.kind not in (PromptKind.MULTI_CHOICE, PromptKind.CHECKLIST, PromptKind.LIST):
            yield GuideProblem(name, step.id, f"'contains' needs a multi-answer step, '{tested.id}' is {tested.kind}")
    if isinstance(condition.equals, bool) and tested.kind is not PromptKind.CONFIRM:
        yield GuideProblem(name, step.id, f"true/false test on '{tested.id}', which is not a confirm step")
    if condition.equals is False and tested.wait is not None:
        yield GuideProblem(
            name, step.id, f"'{tested.id}' waits on 'no' instead of storing it, so 'equals: false' never holds"
        )
    if tested.kind in OPTION_KINDS:
        for value in values:
            if tested.option(value) is None:
                yield GuideProblem(name, step.id, f"condition: '{tested.id}' has no option '{value}'")


def _covers_all_answers(step: Step) -> bool:
    """True when conditions on the step's own answer cover every answer it can take."""
    tested: set[str] = set()
    for transition in step.next:
        cond = transition.when
        if cond is None or cond.step != step.id:
            return False
        if cond.equals is not None:
            tested.add(str(cond.equals).lower() if isinstance(cond.equals, bool) else cond.equals)
        elif cond.in_:
            tested.update(cond.in_)
        else:
            return False
    if step.kind is PromptKind.CONFIRM:
        # A waiting step never stores "no": "yes" is the only answer that leads on.
        needed = {"true"} if step.wait is not None else {"true", "false"}
        return tested >= needed and step.required
    if step.kind is PromptKind.SINGLE_CHOICE:
        return tested >= {o.id for o in step.options} and step.required
    return False


def _check_reachable(guide: Guide, ids: set[str], name: str) -> Iterator[GuideProblem]:
    seen = {guide.start}
    queue = deque([guide.start])
    while queue:
        for target in exits(guide, guide.step(queue.popleft())):
            if target in ids and target not in seen:
                seen.add(target)
                queue.append(target)
    for step in guide.steps:
        if step.id not in seen:
            yield GuideProblem(name, step.id, "unreachable: no step leads here")


def _check_no_loops(guide: Guide, ids: set[str], name: str) -> Iterator[GuideProblem]:
    """Refuse transitions that lead back to an earlier step.

    Where a team stands is derived from its answers, and a step keeps one answer; a loop
    would ask a question again whose answer already leads on. Re-planning is done with
    ``edit`` (which moves any reminders with the new date), so guides only go forward.
    """
    order = {step.id: index for index, step in enumerate(guide.steps)}
    for step in guide.steps:
        for target in exits(guide, step):
            if target in ids and order[target] <= order[step.id]:
                yield GuideProblem(
                    name, step.id, f"next: '{target}' comes earlier in the file; guides must not loop back"
                )
