"""The coach's replies as Adaptive Cards for Microsoft Teams, within Teams' limits.

All replies of one turn go on one card, in order: text, where the project stands as a
small subtle header, tips in an emphasis container, a question with the inputs its kind
needs and the buttons that send them (see :mod:`bot.channels.teams.card_data`), an
answered question with no input or button left. A card that would pass the size budget
keeps its first parts and says it was cut short, pointing to the logbook.

Text is drawn as RichTextBlocks of TextRuns, never as a TextBlock: a TextRun reads no
Markdown, so a person's ``**fed**``, ``[link](x)`` or ``# 1`` shows as typed on every
Teams client. A TextBlock would need backslash escapes, and Teams' clients have read
those differently (microsoft/AdaptiveCards#5590, #7474, MicrosoftDocs/msteams-docs#5793).
Each line is a block of its own: a newline inside a block renders differently from client
to client (MicrosoftDocs/msteams-docs#4758, microsoft/AdaptiveCards#4914). A command is
shown as people type it in Teams, ``@Outreach Coach <command>``, in monospace: in a
channel the bot hears only what @mentions it.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from bot.channels.forms import current_words, project_of, reply_words, saved_text, stored_reading
from bot.channels.teams.card_data import (
    CHOICE_INPUT,
    CHOICE_SEPARATOR,
    DATE_INPUT,
    EXECUTE,
    MOST_CHOICES,
    TEXT_INPUT,
    TIME_INPUT,
    VERB,
    Form,
    action_data,
    form_data,
)
from bot.i18n import Messages
from bot.replies import (
    Action,
    ActionsReply,
    AnswerAction,
    AnsweredReply,
    Choice,
    ExportReply,
    ProgressReply,
    QuestionReply,
    Reply,
    TextReply,
    TipReply,
)
from bot.richtext import Block, Inline, Mention, Paragraph, Rich, Span, line, paragraph, render_plain
from flows.answers import MAX_TEXT
from flows.dates import DATE_EXAMPLE

SCHEMA = "http://adaptivecards.io/schemas/adaptive-card.json"
VERSION = "1.4"  # Action.Execute (Universal Actions) came with Adaptive Cards 1.4
COMMAND_PREFIX = "@Outreach Coach "  # the app's name, as people @mention it in Teams
TIP = "💡 "

# --- Teams' limits -----------------------------------------------------------------------------
# A bot message may be 40 KB, counted as UTF-16 ("Format your bot messages": 413
# MessageSizeTooBig past it; newer pages say 100 KB, webhooks and Graph take 28 KB). A card
# stays within 36,000 bytes, leaving the rest of the lowest of these for the activity around
# it (ids, addresses, the summary). See card_size for how a card is counted.
CARD_BUDGET = 36_000
SEPARATOR_BYTES = 4  # ", " between two elements of the body, in UTF-16
# Teams shows six buttons of an ActionSet and hides the rest (web and desktop, observed:
# atc0005/go-teams-notify#161), so each ActionSet holds six at the most.
ACTIONS_SHOWN = 6

# --- our own limits ------------------------------------------------------------------------
MOST_BUTTONS = 5  # a question's choices as a row of buttons, with room for Skip in the same row
BUTTON_ROW_CHARS = 50  # the labels of such a row together: about what fits side by side, uncut
MOST_LISTED = 10  # choices as a list of radio buttons up to this many; more as a dropdown
CHOICE_TITLE_LENGTH = 200  # a choice's label (the guides' longest is some 160 characters)
BUTTON_TITLE_LENGTH = 75  # a button's label; Teams cuts it short on screen well before this
SUMMARY_LENGTH = 300  # a notification shows a line or two
ELLIPSIS = "…"
STYLES = {"primary": "positive", "danger": "destructive"}
PLACEHOLDERS = {"list": "teams-card-placeholder-list", "dates": "teams-card-placeholder-dates"}

Element = dict[str, Any]
SUBTLE: Element = {"isSubtle": True}
HEADER: Element = {"isSubtle": True, "size": "small"}


@dataclass(frozen=True)
class TeamsMessage:
    """One Teams message: ``text``, the plain words a notification shows (the activity's
    ``summary``), and ``card``, the Adaptive Card's content (None when there is nothing to say)."""

    text: str
    card: dict[str, Any] | None


