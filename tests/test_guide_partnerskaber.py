"""“Kort nr. 32: Partnerskaber” as a team lives it, written by hand from the card
(/work/shared/seeds/001_41d5ab414df031b9.txt); each test quotes the part it checks.

The card in short: HVORFOR? partnerships give access to target groups the library does
not reach. HVORDAN? find who has the best access to the target group (desk research,
write them down), prioritise a list (value, ease of access), brainstorm a shared goal and
what the library can offer, contact them with a clear purpose and flexibility (a concrete
collaboration, or dialogue and knowledge sharing), and ask about their experience,
channels, formats, needs and what works. Husk: it is long-term work that needs clear
frames, in your own organisation and with the partners. EKSEMPEL: Silkeborg's event, where
the library learned to take a clear role, e.g. as moderator.
"""

from __future__ import annotations

import re
from functools import partial

import pytest

from bot.replies import Reply, TipReply
from flows.engine import (
    ScheduleNudge,
    Waiting,
    active_path,
    current_step,
    reminders,
)
from flows.model import PromptKind
from tests import engine_moves
from tests.conftest import Team, asked
from tests.engine_moves import GUIDES
from tests.test_guide_kommer_forbi import texts

PARTNERS = GUIDES["partnerskaber"]

# HVORDAN?, in the card's order.
FIND_AND_PRIORITISE = [
    ("target_group", "Unge mellem 15 og 20, der ikke læser i fritiden"),
    ("actors", "Ungdomsskolen\nGamingforeningen\nFitnesscenter Nord"),  # “skriv ned undervejs”
    ("priority_list", "Gamingforeningen\nUngdomsskolen"),  # “Prioriter derefter og lav en liste”
    ("way_in", "Vores kollega Sara er med i foreningen"),  # “en allerede etableret relation”
]
GOAL_AND_CONTACT = [
    ("shared_goal", "Flere unge, der deler historier – i spil og i bøger"),  # “hvad et fælles mål kunne være”
    ("library_offer", "Lokaler om aftenen og formidling"),  # “hvad det er, biblioteket kan tilbyde den anden vej”
    ("contact_purpose", "Et møde om, hvad de unge i foreningen savner"),  # “vær klar på, hvad dit formål er”
    ("contacted", "ja"),
]
DIALOGUE = [
    ("dialogue_questions", "alle"),  # “hvad har de af erfaringer/viden om målgruppen? …”
    ("dialogue_notes", "De unge spiller mest om aftenen"),
]
JOINT_ACTIVITY = [
    ("joint_activity", "En aften om spilhistorier"),
    ("partisan_views", "Nej, ikke her"),
    ("library_role", "Vi er moderator"),
    ("framing", "alle"),
]
BEFORE_THE_DIALOGUE = [*FIND_AND_PRIORITISE, *GOAL_AND_CONTACT]
UNTIL_THE_AGREEMENT = [*BEFORE_THE_DIALOGUE, *DIALOGUE]
END = [("next_step", "Vi mødes igen i marts")]

HOW = ["target_group", "actors", "priority_list", "way_in", "shared_goal", "library_offer", "contact_purpose"]
DIALOGUE_STEPS = ["contacted", "dialogue_questions", "dialogue_notes", "agreed", "joint_activity_planned"]
ACTIVITY_STEPS = ["joint_activity", "partisan_views", "library_role", "framing"]


walk = partial(engine_moves.walk, PARTNERS)
"""The team answers each question in turn, as it is shown; every effect, in order."""


def questions_asking(words: str) -> list[str]:
    """The steps whose Danish question contains ``words``."""
    return [step.id for step in PARTNERS.steps if words in step.text.da]


# --- the order along each route ---------------------------------------------------------------------


@pytest.mark.parametrize("agreed", ["collaboration", "dialogue"])
@pytest.mark.parametrize(
    ("joint", "framework", "tail"),
    [
        ("ja", "both", [*ACTIVITY_STEPS, "framework"]),
        ("ja", "neither", [*ACTIVITY_STEPS, "framework", "framework_plan"]),
        ("nej", "both", ["framework"]),
        ("nej", "own", ["framework", "framework_plan"]),
    ],
)
def test_each_route_follows_the_cards_order_and_ends_with_the_long_term_frame(
    agreed: str, joint: str, framework: str, tail: list[str]
) -> None:
    activity = JOINT_ACTIVITY if joint == "ja" else []
    plan = [] if framework == "both" else [("framework_plan", "Lederen sætter tid af")]
    moves = [
        *UNTIL_THE_AGREEMENT,
        ("agreed", agreed),
        ("joint_activity_planned", joint),
        *activity,
        ("framework", framework),
        *plan,
        *END,
    ]

    state, _ = walk(moves)

    assert active_path(PARTNERS, state) == [*HOW, *DIALOGUE_STEPS, *tail, "next_step"]
    assert state.finished


