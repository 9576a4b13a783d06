"""What a card's buttons carry, and how a press is read back.

Every button is an ``Action.Execute`` with the verb ``outreach`` (Teams' Universal
Actions: a press arrives as an ``adaptiveCard/action`` invoke), falling back to an
``Action.Submit`` with the same data where a host has no Universal Actions (the Bot
Framework Emulator). Its ``data`` is the coach's intent as a small object: a command to
run, a step to answer or skip, or a form whose fields answer a step, with the project
and the key of the card itself (``question_key`` / ``reminder_key``), so the card can be
put right in place. Teams merges the card's inputs into that same object under their
ids, which are fixed: :data:`CHOICE_INPUT`, :data:`TEXT_INPUT`, :data:`DATE_INPUT`,
:data:`TIME_INPUT`.

Everything read back comes from the network: it is validated here (exact keys, types,
lengths, project ids in the database's range), and anything else is :class:`BadCard`.
The answer a form gives has the shape Slack's forms give, so the engine reads both alike:
a choice's value, a list of ticked values, the text as typed, a picked day "YYYY-MM-DD"
(with " HH:MM" when a time was picked, which the coach reads as the time of day).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError, model_validator

from bot.channels.forms import button_fields, picked_day
from bot.replies import Action, AnswerAction, QuestionReply
from flows.answers import MAX_TEXT
from storage.repository import MAX_ID

VERB = "outreach"
EXECUTE = "Action.Execute"

# The inputs' ids: Teams sends each input's value under its id, merged into the data.
CHOICE_INPUT = "outreachChoice"  # Input.ChoiceSet: one value, or several joined by commas
TEXT_INPUT = "outreachText"  # Input.Text: a text, a list one item a line, dates one a line
DATE_INPUT = "outreachDate"  # Input.Date: "YYYY-MM-DD"
TIME_INPUT = "outreachTime"  # Input.Time: "HH:MM"

# Our own limits: what this app writes, with room, so that nothing longer is read.
COMMAND_LENGTH = 500  # a command a button runs ("start kommer-forbi", "reminder snooze 12 1w")
STEP_LENGTH = 64  # a step's id (flows.model.Slug)
KEY_LENGTH = 100  # a card's key: "question:<project>:<step>" or "reminder:<id>"
CHOICE_VALUE_LENGTH = 64  # a choice's value: an option's id (flows.model.Slug), or "true"/"false"
MOST_CHOICES = 100  # the choices a card offers at the most: past that, no list is one to pick from
DATE_LENGTH = 16  # "2026-12-15T14:00", a past date kept on purpose
# Teams joins the values of a multi-select ChoiceSet with commas (the host config's
# choiceSetInputValueSeparator), so a choice's value never holds one (option ids are slugs).
CHOICE_SEPARATOR = ","
_CLOCK = re.compile(r"(?:[01][0-9]|2[0-3]):[0-5][0-9]")

Form = Literal["pick", "ticks", "text", "date"]
"""Which input answers the step: a single choice, ticked choices, a text field, a date."""


class BadCard(ValueError):
    """Card data this app did not write (or no longer reads)."""


Command = Annotated[str, StringConstraints(max_length=COMMAND_LENGTH)]
Step = Annotated[str, StringConstraints(max_length=STEP_LENGTH)]
Key = Annotated[str, StringConstraints(max_length=KEY_LENGTH)]
Typed = Annotated[str, StringConstraints(max_length=MAX_TEXT)]
Choices = Annotated[str, StringConstraints(max_length=MOST_CHOICES * (CHOICE_VALUE_LENGTH + 1))]
Day = Annotated[str, StringConstraints(max_length=len("YYYY-MM-DD"))]
Clock = Annotated[str, StringConstraints(max_length=len("HH:MM"))]
ProjectId = Annotated[int, Field(ge=1, le=MAX_ID)]


class PastDate(BaseModel):
    """A date before today, kept on purpose (the "Ja, den dato" button after a refused date)."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)
    date: Annotated[str, StringConstraints(max_length=DATE_LENGTH)]
    confirm_past: Literal[True]


