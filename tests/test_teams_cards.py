"""What a team sees of the coach in Microsoft Teams: its replies as Adaptive Cards, and what a
press on a card gives the coach.

Every card made here passes :func:`within_teams_limits`: the elements the coach uses and no
other (no TextBlock: nothing a person wrote is read as Markdown), fixed input ids, at most the
six buttons an ActionSet shows, every button an ``Action.Execute`` whose data reads back, and
the size budget, written out again here so that a change to the renderer's own constants
cannot slip past them.

A press is made as Teams makes it (Universal Actions, learn.microsoft.com/microsoftteams/
platform/task-modules-and-cards/cards/universal-actions-for-adaptive-cards/work-with-universal-
actions-for-adaptive-cards): an ``adaptiveCard/action`` invoke whose ``action.data`` is the
button's data with the card's inputs merged in under their ids, as the person left them (a
ChoiceSet of several as "a,b", Input.Date as "YYYY-MM-DD", Input.Time as "HH:MM"), unless
the button's ``associatedInputs`` is "none".
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import replace
from datetime import date
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.channels.teams.card_data import (
    CHOICE_INPUT,
    DATE_INPUT,
    TEXT_INPUT,
    TIME_INPUT,
    BadCard,
    CardSubmit,
    read_invoke,
    read_submit,
)
from bot.channels.teams.cards import TeamsMessage, card_size, message
from bot.i18n import Messages, message_keys
from bot.presenter import Presenter
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
    question_key,
)
from bot.richtext import Rich, line, numbered
from flows.answers import parse_answer
from flows.model import Guide
from storage.models import Project

DA, EN = Messages("da"), Messages("en")
TODAY = date(2026, 11, 2)
HOSTILE = "**fed** _kursiv_ [link](https://x.dk) <b>x</b> &amp; \\* `kode` {{DATE(2017-02-14T06:08:00Z, SHORT)}}"

# --- Teams' limits, and what the coach's cards are made of ---------------------------------

LIMITS = {
    "bytes": 36_000,  # UTF-16, of the 40 KB a bot message may be ("Format your bot messages")
    "actions shown": 6,  # an ActionSet shows six buttons (web and desktop)
    "button title": 75,
    "choices": 100,
    "choice title": 200,
    "text input": 4000,  # the coach's own limit on an answer (flows.answers.MAX_TEXT)
    "summary": 300,
}
ELEMENTS = {"RichTextBlock", "Container", "ActionSet", "Input.ChoiceSet", "Input.Text", "Input.Date", "Input.Time"}
INPUT_IDS = {CHOICE_INPUT, TEXT_INPUT, DATE_INPUT, TIME_INPUT}


def within_teams_limits(card: dict[str, Any]) -> dict[str, Any]:
    """``card`` unchanged, after checking it: the schema and version Universal Actions need,
    the size Teams takes, the elements the coach uses, unique and fixed input ids, and every
    button an ``Action.Execute`` (an ``Action.Submit`` behind it) whose data this app reads."""
    assert (card["type"], card["version"], card["$schema"]) == (
        "AdaptiveCard",
        "1.4",
        "http://adaptivecards.io/schemas/adaptive-card.json",
    )
    assert len(json.dumps(card, ensure_ascii=False).encode("utf-16-le")) <= LIMITS["bytes"]
    assert 2 * len(json.dumps(card)) <= LIMITS["bytes"], "with its Danish letters escaped, too"
    ids = [element["id"] for element in elements(card) if "id" in element]
    assert len(ids) == len(set(ids)) and set(ids) <= INPUT_IDS, ids
    for element in elements(card):
        assert element["type"] in ELEMENTS, element["type"]
        match element["type"]:
            case "RichTextBlock":
                assert element["inlines"]
                for run in element["inlines"]:
                    assert run["type"] == "TextRun" and run["text"] and "\n" not in run["text"]
            case "ActionSet":
                assert 1 <= len(element["actions"]) <= LIMITS["actions shown"]
                for action in element["actions"]:
                    _button(action)
            case "Input.ChoiceSet":
                assert 1 <= len(element["choices"]) <= LIMITS["choices"]
                values = [choice["value"] for choice in element["choices"]]
                assert all(value and "," not in value for value in values)
                assert all(1 <= len(choice["title"]) <= LIMITS["choice title"] for choice in element["choices"])
                picked = element.get("value")
                assert picked is None or set(picked.split(",")) <= set(values)
            case "Input.Text":
                assert element["maxLength"] == LIMITS["text input"]
                assert len(element.get("value", "")) <= element["maxLength"]
            case "Input.Date" if "value" in element:
                date.fromisoformat(element["value"])
    return card


def _button(action: dict[str, Any]) -> None:
    assert action["type"] == "Action.Execute" and action["verb"] == "outreach"
    assert 1 <= len(action["title"]) <= LIMITS["button title"]
    assert action.get("style", "positive") in ("positive", "destructive")
    assert action.get("associatedInputs") in (None, "none")
    fallback = {key: value for key, value in action.items() if key not in ("type", "verb", "fallback")}
    assert action["fallback"] == {"type": "Action.Submit"} | fallback
    read_submit(action["data"])


def teams(replies: list[Reply], t: Messages = DA) -> TeamsMessage:
    """The replies as one Teams message, held to Teams' limits."""
    made = message(replies, t)
    assert made.card is not None
    within_teams_limits(made.card)
    assert 1 <= len(made.text) <= LIMITS["summary"]
    return made


