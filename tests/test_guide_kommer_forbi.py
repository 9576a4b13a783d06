"""“Biblioteket kommer forbi” as a team lives it, written by hand from the document
(/work/shared/seeds/000_4548e2262d382181.txt); each test quotes the part it checks.

The document in short: before the guide, know the target group and whom to visit
(otherwise start with “Afdækning: Hvem kender vores målgruppe bedst?”). Step 1 finds the
right person and the way in, by how well you know them. Step 2 prepares the meeting.
Step 3 is the visit, the debriefing right after it, a presentation for colleagues and an
agreed follow-up. “Tid: Planlægning ca. 1,5 time. Afvikling af møde(r) ca. 1 time pr. møde.”
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from functools import partial
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from pydantic import BaseModel

from bot.replies import Reply, TipReply
from flows.engine import (
    Answer,
    FlowState,
    OpenDebrief,
    Paused,
    Rejected,
    ScheduleNudge,
    Waiting,
    active_path,
    advance,
    current_step,
    paused_at,
    reminders,
)
from flows.model import PromptKind, Text
from tests import engine_moves
from tests.conftest import Team, asked, said
from tests.engine_moves import READY, TODAY, VISIT

COPENHAGEN = ZoneInfo("Europe/Copenhagen")
MEETING = date(2026, 12, 10)

# Step 1, “Følg ét af følgende trin”, one list per kind of relation.
CLOSE = [("relation", "close"), ("call_close", "ja")]  # “gribe knoglen og ringe til vedkommende”
ACQUAINTANCE = [  # “formulerer I en kort mail … ring til vedkommende først … Straks efter opkaldet sender I mailen”
    ("relation", "acquaintance"),
    ("acq_mail_draft", "Kære Jens, vi vil gerne besøge jer"),
    ("acq_call", "ja"),
    ("acq_mail_sent", "ja"),
    ("acq_followed_up", "ja"),  # “og følger op efter senest en uge”
]
NO_RELATION = [  # “starte med lidt research … sender I en mail … Motivér gerne mailen”
    ("relation", "none"),
    ("none_research", "Centerlederen, fundet via hovednummeret"),
    ("none_mail", "1, 2, 3"),
    ("none_mail_sent", "ja"),
]
# Step 2, “Forbered mødet”.
PREPARE = [
    ("meeting_date", "10.12.2026"),
    ("meeting_purpose", "Lære de unge i klubben at kende"),  # “Vær tydelig om jeres hensigt med mødet”
    ("right_participants", "ja"),  # “sørg for, at de rette personer deltager”
    ("key_questions", "Hvad laver de?\nHvad mangler de?\nHvor finder de information?"),  # “3-4 centrale spørgsmål”
    ("agenda_sent", "ja"),  # “Send en dagsorden i god tid”
    ("tour", "ja"),  # “bed om at kombinere mødet med en kort rundvisning”
    ("what_we_offer", "Lektiecafé og gaming-aftener"),  # “hvad I eventuelt kunne tilbyde jeres mødepartner”
]
# Step 3, before the visit: who goes, what to ask, how to document.
BEFORE_THE_VISIT = [("visit_team", "Anna\nBo"), ("visit_questions", "alle"), ("documentation", "1, 2")]
# Step 3, after it: debriefing, colleagues, follow-up.
AFTER_THE_VISIT = [
    ("visited", "ja"),
    ("debriefed", "ja"),
    ("presented", "ja"),
    ("offer_ideas", "Lektiehjælp om aftenen"),
    ("follow_up_tasks", "Send tak-mail – Ali\nPlanlæg pilotforløb – Anna"),
    ("follow_up_date", "7.1.2027"),
    ("wrap_up", "Pilotforløbet i februar"),
]

FIRST = ["target_group_chosen", "target_group", "actors_chosen", "actors", "contact_person", "relation"]
STEP_2 = [
    "meeting_date",
    "meeting_purpose",
    "right_participants",
    "key_questions",
    "agenda_sent",
    "tour",
    "what_we_offer",
]
STEP_3 = [
    "visit_team",
    "visit_questions",
    "documentation",
    "visited",
    "debriefed",
    "presented",
    "offer_ideas",
    "follow_up_tasks",
    "follow_up_date",
    "wrap_up",
]


walk = partial(engine_moves.walk, VISIT)
"""The team answers each question in turn, as it is shown; every effect, in order."""


def walk_until(step: str, moves: list[tuple[str, Any]]) -> FlowState:
    """Answer ``moves`` up to the point where ``step`` is the question shown."""
    index = [s for s, _ in moves].index(step)
    state, _ = walk(moves[:index])
    assert current_step(VISIT, state) == step
    return state


def texts(node: Any, lang: str) -> list[str]:
    """Every user-facing string of a guide (or part of one) in ``lang``."""
    if isinstance(node, Text):
        return [node.get(lang)]
    if isinstance(node, BaseModel):
        return [text for name in type(node).model_fields for text in texts(getattr(node, name), lang)]
    if isinstance(node, list | tuple):
        return [text for value in node for text in texts(value, lang)]
    return []


def tips(replies: list[Reply]) -> str:
    return "\n".join(r.text.plain() for r in replies if isinstance(r, TipReply))


def due(nudge: ScheduleNudge) -> datetime:
    return nudge.due_at(datetime(2026, 11, 23, 9, 0, tzinfo=UTC), COPENHAGEN).astimezone(COPENHAGEN)


# --- the order of the steps along each route ------------------------------------------------------


@pytest.mark.parametrize(
    ("way_in", "step_1"),
    [
        (CLOSE, ["call_close"]),
        (ACQUAINTANCE, ["acq_mail_draft", "acq_call", "acq_mail_sent", "acq_followed_up"]),
        (NO_RELATION, ["none_research", "none_mail", "none_mail_sent"]),
    ],
    ids=["nær relation", "god bekendt", "ingen relation"],
)
def test_each_way_in_leads_through_step_2_and_the_visit_in_the_documents_order(
    way_in: list[tuple[str, Any]], step_1: list[str]
) -> None:
    state, effects = walk([*READY, *way_in, *PREPARE, *BEFORE_THE_VISIT, *AFTER_THE_VISIT])

    assert active_path(VISIT, state) == [*FIRST, *step_1, *STEP_2, *STEP_3]
    assert state.finished


def test_the_visit_comes_before_the_debriefing_which_comes_before_colleagues_and_the_follow_up() -> None:
    # Step 3: “Så er det tid til at tage på visit” … “Når I kommer retur fra besøget, så hold et
    # debriefing møde - og gerne lige med det samme” … “Hold et oplæg for jeres kollegaer” …
    # “Aftal, hvordan og hvornår I følger op - og gerne med konkrete opgaver og ansvarsfordeling.”
    shown = []
    state, _ = walk([*READY, *CLOSE, *PREPARE])
    for step, value in [*BEFORE_THE_VISIT, *AFTER_THE_VISIT]:
        shown.append(current_step(VISIT, state))
        state, _ = walk([(step, value)], state)

    assert shown == STEP_3
    assert "kolleger" in VISIT.step("presented").text.da
    assert "opgaver" in VISIT.step("follow_up_tasks").text.da and "ansvarlig" in VISIT.step("follow_up_tasks").text.da
    assert VISIT.step("follow_up_date").kind is PromptKind.DATE, "“hvordan og hvornår I følger op”"


def test_what_is_asked_before_the_visit_speaks_of_the_visit_still_to_come() -> None:
    # “Under og efter jeres besøg kan I følge disse råd: … tag masser af noter undervejs … tag
    # billeder og evt. video (hvis tilladt)”: asked before “Har I været på besøget?”, so as a plan.
    documentation = VISIT.step("documentation")

    assert "I vil" in documentation.text.da and "will" in documentation.text.en
    labels = [option.label.da for option in documentation.options]
    assert [label.split()[0] for label in labels] == ["Tage", "Tage", "Tage"], "infinitives, not “Taget”"
    assert any("noter" in label for label in labels) and any("billeder" in label for label in labels)


def test_no_to_the_right_participants_asks_who_is_missing_before_the_key_questions() -> None:
    # Step 2: “sørg for, at de rette personer deltager. Der skal helst være beslutningskompetence
    # og faglig viden med ved bordet.”
    state = walk_until("right_participants", [*READY, *CLOSE, *PREPARE])

    state, _ = walk([("right_participants", "nej")], state)
    assert current_step(VISIT, state) == "missing_participants"
    question = VISIT.step("missing_participants").text.da
    assert "beslutningskompetence" in question and "faglig viden" in question

    state, _ = walk([("missing_participants", "Vi inviterer også klubbens formand")], state)
    assert current_step(VISIT, state) == "key_questions"


# --- the debriefing opens right after the visit ------------------------------------------------------


def test_nothing_reminds_of_the_debriefing_before_the_visit_is_made() -> None:
    # “Når I kommer retur fra besøget, så hold et debriefing møde”: not on the morning of the meeting.
    state, effects = walk([*READY, *CLOSE, *PREPARE, *BEFORE_THE_VISIT, ("visited", "nej")])

    assert not [e for e in effects if isinstance(e, OpenDebrief)]
    assert not [n for step in VISIT.steps for n in step.nudges if n.kind == "debrief"]
    waiting = reminders(VISIT, state)
    assert list(waiting) == ["visited:check-back"], "only the question whether the visit has been made"
    assert all(due(nudge).date() > MEETING for nudge in waiting.values()), "nothing is due before the visit"


def test_the_debriefing_thread_opens_as_soon_as_the_visit_is_marked_done() -> None:
    # “og gerne lige med det samme. På mødet deler I jeres indtryk og sammenfatter jeres indsigter.”
    state = walk_until("visited", [*READY, *CLOSE, *PREPARE, *BEFORE_THE_VISIT, *AFTER_THE_VISIT])

    state, effects = walk([("visited", "ja")], state)

    [debrief] = [e for e in effects if isinstance(e, OpenDebrief)]
    assert debrief.step == "visited"
    questions = " ".join(q.da for q in debrief.questions)
    assert "indtryk" in questions and "indsigter" in questions
    assert current_step(VISIT, state) == "debriefed", "the next question is the debriefing itself"


async def test_the_coach_opens_the_debriefing_in_the_same_turn_as_the_visit_is_done(team: Team) -> None:
    await team.command("start kommer-forbi Ungdomsklubben")
    for _, value in [*READY, *CLOSE, *PREPARE, *BEFORE_THE_VISIT]:
        replies = await team.say(value)
    assert asked(replies) == "visited"

    replies = await team.say("ja")

    assert "Jeg åbner en tråd" in said(replies)
    assert asked(replies) == "debriefed"


# --- words the document gives -------------------------------------------------------------------------


async def test_the_husk_tip_of_step_1_says_most_people_find_you_interesting(team: Team) -> None:
    # Step 1, “Husk! … Sæt ikke jeres lys under en skæppe. I er interessante at tale med for de fleste!”
    await team.command("start kommer-forbi Ungdomsklubben")
    for _, value in READY[:-1]:
        replies = await team.say(value)

    assert asked(replies) == "contact_person"
    assert "Husk!" in tips(replies) and "for de fleste" in tips(replies)
    [husk] = VISIT.section_of("contact_person").tips
    assert "most people" in husk.en


async def test_the_times_the_document_names_are_shown_where_planning_and_the_visit_begin(team: Team) -> None:
    # “Tid: Planlægning ca. 1,5 time. Afvikling af møde(r) ca. 1 time pr. møde.”
    assert VISIT.duration is not None
    assert "1,5 time" in VISIT.duration.da and "1 time pr. møde" in VISIT.duration.da
    await team.command("start kommer-forbi Ungdomsklubben")
    for _, value in [*READY, *CLOSE[:-1]]:
        await team.say(value)

    entering_step_2 = await team.say("ja")  # the call is made
    assert asked(entering_step_2) == "meeting_date"
    assert "ca. 1,5 time" in said(entering_step_2)

    for _, value in PREPARE[:-1]:
        await team.say(value)
    entering_step_3 = await team.say(PREPARE[-1][1])
    assert asked(entering_step_3) == "visit_team"
    assert "ca. 1 time pr. møde" in said(entering_step_3)
    assert "1.5 hours" in VISIT.section_of("meeting_date").intro.en  # type: ignore[union-attr]
    assert "1 hour per meeting" in VISIT.section_of("visit_team").intro.en  # type: ignore[union-attr]


def test_each_kind_of_relation_reads_as_an_answer_to_which_relation_you_have() -> None:
    # Step 1: “Vi har en nær personlig relation” / “Vi har en god bekendt” / “Vi har ingen personlig
    # relation”: the middle one does not answer “Hvilken relation har I til vedkommende?”.
    relation = VISIT.step("relation")

    assert [o.label.da for o in relation.options] == [
        "Vi har en nær personlig relation",
        "Vedkommende er en god bekendt",
        "Vi har ingen personlig relation",
    ]
    assert relation.option("acquaintance").label.en == "They are a good acquaintance"  # type: ignore[union-attr]


def test_the_follow_up_day_reminder_says_plainly_that_today_is_the_agreed_day() -> None:
    # “Aftal, hvordan og hvornår I følger op”: the team's own date, reminded on that day.
    state, effects = walk([*READY, *CLOSE, *PREPARE, *BEFORE_THE_VISIT, *AFTER_THE_VISIT[:-1]])

    [follow_up] = [e for e in effects if isinstance(e, ScheduleNudge) and e.step == "follow_up_date"]
    assert follow_up.on_date == date(2027, 1, 7) and follow_up.offset == timedelta(0)
    assert not follow_up.suggested, "the date is the team's own"
    assert follow_up.message.da.startswith("I aftalte at følge op på besøget i dag.")
    assert "I dag har I aftalt" not in follow_up.message.da


# --- timings: the document's, or the coach's suggestion -------------------------------------------------


def test_the_week_after_the_mail_is_the_documents_own_timing() -> None:
    # “Straks efter opkaldet sender I mailen og følger op efter senest en uge.”
    _, effects = walk([*READY, *ACQUAINTANCE[:-1]])

    [follow_up] = [e for e in effects if isinstance(e, ScheduleNudge) and e.kind == "follow_up"]
    assert follow_up.after == timedelta(days=7)
    assert not follow_up.suggested


def test_timings_the_document_does_not_name_are_the_coachs_suggestions() -> None:
    # “Send en dagsorden i god tid”: five days before is ours. The document names no day for
    # checking whether the visit or the debriefing happened, nor for coming back after the mapping.
    _, agenda = walk([*READY, *CLOSE, *PREPARE[:4], ("agenda_sent", "nej")])
    _, visit = walk([*READY, *CLOSE, *PREPARE, *BEFORE_THE_VISIT, ("visited", "nej")])
    _, debrief = walk([*READY, *CLOSE, *PREPARE, *BEFORE_THE_VISIT, ("visited", "ja"), ("debriefed", "nej")])
    _, mapping = walk([("target_group_chosen", "nej"), ("start_with_mapping", "nej"), ("stop_here", "Vi kortlægger")])

    [agenda_check] = [e for e in agenda if isinstance(e, ScheduleNudge)]
    assert (agenda_check.on_date, agenda_check.offset, agenda_check.suggested) == (MEETING, timedelta(days=-5), True)
    [visit_check] = [e for e in visit if isinstance(e, ScheduleNudge)]
    assert (visit_check.on_date, visit_check.offset, visit_check.suggested) == (MEETING, timedelta(days=1), True)
    [debrief_check] = [e for e in debrief if isinstance(e, ScheduleNudge)]
    assert (debrief_check.after, debrief_check.suggested) == (timedelta(days=1), True)
    [come_back] = [e for e in mapping if isinstance(e, ScheduleNudge)]
    assert (come_back.after, come_back.suggested) == (timedelta(days=14), True)


# --- every “Nej” leads somewhere ----------------------------------------------------------------------

EVERY_ROUTE = [
    [*READY, *route, *PREPARE, *BEFORE_THE_VISIT, *AFTER_THE_VISIT] for route in (CLOSE, ACQUAINTANCE, NO_RELATION)
]


@pytest.mark.parametrize("step", [s.id for s in VISIT.steps if s.kind is PromptKind.CONFIRM])
def test_no_to_any_yes_no_question_leads_to_a_next_question_a_check_back_or_a_pause(step: str) -> None:
    route = next((moves for moves in EVERY_ROUTE if step in [s for s, _ in moves]), None)
    if route is None:  # the questions of “Inden I starter” when the answer is no
        route = [("target_group_chosen", "nej"), ("start_with_mapping", "nej")]
    state = walk_until(step, route)

    state, effects = advance(VISIT, state, Answer("nej", TODAY, step))

    assert not [e for e in effects if isinstance(e, Rejected)]
    if VISIT.step(step).wait is not None:  # “not yet”: stay, and be asked again
        assert isinstance(effects[0], Waiting)
        assert f"{step}:check-back" in reminders(VISIT, state)
    else:
        assert current_step(VISIT, state) not in (None, step) or paused_at(VISIT, state) is not None


def test_not_ready_for_the_guide_recommends_the_mapping_tool_and_pauses_until_the_team_comes_back() -> None:
    # “Har I ikke ovenstående på plads, anbefales I at starte med redskabet “Afdækning: Hvem kender
    # vores målgruppe bedst?”.”
    for not_ready in ([("target_group_chosen", "nej")], [*READY[:2], ("actors_chosen", "nej")]):
        state, _ = walk(not_ready)
        assert current_step(VISIT, state) == "start_with_mapping"
        assert "Afdækning: Hvem kender vores målgruppe bedst?" in VISIT.step("start_with_mapping").text.da

    _, effects = walk([("target_group_chosen", "nej"), ("start_with_mapping", "nej"), ("stop_here", "Vi kortlægger")])
    assert effects[-1] == Paused("stop_here")


# --- plain Danish and English ---------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["da", "en"])
def test_ranges_use_an_en_dash_and_quotes_are_of_one_kind(lang: str) -> None:
    strings = texts(VISIT, lang)

    assert not [s for s in strings if re.search(r"\d-\d", s)], "“3–4”, not “3-4”"
    assert not [s for s in strings if re.search(r"[„‘’\"]|(?<!\w)'\w", s)], "only “…”"


def test_the_english_says_person_or_organisation_not_actor() -> None:
    assert not [s for s in texts(VISIT, "en") if re.search(r"\bactors?\b", s, re.I)]


def test_danish_imperatives_are_written_without_an_accent() -> None:
    # “Inviter”, not “Invitér”: the same for every verb on -ere.
    assert not [s for s in texts(VISIT, "da") if re.search(r"\b\w+ér\b", s)]
