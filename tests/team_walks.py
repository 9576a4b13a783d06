"""Walks a team takes through kommer-forbi, shared by the tests of what comes after them."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from bot.replies import Reply
from storage.db import Database
from storage.models import JournalEntry, NudgeRow
from tests.conftest import Team

AFTER_A_WEEK = timedelta(days=14)
"""When a reminder set for "in a week" has surely fallen due: a week's reminder moves to the
next working hours, past a weekend and the days off around Christmas."""

VISIT = [
    "ja",  # we know the target group
    "Unge mænd, der træner",
    "ja",  # we know whom to visit
    "Fitnesscenter Nord",
    "Centerleder Jens",
    "1",  # a close relation: call
    "ja",  # called
    "15.12",  # the meeting
    "Lære de unge at kende",
    "ja",  # the right participants
    "Hvem er de?\nHvad læser de?\nHvor mødes de?",
    "ja",  # agenda sent
    "ja",  # a tour
    "Lektiecafé og e-bøger",
    "Mette\nAli",
    "alle",
    "alle",
]


async def reach_the_visit(team: Team) -> list[Reply]:
    """Start kommer-forbi and answer everything up to "have you been on the visit?"."""
    await team.command("start kommer-forbi Fitness Nord")
    replies: list[Reply] = []
    for answer in VISIT:
        replies = await team.say(answer)
    return replies


async def outbox(team: Team, kind: str | None = None) -> list[NudgeRow]:
    async with team.coach.db.session() as session:
        query = select(NudgeRow).order_by(NudgeRow.id)
        if kind is not None:
            query = query.where(NudgeRow.kind == kind)
        return list((await session.execute(query)).scalars())


async def debrief_notes(db: Database) -> list[tuple[str, str]]:
    """Every debrief note saved, as (author, text), sorted."""
    async with db.session() as session:
        rows = (await session.execute(select(JournalEntry).where(JournalEntry.kind == "debrief"))).scalars()
        return sorted((row.author, row.text) for row in rows)


async def reminders(db: Database) -> list[NudgeRow]:
    """Every reminder, in the order they were made."""
    async with db.session() as session:
        return list((await session.execute(select(NudgeRow).order_by(NudgeRow.id))).scalars())
