"""The co-creation guide read against its report, "Småt Brændbart – Biblioteket på Kanten".

Written by hand from /work/shared/seeds/002_ec30f0a0ebf5a54e.txt: section 3 ("Småt
Brændbarts proces", points 1–4), "Projektets faser" (the six phases), the cases, the seven
strong cups of coffee, the three themes and Bilag 1–2. Each test quotes the words it
checks. A team here is Vesthimmerland's "Seniorliv på valgfag" (Case III): lonely older
men, public and third-sector partners, coffee with the associations.
"""

from __future__ import annotations

import re
from datetime import date
from functools import partial
from typing import Any

import pytest

from flows.engine import (
    Answer,
    Finished,
    OpenDebrief,
    ScheduleNudge,
    Waiting,
    active_path,
    advance,
    current_step,
    holds,
    reminders,
    waiting_for,
)
from flows.loader import load_guides
from flows.model import Section, Step, Text
from storage.repository import WorkspaceRepo, find_workspace
from tests import engine_moves
from tests.conftest import Team, asked, said

GUIDE = load_guides()["samskabelse"]
TODAY = date(2026, 11, 23)

# --- a team's answers, phase by phase -------------------------------------------------------

# Point 1 "Valg af målgruppe og fokus" and the cases' "Mål og succeskriterier".
OPSTART = [
    ("target_group_type", "senior"),
    ("target_group", "Ensomme mænd over 65 i Aars"),
    ("project_group", "Randi – seniornetværket\nOle – kommunens ældreråd"),
    ("local_challenges", "Ensomhed blandt ældre mænd"),
    ("departments", "Sundheds- og Kulturforvaltningen"),
    ("goal", "At udbrede det gode seniorliv og få mændene op af sofaen."),
    ("success_criteria", "Seniormænd fortæller, at de har fundet en forening\nForeningerne vil være med igen"),
    ("success_agreed", "ja"),
]
KEEPS_A_LOGBOOK = [("logbook_start", "ja")]
NO_LOGBOOK = [("logbook_start", "nej"), ("logbook_here", "nej")]
# Point 2 "Observationer og strategisk valg af samskabelsespartnere".
OBSERVED = [
    ("observations", "ja"),
    ("personas_made", "ja"),
    ("persona", "Poul, 72, enkemand. Ser fjernsyn det meste af dagen og kender ingen af foreningerne."),
    ("persona_challenges", "Ensom efter konens død\nVed ikke, hvad der findes"),
    ("relations", "Ældresagen\nPensionistforeningen"),
]
PARTNERS = [
    ("sectors", ["public", "third"]),
    ("partners_senior", "Ældrerådgiverne\nÆldresagen\nÆldre Hjælper Ældre"),
    ("target_group_voices", ["picture_interviews", "at_meetings"]),
    ("management_backing", "ja"),
    ("door_opener", "Bibliotekschefen ringer til chefen for Sundhed og Kultur"),
    ("associations_contact", "Vi ringer til formanden for Ældresagen"),
    ("pre_meetings", "Ældrerådgiverne\nÆldresagen"),
    ("expectations", ["purpose", "own_hours", "success"]),
    ("invitation_text", "Hvordan får vi flere seniormænd op af sofaen? Vi vil gerne blive klogere sammen med jer."),
    ("invitations_sent", "ja"),
]
MEETING_1 = [
    ("meeting1_date", "01.02.2027"),
    ("meeting1_setup", ["size", "facilitator", "library_participant", "coffee"]),
    ("tools", ["picture_cards", "personas"]),
]
HELD_1 = [("meeting1_held", "held")]
AFTER_MEETING_1 = [("dev_questions", "Hvordan får vi seniorer til at se, hvilke muligheder der er for dem i kommunen?")]
LOCAL = [
    ("revisit", "ingen"),
    ("between_meetings", ["develop", "keep_contact"]),
    ("ideas", "Foreningerne møder seniorerne på biblioteket over en kop kaffe"),
    ("concept_draft", "Seniorliv på valgfag: fire mandage med 3–4 foreninger hver gang."),
]
LOGBOOK_ENTRY = [("logbook_decisions", "Vi laver ikke et nyt tilbud – der findes allerede 86.")]
MEETING_2 = [
    ("meeting2_date", "03.05.2027"),
    ("meeting2_invite", "Ældresagen\nPensionistforeningen\nÆldrerådgiverne"),
    ("meeting2_setup", ["facilitator", "coffee"]),
    ("meeting2_tools", ["storyboard"]),
]
HELD_2 = [("meeting2_held", "held")]
READY = [("concept_status", "ready")]
PLANNING = [
    ("implementation_plan", "Foreningerne står for snakken, biblioteket for rammerne"),
    ("money", "Hver part betaler egne timer; biblioteket giver kaffen"),
    ("communication", "Invitation gennem foreningerne og lokalavisen"),
    ("threshold", ["good_experience", "known_face"]),
    ("partner_dialogue", "Et kaffemøde med foreningerne efter hver mandag"),
    ("anchoring", "Konceptet udvides til to mindre biblioteker"),
    ("success_stories", "“Det er ligesom et ta-selv-bord. Her får jeg det serveret.”"),
    ("next_step", "Aftale datoerne for næste år med foreningerne"),
]
UP_TO_MEETING_1 = [*OPSTART, *KEEPS_A_LOGBOOK, *OBSERVED, *PARTNERS, *MEETING_1]
MAIN_ROUTE = [
    *UP_TO_MEETING_1,
    *HELD_1,
    *AFTER_MEETING_1,
    *LOCAL,
    *LOGBOOK_ENTRY,
    *MEETING_2,
    *HELD_2,
    *READY,
    *PLANNING,
]


