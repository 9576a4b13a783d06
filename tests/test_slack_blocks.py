"""What a team sees of the coach in Slack: its replies as Block Kit messages, the modal that
answers a text or a date, and the App Home tab.

Every message and view made here passes :func:`within_slacks_limits`, which holds it to the
limits of Slack's Block Kit reference (docs.slack.dev), written out again here so that a
change to the renderer's own constants cannot slip past them.

The ``state.values`` fixtures have the shape Slack documents for view_submission and
block_actions payloads: docs.slack.dev/reference/interaction-payloads/view-interactions-payload,
docs.slack.dev/reference/interaction-payloads/block_actions-payload and the changelog
api.slack.com/changelog/2020-09-full-state-on-view-submisson-and-block-actions (a
plain_text_input's ``value``, null once cleared), with the checkboxes and datepicker entries
as in Slack's Block Kit elements reference (``selected_options`` of option objects,
``selected_date`` as "YYYY-MM-DD").
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View

from bot.channels.slack import actions
from bot.channels.slack.blocks import SlackMessage, checklist_answer, message
from bot.channels.slack.mrkdwn import mrkdwn
from bot.channels.slack.views import home, modal, modal_answer
from bot.i18n import Messages
from bot.presenter import Presenter
from bot.replies import (
    Action,
    ActionsReply,
    AnswerAction,
    AnsweredReply,
    Choice,
    ExportReply,
    ProgressReply,
    ProjectGlance,
    QuestionReply,
    Reply,
    TextReply,
    TipReply,
    Upcoming,
)
from bot.richtext import Rich, Span, line, paragraph
from flows import engine
from flows.answers import parse_answer
from flows.model import Guide, PromptKind, Step
from storage.models import Project

DA, EN = Messages("da"), Messages("en")
HOSTILE = "<!channel> <@U1> <https://x|y> & *bold*"
HOSTILE_ESCAPED = "&lt;!channel&gt; &lt;@U1&gt; &lt;https://x|y&gt; &amp; *bold*"
TODAY = date(2026, 11, 2)

# --- Slack's limits, as the Block Kit reference gives them --------------------------------

LIMITS = {
    "message blocks": 50,  # chat.postMessage
    "view blocks": 100,  # modal and Home tab views
    "text": 3000,  # a text object; at least 1
    "header": 150,
    "label": 2000,  # an input block's label and hint
    "placeholder": 150,
    "button text": 75,
    "button value": 2000,
    "action_id": 255,
    "block_id": 255,
    "actions elements": 25,
    "context elements": 10,
    "option text": 75,
    "option value": 150,
    "checkboxes": 10,
    "select options": 100,
    "text input": 3000,  # plain_text_input max_length
    "modal title": 24,  # and its submit and close
    "private_metadata": 3000,
    "callback_id": 255,
    "message text": 12_000,  # not documented: msg_blocks_too_long past ~13,000 (slackapi/bolt-js#2509)
}


def within_slacks_limits(blocks: list[dict[str, Any]], most: int) -> list[dict[str, Any]]:
    """``blocks`` unchanged, after checking each against Slack's limits: counts, lengths,
    unique block and action ids, and every button value one the app reads back; and
    slack_sdk's own block models read each block whole and find nothing wrong with it."""
    assert 1 <= len(blocks) <= most
    for block in blocks:
        model = Block.parse(block)
        assert model is not None and model.to_dict() == block
        model.validate_json()
    action_ids: list[str] = []
    block_ids = [block["block_id"] for block in blocks if "block_id" in block]
    assert len(block_ids) == len(set(block_ids)), block_ids
    for block in blocks:
        assert len(block.get("block_id", "")) <= LIMITS["block_id"]
        match block["type"]:
            case "section":
                _text_object(block["text"])
                if "accessory" in block:
                    action_ids += _element(block["accessory"])
            case "context":
                assert 1 <= len(block["elements"]) <= LIMITS["context elements"]
                for element in block["elements"]:
                    _text_object(element)
            case "actions":
                assert 1 <= len(block["elements"]) <= LIMITS["actions elements"]
                for element in block["elements"]:
                    action_ids += _element(element)
            case "input":
                _text_object(block["label"], LIMITS["label"], "plain_text")
                if "hint" in block:
                    _text_object(block["hint"], LIMITS["label"], "plain_text")
                action_ids += _element(block["element"])
            case "header":
                _text_object(block["text"], LIMITS["header"], "plain_text")
            case "divider":
                pass
            case other:
                raise AssertionError(f"a block this app does not make: {other}")
    assert len(action_ids) == len(set(action_ids)), action_ids
    assert sum(_text_lengths(blocks)) <= LIMITS["message text"]
    return blocks


