"""A guide lived over weeks: steps that wait for the world, projects that pause, and whose timing a reminder has.

Written from the five documents in /work/shared/seeds/ (cited by each table) and from
"Biblioteket kommer forbi" (000_4548e2262d382181.txt) for the engine specs: answering
"Nej" to "Har I ringet?" means the call has not happened yet, so the team stays at the call
and is asked again later; "kom tilbage hertil, når målgruppe og besøgssteder er på plads"
pauses the project rather than finishing it.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.replies import AnsweredReply, QuestionReply
from flows.engine import (
    Answer,
    Back,
    CancelNudge,
    Edit,
    Effect,
    Finish,
    Finished,
    FlowState,
    Paused,
    Rejected,
    Resume,
    SaveAnswer,
    ScheduleNudge,
    Skip,
    Waiting,
    advance,
    current_step,
    paused_at,
    reminders,
    waiting_for,
)
from storage.repository import WorkspaceRepo, find_workspace
from tests.conftest import Team, asked, said
from tests.engine_moves import GUIDES, READY, TODAY, VISIT, walk

COPENHAGEN = ZoneInfo("Europe/Copenhagen")
CALL_CHECK_BACK = "call_close:check-back"
READY_TO_CONTINUE = "stop_here:ready_to_continue:0"
FOLLOW_UP_DAY = "follow_up_date:follow_up_tasks:0"
LATER = TODAY + timedelta(days=4)


def at_the_call() -> FlowState:
    state, _ = walk(VISIT, [*READY, ("relation", "close")])
    assert current_step(VISIT, state) == "call_close"
    return state


def not_yet_called(today: date = TODAY) -> tuple[FlowState, list[Effect]]:
    return advance(VISIT, at_the_call(), Answer("nej", today, "call_close"))


# --- waiting: "not yet" keeps the team at the step --------------------------------------------


@pytest.mark.parametrize("words", ["Nej", "ikke endnu", "not yet"])
def test_not_yet_to_the_call_keeps_the_team_at_the_call_and_asks_again_later(words: str) -> None:
    state, effects = advance(VISIT, at_the_call(), Answer(words, TODAY, "call_close"))

    check_back = ScheduleNudge(
        key=CALL_CHECK_BACK,
        kind="check-back",
        step="call_close",
        message=VISIT.step("call_close").wait.message,  # type: ignore[union-attr]
        suggested=True,
    )
    assert effects == [Waiting("call_close", "2026-11-23"), check_back]
    assert "call_close" not in state.answers, "'not yet' is not an answer"
    assert current_step(VISIT, state) == "call_close"
    assert waiting_for(VISIT, state) == "call_close"
    assert not state.finished


def test_a_check_back_without_a_timing_of_its_own_comes_after_the_deployments_default() -> None:
    _, effects = not_yet_called()
    [check_back] = [e for e in effects if isinstance(e, ScheduleNudge)]
    now = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)

    assert (check_back.after, check_back.on_date) == (None, None)
    assert check_back.due_at(now, COPENHAGEN) == now + timedelta(days=3)
    assert check_back.due_at(now, COPENHAGEN, check_back=timedelta(days=5)) == now + timedelta(days=5)


def test_not_yet_again_asks_again_from_now_and_keeps_the_day_the_waiting_began() -> None:
    state, first = not_yet_called()

    state, effects = advance(VISIT, state, Answer("ikke endnu", LATER, "call_close"))

    assert effects == [Waiting("call_close", "2026-11-23"), first[-1]], "the check-back is scheduled anew"
    assert state.waiting == {"call_close": "2026-11-23"}
    assert current_step(VISIT, state) == "call_close"


def test_yes_at_last_stores_the_answer_moves_on_and_cancels_the_check_back() -> None:
    state, _ = not_yet_called()

    state, effects = advance(VISIT, state, Answer("ja", LATER, "call_close"))

    assert effects == [SaveAnswer("call_close", True), CancelNudge(CALL_CHECK_BACK)]
    assert current_step(VISIT, state) == "meeting_date"
    assert waiting_for(VISIT, state) is None
    assert state.waiting == {}
    assert CALL_CHECK_BACK not in reminders(VISIT, state)


def test_going_back_from_a_waiting_step_keeps_the_waiting_and_its_check_back() -> None:
    state, _ = not_yet_called()

    state, effects = advance(VISIT, state, Back())

    assert effects == []
    assert current_step(VISIT, state) == "relation"
    assert waiting_for(VISIT, state) == "call_close"
    assert CALL_CHECK_BACK in reminders(VISIT, state)
    state, effects = advance(VISIT, state, Answer("close", TODAY, "relation"))
    assert effects == [SaveAnswer("relation", "close", "close")], "the same road: nothing to cancel or set"
    assert current_step(VISIT, state) == "call_close"


def test_a_road_left_behind_stops_waiting_and_coming_back_waits_again() -> None:
    state, _ = not_yet_called()

    state, effects = advance(VISIT, state, Edit("relation", "acquaintance", LATER))
    assert effects == [SaveAnswer("relation", "acquaintance", "close"), CancelNudge(CALL_CHECK_BACK)]
    assert waiting_for(VISIT, state) is None
    assert current_step(VISIT, state) == "acq_mail_draft"

    state, effects = advance(VISIT, state, Edit("relation", "close", LATER))
    assert [e.key for e in effects if isinstance(e, ScheduleNudge)] == [CALL_CHECK_BACK]
    assert waiting_for(VISIT, state) == "call_close"
    assert state.waiting == {"call_close": "2026-11-23"}


def test_saying_a_done_step_was_not_done_after_all_waits_there_again_and_keeps_the_later_answers() -> None:
    state, _ = walk(VISIT, [*READY, ("relation", "close"), ("call_close", "ja"), ("meeting_date", "10.12.2026")])

    state, effects = advance(VISIT, state, Edit("call_close", "nej", LATER))

    assert effects[0] == Waiting("call_close", LATER.isoformat(), previous=True)
    assert [e.key for e in effects if isinstance(e, ScheduleNudge)] == [CALL_CHECK_BACK]
    assert current_step(VISIT, state) == "call_close"
    assert "call_close" not in state.answers
    assert state.answers["meeting_date"] == "2026-12-10", "kept, and counted again once the call is made"


def test_a_required_waiting_step_cannot_be_skipped() -> None:
    state, _ = not_yet_called()

    assert advance(VISIT, state, Skip("call_close")) == (state, [Rejected("required")])


def test_waiting_survives_the_round_trip_through_storage_and_old_positions_load() -> None:
    state, _ = not_yet_called()

    position = state.position()

    assert position["waiting"] == {"call_close": "2026-11-23"}
    assert FlowState.from_position(position, state.answers, finished=False) == state
    old = FlowState.from_position({"focus": None, "skipped": []}, state.answers, finished=False)
    assert old.waiting == {} and current_step(VISIT, old) == "call_close"


# --- pause: "kom tilbage hertil, når ..." -------------------------------------------------------

NOT_READY = [("target_group_chosen", "nej"), ("start_with_mapping", "nej")]


def paused() -> tuple[FlowState, list[Effect]]:
    return walk(VISIT, [*NOT_READY, ("stop_here", "Vi starter med afdækningen")])


def test_coming_back_later_pauses_the_project_rather_than_finishing_it() -> None:
    state, effects = paused()

    assert effects[-1] == Paused("stop_here")
    assert not any(isinstance(e, Finished) for e in effects)
    assert not state.finished
    assert paused_at(VISIT, state) == "stop_here"
    assert current_step(VISIT, state) is None
    ready = reminders(VISIT, state)[READY_TO_CONTINUE]
    assert (ready.after, ready.suggested) == (timedelta(days=14), True)
    assert advance(VISIT, state, Answer("noget", TODAY)) == (state, [Rejected("paused", {"step": "stop_here"})])


def test_resume_shows_the_decision_that_led_to_the_pause_and_a_new_answer_continues_the_guide() -> None:
    state, _ = paused()

    state, effects = advance(VISIT, state, Resume())
    assert effects == []
    assert current_step(VISIT, state) == "start_with_mapping"
    assert paused_at(VISIT, state) is None

    state, effects = advance(VISIT, state, Answer("ja", LATER, "start_with_mapping"))
    assert effects == [SaveAnswer("start_with_mapping", True, False), CancelNudge(READY_TO_CONTINUE)]
    assert current_step(VISIT, state) == "contact_person"
    assert not state.finished


def test_the_same_answer_after_resuming_pauses_again() -> None:
    state, _ = paused()
    state, _ = advance(VISIT, state, Resume())

    state, effects = advance(VISIT, state, Answer("nej", LATER, "start_with_mapping"))

    assert effects[-1] == Paused("stop_here")
    assert paused_at(VISIT, state) == "stop_here"


def test_resume_needs_a_paused_project() -> None:
    state = at_the_call()
    assert advance(VISIT, state, Resume()) == (state, [Rejected("not-paused")])

    finished, _ = advance(VISIT, state, Finish())
    assert advance(VISIT, finished, Resume()) == (finished, [Rejected("finished")])


def test_finishing_a_paused_project_is_not_completing_the_guide() -> None:
    state, _ = paused()

    state, effects = advance(VISIT, state, Finish())

    assert effects == [Finished(complete=False)]
    assert state.finished and paused_at(VISIT, state) is None


# --- date answers with a time -------------------------------------------------------------------


def visit_planned(meeting: str) -> FlowState:
    answers = {
        "target_group_chosen": True,
        "target_group": "Unge",
        "actors_chosen": True,
        "actors": "Ungdomsklubben",
        "contact_person": "Klublederen",
        "relation": "close",
        "call_close": True,
        "meeting_date": meeting,
        "meeting_purpose": "Lære de unge at kende",
        "right_participants": True,
        "key_questions": ["a", "b", "c"],
        "agenda_sent": True,
        "tour": True,
        "what_we_offer": "Lektiecafé",
        "visit_team": ["Anna", "Bo"],
    }
    return FlowState(answers=answers)


def follow_up_agreed(on: str) -> FlowState:
    """Back from the visit, debriefed, and "Aftal, hvordan og hvornår I følger op" answered with ``on``."""
    state, _ = walk(
        VISIT,
        [
            ("visit_questions", "alle"),
            ("documentation", "1"),
            ("visited", "ja"),
            ("debriefed", "ja"),
            ("presented", "ja"),
            ("offer_ideas", "Lektiehjælp om aftenen"),
            ("follow_up_tasks", "Send tak-mail – Ali"),
            ("follow_up_date", on),
        ],
        visit_planned("2026-12-10"),
    )
    return state


def local(when: datetime) -> datetime:
    return when.astimezone(COPENHAGEN)


def test_an_agreed_follow_up_with_a_time_is_reminded_at_that_time_and_day_offsets_at_nine() -> None:
    now = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)

    follow_up = reminders(VISIT, follow_up_agreed("18.12.2026 kl. 13.30"))[FOLLOW_UP_DAY]
    assert (follow_up.on_date, follow_up.on_time) == (date(2026, 12, 18), time(13, 30))
    assert local(follow_up.due_at(now, COPENHAGEN)) == datetime(2026, 12, 18, 13, 30, tzinfo=COPENHAGEN)

    # The visit's check-back hangs on the meeting with an offset: 09:00 the day after, whatever the hour.
    state, _ = walk(
        VISIT,
        [("visit_questions", "alle"), ("documentation", "1"), ("visited", "nej")],
        visit_planned("2026-12-10T14:30"),
    )
    check_back = reminders(VISIT, state)["visited:check-back"]
    assert (check_back.on_date, check_back.on_time) == (date(2026, 12, 10), None)
    assert local(check_back.due_at(now, COPENHAGEN)) == datetime(2026, 12, 11, 9, 0, tzinfo=COPENHAGEN)


def test_an_agreed_follow_up_without_a_time_is_reminded_at_nine() -> None:
    follow_up = reminders(VISIT, follow_up_agreed("18.12.2026"))[FOLLOW_UP_DAY]
    now = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)

    assert follow_up.on_time is None
    assert local(follow_up.due_at(now, COPENHAGEN)) == datetime(2026, 12, 18, 9, 0, tzinfo=COPENHAGEN)


# --- the guides: which steps wait, written from the documents ----------------------------------

WAITS = {
    # 000: "gribe knoglen og ringe" / "ring til vedkommende først" / "Straks efter opkaldet
    # sender I mailen og følger op efter senest en uge" / "sender I en mail til vedkommende" /
    # "Send en dagsorden i god tid" / "så hold et debriefing møde - og gerne lige med det
    # samme" / "Hold et oplæg for jeres kollegaer". The visit itself: "Så er det tid til at
    # tage på visit".
    "kommer-forbi": {
        "call_close",
        "acq_call",
        "acq_mail_sent",
        "acq_followed_up",
        "none_mail_sent",
        "agenda_sent",
        "visited",
        "debriefed",
        "presented",
    },
    # 001: "Tag fat i aktøren, og vær klar på, hvad dit formål er."
    "partnerskaber": {"contacted"},
    # 002: "vigtigt at observere deres handlemønstre" and "udarbejdes en eller flere personas"
    # (section 3, point 2), "Invitationen til at deltage i et samskabelsesforløb ...", and a
    # co-creation meeting held on its new date. Whether a meeting was held on its first date
    # is a choice (held, moved, nobody came: "det er ikke sikkert, der dukker nogen op"), not
    # a yes/no that can wait; the rescheduled meeting is.
    "samskabelse": {
        "observations",
        "personas_made",
        "invitations_sent",
        "meeting1_held_again",
        "meeting2_held_again",
        "meeting3_held_again",
    },
    # 003: Trin 2 "Find mulige samarbejdspartnere i lokalområdet, og kontakt dem"; Trin 3.C
    # "Etabler den første kontakt"; Trin 4 "Efter: Når aktiviteten har været afholdt".
    "vejviseren": {"contact_made", "c_contacted", "activity_held"},
    # 004: "Nyhedsbrevet sendes ud en gang om måneden" and tracking "hvilket indhold
    # målgruppen klikker på" needs a newsletter that went out.
    "klubfaellesskaber": {"newsletter_sent"},
}

# (step, nudge kind or "check-back") -> whether the timing is the coach's suggestion.
TIMINGS = {
    "kommer-forbi": {
        ("acq_mail_sent", "follow_up"): False,  # "følger op efter senest en uge"
        ("follow_up_date", "follow_up_tasks"): False,  # the team's own agreed date
        ("stop_here", "ready_to_continue"): True,  # the document names no time to come back
        ("agenda_sent", "check-back"): True,  # "i god tid": five days before is ours
        ("visited", "check-back"): True,  # the day after the meeting is ours
        ("debriefed", "check-back"): True,  # opened at "visited: ja"; asking again a day later is ours
    },
    "samskabelse": {
        ("logbook_start", "logbook"): True,  # "brugen af en logbog": weekly is ours
        ("logbook_here", "logbook"): True,
        **{(f"meeting{n}_date", "document_meeting"): True for n in (1, 2, 3)},  # "før, under og efter"
        **{(f"meeting{n}_new_date", "document_meeting"): True for n in (1, 2, 3)},
    },
    "vejviseren": {
        ("activity_date", "communication_booking"): True,  # "Før" / "Efter" without days
        ("activity_date", "communication_before"): True,
        ("activity_date", "communication_after"): True,
        ("activity_held", "check-back"): True,  # two days after the activity is ours
    },
    "klubfaellesskaber": {
        ("newsletter_start", "newsletter"): False,  # the rhythm and lead time the team chose
        ("event_dates", "communication_before"): True,  # "før et arrangement"
        ("event_dates", "communication_after"): True,  # "efter arrangementet"
        ("newsletter_sent", "check-back"): True,
    },
    "partnerskaber": {},
}


@pytest.mark.parametrize("guide_id", sorted(WAITS))
def test_the_steps_that_wait_are_the_actions_the_document_names(guide_id: str) -> None:
    guide = GUIDES[guide_id]

    assert {step.id for step in guide.steps if step.wait} == WAITS[guide_id]


@pytest.mark.parametrize("guide_id", sorted(TIMINGS))
def test_timings_the_document_does_not_name_are_marked_as_suggestions(guide_id: str) -> None:
    guide = GUIDES[guide_id]
    found = {(step.id, nudge.kind): nudge.suggested for step in guide.steps for nudge in step.nudges}
    found |= {
        (step.id, "check-back"): step.wait.suggested
        for step in guide.steps
        if step.wait and (step.wait.after or step.wait.at)
    }

    assert found == TIMINGS[guide_id]


def test_kommer_forbi_pauses_where_it_says_come_back_and_nowhere_else() -> None:
    pauses = {g.id: [s.id for s in g.steps if s.pause] for g in GUIDES.values()}

    assert pauses == {
        "kommer-forbi": ["stop_here"],
        "partnerskaber": [],
        "samskabelse": [],
        "vejviseren": [],
        "klubfaellesskaber": [],
    }


# --- the coach: "Nej" to the call ---------------------------------------------------------------


async def test_a_team_that_has_not_called_yet_stays_at_the_call_until_it_has(team: Team) -> None:
    await team.command("start kommer-forbi Fitness Nord")
    for answer in ("ja", "Unge mænd", "ja", "Fitnesscenter Nord", "Centerleder Jens"):
        await team.say(answer)
    replies = await team.say("1")  # a close personal relation: pick up the phone
    assert asked(replies) == "call_close"

    replies = await team.say("Nej")
    # Monday 23 November, 10:00 in Copenhagen + the default three days.
    assert "Så venter vi. Jeg spørger igen tors. 26. nov. 2026 10.00." in said(replies)
    assert "Godt arbejde" not in said(replies)
    assert [r.answer for r in replies if isinstance(r, AnsweredReply)] == ["Ikke endnu"]
    assert not [r for r in replies if isinstance(r, QuestionReply)], "the coach asks again later, not now"
    status = await team.command("status")
    assert asked(status) == "call_close", "not called yet: the call is still the question"
    assert "I venter stadig på: Grib telefonen" in said(status) and "siden mandag 23. november 2026" in said(status)
    question = [r for r in status if isinstance(r, QuestionReply)][-1]
    assert [c.label for c in question.choices] == ["Gjort", "Ikke endnu"]
    replies = await team.say("ikke endnu")
    assert "Jeg spørger igen" in said(replies)

    async with team.coach.db.session() as session:
        repo = WorkspaceRepo(session, (await find_workspace(session, "web", "local")).id)
        [project] = await repo.projects()
        assert "call_close" not in project.answers
        assert project.position["waiting"] == {"call_close": "2026-11-23"}
        assert {n.kind: n.status for n in await repo.nudges(project.id)} == {"check-back": "pending"}

    replies = await team.say("ja")
    assert asked(replies) == "meeting_date"
    async with team.coach.db.session() as session:
        repo = WorkspaceRepo(session, (await find_workspace(session, "web", "local")).id)
        [project] = await repo.projects()
        assert project.answers["call_close"] is True
        assert {n.kind: n.status for n in await repo.nudges(project.id)} == {"check-back": "cancelled"}


async def test_a_team_without_a_target_group_pauses_and_resumes_where_it_decided(team: Team) -> None:
    await team.command("start kommer-forbi Fitness Nord")
    await team.say("nej")  # no target group chosen yet
    await team.say("nej")  # and not going on with this guide now
    replies = await team.command("spring")  # the pause step's question is optional
    assert "holder pause" in said(replies) and "afsluttet" not in said(replies)
    assert "holder pause" in said(await team.command("status"))
    assert "holder pause" in said(await team.say("Vi er klar nu"))
    replies = await team.command("genoptag")
    assert asked(replies) == "start_with_mapping"
    replies = await team.say("ja")  # go on after all
    assert asked(replies) == "contact_person"
    assert "holder ikke pause" in said(await team.command("genoptag"))