walk = partial(engine_moves.walk, GUIDE)
"""The team answers each question in turn, as it is shown; every effect, in order."""


def ids(moves: list[tuple[str, Any]]) -> list[str]:
    return [step_id for step_id, _ in moves]


def section(step_id: str) -> Section:
    return GUIDE.section_of(step_id)


def texts(node: Any) -> list[Text]:
    """Every user-facing string under a piece of the guide."""
    if isinstance(node, Text):
        return [node]
    if isinstance(node, list | tuple):
        return [t for item in node for t in texts(item)]
    if hasattr(type(node), "model_fields"):
        return [t for name in type(node).model_fields for t in texts(getattr(node, name))]
    return []


def read_where(words: str) -> list[tuple[str, str | None]]:
    """The sections (None) and steps whose intro, tips, question or help contain ``words``."""
    found: list[tuple[str, str | None]] = []
    for sec in GUIDE.sections:
        if any(words in t.da for t in [*sec.tips, sec.intro] if t):
            found.append((sec.id, None))
        found += [(sec.id, st.id) for st in sec.steps if any(words in t.da for t in [st.text, st.help, *st.tips] if t)]
    return found


def shown_at(step: Step, answers: dict[str, Any]) -> list[str]:
    """What the team reads at a step in Danish: question, help, tips, choices, and what it sets off."""
    texts = [step.text.da, *(t.da for t in step.tips), *(o.label.da for o in step.options)]
    texts += [step.help.da] if step.help else []
    texts += [n.message.da for n in step.nudges if n.when is None or holds(n.when, answers)]
    texts += [step.wait.message.da] if step.wait else []
    texts += [q.da for q in step.debrief.questions] if step.debrief else []
    return texts


# --- the six phases, in the report's order -------------------------------------------------------


def test_the_sections_are_the_six_phases_of_projektets_faser_in_order() -> None:
    # "Her ses et eksempel på, hvordan faserne er inden for den enkelte målgruppe: Opstart,
    # Observationer og research, Co-creation 1, Lokal idéudvikling, Co-creation 2,
    # Planlægning og udførsel."
    phases = ["Opstart", "Observationer og research", "Co-creation 1", "Lokal idéudvikling", "Co-creation 2"]
    phases.append("Planlægning og udførsel")

    titles = [s.title.da for s in GUIDE.sections]

    assert len(titles) == 6
    for number, (title, phase) in enumerate(zip(titles, phases, strict=True), start=1):
        assert title.startswith(f"Fase {number}: {phase}"), title


def test_the_main_route_goes_through_the_phases_in_the_reports_order() -> None:
    state, effects = walk(MAIN_ROUTE)

    assert active_path(GUIDE, state) == ids(MAIN_ROUTE)
    assert Finished(complete=True) in effects
    visited = list(dict.fromkeys(section(step_id).id for step_id in ids(MAIN_ROUTE)))
    assert visited == [s.id for s in GUIDE.sections]


