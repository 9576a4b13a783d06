"""The reminder outbox, on SQLite and PostgreSQL: a reminder is claimed under a lease,
delivered in order, marked sent only when the platform took it, retried when the
platform asks, failed when it refuses, and never lost when the worker or database fails."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient, TestServer
from click.testing import CliRunner
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.cli import main as cli
from bot.config import Config
from bot.delivery import Result, RetryAfter, Sent, Target
from bot.reminder_messages import compose
from bot.replies import ActionsReply, Reply, TextReply
from bot.richtext import Rich
from bot.server import DB_KEY, make_app
from bot.worker import BACKOFF, Deliverer, backoff
from storage import outbox
from storage.db import Database
from storage.models import NudgeRow
from tests.conftest import free_port
from tests.fake_chat import PLATFORM, FakeChat, FakeChatChannel, seed_reminders

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
LEASE = timedelta(seconds=120)


@dataclass
class ScriptedChannel:
    """A channel that answers what the test says, and records what it was asked to post."""

    answers: list[Result] = field(default_factory=list)  # in turn; Sent() when used up
    during: Callable[[Target], Any] | None = None  # awaited while "posting"
    posted: list[str] = field(default_factory=list)
    platform: str = PLATFORM

    async def deliver(self, target: Target, replies: list[Reply]) -> Result:
        self.posted.append(replies[0].text.plain())  # type: ignore[union-attr]
        if self.during:
            await self.during(target)
        return self.answers.pop(0) if self.answers else Sent(f"m{len(self.posted)}")


def deliverer(db: Any, channel: Any, **options: Any) -> Deliverer:
    return Deliverer(db, {PLATFORM: channel}, compose, lease=LEASE, **options)


async def rows(db: Database) -> list[NudgeRow]:
    async with db.session() as session:
        return list((await session.execute(select(NudgeRow).order_by(NudgeRow.id))).scalars())


async def claim(db: Database, now: datetime, limit: int = 100) -> list[outbox.DueNudge]:
    async with db.transaction() as session:
        return await outbox.claim(session, now, limit, LEASE, [PLATFORM])


async def cancel(db: Database, nudge_id: int) -> None:
    async with db.transaction() as session:
        await session.execute(update(NudgeRow).where(NudgeRow.id == nudge_id).values(status="cancelled"))


# --- claiming ------------------------------------------------------------------------------------


async def test_a_claim_leases_the_due_reminders_of_a_conversation_in_due_order(db: Database) -> None:
    first, second, later = await seed_reminders(db, 1, 3, NOW - timedelta(seconds=2))
    claimed = await claim(db, NOW)
    assert [n.id for n in claimed] == [first, second, later]
    assert all(n.attempts == 1 and n.project_name == "Projekt c0" and n.lang == "da" for n in claimed)
    assert claimed[0].timezone == "Europe/Copenhagen" and claimed[0].work_start == "09:00"
    assert all(row.lease_until == NOW + LEASE for row in await rows(db))
    assert await claim(db, NOW) == [], "a leased conversation is not claimed twice"


async def test_reminders_not_yet_due_or_for_another_platform_are_not_claimed(db: Database) -> None:
    await seed_reminders(db, 1, 1, NOW + timedelta(minutes=1))
    assert await claim(db, NOW) == []
    async with db.transaction() as session:
        assert await outbox.claim(session, NOW + timedelta(minutes=2), 10, LEASE, ["slack"]) == []


async def test_a_conversation_being_delivered_is_not_claimed_by_another_worker(db: Database) -> None:
    """A row that came due after the claim waits for the worker that holds its conversation."""
    await seed_reminders(db, 2, 2, NOW)
    first = await claim(db, NOW + timedelta(seconds=0.5))  # c0's and c1's first reminders only
    assert {n.conversation for n in first} == {"c0", "c1"} and len(first) == 2
    assert await claim(db, NOW + timedelta(seconds=5)) == []


async def test_a_claim_takes_whole_conversations_up_to_its_limit(db: Database) -> None:
    """c0's two reminders fill a claim of two; the next claim takes c1 and c2 whole."""
    await seed_reminders(db, 3, 2, NOW)
    first = await claim(db, NOW + timedelta(seconds=5), limit=2)
    second = await claim(db, NOW + timedelta(seconds=5), limit=10)
    assert [(n.conversation, n.due_at) for n in first] == [("c0", NOW), ("c0", NOW + timedelta(seconds=1))]
    assert [n.conversation for n in second] == ["c1", "c1", "c2", "c2"]


