"""The typed shape of a guide file.

A guide is a list of *sections* (the document's own "Step 1", "Trin 3.A", phases ...),
each holding *steps*. A step asks exactly one question, so a chat can show one thing at a
time; the section gives the team their bearings ("Step 2 of 3: Forbered mødet").

Every user-facing string is a :class:`Text` with Danish and English, both required, so a
guide with a missing translation does not load.
"""

from __future__ import annotations

from datetime import timedelta
from enum import StrEnum
from functools import cached_property
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

Slug = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9_-]*$", max_length=64)]
NonEmpty = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Text(_Strict):
    """A user-facing string in every language the coach speaks."""

    da: NonEmpty
    en: NonEmpty

    def get(self, lang: str) -> str:
        return self.en if lang == "en" else self.da


class PromptKind(StrEnum):
    TEXT = "text"
    SINGLE_CHOICE = "single_choice"
    MULTI_CHOICE = "multi_choice"
    DATE = "date"
    LIST = "list"
    CHECKLIST = "checklist"
    CONFIRM = "confirm"


OPTION_KINDS = {PromptKind.SINGLE_CHOICE, PromptKind.MULTI_CHOICE, PromptKind.CHECKLIST}


class Option(_Strict):
    """One answer to a choice step. ``repeat`` and ``offset`` let the team's choice set a
    reminder's rhythm or lead time (see :attr:`Nudge.repeat_from`, :attr:`Nudge.offset_from`)."""

    id: Slug
    label: Text
    repeat: Repeat | None = None
    offset: timedelta | None = None


class Condition(_Strict):
    """A test on the answer of one step; exactly one of the tests is given."""

    step: Slug
    equals: str | bool | None = None
    in_: list[str] | None = Field(default=None, alias="in")
    contains: str | None = None
    answered: bool | None = None

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    @model_validator(mode="after")
    def _one_test(self) -> Condition:
        given = [t for t in ("equals", "in_", "contains", "answered") if getattr(self, t) is not None]
        if len(given) != 1:
            raise ValueError("a condition needs exactly one of: equals, in, contains, answered")
        return self


class Transition(_Strict):
    to: Slug
    when: Condition | None = None


class Repeat(StrEnum):
    WEEKLY = "weekly"
    FORTNIGHTLY = "fortnightly"
    MONTHLY = "monthly"


class Nudge(_Strict):
    """A timing the guide names, turned into a reminder for the team.

    Either ``after`` (a duration after the step is answered) or ``at`` (the id of a date
    step) with an optional ``offset`` from that date (negative means before it).
    Durations are ISO 8601, e.g. ``P7D``, ``PT2H``, ``-P3D``.

    ``repeat_from`` and ``offset_from`` name a single-choice step whose chosen option sets
    the rhythm or the lead time, so the team decides ("every other week, two days before");
    until it is answered, ``repeat`` and ``offset`` apply.
    """

    kind: Slug
    message: Text
    after: timedelta | None = None
    at: Slug | None = None
    offset: timedelta = timedelta(0)
    when: Condition | None = None
    repeat: Repeat | None = None
    suggested: bool = False
    """True when the timing is the coach's own proposal, not one the document names."""
    repeat_from: Slug | None = None
    offset_from: Slug | None = None

    @model_validator(mode="after")
    def _one_anchor(self) -> Nudge:
        if (self.after is None) == (self.at is None):
            raise ValueError("a nudge needs exactly one of 'after' (a duration) or 'at' (a date step)")
        if self.after is not None and self.after < timedelta(0):
            raise ValueError("'after' must not be negative")
        if self.offset_from is not None and self.at is None:
            raise ValueError("'offset_from' needs 'at'")
        return self


class Wait(_Strict):
    """The step asks whether something has been done in the world; "not yet" waits for it.

    The check-back reminder asks again ``after`` a duration from the "not yet", or on the
    date step ``at`` (plus ``offset``); with neither, after the deployment's default
    check-back. ``suggested`` marks a timing the coach proposes rather than the document.
    """

    message: Text
    after: timedelta | None = None
    at: Slug | None = None
    offset: timedelta = timedelta(0)
    suggested: bool = False

    @property
    def timed(self) -> bool:
        """Whether the guide gives this wait a timing of its own; without one, the
        deployment's default applies, which is always the coach's suggestion."""
        return self.after is not None or self.at is not None

    @model_validator(mode="after")
    def _one_anchor(self) -> Wait:
        if self.after is not None and self.at is not None:
            raise ValueError("a wait takes 'after' (a duration) or 'at' (a date step), not both")
        if self.after is not None and self.after <= timedelta(0):
            raise ValueError("'after' must be positive")
        if self.offset and self.at is None:
            raise ValueError("'offset' needs 'at'")
        return self


