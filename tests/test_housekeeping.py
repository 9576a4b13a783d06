"""Answered events are remembered long enough to answer any redelivery, and then forgotten."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from bot.coach import Coach
from bot.reminder_job import tidy
from storage.db import Database
from storage.models import ProcessedEvent
from tests.conftest import Clock, Team


async def remembered(db: Database) -> list[str]:
    async with db.session() as session:
        return sorted((await session.execute(select(ProcessedEvent.event_id))).scalars())


async def test_events_older_than_a_week_are_forgotten_and_newer_ones_still_answer_a_redelivery(
    db: Database, guides: dict, clock: Clock
) -> None:
    team = Team(Coach(db, guides, clock=clock))
    await team.send(team.turn("Mette", command="start kommer-forbi Fitness", event_id="old"))
    clock.now += timedelta(days=6)
    first = await team.send(team.turn("Mette", text="ja", event_id="recent"))
    clock.now += timedelta(days=2)  # "old" is now 8 days old, "recent" 2

    assert await tidy(db, clock.now) == 1
    assert await remembered(db) == ["recent"]
    again = await team.coach.handle(team.turn("Mette", text="ja", event_id="recent"))
    assert again.repeated and again.replies == first