def message(replies: Sequence[Reply], t: Messages) -> TeamsMessage:
    """All ``replies`` on one card, in order. A card with a question is named by its key,
    which every button on it carries, so a press says which card to put right."""
    if not replies:
        return TeamsMessage("", None)
    key = next((r.key for r in replies if isinstance(r, QuestionReply)), None)
    said = [(reply, reply_words(reply, t, "teams-card-answered", "teams-card-export")) for reply in replies]
    parts = [part for reply, words in said for part in _parts(reply, words, t, key)]
    return TeamsMessage(_summary(said), card(_within_budget(parts, project_of(replies), t, key)))


def card(body: list[Element]) -> dict[str, Any]:
    return {"type": "AdaptiveCard", "$schema": SCHEMA, "version": VERSION, "body": body}


def card_size(content: Any) -> int:
    """The bytes of ``content`` as Teams counts a bot message: UTF-16 of its JSON, counted
    with every character past ASCII escaped ("\\u00e6"), the larger of the ways it may travel."""
    return 2 * len(json.dumps(content))


def text_blocks(rich: Rich, look: Element | None = None) -> list[Element]:
    """``rich`` as RichTextBlocks, a block a line: a paragraph's later lines follow closely,
    an empty line in a person's text leaves a gap, a list item starts with its • or its
    own number. ``look`` is given to every run (``SUBTLE``, ``HEADER``)."""
    blocks: list[Element] = []
    for block in rich.blocks:
        gap = True  # a block's first line keeps the card's spacing
        for runs in _lines(block, look or {}):
            if runs:
                blocks.append({"type": "RichTextBlock", "inlines": runs} | ({} if gap else {"spacing": "none"}))
            gap = not runs
    return blocks


def _lines(block: Block, look: Element) -> Iterator[list[Element]]:
    """The TextRuns of each line ``block`` shows, splitting at line breaks within the text."""
    rows = (
        block.lines
        if isinstance(block, Paragraph)
        else [(Span(f"{marker} "), *item) for marker, item in zip(block.markers(), block.items, strict=True)]
    )
    for row in rows:
        runs: list[Element] = []
        for part in row:
            words, style = _run(part)
            for index, piece in enumerate(words.split("\n")):
                if index:
                    yield runs
                    runs = []
                if piece:
                    runs.append({"type": "TextRun", "text": piece} | style | look)
        yield runs


def _run(part: Inline) -> tuple[str, Element]:
    """A span's words and style, or a command as people type it in Teams, in monospace."""
    if isinstance(part, Mention):
        return COMMAND_PREFIX + part.command, {"fontType": "monospace"}
    return part.text, _STYLES[part.style]


_STYLES: dict[str, Element] = {"plain": {}, "strong": {"weight": "bolder"}, "emph": {"italic": True}}


# --- each reply ---------------------------------------------------------------------------------
# A reply becomes parts: elements that are kept or dropped together when a card is cut.


def _parts(reply: Reply, words: Rich, t: Messages, key: str | None) -> list[list[Element]]:
    match reply:
        case TextReply() | ExportReply():
            return _lines_apart(words)
        case TipReply():
            return [[{"type": "Container", "style": "emphasis", "items": text_blocks(_tip(words))}]]
        case ProgressReply():
            return [text_blocks(words, HEADER)]
        case QuestionReply():
            return [_question(reply, t, key)]
        case AnsweredReply():
            return [text_blocks(words) + text_blocks(t("teams-card-answered-by", by=reply.by), SUBTLE)]
        case ActionsReply(actions=actions):
            buttons = [button for action in actions if (button := _action_button(action, key)) is not None]
            return _lines_apart(words) + ([[action_sets(buttons)]] if buttons else [])
    raise AssertionError(f"cannot render {reply!r}")


def _lines_apart(words: Rich) -> list[list[Element]]:
    """A part a line, so a long text (every answer of a guide) is cut between its lines."""
    return [[block] for block in text_blocks(words)]


def _tip(words: Rich) -> Rich:
    """The tip with 💡 before its first words (a guide's tip is a paragraph of its text)."""
    match words.blocks:
        case (Paragraph(lines=(first, *more)), *rest):
            return Rich((Paragraph((line(TIP, *first), *more)), *rest))
    return words


