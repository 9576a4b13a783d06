"""Answers understood as people type them (issue 12), and refusals that name what works.

Each table is what a team types and the value it must become. The options are the
documents' own: the three relations of "Biblioteket kommer forbi", Step 1
(000_4548e2262d382181.txt: "Vi har en nær personlig relation", "Vi har en god bekendt",
"Vi har ingen personlig relation") and what a mail without a relation holds (intention, a
proposed meeting, why this person); the routes of "Vejviseren", Trin 3 ("TRIN 3.A Hjælp
til selvhjælp", "TRIN 3.B Samskabelse med lokale aktører", "TRIN 3.C Det strukturelle
samarbejde") and its "Formidlingsforslag" in Trin 4 (003_f553b7d5c91bd39d.txt); what a
partnership aims at in "Kort nr. 32: Partnerskaber" (001_41d5ab414df031b9.txt: a concrete
collaboration, or dialogue and knowledge sharing about the target group). The steps are
built here, so the tables stay true while the guide files are reworded.
"""

from __future__ import annotations

import subprocess
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.coach import Coach
from bot.i18n import Messages
from bot.presenter import Presenter
from bot.replies import AnsweredReply, ChoiceForm
from flows import engine
from flows.answers import Candidate, Invalid, parse_answer
from flows.engine import Answer, FlowState, Rejected, Waiting, advance
from flows.model import Guide, Step, Text
from storage.db import Database
from tests.conftest import Clock, Team, asked, said
from tests.test_terminal import chat_in_terminal

TODAY = date(2026, 11, 23)


def step(step_id: str, kind: str, question: str, **extra: Any) -> dict[str, Any]:
    return {"id": step_id, "kind": kind, "text": {"da": question, "en": question}, **extra}


def options(*labels: tuple[str, str, str]) -> list[dict[str, Any]]:
    return [{"id": option_id, "label": {"da": da, "en": en}} for option_id, da, en in labels]


RELATIONS = options(
    ("close", "Vi har en nær personlig relation", "We have a close personal relationship"),
    ("acquaintance", "Vi har en god bekendt", "It is a good acquaintance"),
    ("none", "Vi har ingen personlig relation", "We have no personal relationship"),
)
ROUTES = options(
    ("self_help", "3.A Hjælp til selvhjælp", "3.A Help to self-help"),
    ("co_creation", "3.B Samskabelse med lokale aktører", "3.B Co-creation with local partners"),
    ("structural", "3.C Det strukturelle samarbejde", "3.C Structural collaboration"),
)
CHANNELS = options(
    ("door_to_door", "Husstandsomdeling", "Door-to-door leaflets"),
    ("posters", "Plakater (fysiske)", "Posters (physical)"),
    ("ambassadors", "Ambassadørnetværk, der formidler aktiviteterne i deres netværk", "Ambassador network"),
    ("newsletters", "Nyhedsbreve", "Newsletters"),
    ("town_meetings", "Borgermøder", "Public meetings"),
    ("facebook", "Bygruppen på Facebook (også nærliggende byer)", "The town's Facebook group"),
    ("radio", "Radiointerview i lokalradioen", "Interview on local radio"),
    ("press", "Pressemeddelelse i lokale aviser", "Press release to local newspapers"),
    ("photos", "Billeder fra aktiviteten", "Photos from the activity"),
    ("podcast", "Podcast", "Podcast"),
)
ALL_CHANNELS = [o["id"] for o in CHANNELS]
MAIL = options(
    ("intention", "Jeres intention", "Your intention"),
    ("meeting", "Et forslag om et møde", "A proposal to meet"),
    ("motivation", "Hvorfor I vil mødes med netop dem", "Why you want to meet them in particular"),
)
AIMS = options(
    ("collaboration", "Et konkret samarbejde", "A concrete collaboration"),
    ("dialogue", "Dialog og videndeling om målgruppen", "Dialogue and knowledge sharing about the target group"),
)
CALLED = step(
    "called",
    "confirm",
    "Har I ringet til vedkommende?",
    wait={"message": {"da": "Har I fået ringet?", "en": "Have you called?"}},
)

GUIDE = Guide.model_validate(
    {
        "id": "proeve",
        "version": 1,
        "title": {"da": "Prøven", "en": "The trial"},
        "summary": {"da": "En lille guide til at prøve svarene.", "en": "A small guide to try the answers."},
        "source": "tests",
        "sections": [
            {
                "id": "trin-1",
                "title": {"da": "Trin 1", "en": "Step 1"},
                "steps": [
                    step("ideas", "list", "Hvilke idéer har I?", required=False),
                    step("ready", "confirm", "Er I klar til at gå i gang?"),
                    CALLED,
                    step("route", "single_choice", "Hvilket spor passer?", options=ROUTES),
                    step("channels", "multi_choice", "Hvor vil I formidle aktiviteten?", options=CHANNELS),
                    step("tasks", "list", "Hvem gør hvad?", end=True),
                ],
            }
        ],
    }
)