def _text_object(text: dict[str, Any], limit: int = LIMITS["text"], kind: str | None = None) -> None:
    assert text["type"] in ((kind,) if kind else ("plain_text", "mrkdwn"))
    assert 1 <= len(text["text"]) <= limit, text


def _element(element: dict[str, Any]) -> list[str]:
    """The element's action_id, after checking the element."""
    action_id = element["action_id"]
    assert len(action_id) <= LIMITS["action_id"]
    if "placeholder" in element:
        _text_object(element["placeholder"], LIMITS["placeholder"], "plain_text")
    match element["type"]:
        case "button":
            _text_object(element["text"], LIMITS["button text"], "plain_text")
            assert len(element["value"]) <= LIMITS["button value"]
            actions.read_intent(element["value"])
            assert element.get("style", "primary") in ("primary", "danger")
            assert action_id.startswith(actions.PREFIX)
        case "static_select":
            _options(element, LIMITS["select options"])
            for option in element["options"]:
                actions.read_intent(option["value"])
        case "multi_static_select":
            _options(element, LIMITS["select options"])
        case "checkboxes":
            _options(element, LIMITS["checkboxes"])
        case "datepicker":
            if "initial_date" in element:
                date.fromisoformat(element["initial_date"])
        case "plain_text_input":
            assert 1 <= element["max_length"] <= LIMITS["text input"]
            assert len(element.get("initial_value", "")) <= element["max_length"]
        case other:
            raise AssertionError(f"an element this app does not make: {other}")
    return [action_id]


def _options(element: dict[str, Any], most: int) -> None:
    assert 1 <= len(element["options"]) <= most
    for option in element["options"]:
        _text_object(option["text"], LIMITS["option text"], "plain_text")
        assert 1 <= len(option["value"]) <= LIMITS["option value"]
    for initial in element.get("initial_options", []):
        assert initial in element["options"]


def _text_lengths(node: Any) -> Iterator[int]:
    if isinstance(node, dict):
        if node.get("type") in ("plain_text", "mrkdwn"):
            yield len(node["text"])
        for value in node.values():
            yield from _text_lengths(value)
    elif isinstance(node, list):
        for item in node:
            yield from _text_lengths(item)


def slack(replies: list[Reply], t: Messages = DA) -> SlackMessage:
    """The replies as one Slack message, held to Slack's limits."""
    made = message(replies, t)
    within_slacks_limits(made.blocks, LIMITS["message blocks"])
    assert 1 <= len(made.text) <= 300 and "<" not in made.text
    return made


def checked_modal(question: QuestionReply, t: Messages = DA, metadata: str = '{"p":7}') -> dict[str, Any]:
    view = modal(question, t, metadata)
    within_slacks_limits(view["blocks"], LIMITS["view blocks"])
    View(**view).validate_json()
    assert view["type"] == "modal" and view["callback_id"] == actions.MODAL_CALLBACK
    assert view["private_metadata"] == metadata and len(metadata) <= LIMITS["private_metadata"]
    for key in ("title", "submit", "close"):
        _text_object(view[key], LIMITS["modal title"], "plain_text")
    return view


def checked_home(glances: list[ProjectGlance], t: Messages = DA) -> dict[str, Any]:
    view = home(glances, t)
    assert view["type"] == "home"
    within_slacks_limits(view["blocks"], LIMITS["view blocks"])
    View(**view).validate_json()
    return view


# --- what a message shows ------------------------------------------------------------------


def of_type(made: SlackMessage | dict[str, Any], kind: str) -> list[dict[str, Any]]:
    blocks = made.blocks if isinstance(made, SlackMessage) else made["blocks"]
    return [block for block in blocks if block["type"] == kind]