async def test_a_capped_claim_leaves_the_rest_of_the_conversation_to_the_next(db: Database) -> None:
    await seed_reminders(db, 1, 3, NOW)
    async with db.transaction() as session:
        first = await outbox.claim(session, NOW + timedelta(seconds=5), 10, LEASE, [PLATFORM], per_conversation=2)
    assert [n.due_at for n in first] == [NOW, NOW + timedelta(seconds=1)]
    assert await claim(db, NOW + timedelta(seconds=5)) == [], "the conversation stays with its worker"


@pytest.mark.postgres
async def test_two_workers_claiming_at_the_same_moment_split_the_conversations(postgres_db: Database) -> None:
    """The second claims while the first has not committed yet: it looks past c0 and c1."""
    await seed_reminders(postgres_db, 4, 2, NOW)
    async with postgres_db.transaction() as first:
        mine = await outbox.claim(first, NOW + timedelta(seconds=5), 4, LEASE, [PLATFORM])
        async with postgres_db.transaction() as second:
            theirs = await outbox.claim(second, NOW + timedelta(seconds=5), 8, LEASE, [PLATFORM])
    assert [n.conversation for n in mine] == ["c0", "c0", "c1", "c1"]
    assert [n.conversation for n in theirs] == ["c2", "c2", "c3", "c3"]
    assert await claim(postgres_db, NOW + timedelta(seconds=5)) == []


async def test_an_expired_lease_is_claimed_again(db: Database) -> None:
    (nudge_id,) = await seed_reminders(db, 1, 1, NOW)
    await claim(db, NOW)
    assert await claim(db, NOW + LEASE - timedelta(seconds=1)) == []
    again = await claim(db, NOW + LEASE + timedelta(seconds=1))
    assert [(n.id, n.attempts) for n in again] == [(nudge_id, 2)]


async def test_a_cancelled_reminder_is_never_claimed(db: Database) -> None:
    (nudge_id,) = await seed_reminders(db, 1, 1, NOW)
    await cancel(db, nudge_id)
    assert await claim(db, NOW) == []


# --- delivering ----------------------------------------------------------------------------------


async def test_a_reminder_is_marked_sent_only_after_the_platform_accepted_it(db: Database) -> None:
    (nudge_id,) = await seed_reminders(db, 1, 1, NOW)
    channel = ScriptedChannel([RetryAfter("timeout")])
    report = await deliverer(db, channel).run_due(NOW)
    (row,) = await rows(db)
    assert (report.claimed, report.sent, report.retried) == (1, 0, 1)
    assert (row.status, row.sent_at, row.message_id, row.lease_until) == ("pending", None, None, None)

    report = await deliverer(db, channel).run_due(row.due_at)
    (row,) = await rows(db)
    assert (row.status, row.sent_at, row.message_id, row.lease_until) == ("sent", row.due_at, "m2", None)
    assert channel.posted == ["⏰ Påmindelse: Projekt c0\nHusk det [n0]"] * 2


async def test_a_reminder_cancelled_after_the_claim_is_not_delivered(db: Database) -> None:
    """The team stops the second reminder while the first one is being posted."""
    first, second = await seed_reminders(db, 1, 2, NOW - timedelta(seconds=5))

    async def stop_the_second(_target: Target) -> None:
        await cancel(db, second)

    channel = ScriptedChannel(during=stop_the_second)
    report = await deliverer(db, channel).run_due(NOW)
    assert channel.posted == ["⏰ Påmindelse: Projekt c0\nHusk det [n0]"]
    assert report.claimed == 2 and report.sent == 1
    assert [row.status for row in await rows(db)] == ["sent", "cancelled"]


