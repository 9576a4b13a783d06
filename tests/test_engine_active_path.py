"""Where a team stands, as the guides describe it: one question at a time along the path their answers pick.

Written from "Biblioteket kommer forbi" (000_4548e2262d382181.txt) and "Vejviseren"
(003_f553b7d5c91bd39d.txt) and their guide files. Each answer names the question the team
was shown, so a walk that strays from the guide fails on the step where it strays.
"""

from __future__ import annotations

from typing import Any

import pytest

from flows.engine import (
    Answer,
    Back,
    Edit,
    Effect,
    Finish,
    Finished,
    FlowState,
    GoTo,
    MarkSkipped,
    Paused,
    Rejected,
    SaveAnswer,
    Skip,
    active_path,
    advance,
    current_step,
)
from flows.model import Guide
from tests.engine_moves import READY, SIGNPOST, TODAY, VISIT

# Step 1, "Vi har en god bekendt": draft the mail, call first, send the mail straight after.
ACQUAINTANCE = [("relation", "acquaintance"), ("acq_mail_draft", "Kære Mette ..."), ("acq_call", "ja")]


def answer(guide: Guide, state: FlowState, step: str, value: Any) -> tuple[FlowState, list[Effect]]:
    """The team answers ``step``, the question it is shown."""
    new, effects = advance(guide, state, Answer(value, TODAY, step))
    assert not [e for e in effects if isinstance(e, Rejected)], f"answering {step}: {effects}"
    return new, effects


def walk(guide: Guide, moves: list[tuple[str, Any]], state: FlowState | None = None) -> FlowState:
    """The team answers each (step, value) in turn, from a new project unless ``state`` is given."""
    state = state if state is not None else FlowState(answers={})
    for step, value in moves:
        state, _ = answer(guide, state, step, value)
    return state


def test_a_new_project_asks_the_first_prerequisite_and_cannot_go_back() -> None:
    state = FlowState(answers={})

    assert current_step(VISIT, state) == "target_group_chosen"
    assert advance(VISIT, state, Back()) == (state, [Rejected("at-start")])


def test_the_path_follows_the_relation_the_team_chose() -> None:
    state = walk(VISIT, [*READY, ("relation", "none")])

    assert active_path(VISIT, state) == [
        "target_group_chosen",
        "target_group",
        "actors_chosen",
        "actors",
        "contact_person",
        "relation",
        "none_research",
    ]
    assert current_step(VISIT, state) == "none_research"


def test_back_looks_at_earlier_answers_and_the_next_answer_returns_to_the_open_question() -> None:
    state = walk(VISIT, [*READY, *ACQUAINTANCE])
    assert current_step(VISIT, state) == "acq_mail_sent"

    state, effects = advance(VISIT, state, Back())
    assert effects == [] and current_step(VISIT, state) == "acq_call"
    state, _ = advance(VISIT, state, Back())
    assert current_step(VISIT, state) == "acq_mail_draft"

    state, effects = answer(VISIT, state, "acq_mail_draft", "Kære Mette, vi vil gerne komme forbi ...")
    assert effects == [SaveAnswer("acq_mail_draft", "Kære Mette, vi vil gerne komme forbi ...", "Kære Mette ...")]
    assert current_step(VISIT, state) == "acq_mail_sent"


def test_back_after_changing_the_relation_goes_to_the_relation_not_into_the_abandoned_branch() -> None:
    state = walk(VISIT, [*READY, *ACQUAINTANCE, ("acq_mail_sent", "ja")])
    state, _ = advance(VISIT, state, Edit("relation", "none", TODAY))
    assert current_step(VISIT, state) == "none_research"

    state, _ = advance(VISIT, state, Back())
    assert current_step(VISIT, state) == "relation"
    state, _ = advance(VISIT, state, Back())
    assert current_step(VISIT, state) == "contact_person"


def test_goto_and_edit_refuse_steps_of_a_branch_the_team_left() -> None:
    state = walk(VISIT, [*READY, *ACQUAINTANCE])
    state, _ = advance(VISIT, state, Edit("relation", "close", TODAY))

    for event in (GoTo("acq_call"), Edit("acq_call", "nej", TODAY)):
        assert advance(VISIT, state, event) == (state, [Rejected("not-reached", {"step": "acq_call"})])


