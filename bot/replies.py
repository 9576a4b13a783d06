"""The neutral conversation: a :class:`Turn` comes in, :data:`Reply` messages go out.

Adapters (web, terminal, later Slack and Teams) build turns from their payloads and render
replies in their own widgets; the coach never sees a platform's format.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

Lang = Literal["da", "en"]


@dataclass(frozen=True)
class Turn:
    """One thing a person said or clicked.

    ``command`` is set for slash commands (``start kommer-forbi Fitness``); ``text`` for a
    plain message, which answers the current question; ``answer`` for a button or form
    that names the step it answers, so a late click cannot answer the wrong question.
    """

    platform: str
    workspace: str
    conversation: str
    user: str
    command: str | None = None
    text: str | None = None
    answer: AnswerAction | None = None
    project_id: int | None = None
    lang: Lang = "da"
    workspace_name: str = ""
    conversation_name: str = ""


@dataclass(frozen=True)
class AnswerAction:
    step: str
    value: Any
    skip: bool = False


@dataclass(frozen=True)
class TextReply:
    text: str
    type: Literal["text"] = "text"


@dataclass(frozen=True)
class TipReply:
    text: str
    type: Literal["tip"] = "tip"


@dataclass(frozen=True)
class ProgressReply:
    project_id: int
    project: str
    guide: str
    section: str
    section_number: int
    sections: int
    answered: int
    type: Literal["progress"] = "progress"


@dataclass(frozen=True)
class Choice:
    value: str
    label: str


@dataclass(frozen=True)
class QuestionReply:
    """A question to answer. ``kind`` tells the adapter which widget fits.

    Choice kinds (single_choice, multi_choice, checklist, confirm) render as buttons or
    checkboxes; text, list and date as a form field. ``current`` is the saved answer when
    the team comes back to a question.
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


@dataclass(frozen=True)
class ActionsReply:
    """Buttons that send a command, e.g. confirming a delete."""

    text: str
    actions: list[Choice]
    type: Literal["actions"] = "actions"


@dataclass(frozen=True)
class ExportReply:
    """A logbook is ready; each adapter offers it its own way (link, file, printout)."""

    project_id: int
    project: str
    markdown: str
    csv: str
    type: Literal["export"] = "export"


Reply = TextReply | TipReply | ProgressReply | QuestionReply | ActionsReply | ExportReply


def to_json(reply: Reply) -> dict[str, Any]:
    return asdict(reply)
