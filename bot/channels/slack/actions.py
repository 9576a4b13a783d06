"""What a Slack button or form carries, and how it is read back.

A button's ``value`` (at most 2,000 characters) holds the coach's intent as compact JSON:
a command to run, a step to answer, or a form to open (a modal for long text and dates,
the checkboxes of the same message for a checklist). Every ``action_id`` starts with
``outreach:`` and ends with the button's place in the message, because Slack requires
them unique within a message. A modal carries the same intent in ``private_metadata``,
with the channel and message it was opened from, so its answer lands there.

Everything read back comes from the network: it is validated here, and anything else is
:class:`BadIntent`, which the app answers with a polite message.
"""

from __future__ import annotations

import json
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from bot.channels.forms import button_fields
from bot.replies import Action, AnswerAction, QuestionReply
from storage.repository import MAX_ID

PREFIX = "outreach:"
VALUE_LIMIT = 2000  # Slack's limit on a button's value
METADATA_LIMIT = 3000  # Slack's limit on a view's private_metadata

# The input of a question shown in a message (checkboxes) or a modal (text, date): its
# block and element ids, so the state Slack sends back can be found.
INPUT_BLOCK = "outreach-input"
INPUT_ACTION = "outreach-input"
MODAL_CALLBACK = "outreach-answer"

Form = Literal["modal", "checklist"]


class BadIntent(ValueError):
    """A button value or modal metadata that this app did not write (or no longer reads)."""


class Intent(BaseModel):
    """One button's meaning. Exactly one of ``command``, ``step`` (an answer or a skip) or
    ``form`` with ``step`` (open the modal, or read the message's checkboxes)."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    c: str | None = Field(default=None, max_length=500)  # command
    s: str | None = Field(default=None, max_length=64)  # step
    v: Any = None  # answer value
    k: bool = False  # skip
    f: Form | None = None  # form to open or read
    p: int | None = Field(default=None, ge=1, le=MAX_ID)  # project
    ch: str | None = Field(default=None, max_length=64)  # the channel, for a button outside it (App Home)

    @property
    def answer(self) -> AnswerAction | None:
        if self.s is None or self.f is not None:
            return None
        return AnswerAction(self.s, self.v, self.k)


class ModalContext(BaseModel):
    """A modal's ``private_metadata``: what it answers, and where the answer goes."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    p: int = Field(ge=1, le=MAX_ID)  # project
    s: str = Field(max_length=64)  # step
    kind: str = Field(max_length=32)  # the question's kind (text, list, date, dates)
    channel: str = Field(max_length=64)
    ts: str | None = Field(default=None, max_length=64)  # the question's message, updated once answered


def _compact(data: BaseModel) -> str:
    return json.dumps(data.model_dump(exclude_defaults=True), ensure_ascii=False, separators=(",", ":"))


def action_id(kind: str, place: int) -> str:
    return f"{PREFIX}{kind}:{place}"


def button_value(action: Action, channel: str | None = None) -> str:
    """The value of a button that sends ``action`` (in ``channel``, for a button shown
    outside it, as on App Home); ValueError when it cannot fit."""
    return _fits(_compact(Intent(**button_fields(action), ch=channel)), VALUE_LIMIT)


def form_value(question: QuestionReply, form: Form) -> str:
    """The value of the button that opens ``question``'s modal or saves its checkboxes."""
    return _fits(_compact(Intent(s=question.step, f=form, p=question.project_id)), VALUE_LIMIT)


def read_intent(value: Any) -> Intent:
    try:
        intent = Intent.model_validate_json(value) if isinstance(value, str) else None
    except ValidationError:
        intent = None
    if intent is None or [intent.c is not None, intent.s is not None].count(True) != 1:
        raise BadIntent("not a button this app made")
    return intent


def modal_metadata(context: ModalContext) -> str:
    return _fits(_compact(context), METADATA_LIMIT)


def read_modal(metadata: Any) -> ModalContext:
    try:
        return ModalContext.model_validate_json(metadata if isinstance(metadata, str) else "")
    except ValidationError:
        raise BadIntent("not a modal this app opened") from None


def _fits(text: str, limit: int) -> str:
    if len(text) > limit:
        raise ValueError(f"{len(text)} characters where Slack takes {limit}")
    return text