def read(step_id: str, typed: Any) -> Any:
    return parse_answer(GUIDE.step(step_id), typed, TODAY)


def on(kind: str, typed: Any, **extra: Any) -> Any:
    return parse_answer(Step.model_validate(step("q", kind, "?", **extra)), typed, TODAY)


# --- yes and no -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "value"),
    [
        ("1", True),  # the terminal shows "1. Ja / 2. Nej"
        ("2", False),
        ("1.", True),
        ("ja", True),
        ("Ja!", True),
        ("jo", True),
        ("ja tak", True),
        ("ja, det gør vi", True),
        ("ja det har vi", True),
        ("Jep 👍", True),
        ("yes, we are", True),
        ("nej", False),
        ("nej tak", False),
        ("Nej, ikke endnu.", False),  # a no, said outright
        ("(nej)", False),
        ("no thanks", False),
    ],
)
def test_yes_and_no_as_people_type_them(typed: str, value: bool) -> None:
    assert read("ready", typed) is value


@pytest.mark.parametrize(
    ("typed", "value"),
    [
        ("1", True),  # the terminal shows "1. Gjort / 2. Ikke endnu"
        ("Gjort", True),
        ("gjort!", True),
        ("ja, vi har ringet", True),
        ("2", False),
        ("Ikke endnu", False),
        ("nej, ikke endnu", False),
        ("nej", False),
    ],
)
def test_done_and_not_yet_on_a_step_that_waits(typed: str, value: bool) -> None:
    assert read("called", typed) is value


@pytest.mark.parametrize("typed", ["måske", "ved ikke", "ja, men ikke endnu", "3", "👍", "tja"])
def test_what_is_neither_yes_nor_no_is_refused_not_guessed(typed: str) -> None:
    assert read("ready", typed) == Invalid("not-yes-no")
    assert read("called", typed) == Invalid("not-done-or-not-yet")


def test_not_yet_waits_on_a_waiting_step_and_is_never_read_as_a_no() -> None:
    """kommer-forbi Step 1: "ring til vedkommende" – not yet means the call is still to
    come, so nothing is stored. A plain yes/no question has no "not yet" to wait on, and
    "ikke endnu" is not "nej": it is refused with the way on, and nothing is stored."""
    at_the_call = FlowState(answers={"ideas": ["Kaffe"], "ready": True})
    _, effects = advance(GUIDE, at_the_call, Answer("ikke endnu", TODAY, "called"))
    assert [type(e) for e in effects] == [Waiting, engine.ScheduleNudge]
    for typed in ("ikke endnu", "Endnu ikke!", "not yet"):
        assert read("ready", typed) == Invalid("not-yet-is-no-answer"), typed
        _, effects = advance(GUIDE, FlowState(answers={"ideas": ["Kaffe"]}), Answer(typed, TODAY, "ready"))
        assert effects == [Rejected("not-yet-is-no-answer", {})]


def test_not_yet_on_a_plain_question_says_to_answer_no_for_now() -> None:
    said = Messages("da")("rejected-not-yet-is-no-answer", shown="buttons").plain()
    assert "ja eller nej" in said and "nej for nu" in said and "/ret" in said


# --- choices ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "value"),
    [
        ("2", "acquaintance"),
        ("god bekendt", "acquaintance"),
        ("GOD BEKENDT!", "acquaintance"),
        ("bekendt", "acquaintance"),
        ("Vi har en god bekendt", "acquaintance"),
        ("acquaintance", "acquaintance"),
        ("good acquaintance", "acquaintance"),
        ("nær", "close"),
        ("naer", "close"),  # æ written on a keyboard without it
        ("ingen personlig relation", "none"),
        ("Ingen", "none"),
    ],
)
def test_a_relation_by_number_or_by_a_few_of_its_words(typed: str, value: str) -> None:
    assert on("single_choice", typed, options=RELATIONS) == value