def _question(question: QuestionReply, t: Messages, key: str | None) -> list[Element]:
    """The question in bold; its help and saved answer in grey, then its inputs and buttons."""
    shown = text_blocks(paragraph(line(Span(question.text, "strong"))))
    if question.help:
        shown += text_blocks(Rich.text(question.help), SUBTLE)
    if question.current is not None:
        shown += text_blocks(t("teams-card-current", answer=current_words(question, t)), SUBTLE)
    return shown + _widget(question, t, key)


def _widget(question: QuestionReply, t: Messages, key: str | None) -> list[Element]:
    """The inputs and buttons that answer ``question``; an optional one can be skipped."""
    skip = [] if question.required else [_skip_button(question, t, key)]
    form: Form
    match question.kind:
        case "confirm" | "single_choice" if _as_buttons(question):
            return [action_sets([*(_choice_button(question, choice, key) for choice in question.choices), *skip])]
        case "confirm" | "single_choice":
            fields, form, label = _choice_fields(question, t, several=False), "pick", "teams-card-answer"
        case "multi_choice" | "checklist":
            fields, form, label = _choice_fields(question, t, several=True), "ticks", "teams-card-save"
        case "date":
            fields, form, label = _date_fields(question, t), "date", "teams-card-answer"
        case _:  # text, list, dates (several dates, one a line)
            fields, form, label = [_text_field(question, t)], "text", "teams-card-answer"
    send = button(t.text(label), form_data(question, form, key), "positive", inputs=True)
    return [*fields, action_sets([send, *skip])]


def _as_buttons(question: QuestionReply) -> bool:
    """Few choices with short labels are buttons, one press each; others a list to pick from."""
    labels = [choice.label for choice in question.choices]
    return len(labels) <= MOST_BUTTONS and sum(len(label) for label in labels) <= BUTTON_ROW_CHARS


def _choice_button(question: QuestionReply, choice: Choice, key: str | None) -> Element:
    answer = Action(choice.label, answer=AnswerAction(question.step, choice.value), project_id=question.project_id)
    return button(choice.label, action_data(answer, key))


def _choice_fields(question: QuestionReply, t: Messages, several: bool) -> list[Element]:
    """A ChoiceSet: checkboxes for several, radio buttons for one (a dropdown past
    ``MOST_LISTED``), with the saved answer picked; past ``MOST_CHOICES`` a line says how
    many more there are."""
    shown = question.choices[:MOST_CHOICES]
    field: Element = {
        "type": "Input.ChoiceSet",
        "id": CHOICE_INPUT,
        "choices": [{"title": clip(choice.label, CHOICE_TITLE_LENGTH), "value": choice.value} for choice in shown],
        "style": "expanded" if several or len(shown) <= MOST_LISTED else "compact",
        "wrap": True,
    }
    if several:
        field["isMultiSelect"] = True
    elif field["style"] == "compact":
        field["placeholder"] = t.text("teams-card-choose")
    if question.kind != "checklist":  # nothing ticked is an answer to a checklist only
        field |= {"isRequired": True, "errorMessage": t.text("teams-card-required")}
    saved = question.current if isinstance(question.current, list) else [question.current]
    picked = [choice.value for choice in shown if choice.value in saved]
    if picked:
        field["value"] = CHOICE_SEPARATOR.join(picked)
    more = len(question.choices) - len(shown)
    note = t("teams-card-more-choices", shown=len(shown), count=len(question.choices)) if more > 0 else Rich(())
    return [field, *text_blocks(note, SUBTLE)]


def _text_field(question: QuestionReply, t: Messages) -> Element:
    """A text area: a text, a list one item a line, dates one a line; filled in with the
    saved answer unless it is longer than the field takes (it is never shortened unseen)."""
    placeholder = t.text(PLACEHOLDERS.get(question.kind, "teams-card-placeholder-text"), example=DATE_EXAMPLE)
    field: Element = {
        "type": "Input.Text",
        "id": TEXT_INPUT,
        "isMultiline": True,
        "maxLength": MAX_TEXT,
        "placeholder": placeholder,
        "isRequired": True,
        "errorMessage": t.text("teams-card-required"),
    }
    saved = saved_text(question)
    return field | {"value": saved} if saved and len(saved) <= MAX_TEXT else field