async def test_a_reminder_cancelled_while_it_was_posted_stays_cancelled(db: Database) -> None:
    (nudge_id,) = await seed_reminders(db, 1, 1, NOW)

    async def stop_it(_target: Target) -> None:
        await cancel(db, nudge_id)

    await deliverer(db, ScriptedChannel(during=stop_it)).run_due(NOW)
    (row,) = await rows(db)
    assert (row.status, row.sent_at) == ("cancelled", None)


async def test_retry_after_is_honoured_and_the_conversation_waits_in_order(db: Database) -> None:
    first, second, third = await seed_reminders(db, 1, 3, NOW - timedelta(seconds=5))
    channel = ScriptedChannel([RetryAfter("rate limited", seconds=42)])
    report = await deliverer(db, channel).run_due(NOW)
    assert (report.claimed, report.sent, report.retried) == (3, 0, 1)
    assert len(channel.posted) == 1, "nothing more goes to a conversation that asked us to wait"
    found = await rows(db)
    retry_at = NOW + timedelta(seconds=42)
    assert [row.due_at for row in found] == [
        retry_at,
        retry_at + timedelta(microseconds=1),
        retry_at + timedelta(microseconds=2),
    ]
    assert [(row.status, row.attempts, row.lease_until) for row in found] == [
        ("pending", 1, None),
        ("pending", 0, None),
        ("pending", 0, None),
    ]
    assert found[0].last_error == "rate limited"

    assert await deliverer(db, channel).run_due(retry_at - timedelta(seconds=1)) == type(report)()
    await deliverer(db, channel).run_due(retry_at + timedelta(seconds=1))
    assert [row.status for row in await rows(db)] == ["sent"] * 3
    assert [text[-4:] for text in channel.posted] == ["[n0]", "[n0]", "[n1]", "[n2]"]


def test_backoff_grows_with_each_attempt_up_to_a_cap() -> None:
    waits = [(backoff(attempt, lambda: 0.0), backoff(attempt, lambda: 1.0)) for attempt in range(1, 10)]
    for (_low, high), (next_low, _next_high) in zip(waits, waits[1:5], strict=False):
        assert high < next_low, "each attempt waits longer than any wait before it"
    assert waits[-1] == waits[4] == pytest.approx((BACKOFF[-1] * 0.8, BACKOFF[-1] * 1.2)), "capped at 2 h, ±20 %"
    assert 24 <= backoff(1) <= 36


async def test_backoff_is_used_when_the_platform_names_no_time(db: Database) -> None:
    await seed_reminders(db, 1, 1, NOW)
    now, waits = NOW, []
    for _ in range(3):
        await deliverer(db, ScriptedChannel([RetryAfter("503")])).run_due(now)
        (row,) = await rows(db)
        waits.append((row.due_at - now).total_seconds())
        now = row.due_at
    assert 24 <= waits[0] <= 36 and 48 <= waits[1] <= 72 and 240 <= waits[2] <= 360


async def test_a_reminder_fails_after_its_last_attempt_with_the_last_reason(db: Database) -> None:
    await seed_reminders(db, 1, 1, NOW)
    now = NOW
    for attempt in range(3):
        report = await deliverer(db, ScriptedChannel([RetryAfter(f"timeout {attempt}")]), max_attempts=3).run_due(now)
        (row,) = await rows(db)
        now = row.due_at
    assert (report.retried, report.failed) == (0, 1)
    assert (row.status, row.attempts, row.last_error) == ("failed", 3, "timeout 2")
    assert await claim(db, now + timedelta(days=1)) == []


async def test_a_refusal_fails_the_reminder_with_the_platforms_reason(db: Database) -> None:
    await seed_reminders(db, 2, 1, NOW)
    chat = FakeChat(gone={"c0"})
    await chat.start()
    channel = FakeChatChannel(chat.url)
    try:
        report = await deliverer(db, channel).run_due(NOW)
    finally:
        await channel.close()
        await chat.stop()
    assert (report.claimed, report.sent, report.failed) == (2, 1, 1)
    gone, fine = await rows(db)
    assert (gone.status, gone.last_error, fine.status) == ("failed", "channel_not_found", "sent")
    assert [message.conversation for message in chat.posted] == ["c1"]