@pytest.mark.parametrize(
    ("typed", "value"),
    [
        ("3.C", "structural"),
        ("C", "structural"),
        ("c", "structural"),
        ("3.a", "self_help"),
        ("B.", "co_creation"),
        ("3", "structural"),  # the number shown, which here is also Trin 3.C
        ("selvhjælp", "self_help"),
        ("selvhjaelp", "self_help"),
        ("samskabelse", "co_creation"),
        ("Det strukturelle", "structural"),
        ("struktur", "structural"),  # the start of a word
    ],
)
def test_a_route_by_its_short_code_or_its_words(typed: str, value: str) -> None:
    assert read("route", typed) == value


def test_a_short_code_needs_its_mark_so_an_english_a_is_no_code() -> None:
    letters = options(("one_off", "A: Enkeltstående aktivitet", "A: One-off"), ("longer", "B) Længere", "B) Longer"))
    assert on("single_choice", "b", options=letters) == "longer"
    proposal = options(("meeting", "A proposal to meet", "A proposal to meet"), ("mail", "Mail", "Mail"))
    assert on("single_choice", "a", options=proposal) == Invalid(
        "unknown-option", {"answer": "a", "count": 2, "pick": "one"}
    )


@pytest.mark.parametrize(
    ("typed", "value"),
    [
        ("plakater", ["posters"]),
        ("Plak", ["posters"]),
        ("1 3 5", ["door_to_door", "ambassadors", "town_meetings"]),
        ("1, 3 og 5", ["door_to_door", "ambassadors", "town_meetings"]),
        ("5, 3, 1, 3", ["door_to_door", "ambassadors", "town_meetings"]),  # the guide's order, each once
        ("plakater og podcast", ["posters", "podcast"]),
        ("Plakater, nyhedsbreve og borgermøder", ["posters", "newsletters", "town_meetings"]),
        ("husstandsomdeling; facebook", ["door_to_door", "facebook"]),
        ("posters and podcast", ["posters", "podcast"]),
        ("2, billeder", ["posters", "photos"]),
        ("alle", ALL_CHANNELS),
        (["posters", "podcast"], ["posters", "podcast"]),  # what the checkboxes send
    ],
)
def test_channels_by_numbers_words_or_both(typed: Any, value: list[str]) -> None:
    assert read("channels", typed) == value


def test_a_label_with_og_inside_stays_one_choice() -> None:
    assert on("multi_choice", "dialog og videndeling", options=AIMS) == ["dialogue"]
    assert on("multi_choice", "samarbejde og dialog", options=AIMS) == ["collaboration", "dialogue"]


@pytest.mark.parametrize(
    ("typed", "value"),
    [("ingen", []), ("alle", ["intention", "meeting", "motivation"]), ("1 3", ["intention", "motivation"])],
)
def test_a_checklist_ticked_in_words(typed: str, value: list[str]) -> None:
    assert on("checklist", typed, options=MAIL) == value


def test_a_word_that_fits_several_options_names_them_instead_of_guessing() -> None:
    close, acquaintance, none = (Candidate(n, Text.model_validate(o["label"])) for n, o in enumerate(RELATIONS, 1))
    assert on("single_choice", "vi har", options=RELATIONS) == Invalid(
        "ambiguous-option", {"answer": "vi har", "candidates": (close, acquaintance, none), "pick": "one"}
    )
    assert on("single_choice", "personlig relation", options=RELATIONS) == Invalid(
        "ambiguous-option", {"answer": "personlig relation", "candidates": (close, none), "pick": "one"}
    )
    radio, press = (Candidate(n, Text.model_validate(CHANNELS[n - 1]["label"])) for n in (7, 8))
    assert read("channels", "plakater, lokal") == Invalid(
        "ambiguous-option", {"answer": "lokal", "candidates": (radio, press), "pick": "several"}
    )


@pytest.mark.parametrize(("typed", "named"), [("1, 99", "99"), ("plakater og blæksprutter", "blæksprutter")])
def test_the_part_that_fits_no_option_is_the_one_named(typed: str, named: str) -> None:
    assert read("channels", typed) == Invalid("unknown-option", {"answer": named, "count": 10, "pick": "several"})


# --- lists ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "items"),
    [
        ("Kaffe, kage og plakater", ["Kaffe", "kage", "plakater"]),
        ("Kaffe; kage; plakater", ["Kaffe", "kage", "plakater"]),
        ("Lokalavisen; Facebook, Instagram", ["Lokalavisen", "Facebook, Instagram"]),
        ("Posters, flyers and a podcast", ["Posters", "flyers", "a podcast"]),
        ("Kaffe og kage", ["Kaffe og kage"]),  # "og" alone joins, it does not separate
        ("1,5 times møde, kaffe", ["1,5 times møde", "kaffe"]),  # a decimal comma is no separator
        ("Mette\nAli, Jens og Sara", ["Mette", "Ali, Jens og Sara"]),  # one item a line, whatever the line holds
        ("- Mette\n- Ali", ["Mette", "Ali"]),
        (["Kaffe, kage og plakater"], ["Kaffe", "kage", "plakater"]),  # the browser's one line
    ],
)
def test_a_list_on_one_line_or_one_item_a_line(typed: Any, items: list[str]) -> None:
    assert on("list", typed) == items


