"""Slack views: the modal that answers a question with a form, and the App Home tab.

A text, list or date question is answered in a modal: a text area or a date picker has
room a button row lacks. The modal carries the question in its ``private_metadata``
(see :mod:`bot.channels.slack.actions`); :func:`modal_answer` reads the submitted state
back into the value the coach takes, and refuses any state of another shape.

App Home shows a person the projects of the channels they are in, each with a button
that continues it in its own channel.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from itertools import count
from typing import Any

from bot.channels.forms import picked_day, progress_line, saved_text, stored_reading
from bot.channels.slack import actions
from bot.channels.slack.blocks import (
    HEADER_LENGTH,
    INPUT_LABEL_LENGTH,
    MODAL_TITLE_LENGTH,
    PLACEHOLDER_LENGTH,
    TEXT_INPUT_LENGTH,
    TEXT_LENGTH,
    VIEW_BLOCKS,
    Block,
    button,
    context,
    input_state,
    plain_text,
    sections,
)
from bot.channels.slack.mrkdwn import chunks, clip, escape, mrkdwn
from bot.i18n import Messages
from bot.replies import Action, ProjectGlance, QuestionReply
from bot.richtext import Rich
from flows.dates import DATE_EXAMPLE

MODAL_KINDS = ("text", "list", "date", "dates")
HOME_REMINDERS = 3  # the coming reminders shown for each project
# A Slack conversation id (C… public, G… private, D… direct): safe inside <#…>.
_CHANNEL_ID = re.compile(r"[CGD][A-Z0-9]{2,63}")


def modal(question: QuestionReply, t: Messages, metadata: str) -> dict[str, Any]:
    """A modal answering a text, list, date or dates question, filled in with the current answer."""
    if question.kind not in MODAL_KINDS:
        raise ValueError(f"a {question.kind} question is answered in the message, not a modal")
    field: Block = {
        "type": "input",
        "block_id": actions.INPUT_BLOCK,
        "label": plain_text(question.text, INPUT_LABEL_LENGTH),
        "element": _element(question, t),
    }
    if question.kind == "list":
        field["hint"] = plain_text(t.text("slack-hint-list"), INPUT_LABEL_LENGTH)
    elif question.kind == "dates":
        field["hint"] = plain_text(t.text("slack-hint-dates", example=DATE_EXAMPLE), INPUT_LABEL_LENGTH)
    helps = chunks(mrkdwn(Rich.text(question.help)), TEXT_LENGTH) if question.help else []
    return {
        "type": "modal",
        "callback_id": actions.MODAL_CALLBACK,
        "private_metadata": metadata,
        "title": plain_text(t.text("slack-modal-title"), MODAL_TITLE_LENGTH),
        "submit": plain_text(t.text("slack-save"), MODAL_TITLE_LENGTH),
        "close": plain_text(t.text("slack-cancel"), MODAL_TITLE_LENGTH),
        "blocks": [*(context(piece) for piece in helps), field],
    }


def _element(question: QuestionReply, t: Messages) -> Block:
    if question.kind == "date":
        picker: Block = {
            "type": "datepicker",
            "action_id": actions.INPUT_ACTION,
            "placeholder": plain_text(t.text("slack-date-placeholder"), PLACEHOLDER_LENGTH),
        }
        reading = stored_reading(question.current)
        return picker | {"initial_date": reading.day.isoformat()} if reading else picker
    field: Block = {
        "type": "plain_text_input",
        "action_id": actions.INPUT_ACTION,
        "multiline": True,
        "max_length": TEXT_INPUT_LENGTH,
        "focus_on_load": True,
    }
    initial = saved_text(question)
    # An answer typed in the channel may be longer than the field takes; Slack would refuse
    # the whole modal, so such an answer is left out rather than shortened unseen.
    return field | {"initial_value": initial} if initial and len(initial) <= TEXT_INPUT_LENGTH else field


def modal_answer(kind: str, values: dict[str, Any]) -> Any:
    """The answer in a submitted modal's ``view.state.values``, as the coach reads an answer:
    the text (a list one item a line, dates one a line), or the picked day "YYYY-MM-DD"."""
    element = input_state(values)
    if kind in ("text", "list", "dates") and element.get("type") == "plain_text_input":
        value = element.get("value")
        if isinstance(value, str):
            return value
    if kind == "date" and element.get("type") == "datepicker":
        picked = picked_day(element.get("selected_date"))
        if picked is not None:
            return picked
    raise actions.BadIntent(f"not the state of a {kind!r} modal")


# --- App Home ---------------------------------------------------------------------------


def home(glances: Sequence[ProjectGlance], t: Messages) -> dict[str, Any]:
    """The Home tab: each project of the person's channels with where it stands, what is
    next and its coming reminders, and a button continuing it in its channel. Past Slack's
    100 blocks, the first projects are shown and a line says how many more there are."""
    blocks: list[Block] = [
        {"type": "header", "text": plain_text(t.text("slack-home-header"), HEADER_LENGTH)},
        context(mrkdwn(t("slack-home-intro"))),
    ]
    if not glances:
        return {"type": "home", "blocks": [*blocks, *sections(mrkdwn(t("slack-home-empty")))]}
    places = count(1)
    for shown, glance in enumerate(glances):
        project = _glance(glance, t, places)
        room = VIEW_BLOCKS - len(blocks) - (1 if shown < len(glances) - 1 else 0)  # keep one for "n more"
        if len(project) > room:
            blocks.append(context(mrkdwn(t("slack-home-more", count=len(glances) - shown))))
            break
        blocks += project
    return {"type": "home", "blocks": blocks}


def _glance(glance: ProjectGlance, t: Messages, places: Iterator[int]) -> list[Block]:
    progress = glance.progress
    if glance.finished or glance.next_question is None:
        next_words = t("slack-home-finished")
    else:
        next_words = t("slack-home-next", question=glance.next_question)
    where = f"{mrkdwn(progress_line(progress, t))} · {_channel(glance)}\n{mrkdwn(next_words)}"
    label = t.text("slack-continue")
    go = Action(label, command="status", project_id=progress.project_id)
    value = actions.button_value(go, channel=glance.conversation)
    summary = {
        "type": "section",
        "text": {"type": "mrkdwn", "text": clip(where, TEXT_LENGTH)},
        "accessory": button(label, value, "continue", places, "primary"),
    }
    soon = [clip(mrkdwn(t("slack-home-reminder", when=u.when, about=u.about)), TEXT_LENGTH) for u in glance.upcoming]
    reminders = [context(*soon[:HOME_REMINDERS])] if soon else []
    return [{"type": "divider"}, summary, *reminders]


def _channel(glance: ProjectGlance) -> str:
    """The channel as Slack's link to it, ``<#C123>``; a name, escaped, if the id is not one."""
    if _CHANNEL_ID.fullmatch(glance.conversation):
        return f"<#{glance.conversation}>"
    return escape(f"#{glance.conversation_name or glance.conversation}")
