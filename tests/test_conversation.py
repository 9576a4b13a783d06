"""The conversation around the questions: where the team is, what an edit changed, how the end is said.

A small guide of our own keeps these specs about the coach, not about one guide's wording:

    Step 1: Forbered      1. Kender I vedkommende?   ja → 2, nej → 3
                          2. Hvad hedder vedkommende?        → 4
                          3. Hvem kan I spørge?              → 4
                          4. Hvornår mødes I? (valgfri)
    Step 2: Mødet         5. Hvad vil I spørge om?
                          6. Hvad er næste skridt?   (end)
"""

from __future__ import annotations

from typing import Any

import pytest

from bot.channels.terminal.render import render
from bot.coach import Coach
from bot.i18n import Messages
from bot.replies import ProgressReply, Reply
from flows.loader import parse_guide
from flows.model import Guide
from storage.db import Database
from tests.conftest import Clock, Team, asked, said


def text(words: str) -> dict[str, str]:
    return {"da": words, "en": words}


def small_guide() -> Guide:
    raw: dict[str, Any] = {
        "id": "lille",
        "version": 1,
        "source": "test",
        "title": text("Lille guide"),
        "summary": text("En lille guide"),
        "sections": [
            {
                "id": "step-1",
                "title": text("Step 1: Forbered"),
                "steps": [
                    {
                        "id": "know",
                        "kind": "confirm",
                        "text": text("Kender I vedkommende?"),
                        "next": [
                            {"to": "name", "when": {"step": "know", "equals": True}},
                            {"to": "ask", "when": {"step": "know", "equals": False}},
                        ],
                    },
                    {"id": "name", "kind": "text", "text": text("Hvad hedder vedkommende?"), "next": [{"to": "when"}]},
                    {"id": "ask", "kind": "text", "text": text("Hvem kan I spørge?")},
                    {"id": "when", "kind": "date", "required": False, "text": text("Hvornår mødes I?")},
                ],
            },
            {
                "id": "step-2",
                "title": text("Step 2: Mødet"),
                "steps": [
                    {"id": "questions", "kind": "text", "text": text("Hvad vil I spørge om?")},
                    {"id": "next_step", "kind": "text", "end": True, "text": text("Hvad er næste skridt?")},
                ],
            },
        ],
    }
    return parse_guide(raw, "lille.yaml")


@pytest.fixture
def team(sqlite_db: Database, clock: Clock) -> Team:
    return Team(Coach(sqlite_db, {"lille": small_guide()}, clock=clock))


def progress(replies: list[Reply]) -> ProgressReply:
    return [r for r in replies if isinstance(r, ProgressReply)][-1]


async def test_progress_counts_the_questions_on_the_teams_own_path(team: Team) -> None:
    first = progress(await team.command("start lille Møde"))
    # know → name → when → questions → next_step: five questions on the way a "ja" takes.
    assert (first.question, first.questions) == (1, 5)
    second = progress(await team.say("nej"))
    assert (second.question, second.questions) == (2, 5)
    assert second.section == "Step 1: Forbered"


async def test_the_terminal_names_the_section_as_the_document_does_not_as_a_fraction(team: Team) -> None:
    replies = await team.command("start lille Møde")
    shown = render(progress(replies), Messages("da"))
    assert shown == "[Møde · Step 1: Forbered · spørgsmål 1 af 5]"
    assert "1/2" not in shown


async def test_answers_keep_the_guides_numbers_so_edit_6_always_means_the_same_question(team: Team) -> None:
    await team.command("start lille Møde")
    await team.say("nej")  # 1
    await team.say("Biblioteksleder Hanne")  # 3, as 2 is on the other branch
    await team.command("spring")  # 4 skipped
    await team.say("Hvad mangler unge?")  # 5
    listed = said(await team.command("svar"))
    assert "1. Kender I vedkommende?" in listed
    assert "3. Hvem kan I spørge?" in listed
    assert "5. Hvad vil I spørge om?" in listed
    assert "2. " not in listed and "4. " not in listed

    changed = said(await team.command("ret 5 Hvad savner unge i byen?"))
    assert "spørgsmål 5" in changed
    assert "før: Hvad mangler unge?" in changed
    assert "nu: Hvad savner unge i byen?" in changed


async def test_an_edit_that_changes_the_branch_names_the_answers_left_behind(team: Team) -> None:
    await team.command("start lille Møde")
    await team.say("nej")
    await team.say("Biblioteksleder Hanne")
    changed = said(await team.command("ret 1 ja"))
    assert "før: Nej" in changed and "nu: Ja" in changed
    assert "anden vej" in changed
    assert "3. Hvem kan I spørge? → Biblioteksleder Hanne" in changed
    assert asked(await team.command("status")) == "name"


async def test_an_edit_to_the_same_answer_says_nothing_changed_by_saying_nothing(team: Team) -> None:
    await team.command("start lille Møde")
    await team.say("nej")
    assert "før:" not in said(await team.command("ret 1 nej"))


async def test_the_end_is_said_once_with_praise_when_the_work_is_done(team: Team) -> None:
    await team.command("start lille Møde")
    for answer in ("ja", "Hanne", "15. december", "Hvad mangler unge?"):
        await team.say(answer)
    ended = said(await team.say("Vi inviterer Hanne til et nyt møde"))
    assert ended.count("afsluttet") == 1
    assert "Godt arbejde" in ended


async def test_stopping_early_is_said_once_without_praise(team: Team) -> None:
    await team.command("start lille Møde")
    await team.say("ja")
    ended = said(await team.command("afslut"))
    assert ended.count("afsluttet") == 1
    assert "Godt arbejde" not in ended