def test_goto_and_edit_refuse_steps_the_team_has_not_reached_or_that_do_not_exist() -> None:
    state = walk(VISIT, READY)

    assert advance(VISIT, state, GoTo("visited")) == (state, [Rejected("not-reached", {"step": "visited"})])
    assert advance(VISIT, state, Edit("visited", "ja", TODAY)) == (
        state,
        [Rejected("not-reached", {"step": "visited"})],
    )
    assert advance(VISIT, state, GoTo("coffee")) == (state, [Rejected("unknown-step", {"step": "coffee"})])


def test_goto_an_answered_step_shows_it_and_goto_the_open_step_clears_the_focus() -> None:
    state = walk(VISIT, [*READY, ("relation", "close")])

    looking, effects = advance(VISIT, state, GoTo("target_group"))
    assert effects == [] and current_step(VISIT, looking) == "target_group"
    assert looking.position() == {"focus": "target_group", "skipped": [], "waiting": {}}

    back_at_work, _ = advance(VISIT, looking, GoTo("call_close"))
    assert current_step(VISIT, back_at_work) == "call_close"
    assert back_at_work.position() == {"focus": None, "skipped": [], "waiting": {}}


def test_editing_an_earlier_answer_keeps_the_team_on_the_step_they_went_back_to() -> None:
    state = walk(VISIT, [*READY, *ACQUAINTANCE])
    state, _ = advance(VISIT, state, GoTo("acq_call"))

    state, effects = advance(VISIT, state, Edit("contact_person", "Mette, klubleder", TODAY))

    assert effects == [SaveAnswer("contact_person", "Mette, klubleder", "Klublederen")]
    assert current_step(VISIT, state) == "acq_call"


def test_editing_the_branch_away_from_the_step_in_focus_sends_the_team_to_the_new_open_step() -> None:
    state = walk(VISIT, [*READY, *ACQUAINTANCE])
    state, _ = advance(VISIT, state, GoTo("acq_call"))

    state, _ = advance(VISIT, state, Edit("relation", "close", TODAY))

    assert current_step(VISIT, state) == "call_close"
    assert state.focus is None


def test_an_answer_to_a_question_someone_else_already_answered_says_where_the_team_is_now() -> None:
    state = walk(VISIT, READY)
    state, _ = answer(VISIT, state, "relation", "acquaintance")

    _, effects = advance(VISIT, state, Answer("3", TODAY, "relation"))
    assert effects == [Rejected("moved-on", {"step": "relation", "current": "acq_mail_draft", "value": "none"})]

    _, effects = advance(VISIT, state, Answer("måske", TODAY, "relation"))
    assert effects == [Rejected("moved-on", {"step": "relation", "current": "acq_mail_draft"})]

    _, effects = advance(VISIT, state, Answer("ja", TODAY, "no_such_step"))
    assert effects == [Rejected("moved-on", {"step": "no_such_step", "current": "acq_mail_draft"})]


def test_the_last_answer_finishes_and_a_second_answer_to_it_is_reported_as_moved_on() -> None:
    # Vejviseren Trin 1: if the library cannot make a difference here, the guide ends.
    state = walk(
        SIGNPOST,
        [
            ("town", "Bryrup"),
            ("desk_citizens", "Ca. 1.500 borgere, mange børnefamilier"),
            ("desk_associations", "Idrætsforening, borgerforening"),
            ("desk_meeting_places", "Hallen og kirken"),
            ("desk_channels", "Lokalbladet og Facebook"),
            ("library_data", "Få aktive lånere"),
            ("qualitative", "Tre samtaler i Brugsen"),
            ("decision", "nej"),
        ],
    )
    assert current_step(SIGNPOST, state) == "no_difference"

    done, effects = answer(SIGNPOST, state, "no_difference", "Borgerforeningen klarer det selv")
    assert effects == [SaveAnswer("no_difference", "Borgerforeningen klarer det selv"), Finished(complete=True)]
    assert done.finished and current_step(SIGNPOST, done) is None

    _, late = advance(SIGNPOST, done, Answer("Vi mangler ressourcer", TODAY, "no_difference"))
    assert late == [Rejected("moved-on", {"step": "no_difference", "current": None, "value": "Vi mangler ressourcer"})]
    _, empty = advance(SIGNPOST, done, Answer("", TODAY, "no_difference"))
    assert empty == [Rejected("moved-on", {"step": "no_difference", "current": None})]


