"""Installing the Slack app: each workspace's token kept apart, an uninstall forgetting it, the
OAuth state spent once, and slack_sdk's tables living beside ours without disturbing them.

On SQLite and PostgreSQL (the ``db`` fixture runs each test on both). The installations
look like what bolt builds from ``oauth.v2.access`` (the example response in Slack's
reference, https://docs.slack.dev/reference/methods/oauth.v2.access: a bot token, the
bot's user id, the team and the installing user).
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from slack_bolt.oauth.async_callback_options import AsyncSuccessArgs
from slack_bolt.oauth.async_oauth_flow import AsyncOAuthFlow
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_bolt.response import BoltResponse
from slack_sdk.oauth.installation_store import Installation
from sqlalchemy import inspect, select, update

from bot.channels.slack.install import SCOPES, Installations, SingleWorkspace
from bot.config import SlackConfig
from storage.db import Database
from storage.models import Base, Workspace

CLIENT_ID = "2141029472.691202649728"
CONFIG = SlackConfig(signing_secret="s3cr3t", client_id=CLIENT_ID, client_secret="c1i3nt-s3cr3t")
SLACK_TABLES = {"slack_installations", "slack_bots", "slack_oauth_states"}


def installation(team: str, token: str, bot_user: str, **values: object) -> Installation:
    return Installation(
        app_id="A0KRD7HC3",
        team_id=team,
        team_name=f"Bibliotek {team}",
        bot_token=token,
        bot_id=f"B{team}",
        bot_user_id=bot_user,
        bot_scopes=",".join(SCOPES),
        user_id="U1234",
        token_type="bot",
        **values,  # type: ignore[arg-type]
    )


@pytest.fixture
async def installations(db: Database) -> Installations:
    installed = Installations(db, CLIENT_ID)
    await installed.prepare()
    return installed


async def test_each_workspace_gets_its_own_token(installations: Installations) -> None:
    await installations.store.async_save(installation("T9TK3CUKW", "xoxb-aarhus", "U0KRQLJ9H"))
    await installations.store.async_save(installation("T0ODENSE1", "xoxb-odense", "U0ODENSE9"))

    assert await installations.bot_token("T9TK3CUKW", None) == "xoxb-aarhus"
    assert await installations.bot_token("T0ODENSE1", None) == "xoxb-odense"
    assert await installations.bot_token("T0NEVERSEEN", None) is None


async def test_a_workspace_in_an_enterprise_grid_is_found_by_both_ids(installations: Installations) -> None:
    grid = installation("T9TK3CUKW", "xoxb-grid", "U0KRQLJ9H", enterprise_id="E12345678", enterprise_name="KL")
    await installations.store.async_save(grid)

    assert await installations.bot_token("T9TK3CUKW", "E12345678") == "xoxb-grid"
    assert await installations.bot_token("T9TK3CUKW", None) is None  # the enterprise is part of the key


async def test_a_reinstall_replaces_the_token(installations: Installations) -> None:
    earlier = datetime.now(UTC) - timedelta(days=30)
    await installations.store.async_save(installation("T9TK3CUKW", "xoxb-old", "U0KRQLJ9H", installed_at=earlier))
    await installations.store.async_save(installation("T9TK3CUKW", "xoxb-new", "U0KRQLJ9H"))

    assert await installations.bot_token("T9TK3CUKW", None) == "xoxb-new"


async def test_forgetting_a_workspace_removes_its_tokens_and_leaves_the_others(
    installations: Installations, db: Database
) -> None:
    await installations.store.async_save(installation("T9TK3CUKW", "xoxb-aarhus", "U0KRQLJ9H"))
    await installations.store.async_save(installation("T0ODENSE1", "xoxb-odense", "U0ODENSE9"))

    await installations.forget("T9TK3CUKW", None)

    assert await installations.bot_token("T9TK3CUKW", None) is None
    assert await installations.store.async_find_installation(enterprise_id=None, team_id="T9TK3CUKW") is None
    assert await installations.bot_token("T0ODENSE1", None) == "xoxb-odense"
    async with db.engine.connect() as connection:
        tokens = (await connection.execute(select(installations.store.installations.c.bot_token))).scalars().all()
    assert tokens == ["xoxb-odense"]  # no copy of the forgotten token left in any row


async def test_another_app_in_the_same_database_keeps_its_own_installations(
    installations: Installations, db: Database
) -> None:
    await installations.store.async_save(installation("T9TK3CUKW", "xoxb-ours", "U0KRQLJ9H"))
    other = Installations(db, "9999.8888")

    assert await other.bot_token("T9TK3CUKW", None) is None
    await other.forget("T9TK3CUKW", None)
    assert await installations.bot_token("T9TK3CUKW", None) == "xoxb-ours"


async def test_a_state_is_accepted_once(installations: Installations) -> None:
    state = await installations.states.async_issue()

    assert await installations.states.async_consume(state) is True
    assert await installations.states.async_consume(state) is False  # a replayed redirect
    assert await installations.states.async_consume("a-state-never-issued") is False


async def test_an_expired_state_is_refused_and_cleared_by_the_next_install(
    installations: Installations, db: Database
) -> None:
    table = installations.states.oauth_states
    stale = await installations.states.async_issue()
    async with db.transaction() as session:
        await session.execute(update(table).values(expire_at=datetime(2020, 1, 1)))

    assert await installations.states.async_consume(stale) is False
    fresh = await installations.states.async_issue()
    async with db.engine.connect() as connection:
        left = (await connection.execute(select(table.c.state))).scalars().all()
    assert left == [fresh]


async def test_preparing_twice_is_harmless_and_keeps_what_was_saved(installations: Installations) -> None:
    await installations.store.async_save(installation("T9TK3CUKW", "xoxb-aarhus", "U0KRQLJ9H"))

    await installations.prepare()

    assert await installations.bot_token("T9TK3CUKW", None) == "xoxb-aarhus"


async def test_the_slack_tables_leave_the_migrations_alone(installations: Installations, db: Database) -> None:
    await db.upgrade()  # a start after the Slack tables exist: still a no-op

    async with db.engine.connect() as connection:
        tables = await connection.run_sync(lambda c: set(inspect(c).get_table_names()))
        head = await connection.run_sync(lambda c: MigrationContext.configure(c).get_current_revision())
        ours = await connection.run_sync(
            lambda c: compare_metadata(
                MigrationContext.configure(
                    c, opts={"include_name": lambda name, kind, _: kind != "table" or name in Base.metadata.tables}
                ),
                Base.metadata,
            )
        )
    assert tables >= SLACK_TABLES
    assert not SLACK_TABLES & set(Base.metadata.tables)  # Slack's tables are not our storage layer's
    assert head is not None
    assert ours == []  # our tables are exactly what the migrations made


# --- bolt's OAuth flow on these stores --------------------------------------------------------


def flow(installations: Installations) -> AsyncOAuthFlow:
    return AsyncOAuthFlow(settings=installations.oauth_settings(CONFIG))


def redirect(query: str, cookie: str | None) -> AsyncBoltRequest:
    """The browser coming back from Slack's consent page to /slack/oauth_redirect."""
    return AsyncBoltRequest(body="", query=query, headers={"cookie": cookie} if cookie else {})


