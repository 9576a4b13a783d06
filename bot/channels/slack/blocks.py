"""The coach's replies as Slack Block Kit messages, within Slack's documented limits.

Each reply becomes a few blocks: text as mrkdwn sections, tips and progress as context
lines, a question as its text and the widget its kind needs (buttons, a select,
checkboxes, or a button that opens a modal). All replies of one turn go in one message.
A message that would pass Slack's limits keeps its first blocks and says it was cut
short, pointing to the logbook, so Slack never refuses it.

The limits below are Slack's (Block Kit reference, docs.slack.dev), each named where it
is relied on; ``tests/test_slack_blocks.py`` checks every block made here against them.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from itertools import count
from typing import Any, Literal

from bot.channels.forms import current_words, project_of, reply_words
from bot.channels.slack import actions
from bot.channels.slack.mrkdwn import chunks, clip, escape, mrkdwn, plain
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
from bot.richtext import Rich, Span, line, numbered, paragraph

# --- Slack's limits ----------------------------------------------------------------------

MESSAGE_BLOCKS = 50  # chat.postMessage: "up to 50 blocks" in a message
VIEW_BLOCKS = 100  # a modal or Home tab view: "Max of 100 blocks"
TEXT_LENGTH = 3000  # a text object (section text, context element): 1 to 3000 characters
HEADER_LENGTH = 150  # a header block's text
INPUT_LABEL_LENGTH = 2000  # an input block's label and hint
PLACEHOLDER_LENGTH = 150  # an input or select element's placeholder
BUTTON_LABEL_LENGTH = 75  # a button's text
BUTTON_LABEL_SHOWN = 30  # the button reference: "text may truncate with ~30 characters"
ACTIONS_ELEMENTS = 25  # an actions block: "a maximum of 25 elements"
CONTEXT_ELEMENTS = 10  # a context block: "Maximum number of items is 10"
OPTION_TEXT_LENGTH = 75  # an option object's text
OPTION_VALUE_LENGTH = 150  # an option object's value
CHECKBOX_OPTIONS = 10  # a checkboxes element: "A maximum of 10 options"
SELECT_OPTIONS = 100  # a static or multi-static select: "Maximum number of options is 100"
TEXT_INPUT_LENGTH = 3000  # plain_text_input max_length: "between 1 and 3000"
MODAL_TITLE_LENGTH = 24  # a modal's title, submit and close texts
# Not in the reference: chat.postMessage refuses a message whose blocks hold some 13,000
# characters of text in all (msg_blocks_too_long; slackapi/bolt-js#2509, where Slack's
# engineers name 12,000 characters). Messages are kept within that.
MESSAGE_TEXT = 12_000
# Our own: a notification shows a line or two, so the fallback text stays short.
FALLBACK_LENGTH = 300
# More choices than this show as one select instead of a row of buttons.
MOST_BUTTONS = 5

Block = dict[str, Any]


@dataclass(frozen=True)
class SlackMessage:
    """One Slack message: the blocks, and the short plain ``text`` Slack shows in
    notifications and where blocks cannot be shown."""

    text: str
    blocks: list[Block]


def message(replies: Sequence[Reply], t: Messages) -> SlackMessage:
    """All ``replies`` in one message, in order. Past Slack's block count or text size, the
    first ones are kept and a note says the rest is in the logbook."""
    places = count(1)  # Slack wants each action_id unique within the message: number them
    said = [(reply, reply_words(reply, t, "slack-answered", "slack-export")) for reply in replies]
    parts = [part for reply, words in said for part in _parts(reply, words, t, places)]
    blocks = [block for part in parts for block in part]
    if len(blocks) > MESSAGE_BLOCKS or text_size(blocks) > MESSAGE_TEXT:
        note = _cut_short(project_of(replies), t, places)
        blocks = _first_parts(parts, MESSAGE_BLOCKS - len(note), MESSAGE_TEXT - text_size(note)) + note
    return SlackMessage(_fallback(said), blocks)


def checklist_answer(values: dict[str, Any]) -> list[str]:
    """The choices ticked in a message's checkboxes (or multi-select), from the ``state.values``
    of the block_actions payload that the message's save button sent."""
    element = input_state(values)
    selected = element.get("selected_options")
    if element.get("type") not in ("checkboxes", "multi_static_select") or not isinstance(selected, list):
        raise actions.BadIntent("no checkboxes in the state")
    if len(selected) > SELECT_OPTIONS:
        raise actions.BadIntent("more choices than a message shows")
    chosen: list[str] = []
    for ticked in selected:
        value = ticked.get("value") if isinstance(ticked, dict) else None
        if not isinstance(value, str) or len(value) > OPTION_VALUE_LENGTH:
            raise actions.BadIntent("a ticked choice without its value")
        chosen.append(value)
    return chosen