def test_three_to_four_key_questions_may_come_on_one_line() -> None:
    """kommer-forbi Step 2: "Formulér 3-4 nøglespørgsmål"."""
    questions = "Hvem er de, hvad læser de og hvor mødes de"
    assert on("list", questions, min_items=3, max_items=4) == ["Hvem er de", "hvad læser de", "hvor mødes de"]
    assert on("list", "Hvem er de, hvad læser de", min_items=3) == Invalid("too-few-items", {"min": 3, "count": 2})


# --- refusals name the ways of answering the channel offers ---------------------------------------

REFUSED = [
    (
        "ready",
        "måske",
        "Svar ja eller nej – eller skriv 1 for ja, 2 for nej.",
        "Svar ja eller nej – skriv det, eller tryk på en af knapperne.",
    ),
    (
        "called",
        "måske",
        "Svar “gjort” eller “ikke endnu” – eller skriv 1 for gjort, 2 for ikke endnu.",
        "Svar “gjort” eller “ikke endnu” – skriv det, eller tryk på en af knapperne.",
    ),
    (
        "route",
        "D",
        "“D” er ikke en af mulighederne. Skriv nummeret (1–3) eller et par ord fra svaret.",
        "“D” er ikke en af mulighederne. Tryk på en af knapperne, eller skriv et par ord fra svaret.",
    ),
    (
        "channels",
        "1, 99",
        "“99” er ikke en af mulighederne. Skriv numrene (1–10) med komma eller mellemrum imellem"
        " – eller et par ord fra hvert svar.",
        "“99” er ikke en af mulighederne. Sæt kryds ved det, der passer, og send"
        " – eller skriv et par ord fra hvert svar med komma imellem.",
    ),
    (
        "channels",
        "lokal",
        "“lokal” passer på flere af mulighederne: “Radiointerview i lokalradioen” (7) og"
        " “Pressemeddelelse i lokale aviser” (8). Skriv nummeret på det, I mener, eller lidt mere af svaret.",
        "“lokal” passer på flere af mulighederne: “Radiointerview i lokalradioen” og"
        " “Pressemeddelelse i lokale aviser”. Sæt kryds ved det, I mener, eller skriv lidt mere af svaret.",
    ),
]


def refusal(step_id: str, typed: str, shown: ChoiceForm, lang: str = "da") -> str:
    invalid = read(step_id, typed)
    assert isinstance(invalid, Invalid)
    present = Presenter(Messages(lang), {GUIDE.id: GUIDE})
    return present.rejection(GUIDE, engine.Rejected(invalid.code, invalid.params), shown).plain()


@pytest.mark.parametrize(("step_id", "typed", "terminal", "buttons"), REFUSED)
def test_a_refusal_names_numbers_in_the_terminal_and_buttons_where_there_are_buttons(
    step_id: str, typed: str, terminal: str, buttons: str
) -> None:
    assert refusal(step_id, typed, "numbers") == terminal
    assert refusal(step_id, typed, "buttons") == buttons


@pytest.mark.parametrize(("step_id", "typed"), [(s, t) for s, t, _, _ in REFUSED])
@pytest.mark.parametrize("lang", ["da", "en"])
def test_no_refusal_names_a_way_the_channel_does_not_offer(step_id: str, typed: str, lang: str) -> None:
    numbered = refusal(step_id, typed, "numbers", lang).lower()
    pressed = refusal(step_id, typed, "buttons", lang).lower()
    assert not any(word in numbered for word in ("knap", "kryds", "button", "tick"))
    assert not any(word in pressed for word in ("nummer", "numre", "number", "1 for", "(7)"))


@pytest.mark.parametrize(
    ("step_id", "typed", "english"),
    [
        ("ready", "maybe", "Answer yes or no – or type 1 for yes, 2 for no."),
        ("route", "D", "“D” is not one of the options. Type the number of an option (1–3) or a few words of it."),
    ],
)
def test_the_terminal_refusal_in_english(step_id: str, typed: str, english: str) -> None:
    assert refusal(step_id, typed, "numbers", "en") == english


