"""Installing the app into a workspace by OAuth, using it there, and uninstalling it.

An admin opens ``/slack/install``, is sent to Slack's consent page with a state bound to a
cookie, and comes back to ``/slack/oauth_redirect`` with Slack's one-time code; the bot
exchanges it at the fake Slack's ``oauth.v2.access`` and keeps the workspace's token in its
own database. From then on the workspace's commands are answered with that token, until
Slack says the app was uninstalled (``app_uninstalled``) or its token revoked
(``tokens_revoked``): the token is deleted, and a reminder that comes due there afterwards
is marked failed once, with the reason, instead of being tried again and again.

Everything runs on SQLite and on PostgreSQL: the installations live in the coach's database.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import select, text
from sqlalchemy.engine import make_url

from bot.channels.slack.install import SCOPES, Installations
from bot.server import DB_KEY
from storage.db import Database
from storage.models import NudgeRow
from tests.conftest import POSTGRES_URL
from tests.slack_bot import SlackBot, come_back, install, open_install, start_bot
from tests.slack_fake import FakeSlack, event_body, fixture
from tests.team_walks import AFTER_A_WEEK

TEAM, CHANNEL = "T111", "C111"


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
async def database_url(request: pytest.FixtureRequest, postgres_reason: str | None) -> AsyncIterator[str]:
    """The server's database: SQLite in its data directory (""), or a fresh PostgreSQL
    database of its own, dropped afterwards."""
    if request.param == "sqlite":
        yield ""
        return
    if postgres_reason:
        pytest.skip(postgres_reason)
    name = f"t_{uuid.uuid4().hex[:12]}"
    admin = Database(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    try:
        async with admin.engine.connect() as connection:
            await connection.execute(text(f'create database "{name}"'))
        yield make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)
        async with admin.engine.connect() as connection:
            await connection.execute(text(f'drop database "{name}" with (force)'))
    finally:
        await admin.dispose()


@pytest.fixture
async def fake() -> AsyncIterator[FakeSlack]:
    async with FakeSlack() as slack:
        slack.add_workspace(TEAM, "xoxb-111-nord", bot_user_id="U0BOT", name="Bibliotek Nord")
        slack.add_user(TEAM, "U111", "Mette")
        slack.add_channel(TEAM, CHANNEL, "outreach")
        yield slack


@pytest.fixture
async def bot(tmp_path: Path, fake: FakeSlack, database_url: str) -> AsyncIterator[SlackBot]:
    async for running in start_bot(
        tmp_path, fake, database_url, client_id=fake.client_id, client_secret=fake.client_secret
    ):
        yield running


async def token_of(bot: SlackBot, team: str) -> str | None:
    """The bot token the server keeps for ``team``, as its reminders look it up."""
    return await Installations(bot.app[DB_KEY], bot.fake.client_id).bot_token(team, None)


async def reminders(bot: SlackBot) -> list[NudgeRow]:
    async with bot.app[DB_KEY].session() as session:
        return list((await session.execute(select(NudgeRow).order_by(NudgeRow.id))).scalars())


# --- installing ------------------------------------------------------------------------------------


async def test_install_sends_the_admin_to_slacks_consent_page_with_a_state_and_its_cookie(bot: SlackBot) -> None:
    consent = await open_install(bot)

    assert consent.status == 302
    where = urlsplit(consent.location)
    assert (where.netloc, where.path) == ("slack.com", "/oauth/v2/authorize")
    asked = parse_qs(where.query)
    assert asked["client_id"] == [bot.fake.client_id]
    assert set(asked["scope"][0].split(",")) == set(SCOPES)
    assert consent.state and consent.cookie.endswith(f"={consent.state}")


async def test_coming_back_with_slacks_code_installs_the_workspace(bot: SlackBot) -> None:
    consent = await open_install(bot)
    code = bot.fake.oauth_code(TEAM)

    page = await come_back(bot, consent.cookie, code=code, state=consent.state)

    assert page.status == 200
    assert "Outreach Coach er installeret i Bibliotek Nord" in page.text
    assert "Outreach Coach is installed in Bibliotek Nord" in page.text
    [exchange] = bot.fake.calls("oauth.v2.access")
    assert exchange.args["code"] == code and exchange.args["client_id"] == bot.fake.client_id
    assert await token_of(bot, TEAM) == "xoxb-111-nord"


async def test_the_installed_workspaces_commands_are_answered_with_its_own_token(bot: SlackBot) -> None:
    await install(bot, TEAM)

    assert await bot.command("start kommer-forbi Fitness Nord") == 200

    [post] = await bot.fake.wait_for("chat.postMessage")
    assert post.token == "xoxb-111-nord"
    assert post.args["channel"] == CHANNEL and "Fitness Nord" in str(post.args["text"])


async def test_an_admin_who_cancels_on_slacks_consent_page_is_told_nothing_was_installed(bot: SlackBot) -> None:
    consent = await open_install(bot)

    page = await come_back(bot, consent.cookie, error="access_denied", state=consent.state)

    assert page.status == 200 and "Outreach Coach blev ikke installeret" in page.text
    assert "access_denied" in page.text and "start installationen forfra" in page.text
    assert bot.fake.calls("oauth.v2.access") == []
    assert await token_of(bot, TEAM) is None


async def test_a_redirect_whose_state_the_server_never_issued_installs_nothing(bot: SlackBot) -> None:
    forged = "a-state-of-my-own"

    page = await come_back(bot, f"slack-app-oauth-state={forged}", code=bot.fake.oauth_code(TEAM), state=forged)

    assert page.status == 401 and "Outreach Coach blev ikke installeret" in page.text
    assert "invalid_state" in page.text
    assert bot.fake.calls("oauth.v2.access") == []
    assert await token_of(bot, TEAM) is None
    assert (await install(bot, TEAM)).status == 200, "a genuine attempt afterwards still works"


async def test_a_redirect_without_the_browsers_state_cookie_installs_nothing(bot: SlackBot) -> None:
    """A link to the redirect sent to someone else: the state is real, the browser is not."""
    consent = await open_install(bot)

    page = await come_back(bot, None, code=bot.fake.oauth_code(TEAM), state=consent.state)

    assert page.status == 400 and "invalid_browser" in page.text
    assert bot.fake.calls("oauth.v2.access") == []
    assert await token_of(bot, TEAM) is None


async def test_a_replayed_redirect_is_refused_and_slack_is_not_asked_again(bot: SlackBot) -> None:
    consent = await open_install(bot)
    code = bot.fake.oauth_code(TEAM)
    assert (await come_back(bot, consent.cookie, code=code, state=consent.state)).status == 200

    again = await come_back(bot, consent.cookie, code=code, state=consent.state)

    assert again.status == 401 and "invalid_state" in again.text
    assert len(bot.fake.calls("oauth.v2.access")) == 1


# --- uninstalling -----------------------------------------------------------------------------------


async def a_task_reminder_due_in_a_week(bot: SlackBot) -> datetime:
    """The team starts a project and agrees a task; its reminder is due in about a week."""
    await bot.command("start kommer-forbi Fitness Nord")
    await bot.command("opgave Send tak-mail til Jens – Mette – om en uge")
    await bot.settle()
    [task] = await reminders(bot)
    assert task.status == "pending"
    return datetime.now(UTC) + AFTER_A_WEEK


async def slack_says(bot: SlackBot, name: str) -> int:
    """Slack's event ``name`` (an uninstall or a revoke, as recorded in ``fixture(name)``)."""
    envelope = fixture(name)
    envelope["team_id"], envelope["event_id"] = TEAM, f"Ev{uuid.uuid4().hex[:10]}"
    status = (await bot.send(event_body(envelope), "application/json")).status
    await bot.settle()
    return status