async def test_the_fake_chats_rate_limit_and_errors_become_retries(db: Database) -> None:
    await seed_reminders(db, 1, 2, NOW - timedelta(seconds=5))
    chat = FakeChat(rate=1.0, fail_next=1)
    await chat.start()
    channel = FakeChatChannel(chat.url)
    try:
        report = await deliverer(db, channel).run_due(NOW)  # 503: both wait behind the first
        assert (report.sent, report.retried) == (0, 1)
        (first, _second) = await rows(db)
        # the first goes, the second meets the limit
        report = await deliverer(db, channel).run_due(first.due_at + timedelta(seconds=1))
        (first, second) = await rows(db)
    finally:
        await channel.close()
        await chat.stop()
    assert (report.sent, report.retried, chat.rate_limited) == (1, 1, 1)
    assert (first.status, second.status, second.last_error) == ("sent", "pending", "rate limited")
    assert 0 < (second.due_at - first.sent_at).total_seconds() <= 1.0  # type: ignore[operator]


async def test_the_fake_chat_channel_turns_silence_and_a_closed_port_into_retries() -> None:
    chat = FakeChat(holding=True)
    await chat.start()
    slow, closed = FakeChatChannel(chat.url, timeout=0.5), FakeChatChannel("http://127.0.0.1:9")
    try:
        held = await slow.deliver(Target("c0", None), [TextReply(Rich.text("hej"))])
        assert chat.arrived.is_set() and chat.posted == []
        refused = await closed.deliver(Target("c0", None), [TextReply(Rich.text("hej"))])
    finally:
        await slow.close()
        await closed.close()
        await chat.stop()
    assert held == RetryAfter("fake chat unreachable: TimeoutError")
    assert refused == RetryAfter("fake chat unreachable: ClientConnectorError")


@pytest.mark.parametrize(
    ("repeat", "due", "next_due"),
    [
        ("weekly", datetime(2026, 12, 1, 9, tzinfo=UTC), datetime(2026, 12, 8, 9, tzinfo=UTC)),
        ("monthly", datetime(2027, 1, 31, 9, tzinfo=UTC), datetime(2027, 2, 28, 9, tzinfo=UTC)),
    ],
)
async def test_a_repeating_reminder_is_sent_and_armed_again(
    db: Database, repeat: str, due: datetime, next_due: datetime
) -> None:
    payload = {"message": {"da": "Tjek status", "en": "Check status"}, "repeat": repeat}
    await seed_reminders(db, 1, 1, due, payload=payload)
    report = await deliverer(db, ScriptedChannel()).run_due(due + timedelta(minutes=5))
    (row,) = await rows(db)
    assert report.sent == 1
    assert (row.status, row.due_at, row.sent_at, row.attempts, row.lease_until) == (
        "pending",
        next_due,
        due + timedelta(minutes=5),
        0,
        None,
    )


async def test_a_repeating_reminder_long_overdue_comes_back_once_not_in_a_burst(db: Database) -> None:
    due = datetime(2026, 12, 1, 9, tzinfo=UTC)
    await seed_reminders(db, 1, 1, due, payload={"message": {"da": "x", "en": "x"}, "repeat": "weekly"})
    await deliverer(db, ScriptedChannel()).run_due(due + timedelta(days=20))
    (row,) = await rows(db)
    assert row.due_at == datetime(2026, 12, 22, 9, tzinfo=UTC)


# --- the database failing while a result is recorded -----------------------------------------------


class BrokenForMarks:
    """The real database for claims and reads, an unreachable one for recording results."""

    def __init__(self, db: Database, broken: Database) -> None:
        self.db, self.broken, self.claims = db, broken, 0

    def session(self) -> AsyncSession:
        return self.db.session()

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[AsyncSession]:
        self.claims += 1
        target = self.db if self.claims == 1 else self.broken
        async with target.transaction() as session:
            yield session


@pytest.fixture
async def unreachable(db: Database, tmp_path: Path) -> AsyncIterator[Database]:
    """A database of the same kind that cannot be reached: a closed port, a missing directory."""
    url = (
        f"sqlite+aiosqlite:///{tmp_path}/no/such/dir/coach.sqlite3"
        if db.is_sqlite
        else "postgresql+asyncpg://postgres@127.0.0.1:9/test"
    )
    broken = Database(url, connect_timeout=1)
    yield broken
    await broken.dispose()


