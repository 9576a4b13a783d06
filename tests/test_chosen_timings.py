"""Timings the team chooses: a newsletter's rhythm and lead time, and the following events.

Klubfællesskaber (004_29ee882fe786f1cd.txt) gives Herning's monthly newsletter as an
example, not a rule, and asks for content before and after *events* (plural). So a guide
can let the team's answer set a reminder's rhythm (`repeat_from`) and lead time
(`offset_from`), and a date step can hold many dates (`many: true`), each with its own
reminders. These specs use a small guide of their own, so they hold whatever the real
guides' wording becomes.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from bot.channels.terminal.render import render
from bot.coach import Coach
from bot.i18n import Messages
from bot.replies import QuestionReply
from flows.engine import Answer, CancelNudge, Edit, FlowState, Rejected, ScheduleNudge, advance, reminders
from flows.loader import GuideError, parse_guide
from flows.model import Guide, Repeat
from storage.db import Database
from storage.repository import WorkspaceRepo, find_workspace
from tests.conftest import Clock, Team

TODAY = date(2026, 11, 25)


def text(words: str) -> dict[str, str]:
    return {"da": words, "en": words}


def club_guide() -> dict[str, Any]:
    return {
        "id": "klub",
        "version": 1,
        "source": "004_29ee882fe786f1cd.txt",
        "title": text("Klub"),
        "summary": text("Et klubfællesskab"),
        "sections": [
            {
                "id": "nyhedsbrev",
                "title": text("Nyhedsbrev"),
                "steps": [
                    {
                        "id": "cadence",
                        "kind": "single_choice",
                        "text": text("Hvor tit sender I nyhedsbrevet?"),
                        "options": [
                            {"id": "weekly", "label": text("Hver uge"), "repeat": "weekly"},
                            {"id": "fortnightly", "label": text("Hver anden uge"), "repeat": "fortnightly"},
                            {"id": "monthly", "label": text("Hver måned"), "repeat": "monthly"},
                        ],
                    },
                    {
                        "id": "lead",
                        "kind": "single_choice",
                        "text": text("Hvornår vil I mindes om det?"),
                        "options": [
                            {"id": "same-day", "label": text("Samme dag"), "offset": "P0D"},
                            {"id": "two-days", "label": text("To dage før"), "offset": "-P2D"},
                            {"id": "week", "label": text("En uge før"), "offset": "-P7D"},
                        ],
                    },
                    {
                        "id": "first_issue",
                        "kind": "date",
                        "text": text("Hvornår sender I det første nummer?"),
                        "nudges": [
                            {
                                "kind": "newsletter",
                                "at": "first_issue",
                                "repeat": "monthly",
                                "repeat_from": "cadence",
                                "offset_from": "lead",
                                "message": text("Tid til nyhedsbrevet."),
                            }
                        ],
                    },
                    {
                        "id": "events",
                        "kind": "date",
                        "many": True,
                        "required": False,
                        "text": text("Hvornår er de næste arrangementer?"),
                        "nudges": [
                            {
                                "kind": "before",
                                "at": "events",
                                "offset": "-P7D",
                                "suggested": True,
                                "message": text("Arrangementet nærmer sig."),
                            },
                            {
                                "kind": "after",
                                "at": "events",
                                "offset": "P1D",
                                "suggested": True,
                                "message": text("Arrangementet er overstået."),
                            },
                        ],
                    },
                    {"id": "next_step", "kind": "text", "end": True, "text": text("Næste skridt?")},
                ],
            }
        ],
    }


@pytest.fixture
def guide() -> Guide:
    return parse_guide(club_guide(), "klub.yaml")


def walk(guide: Guide, *moves: tuple[str, Any]) -> tuple[FlowState, list[Any]]:
    state, effects = FlowState(answers={}), []
    for step, value in moves:
        state, caused = advance(guide, state, Answer(value, TODAY, step))
        assert not [e for e in caused if isinstance(e, Rejected)], caused
        effects += caused
    return state, effects


def test_the_chosen_rhythm_and_lead_time_set_the_newsletter_reminder(guide: Guide) -> None:
    state, _ = walk(guide, ("cadence", "2"), ("lead", "2"), ("first_issue", "15. januar"))
    newsletter = reminders(guide, state)["first_issue:newsletter:0"]
    assert newsletter.repeat is Repeat.FORTNIGHTLY
    assert newsletter.on_date == date(2027, 1, 15)
    assert newsletter.offset == timedelta(days=-2)
    due = newsletter.due_at(datetime(2026, 11, 25, tzinfo=UTC), UTC)
    assert due == datetime(2027, 1, 13, 9, 0, tzinfo=UTC)


def test_changing_the_rhythm_reschedules_the_reminder(guide: Guide) -> None:
    state, _ = walk(guide, ("cadence", "monthly"), ("lead", "week"), ("first_issue", "15. januar"))
    state, effects = advance(guide, state, Edit("cadence", "weekly", TODAY))
    moved = [e for e in effects if isinstance(e, ScheduleNudge)]
    assert [(e.key, e.repeat) for e in moved] == [("first_issue:newsletter:0", Repeat.WEEKLY)]


def test_events_typed_on_one_line_become_one_date_each() -> None:
    guide = parse_guide(club_guide(), "klub.yaml")
    state, _ = walk(
        guide,
        ("cadence", "1"),
        ("lead", "1"),
        ("first_issue", "1. december"),
        ("events", "15. januar, 12. februar og 10. marts"),
    )
    assert state.answers["events"] == ["2027-01-15", "2027-02-12", "2027-03-10"]
    wanted = reminders(guide, state)
    before = sorted(n.on_date + n.offset for n in wanted.values() if n.kind == "before")
    after = sorted(n.on_date + n.offset for n in wanted.values() if n.kind == "after")
    assert before == [date(2027, 1, 8), date(2027, 2, 5), date(2027, 3, 3)]
    assert after == [date(2027, 1, 16), date(2027, 2, 13), date(2027, 3, 11)]


def test_adding_the_following_event_schedules_only_its_own_reminders(guide: Guide) -> None:
    state, _ = walk(guide, ("cadence", "1"), ("lead", "1"), ("first_issue", "1. december"), ("events", "15. januar"))
    state, effects = advance(guide, state, Edit("events", "15. januar\n12. februar", TODAY))
    scheduled = sorted(e.on_date for e in effects if isinstance(e, ScheduleNudge))
    assert scheduled == [date(2027, 2, 12), date(2027, 2, 12)]
    assert not [e for e in effects if isinstance(e, CancelNudge)]


def test_a_date_taken_out_of_the_list_takes_its_reminders_with_it(guide: Guide) -> None:
    state, _ = walk(
        guide, ("cadence", "1"), ("lead", "1"), ("first_issue", "1. december"), ("events", "15. januar; 12. februar")
    )
    state, effects = advance(guide, state, Edit("events", "12. februar", TODAY))
    cancelled = sorted(e.key for e in effects if isinstance(e, CancelNudge))
    assert cancelled == ["events:after:1:2027-01-15", "events:before:0:2027-01-15"]


def test_a_comma_inside_one_date_does_not_split_it(guide: Guide) -> None:
    state, _ = walk(
        guide, ("cadence", "1"), ("lead", "1"), ("first_issue", "1. december"), ("events", "fredag, 15. januar")
    )
    assert state.answers["events"] == ["2027-01-15"]


def test_a_piece_that_is_no_date_refuses_the_whole_answer(guide: Guide) -> None:
    state, _ = walk(guide, ("cadence", "1"), ("lead", "1"), ("first_issue", "1. december"))
    _, effects = advance(guide, state, Answer("15. januar, engang i foråret", TODAY, "events"))
    assert [e.code for e in effects if isinstance(e, Rejected)] == ["bad-date"]


def test_a_rhythm_step_whose_options_lack_a_rhythm_is_refused() -> None:
    raw = club_guide()
    del raw["sections"][0]["steps"][0]["options"][1]["repeat"]
    with pytest.raises(GuideError) as error:
        parse_guide(raw, "klub.yaml")
    assert any(
        "repeat_from 'cadence' has options without 'repeat': fortnightly" in str(p) for p in error.value.problems
    )


def test_a_lead_time_needs_a_date_to_lead_up_to() -> None:
    raw = club_guide()
    nudge = raw["sections"][0]["steps"][2]["nudges"][0]
    del nudge["at"]
    nudge["after"] = "P7D"
    with pytest.raises(GuideError) as error:
        parse_guide(raw, "klub.yaml")
    assert any("'offset_from' needs 'at'" in str(p) for p in error.value.problems)


async def test_past_events_in_the_list_are_kept_but_remind_of_nothing(sqlite_db: Database, guide: Guide) -> None:
    clock = Clock(datetime(2026, 11, 25, 9, 0, tzinfo=UTC))
    team = Team(Coach(sqlite_db, {"klub": guide}, clock=clock))
    await team.command("start klub Debatklubben")
    for answer in ("1", "1", "1. december"):
        await team.say(answer)
    await team.say("1. november 2026, 15. januar")

    async with sqlite_db.session() as session:
        workspace = await find_workspace(session, "web", "local")
        assert workspace is not None
        rows = await WorkspaceRepo(session, workspace.id).nudges(1)
    events = sorted((row.kind, row.due_at.date()) for row in rows if row.kind in ("before", "after"))
    # 16 January 2027 is a Saturday: the "after" reminder waits for Monday's working hours.
    assert events == [("after", date(2027, 1, 18)), ("before", date(2027, 1, 8))]


async def test_a_question_for_several_dates_says_so_in_the_terminal(sqlite_db: Database, guide: Guide) -> None:
    team = Team(Coach(sqlite_db, {"klub": guide}, clock=Clock(datetime(2026, 11, 25, 9, 0, tzinfo=UTC))))
    await team.command("start klub Debatklubben")
    for answer in ("1", "1"):
        await team.say(answer)
    replies = await team.say("1. december")
    question = [r for r in replies if isinstance(r, QuestionReply)][-1]
    assert question.kind == "dates"
    assert "en eller flere datoer" in render(question, Messages("da"))