def texts(blocks: list[dict[str, Any]]) -> list[str]:
    """The text of each section, and of each element of each context block."""
    found = []
    for block in blocks:
        if block["type"] in ("section", "header"):
            found.append(block["text"]["text"])
        elif block["type"] == "context":
            found += [element["text"] for element in block["elements"]]
    return found


def buttons(made: SlackMessage | dict[str, Any]) -> list[dict[str, Any]]:
    blocks = made.blocks if isinstance(made, SlackMessage) else made["blocks"]
    row = [element for block in blocks if block["type"] == "actions" for element in block["elements"]]
    accessories = [block["accessory"] for block in blocks if "accessory" in block]
    return [element for element in row + accessories if element["type"] == "button"]


def labels(made: SlackMessage) -> list[str]:
    return [button["text"]["text"] for button in buttons(made)]


def intent(button: dict[str, Any]) -> actions.Intent:
    return actions.read_intent(button["value"])


def progress(project: str = "Fitness") -> ProgressReply:
    return ProgressReply(
        project_id=7, project=project, guide="Kommer forbi", section="Trin 2", question=3, questions=12
    )


def question(kind: str, n: int = 0, **fields: Any) -> QuestionReply:
    """A question of ``kind`` with ``n`` choices "Valg 1", "Valg 2", ... (values c1, c2, ...)."""
    choices = [Choice(f"c{i}", f"Valg {i}") for i in range(1, n + 1)]
    defaults: dict[str, Any] = {"project_id": 7, "step": "s1", "kind": kind, "text": "Hvad?", "help": None}
    return QuestionReply(**(defaults | {"choices": choices} | fields))


def test_text_is_mrkdwn_with_commands_as_typed_in_slack() -> None:
    made = slack([TextReply(DA("no-project"))])
    [section] = made.blocks
    assert section["type"] == "section"
    assert section["text"] == {"type": "mrkdwn", "text": mrkdwn(DA("no-project"))}
    assert "`/outreach start &lt;guide&gt;`" in section["text"]["text"]
    assert made.text == "Der er intet projekt i denne kanal endnu. Start et med /outreach start &lt;guide&gt;."


def test_words_from_people_cannot_ping_link_or_mention() -> None:
    answered = AnsweredReply(project_id=7, step="s1", question="Hvem?", answer=HOSTILE, by=HOSTILE)
    made = slack(
        [progress(HOSTILE), answered, ExportReply(project_id=7, project=HOSTILE), TextReply(Rich.text(HOSTILE))]
    )
    assert f"*{HOSTILE_ESCAPED}* · Kommer forbi" in texts(made.blocks)[0]
    assert all(HOSTILE_ESCAPED in text for text in texts(made.blocks))
    assert "<" not in json.dumps(made.blocks) and "<" not in made.text


def test_progress_and_tips_are_context_lines() -> None:
    made = slack([progress(), TipReply(Rich.text("Husk kaffe & kage."))])
    assert [block["type"] for block in made.blocks] == ["context", "context"]
    assert texts(made.blocks) == ["*Fitness* · Kommer forbi · Trin 2 · spørgsmål 3 af 12", "💡 Husk kaffe &amp; kage."]
    assert made.text == "Fitness · Kommer forbi · Trin 2 · spørgsmål 3 af 12\n💡 Husk kaffe &amp; kage."


def test_starting_a_guide_shows_where_the_team_is_and_the_first_question(guides: dict[str, Guide]) -> None:
    guide = guides["kommer-forbi"]
    project = Project(id=7, name="Fitness", guide_id=guide.id)
    replies = Presenter(DA, guides).where(project, guide, engine.FlowState({}), entering=True)
    made = slack(replies)
    first = guide.step(engine.current_step(guide, engine.FlowState({})) or "")
    assert texts(made.blocks)[0] == "*Fitness* · Biblioteket kommer forbi · Inden I starter · spørgsmål 1 af 24"
    assert mrkdwn(paragraph(line(Span(first.text.da, "strong")))) in texts(made.blocks)
    assert buttons(made), "the first question can be answered from the message"


# --- questions ------------------------------------------------------------------------