async def test_a_database_failure_while_recording_loses_nothing(db: Database, unreachable: Database) -> None:
    (nudge_id,) = await seed_reminders(db, 1, 1, NOW)
    channel = ScriptedChannel()
    report = await deliverer(BrokenForMarks(db, unreachable), channel).run_due(NOW)
    assert (report.claimed, report.sent, report.unmarked) == (1, 1, 1)
    (row,) = await rows(db)
    assert (row.status, row.sent_at, row.lease_until) == ("pending", None, NOW + LEASE), "not marked sent"
    assert await claim(db, NOW + LEASE - timedelta(seconds=1)) == []
    assert [n.id for n in await claim(db, NOW + LEASE)] == [nudge_id], "claimable again after the lease"


# --- what a reminder says, and what people see of the outbox --------------------------------------


async def test_a_reminder_speaks_the_conversations_language_and_offers_done_snooze_and_stop(db: Database) -> None:
    await seed_reminders(db, 1, 1, NOW, lang="en")
    (nudge,) = await claim(db, NOW)
    (actions,) = compose(nudge)  # one message: the words with their buttons
    assert isinstance(actions, ActionsReply) and actions.text.plain() == "⏰ Reminder: Projekt c0\nRemember [n0]"
    assert [(a.label, a.command, a.project_id) for a in actions.actions] == [
        ("Done", f"reminder done {nudge.id}", nudge.project_id),
        ("Snooze a day", f"reminder snooze {nudge.id} 1d", nudge.project_id),
        ("Snooze a week", f"reminder snooze {nudge.id} 1w", nudge.project_id),
        ("Stop the reminder", f"reminder stop {nudge.id}", nudge.project_id),
    ]


async def test_the_outbox_summary_counts_due_in_flight_upcoming_sent_and_failed(db: Database) -> None:
    ids = await seed_reminders(db, 4, 1, NOW)
    await seed_reminders_later(db, ids)
    async with db.session() as session:
        counts = await outbox.summary(session, NOW)
        listed = await outbox.entries(session, NOW)
        everything = await outbox.entries(session, NOW, include_all=True)
    assert counts == outbox.OutboxSummary(due=1, in_flight=1, upcoming=0, sent=1, failed=1)
    assert [entry.status for entry in listed] == ["failed", "pending", "pending"]
    assert [entry.in_flight for entry in listed] == [False, True, False]
    assert len(everything) == 4 and everything[0].project == "Projekt c0" and everything[0].conversation == "c0"


async def seed_reminders_later(db: Database, ids: list[int]) -> None:
    """c0 sent, c1 failed, c2 claimed (in flight), c3 due."""
    async with db.transaction() as session:
        await session.execute(update(NudgeRow).where(NudgeRow.id == ids[0]).values(status="sent", sent_at=NOW))
        await session.execute(update(NudgeRow).where(NudgeRow.id == ids[1]).values(status="failed", last_error="gone"))
        await session.execute(update(NudgeRow).where(NudgeRow.id == ids[2]).values(lease_until=NOW + LEASE))


def test_reminders_list_and_run_due_on_the_command_line(tmp_path: Path) -> None:
    data = tmp_path / "data"
    env = {"OUTREACH_COACH_DATA_DIR": str(data)}
    runner = CliRunner()
    assert runner.invoke(cli, ["db", "upgrade"], env=env).exit_code == 0

    async def seed() -> None:
        db = Database(f"sqlite+aiosqlite:///{data / 'outreach-coach.sqlite3'}")
        try:
            await seed_reminders(db, 1, 1, datetime(2036, 12, 1, 9, 0, tzinfo=UTC))
        finally:
            await db.dispose()

    asyncio.run(seed())
    listed = runner.invoke(cli, ["reminders", "list"], env=env).output
    assert listed.startswith("due 0, in flight 0, upcoming 1, sent 0, failed 0\n")
    assert "2036-12-01 10:00 CET" in listed and "Projekt c0 · fake/team c0" in listed and "pending" in listed
    # This process has no channel for the fake platform: nothing is claimed, nothing lost.
    ran = runner.invoke(cli, ["reminders", "run-due", "--now", "2036-12-01T10:00"], env=env)
    assert ran.output == "claimed 0, sent 0, retried 0, failed 0\n"
    bad = runner.invoke(cli, ["reminders", "run-due", "--now", "tomorrow"], env=env)
    assert bad.exit_code == 2 and "not an ISO date and time: 'tomorrow'" in bad.output


