"""A conversation the bot can no longer reach: the platform said so (Teams' "the bot is not
in the conversation", Slack's "channel not found"), or a channel told the coach the bot was
removed. Its reminders then fail at once, with the reason, without asking the platform
again; the team's projects and answers stay; the next word from the conversation makes it
reachable again."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from bot.coach import Coach
from bot.config import RemindersConfig
from bot.delivery import Failed, Result, Sent, Target
from bot.reminder_job import make_deliverer
from bot.reminder_messages import compose
from bot.replies import Reply
from bot.worker import Deliverer
from flows.model import Guide
from storage import outbox
from storage.db import Database
from storage.models import Conversation, NudgeRow, Project, Workspace
from tests.conftest import Clock, Team, asked, said
from tests.fake_chat import PLATFORM, seed_reminders
from tests.team_walks import outbox as reminders_of

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
REMOVED = "BotNotInConversationRoster"
NO_LONGER_THERE = f"the bot is no longer in this conversation ({REMOVED})"


@dataclass
class Platform:
    """A chat platform that answers, while ``removed``, that the bot is not in the conversation."""

    platform: str = "web"
    removed: bool = True
    posts: list[Target] = field(default_factory=list)

    async def deliver(self, target: Target, replies: list[Reply]) -> Result:
        self.posts.append(target)
        return Failed(REMOVED, gone=True) if self.removed else Sent(f"msg-{len(self.posts)}")


def worker(team: Team, platform: Platform, clock: Clock) -> Deliverer:
    return make_deliverer(team.coach.db, {platform.platform: platform}, RemindersConfig(), clock=lambda: clock.now)


async def conversation(db: Database, external_id: str = "web") -> Conversation:
    async with db.session() as session:
        query = select(Conversation).where(Conversation.external_id == external_id)
        return (await session.execute(query)).scalar_one()


async def removed_while_the_team_works(team: Team, clock: Clock) -> Platform:
    """The team has a project and a task due tomorrow; the bot is removed from the
    conversation, and the outbox learns it when tomorrow's reminder is refused."""
    await team.command("start kommer-forbi Fitness Nord")
    await team.say("ja")
    await team.command("opgave Ring til Jens – Ali – i morgen")
    platform = Platform()
    clock.now += timedelta(days=1)
    assert (await worker(team, platform, clock).run_due(clock.now)).failed == 1
    assert (await conversation(team.coach.db)).active is False
    return platform


async def test_once_the_platform_says_the_bot_is_gone_the_conversations_reminders_fail_without_asking_again(
    team: Team, clock: Clock
) -> None:
    await team.command("start kommer-forbi Fitness Nord")
    await team.command("opgave Ring til Jens – Ali – i morgen\nSend mail til Sara – Mette – om en uge")
    platform = Platform()
    deliverer = worker(team, platform, clock)

    clock.now += timedelta(days=1)
    assert (await deliverer.run_due(clock.now)).failed == 1
    clock.now += timedelta(days=7)
    report = await deliverer.run_due(clock.now)

    assert (report.claimed, report.failed) == (1, 1)
    assert len(platform.posts) == 1, "the platform is not asked again"
    first, second = await reminders_of(team, "task")
    assert (first.status, first.last_error) == ("failed", REMOVED)
    assert (second.status, second.last_error) == ("failed", NO_LONGER_THERE)
    gone = await conversation(team.coach.db)
    assert (gone.active, gone.inactive_reason) == (False, REMOVED)


async def test_when_the_team_writes_there_again_its_reminders_are_delivered_again(team: Team, clock: Clock) -> None:
    platform = await removed_while_the_team_works(team, clock)
    platform.removed = False  # the bot was added again, and someone answers the open question

    replies = await team.say("Unge mænd, der træner")

    assert asked(replies) == "actors_chosen", "the answer is taken as ever"
    assert (await conversation(team.coach.db)).active is True
    listed = said(await team.command("påmindelser"))
    assert "Kunne ikke sendes" in listed and REMOVED in listed, "the team sees what was missed, and why"
    await team.command("opgave Ring igen til Jens – Ali – i morgen")
    clock.now += timedelta(days=1)
    assert (await worker(team, platform, clock).run_due(clock.now)).sent == 1


async def test_any_turn_makes_the_conversation_reachable_again_even_one_that_reads_no_project(
    team: Team, clock: Clock
) -> None:
    await removed_while_the_team_works(team, clock)

    await team.command("hjælp")

    assert (await conversation(team.coach.db)).active is True