@pytest.mark.parametrize(("waits", "words"), [(False, ["Ja", "Nej"]), (True, ["Gjort", "Ikke endnu"])])
def test_a_yes_no_question_is_two_buttons_as_the_presenter_words_them(
    guides: dict[str, Guide], waits: bool, words: list[str]
) -> None:
    step = next(
        s for g in guides.values() for s in g.steps if s.kind is PromptKind.CONFIRM and (s.wait is not None) == waits
    )
    asked = Presenter(DA, guides).question(Project(id=7), step, None)
    made = slack([asked])
    assert labels(made) == words
    assert [intent(b).answer for b in buttons(made)] == [AnswerAction(step.id, "true"), AnswerAction(step.id, "false")]
    assert all(intent(b).p == 7 for b in buttons(made))
    assert [parse_answer(step, intent(b).v, TODAY) for b in buttons(made)] == [True, False]


def test_up_to_five_choices_are_buttons_that_answer_the_step() -> None:
    made = slack([question("single_choice", 5)])
    assert labels(made) == [f"Valg {i}" for i in range(1, 6)]
    assert [intent(b).answer for b in buttons(made)] == [AnswerAction("s1", f"c{i}") for i in range(1, 6)]
    assert [b["action_id"] for b in buttons(made)] == [f"outreach:answer:{i}" for i in range(1, 6)]


def test_more_than_five_choices_are_one_select_whose_options_answer_the_step() -> None:
    made = slack([question("single_choice", 12)])
    [row] = of_type(made, "actions")
    [select] = row["elements"]
    assert select["type"] == "static_select" and select["action_id"] == "outreach:select:1"
    assert select["placeholder"]["text"] == "Vælg et svar"
    assert [option["text"]["text"] for option in select["options"]] == [f"Valg {i}" for i in range(1, 13)]
    assert actions.read_intent(select["options"][11]["value"]).answer == AnswerAction("s1", "c12")


def test_choices_whose_answer_would_not_fit_an_option_stay_buttons() -> None:
    long_value = "x" * 140  # the option value with the step and project would pass Slack's 150
    asked = question("single_choice", choices=[Choice(f"{long_value}{i}", f"Valg {i}") for i in range(8)])
    made = slack([asked])
    assert labels(made) == [f"Valg {i}" for i in range(8)]
    assert intent(buttons(made)[3]).answer == AnswerAction("s1", f"{long_value}3")


def test_long_choice_labels_are_listed_whole_above_the_checkboxes_that_cut_them_short(guides: dict[str, Guide]) -> None:
    step = next(s for g in guides.values() for s in g.steps if any(len(o.label.da) > 75 for o in s.options))
    made = slack([Presenter(DA, guides).question(Project(id=7), step, None)])
    listed = "\n".join(texts(made.blocks))
    assert all(mrkdwn(Rich.text(option.label.da)) in listed for option in step.options)
    [field] = of_type(made, "input")
    assert any(option["text"]["text"].endswith("…") for option in field["element"]["options"])


@pytest.mark.parametrize(("n", "element"), [(4, "checkboxes"), (10, "checkboxes"), (11, "multi_static_select")])
def test_a_checklist_is_checkboxes_saved_with_one_button(n: int, element: str) -> None:
    made = slack([question("checklist", n, current=["c1", "c3"])])
    [field] = of_type(made, "input")
    assert field["block_id"] == actions.INPUT_BLOCK
    boxes = field["element"]
    assert boxes["type"] == element and boxes["action_id"] == actions.INPUT_ACTION
    assert [option["value"] for option in boxes["options"]] == [f"c{i}" for i in range(1, n + 1)]
    assert [option["value"] for option in boxes["initial_options"]] == ["c1", "c3"]
    [save] = buttons(made)
    assert save["text"]["text"] == "Gem" and save["style"] == "primary"
    assert intent(save).f == "checklist" and intent(save).s == "s1" and intent(save).p == 7
    assert "Jeres svar nu: Valg 1, Valg 3" in texts(made.blocks)


def test_a_multi_choice_question_is_answered_the_same_way() -> None:
    made = slack([question("multi_choice", 3)])
    assert of_type(made, "input")[0]["element"]["type"] == "checkboxes"
    assert "initial_options" not in of_type(made, "input")[0]["element"]
    assert labels(made) == ["Gem"]


