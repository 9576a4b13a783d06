"""What every channel's renderer says and reads the same way around a question.

Slack and Teams draw different widgets, but a reply says the same in both (the message
and its notification are made from the same words), and a question looks the same: its
place on the team's path, the saved answer in words, the text a field is filled in with
(a list one item a line, dates as people type them, which the coach reads back), the
day a date picker starts on, and a picked day checked before it is taken. A message cut
short offers the logbook of the project it is about.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date
from typing import Any

from bot.i18n import Messages
from bot.replies import (
    Action,
    ActionsReply,
    AnsweredReply,
    ExportReply,
    ProgressReply,
    QuestionReply,
    Reply,
    TextReply,
    TipReply,
)
from bot.richtext import Rich, Span, line, paragraph
from flows.dates import DateReading

# A date picker's day, as Slack's datepicker and Teams' Input.Date send it.
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def reply_words(reply: Reply, t: Messages, answered: str, ready: str) -> Rich:
    """What ``reply`` says, before a channel draws it. ``answered`` and ``ready`` are the
    keys of the channel's own sentences for an answered question and a ready logbook."""
    match reply:
        case TextReply(text=text) | TipReply(text=text) | ActionsReply(text=text):
            return text
        case ProgressReply():
            return progress_line(reply, t)
        case QuestionReply(text=text):
            return Rich.text(text)
        case AnsweredReply():
            return t(answered, question=reply.question, answer=reply.answer)
        case ExportReply():
            return t(ready, project=reply.project)
    raise AssertionError(f"cannot word {reply!r}")


def progress_line(progress: ProgressReply, t: Messages) -> Rich:
    """Where a project stands, on one line: "*Fitness* · Kommer forbi · Trin 2 · spørgsmål 3 af 12"."""
    where = t.text("progress", section=progress.section, question=progress.question, questions=progress.questions)
    return paragraph(line(Span(progress.project, "strong"), f" · {progress.guide} · {where}"))


def current_words(question: QuestionReply, t: Messages) -> str:
    """The saved answer in words: choices by their labels, dates as people type them."""
    current, labels = question.current, {choice.value: choice.label for choice in question.choices}
    if question.kind == "confirm":
        return labels.get(str(current).lower(), str(current))
    if question.kind in ("multi_choice", "checklist") and isinstance(current, list):
        return ", ".join(labels.get(value, str(value)) for value in current) or t.text("nothing-ticked")
    if question.kind == "date":
        return typed_date(current)
    if question.kind in ("list", "dates") and isinstance(current, list):
        return "; ".join(typed_date(value) if question.kind == "dates" else str(value) for value in current)
    return labels.get(current, str(current)) if isinstance(current, str) else str(current)


def typed_date(value: Any) -> str:
    """A stored date ("2027-01-15T14:00") as people type it ("15.1.2027 14:00"), which the
    coach reads back; anything else as it is."""
    reading = stored_reading(str(value))
    if reading is None:
        return str(value)
    day = f"{reading.day.day}.{reading.day.month}.{reading.day.year}"
    return f"{day} {reading.time:%H:%M}" if reading.time else day


def saved_text(question: QuestionReply) -> str:
    """The saved answer of a text, list or dates question as its text field is filled in:
    one item a line, dates as people type them; empty when there is none."""
    current = question.current
    saved = current if isinstance(current, list) else [current] if current is not None else []
    return "\n".join(typed_date(value) if question.kind == "dates" else str(value) for value in saved)


def stored_reading(value: Any) -> DateReading | None:
    """The day and time a stored date answer holds ("2027-01-15T14:00"); None for anything else."""
    try:
        return DateReading.from_value(value) if isinstance(value, str) else None
    except ValueError:
        return None


def picked_day(value: Any) -> str | None:
    """``value`` when it is a day as a date picker sends it ("2027-01-15"), else None."""
    if not isinstance(value, str) or not _ISO_DATE.fullmatch(value):
        return None
    try:
        date.fromisoformat(value)
    except ValueError:  # "2027-02-30"
        return None
    return value


def button_fields(action: Action) -> dict[str, Any]:
    """What a button sends, in the short names Slack's and Teams' buttons both carry: the
    command ``c``, or the step ``s`` with its answer ``v`` or a skip ``k``; the project ``p``."""
    answer = action.answer
    return {
        "c": action.command,
        "s": answer.step if answer else None,
        "v": answer.value if answer else None,
        "k": answer.skip if answer else False,
        "p": action.project_id,
    }


def project_of(replies: Sequence[Reply]) -> int | None:
    """The project the replies are about (the first one named), for a way to its logbook."""
    for reply in replies:
        if isinstance(reply, ActionsReply):
            found = next((a.project_id for a in reply.actions if a.project_id is not None), None)
        else:
            found = getattr(reply, "project_id", None)
        if found is not None:
            return found
    return None