def test_opstart_asks_target_group_focus_and_goals_before_any_observation() -> None:
    # Point 1: "Det er vigtigt at afgrænse målgruppen ... Valget af målgruppe kan yderligere
    # have en konsekvens for sammensætningen af projektgruppen ... tage udgangspunkt i,
    # hvilke lokale udfordringer der findes ... Tag et kig i den kommunale strategi". Every
    # case opens with "Mål og succeskriterier".
    opstart = [s.id for s in GUIDE.sections[0].steps]

    assert opstart[:2] == ["target_group_type", "target_group"]
    assert opstart.index("project_group") < opstart.index("local_challenges") < opstart.index("departments")
    assert opstart.index("departments") < opstart.index("goal") < opstart.index("success_criteria")
    assert section("observations").id != GUIDE.sections[0].id


def test_the_research_phase_goes_from_observations_to_personas_to_partners_to_the_invitation() -> None:
    # Point 2: observations -> "en eller flere personas" merged "til en eller to personas" ->
    # partners chosen from "personaens udfordringer" -> "Invitationen til at deltage".
    path = ids([*OBSERVED, *PARTNERS])

    assert path[:4] == ["observations", "personas_made", "persona", "persona_challenges"]
    assert path.index("persona_challenges") < path.index("sectors") < path.index("partners_senior")
    assert path.index("pre_meetings") < path.index("invitation_text") < path.index("invitations_sent")
    assert {section(step_id).id for step_id in path} == {"observationer"}


# --- success measured in stories, agreed at the start ---------------------------------------------


def test_success_criteria_are_set_at_the_start_and_measured_in_stories_not_loan_figures() -> None:
    # "Evalueringen bliver anderledes. Den kommer til at bestå af historier om, hvad der sker,
    # frem for excelark og statistikker." / "der ikke måles på for eksempel udlånstal".
    criteria = GUIDE.step("success_criteria")

    assert section("success_criteria").id == "opstart"
    assert criteria.kind == "list" and criteria.required
    assert "historier" in criteria.help.da and "udlånstal" in criteria.help.da


def test_success_criteria_not_agreed_with_management_are_taken_up_with_management() -> None:
    # "skal måle på andre måder, end organisationen er vant til. Den forventningsafklaring
    # er vigtig" – so a "Nej" leads to what the team will raise with management, even when
    # the backing and the resources are in place.
    not_agreed = [(s, "nej" if s == "success_agreed" else v) for s, v in OPSTART]
    state, _ = walk([*not_agreed, *KEEPS_A_LOGBOOK, *OBSERVED, *PARTNERS[:4]])

    assert current_step(GUIDE, state) == "management_plan"
    assert "succeskriterier" in GUIDE.step("management_plan").help.da
    assert "forventningsafklaring" in GUIDE.step("success_agreed").help.da

    agreed, _ = walk([*OPSTART, *KEEPS_A_LOGBOOK, *OBSERVED, *PARTNERS[:4]])
    assert current_step(GUIDE, agreed) == "door_opener"


# --- personas: recorded, waited for, revisited ------------------------------------------------------


def test_the_persona_the_team_wrote_is_kept_with_the_project() -> None:
    # "udarbejdes en eller flere personas, der er en visualisering og sammensat billede af
    # målgruppen" – and partners later "modificere personaen", so the persona must be kept.
    state, _ = walk([*OPSTART, *KEEPS_A_LOGBOOK, *OBSERVED])

    persona = GUIDE.step("persona")
    assert persona.kind == "text" and persona.required
    assert state.answers["persona"] == OBSERVED[2][1]


@pytest.mark.parametrize("words", ["Nej", "ikke endnu"])
def test_no_personas_yet_waits_there_with_the_way_to_make_them_and_asks_again(words: str) -> None:
    state, _ = walk([*OPSTART, *KEEPS_A_LOGBOOK, ("observations", "ja")])

    state, effects = advance(GUIDE, state, Answer(words, TODAY, "personas_made"))

    assert Waiting("personas_made", TODAY.isoformat()) in effects
    assert current_step(GUIDE, state) == "personas_made", "no persona is asked for before there is one"
    check_back = reminders(GUIDE, state)["personas_made:check-back"]
    assert check_back.suggested, "the report names no time for making personas"
    # How: each makes their own from the observations, then "sammenføjes ... til en eller to".
    assert "én eller to" in check_back.message.da and "observationerne" in check_back.message.da

    state, _ = walk([("personas_made", "ja")], state)
    assert current_step(GUIDE, state) == "persona"