@pytest.mark.parametrize("kind", ["text", "list", "date", "dates"])
def test_a_text_or_date_question_has_a_button_opening_its_form(kind: str) -> None:
    made = slack([question(kind, help="Tænk på <dem> & jer.")])
    assert texts(made.blocks) == ["*Hvad?*", "Tænk på &lt;dem&gt; &amp; jer."]
    [answer] = buttons(made)
    assert answer["text"]["text"] == "Svar" and answer["style"] == "primary"
    assert (intent(answer).f, intent(answer).s, intent(answer).p) == ("modal", "s1", 7)


@pytest.mark.parametrize(
    ("kind", "n"), [("confirm", 2), ("single_choice", 3), ("single_choice", 9), ("checklist", 3), ("text", 0)]
)
def test_an_optional_question_can_be_skipped(kind: str, n: int) -> None:
    made = slack([question(kind, n, required=False)])
    skip = buttons(made)[-1]
    assert skip["text"]["text"] == "Spring over" and "style" not in skip
    assert intent(skip).answer == AnswerAction("s1", None, skip=True)
    assert "Spring over" not in labels(slack([question(kind, n)]))


@pytest.mark.parametrize(
    ("kind", "current", "words"),
    [
        ("text", "Vi tager <kage> med", "Vi tager &lt;kage&gt; med"),
        ("list", ["Plakater", "Radio"], "Plakater; Radio"),
        ("date", "2027-01-15T14:00", "15.1.2027 14:00"),
        ("dates", ["2027-01-15", "2027-02-12"], "15.1.2027; 12.2.2027"),
        ("checklist", [], "intet krydset af endnu"),
        ("single_choice", "c2", "Valg 2"),
    ],
)
def test_the_saved_answer_is_shown_under_the_question(kind: str, current: Any, words: str) -> None:
    made = slack([question(kind, 3, current=current)])
    assert f"Jeres svar nu: {words}" in texts(made.blocks)


@pytest.mark.parametrize("t", [DA, EN], ids=["da", "en"])
def test_every_question_of_every_guide_fits_slack(guides: dict[str, Guide], t: Messages) -> None:
    present = Presenter(t, guides)
    for guide in guides.values():
        for step in guide.steps:
            asked = present.question(Project(id=7), step, None)
            made = slack([asked], t)
            assert made.blocks[0]["text"]["text"].startswith(f"*{mrkdwn(Rich.text(step.text.get(t.lang)))[:20]}")
            if asked.kind in ("text", "list", "date", "dates"):
                checked_modal(asked, t)


def test_the_question_is_in_english_for_an_english_team() -> None:
    made = slack([question("checklist", 2, required=False)], EN)
    assert labels(made) == ["Save", "Skip"]
    assert labels(slack([question("text")], EN)) == ["Answer"]


# --- other replies ---------------------------------------------------------------------------


def test_an_answered_question_shows_the_answer_and_who_gave_it_without_buttons() -> None:
    answered = AnsweredReply(
        project_id=7, step="s1", question="Hvornår?", answer="tirsdag 15. december 2026", by="Mette"
    )
    made = slack([answered])
    assert texts(made.blocks) == ["✅ *Hvornår?*\ntirsdag 15. december 2026", "Besvaret af Mette"]
    assert not buttons(made)


def test_actions_are_buttons_with_their_style_and_a_button_that_cannot_fit_is_left_out() -> None:
    replies: list[Reply] = [
        ActionsReply(
            DA("guides-start"),
            [
                Action("Genoptag", command="resume", project_id=7, style="primary"),
                Action("Slet", command="delete", style="danger"),
                Action("Gem det lange svar", answer=AnswerAction("s1", "x" * 2500)),
                Action("L" * 100, command="status"),
            ],
        )
    ]
    made = slack(replies)
    assert labels(made) == ["Genoptag", "Slet", "L" * 74 + "…"]
    assert [b.get("style") for b in buttons(made)] == ["primary", "danger", None]
    assert (intent(buttons(made)[0]).c, intent(buttons(made)[0]).p) == ("resume", 7)


def test_more_than_25_actions_take_more_than_one_row() -> None:
    made = slack([ActionsReply(Rich(()), [Action(f"Guide {i}", command=f"start g{i}") for i in range(30)])])
    assert [len(row["elements"]) for row in of_type(made, "actions")] == [25, 5]
    assert made.text.startswith("Guide 0, Guide 1, Guide 2")  # the buttons name a message without text


