"""Vejviseren, read side by side with its document (003_f553b7d5c91bd39d.txt).

Written by hand from the document: the order of its Trin and of the questions in each,
the three routes of Trin 3 and what decides between them, the key person on both ways of
Trin 2, and communication before and after the activity in Trin 4. The team walks the
guide through ``flows.engine``; every answer names the question the team was shown, so a
walk that strays from the document's order fails on the step where it strays.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

from flows.engine import (
    Answer,
    Finished,
    FlowState,
    Rejected,
    Skip,
    Waiting,
    active_path,
    advance,
    current_step,
    reminders,
)
from tests.engine_moves import SIGNPOST, TODAY, walk
from tests.guide_paths import SKIP
from tests.test_engine_branches import edit, scheduled
from tests.test_guide_kommer_forbi import texts

# --- what a team answers, Trin by Trin ------------------------------------------------------

# TRIN 1 Behovsanalyse: desk research (four questions), "Undersøg i den tilgængelige
# biblioteksdata", "Gennemfør gerne kvalitativ research", then "at træffe en kvalificeret
# beslutning om, hvorvidt biblioteket kan gøre en positiv forskel".
NEEDS_ANALYSIS = [
    ("town", "Bryrup"),
    ("desk_citizens", "Ca. 1.500 borgere, mange børnefamilier"),
    ("desk_associations", "Idrætsforening, borgerforening, forsamlingshus"),
    ("desk_meeting_places", SKIP),
    ("desk_channels", "Lokalbladet og byens Facebookgruppe"),
    ("library_data", SKIP),
    ("qualitative", "Tre uformelle samtaler i Brugsen"),
]
DIFFERENCE = [*NEEDS_ANALYSIS, ("decision", "ja")]

# TRIN 2 Den første kontakt: "kan man ofte se en oplagt nøgleperson at kontakte ... I andre
# tilfælde kan det være nødvendigt at efterlyse en nøgleperson." Then the three ways:
# "Den lavthængende frugt", "Spredehagmetoder", "Ryk biblioteket ud af huset".
OBVIOUS_KEY_PERSON = [
    ("key_person", "obvious"),
    ("key_person_who", "Dagtilbudslederen i Bryrup – vi ringer til hende"),
    ("low_hanging_fruit", "Borgerforeningen\nKirken"),
    ("broadcast_channels", SKIP),
    ("out_of_house", "1, 2"),
    ("local_events_list", "Sommerfesten i juni"),
    ("contact_made", "ja"),
]
CALLED_FOR_KEY_PERSON = [
    ("key_person", "call_for"),
    ("low_hanging_fruit", SKIP),
    ("broadcast_channels", "1, 2"),
    ("out_of_house", SKIP),
    ("local_events_list", SKIP),
    ("contact_made", "ja"),
    ("key_person_found", "Lene Holm, formand for lokalrådet – hun skrev efter opslaget i lokalbladet"),
]

# TRIN 3.A Hjælp til selvhjælp: the four exploring questions, "Sæt evt. den lokale aktør i
# forbindelse med relevante samarbejdspartnere", "Understøt den lokale aktør der, hvor der
# er et konkret behov", "Hjælp med at indtænke forankring ... og tydeliggør, hvor lang tid
# biblioteket kan være involveret".
SELF_HELP = [
    ("route", "self_help"),
    ("a_idea", "Borgerforeningen vil starte en læseklub i forsamlingshuset"),
    ("a_target", "Seniorer, der bor alene"),
    ("a_needs", SKIP),
    ("a_help_areas", "3, 5"),
    ("a_one_off", SKIP),
    ("a_connect", "Biblioteksfrivillige"),
    ("a_support", SKIP),
    ("a_anchoring", SKIP),
    ("a_duration", "Et halvt år"),
]
# TRIN 3.B Samskabelse: "Tag afsæt i de relationer ...", "Afklar internt ...", "Definér en
# tydelig ramme ...", "Indgå i dialog om rollefordeling og ansvar", "Forventningsafstem om
# arbejdsdeling, økonomi og opfølgning".
CO_CREATION = [
    ("route", "co_creation"),
    ("b_relations", "Borgerforeningen"),
    ("b_contribution", "To timer om ugen i tre måneder"),
    ("b_frame", SKIP),
    ("b_roles", SKIP),
    ("b_expectations", "ingen"),
]
# TRIN 3.C Det strukturelle samarbejde: "Undersøg hvilke samarbejdspartnere, der findes i
# kommunen", "Etabler den første kontakt og vær opmærksom på at forventningsafstemme
# følgende" (three questions, the third asking both work and time), then who makes up the
# concept and challenging it.
STRUCTURAL = [
    ("route", "structural"),
    ("c_partners", "Sundhedsplejen"),
    ("c_contacted", "ja"),
    ("c_contact_person", "Birgitte, ledende sundhedsplejerske"),
    ("c_type", SKIP),
    ("c_citizen_value", "At nybagte forældre møder hinanden"),
    ("c_division", SKIP),
    ("c_time", SKIP),
    ("c_concept_owner", SKIP),
    ("c_challenge", SKIP),
]

# TRIN 4 Formidling: before and after the activity, who sends it, the three "Hvordan?"
# points and the list of "Formidlingsforslag". Every question here can be passed over.
COMMUNICATION = [
    ("activity_date", "5. februar 2027"),
    ("sender", "Borgerforeningen inviterer, biblioteket sælger billetter"),
    ("comm_before", SKIP),
    ("comm_after", SKIP),
    ("comm_overview", SKIP),
    ("beyond_traditional", SKIP),
    ("interested_communities", SKIP),
    ("channels", SKIP),
    ("activity_held", "ja"),
    ("next_step", "Fortælle om læseklubben i lokalbladet"),
]

SECTIONS_BEFORE_THE_ROUTE = ["Trin 1: Behovsanalyse", "Trin 2: Den første kontakt", "Trin 3: Vælg vej"]

BOOKING = "activity_date:communication_booking:0"
BEFORE = "activity_date:communication_before:1"
AFTER = "activity_date:communication_after:2"


def sections_walked(state: FlowState) -> list[str]:
    """The Danish titles of the sections the team's path went through, in order."""
    titles: list[str] = []
    for step_id in active_path(SIGNPOST, state):
        title = SIGNPOST.section_of(step_id).title.da
        if not titles or titles[-1] != title:
            titles.append(title)
    return titles