def test_new_insight_after_the_first_meeting_revisits_the_persona_and_the_partners() -> None:
    # Case II (Morsø): "vi måtte igen lave persona-øvelsen"; "mulige iterationer foranlediget
    # af nye indsigter" (Projektets faser).
    start, _ = walk([*UP_TO_MEETING_1, *HELD_1, *AFTER_MEETING_1])

    both, _ = walk([("revisit", ["persona", "partners"])], start)
    assert current_step(GUIDE, both) == "persona_revised"
    both, _ = walk([("persona_revised", "Poul, 72, går til gymnastik, men kender ikke de andre foreninger.")], both)
    assert current_step(GUIDE, both) == "partners_revised"
    both, _ = walk([("partners_revised", "Pensionistforeningen\nGymnastiklederen")], both)
    assert current_step(GUIDE, both) == "between_meetings"
    assert both.answers["persona"] != both.answers["persona_revised"], "the first persona is kept too"

    nothing, _ = walk([("revisit", "ingen")], start)
    assert current_step(GUIDE, nothing) == "between_meetings"


# --- the target group itself as co-creators ------------------------------------------------------


@pytest.mark.parametrize("group", ["senior", "family", "youth", "refugees", "other"])
def test_the_target_group_itself_is_asked_about_as_a_co_creation_partner(group: str) -> None:
    # "Borgerne har været inddraget fra projektets start, enten i form af repræsentanter fra
    # målgruppen selv eller ved kommunale aktører og foreninger"; "metoder som personas,
    # billedinterviews, fokusgrupper"; Case I "interview som samskabelsesmetode"; Bilag 2
    # "Begge har nu en ambassadør på biblioteket".
    moves = [(s, group if s == "target_group_type" else v) for s, v in OPSTART]
    state, _ = walk([*moves, *KEEPS_A_LOGBOOK, *OBSERVED, ("sectors", ["third"])])
    state, _ = walk([(current_step(GUIDE, state), "Ældresagen")], state)

    assert current_step(GUIDE, state) == "target_group_voices"
    labels = " ".join(o.label.da for o in GUIDE.step("target_group_voices").options)
    for method in ("Interview", "Billedinterview", "Fokusgruppe", "co-creation-møderne", "Ambassadører"):
        assert method in labels


# --- partners by sector, as Bilag 1 and 2 place them -----------------------------------------------

SECTOR_HEADINGS = re.compile(r"\b(offentlige|privat|tredje sektor|uformel)\b", re.IGNORECASE)


def sector_of(help_text: str, word: str) -> str:
    """The sector heading ("Offentlige:", "Privat:", "Tredje sektor:") a word is listed under."""
    before = help_text[: help_text.lower().index(word.lower())]
    return SECTOR_HEADINGS.findall(before)[-1].lower()


def test_the_asylum_centre_is_a_private_partner_as_in_bilag_2() -> None:
    # Bilag 2, Kulturelle møder: "Private: Jammerbugt Asylcenter".
    refugees = GUIDE.step("partners_refugees").help.da

    assert sector_of(refugees, "asylcent") == "privat"
    assert "asylcenter" in GUIDE.step("sectors").option("private").label.da
    assert "asylcent" not in GUIDE.step("sectors").option("public").label.da


def test_enthusiasts_are_in_the_third_sector_as_in_bilag_1_and_2() -> None:
    # Bilag 1: "Den tredje sektor er karakteriseret ved organiserede forsamlinger, såsom
    # frivillige og foreninger"; "Den uformelle sektors aktører er karakteriseret ved hverken
    # at være offentlige, private eller organiserede". Bilag 2: "Tredje: læseklubber, frivillige
    # ildsjæle, foreninger, kirke og museer" and "Tredje: Foreninger, ildsjæle".
    sectors = GUIDE.step("sectors")

    assert "ildsjæle" in sectors.option("third").label.da
    assert "ildsjæle" not in sectors.option("informal").label.da
    assert "hverken offentlig, privat eller organiseret" in sectors.option("informal").label.da
    assert sector_of(sectors.help.da, "ildsjæle") == "tredje sektor"
    for group in ("partners_senior", "partners_refugees"):
        assert sector_of(GUIDE.step(group).help.da, "ildsjæle") == "tredje sektor", group


def test_the_production_school_is_private_and_the_language_centre_third_sector() -> None:
    # Bilag 2: "Privat: Produktionsskolen Meritten (selvejende institution)"; "Det tredje:
    # Samklang ..., Sprogcenter Mors".
    assert sector_of(GUIDE.step("partners_youth").help.da, "produktionsskolen") == "privat"
    assert sector_of(GUIDE.step("partners_refugees").help.da, "sprogcenter") == "tredje sektor"