def input_state(values: Any) -> dict[str, Any]:
    """The state of the coach's one input (``actions.INPUT_BLOCK``) in a payload's ``state.values``."""
    block = values.get(actions.INPUT_BLOCK) if isinstance(values, dict) else None
    element = block.get(actions.INPUT_ACTION) if isinstance(block, dict) else None
    if not isinstance(element, dict):
        raise actions.BadIntent("the state has no answer")
    return element


def text_size(blocks: Sequence[Any]) -> int:
    """The characters of text in ``blocks``, as Slack counts them against a message's size.
    A walk with a list of nodes still to see: nested generators cost a frame per node."""
    size = 0
    waiting: list[Any] = list(blocks)
    while waiting:
        node = waiting.pop()
        if isinstance(node, dict):
            text = node.get("text")
            if isinstance(text, str) and node.get("type") in ("mrkdwn", "plain_text"):
                size += len(text)
            waiting.extend(node.values())
        elif isinstance(node, list):
            waiting.extend(node)
    return size


# --- each reply ------------------------------------------------------------------------------
# A reply becomes parts: blocks that are kept or dropped together when a message is cut.


def _parts(reply: Reply, words: Rich, t: Messages, places: Iterator[int]) -> list[list[Block]]:
    match reply:
        case TextReply() | ExportReply():
            return [[section] for section in sections(mrkdwn(words))]
        case TipReply():
            return [[context(piece)] for piece in chunks(f"💡 {mrkdwn(words)}", TEXT_LENGTH)]
        case ProgressReply():
            return [[context(mrkdwn(words))]]
        case QuestionReply():
            return [_question(reply, t, places)]
        case AnsweredReply():
            return [[*sections(mrkdwn(words)), context(mrkdwn(t("slack-answered-by", by=reply.by)))]]
        case ActionsReply(actions=buttons):
            row = [element for action in buttons if (element := _action_button(action, places)) is not None]
            return [*([section] for section in sections(mrkdwn(words))), action_rows(row)]
    raise AssertionError(f"cannot render {reply!r}")


def _question(question: QuestionReply, t: Messages, places: Iterator[int]) -> list[Block]:
    """The question in bold, its help and current answer as context, then its widget."""
    widget, clipped = _widget(question, t, places)
    words = paragraph(line(Span(question.text, "strong")))
    if clipped:  # the buttons or options show labels cut short: list them whole
        words += numbered(enumerate((line(choice.label) for choice in question.choices), start=1))
    blocks = sections(mrkdwn(words))
    if question.help:
        blocks += [context(piece) for piece in chunks(mrkdwn(Rich.text(question.help)), TEXT_LENGTH)]
    if question.current is not None:
        answer = current_words(question, t)
        blocks.append(context(clip(mrkdwn(t("slack-current", answer=answer)), TEXT_LENGTH)))
    return blocks + widget


def _widget(question: QuestionReply, t: Messages, places: Iterator[int]) -> tuple[list[Block], bool]:
    """The blocks to answer ``question`` with, and whether they cut any choice's label short."""
    boxes: list[Block] = []
    if question.kind in ("confirm", "single_choice"):
        row, clipped = _single(question, t, places)
    elif question.kind in ("multi_choice", "checklist"):
        checklist, clipped = _checklist(question, t)
        boxes = [checklist]
        row = [button(t.text("slack-save"), actions.form_value(question, "checklist"), "form", places, "primary")]
    else:  # text, list, date, dates: a modal
        clipped = False
        row = [button(t.text("slack-answer"), actions.form_value(question, "modal"), "form", places, "primary")]
    if not question.required:
        row.append(_skip_button(question, t, places))
    return [*boxes, *action_rows(row)], clipped


def _single(question: QuestionReply, t: Messages, places: Iterator[int]) -> tuple[list[Block], bool]:
    """A row of buttons, or one select when there are more than a few choices and each
    choice's button value fits an option's value."""
    values = [_answer_value(question, choice) for choice in question.choices]
    fits = all(len(value) <= OPTION_VALUE_LENGTH for value in values)
    if MOST_BUTTONS < len(values) <= SELECT_OPTIONS and fits:
        select = {
            "type": "static_select",
            "action_id": actions.action_id("select", next(places)),
            "placeholder": plain_text(t.text("slack-choose"), PLACEHOLDER_LENGTH),
            "options": [option(choice.label, value) for choice, value in zip(question.choices, values, strict=True)],
        }
        return [select], _clipped(question, OPTION_TEXT_LENGTH)
    clipped = _clipped(question, BUTTON_LABEL_SHOWN)
    buttons = [
        button(f"{n}. {choice.label}" if clipped else choice.label, value, "answer", places)
        for n, (choice, value) in enumerate(zip(question.choices, values, strict=True), start=1)
    ]
    return buttons, clipped