def _date_fields(question: QuestionReply, t: Messages) -> list[Element]:
    """A date picker and a time picker on the saved day and time, and a line saying the
    date can be written to the coach as people say it ("15.12", "næste tirsdag")."""
    reading = stored_reading(question.current)
    day: Element = {
        "type": "Input.Date",
        "id": DATE_INPUT,
        "label": t.text("teams-card-date"),
        "isRequired": True,
        "errorMessage": t.text("teams-card-required"),
    }
    clock: Element = {"type": "Input.Time", "id": TIME_INPUT, "label": t.text("teams-card-time")}
    if reading is not None:
        day["value"] = reading.day.isoformat()
    if reading is not None and reading.time is not None:
        clock["value"] = f"{reading.time:%H:%M}"
    return [day, clock, *text_blocks(t("teams-card-date-typed"), SUBTLE)]


def _skip_button(question: QuestionReply, t: Messages, key: str | None) -> Element:
    label = t.text("teams-card-skip")
    skip = Action(label, answer=AnswerAction(question.step, None, skip=True), project_id=question.project_id)
    return button(label, action_data(skip, key))


def _action_button(action: Action, key: str | None) -> Element | None:
    """``action`` as a button; None when its data cannot be carried (an answer too long to read back)."""
    try:
        data = action_data(action, key)
    except ValueError:
        return None
    return button(action.label, data, STYLES.get(action.style))


def _within_budget(parts: list[list[Element]], project_id: int | None, t: Messages, key: str | None) -> list[Element]:
    """The elements of ``parts``; past the budget, the first parts that fit and a note that
    the rest was cut, with a button for the logbook when the project is known."""
    body = [element for part in parts for element in part]
    if card_size(card(body)) <= CARD_BUDGET:
        return body
    note = text_blocks(t("teams-card-cut-short"), SUBTLE)
    if project_id is not None:
        export = Action(t.text("teams-card-logbook"), command="export", project_id=project_id)
        note.append(action_sets([button(export.label, action_data(export, key))]))
    room = CARD_BUDGET - card_size(card(note))
    kept: list[Element] = []
    for part in parts:
        room -= sum(card_size(element) + SEPARATOR_BYTES for element in part)
        if room < 0:
            break
        kept += part
    return kept + note


# --- elements ---------------------------------------------------------------------------------------


def button(title: str, data: Element, style: str | None = None, inputs: bool = False) -> Element:
    """An ``Action.Execute`` sending ``data`` (and the card's inputs when ``inputs``), with an
    ``Action.Submit`` of the same data for a host without Universal Actions."""
    submit: Element = {"type": "Action.Submit", "title": clip(title, BUTTON_TITLE_LENGTH), "data": data}
    if style:
        submit["style"] = style
    if not inputs:
        submit["associatedInputs"] = "none"
    return submit | {"type": EXECUTE, "verb": VERB, "fallback": submit}


def action_sets(buttons: list[Element]) -> Element:
    """``buttons`` in rows of the six Teams shows: one ActionSet, or a Container of several."""
    rows = [buttons[at : at + ACTIONS_SHOWN] for at in range(0, len(buttons), ACTIONS_SHOWN)]
    sets = [{"type": "ActionSet", "actions": row} for row in rows]
    return sets[0] if len(sets) == 1 else {"type": "Container", "items": sets}


def clip(text: str, limit: int) -> str:
    """``text`` within ``limit`` characters, ending in "…" when it had to be shortened."""
    return text if len(text) <= limit else text[: limit - len(ELLIPSIS)].rstrip() + ELLIPSIS


def _summary(said: Sequence[tuple[Reply, Rich]]) -> str:
    """The notification's words: every reply's words, plain, cut to a line or two."""
    lines = [_plain(reply, words) for reply, words in said]
    return clip("\n".join(filter(None, lines)), SUMMARY_LENGTH)


def _plain(reply: Reply, words: Rich) -> str:
    plain = render_plain(words, COMMAND_PREFIX)
    if isinstance(reply, ActionsReply) and not plain:
        return ", ".join(action.label for action in reply.actions)
    return TIP + plain if isinstance(reply, TipReply) else plain
