"""Reminders and debriefs follow the branch a team is on, and leave with a branch the team leaves.

Written from "Biblioteket kommer forbi" (000_4548e2262d382181.txt: a good acquaintance
gets the mail straight after the call and a follow-up "senest en uge" later; the agenda
goes out "i god tid"; a debriefing meeting right after the visit) and "Vejviseren"
(003_f553b7d5c91bd39d.txt: Trin 3.A, 3.B or 3.C, then communication before and after the
activity in Trin 4), and from their guide files.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

from flows.engine import (
    Answer,
    Back,
    CancelNudge,
    Edit,
    Effect,
    FlowState,
    GoTo,
    MarkSkipped,
    OpenDebrief,
    Rejected,
    SaveAnswer,
    ScheduleNudge,
    Waiting,
    active_path,
    advance,
    current_step,
    reminders,
)
from flows.model import Guide
from tests.engine_moves import READY, SIGNPOST, TODAY, VISIT, walk
from tests.guide_paths import SKIP

FOLLOW_UP = "acq_mail_sent:follow_up:0"
MAIL_CHECK_BACK = "acq_mail_sent:check-back"
AGENDA = "agenda_sent:check-back"
VISITED_CHECK_BACK = "visited:check-back"
DEBRIEF_THREAD = "visited:debrief"
BOOKING = "activity_date:communication_booking:0"
BEFORE = "activity_date:communication_before:1"
AFTER = "activity_date:communication_after:2"

ACQUAINTANCE = [
    ("relation", "acquaintance"),
    ("acq_mail_draft", "Kære Mette ..."),
    ("acq_call", "ja"),
    ("acq_mail_sent", "ja"),
]
# "følger op efter senest en uge": they had a reply, so the follow-up reminder is done with.
FOLLOWED_UP = [("acq_followed_up", "ja")]
NO_RELATION = [
    ("none_research", "Centerlederen, fundet via hovednummeret"),
    ("none_mail", "1, 2, 3"),
    ("none_mail_sent", "ja"),
]
PREPARE = [
    ("meeting_date", "10.12.2026"),
    ("meeting_purpose", "Lære de unge i klubben at kende"),
    ("right_participants", "ja"),
    ("key_questions", "Hvad laver de?\nHvad mangler de?\nHvor finder de information?"),
    ("agenda_sent", "ja"),
    ("tour", "ja"),
    ("what_we_offer", "Gaming-aftener og lektiecafé"),
]
BEFORE_THE_AGENDA = PREPARE[:4]
VISIT_DAY = [("visit_team", "Anna\nBo"), ("visit_questions", "alle"), ("documentation", "1, 2"), ("visited", "ja")]

TO_ROUTE = [
    ("town", "Bryrup"),
    ("desk_citizens", SKIP),
    ("desk_associations", SKIP),
    ("desk_meeting_places", SKIP),
    ("desk_channels", SKIP),
    ("library_data", SKIP),
    ("qualitative", SKIP),
    ("decision", "ja"),
    ("key_person", "obvious"),
    ("key_person_who", "Dagtilbudslederen, via mail"),
    ("low_hanging_fruit", SKIP),
    ("broadcast_channels", SKIP),
    ("out_of_house", SKIP),
    ("local_events_list", SKIP),
    ("contact_made", "ja"),
]
SELF_HELP = [
    ("route", "self_help"),
    ("a_idea", "Borgerforeningen vil starte en læseklub i forsamlingshuset"),
    ("a_target", SKIP),
    ("a_needs", SKIP),
    ("a_help_areas", SKIP),
    ("a_one_off", SKIP),
    ("a_connect", SKIP),
    ("a_support", SKIP),
    ("a_anchoring", SKIP),
    ("a_duration", SKIP),
]
CO_CREATION = [
    ("b_relations", SKIP),
    ("b_contribution", SKIP),
    ("b_frame", SKIP),
    ("b_roles", SKIP),
    ("b_expectations", SKIP),
]


def edit(guide: Guide, state: FlowState, step: str, value: Any) -> tuple[FlowState, list[Effect]]:
    state, effects = advance(guide, state, Edit(step, value, TODAY))
    assert not [e for e in effects if isinstance(e, Rejected)], f"{step}: {effects}"
    return state, effects


def scheduled(effects: list[Effect]) -> dict[str, ScheduleNudge]:
    return {e.key: e for e in effects if isinstance(e, ScheduleNudge)}


def cancelled(effects: list[Effect]) -> list[str]:
    return [e.key for e in effects if isinstance(e, CancelNudge)]


# --- kommer-forbi, step 1: the relation decides the way in ---------------------------------


def test_sending_the_mail_to_an_acquaintance_sets_a_follow_up_a_week_later() -> None:
    _, effects = walk(VISIT, [*READY, *ACQUAINTANCE])

    follow_up = scheduled(effects)[FOLLOW_UP]
    assert (follow_up.kind, follow_up.step, follow_up.after) == ("follow_up", "acq_mail_sent", timedelta(days=7))
    assert list(scheduled(effects)) == [FOLLOW_UP]


def test_no_relation_after_all_cancels_the_follow_up_and_answering_on_never_brings_it_back() -> None:
    state, _ = walk(VISIT, [*READY, *ACQUAINTANCE])

    state, effects = edit(VISIT, state, "relation", "none")
    assert effects == [SaveAnswer("relation", "none", "acquaintance"), CancelNudge(FOLLOW_UP)]
    assert current_step(VISIT, state) == "none_research"

    state, _ = advance(VISIT, state, Back())
    assert current_step(VISIT, state) == "relation"
    # A "sent" button still on someone's screen from the abandoned branch sets nothing up.
    _, stale = advance(VISIT, state, Answer("ja", TODAY, "acq_mail_sent"))
    assert stale == [Rejected("moved-on", {"step": "acq_mail_sent", "current": "relation", "value": True})]

    state, effects = walk(VISIT, [("relation", "none"), *NO_RELATION, *PREPARE, *VISIT_DAY], state)
    assert current_step(VISIT, state) == "debriefed"
    assert FOLLOW_UP not in scheduled(effects)
    assert FOLLOW_UP not in reminders(VISIT, state)


def test_switching_back_to_the_acquaintance_sets_the_follow_up_again_and_asks_about_the_reply() -> None:
    state, _ = walk(VISIT, [*READY, *ACQUAINTANCE])
    state, _ = edit(VISIT, state, "relation", "none")
    state, _ = walk(VISIT, [*NO_RELATION, *PREPARE[:3]], state)
    assert current_step(VISIT, state) == "key_questions"

    state, effects = edit(VISIT, state, "relation", "acquaintance")

    assert cancelled(effects) == []
    assert list(scheduled(effects)) == [FOLLOW_UP]
    assert current_step(VISIT, state) == "acq_followed_up", "that road never said whether the mail got a reply"
    state, _ = walk(VISIT, FOLLOWED_UP, state)
    assert current_step(VISIT, state) == "key_questions"


def test_the_follow_up_waits_for_the_mail_to_be_sent() -> None:
    state, effects = walk(VISIT, [*READY, *ACQUAINTANCE[:3], ("acq_mail_sent", "nej")])
    assert list(scheduled(effects)) == [MAIL_CHECK_BACK], "not yet: ask again, no follow-up of an unsent mail"
    assert current_step(VISIT, state) == "acq_mail_sent"

    state, effects = edit(VISIT, state, "acq_mail_sent", "ja")
    assert cancelled(effects) == [MAIL_CHECK_BACK]
    assert list(scheduled(effects)) == [FOLLOW_UP]

    state, effects = edit(VISIT, state, "acq_mail_sent", "nej")
    assert effects[:2] == [Waiting("acq_mail_sent", TODAY.isoformat(), True), CancelNudge(FOLLOW_UP)]
    assert list(scheduled(effects)) == [MAIL_CHECK_BACK]
    assert current_step(VISIT, state) == "acq_mail_sent"


def test_sending_the_mail_again_starts_the_week_over() -> None:
    state, _ = walk(VISIT, [*READY, *ACQUAINTANCE])
    state, _ = advance(VISIT, state, GoTo("acq_mail_sent"))

    state, effects = walk(VISIT, [("acq_mail_sent", "ja")], state)

    assert effects == [SaveAnswer("acq_mail_sent", True, True), reminders(VISIT, state)[FOLLOW_UP]]
    assert current_step(VISIT, state) == "acq_followed_up"


def test_reminders_count_only_answers_on_the_path_the_relation_picks() -> None:
    answers = {
        "target_group_chosen": True,
        "target_group": "Unge",
        "actors_chosen": True,
        "actors": "Ungdomsklubben",
        "contact_person": "Klublederen",
        "acq_mail_draft": "Kære Mette",
        "acq_call": True,
        "acq_mail_sent": True,
    }

    assert FOLLOW_UP not in reminders(VISIT, FlowState(answers={**answers, "relation": "none"}))
    assert FOLLOW_UP not in reminders(VISIT, FlowState(answers={**answers, "relation": "close"}))
    assert list(reminders(VISIT, FlowState(answers={**answers, "relation": "acquaintance"}))) == [FOLLOW_UP]


# --- kommer-forbi, steps 2 and 3: reminders hang on the meeting date ----------------------


def test_an_agenda_not_yet_sent_is_reminded_five_days_before_the_meeting_until_it_is_sent() -> None:
    state, effects = walk(VISIT, [*READY, *ACQUAINTANCE, *FOLLOWED_UP, *BEFORE_THE_AGENDA, ("agenda_sent", "nej")])

    agenda = scheduled(effects)[AGENDA]
    assert (agenda.on_date, agenda.offset) == (date(2026, 12, 10), timedelta(days=-5))
    assert agenda.suggested, "'i god tid' names no day: five days before is the coach's suggestion"
    assert current_step(VISIT, state) == "agenda_sent"

    state, effects = walk(VISIT, [("agenda_sent", "ja")], state)
    assert effects == [SaveAnswer("agenda_sent", True), CancelNudge(AGENDA)]
    assert current_step(VISIT, state) == "tour"


def test_moving_the_meeting_moves_the_reminders_that_hang_on_its_date() -> None:
    state, effects = walk(VISIT, [*READY, *ACQUAINTANCE, *FOLLOWED_UP, *PREPARE, *VISIT_DAY[:3], ("visited", "nej")])
    assert scheduled(effects)[VISITED_CHECK_BACK].on_date == date(2026, 12, 10)

    state, effects = edit(VISIT, state, "meeting_date", "17.12.2026")

    assert effects[0] == SaveAnswer("meeting_date", "2026-12-17", "2026-12-10")
    assert cancelled(effects) == []
    moved = scheduled(effects)
    assert list(moved) == [VISITED_CHECK_BACK]
    assert {nudge.on_date for nudge in moved.values()} == {date(2026, 12, 17)}

    _, effects = edit(VISIT, state, "meeting_date", "2026-12-17")
    assert effects == [SaveAnswer("meeting_date", "2026-12-17", "2026-12-17")]


def test_the_debrief_thread_opens_after_the_visit_and_closes_if_the_visit_has_not_happened_after_all() -> None:
    state, effects = walk(VISIT, [*READY, *ACQUAINTANCE, *FOLLOWED_UP, *PREPARE, *VISIT_DAY])

    debrief = effects[-1]
    assert isinstance(debrief, OpenDebrief)
    assert (debrief.key, debrief.step, len(debrief.questions)) == (DEBRIEF_THREAD, "visited", 6)

    state, effects = edit(VISIT, state, "visited", "nej")
    check_back = reminders(VISIT, state)[VISITED_CHECK_BACK]
    assert effects == [Waiting("visited", TODAY.isoformat(), True), CancelNudge(DEBRIEF_THREAD), check_back]
    assert current_step(VISIT, state) == "visited"

    _, effects = edit(VISIT, state, "visited", "ja")
    assert effects == [SaveAnswer("visited", True), CancelNudge(VISITED_CHECK_BACK), debrief]


def test_changing_the_relation_after_the_visit_holds_every_later_reminder_until_the_new_way_in_is_done() -> None:
    state, _ = walk(VISIT, [*READY, *ACQUAINTANCE, *FOLLOWED_UP, *PREPARE, *VISIT_DAY])
    assert current_step(VISIT, state) == "debriefed"

    state, effects = edit(VISIT, state, "relation", "close")
    assert effects[0] == SaveAnswer("relation", "close", "acquaintance")
    assert cancelled(effects) == [DEBRIEF_THREAD]
    assert len(effects) == 2
    assert current_step(VISIT, state) == "call_close"

    state, effects = walk(VISIT, [("call_close", "ja")], state)
    assert effects[0] == SaveAnswer("call_close", True)
    assert list(scheduled(effects)) == []
    assert [e.key for e in effects[1:]] == [DEBRIEF_THREAD]
    assert current_step(VISIT, state) == "debriefed"


# --- vejviseren, Trin 3: three routes that meet again in Trin 4 -----------------------------


@pytest.mark.parametrize(
    ("route", "first", "elsewhere"),
    [
        ("self_help", "a_idea", "b_relations"),
        ("co_creation", "b_relations", "c_partners"),
        ("structural", "c_partners", "a_idea"),
    ],
)
def test_each_route_asks_its_own_questions_and_back_returns_to_the_choice(
    route: str, first: str, elsewhere: str
) -> None:
    state, _ = walk(SIGNPOST, [*TO_ROUTE, ("route", route)])

    assert active_path(SIGNPOST, state)[-2:] == ["route", first]
    assert current_step(SIGNPOST, state) == first
    assert advance(SIGNPOST, state, GoTo(elsewhere)) == (state, [Rejected("not-reached", {"step": elsewhere})])
    state, _ = advance(SIGNPOST, state, Back())
    assert current_step(SIGNPOST, state) == "route"


def test_the_activity_date_sets_communication_four_weeks_and_a_week_before_and_the_day_after() -> None:
    _, effects = walk(SIGNPOST, [*TO_ROUTE, *SELF_HELP, ("activity_date", "5. februar 2027")])

    booking, before, after = (scheduled(effects)[key] for key in (BOOKING, BEFORE, AFTER))
    assert (booking.on_date, booking.offset) == (date(2027, 2, 5), timedelta(days=-28))
    assert (before.on_date, before.offset) == (date(2027, 2, 5), timedelta(days=-7))
    assert (after.on_date, after.offset) == (date(2027, 2, 5), timedelta(days=1))
    assert booking.suggested and before.suggested and after.suggested, "Trin 4 says before and after, not how long"


def test_a_new_route_holds_the_communication_reminders_until_it_reaches_trin_4() -> None:
    state, _ = walk(SIGNPOST, [*TO_ROUTE, *SELF_HELP, ("activity_date", "5. februar 2027")])

    state, effects = edit(SIGNPOST, state, "route", "co_creation")
    assert effects == [
        SaveAnswer("route", "co_creation", "self_help"),
        CancelNudge(BOOKING),
        CancelNudge(BEFORE),
        CancelNudge(AFTER),
    ]
    assert current_step(SIGNPOST, state) == "b_relations"

    state, effects = walk(SIGNPOST, CO_CREATION, state)
    assert effects[-4:] == [MarkSkipped("b_expectations"), *reminders(SIGNPOST, state).values()]
    assert list(scheduled(effects)) == [BOOKING, BEFORE, AFTER]
    assert current_step(SIGNPOST, state) == "sender"


def test_switching_between_routes_that_both_reached_trin_4_changes_no_reminder() -> None:
    state, _ = walk(SIGNPOST, [*TO_ROUTE, *SELF_HELP, ("activity_date", "5. februar 2027")])
    state, _ = edit(SIGNPOST, state, "route", "co_creation")
    state, _ = walk(SIGNPOST, CO_CREATION, state)

    state, effects = edit(SIGNPOST, state, "route", "self_help")

    assert effects == [SaveAnswer("route", "self_help", "co_creation")]
    assert current_step(SIGNPOST, state) == "sender"
    assert list(reminders(SIGNPOST, state)) == [BOOKING, BEFORE, AFTER]