@pytest.mark.parametrize("event", ["event_app_uninstalled", "event_tokens_revoked"])
async def test_after_an_uninstall_or_a_revoked_bot_token_the_token_is_gone_and_reminders_fail_once(
    bot: SlackBot, event: str
) -> None:
    await install(bot, TEAM)
    due = await a_task_reminder_due_in_a_week(bot)

    assert await slack_says(bot, event) == 200

    assert await token_of(bot, TEAM) is None
    posts_before = len(bot.fake.calls("chat.postMessage"))
    report = await bot.run_due(due)
    assert (report.claimed, report.sent, report.failed) == (1, 0, 1)
    [task] = await reminders(bot)
    assert task.status == "failed"
    assert task.last_error and "not installed" in task.last_error
    later = await bot.run_due(due + timedelta(days=30))
    assert later.claimed == 0, "a failed reminder is not tried again"
    assert len(bot.fake.calls("chat.postMessage")) == posts_before, "nothing was posted with a dead token"


async def test_a_revoke_of_user_tokens_only_leaves_the_bots_token(bot: SlackBot) -> None:
    """This app keeps no user tokens, so losing them changes nothing."""
    await install(bot, TEAM)
    envelope = fixture("event_tokens_revoked")
    envelope["event"]["tokens"] = {"oauth": ["U111"], "bot": []}
    body = event_body({**envelope, "team_id": TEAM, "event_id": "EvUSERONLY"})

    assert (await bot.send(body, "application/json")).status == 200
    await bot.settle()

    assert await token_of(bot, TEAM) == "xoxb-111-nord"


async def test_a_workspace_that_installs_again_after_an_uninstall_is_answered_with_its_new_token(
    bot: SlackBot,
) -> None:
    await install(bot, TEAM)
    await slack_says(bot, "event_app_uninstalled")
    bot.fake.revoke("xoxb-111-nord")  # Slack's side of the uninstall

    assert (await install(bot, TEAM)).status == 200
    fresh = await token_of(bot, TEAM)
    assert fresh and fresh != "xoxb-111-nord"
    await bot.command("hjælp")

    [help_text] = await bot.fake.wait_for("chat.postEphemeral")
    assert help_text.token == fresh and help_text.response and help_text.response["ok"]