@pytest.mark.parametrize(
    ("sectors", "expected"),
    [
        (["public"], "door_opener"),  # "lade sin bibliotekschef sparke døren ind"
        (["third"], "associations_contact"),  # "igangsættes over en telefonopringning"
        (["informal"], "associations_contact"),
        (["private"], "pre_meetings"),
    ],
)
def test_the_way_to_invite_depends_on_the_kind_of_partner(sectors: list[str], expected: str) -> None:
    # Point 2: "Invitationen til at deltage i et samskabelsesforløb er forskelligt alt efter
    # typen af partner."
    moves = [("sectors", sectors), *PARTNERS[1:4]]
    state, _ = walk([*OPSTART, *KEEPS_A_LOGBOOK, *OBSERVED, *moves])

    assert current_step(GUIDE, state) == expected


# --- pre-meetings, money and hours -------------------------------------------------------------


def test_a_cup_of_coffee_before_the_first_meeting_without_a_solution_under_the_arm() -> None:
    # Tema 3: "invitere sig på en kop kaffe nye steder uden at have en løsning under armen";
    # "brugt tid på en forventningsafstemning, så det kan blive et ligeværdigt projekt";
    # Tema 1: "bibliotekets rolle som neutral platform fremmer en ligeværdig relation".
    pre = GUIDE.step("pre_meetings")
    expectations = GUIDE.step("expectations")

    assert "kop kaffe" in pre.text.da and "uden en løsning under armen" in pre.help.da
    assert "ligeværdigt" in expectations.help.da
    assert "neutral grund" in GUIDE.step("meeting1_setup").option("neutral_ground").label.da
    path = ids(PARTNERS)
    assert path.index("pre_meetings") < path.index("expectations") < path.index("invitation_text")


def test_each_party_pays_its_own_hours_and_associations_can_share_costs_with_the_library() -> None:
    # Case I: "Biblioteket og asylcenteret har hver betalt for egne timer i forbrug, men
    # asylcenteret har betalt for kulturelle aktiviteter". Case VI: "Flere af foreningerne var
    # ikke vidende om, at de kunne samarbejde med biblioteket om for eksempel arrangementer og
    # økonomi hertil." Tema 1: "flere aktører er gået sammen om et fælles arrangement med en dyr
    # foredragsholder".
    money = GUIDE.step("money")

    assert "egne timer" in GUIDE.step("expectations").option("own_hours").label.da
    assert section("money").id == "planlaegning-udfoersel"
    assert "egne timer" in money.help.da
    assert "foreninger" in money.help.da and "dele udgifterne" in money.help.da


# --- the co-creation meetings ---------------------------------------------------------------------


def test_the_first_meeting_has_two_or_three_ways_in_three_to_ten_people_and_a_library_participant() -> None:
    # Point 3: "to-tre indgange til målgruppen", "minimum tre og maksimum ti deltagere",
    # "en deltagende medarbejder, som ikke har en faciliterende rolle".
    setup = {o.id: o.label.da for o in GUIDE.step("meeting1_setup").options}

    assert "2–3 indgange" in setup["entry_points"]
    assert "3" in setup["size"] and "10" in setup["size"]
    assert "uden at være facilitator" in setup["library_participant"]


@pytest.mark.parametrize("meeting", [2, 3])
def test_meetings_two_and_three_get_their_own_set_up(meeting: int) -> None:
    # The first meeting's rules hold for every meeting ("Ved alle møder med samskabelses-
    # partnere ... kaffen"); "Storyboard ... Bruges til andet eller tredje co-creation møde."
    steps = [s.id for s in section(f"meeting{meeting}_date").steps]
    start = steps.index(f"meeting{meeting}_date")

    assert steps[start : start + 5] == [f"meeting{meeting}_{s}" for s in ("date", "invite", "setup", "tools", "held")]
    setup = {o.id for o in GUIDE.step(f"meeting{meeting}_setup").options}
    assert {"facilitator", "library_participant", "documenter", "coffee"} <= setup
    assert GUIDE.step(f"meeting{meeting}_tools").options[0].id == "storyboard"
    assert GUIDE.step(f"meeting{meeting}_invite").kind == "list"