@pytest.mark.parametrize("event", [Answer("ja", TODAY), Back(), Skip(), GoTo("town"), Finish()])
def test_a_finished_project_refuses_everything_but_edits(event: Any) -> None:
    state = FlowState(answers={"town": "Bryrup"}, finished=True)

    assert advance(SIGNPOST, state, event) == (state, [Rejected("finished")])

    edited, effects = advance(SIGNPOST, state, Edit("town", "Bryrup og Vrads", TODAY))
    assert effects == [SaveAnswer("town", "Bryrup og Vrads", "Bryrup")]
    assert edited.finished


def test_finishing_early_says_the_path_was_not_complete() -> None:
    state = walk(VISIT, READY)

    state, effects = advance(VISIT, state, Finish())

    assert effects == [Finished(complete=False)]
    assert state.finished and current_step(VISIT, state) is None


def test_optional_questions_can_be_skipped_and_required_ones_cannot() -> None:
    state = walk(SIGNPOST, [("town", "Bryrup")])

    state, effects = advance(SIGNPOST, state, Skip("desk_citizens"))
    assert effects == [MarkSkipped("desk_citizens")]
    assert current_step(SIGNPOST, state) == "desk_associations"

    state = walk(
        SIGNPOST,
        [
            ("desk_associations", "Idrætsforening"),
            ("desk_meeting_places", "Hallen"),
            ("desk_channels", "Lokalbladet"),
            ("library_data", "Få lånere"),
            ("qualitative", "Samtaler i Brugsen"),
        ],
        state,
    )
    assert advance(SIGNPOST, state, Skip("decision")) == (state, [Rejected("required")])


def test_skipping_the_last_optional_question_of_a_pause_pauses_the_project_rather_than_finishing_it() -> None:
    # kommer-forbi: without target group and places to visit, start with the mapping tool
    # "og kom tilbage hertil" – the project waits for the team, it is not done.
    state = walk(VISIT, [("target_group_chosen", "nej"), ("start_with_mapping", "nej")])
    assert current_step(VISIT, state) == "stop_here"

    state, effects = advance(VISIT, state, Skip("stop_here"))

    assert effects[0] == MarkSkipped("stop_here") and effects[-1] == Paused("stop_here")
    assert not any(isinstance(e, Finished) for e in effects)
    assert not state.finished


def test_skipping_a_question_the_team_went_back_to_keeps_its_answer() -> None:
    state = walk(VISIT, [*READY, ("relation", "close")])
    state, _ = advance(VISIT, state, Back())

    state, effects = advance(VISIT, state, Skip("relation"))

    assert effects == []
    assert state.answers["relation"] == "close"
    assert current_step(VISIT, state) == "call_close"


def test_the_position_keeps_only_the_focus_the_skipped_steps_and_what_the_team_waits_for() -> None:
    state = walk(SIGNPOST, [("town", "Bryrup")])
    state, _ = advance(SIGNPOST, state, Skip("desk_citizens"))
    state, _ = advance(SIGNPOST, state, Back())

    position = state.position()

    assert position == {"focus": "desk_citizens", "skipped": ["desk_citizens"], "waiting": {}}
    assert FlowState.from_position(position, state.answers, finished=False) == state


def test_an_old_position_is_read_from_the_answers_and_the_one_finished_flag() -> None:
    answers = {"target_group_chosen": True, "target_group": "Unge"}
    old = {"current": "wrap_up", "trail": ["target_group_chosen", "target_group"], "finished": True, "skipped": []}

    state = FlowState.from_position(old, answers, finished=False)

    assert not state.finished
    assert current_step(VISIT, state) == "actors_chosen"
    assert FlowState.from_position({"finished": False}, answers, finished=True).finished


def test_a_stored_focus_the_answers_no_longer_lead_to_falls_back_to_the_open_step() -> None:
    answers = {"target_group_chosen": True, "target_group": "Unge", "actors_chosen": False}

    state = FlowState.from_position({"focus": "actors", "skipped": []}, answers, finished=False)

    assert current_step(VISIT, state) == "start_with_mapping"