async def test_the_coach_words_a_refusal_for_the_channel_the_turn_came_from(sqlite_db: Database, clock: Clock) -> None:
    team = Team(Coach(sqlite_db, {GUIDE.id: GUIDE}, clock=clock))
    await team.command("start proeve Prøven")
    await team.command("spring")
    in_browser = await team.say("måske")
    assert "Svar ja eller nej – skriv det, eller tryk på en af knapperne." in said(in_browser)
    in_terminal = await team.send(team.turn("Mette", text="måske", choices_shown_as="numbers"))
    assert "Svar ja eller nej – eller skriv 1 for ja, 2 for nej." in said(in_terminal)
    assert asked(in_terminal) == "ready"  # and the question is asked again


async def test_the_say_back_shows_what_was_understood(sqlite_db: Database, clock: Clock) -> None:
    team = Team(Coach(sqlite_db, {GUIDE.id: GUIDE}, clock=clock))
    await team.command("start proeve Prøven")
    replies = await team.say("Kaffe, kage og plakater")
    assert [r.answer for r in replies if isinstance(r, AnsweredReply)] == ["Kaffe; kage; plakater"]
    await team.say("ja tak")
    await team.say("gjort")
    replies = await team.say("3.C")
    assert [r.answer for r in replies if isinstance(r, AnsweredReply)] == ["3.C Det strukturelle samarbejde"]
    replies = await team.say("1 3 og plakater")
    answered = [r.answer for r in replies if isinstance(r, AnsweredReply)]
    assert answered == [
        "Husstandsomdeling, Plakater (fysiske), Ambassadørnetværk, der formidler aktiviteterne i deres netværk"
    ]


# --- the terminal's list entry -----------------------------------------------------------------


def terminal_with_the_trial_guide(tmp_path: Path, lines: list[str]) -> str:
    guides = tmp_path / "guides"
    guides.mkdir(exist_ok=True)
    (guides / "proeve.yaml").write_text(
        yaml.safe_dump(GUIDE.model_dump(mode="json", by_alias=True, exclude_defaults=True), allow_unicode=True),
        encoding="utf-8",
    )
    config = tmp_path / "config.toml"
    config.write_text(f'guides_dir = "{guides}"\n', encoding="utf-8")
    result: subprocess.CompletedProcess[str] = chat_in_terminal(tmp_path / "data", lines, config=config)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    return result.stdout


def test_a_command_typed_during_list_entry_runs_and_the_unfinished_list_is_not_saved(tmp_path: Path) -> None:
    out = terminal_with_the_trial_guide(
        tmp_path,
        [
            "/start proeve Prøven",
            "Kaffe",
            "Kage",
            "/spring",  # the list question is optional: skipping it is what the team means
            "/tilbage",
            "Kaffe, kage og plakater",
            "",
            "måske",
            "ja tak",
            "ikke endnu",
            "1",
            "blæksprutte",
            "C",
            "1 3",
            "Mette ringer",
            "/svar",  # in the middle of the last list: the answers are shown, the line is not saved
            "/quit",
        ],
    )
    assert "De 2 punkter, I var i gang med, er ikke gemt.\n✓ Mette: sprunget over" in out
    assert "✓ Mette: Kaffe; kage; plakater" in out
    assert "Svar ja eller nej – eller skriv 1 for ja, 2 for nej." in out
    assert "✓ Mette: Ikke endnu" in out
    assert "“blæksprutte” er ikke en af mulighederne. Skriv nummeret (1–3) eller et par ord fra svaret." in out
    assert "✓ Mette: 3.C Det strukturelle samarbejde" in out
    assert "✓ Mette: Husstandsomdeling, Ambassadørnetværk, der formidler aktiviteterne i deres netværk" in out
    assert "Punktet, I var i gang med, er ikke gemt.\nSvar i Prøven:" in out
    answers = out[out.index("Svar i Prøven:") :]
    assert "→ Kaffe; kage; plakater" in answers
    assert not any(word in answers for word in ("Kage", "/spring", "Mette ringer", "Hvem gør hvad?"))


def test_quitting_in_the_middle_of_a_list_leaves_it_unsaved(tmp_path: Path) -> None:
    out = terminal_with_the_trial_guide(tmp_path, ["/start proeve Prøven", "Kaffe", "/quit", "/svar"])
    assert "Punktet, I var i gang med, er ikke gemt." in out
    assert out.rstrip().endswith("Farvel! Jeres svar er gemt.")  # /quit ran; "/svar" was never read
    again = terminal_with_the_trial_guide(tmp_path, ["/svar", "/quit"])
    assert "Der er ingen svar i Prøven endnu." in again