def test_a_ready_logbook_is_named() -> None:
    assert texts(slack([ExportReply(project_id=7, project="Fitness")]).blocks) == ["📒 Logbogen for *Fitness* er klar."]


def test_every_action_id_in_a_message_is_its_own() -> None:
    replies: list[Reply] = [
        question("single_choice", 4, required=False),
        ActionsReply(Rich.text("Mere?"), [Action("Ja", command="status"), Action("Nej", command="help")]),
    ]
    made = slack(replies)
    assert [b["action_id"] for b in buttons(made)] == [
        "outreach:answer:1",
        "outreach:answer:2",
        "outreach:answer:3",
        "outreach:answer:4",
        "outreach:skip:5",
        "outreach:command:6",
        "outreach:command:7",
    ]


# --- long messages ---------------------------------------------------------------------------


def test_a_long_text_is_split_into_sections_at_its_paragraphs() -> None:
    paragraphs = [f"Afsnit {n}: " + "ord " * 120 for n in range(20)]  # some 10,000 characters
    made = slack([TextReply(Rich.text("\n\n".join(p.strip() for p in paragraphs)))])
    sections = texts(made.blocks)
    assert len(sections) == 4 and all(len(section) <= 3000 for section in sections)
    assert "\n\n".join(sections) == "\n\n".join(p.strip() for p in paragraphs)


def test_a_long_line_without_breaks_is_split_too_and_never_inside_an_escaped_character() -> None:
    made = slack([TextReply(Rich.text("&" * 2000))])  # 10,000 characters once escaped
    sections = texts(made.blocks)
    assert len(sections) == 4 and all(len(section) <= 3000 for section in sections)
    assert all(section.startswith("&amp;") and section.endswith("&amp;") for section in sections)
    assert "".join(sections) == "&amp;" * 2000


def test_eighty_replies_are_cut_to_slacks_fifty_blocks_with_a_way_to_the_rest() -> None:
    replies: list[Reply] = [progress(), *(TextReply(Rich.text(f"Svar nummer {n}")) for n in range(80))]
    made = slack(replies)
    assert len(made.blocks) == 50
    *kept, note, row = made.blocks
    assert texts(kept)[-1] == "Svar nummer 46"
    assert note["type"] == "context" and "`/outreach eksport`" in note["elements"][0]["text"]
    [logbook] = row["elements"]
    assert logbook["text"]["text"] == "Hent logbogen" and (intent(logbook).c, intent(logbook).p) == ("export", 7)


def test_a_message_with_too_much_text_is_cut_before_slack_would_refuse_it() -> None:
    made = slack([TextReply(Rich.text(f"{n} " + "ord " * 700)) for n in range(6)])  # 6 x 2,800 characters
    assert len(texts(made.blocks)) == 5  # four of the texts, and the note
    assert "for lang til Slack" in texts(made.blocks)[-1]
    assert not buttons(made), "no project is named, so there is no logbook button"


def test_the_notification_text_is_short_and_plain() -> None:
    made = slack([TextReply(DA("help")), question("text")])
    assert made.text.startswith("Jeg er Outreach Coach og guider")
    assert len(made.text) <= 300 and made.text.endswith("…") and "*" not in made.text


# --- the modal -------------------------------------------------------------------------------


def test_a_text_question_opens_a_modal_with_the_saved_answer() -> None:
    view = checked_modal(question("text", text="Hvad vil I tilbyde?", help="Fx en rundvisning.", current="Kaffe"))
    [help_line, field] = view["blocks"]
    assert texts([help_line]) == ["Fx en rundvisning."]
    assert (field["block_id"], field["label"]["text"]) == (actions.INPUT_BLOCK, "Hvad vil I tilbyde?")
    element = field["element"]
    assert element["type"] == "plain_text_input" and element["multiline"] and element["max_length"] == 3000
    assert (element["action_id"], element["initial_value"]) == (actions.INPUT_ACTION, "Kaffe")
    assert (view["title"]["text"], view["submit"]["text"], view["close"]["text"]) == (
        "Outreach Coach",
        "Gem",
        "Annuller",
    )