def page(response: BoltResponse) -> str:
    assert response.headers["content-type"] == ["text/html; charset=utf-8"]
    return response.body


async def test_install_goes_straight_to_slack_with_a_state_bound_to_the_browser(installations: Installations) -> None:
    response = await flow(installations).handle_installation(AsyncBoltRequest(body="", query=""))

    assert response.status == 302
    location = response.headers["location"][0]
    assert location.startswith("https://slack.com/oauth/v2/authorize?")
    assert f"client_id={CLIENT_ID}" in location
    assert f"scope={','.join(SCOPES)}" in location
    state = location.split("state=")[1].split("&")[0]
    cookie = response.headers["set-cookie"][0]
    assert cookie.startswith(f"slack-app-oauth-state={state};")
    assert "Secure" in cookie and "HttpOnly" in cookie and "Max-Age=600" in cookie
    assert await installations.states.async_consume(state) is True  # the state is in our database


async def test_a_redirect_without_the_browsers_cookie_is_refused_in_both_languages(
    installations: Installations,
) -> None:
    state = await installations.states.async_issue()

    response = await flow(installations).handle_callback(redirect(f"state={state}&code=1234", cookie=None))

    assert response.status == 400
    body = page(response)
    assert "Outreach Coach blev ikke installeret" in body
    assert "Outreach Coach was not installed" in body
    assert "<code>invalid_browser</code>" in body
    assert 'href="/slack/install"' in body  # start again from the beginning
    assert "slack-app-oauth-state=deleted" in response.headers["set-cookie"][0]