# --- the shared goal, the library's offer and the purpose of the contact --------------------------------


def test_the_shared_goal_the_librarys_offer_and_the_purpose_of_the_contact_are_three_distinct_questions() -> None:
    # “Brainstorm dernæst på, hvad et fælles mål kunne være – det er afgørende, at begge parter får
    # noget ud af samarbejdet.”
    assert questions_asking("fælles mål") == ["shared_goal"]
    assert "både I og aktøren" in PARTNERS.step("shared_goal").text.da
    # “tænk over, hvad det er, biblioteket kan tilbyde den anden vej? Hvad kommer vi med i et
    # potentielt samarbejde?”
    assert questions_asking("tilbyde den anden vej") == ["library_offer"]
    # “Tag fat i aktøren, og vær klar på, hvad dit formål er. Men vær også klar på at tilbyde
    # fleksibilitet. Det kan være målet er et konkret samarbejde, men det kan også blot være dialog
    # og videndeling om den pågældende målgruppe”
    assert questions_asking("formål") == ["contact_purpose"]
    contact = PARTNERS.step("contact_purpose")
    assert "bede aktøren om" in contact.text.da
    assert contact.help is not None
    for words in ("konkret samarbejde", "dialog og videndeling", "fleksible"):
        assert words in contact.help.da

    asked_texts = [PARTNERS.step(s).text.da for s in ("shared_goal", "library_offer", "contact_purpose")]
    assert len(set(asked_texts)) == 3
    assert questions_asking("bruges til") + questions_asking("sigter") == [], "the purpose is asked once, not thrice"


def test_the_two_aims_of_a_partnership_are_told_before_the_first_question() -> None:
    # “… med henblik på at nå andre og nye målgrupper end dem, biblioteket selv har adgang til i
    # forvejen eller for at udvikle særlige demokratiaktiviteter i samspil med aktører, som besidder
    # særlige kompetencer og viden (tværfaglig innovation).”
    intro = PARTNERS.section_of("target_group").intro
    assert intro is not None
    assert "målgrupper, det ikke har fat i endnu" in intro.da
    assert "demokratiaktiviteter" in intro.da and "tværfaglig innovation" in intro.da


# --- the Silkeborg lesson ---------------------------------------------------------------------------------


@pytest.mark.parametrize("agreed", ["collaboration", "dialogue"])
def test_the_moderator_lesson_is_reached_whenever_there_is_a_joint_activity(agreed: str) -> None:
    # “vi kunne have rammesat arrangementet mere målrettet ved selv at indtræde med en tydelig rolle i
    # aktiviteten fx som moderator … Særligt når vi samarbejder med nogle, der ikke er så skolede i at
    # formidle på en scene.” That holds for any activity made with partners, whatever was agreed.
    state, _ = walk([*UNTIL_THE_AGREEMENT, ("agreed", agreed), ("joint_activity_planned", "ja"), *JOINT_ACTIVITY])

    assert "library_role" in active_path(PARTNERS, state)
    assert "moderator" in PARTNERS.step("library_role").text.da
    framing = [o.label.da for o in PARTNERS.step("framing").options]
    # “1) den røde tråd, 2) at formålet er tydeligt i en bibliotekskontekst og 3) at publikum inddrages”
    assert framing == [
        "Den røde tråd",
        "At formålet er tydeligt i en bibliotekskontekst",
        "At publikum inddrages undervejs",
    ]


def test_what_was_agreed_is_one_of_the_cards_two_aims_and_may_differ_from_what_was_asked() -> None:
    # “Det kan være målet er et konkret samarbejde, men det kan også blot være dialog og videndeling
    # om den pågældende målgruppe” – and “vær også klar på at tilbyde fleksibilitet”.
    agreed = PARTNERS.step("agreed")

    assert [o.label.da for o in agreed.options] == ["Et konkret samarbejde", "Dialog og videndeling om målgruppen"]
    assert agreed.help is not None and "end det, I bad om" in agreed.help.da


def test_without_a_joint_activity_the_team_goes_straight_to_the_long_term_frame() -> None:
    state, _ = walk([*UNTIL_THE_AGREEMENT, ("agreed", "dialogue"), ("joint_activity_planned", "nej")])

    assert current_step(PARTNERS, state) == "framework"
    assert not set(ACTIVITY_STEPS) & set(active_path(PARTNERS, state))