def test_a_saved_answer_longer_than_the_field_takes_is_not_shortened_unseen() -> None:
    [field] = checked_modal(question("text", current="x" * 3500))["blocks"]
    assert "initial_value" not in field["element"]


def test_a_list_question_takes_one_item_a_line() -> None:
    [field] = checked_modal(question("list", current=["Plakater", "Radio"]))["blocks"]
    assert field["element"]["initial_value"] == "Plakater\nRadio"
    assert field["hint"]["text"] == "Skriv ét punkt pr. linje."


def test_a_date_question_has_a_date_picker_on_the_saved_day() -> None:
    [field] = checked_modal(question("date", current="2027-01-15T14:00"))["blocks"]
    assert field["element"]["type"] == "datepicker" and field["element"]["initial_date"] == "2027-01-15"
    [empty] = checked_modal(question("date"))["blocks"]
    assert "initial_date" not in empty["element"] and empty["element"]["placeholder"]["text"] == "Vælg en dato"


def test_a_question_of_several_dates_takes_one_date_a_line() -> None:
    [field] = checked_modal(question("dates", current=["2027-01-15", "2027-02-12T10:00"]), EN)["blocks"]
    assert field["element"]["initial_value"] == "15.1.2027\n12.2.2027 10:00"
    assert field["hint"]["text"] == "Write one date per line, e.g. 24.12.2026."


def test_a_choice_question_has_no_modal() -> None:
    with pytest.raises(ValueError, match="in the message"):
        modal(question("checklist", 3), DA, "{}")


# --- reading answers back ----------------------------------------------------------------


def state(element: dict[str, Any]) -> dict[str, Any]:
    """``view.state.values`` (or a block_actions payload's ``state.values``) holding one input."""
    return {actions.INPUT_BLOCK: {actions.INPUT_ACTION: element}}


def step(kind: PromptKind, many: bool = False) -> Step:
    return Step.model_validate({"id": "s1", "kind": kind.value, "text": {"da": "?", "en": "?"}, "many": many})


@pytest.mark.parametrize(
    ("kind", "element", "answer", "stored"),
    [
        ("text", {"type": "plain_text_input", "value": "Kaffe\nog kage"}, "Kaffe\nog kage", "Kaffe\nog kage"),
        ("list", {"type": "plain_text_input", "value": "Plakater\nRadio"}, "Plakater\nRadio", ["Plakater", "Radio"]),
        ("date", {"type": "datepicker", "selected_date": "2027-01-15"}, "2027-01-15", "2027-01-15"),
        (
            "dates",
            {"type": "plain_text_input", "value": "12.2.2027\n15.1.2027 14:00"},
            "12.2.2027\n15.1.2027 14:00",
            ["2027-01-15T14:00", "2027-02-12"],
        ),
    ],
)
def test_a_submitted_modal_gives_the_answer_the_coach_reads(
    kind: str, element: dict[str, Any], answer: str, stored: Any
) -> None:
    assert modal_answer(kind, state(element)) == answer
    prompt = step(PromptKind.DATE if kind == "dates" else PromptKind(kind), many=kind == "dates")
    assert parse_answer(prompt, answer, TODAY) == stored


@pytest.mark.parametrize(
    ("kind", "values"),
    [
        ("text", {}),
        ("text", {actions.INPUT_BLOCK: {}}),
        ("text", {"other-block": {actions.INPUT_ACTION: {"type": "plain_text_input", "value": "x"}}}),
        ("text", state({"type": "plain_text_input", "value": None})),
        ("text", state({"type": "plain_text_input", "value": ["x"]})),
        ("text", state({"type": "datepicker", "selected_date": "2027-01-15"})),
        ("date", state({"type": "datepicker", "selected_date": None})),
        ("date", state({"type": "datepicker", "selected_date": "2027-02-30"})),
        ("date", state({"type": "datepicker", "selected_date": "i morgen"})),
        ("date", state({"type": "plain_text_input", "value": "2027-01-15"})),
        ("checklist", state({"type": "checkboxes", "selected_options": []})),
        ("text", "not a dict"),
        ("text", {actions.INPUT_BLOCK: ["not", "a", "dict"]}),
    ],
)
def test_a_modal_state_of_another_shape_is_refused(kind: str, values: Any) -> None:
    with pytest.raises(actions.BadIntent):
        modal_answer(kind, values)