class CardData(BaseModel):
    """A button's data, with the inputs Teams merged into it. Exactly one of ``c`` (a
    command) or ``s`` (a step: answered with ``v``, skipped with ``k``, or answered by the
    form ``f`` from the inputs)."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)
    c: Command | None = None  # command
    s: Step | None = None  # step
    v: Typed | bool | PastDate | None = None  # answer value
    k: bool = False  # skip
    f: Form | None = None  # the form whose inputs answer the step
    p: ProjectId | None = None  # project
    r: Key | None = None  # the card's own key
    choice: Choices | None = Field(default=None, alias=CHOICE_INPUT)
    text: Typed | None = Field(default=None, alias=TEXT_INPUT)
    day: Day | None = Field(default=None, alias=DATE_INPUT)
    time: Clock | None = Field(default=None, alias=TIME_INPUT)

    @model_validator(mode="after")
    def _one_intent(self) -> CardData:
        if (self.c is None) == (self.s is None):
            raise ValueError("a command or a step, not both or neither")
        if self.f is not None and (self.s is None or self.v is not None or self.k):
            raise ValueError("a form answers a step, from its inputs")
        if self.k and self.v is not None:
            raise ValueError("a skip carries no answer")
        return self


@dataclass(frozen=True)
class CardSubmit:
    """A press, read: the command it runs or the answer it gives, the project, and the key
    of the card that was pressed (None for a card without one)."""

    command: str | None
    answer: AnswerAction | None
    project_id: int | None
    replaces: str | None


def action_data(action: Action, key: str | None) -> dict[str, Any]:
    """The data of a button that sends ``action`` from the card ``key``; ValueError when
    this app would not read it back (an answer of a kind no button carries, too long)."""
    try:
        data = CardData(**button_fields(action), r=key)
    except ValidationError as error:
        raise ValueError(f"a button that cannot carry {action.label!r}") from error
    return _json(data)


def form_data(question: QuestionReply, form: Form, key: str | None) -> dict[str, Any]:
    """The data of the button that answers ``question`` from the card's inputs."""
    return _json(CardData(s=question.step, f=form, p=question.project_id, r=key))


def _json(data: CardData) -> dict[str, Any]:
    return data.model_dump(mode="json", by_alias=True, exclude_defaults=True)


def read_invoke(value: Any) -> CardSubmit:
    """The press in an ``adaptiveCard/action`` invoke's ``value``: an ``Action.Execute``
    with this app's verb, and its data (:func:`read_submit`). What Teams puts around the
    action (``trigger``, the action's ``id``) is not read."""
    action = value.get("action") if isinstance(value, dict) else None
    if not isinstance(action, dict) or action.get("type") != EXECUTE or action.get("verb") != VERB:
        raise BadCard("not an action of this app")
    return read_submit(action.get("data"))


def read_submit(data: Any) -> CardSubmit:
    """The press a card's data holds (an ``Action.Execute``'s ``data``, or an
    ``Action.Submit``'s activity value), the inputs read as the question's answer."""
    try:
        fields = CardData.model_validate(data)
    except ValidationError:
        raise BadCard("not the data of this app's card") from None
    return CardSubmit(command=fields.c, answer=_answer(fields), project_id=fields.p, replaces=fields.r)


def _answer(fields: CardData) -> AnswerAction | None:
    if fields.s is None:
        return None
    if fields.f is not None:
        return AnswerAction(fields.s, _FORMS[fields.f](fields))
    value = fields.v.model_dump() if isinstance(fields.v, PastDate) else fields.v
    return AnswerAction(fields.s, value, fields.k)


# --- the inputs, read as the answer the engine takes --------------------------------------
# An input left empty may come as "" or not at all: the engine then says what is missing
# (nothing ticked is itself an answer to a checklist).


def _picked(fields: CardData) -> str:
    picked = fields.choice or ""
    if len(picked) > CHOICE_VALUE_LENGTH or CHOICE_SEPARATOR in picked:
        raise BadCard("more than one choice where one is picked")
    return picked


def _ticked(fields: CardData) -> list[str]:
    values = [value.strip() for value in (fields.choice or "").split(CHOICE_SEPARATOR) if value.strip()]
    if len(values) > MOST_CHOICES or any(len(value) > CHOICE_VALUE_LENGTH for value in values):
        raise BadCard("more choices than a card offers")
    return values


def _typed(fields: CardData) -> str:
    return fields.text or ""


def _dated(fields: CardData) -> str:
    """The picked day, "YYYY-MM-DD", and " HH:MM" after it when a time was picked too."""
    if not fields.day:
        return ""
    day = picked_day(fields.day)
    if day is None or (fields.time and not _CLOCK.fullmatch(fields.time)):
        raise BadCard("not a day and time as a date and time input send them")
    return f"{day} {fields.time}" if fields.time else day


_FORMS: dict[str, Callable[[CardData], Any]] = {"pick": _picked, "ticks": _ticked, "text": _typed, "date": _dated}