def _checklist(question: QuestionReply, t: Messages) -> tuple[Block, bool]:
    """Checkboxes (a multi-select past Slack's ten), in an input block: ticking sends
    nothing, and the save button's click carries what is ticked in its state."""
    options = [option(choice.label, choice.value) for choice in question.choices]
    current = question.current if isinstance(question.current, list) else []
    element: Block = {"type": "checkboxes", "action_id": actions.INPUT_ACTION, "options": options}
    if len(options) > CHECKBOX_OPTIONS:
        element["type"] = "multi_static_select"
        element["placeholder"] = plain_text(t.text("slack-choose-several"), PLACEHOLDER_LENGTH)
    ticked = [o for o, choice in zip(options, question.choices, strict=True) if choice.value in current]
    if ticked:
        element["initial_options"] = ticked
    block = {
        "type": "input",
        "block_id": actions.INPUT_BLOCK,
        "label": plain_text(t.text("slack-choice-label"), INPUT_LABEL_LENGTH),
        "element": element,
    }
    return block, _clipped(question, OPTION_TEXT_LENGTH)


def _clipped(question: QuestionReply, limit: int) -> bool:
    return any(len(choice.label) > limit for choice in question.choices)


def _answer_value(question: QuestionReply, choice: Choice) -> str:
    answer = AnswerAction(question.step, choice.value)
    return actions.button_value(Action(choice.label, answer=answer, project_id=question.project_id))


def _skip_button(question: QuestionReply, t: Messages, places: Iterator[int]) -> Block:
    label = t.text("slack-skip")
    skip = Action(label, answer=AnswerAction(question.step, None, skip=True), project_id=question.project_id)
    return button(label, actions.button_value(skip), "skip", places)


def _action_button(action: Action, places: Iterator[int]) -> Block | None:
    """``action`` as a button; None when its value cannot fit one (an answer carrying a long text)."""
    try:
        value = actions.button_value(action)
    except ValueError:
        return None
    kind = "answer" if action.answer else "command"
    return button(action.label, value, kind, places, None if action.style == "default" else action.style)


def _cut_short(project_id: int | None, t: Messages, places: Iterator[int]) -> list[Block]:
    """The note ending a message that was cut short, with a button for the logbook when
    the project is known."""
    note = [context(mrkdwn(t("slack-cut-short")))]
    if project_id is None:
        return note
    export = Action(t.text("slack-logbook"), command="export", project_id=project_id)
    return [*note, *action_rows([button(export.label, actions.button_value(export), "command", places)])]


def _first_parts(parts: list[list[Block]], most_blocks: int, most_text: int) -> list[Block]:
    """The blocks of the first ``parts`` that fit in ``most_blocks`` blocks and ``most_text`` characters."""
    kept: list[Block] = []
    size = 0
    for part in parts:
        size += text_size(part)
        if len(kept) + len(part) > most_blocks or size > most_text:
            break
        kept += part
    return kept


def _fallback(said: Sequence[tuple[Reply, Rich]]) -> str:
    """The notification's words: the replies' first lines, plain."""
    return clip("\n".join(filter(None, (_plain_words(reply, words) for reply, words in said))), FALLBACK_LENGTH)


def _plain_words(reply: Reply, words: Rich) -> str:
    match reply:
        case ActionsReply(actions=buttons):
            return plain(words) or escape(", ".join(action.label for action in buttons))
        case TipReply():
            return f"💡 {plain(words)}"
    return plain(words)


# --- blocks and elements --------------------------------------------------------------------


def sections(text: str) -> list[Block]:
    """``text`` (mrkdwn) as sections of at most Slack's 3,000 characters; none when empty."""
    return [{"type": "section", "text": {"type": "mrkdwn", "text": piece}} for piece in chunks(text, TEXT_LENGTH)]


def context(*texts: str) -> Block:
    """A context line: small grey text, up to Slack's ten pieces of mrkdwn side by side."""
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": text} for text in texts[:CONTEXT_ELEMENTS]]}


def plain_text(text: str, limit: int) -> dict[str, str]:
    return {"type": "plain_text", "text": clip(text, limit)}


def button(
    label: str, value: str, kind: str, places: Iterator[int], style: Literal["primary", "danger"] | None = None
) -> Block:
    element = {
        "type": "button",
        "action_id": actions.action_id(kind, next(places)),
        "text": plain_text(label, BUTTON_LABEL_LENGTH),
        "value": value,
    }
    return element | {"style": style} if style else element


def option(label: str, value: str) -> Block:
    return {"text": plain_text(label, OPTION_TEXT_LENGTH), "value": value}


def action_rows(elements: list[Block]) -> list[Block]:
    """``elements`` in actions blocks of at most Slack's 25; none when there are none."""
    return [
        {"type": "actions", "elements": elements[at : at + ACTIONS_ELEMENTS]}
        for at in range(0, len(elements), ACTIONS_ELEMENTS)
    ]