# --- the order of the document, route by route ---------------------------------------------


@pytest.mark.parametrize(
    ("route", "section"),
    [
        (SELF_HELP, "Trin 3.A: Hjælp til selvhjælp"),
        (CO_CREATION, "Trin 3.B: Samskabelse med lokale aktører"),
        (STRUCTURAL, "Trin 3.C: Det strukturelle samarbejde"),
    ],
    ids=["3.A", "3.B", "3.C"],
)
def test_each_route_goes_from_the_needs_analysis_through_its_own_trin_to_communication(
    route: list[tuple[str, Any]], section: str
) -> None:
    moves = [*DIFFERENCE, *OBVIOUS_KEY_PERSON, *route, *COMMUNICATION]
    state, effects = walk(SIGNPOST, moves)

    assert sections_walked(state) == [*SECTIONS_BEFORE_THE_ROUTE, section, "Trin 4: Formidling"]
    assert active_path(SIGNPOST, state) == [step for step, _ in moves]
    assert effects[-1] == Finished(complete=True)


def test_no_real_difference_ends_the_guide_in_trin_1_and_points_to_another_town() -> None:
    # "et eller flere af kommunens små bysamfund": a needs analysis that finds no need
    # here is no reason to stop looking at the others.
    state, _ = walk(SIGNPOST, [*NEEDS_ANALYSIS, ("decision", "nej")])
    assert current_step(SIGNPOST, state) == "no_difference"
    help_text = SIGNPOST.step("no_difference").help
    assert help_text is not None
    assert "et andet" in help_text.da and "nyt projekt" in help_text.da
    assert "another one" in help_text.en and "new project" in help_text.en

    state, effects = walk(SIGNPOST, [("no_difference", "Borgerforeningen klarer det selv")], state)

    assert sections_walked(state) == ["Trin 1: Behovsanalyse"]
    assert effects[-1] == Finished(complete=True)
    assert reminders(SIGNPOST, state) == {}


# --- Trin 2: the key person ---------------------------------------------------------------


def test_a_called_for_key_person_is_recorded_once_contact_is_made() -> None:
    # "I andre tilfælde kan det være nødvendigt at efterlyse en nøgleperson": the team
    # calls for one with the broadcast methods, and notes who came forward.
    state, _ = walk(SIGNPOST, [*DIFFERENCE, *CALLED_FOR_KEY_PERSON[:-2]])
    assert "key_person_who" not in active_path(SIGNPOST, state), "nobody to name before the call"

    state, effects = walk(SIGNPOST, [("contact_made", "ikke endnu")], state)
    assert effects[0] == Waiting("contact_made", TODAY.isoformat())
    assert current_step(SIGNPOST, state) == "contact_made"

    state, _ = walk(SIGNPOST, CALLED_FOR_KEY_PERSON[-2:], state)
    assert state.answers["key_person_found"].startswith("Lene Holm, formand for lokalrådet")
    assert current_step(SIGNPOST, state) == "route"


def test_a_call_nobody_answered_yet_still_leads_on_to_the_route() -> None:
    state, _ = walk(SIGNPOST, [*DIFFERENCE, *CALLED_FOR_KEY_PERSON[:-1], ("key_person_found", SKIP)])

    assert current_step(SIGNPOST, state) == "route"


