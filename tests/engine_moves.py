"""What a team answers in the guides' first steps, written by hand from the documents,
shared by the engine's specification tests."""

from __future__ import annotations

from datetime import date
from typing import Any

from flows.engine import Answer, Effect, FlowState, Rejected, Skip, advance
from flows.loader import load_guides
from flows.model import Guide
from tests.guide_paths import SKIP

TODAY = date(2026, 11, 23)
GUIDES = load_guides()
VISIT = GUIDES["kommer-forbi"]
SIGNPOST = GUIDES["vejviseren"]

# "Inden I kaster jer over guiden": target group and whom to visit are in place.
READY = [
    ("target_group_chosen", "ja"),
    ("target_group", "Unge mellem 18 og 25"),
    ("actors_chosen", "ja"),
    ("actors", "Ungdomsklubben i Vestbyen"),
    ("contact_person", "Klublederen"),
]


def walk(guide: Guide, moves: list[tuple[str, Any]], state: FlowState | None = None) -> tuple[FlowState, list[Effect]]:
    """The team answers (or, for ``SKIP``, skips) each step in turn, as the question it is
    shown; every effect they caused, in order. A refused answer fails the test."""
    state = state if state is not None else FlowState(answers={})
    effects: list[Effect] = []
    for step, value in moves:
        event = Skip(step) if value is SKIP else Answer(value, TODAY, step)
        state, caused = advance(guide, state, event)
        assert not [e for e in caused if isinstance(e, Rejected)], f"{step}: {caused}"
        effects += caused
    return state, effects