# --- the server runs the outbox, and lets a demo move its clock ------------------------------------


@asynccontextmanager
async def served(data: Path, channel: ScriptedChannel, token: str = "") -> AsyncIterator[TestClient]:
    port = free_port()  # the chat answers only to the host and port it was told it serves on
    config = Config.model_validate({"data_dir": str(data), "server": {"access_token": token, "port": port}})
    app = await make_app(config, {PLATFORM: channel})
    async with TestClient(TestServer(app, port=port)) as client:
        yield client


async def test_serve_delivers_what_is_due_at_the_time_a_demo_asks_for(tmp_path: Path) -> None:
    channel = ScriptedChannel()
    async with served(tmp_path, channel) as client:
        db = client.app[DB_KEY]
        await seed_reminders(db, 1, 1, datetime(2036, 12, 1, 9, 0, tzinfo=UTC))
        early = await client.post("/admin/reminders/run-due", params={"now": "2036-12-01T09:59"})
        assert await early.json() == {"claimed": 0, "sent": 0, "retried": 0, "failed": 0, "unmarked": 0}
        due = await client.post("/admin/reminders/run-due", params={"now": "2036-12-01T10:00"})  # 09:00 UTC
        assert (due.status, (await due.json())["sent"]) == (200, 1)
        (row,) = await rows(db)
    assert channel.posted == ["⏰ Påmindelse: Projekt c0\nHusk det [n0]"]
    assert (row.status, row.sent_at) == ("sent", datetime(2036, 12, 1, 9, 0, tzinfo=UTC))


async def test_serve_delivers_the_browser_chats_reminders_to_the_room(tmp_path: Path) -> None:
    async with served(tmp_path, ScriptedChannel()) as client:
        await seed_reminders(client.app[DB_KEY], 1, 1, datetime(2036, 12, 1, 9, 0, tzinfo=UTC), platform="web")
        due = await client.post("/admin/reminders/run-due", params={"now": "2036-12-01T10:00"})
        assert (await due.json())["sent"] == 1
        room = await (await client.get("/chat/api/history", params={"conversation": "c0"})).json()
    (delivered,) = [event for event in room["events"] if event["type"] == "delivered"]
    assert "Husk det [n0]" in str(delivered["replies"])


async def test_the_demo_clock_needs_the_token_a_command_not_a_page_and_a_readable_time(tmp_path: Path) -> None:
    async with served(tmp_path, ScriptedChannel(), token="s3cret-token") as client:
        refused = await client.post("/admin/reminders/run-due")
        wrong = await client.post("/admin/reminders/run-due", headers={"Authorization": "Bearer nope"})
        unreadable = await client.post(
            "/admin/reminders/run-due", params={"now": "i morgen"}, headers={"Authorization": "Bearer s3cret-token"}
        )
        from_a_page = await client.post(
            "/admin/reminders/run-due",
            headers={"Authorization": "Bearer s3cret-token", "Origin": "http://evil.example"},
        )
        assert (refused.status, wrong.status, from_a_page.status) == (401, 401, 403)
        assert unreadable.status == 400 and "not an ISO date and time" in await unreadable.text()


def test_reminders_run_due_asks_a_running_server(web_server: str) -> None:
    ran = CliRunner().invoke(cli, ["reminders", "run-due", "--server", web_server, "--now", "2036-12-01T10:00"])
    assert (ran.exit_code, ran.output) == (0, "claimed 0, sent 0, retried 0, failed 0\n")
    unreachable = CliRunner().invoke(cli, ["reminders", "run-due", "--server", "http://127.0.0.1:9"])
    assert unreachable.exit_code == 1 and "could not reach http://127.0.0.1:9" in unreachable.output