# --- what a card shows -------------------------------------------------------------------------


def elements(card: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """The card's elements in order, those inside a Container too."""
    waiting = list(reversed(card["body"]))
    while waiting:
        element = waiting.pop()
        yield element
        waiting += reversed(element.get("items", []))


def texts(made: TeamsMessage) -> list[str]:
    """The words of each line the card shows."""
    blocks = [element for element in elements(card_of(made)) if element["type"] == "RichTextBlock"]
    return ["".join(run["text"] for run in block["inlines"]) for block in blocks]


def runs(made: TeamsMessage) -> list[dict[str, Any]]:
    return [run for e in elements(card_of(made)) if e["type"] == "RichTextBlock" for run in e["inlines"]]


def buttons(made: TeamsMessage) -> list[dict[str, Any]]:
    return [action for e in elements(card_of(made)) if e["type"] == "ActionSet" for action in e["actions"]]


def labels(made: TeamsMessage) -> list[str]:
    return [action["title"] for action in buttons(made)]


def inputs(made: TeamsMessage) -> dict[str, dict[str, Any]]:
    return {e["id"]: e for e in elements(card_of(made)) if "id" in e}


def card_of(made: TeamsMessage) -> dict[str, Any]:
    assert made.card is not None
    return made.card


def press(made: TeamsMessage, title: str, entered: dict[str, str] | None = None) -> CardSubmit:
    """Press the button ``title`` as Teams does: its data, with the card's inputs merged in as
    the person left them (``entered``, else as the card filled them in), read as the bot reads it."""
    [action] = [action for action in buttons(made) if action["title"] == title]
    data = dict(action["data"])
    if action.get("associatedInputs") != "none":
        for input_id, field in inputs(made).items():
            value = (entered or {}).get(input_id, field.get("value"))
            if value is not None:
                data[input_id] = value
    invoke = {"action": {"type": "Action.Execute", "id": "press", "verb": action["verb"], "data": data}}
    return read_invoke(invoke | {"trigger": "manual"})


def answer_to(submit: CardSubmit) -> Any:
    assert submit.answer is not None
    return submit.answer.value


# --- a team in kommer-forbi, as Teams shows it ------------------------------------------------------

WHERE = ProgressReply(
    project_id=7,
    project="Fitnesscenter Nord",
    guide="Biblioteket kommer forbi",
    section="Step 1: Find den rette indgang og skab den første kontakt",
    question=8,
    questions=31,
)
RELATION = QuestionReply(
    project_id=7,
    step="relation",
    kind="single_choice",
    text="Hvilken relation har I til vedkommende?",
    help=None,
    choices=[
        Choice("close", "Vi har en nær personlig relation"),
        Choice("acquaintance", "Vedkommende er en god bekendt"),
        Choice("none", "Vi har ingen personlig relation"),
    ],
)
CALLED = QuestionReply(
    project_id=7,
    step="call_close",
    kind="confirm",
    text="Grib telefonen og ring til vedkommende. Har I ringet?",
    help="Er personen ikke den rette til at modtage jeres henvendelse, så bed om at blive henvist videre.",
    choices=[Choice("true", "Gjort"), Choice("false", "Ikke endnu")],
)
CADENCE = QuestionReply(
    project_id=9,
    step="newsletter_cadence",
    kind="single_choice",
    text="Hvor tit skal nyhedsbrevet ud?",
    help=None,
    choices=[Choice("weekly", "Hver uge"), Choice("fortnightly", "Hver anden uge"), Choice("monthly", "Hver måned")],
)
VISIT_QUESTIONS = QuestionReply(
    project_id=7,
    step="visit_questions",
    kind="checklist",
    text="Tag disse spørgsmål med på besøget. Sæt flueben ved dem, I vil spørge ind til:",
    help="Listen er ikke udtømmende – tag også jeres egne centrale spørgsmål fra Step 2 med.",
    choices=[
        Choice("behaviour", "Hvad er deres typiske adfærd? Hvordan bruger de stedet?"),
        Choice("motivation", "Hvad kan virkelig begejstre dem? Hvad motiverer dem?"),
        Choice("dislikes", "Hvad kan de bestemt ikke lide? Hvad skræmmer dem væk?"),
        Choice("channels", "Hvilke kommunikationskanaler bruger de?"),
        Choice("loyalty", "Hvor loyale er de?"),
    ],
    current=["behaviour", "loyalty"],
)
TARGET_GROUP = QuestionReply(
    project_id=7, step="target_group", kind="text", text="Hvilken målgruppe drejer det sig om?", help=None
)
KEY_QUESTIONS = QuestionReply(
    project_id=7,
    step="key_questions",
    kind="list",
    text="Sæt jer sammen og formuler 3–4 centrale spørgsmål, I gerne vil have svar på. Skriv ét pr. linje.",
    help="Involver gerne et par kolleger i arbejdet, hvis det er muligt.",
    current=["Hvornår er der flest medlemmer?", "Hvem bestemmer over opslagstavlen?"],
)
MEETING = QuestionReply(
    project_id=7,
    step="meeting_date",
    kind="date",
    text="Hvornår er mødet?",
    help=None,
    required=False,
    current="2027-01-15T14:00",
)
EVENTS = QuestionReply(
    project_id=9,
    step="event_dates",
    kind="dates",
    text="Hvornår er jeres næste arrangementer? Skriv en eller flere datoer.",
    help="Fx “15. januar, 12. februar og 10. marts” eller én dato pr. linje.",
    current=["2027-01-15", "2027-02-12T10:00"],
)


def test_a_question_with_long_choices_is_radio_buttons_answered_with_one_press(guides: dict[str, Guide]) -> None:
    made = teams([WHERE, RELATION])
    assert texts(made) == [
        "Fitnesscenter Nord · Biblioteket kommer forbi · Step 1: Find den rette indgang og skab den første kontakt"
        " · spørgsmål 8 af 31",
        "Hvilken relation har I til vedkommende?",
    ]
    field = inputs(made)[CHOICE_INPUT]
    assert (field["type"], field["style"], field["wrap"]) == ("Input.ChoiceSet", "expanded", True)
    assert field["isRequired"]
    assert "isMultiSelect" not in field and "value" not in field
    assert [choice["title"] for choice in field["choices"]] == [choice.label for choice in RELATION.choices]
    assert labels(made) == ["Svar"]
    pressed = press(made, "Svar", {CHOICE_INPUT: "acquaintance"})
    assert pressed == CardSubmit(None, AnswerAction("relation", "acquaintance"), 7, question_key(7, "relation"))
    assert parse_answer(guides["kommer-forbi"].step("relation"), answer_to(pressed), TODAY) == "acquaintance"


def test_where_the_project_stands_is_a_small_grey_header_with_the_project_in_bold() -> None:
    header, rest = runs(teams([WHERE]))
    assert header == {
        "type": "TextRun",
        "text": "Fitnesscenter Nord",
        "weight": "bolder",
        "isSubtle": True,
        "size": "small",
    }
    assert (rest["isSubtle"], rest["size"], "weight" in rest) == (True, "small", False)


def test_a_yes_no_step_that_waits_is_two_buttons_done_and_not_yet(guides: dict[str, Guide]) -> None:
    made = teams([CALLED])
    assert texts(made) == [CALLED.text, CALLED.help]
    assert runs(made)[0]["weight"] == "bolder" and runs(made)[1]["isSubtle"]
    assert labels(made) == ["Gjort", "Ikke endnu"] and not inputs(made)
    step = guides["kommer-forbi"].step("call_close")
    assert [parse_answer(step, answer_to(press(made, label)), TODAY) for label in labels(made)] == [True, False]
    assert press(made, "Gjort").replaces == question_key(7, "call_close")


def test_a_few_short_choices_are_buttons_and_a_press_is_the_answer(guides: dict[str, Guide]) -> None:
    made = teams([CADENCE])
    assert labels(made) == ["Hver uge", "Hver anden uge", "Hver måned"] and not inputs(made)
    pressed = press(made, "Hver anden uge")
    assert (pressed.answer, pressed.project_id) == (AnswerAction("newsletter_cadence", "fortnightly"), 9)
    step = guides["klubfaellesskaber"].step("newsletter_cadence")
    assert parse_answer(step, answer_to(pressed), TODAY) == "fortnightly"


def test_many_choices_are_a_dropdown() -> None:
    branches = ["Hovedbiblioteket", "Vestbyen", "Nørrebro", "Øster", "Havnen", "Skolen", "Centret", "Mobilen"]
    asked = QuestionReply(
        project_id=7,
        step="branch",
        kind="single_choice",
        text="Hvilket bibliotek står for besøget?",
        help=None,
        choices=[Choice(f"b{n}", name) for n, name in enumerate(branches * 2)],
    )
    made = teams([asked])
    field = inputs(made)[CHOICE_INPUT]
    assert (field["style"], field["placeholder"], len(field["choices"])) == ("compact", "Vælg et svar", 16)
    assert answer_to(press(made, "Svar", {CHOICE_INPUT: "b11"})) == "b11"


def test_a_checklist_is_checkboxes_with_the_saved_ones_ticked_and_a_save_button(guides: dict[str, Guide]) -> None:
    made = teams([VISIT_QUESTIONS])
    assert texts(made) == [
        VISIT_QUESTIONS.text,
        VISIT_QUESTIONS.help,
        "Jeres svar nu: Hvad er deres typiske adfærd? Hvordan bruger de stedet?, Hvor loyale er de?",
    ]
    field = inputs(made)[CHOICE_INPUT]
    assert (field["isMultiSelect"], field["style"], field["value"]) == (True, "expanded", "behaviour,loyalty")
    assert "isRequired" not in field, "nothing ticked is an answer to a checklist"
    assert labels(made) == ["Gem"] and buttons(made)[0]["style"] == "positive"
    step = guides["kommer-forbi"].step("visit_questions")
    ticked = answer_to(press(made, "Gem", {CHOICE_INPUT: "motivation,channels"}))
    assert ticked == ["motivation", "channels"] == parse_answer(step, ticked, TODAY)
    assert answer_to(press(made, "Gem")) == ["behaviour", "loyalty"]
    assert answer_to(press(made, "Gem", {CHOICE_INPUT: ""})) == [] == parse_answer(step, [], TODAY)


def test_a_question_of_several_choices_must_have_one_ticked() -> None:
    asked = QuestionReply(
        project_id=7,
        step="channels",
        kind="multi_choice",
        text="Hvordan vil I formidle aktiviteten?",
        help=None,
        choices=[Choice("posters", "Plakater (fysiske)"), Choice("podcast", "Podcast")],
    )
    field = inputs(teams([asked]))[CHOICE_INPUT]
    assert (field["isMultiSelect"], field["isRequired"], field["errorMessage"]) == (
        True,
        True,
        "Udfyld svaret, før I trykker.",
    )


def test_a_text_question_is_a_text_area_with_the_saved_answer(guides: dict[str, Guide]) -> None:
    made = teams([TARGET_GROUP])
    field = inputs(made)[TEXT_INPUT]
    assert (field["type"], field["isMultiline"], field["maxLength"]) == ("Input.Text", True, 4000)
    assert (field["placeholder"], field["isRequired"], "value" in field) == ("Skriv jeres svar her", True, False)
    typed = "Unge mænd, der træner om aftenen"
    pressed = press(made, "Svar", {TEXT_INPUT: typed})
    assert pressed.answer == AnswerAction("target_group", typed)
    assert parse_answer(guides["kommer-forbi"].step("target_group"), answer_to(pressed), TODAY) == typed
    again = teams([replace(TARGET_GROUP, current=typed)])
    assert inputs(again)[TEXT_INPUT]["value"] == typed and f"Jeres svar nu: {typed}" in texts(again)


def test_a_saved_answer_longer_than_the_field_takes_is_not_shortened_unseen() -> None:
    long_answer = QuestionReply(project_id=7, step="s1", kind="text", text="Hvad?", help=None, current="x" * 4500)
    assert "value" not in inputs(teams([long_answer]))[TEXT_INPUT]


def test_a_list_question_takes_one_item_a_line(guides: dict[str, Guide]) -> None:
    made = teams([KEY_QUESTIONS])
    field = inputs(made)[TEXT_INPUT]
    assert field["placeholder"] == "Ét punkt pr. linje"
    assert field["value"] == "Hvornår er der flest medlemmer?\nHvem bestemmer over opslagstavlen?"
    typed = "Hvornår er der flest medlemmer?\nHvem bestemmer?\nHvad savner de?"
    step = guides["kommer-forbi"].step("key_questions")
    assert parse_answer(step, answer_to(press(made, "Svar", {TEXT_INPUT: typed})), TODAY) == typed.split("\n")


def test_a_date_question_has_a_date_and_a_time_picker_and_says_the_date_can_be_written(
    guides: dict[str, Guide],
) -> None:
    made = teams([MEETING])
    day, clock = inputs(made)[DATE_INPUT], inputs(made)[TIME_INPUT]
    assert (day["type"], day["label"], day["value"], day["isRequired"]) == ("Input.Date", "Dato", "2027-01-15", True)
    assert (clock["type"], clock["label"], clock["value"]) == ("Input.Time", "Klokken (kan udelades)", "14:00")
    assert "isRequired" not in clock
    assert texts(made) == [
        "Hvornår er mødet?",
        "Jeres svar nu: 15.1.2027 14:00",
        "I kan også skrive datoen til mig, fx @Outreach Coach 15.12 eller @Outreach Coach næste tirsdag.",
    ]
    typed = [run for run in runs(made) if run.get("fontType") == "monospace"]
    assert [run["text"] for run in typed] == ["@Outreach Coach 15.12", "@Outreach Coach næste tirsdag"]
    assert labels(made) == ["Svar", "Spring over"]
    step = guides["kommer-forbi"].step("meeting_date")
    picked = answer_to(press(made, "Svar", {DATE_INPUT: "2027-03-03", TIME_INPUT: ""}))
    assert picked == "2027-03-03" == parse_answer(step, picked, TODAY)
    picked = answer_to(press(made, "Svar", {DATE_INPUT: "2027-03-03", TIME_INPUT: "10:30"}))
    assert parse_answer(step, picked, TODAY) == "2027-03-03T10:30"


def test_a_date_question_without_a_saved_date_starts_empty() -> None:
    fields = inputs(teams([QuestionReply(project_id=7, step="s1", kind="date", text="Hvornår?", help=None)]))
    assert "value" not in fields[DATE_INPUT] and "value" not in fields[TIME_INPUT]


def test_a_question_of_several_dates_takes_one_date_a_line(guides: dict[str, Guide]) -> None:
    made = teams([EVENTS])
    field = inputs(made)[TEXT_INPUT]
    assert (field["placeholder"], field["value"]) == ("Én dato pr. linje, fx 24.12.2026", "15.1.2027\n12.2.2027 10:00")
    step = guides["klubfaellesskaber"].step("event_dates")
    typed = answer_to(press(made, "Svar", {TEXT_INPUT: "12.2.2027\n15.1.2027 kl. 14"}))
    assert parse_answer(step, typed, TODAY) == ["2027-01-15T14:00", "2027-02-12"]


@pytest.mark.parametrize(
    ("guide", "step", "saved"),
    [
        ("kommer-forbi", "relation", "acquaintance"),
        ("partnerskaber", "framework", None),
        ("kommer-forbi", "visit_questions", ["behaviour", "loyalty"]),
        ("vejviseren", "channels", ["posters", "podcast"]),
        ("kommer-forbi", "target_group", "Unge mænd, der træner"),
        ("kommer-forbi", "key_questions", ["Hvem bestemmer?", "Hvornår er der travlt?", "Hvad savner de?"]),
        ("kommer-forbi", "meeting_date", "2027-01-15T14:00"),
        ("kommer-forbi", "follow_up_date", "2027-02-01"),
        ("klubfaellesskaber", "event_dates", ["2027-01-15", "2027-02-12T10:00"]),
    ],
)
def test_a_form_sent_as_it_was_filled_in_gives_the_saved_answer_back(
    guides: dict[str, Guide], guide: str, step: str, saved: Any
) -> None:
    """Round trip: the card drawn with a saved answer, sent untouched, is that answer."""
    prompt = guides[guide].step(step)
    if saved is None:  # a choice without a saved answer: the first one, picked
        saved = prompt.options[0].id
    made = teams([Presenter(DA, guides).question(Project(id=7), prompt, saved)])
    [send] = [label for label in labels(made) if label in ("Svar", "Gem")]
    entered = {CHOICE_INPUT: saved} if isinstance(saved, str) and prompt.options else {}
    pressed = press(made, send, entered)
    assert (pressed.answer and pressed.answer.step, pressed.project_id) == (step, 7)
    assert parse_answer(prompt, answer_to(pressed), TODAY) == saved


@pytest.mark.parametrize("asked", [CALLED, CADENCE, RELATION, VISIT_QUESTIONS, TARGET_GROUP, MEETING], ids=str)
def test_an_optional_question_can_be_skipped_whatever_was_filled_in(asked: QuestionReply) -> None:
    optional = teams([replace(asked, required=False)])
    skip = buttons(optional)[-1]
    assert (skip["title"], skip["associatedInputs"], "style" in skip) == ("Spring over", "none", False)
    entered = {CHOICE_INPUT: "x", TEXT_INPUT: "y", DATE_INPUT: "2027-01-01"}
    assert press(optional, "Spring over", entered).answer == AnswerAction(asked.step, None, skip=True)
    assert "Spring over" not in labels(teams([replace(asked, required=True)]))


def test_the_card_is_in_english_for_an_english_team() -> None:
    assert labels(teams([replace(VISIT_QUESTIONS, required=False)], EN)) == ["Save", "Skip"]
    made = teams([MEETING], EN)
    assert (inputs(made)[DATE_INPUT]["label"], inputs(made)[TIME_INPUT]["label"]) == ("Date", "Time (optional)")
    assert texts(made)[-1] == (
        "You can also write the date to me, e.g. @Outreach Coach 15.12 or @Outreach Coach next Tuesday."
    )


@pytest.mark.parametrize("t", [DA, EN], ids=["da", "en"])
def test_every_question_of_every_guide_fits_teams(guides: dict[str, Guide], t: Messages) -> None:
    present = Presenter(t, guides)
    for guide in guides.values():
        for step in guide.steps:
            made = teams([present.question(Project(id=7), step, None)], t)
            assert texts(made)[0] == step.text.get(t.lang)
            assert buttons(made), f"{guide.id}/{step.id} can be answered from the card"


# --- the card after a press ----------------------------------------------------------------------


def test_an_answered_question_shows_the_answer_and_who_gave_it_and_nothing_to_press() -> None:
    answered = AnsweredReply(
        project_id=7,
        step="meeting_date",
        question="Hvornår er mødet?",
        answer="fredag 15. januar 2027 14.00",
        by="Mette Holm",
        replaces=question_key(7, "meeting_date"),
    )
    made = teams([answered])
    assert texts(made) == ["✅ Hvornår er mødet?", "fredag 15. januar 2027 14.00", "Besvaret af Mette Holm"]
    assert [run.get("weight") for run in runs(made)[:2]] == [None, "bolder"]
    assert not buttons(made) and not inputs(made)
    assert made.text == "✅ Hvornår er mødet?\nfredag 15. januar 2027 14.00"


def test_a_question_card_and_its_buttons_carry_the_questions_key_and_other_cards_none() -> None:
    assert {press(teams([WHERE, CALLED]), label).replaces for label in ("Gjort", "Ikke endnu")} == {
        question_key(7, "call_close")
    }
    status = ActionsReply(Rich.text("Se status"), [Action("Status", command="status", project_id=7)])
    assert press(teams([status]), "Status").replaces is None


# --- reminders and other buttons --------------------------------------------------------------


def test_a_reminder_has_done_snooze_and_stop_buttons_that_send_their_commands() -> None:
    reminder = ActionsReply(
        Rich.text("⏰ Fitnesscenter Nord: Følg op på mailen, hvis I ikke har hørt noget."),
        [
            Action(DA.text("reminder-done"), command="reminder done 12", project_id=7, style="primary"),
            Action(DA.text("reminder-snooze-day"), command="reminder snooze 12 1d", project_id=7),
            Action(DA.text("reminder-snooze-week"), command="reminder snooze 12 1w", project_id=7),
            Action(DA.text("reminder-stop"), command="reminder stop 12", project_id=7, style="danger"),
        ],
    )
    made = teams([reminder])
    assert texts(made) == ["⏰ Fitnesscenter Nord: Følg op på mailen, hvis I ikke har hørt noget."]
    assert labels(made) == ["Udført", "Udsæt en dag", "Udsæt en uge", "Stop påmindelsen"]
    assert [b.get("style") for b in buttons(made)] == ["positive", None, None, "destructive"]
    assert press(made, "Udsæt en uge") == CardSubmit("reminder snooze 12 1w", None, 7, None)


PAST = {"date": "2026-10-01", "confirm_past": True}  # a date before today, kept on purpose


def test_buttons_that_answer_carry_their_answer_and_one_too_long_to_read_back_is_left_out() -> None:
    replies: list[Reply] = [
        ActionsReply(
            Rich.text("Har I ringet?"),
            [
                Action("Gjort", answer=AnswerAction("call_close", True), project_id=7),
                Action("Ikke endnu", answer=AnswerAction("call_close", False), project_id=7),
                Action("Ja, den dato", answer=AnswerAction("meeting_date", PAST)),
                Action("Gem det lange svar", answer=AnswerAction("target_group", "x" * 4001)),
            ],
        )
    ]
    made = teams(replies)
    assert labels(made) == ["Gjort", "Ikke endnu", "Ja, den dato"]
    assert [answer_to(press(made, label)) for label in labels(made)] == [True, False, PAST]


def test_more_buttons_than_teams_shows_take_more_than_one_row() -> None:
    made = teams([ActionsReply(Rich(()), [Action(f"Guide {i}", command=f"start g{i}") for i in range(13)])])
    [rows] = card_of(made)["body"]
    assert [len(row["actions"]) for row in rows["items"]] == [6, 6, 1]
    assert made.text.startswith("Guide 0, Guide 1, Guide 2"), "the buttons name a message without words"


def test_a_ready_logbook_is_named() -> None:
    assert texts(teams([ExportReply(project_id=7, project="Fitnesscenter Nord")])) == [
        "📒 Logbogen for Fitnesscenter Nord er klar."
    ]


# --- words ---------------------------------------------------------------------------------------


def test_a_command_is_shown_as_typed_in_teams_in_monospace() -> None:
    made = teams([TextReply(DA("no-project"))])
    assert texts(made) == ["Der er intet projekt i denne kanal endnu. Start et med @Outreach Coach start <guide>."]
    assert [run.get("fontType") for run in runs(made)] == [None, "monospace", None]
    assert made.text == texts(made)[0]


def test_what_people_wrote_is_shown_as_they_wrote_it() -> None:
    answered = AnsweredReply(project_id=7, step="s1", question="Hvem?", answer=HOSTILE, by=HOSTILE)
    progress = replace(WHERE, project=HOSTILE, section="Step 1", question=1, questions=9)
    made = teams([progress, answered, ExportReply(project_id=7, project=HOSTILE), TextReply(Rich.text(HOSTILE))])
    assert texts(made) == [
        f"{HOSTILE} · Biblioteket kommer forbi · Step 1 · spørgsmål 1 af 9",
        "✅ Hvem?",
        HOSTILE,
        f"Besvaret af {HOSTILE}",
        f"📒 Logbogen for {HOSTILE} er klar.",
        HOSTILE,
    ]
    assert '"TextBlock"' not in json.dumps(made.card), "no element of the card reads Markdown"


def test_lines_a_person_wrote_stay_lines_and_an_empty_line_leaves_a_gap() -> None:
    made = teams([TextReply(Rich.text("- første punkt\n1. andet\n\n# tredje"))])
    assert texts(made) == ["- første punkt", "1. andet", "# tredje"]
    assert [block.get("spacing") for block in card_of(made)["body"]] == [None, "none", None]


def test_a_numbered_list_keeps_its_own_numbers() -> None:
    listed = numbered([(1, line("Hvem er målgruppen?")), (2, line("Hvem besøger I?")), (7, line("Hvem tager med?"))])
    made = teams([TextReply(listed)])
    assert texts(made) == ["1. Hvem er målgruppen?", "2. Hvem besøger I?", "7. Hvem tager med?"]


def test_a_tip_stands_out_in_an_emphasis_container() -> None:
    made = teams([TipReply(Rich.text("Husk! Send dagsordenen i god tid før mødet."))])
    [tip] = card_of(made)["body"]
    assert (tip["type"], tip["style"]) == ("Container", "emphasis")
    assert texts(made) == ["💡 Husk! Send dagsordenen i god tid før mødet."]
    assert made.text == "💡 Husk! Send dagsordenen i god tid før mødet."


def test_the_notification_text_is_short_and_plain() -> None:
    made = teams([TextReply(DA("help")), TARGET_GROUP])
    assert made.text.startswith("Jeg er Outreach Coach og guider")
    assert len(made.text) <= 300 and made.text.endswith("…") and "**" not in made.text


def test_nothing_to_say_is_no_card() -> None:
    assert message([], DA) == TeamsMessage("", None)


def test_teams_words_are_in_both_languages() -> None:
    danish, english = ({key for key in message_keys(lang) if key.startswith("teams-card-")} for lang in ("da", "en"))
    assert danish == english and len(danish) > 10


# --- long cards ------------------------------------------------------------------------------------


def test_a_question_with_200_choices_stays_within_teams_size_and_says_what_is_not_shown() -> None:
    asked = QuestionReply(
        project_id=7,
        step="s1",
        kind="single_choice",
        text="Hvilken forening?",
        help=None,
        choices=[Choice(f"forening-{n}", f"Foreningen for {'meget ' * 10}lange navne nr. {n}") for n in range(200)],
    )
    made = teams([WHERE, asked])
    assert len(inputs(made)[CHOICE_INPUT]["choices"]) == 100
    assert "Kortet viser de første 100 af 200 valg. Et af de andre kan I skrive til mig som svar." in texts(made)
    assert card_size(made.card) <= LIMITS["bytes"]


def test_a_card_past_teams_size_keeps_its_first_parts_and_points_to_the_logbook() -> None:
    replies: list[Reply] = [WHERE, *(TextReply(Rich.text(f"Svar {n}: " + "æøå ord " * 40)) for n in range(80))]
    made = teams(replies)
    *kept, note = texts(made)
    assert kept[0].startswith("Fitnesscenter Nord") and kept[-1].startswith("Svar ") and 10 < len(kept) < 80
    assert note == (
        "✂️ Beskeden blev for lang til Teams, så resten er skåret fra."
        " Det hele står i logbogen: @Outreach Coach eksport."
    )
    assert labels(made) == ["Hent logbogen"] and press(made, "Hent logbogen") == CardSubmit("export", None, 7, None)


def test_a_long_list_is_cut_between_its_lines() -> None:
    answer = ("Vi mødte centerlederen og talte om lektiecaféen. " * 8).strip()
    answers = numbered((n, line(f"Spørgsmål {n}", f"\n→ {answer}")) for n in range(1, 41))
    made = teams([TextReply(DA("answers-header", project="Fitnesscenter Nord") + answers)])
    *kept, note = texts(made)
    assert kept[:3] == ["Svar i Fitnesscenter Nord:", "1. Spørgsmål 1", f"→ {answer}"]
    assert 20 < len(kept) < 80 and note.startswith("✂️")


def test_a_card_cut_short_without_a_project_has_no_logbook_button() -> None:
    made = teams([TextReply(Rich.text(f"{n} " + "ord " * 2000)) for n in range(6)])
    assert texts(made)[-1].startswith("✂️") and not buttons(made)


# --- reading a press back --------------------------------------------------------------------------


def execute(data: Any, verb: Any = "outreach", kind: Any = "Action.Execute") -> dict[str, Any]:
    return {"action": {"type": kind, "verb": verb, "data": data}, "trigger": "manual"}


@pytest.mark.parametrize(
    "data",
    [
        None,
        "status",
        ["c", "status"],
        7,
        {},
        {"c": "status", "s": "s1"},
        {"p": 7},
        {"c": "status", "x": 1},
        {"c": "status", "choice": "a"},  # a field's own name, not the input's id
        {"c": 5},
        {"c": ["status"]},
        {"c": "x" * 501},
        {"s": "s" * 65},
        {"c": "status", "r": "k" * 101},
        {"c": "status", "p": 0},
        {"c": "status", "p": -1},
        {"c": "status", "p": 2**31},
        {"c": "status", "p": True},
        {"c": "status", "p": "7"},
        {"c": "status", "p": 7.0},
        {"s": "s1", "v": [1]},
        {"s": "s1", "v": 3},
        {"s": "s1", "v": {"date": "2026-01-01"}},
        {"s": "s1", "v": {"date": "2026-01-01", "confirm_past": True, "x": 1}},
        {"s": "s1", "v": "x" * 4001},
        {"s": "s1", "k": "true"},
        {"s": "s1", "k": True, "v": "a"},
        {"s": "s1", "f": "pick", "v": "a"},
        {"s": "s1", "f": "pick", "k": True},
        {"s": "s1", "f": "modal"},
        {"c": "status", "f": "pick"},
        {"s": "s1", "f": "pick", CHOICE_INPUT: 3},
        {"s": "s1", "f": "pick", CHOICE_INPUT: ["a"]},
        {"s": "s1", "f": "pick", CHOICE_INPUT: "a,b"},
        {"s": "s1", "f": "pick", CHOICE_INPUT: "x" * 65},
        {"s": "s1", "f": "ticks", CHOICE_INPUT: ",".join(["c"] * 101)},
        {"s": "s1", "f": "ticks", CHOICE_INPUT: "c1," + "x" * 65},
        {"s": "s1", "f": "ticks", CHOICE_INPUT: "c" * 7000},
        {"s": "s1", "f": "text", TEXT_INPUT: "x" * 4001},
        {"s": "s1", "f": "text", TEXT_INPUT: {"text": "x"}},
        {"s": "s1", "f": "date", DATE_INPUT: "15.12.2026"},
        {"s": "s1", "f": "date", DATE_INPUT: "2027-02-30"},
        {"s": "s1", "f": "date", DATE_INPUT: 20270115},
        {"s": "s1", "f": "date", DATE_INPUT: "2027-01-15", TIME_INPUT: "25:00"},
        {"s": "s1", "f": "date", DATE_INPUT: "2027-01-15", TIME_INPUT: "14:00:00"},
        {"s": "s1", "f": "date", DATE_INPUT: "2027-01-15", TIME_INPUT: "kl 14"},
    ],
)
def test_data_this_app_did_not_write_is_refused(data: Any) -> None:
    with pytest.raises(BadCard):
        read_submit(data)
    with pytest.raises(BadCard):
        read_invoke(execute(data))


@pytest.mark.parametrize(
    "value",
    [
        None,
        [],
        {},
        {"action": None},
        {"action": "outreach"},
        {"action": {"type": "Action.Execute", "data": {"c": "status"}}},
        {"action": {"type": "Action.Execute", "verb": "other", "data": {"c": "status"}}},
        {"action": {"type": "Action.Execute", "verb": ["outreach"], "data": {"c": "status"}}},
        {"action": {"type": "Action.Submit", "verb": "outreach", "data": {"c": "status"}}},
        {"action": {"type": "Action.Execute", "verb": "outreach"}},
    ],
)
def test_an_invoke_that_is_not_a_press_of_this_apps_card_is_refused(value: Any) -> None:
    with pytest.raises(BadCard):
        read_invoke(value)


def test_what_teams_puts_around_a_press_is_not_read() -> None:
    value = execute({"c": "status", "p": 7}) | {"authentication": None, "state": "x"}
    value["action"] |= {"id": "a1", "title": "Status"}
    assert read_invoke(value) == CardSubmit("status", None, 7, None)


def test_an_empty_field_is_left_for_the_coach_to_say_what_is_missing() -> None:
    for form in ("pick", "text", "date"):
        assert read_submit({"s": "s1", "f": form}).answer == AnswerAction("s1", "")
    assert read_submit({"s": "s1", "f": "date", DATE_INPUT: "", TIME_INPUT: "14:00"}).answer == AnswerAction("s1", "")


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=80),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=5),
    max_leaves=16,
)
KEYS = ["c", "s", "v", "k", "f", "p", "r", CHOICE_INPUT, TEXT_INPUT, DATE_INPUT, TIME_INPUT]
card_data = st.dictionaries(st.sampled_from(KEYS) | st.text(max_size=6), json_values, max_size=6)


@given(st.one_of(json_values, card_data, card_data.map(execute), json_values.map(execute)))
def test_whatever_a_client_sends_the_only_complaint_is_bad_card(value: Any) -> None:
    for read in (read_submit, read_invoke):
        try:
            submit = read(value)
        except BadCard:
            continue
        assert isinstance(submit, CardSubmit) and (submit.command is None) != (submit.answer is None)
