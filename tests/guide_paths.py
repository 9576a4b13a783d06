"""Paths through a guide, generated from its definition rather than listed by hand.

Every step whose answer some condition tests is tried with each answer that can matter
(each option, yes and no, skipped); other steps get one sample answer. From all complete
paths we keep a small set that still covers every transition and every tested answer.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from flows import engine
from flows.engine import FlowState
from flows.model import Guide, PromptKind, Step

SKIP = object()
SAMPLE_DATE = "2026-12-10"
# A question for several dates (``many``) gets two, so every date's reminders are walked.
SAMPLE_DATES = [SAMPLE_DATE, "2027-01-14"]


@dataclass(frozen=True)
class Path:
    guide: str
    moves: tuple[tuple[str, Any], ...]  # (step id, value or SKIP)

    @property
    def answers(self) -> dict[str, Any]:
        return {step: value for step, value in self.moves if value is not SKIP}

    def edges(self) -> set[tuple[str, str]]:
        steps = [step for step, _ in self.moves]
        return set(zip(steps, steps[1:], strict=False)) | {(steps[-1], "<end>")}

    @property
    def last(self) -> str:
        return self.moves[-1][0]

    def describe(self) -> str:
        return " > ".join(f"{s}={'skip' if v is SKIP else v}" for s, v in self.moves)


def tested_steps(guide: Guide) -> set[str]:
    tested = set()
    for step in guide.steps:
        conditions = [t.when for t in step.next if t.when] + [n.when for n in step.nudges if n.when]
        if step.debrief and step.debrief.when:
            conditions.append(step.debrief.when)
        tested |= {c.step for c in conditions}
    return tested


def sample(step: Step) -> Any:
    match step.kind:
        case PromptKind.TEXT:
            return f"Svar på {step.id}"
        case PromptKind.DATE:
            return SAMPLE_DATES if step.many else SAMPLE_DATE
        case PromptKind.LIST:
            return [f"Punkt {n}" for n in range(1, (step.min_items or 2) + 1)]
        case PromptKind.CONFIRM:
            return True
        case PromptKind.SINGLE_CHOICE:
            return step.options[0].id
        case PromptKind.MULTI_CHOICE | PromptKind.CHECKLIST:
            return [o.id for o in step.options]
    raise AssertionError(step.kind)


def candidates(step: Step, tested: set[str]) -> list[Any]:
    if step.id not in tested:
        return [sample(step)]
    values: list[Any]
    match step.kind:
        case PromptKind.CONFIRM:
            # "No" to a waiting step is "not yet": it stores nothing and leads nowhere.
            values = [True] if step.wait else [True, False]
        case PromptKind.SINGLE_CHOICE:
            values = [o.id for o in step.options]
        case PromptKind.MULTI_CHOICE | PromptKind.CHECKLIST:
            values = [[o.id] for o in step.options] + [[o.id for o in step.options]]
        case _:
            values = [sample(step)]
    return values + ([SKIP] if not step.required else [])


def all_paths(guide: Guide, limit: int = 20000) -> Iterator[Path]:
    tested = tested_steps(guide)
    count = 0

    def walk(step_id: str, answers: dict[str, Any], moves: tuple[tuple[str, Any], ...]) -> Iterator[Path]:
        nonlocal count
        step = guide.step(step_id)
        for value in candidates(step, tested):
            new_answers = answers if value is SKIP else {**answers, step_id: value}
            state = FlowState(answers=new_answers)
            target = engine.next_step(guide, step, state.answers)
            path = (*moves, (step_id, value))
            if target is None:
                count += 1
                if count > limit:
                    raise RuntimeError(f"{guide.id}: more than {limit} paths")
                yield Path(guide.id, path)
            else:
                yield from walk(target, new_answers, path)

    yield from walk(guide.start, {}, ())


def covering_paths(guide: Guide) -> list[Path]:
    """Few paths that together take every transition and try every tested answer."""
    paths = list(all_paths(guide))
    tested = tested_steps(guide)

    def features(path: Path) -> set[Any]:
        tried = {(s, repr(v)) for s, v in path.moves if s in tested}
        return path.edges() | tried

    wanted = set().union(*(features(p) for p in paths))
    chosen: list[Path] = []
    covered: set[Any] = set()
    while covered != wanted:
        best = max(paths, key=lambda p: len(features(p) - covered))
        chosen.append(best)
        covered |= features(best)
    return chosen