def test_an_obvious_key_person_is_named_before_contact_and_not_asked_for_again() -> None:
    state, _ = walk(SIGNPOST, [*DIFFERENCE, *OBVIOUS_KEY_PERSON])

    assert "key_person_found" not in active_path(SIGNPOST, state)
    assert current_step(SIGNPOST, state) == "route"


def test_the_broadcast_methods_are_not_said_to_be_below() -> None:
    # In the document the "Spredehagmetoder" are listed below the text; in a chat nothing
    # is below, the methods are the next questions.
    key_person = SIGNPOST.step("key_person").help
    assert key_person is not None and "efterlyse" in key_person.da
    assert not [t for t in texts(SIGNPOST, "da") if "nedenfor" in t]
    assert not [t for t in texts(SIGNPOST, "en") if "below" in t]


# --- Trin 3: what decides the route ---------------------------------------------------------


def test_the_route_help_names_the_two_deciding_questions_and_one_line_per_route() -> None:
    help_text = SIGNPOST.step("route").help
    assert help_text is not None
    first, *routes, last = help_text.da.splitlines()
    # Two things tell the routes apart: is the partner a municipal unit (3.C "relevante
    # samarbejdspartnere i kommunen"), and does a local actor have a concrete idea (3.A
    # "allerede har en konkret idé", 3.B "ikke har en konkret idé").
    assert "kommunal enhed" in first and "konkret idé" in first
    assert [line[:4] for line in routes] == ["3.A:", "3.B:", "3.C:"]
    a, b, c = routes
    assert "er i tvivl om, hvorvidt og hvordan den kan realiseres" in a
    assert "ingen konkret idé, der nemt kan realiseres med hjælp fra biblioteket" in b
    assert "kommunal enhed" in c
    assert "eget projekt" in last

    english = help_text.en.splitlines()
    assert len(english) == 5 and "whether and how" in english[1] and "with the library's help" in english[2]
    assert "project of its own" in english[4]


def test_3a_keeps_whether_and_how_the_idea_can_be_realised() -> None:
    # 3.A: "er i tvivl om, hvorvidt og hvordan idéen kan realiseres".
    intro = SIGNPOST.sections[3].intro
    assert SIGNPOST.sections[3].title.da == "Trin 3.A: Hjælp til selvhjælp" and intro is not None
    assert "hvorvidt og hvordan" in intro.da and "whether and how" in intro.en


def test_3b_keeps_the_responsible_or_facilitating_approach_within_realistic_limits() -> None:
    # 3.B: "relevant, når den lokale aktør ikke har en konkret idé, der nemt kan realiseres
    # med hjælp fra biblioteket"; "En ansvarliggørende eller faciliterende tilgang ... skaber
    # derimod tryghed og bæredygtighed"; "inden for realistiske rammer".
    section = SIGNPOST.section_of("b_relations")
    assert section.intro is not None and "med hjælp fra biblioteket" in section.intro.da
    said = " ".join(tip.da for tip in section.tips)
    assert "ansvarliggørende eller faciliterende tilgang" in said
    assert "inden for realistiske rammer" in said
    assert "within realistic limits" in " ".join(tip.en for tip in section.tips)


def test_3b_with_no_expectations_aligned_yet_says_they_must_be_before_the_activity() -> None:
    # "Forventningsafstem om arbejdsdeling, økonomi og opfølgning, så ansvaret deles realistisk."
    state, _ = walk(SIGNPOST, [*DIFFERENCE, *OBVIOUS_KEY_PERSON, *CO_CREATION])

    assert state.answers["b_expectations"] == []
    assert current_step(SIGNPOST, state) == "activity_date"
    help_text = SIGNPOST.step("b_expectations").help
    assert help_text is not None and "før aktiviteten" in help_text.da


def test_3c_says_the_first_contact_often_builds_on_a_relation_not_because() -> None:
    # 3.C: "den første kontakt som oftest nem at etablere, og samarbejdet har en
    # naturlighed, da den ofte bygger videre på en eksisterende relation eller en tradition
    # for samarbejde."
    intro = SIGNPOST.section_of("c_partners").intro
    assert intro is not None
    assert "bygger ofte videre på en kendt relation eller en tradition" in intro.da
    assert "fordi" not in intro.da
    assert "often builds on an existing relationship" in intro.en and "because" not in intro.en