def ticked(*values: str, element: str = "checkboxes") -> dict[str, Any]:
    options = [{"text": {"type": "plain_text", "text": f"Valg {v}", "emoji": True}, "value": v} for v in values]
    return state({"type": element, "selected_options": options})


def test_the_saved_checkboxes_are_the_ticked_choices() -> None:
    assert checklist_answer(ticked("c1", "c3")) == ["c1", "c3"]
    assert checklist_answer(ticked("c2", element="multi_static_select")) == ["c2"]
    assert checklist_answer(ticked()) == [], "nothing ticked is an answer to a checklist"


@pytest.mark.parametrize(
    "values",
    [
        {},
        {"a-block": {"an-action": {"type": "checkboxes", "selected_options": []}}},
        state({"type": "checkboxes", "selected_options": None}),
        state({"type": "checkboxes", "selected_options": [{"text": {"type": "plain_text", "text": "x"}}]}),
        state({"type": "checkboxes", "selected_options": [{"value": 3}]}),
        state({"type": "checkboxes", "selected_options": [{"value": "x" * 151}]}),
        state({"type": "checkboxes", "selected_options": [{"value": "c"}] * 101}),
        state({"type": "plain_text_input", "value": "c1"}),
    ],
)
def test_checkboxes_of_another_shape_are_refused(values: dict[str, Any]) -> None:
    with pytest.raises(actions.BadIntent):
        checklist_answer(values)


# --- App Home ------------------------------------------------------------------------------


def glance(n: int, finished: bool = False, upcoming: int = 0, name: str = "") -> ProjectGlance:
    progress = ProgressReply(
        project_id=n, project=name or f"Projekt {n}", guide="Kommer forbi", section="Trin 2", question=3, questions=12
    )
    return ProjectGlance(
        conversation=f"C{n:06d}",
        conversation_name=f"kanal-{n}",
        progress=progress,
        next_question=None if finished else "Hvem kontakter I?",
        finished=finished,
        upcoming=[Upcoming(f"man. {d}. dec. 2026 09:00", f"Påmindelse {d}") for d in range(1, upcoming + 1)],
    )


def test_home_without_projects_tells_how_to_start_one() -> None:
    view = checked_home([])
    assert view["blocks"][0] == {"type": "header", "text": {"type": "plain_text", "text": "Jeres outreach-projekter"}}
    assert "`/outreach start &lt;guide&gt;`" in texts(view["blocks"])[-1]
    assert not buttons(view)


def test_home_shows_each_project_with_where_it_stands_and_a_button_to_continue() -> None:
    view = checked_home([glance(1, upcoming=4, name=HOSTILE), glance(2, finished=True)])
    words = texts(view["blocks"])
    assert f"*{HOSTILE_ESCAPED}* · Kommer forbi · Trin 2 · spørgsmål 3 af 12 · <#C000001>" in words[2]
    assert "Næste spørgsmål: _Hvem kontakter I?_" in words[2]
    assert words[3:6] == [f"⏰ man. {d}. dec. 2026 09:00: Påmindelse {d}" for d in (1, 2, 3)]
    assert "✅ Projektet er afsluttet." in words[6]
    go = buttons(view)
    assert [b["text"]["text"] for b in go] == ["Fortsæt", "Fortsæt"] and go[0]["style"] == "primary"
    assert [(intent(b).c, intent(b).p, intent(b).ch) for b in go] == [
        ("status", 1, "C000001"),
        ("status", 2, "C000002"),
    ]


def test_home_with_more_projects_than_slack_shows_says_how_many_more() -> None:
    view = checked_home([glance(n, upcoming=1) for n in range(1, 61)])
    shown = len(buttons(view))
    assert 30 <= shown < 60
    assert texts(view["blocks"])[-1].startswith(f"{60 - shown} projekter mere er ikke vist her.")
    assert "`/outreach projekter`" in texts(view["blocks"])[-1]


def test_home_in_english() -> None:
    view = checked_home([glance(1)], EN)
    assert texts(view["blocks"])[0] == "Your outreach projects"
    assert [b["text"]["text"] for b in buttons(view)] == ["Continue"]
