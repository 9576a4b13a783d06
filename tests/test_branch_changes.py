"""A team that changes its mind: from the guide document *Biblioteket kommer forbi*, Step 1.

The document gives three roads to the first contact: a close relation (call), a good
acquaintance (call first, then mail, and follow up no later than a week after the mail)
and no relation (research, then a mail with your motivation). A team that said
"acquaintance", sent the mail, and then realises they do not know the person after all
must not be reminded to follow up a mail on a road they left, nor be walked back into it.
"""

from __future__ import annotations

import asyncio

from sqlalchemy import select

from bot.coach import Coach, UnknownProject
from storage.db import Database
from storage.models import NudgeRow, Project
from tests.conftest import Clock, Team, asked, said


async def reminders(db: Database) -> dict[str, str]:
    async with db.session() as session:
        rows = (await session.execute(select(NudgeRow))).scalars().all()
    return {row.kind: row.status for row in rows}


async def acquaintance_mail_sent(team: Team) -> None:
    await team.command("start kommer-forbi Fitness Nord")
    for answer in ("ja", "Unge mænd", "ja", "Fitnesscenter Nord", "Centerleder Jens", "2"):
        await team.say(answer)
    await team.command("skip")  # the mail draft is optional
    await team.say("ja")  # we called first
    replies = await team.say("ja")  # and the mail went out: follow up within a week
    assert "Påmindelse sat" in said(replies)
    assert asked(replies) == "acq_followed_up", "next: have they had a reply, or followed up?"


async def test_leaving_the_acquaintance_road_cancels_its_follow_up(team: Team) -> None:
    await acquaintance_mail_sent(team)
    assert await reminders(team.coach.db) == {"follow_up": "pending"}
    replies = await team.command("edit relation 3")  # no relation after all
    assert asked(replies) == "none_research"
    assert await reminders(team.coach.db) == {"follow_up": "cancelled"}


async def test_back_after_a_branch_change_follows_the_new_road(team: Team) -> None:
    await acquaintance_mail_sent(team)
    await team.command("edit relation 3")
    replies = await team.command("back")
    assert asked(replies) == "relation", "back goes to the question before, not into the road left behind"
    replies = await team.command("back")
    assert asked(replies) == "contact_person"
    # answering forward walks the new road and never sets the old reminder again
    await team.say("Centerleder Jens Hansen")
    replies = await team.say("Vi har læst om centret og deres medlemmer")
    assert asked(replies) == "none_mail"
    assert await reminders(team.coach.db) == {"follow_up": "cancelled"}


async def test_coming_back_to_the_acquaintance_road_sets_the_follow_up_again(team: Team) -> None:
    await acquaintance_mail_sent(team)
    await team.command("edit relation 3")
    replies = await team.command("edit relation 2")
    assert "Påmindelse sat" in said(replies)
    assert await reminders(team.coach.db) == {"follow_up": "pending"}


async def test_an_answer_racing_a_delete_gets_a_clear_outcome(db: Database, guides: dict, clock: Clock) -> None:
    """Whoever wins, nothing breaks: the delete removes everything, or the answer is saved
    and the delete then removes it too; the loser hears the project is gone."""
    coach = Coach(db, guides, clock=clock)
    team = Team(coach)
    started = await team.command("start kommer-forbi Slettes")
    project_id = started[-1].project_id  # type: ignore[union-attr]
    await team.say("ja")
    for _ in range(5):
        answer = team.send(team.turn("Ali", text="Unge mænd", project_id=project_id))
        delete = team.send(team.turn("Mette", command="delete ja", project_id=project_id))
        results = await asyncio.gather(answer, delete, return_exceptions=True)
        for result in results:
            assert not isinstance(result, Exception) or isinstance(result, UnknownProject), repr(result)
        async with db.session() as session:
            assert (await session.execute(select(Project))).scalars().all() == []
        started = await team.command("start kommer-forbi Slettes")
        project_id = started[-1].project_id  # type: ignore[union-attr]
        await team.say("ja")