def test_another_round_reworks_the_draft_before_a_third_meeting() -> None:
    # "Dette sammenlagt med mulige iterationer foranlediget af nye indsigter"; the storyboard
    # is for the second or third meeting.
    state, _ = walk([*MAIN_ROUTE[: MAIN_ROUTE.index(READY[0])], ("concept_status", "another_round")])

    assert current_step(GUIDE, state) == "concept_rework"
    rework, revised = GUIDE.step("concept_rework"), GUIDE.step("concept_revised")
    assert rework.kind == "list" and rework.required and revised.required
    state, _ = walk(
        [("concept_rework", "Kortere møder\nFlere foreninger"), ("concept_revised", "Fire mandage.")], state
    )
    assert current_step(GUIDE, state) == "meeting3_date"


def test_a_meeting_that_was_moved_gets_a_new_date_and_is_asked_about_again() -> None:
    # "tidsplaner rykkes, og processen nemt kan forlænges med flere måneder".
    state, _ = walk([*UP_TO_MEETING_1, ("meeting1_held", "moved")])
    assert current_step(GUIDE, state) == "meeting1_new_date"

    state, effects = walk([("meeting1_new_date", "01.03.2027")], state)
    assert current_step(GUIDE, state) == "meeting1_held_again"
    # Documenting "før, under og efter" follows the meeting to its new date.
    moved = {
        e.offset.days: e.on_date for e in effects if isinstance(e, ScheduleNudge) and e.step == "meeting1_new_date"
    }
    assert moved == {-2: date(2027, 3, 1), 1: date(2027, 3, 1)}

    state, effects = advance(GUIDE, state, Answer("nej", TODAY, "meeting1_held_again"))
    assert waiting_for(GUIDE, state) == "meeting1_held_again", "not held yet: wait and ask again"
    assert "meeting1_held_again:check-back" in reminders(GUIDE, state)

    state, effects = walk([("meeting1_held_again", "ja")], state)
    assert current_step(GUIDE, state) == "dev_questions"
    assert [e.step for e in effects if isinstance(e, OpenDebrief)] == ["meeting1_held_again"]


def test_nobody_came_makes_the_team_rethink_before_a_new_date() -> None:
    # Case V: "selv om biblioteket indbyder til møde, så er det ikke sikkert, der dukker nogen
    # op. Det gør, at projektmedarbejderne skal starte om igen og måske gentænke, om den måde
    # de griber det an på, er rigtig."
    state, _ = walk([*UP_TO_MEETING_1, ("meeting1_held", "no_show")])
    assert current_step(GUIDE, state) == "meeting1_rethink"

    state, _ = walk(
        [("meeting1_rethink", "Vi ringer i stedet for at maile"), ("meeting1_new_date", "01.03.2027")], state
    )
    assert current_step(GUIDE, state) == "meeting1_held_again"


@pytest.mark.parametrize("meeting", [2, 3])
def test_a_later_meeting_that_did_not_happen_gets_a_new_date_too(meeting: int) -> None:
    # "tidsplaner rykkes ... når mange partnere skal få deres kalendere til at arbejde
    # sammen" holds for the second and third meeting as much as for the first.
    before = MAIN_ROUTE[: MAIN_ROUTE.index(HELD_2[0])]
    if meeting == 3:
        third = [
            ("meeting3_date", "01.09.2027"),
            ("meeting3_invite", "Ældresagen"),
            ("meeting3_setup", ["coffee"]),
            ("meeting3_tools", ["storyboard"]),
        ]
        rework = [("concept_rework", "Kortere møder"), ("concept_revised", "Fire mandage.")]
        before = [*before, *HELD_2, ("concept_status", "another_round"), *rework, *third]
    state, _ = walk([*before, (f"meeting{meeting}_held", "moved"), (f"meeting{meeting}_new_date", "01.10.2027")])

    assert current_step(GUIDE, state) == f"meeting{meeting}_held_again"
    state, _ = walk([(f"meeting{meeting}_held_again", "ja")], state)
    assert current_step(GUIDE, state) == ("concept_status" if meeting == 2 else "implementation_plan")


# --- between the meetings -----------------------------------------------------------------------


