"""The neutral conversation: a :class:`Turn` comes in, :data:`Reply` messages go out.

This is the contract every channel (browser, terminal, Slack, Teams) carries. An adapter
builds a turn from its platform's payload; a renderer turns each reply into that
platform's widgets. The coach never sees a platform's format, and a reply says all a
channel needs to place it: who sees it, which earlier message it replaces, which thread.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Annotated, Any, Literal

from pydantic import Field, TypeAdapter

from bot.richtext import Rich

Lang = Literal["da", "en"]
Audience = Literal["conversation", "asker"]
ChoiceForm = Literal["buttons", "numbers"]
"""How a channel shows a question's choices: buttons to press, or numbered lines to type."""


@dataclass(frozen=True)
class Actor:
    """Who sent a turn: a stable platform id (for permissions and dedupe) and a name to show."""

    id: str
    name: str


@dataclass(frozen=True)
class AnswerAction:
    """A button or form that names the step it answers, so a late click cannot answer the wrong question."""

    step: str
    value: Any
    skip: bool = False


@dataclass(frozen=True)
class Turn:
    """One thing a person said or clicked.

    ``command`` is set for commands (``start kommer-forbi Fitness``); ``text`` for a plain
    message, which answers the current question; ``answer`` for a button or form.
    ``event_id`` is the platform's id of the delivery: a repeated one is answered from
    the first result and writes nothing. ``address`` is what the channel needs to write
    to this conversation later (a reminder after a restart); it is stored on the
    conversation and refreshed when it changes, like ``lang``.

    ``thread`` is the platform's thread the message was written in (a debrief's replies);
    ``message_id`` is the platform's id of the message itself, and ``change`` says
    whether it is new, was edited or was deleted, so a saved note follows its message.

    ``choices_shown_as`` is how the sender's channel shows a question's choices: buttons
    (browser, Slack, Teams) or numbered lines (the terminal), so that a refused answer
    names only the ways of answering that this channel offers.

    ``threaded`` is False where the conversation has no threads (a Teams chat): there a
    debrief posted to the conversation takes the messages that follow it as its notes,
    until the team says it is done. ``addressed`` is False for a message the person did not
    write to the coach (no @mention, where the platform delivers such messages too): it is
    kept only as a note of the coach's own thread or open debrief, and otherwise ignored.
    """

    platform: str
    workspace: str
    conversation: str
    actor: Actor
    event_id: str | None = None
    command: str | None = None
    text: str | None = None
    answer: AnswerAction | None = None
    project_id: int | None = None
    thread: str | None = None
    message_id: str | None = None
    change: Literal["new", "edited", "deleted"] = "new"
    address: dict[str, Any] | None = None
    lang: Lang = "da"
    workspace_name: str = ""
    conversation_name: str = ""
    choices_shown_as: ChoiceForm = "buttons"
    threaded: bool = True
    addressed: bool = True


@dataclass(frozen=True, kw_only=True)
class Placement:
    """Where a reply goes. ``asker`` replies are for the sender alone (Slack's ephemeral
    messages); ``replaces`` names the key of an earlier message that this one updates in
    place (the question that was just answered); ``thread`` is the platform's thread."""

    audience: Audience = "conversation"
    replaces: str | None = None
    thread: str | None = None


@dataclass(frozen=True)
class TextReply(Placement):
    text: Rich
    type: Literal["text"] = "text"


@dataclass(frozen=True)
class TipReply(Placement):
    text: Rich
    type: Literal["tip"] = "tip"


@dataclass(frozen=True)
class ProgressReply(Placement):
    project_id: int
    project: str
    guide: str
    section: str
    question: int
    questions: int
    type: Literal["progress"] = "progress"


@dataclass(frozen=True)
class Choice:
    value: str
    label: str


def question_key(project_id: int, step: str) -> str:
    return f"question:{project_id}:{step}"


def reminder_key(reminder_id: int) -> str:
    """The key of a delivered reminder's message: what was done with it (done, snoozed,
    stopped) replaces it where the channel can, so its buttons do not stay live."""
    return f"reminder:{reminder_id}"


@dataclass(frozen=True)
class QuestionReply(Placement):
    """A question to answer. ``kind`` tells the channel which widget fits.

    Choice kinds (single_choice, multi_choice, checklist, confirm) render as buttons or
    checkboxes; text, list, date and dates (several dates, a date step with ``many``) as a
    form field. ``current`` is the saved answer when
    the team comes back to a question. ``key`` lets a later reply replace it.
    """

    project_id: int
    step: str
    kind: str
    text: str
    help: str | None
    choices: list[Choice] = field(default_factory=list)
    required: bool = True
    min_items: int | None = None
    max_items: int | None = None
    current: Any = None
    type: Literal["question"] = "question"

    @property
    def key(self) -> str:
        return question_key(self.project_id, self.step)


@dataclass(frozen=True)
class AnsweredReply(Placement):
    """A question after it was answered: what was asked, the answer, and by whom."""

    project_id: int
    step: str
    question: str
    answer: str
    by: str
    type: Literal["answered"] = "answered"


@dataclass(frozen=True)
class Action:
    """A button: it sends a command, or answers a step, on the sender's behalf."""

    label: str
    command: str | None = None
    answer: AnswerAction | None = None
    project_id: int | None = None
    style: Literal["default", "primary", "danger"] = "default"


@dataclass(frozen=True)
class ActionsReply(Placement):
    text: Rich
    actions: list[Action]
    type: Literal["actions"] = "actions"


@dataclass(frozen=True)
class ExportReply(Placement):
    """A logbook is ready; each channel offers it its own way (links, a file, a printout)."""

    project_id: int
    project: str
    type: Literal["export"] = "export"


@dataclass(frozen=True)
class Upcoming:
    """A reminder still to come: when (worded in the team's time zone) and what about."""

    when: str
    about: str


@dataclass(frozen=True)
class ProjectGlance:
    """One project as an overview shows it (Slack's App Home): where it stands, the
    question that is next (None once finished), the reminders to come, and the
    conversation (channel) it lives in."""

    conversation: str
    conversation_name: str
    progress: ProgressReply
    next_question: str | None
    finished: bool
    upcoming: list[Upcoming]


Reply = TextReply | TipReply | ProgressReply | QuestionReply | AnsweredReply | ActionsReply | ExportReply


def for_asker(replies: list[Reply]) -> list[Reply]:
    """The same replies, shown only to the person who asked (a view, a refusal)."""
    return [replace(reply, audience="asker") for reply in replies]


_REPLIES: TypeAdapter[list[Reply]] = TypeAdapter(list[Annotated[Reply, Field(discriminator="type")]])


def dump_replies(replies: list[Reply]) -> list[Any]:
    """Replies as JSON-ready data (kept with a processed event, sent to the browser)."""
    return _REPLIES.dump_python(replies, mode="json")


def load_replies(data: list[Any]) -> list[Reply]:
    return _REPLIES.validate_python(data)