def test_3c_waits_for_the_first_contact_and_then_records_whom_it_was_with() -> None:
    # 3.C: "Etabler den første kontakt"; the town hall "vil kunne sende jer videre".
    state, _ = walk(SIGNPOST, [*DIFFERENCE, *OBVIOUS_KEY_PERSON, *STRUCTURAL[:2]])

    state, effects = walk(SIGNPOST, [("c_contacted", "nej")], state)
    assert effects[0] == Waiting("c_contacted", TODAY.isoformat())
    [check_back] = [e for e in scheduled(effects).values() if e.step == "c_contacted"]
    assert "Rådhuset" in check_back.message.da
    assert current_step(SIGNPOST, state) == "c_contacted"

    state, _ = walk(SIGNPOST, [("c_contacted", "ja")], state)
    assert current_step(SIGNPOST, state) == "c_contact_person"
    assert advance(SIGNPOST, state, Skip("c_contact_person")) == (state, [Rejected("required")])

    state, _ = walk(SIGNPOST, STRUCTURAL[3:4], state)
    assert state.answers["c_contact_person"] == "Birgitte, ledende sundhedsplejerske"
    assert current_step(SIGNPOST, state) == "c_type"


# --- Trin 4: communication before and after -------------------------------------------------


def test_the_channels_question_can_be_passed_over_like_the_rest_of_trin_4() -> None:
    state, _ = walk(SIGNPOST, [*DIFFERENCE, *OBVIOUS_KEY_PERSON, *SELF_HELP, *COMMUNICATION[:7]])
    assert current_step(SIGNPOST, state) == "channels"

    state, _ = advance(SIGNPOST, state, Skip("channels"))

    assert current_step(SIGNPOST, state) == "activity_held"


def test_an_activity_date_reminds_four_weeks_and_a_week_before_and_the_day_after() -> None:
    # "Før: Inden aktiviteten har været afholdt for at tiltrække flere deltagere. Efter: Når
    # aktiviteten har været afholdt". The document names no days: four weeks (local papers
    # and door-to-door leaflets are booked weeks ahead), a week and a day are ours.
    _, effects = walk(SIGNPOST, [*DIFFERENCE, *OBVIOUS_KEY_PERSON, *SELF_HELP, COMMUNICATION[0]])

    nudges = scheduled(effects)
    assert list(nudges) == [BOOKING, BEFORE, AFTER]
    assert [(n.on_date, n.offset) for n in nudges.values()] == [
        (date(2027, 2, 5), timedelta(days=-28)),
        (date(2027, 2, 5), timedelta(days=-7)),
        (date(2027, 2, 5), timedelta(days=1)),
    ]
    assert all(n.suggested for n in nudges.values()), "the document says before and after, not when"
    booking = nudges[BOOKING].message.da
    assert "lokalavisen" in booking and "husstandsomdeling" in booking and "bookes" in booking
    assert "FØR" in nudges[BEFORE].message.da and "EFTER" in nudges[AFTER].message.da
    assert "billeder fra aktiviteten" in nudges[AFTER].message.da


def test_a_moved_activity_moves_its_reminders() -> None:
    state, _ = walk(SIGNPOST, [*DIFFERENCE, *OBVIOUS_KEY_PERSON, *SELF_HELP, COMMUNICATION[0]])

    state, effects = edit(SIGNPOST, state, "activity_date", "12. marts 2027")

    assert {key: n.on_date for key, n in scheduled(effects).items()} == {
        BOOKING: date(2027, 3, 12),
        BEFORE: date(2027, 3, 12),
        AFTER: date(2027, 3, 12),
    }


def test_an_activity_not_held_yet_is_asked_about_again_two_days_after_its_date() -> None:
    state, _ = walk(SIGNPOST, [*DIFFERENCE, *OBVIOUS_KEY_PERSON, *SELF_HELP, *COMMUNICATION[:8]])

    state, effects = advance(SIGNPOST, state, Answer("ikke endnu", TODAY, "activity_held"))

    assert current_step(SIGNPOST, state) == "activity_held"
    [check_back] = [e for e in scheduled(effects).values() if e.step == "activity_held"]
    assert (check_back.on_date, check_back.offset, check_back.suggested) == (date(2027, 2, 5), timedelta(days=2), True)


# --- the words ------------------------------------------------------------------------------


def test_the_trin_4_intro_says_who_facilitates() -> None:
    # "Som facilitator for fællesskaber bør formidlingen være en vigtig prioritering": the
    # library is the facilitator, not the communication.
    intro = SIGNPOST.section_of("activity_date").intro
    assert intro is not None
    assert intro.da.startswith("Når biblioteket vil facilitere fællesskaber, skal formidlingen prioriteres højt.")
    assert "bøger, lyd og film" in intro.da


def test_the_danish_reads_plainly_and_the_english_has_no_calques() -> None:
    danish, english = texts(SIGNPOST, "da"), texts(SIGNPOST, "en")
    assert not [t for t in danish if "Invitér" in t or '"' in t or "Hvad findes der ud over" in t]
    assert not [t for t in english if '"' in t]
    for calque in ("actor", "frames", "as the sender", "have the best hold", "red thread"):
        assert not [t for t in english if calque in t.lower()], calque