async def test_a_replayed_redirect_is_refused(installations: Installations) -> None:
    state = await installations.states.async_issue()
    cookie = f"slack-app-oauth-state={state}"
    await installations.states.async_consume(state)  # the first redirect spent it

    response = await flow(installations).handle_callback(redirect(f"state={state}&code=1234", cookie))

    assert response.status == 401
    assert "<code>invalid_state</code>" in page(response)


async def test_a_cancelled_install_says_so_and_what_slack_said_is_shown_as_text(installations: Installations) -> None:
    response = await flow(installations).handle_callback(redirect("error=%3Cscript%3Eaccess_denied", cookie=None))

    body = page(response)
    assert response.status == 200
    assert "<code>&lt;script&gt;access_denied</code>" in body
    assert "<script>" not in body


async def test_a_finished_install_names_the_workspace_in_danish_and_english(installations: Installations) -> None:
    oauth = flow(installations)
    saved = installation("T9TK3CUKW", "xoxb-aarhus", "U0KRQLJ9H")
    saved.team_name = "Aarhus <Hovedbibliotek> & Co"
    args = AsyncSuccessArgs(
        request=redirect("code=1234", cookie=None),
        installation=saved,
        settings=oauth.settings,
        default=oauth.default_callback_options,
    )

    response = await oauth.success_handler(args)

    body = page(response)
    assert response.status == 200
    assert "Outreach Coach er installeret i Aarhus &lt;Hovedbibliotek&gt; &amp; Co" in body
    assert "Outreach Coach is installed in Aarhus &lt;Hovedbibliotek&gt; &amp; Co" in body
    assert "/invite @Outreach Coach" in body
    assert "https://slack.com/app_redirect?app=A0KRD7HC3&amp;team=T9TK3CUKW" in body
    assert "slack-app-oauth-state=deleted" in response.headers["set-cookie"][0]


# --- SQLite's one writer ------------------------------------------------------------------------


async def test_an_install_waits_for_the_coachs_write_on_sqlite(sqlite_db: Database) -> None:
    """A store write holding SQLite's lock across an await would freeze the server while a coach
    statement waited for it on the event loop; so the store takes its turn like the coach does."""
    installations = Installations(sqlite_db, CLIENT_ID)
    await installations.prepare()

    holding, done = asyncio.Event(), asyncio.Event()

    async def coach_turn() -> None:
        async with sqlite_db.transaction() as session:
            holding.set()
            await done.wait()
            session.add(Workspace(platform="slack", external_id="T0ODENSE1", name="Odense"))

    coach = asyncio.create_task(coach_turn())
    await holding.wait()
    saving = asyncio.create_task(installations.store.async_save(installation("T9TK3CUKW", "xoxb-a", "U0K")))
    await asyncio.sleep(0.2)
    assert not saving.done()  # waiting for the coach
    done.set()
    await asyncio.wait_for(asyncio.gather(coach, saving), timeout=5)

    assert await installations.bot_token("T9TK3CUKW", None) == "xoxb-a"


async def test_one_workspace_answers_every_lookup_with_the_configured_token() -> None:
    tokens = SingleWorkspace("xoxb-config")

    assert await tokens.bot_token("T9TK3CUKW", None) == "xoxb-config"
    assert await tokens.bot_token(None, None) == "xoxb-config"