async def test_a_coach_process_started_after_the_removal_makes_it_reachable_again(
    team: Team, clock: Clock, guides: dict[str, Guide]
) -> None:
    await removed_while_the_team_works(team, clock)

    await Team(Coach(team.coach.db, guides, clock=clock)).say("Unge mænd, der træner")

    gone = await conversation(team.coach.db)
    assert (gone.active, gone.inactive_reason) == (True, None)


async def test_a_channel_can_say_the_bot_was_removed_and_the_teams_work_stays(team: Team, clock: Clock) -> None:
    await team.command("start kommer-forbi Fitness Nord")
    await team.say("ja")
    await team.command("opgave Ring til Jens – Ali – i morgen")

    await team.coach.conversation_gone("web", "local", "web", "the app was uninstalled")

    platform = Platform(removed=False)
    clock.now += timedelta(days=1)
    assert (await worker(team, platform, clock).run_due(clock.now)).failed == 1
    assert platform.posts == [], "the platform is not asked"
    [task] = await reminders_of(team, "task")
    assert task.last_error == "the bot is no longer in this conversation (the app was uninstalled)"
    async with team.coach.db.session() as session:
        [project] = (await session.execute(select(Project))).scalars()
    assert project.answers == {"target_group_chosen": True}, "the project and its answers stay"


async def test_a_channel_saying_an_unknown_conversation_is_gone_creates_nothing(coach: Coach) -> None:
    await Team(coach).command("hjælp")

    await coach.conversation_gone("web", "local", "another-room", "removed")
    await coach.conversation_gone("teams", "unknown-tenant", "19:chat", "removed")

    async with coach.db.session() as session:
        assert (await session.execute(select(func.count()).select_from(Workspace))).scalar() == 1
        assert (await session.execute(select(Conversation.external_id))).scalars().all() == ["web"]
    assert (await conversation(coach.db)).active is True


# --- in the outbox ------------------------------------------------------------------------------


@dataclass
class Refusing:
    """A platform on which conversation c0 is gone; it counts the calls."""

    platform: str = PLATFORM
    calls: list[str] = field(default_factory=list)

    async def deliver(self, target: Target, replies: list[Reply]) -> Result:
        self.calls.append(target.conversation)
        return Failed("ConversationNotFound", gone=True) if target.conversation == "c0" else Sent("ok")


async def test_the_rest_of_a_claim_for_a_gone_conversation_fails_after_the_first_refusal(db: Database) -> None:
    await seed_reminders(db, 2, 3, NOW)
    channel = Refusing()

    report = await Deliverer(db, {PLATFORM: channel}, compose).run_due(NOW + timedelta(seconds=5))

    assert (report.claimed, report.sent, report.failed) == (6, 3, 3)
    assert sorted(channel.calls) == ["c0", "c1", "c1", "c1"], "c0 was asked once"
    async with db.session() as session:
        rows = (await session.execute(select(NudgeRow).order_by(NudgeRow.id))).scalars().all()
    assert [(row.conversation, row.status, row.last_error) for row in rows[:3]] == [
        ("c0", "failed", "ConversationNotFound"),
        ("c0", "failed", "the bot is no longer in this conversation (ConversationNotFound)"),
        ("c0", "failed", "the bot is no longer in this conversation (ConversationNotFound)"),
    ]
    assert {row.status for row in rows[3:]} == {"sent"}, "other conversations are not touched"


async def test_a_claimed_reminder_says_whether_its_conversation_can_be_reached(db: Database) -> None:
    await seed_reminders(db, 1, 1, NOW)
    async with db.transaction() as session:
        [due] = await outbox.claim(session, NOW, 10, timedelta(seconds=60), [PLATFORM])
        assert (due.active, due.inactive_reason) == (True, None)
        await outbox.record(session, [outbox.mark_failed(due, "channel_not_found", gone=True)])
    await one_more_reminder(db, "c0")

    async with db.transaction() as session:
        [due] = await outbox.claim(session, NOW + timedelta(minutes=1), 10, timedelta(seconds=60), [PLATFORM])

    assert (due.active, due.inactive_reason) == (False, "channel_not_found")


async def one_more_reminder(db: Database, conversation_id: str) -> None:
    """One more reminder, due now, for the seeded project of ``conversation_id``."""
    async with db.transaction() as session:
        query = select(Project).where(Project.name == f"Projekt {conversation_id}")
        project = (await session.execute(query)).scalar_one()
        session.add(
            NudgeRow(
                workspace_id=project.workspace_id,
                project_id=project.id,
                dedupe_key=f"{project.id}:later",
                kind="reminder",
                platform=PLATFORM,
                conversation=conversation_id,
                due_at=NOW,
                payload={"message": {"da": "Husk", "en": "Remember"}},
            )
        )