async def test_the_silkeborg_tip_says_the_tension_could_be_handled_not_only_that_it_was_there(team: Team) -> None:
    # “Erfaringen fra arrangementet var, at det blev politisk, og at der var episoder, hvor stemningen
    # var lidt højspændt. Det var ikke noget, der ikke kunne håndteres, men vi lærte, at …”
    await team.command("start partnerskaber Gamingforeningen")
    moves = [*UNTIL_THE_AGREEMENT, ("agreed", "dialogue"), ("joint_activity_planned", "ja"), *JOINT_ACTIVITY[:2]]
    replies: list[Reply] = []
    for _, value in moves:
        replies = await team.say(value)

    assert asked(replies) == "library_role"
    tip = "\n".join(r.text.plain() for r in replies if isinstance(r, TipReply))
    assert "højspændt" in tip, "the tension is told"
    assert "kunne godt håndteres" in tip, "and that it could be handled"
    assert "moderator" in tip, "and what the library learned"


# --- every “Nej” leads somewhere ----------------------------------------------------------------------------


def test_not_yet_in_touch_keeps_the_team_at_the_contact_and_asks_again_later() -> None:
    # “Tag fat i aktøren”: an action in the world; “Nej” means not yet.
    state, _ = walk(BEFORE_THE_DIALOGUE[:-1])

    state, effects = walk([("contacted", "nej")], state)

    assert isinstance(effects[0], Waiting)
    assert current_step(PARTNERS, state) == "contacted"
    check_back = reminders(PARTNERS, state)["contacted:check-back"]
    assert check_back.suggested, "the card names no day for this: the coach's suggestion"


@pytest.mark.parametrize("framework", ["own", "partners", "neither"])
def test_a_framework_not_yet_in_place_asks_what_it_takes(framework: str) -> None:
    # “Det er afgørende at have tydelige rammer for arbejdet – både i egen organisation og i
    # samarbejdet med de andre aktører.”
    state, _ = walk([*UNTIL_THE_AGREEMENT, ("agreed", "dialogue"), ("joint_activity_planned", "nej")])

    state, _ = walk([("framework", framework)], state)

    assert current_step(PARTNERS, state) == "framework_plan"
    state, _ = walk([("framework_plan", "Lederen sætter tid af")], state)
    assert current_step(PARTNERS, state) == "next_step"


def test_every_yes_no_question_has_a_way_on_for_no() -> None:
    confirms = [step for step in PARTNERS.steps if step.kind is PromptKind.CONFIRM]

    assert {step.id for step in confirms} == {"contacted", "joint_activity_planned"}
    assert PARTNERS.step("contacted").wait is not None, "no is “not yet”, tested above"
    state, _ = walk([*UNTIL_THE_AGREEMENT, ("agreed", "collaboration"), ("joint_activity_planned", "nej")])
    assert current_step(PARTNERS, state) == "framework"


# --- timings ---------------------------------------------------------------------------------------------------


def test_the_card_names_no_timing_so_the_guide_sets_no_reminder_of_its_own() -> None:
    # The card speaks of long-term work (“en langsigtet måde at arbejde … på”), never of days.
    assert [n for step in PARTNERS.steps for n in step.nudges] == []
    _, effects = walk([*UNTIL_THE_AGREEMENT, ("agreed", "dialogue"), ("joint_activity_planned", "nej")])
    assert [e for e in effects if isinstance(e, ScheduleNudge)] == []
    # Asking again whether contact is made comes after the deployment's default: a suggestion.
    wait = PARTNERS.step("contacted").wait
    assert wait is not None and (wait.after, wait.at) == (None, None)


# --- plain Danish and English -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "calque",
    [r"\bactors?\b", r"clear frames", r"best hold", r"red thread", r"as the sender", r"kick the door"],
)
def test_the_english_has_no_calques_from_the_danish(calque: str) -> None:
    assert not [s for s in texts(PARTNERS, "en") if re.search(calque, s, re.I)]


@pytest.mark.parametrize("lang", ["da", "en"])
def test_quotes_are_of_one_kind(lang: str) -> None:
    # The event's title, “Livet på den anden side af hegnet”, in the same quotes as every other guide string.
    strings = texts(PARTNERS, lang)

    assert not [s for s in strings if re.search(r"[„‘’\"]|(?<!\w)'\w", s)]
    assert any("“Livet på den anden side af hegnet”" in s for s in texts(PARTNERS, "da"))


def test_danish_imperatives_are_written_without_an_accent() -> None:
    assert not [s for s in texts(PARTNERS, "da") if re.search(r"\b\w+ér\b", s)]