def test_the_long_gap_between_meetings_is_named_with_what_to_do_in_it() -> None:
    # Tema 3: "det kræver meget at opretholde energien, når næste mulighed for at mødes ligger
    # tre måneder fremme"; Case X: "Vi har siddet på hænderne ind imellem og ventet på udspil";
    # Case III: "inspiration fra andre brancher i vores interne idéudvikling".
    gap = GUIDE.step("between_meetings")

    assert section("between_meetings").id == "lokal-ideudvikling"
    assert "tre måneder" in gap.help.da and "tro på metoden" in gap.help.da
    assert {"develop", "keep_contact", "inspiration"} <= {o.id for o in gap.options}


def test_postponing_concrete_ideas_is_advised_while_getting_to_know_the_target_group() -> None:
    # Tema 1: "den konkrete idéudvikling udskydes længst muligt, og ... tiden bruges på at lære
    # borgergruppen at kende" – advice for the research phase, not for the step that asks
    # for the ideas in "Lokal idéudvikling".
    assert read_where("Udskyd den konkrete idéudvikling") == [("observationer", None)]


# --- the seven strong cups of coffee -------------------------------------------------------------

CUPS = [
    "Gå ud med spørgsmål",
    "ledelsen bane vejen",
    "samskabelsespartner",
    "velfærdssamfundet",
    "opgaveløser",
    "kernekompetencer",
    "nøglen til samfundet",
]


def test_the_seven_strong_cups_of_coffee_are_named_and_gathered_at_the_start() -> None:
    # "I indledningen er projektets vigtigste konklusioner pinpointet; de såkaldte syv stærke
    # kopper kaffe."
    [cups] = [t.da for t in GUIDE.sections[0].tips if "Syv stærke kopper kaffe" in t.da]

    lines = cups.splitlines()[1:]
    assert len(lines) == 7
    for number, (line, words) in enumerate(zip(lines, CUPS, strict=True), start=1):
        assert line.startswith(f"{number}. ") and words in line, line


@pytest.mark.parametrize(
    "words", ["Gå ud med spørgsmål", "bane vejen for samskabelse", "opgaveløser", "kernekompetencer", "nøglen til"]
)
def test_a_cup_of_coffee_is_not_repeated_unnamed_elsewhere(words: str) -> None:
    for text in texts(GUIDE):
        if words in text.da and not text.da.startswith("Syv stærke kopper kaffe"):
            assert "syv stærke kopper kaffe" in text.da.lower(), text.da


# --- the logbook, and no logbook ------------------------------------------------------------------


def test_a_team_with_a_logbook_is_reminded_weekly_as_our_suggestion_and_asked_about_decisions() -> None:
    # "et godt værktøj i et samskabelsesforløb [er] brugen af en logbog" – the report names no
    # rhythm, so weekly is the coach's suggestion.
    state, _ = walk([*OPSTART, *KEEPS_A_LOGBOOK])

    [weekly] = [n for n in reminders(GUIDE, state).values() if n.kind == "logbook"]
    assert weekly.suggested and weekly.repeat == "weekly"
    # "indeholder svar på besværlige beslutninger, gruppen har taget"
    assert "logbook_decisions" in active_path(GUIDE, walk(MAIN_ROUTE)[0])


def test_a_team_without_a_logbook_is_offered_the_chats_and_may_decline_it() -> None:
    # The logbook "dokumenterer projektgruppens arbejde ... og den opbevarer informationerne
    # over tid" – the chat keeps one; a team that wants none is not reminded of it.
    state, _ = walk([*OPSTART, ("logbook_start", "nej")])
    assert current_step(GUIDE, state) == "logbook_here"

    here, _ = walk([("logbook_here", "ja")], state)
    assert [n.kind for n in reminders(GUIDE, here).values()] == ["logbook"]

    none, _ = walk([("logbook_here", "nej")], state)
    assert not reminders(GUIDE, none)
    assert current_step(GUIDE, none) == "observations"


def test_after_no_logbook_nothing_on_the_way_mentions_the_logbook_again() -> None:
    # The "Logbog:" question of phase 4 and every tip about the logbook belong to teams that
    # keep one.
    route = [m for m in MAIN_ROUTE if m not in KEEPS_A_LOGBOOK and m not in LOGBOOK_ENTRY]
    route = [*route[: len(OPSTART)], *NO_LOGBOOK, *route[len(OPSTART) :]]
    state, effects = walk(route)

    assert Finished(complete=True) in effects
    after = active_path(GUIDE, state)
    after = after[after.index("logbook_here") + 1 :]
    assert "logbook_decisions" not in after
    entered = {section(step_id).id for step_id in after} - {"opstart"}
    shown = [t.da for sec in GUIDE.sections if sec.id in entered for t in [*sec.tips, sec.intro] if t]
    shown += [text for step_id in after for text in shown_at(GUIDE.step(step_id), state.answers)]
    assert not [text for text in shown if "logbog" in text.lower()]