class Debrief(_Strict):
    """Answering the step opens a debrief thread with these questions (if ``when`` holds)."""

    questions: list[Text] = Field(min_length=1)
    when: Condition | None = None


class Step(_Strict):
    id: Slug
    kind: PromptKind
    text: Text
    help: Text | None = None
    tips: list[Text] = []
    options: list[Option] = []
    min_items: int | None = Field(default=None, ge=1)
    max_items: int | None = Field(default=None, ge=1)
    required: bool = True
    next: list[Transition] = []
    end: bool = False
    pause: bool = False
    """Like ``end``, but the project pauses here until the team resumes it (see ``engine.Resume``)."""
    nudges: list[Nudge] = []
    debrief: Debrief | None = None
    wait: Wait | None = None
    many: bool = False
    """A date step whose answer is a list of dates (the following events, too); a nudge
    ``at`` it is scheduled for every date."""
    label: Text | None = None
    """A date step's short name for its date ("mødet", "arrangementerne"), so a timing
    reads "5 dage før mødet" rather than quoting the whole question."""

    @model_validator(mode="after")
    def _fits_kind(self) -> Step:
        if self.kind in OPTION_KINDS and len(self.options) < 1:
            raise ValueError(f"a {self.kind} step needs options")
        if self.kind not in OPTION_KINDS and self.options:
            raise ValueError(f"a {self.kind} step takes no options")
        if self.kind is not PromptKind.LIST and (self.min_items or self.max_items):
            raise ValueError("min_items/max_items belong to list steps only")
        if self.min_items and self.max_items and self.min_items > self.max_items:
            raise ValueError("min_items is larger than max_items")
        if self.end and self.next:
            raise ValueError("an end step has no 'next'")
        if self.pause and self.next:
            raise ValueError("a pause step has no 'next'")
        if self.pause and self.end:
            raise ValueError("a step either ends the guide or pauses it, not both")
        if (self.many or self.label) and self.kind is not PromptKind.DATE:
            raise ValueError("'many' and 'label' belong to date steps only")
        if self.wait is not None and self.kind is not PromptKind.CONFIRM:
            raise ValueError(f"only a confirm step can wait ('not yet'); this is a {self.kind} step")
        return self

    @property
    def stops(self) -> bool:
        """Whether the path stops after this step: the guide ends or pauses here."""
        return self.end or self.pause

    def option(self, option_id: str) -> Option | None:
        return next((o for o in self.options if o.id == option_id), None)


class Section(_Strict):
    id: Slug
    title: Text
    intro: Text | None = None
    tips: list[Text] = []
    steps: list[Step] = Field(min_length=1)


class Guide(_Strict):
    id: Slug
    version: int = Field(ge=1)
    title: Text
    summary: Text
    source: str
    duration: Text | None = None
    sections: list[Section] = Field(min_length=1)

    @property
    def steps(self) -> list[Step]:
        return [step for section in self.sections for step in section.steps]

    @property
    def start(self) -> str:
        return self.sections[0].steps[0].id

    def step(self, step_id: str) -> Step:
        return self._index[step_id][1]

    def number(self, step_id: str) -> int:
        """The question's number in the guide (file order, 1-based), the same on every path:
        what ``edit 6`` and ``guides show`` refer to."""
        return self._numbers[step_id]

    def numbered(self, number: int) -> Step | None:
        return self.steps[number - 1] if 1 <= number <= len(self.steps) else None

    @cached_property
    def _numbers(self) -> dict[str, int]:
        return {step.id: index for index, step in enumerate(self.steps, start=1)}

    def section_of(self, step_id: str) -> Section:
        return self._index[step_id][0]

    def has_step(self, step_id: str) -> bool:
        return step_id in self._index

    def following(self, step_id: str) -> str | None:
        """The step after ``step_id`` in file order (the implicit way on)."""
        return self._following.get(step_id)

    @cached_property
    def _following(self) -> dict[str, str]:
        ids = [s.id for s in self.steps]
        return dict(zip(ids, ids[1:], strict=False))

    @cached_property
    def _index(self) -> dict[str, tuple[Section, Step]]:
        return {st.id: (sec, st) for sec in self.sections for st in sec.steps}