# --- timings the report does not name ---------------------------------------------------------------


def test_documenting_before_and_after_every_meeting_date_is_our_suggested_timing() -> None:
    # Point 3: "Det er vigtigt at dokumentere både før, under og efter møderne" – no days named.
    dates = [s for s in GUIDE.steps if s.kind == "date"]

    assert {s.id for s in dates} == {f"meeting{n}_{d}" for n in (1, 2, 3) for d in ("date", "new_date")}
    for step in dates:
        documenting = [n for n in step.nudges if n.kind == "document_meeting"]
        assert sorted(n.offset.days for n in documenting) == [-2, 1], step.id
        assert all(n.at == step.id and n.suggested for n in documenting), step.id


def test_every_timing_in_the_guide_is_marked_as_ours() -> None:
    # The report names no day, week or month for any reminder.
    timings = [n for s in GUIDE.steps for n in s.nudges] + [s.wait for s in GUIDE.steps if s.wait]

    assert timings and all(t.suggested or (t.after is None and t.at is None) for t in timings)


@pytest.mark.parametrize("words", ["Nej", "ikke endnu"])
def test_invitations_not_sent_yet_wait_with_advice_on_who_can_open_the_door(words: str) -> None:
    # Point 2: "lade sin bibliotekschef sparke døren ind"; "kan igangsættes over en
    # telefonopringning".
    state, _ = walk([*OPSTART, *KEEPS_A_LOGBOOK, *OBSERVED, *PARTNERS[:-1]])

    state, effects = advance(GUIDE, state, Answer(words, TODAY, "invitations_sent"))

    assert Waiting("invitations_sent", TODAY.isoformat()) in effects
    assert current_step(GUIDE, state) == "invitations_sent", "no meeting date before the invitations are out"
    message = reminders(GUIDE, state)["invitations_sent:check-back"].message.da
    assert "bibliotekschefen" in message and "opringning" in message


# --- wording ---------------------------------------------------------------------------------------


def test_the_danish_is_plain_and_consistent() -> None:
    for text in (t.da for t in texts(GUIDE)):
        assert "Udnyt kollega" not in text and "Hver i " not in text, text
        assert not re.search(r"\w+ér\b", text), f"“Inviter”, not “Invitér”: {text}"
        assert not re.search(r"co-creation (møde|mødet|møder|møderne)\b", text), text
        assert not re.search(r"\d-\d", text), f"a range takes an en dash: {text}"
        assert "'" not in text and "„" not in text and '"' not in text, f"quotes are “…”: {text}"


def test_the_english_says_partner_not_actor() -> None:
    for text in (t.en for t in texts(GUIDE)):
        assert not re.search(r"\bactors?\b", text), text
        assert "red thread" not in text and "kick" not in text, text


# --- in the chat --------------------------------------------------------------------------------------


async def test_in_the_chat_a_moved_first_meeting_is_asked_about_again_and_no_logbook_is_ever_due(
    team: Team,
) -> None:
    await team.command("start samskabelse Seniorliv på valgfag")
    moves = [*OPSTART, *NO_LOGBOOK, *OBSERVED, *PARTNERS, *MEETING_1]
    for step_id, value in moves:
        replies = await team.click(step_id, value)
    assert asked(replies) == "meeting1_held"

    replies = await team.click("meeting1_held", "moved")
    assert asked(replies) == "meeting1_new_date"
    replies = await team.say("01.03.2027")
    assert asked(replies) == "meeting1_held_again"
    replies = await team.say("Nej")
    assert "Jeg spørger igen" in said(replies)

    async with team.coach.db.session() as session:
        repo = WorkspaceRepo(session, (await find_workspace(session, "web", "local")).id)
        [project] = await repo.projects()
        pending = {n.dedupe_key.split(":", 1)[1] for n in await repo.nudges(project.id) if n.status == "pending"}
        assert project.answers["persona"] == OBSERVED[2][1], "the persona is kept"
    assert "meeting1_held_again:check-back" in pending
    assert not [key for key in pending if ":logbook:" in key], "the team keeps no logbook"
    assert {"meeting1_new_date:document_meeting:0", "meeting1_new_date:document_meeting:1"} <= pending
