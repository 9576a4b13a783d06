"""Where the bot's token for a workspace comes from: the config (one workspace) or OAuth installs.

With only ``slack.bot_token`` set, the app lives in one workspace and :class:`SingleWorkspace`
answers every lookup with that token. With ``client_id`` and ``client_secret`` any number
of workspaces install it through ``/slack/install``; :class:`Installations` keeps their
tokens with slack_sdk's own SQLAlchemy stores in the project's database, and bolt's OAuth
flow (configured by :meth:`Installations.oauth_settings`) fills them in.

:data:`SCOPES` and :data:`EVENTS` are what ``manifest.yml`` asks Slack for; a test keeps the
two in step, so the app never asks a workspace for more than it uses.
"""

from __future__ import annotations

import html
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Protocol, cast

from slack_bolt.oauth.async_callback_options import AsyncCallbackOptions, AsyncFailureArgs, AsyncSuccessArgs
from slack_bolt.oauth.async_oauth_settings import AsyncOAuthSettings
from slack_bolt.response import BoltResponse
from slack_sdk.oauth import OAuthStateUtils
from slack_sdk.oauth.installation_store.sqlalchemy import AsyncSQLAlchemyInstallationStore
from slack_sdk.oauth.state_store.sqlalchemy import AsyncSQLAlchemyOAuthStateStore
from sqlalchemy import Connection, Executable, Result
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession

from bot.config import SlackConfig
from storage.db import Database

INSTALL_PATH = "/slack/install"
REDIRECT_PATH = "/slack/oauth_redirect"

SCOPES: tuple[str, ...] = (
    "commands",  # /outreach
    "chat:write",  # questions, progress, reminders, debrief threads
    "channels:history",  # replies in the debrief threads the bot started, in public channels
    "groups:history",  # ... in private channels
    "im:history",  # direct messages to the bot
    "mpim:history",  # group direct messages the bot is in
    "app_mentions:read",  # "@Outreach Coach ..." in a channel
    "files:write",  # the logbook export as a file
    "users:read",  # people's names in the logbook, and their language
    "channels:read",  # App Home: which of a person's channels have projects (users.conversations)
    "groups:read",
    "im:read",
    "mpim:read",
)
"""The bot scopes, exactly what the app uses (the README says why each)."""

EVENTS: tuple[str, ...] = (
    "app_home_opened",
    "app_mention",
    "message.channels",
    "message.groups",
    "message.im",
    "message.mpim",
    "app_uninstalled",
    "tokens_revoked",
)
"""The bot events the app subscribes to (Slack's subscription names, as in the manifest)."""

STATE_SECONDS = OAuthStateUtils.default_expiration_seconds
"""How long an install started at ``/slack/install`` may take: the state row and the browser's
state cookie expire together, so a state that outlived its cookie is never accepted."""


class Tokens(Protocol):
    """The bot's token in a workspace, for work outside a Slack request (reminders). Within a
    request bolt finds it itself, with the bot's user id."""

    async def bot_token(self, team_id: str | None, enterprise_id: str | None) -> str | None:
        """None: the app is not (any longer) installed there."""
        ...


@dataclass(frozen=True)
class SingleWorkspace:
    """One workspace, the config's bot token. Slack only sends this app events from the
    workspace that token belongs to, so every lookup gets it."""

    token: str

    async def bot_token(self, team_id: str | None, enterprise_id: str | None) -> str | None:
        return self.token


class _TransactionalEngine:
    """The database's engine as Slack's stores use it, their writes inside the coach's transactions.

    SQLite has one writer, and the coach's transactions run their statements on the event
    loop while they hold :meth:`Database.transaction`'s lock (see :mod:`storage.sqlite_cursor`).
    A write on a connection of its own would hold SQLite's write lock across an ``await``;
    a coach statement waiting for that lock blocks the event loop, so the other write never
    gets to commit, and the whole server stalls until the statement times out. The stores
    open every write with ``engine.begin()`` and read with ``engine.connect()``: here
    ``begin()`` is a :meth:`Database.transaction`, whose session runs the statements, so they
    take their turn with the coach's. Reads need no turn (SQLite's readers never wait).
    """

    def __init__(self, db: Database) -> None:
        self._db = db

    @asynccontextmanager
    async def begin(self) -> AsyncIterator[_SessionConnection]:
        async with self._db.transaction() as session:
            yield _SessionConnection(session)

    def connect(self) -> AsyncConnection:
        return self._db.engine.connect()


@dataclass(frozen=True)
class _SessionConnection:
    """What the stores do with a connection from ``engine.begin()``, done by a session: an
    ``AsyncConnection`` insists that each statement awaits I/O, which the coach's direct
    SQLite statements do not."""

    session: AsyncSession

    async def execute(self, statement: Executable, parameters: dict[str, Any] | None = None) -> Result[Any]:
        return await self.session.execute(statement, parameters)

    async def run_sync(self, work: Callable[[Connection], None]) -> None:
        await self.session.run_sync(lambda session: work(session.connection()))


class _ExpiringStates(AsyncSQLAlchemyOAuthStateStore):
    """slack_sdk's state store, clearing expired states as it issues new ones.

    ``/slack/install`` answers anyone and writes a state each time; a state is only deleted
    when it comes back, so abandoned installs (and a stranger reloading the page) would
    otherwise pile up for good.
    """

    async def async_issue(self, *args: Any, **kwargs: Any) -> str:
        async with self.engine.begin() as connection:
            table = self.oauth_states
            await connection.execute(table.delete().where(table.c.expire_at < _naive_utc_now()))
        return await super().async_issue(*args, **kwargs)


def _naive_utc_now() -> datetime:
    """Now as the state table stores times: UTC without a zone (slack_sdk's own convention)."""
    return datetime.now(UTC).replace(tzinfo=None)


class Installations:
    """The workspaces that installed the app through OAuth, in slack_sdk's own tables.

    The tables (``slack_installations``, ``slack_bots``, ``slack_oauth_states``) belong to the
    Slack library, not to our storage layer, which knows nothing of Slack: they are created by
    the stores themselves (:meth:`prepare`), outside the Alembic migrations, and their shape
    follows the slack_sdk version. Rows are kept per ``client_id``, so the same database can
    serve a second app. Never call these methods inside :meth:`Database.transaction`: their
    writes are transactions of their own (on SQLite, waiting for the writer lock held there).
    """

    def __init__(self, db: Database, client_id: str) -> None:
        engine = cast(AsyncEngine, _TransactionalEngine(db))
        self.store = AsyncSQLAlchemyInstallationStore(client_id=client_id, engine=engine)
        self.states = _ExpiringStates(expiration_seconds=STATE_SECONDS, engine=engine)

    async def prepare(self) -> None:
        """Create the stores' tables where missing (harmless when they exist)."""
        await self.store.create_tables()
        await self.states.create_tables()

    def oauth_settings(self, config: SlackConfig) -> AsyncOAuthSettings:
        """Bolt's OAuth flow on these stores: ``/slack/install`` sends the browser straight to
        Slack's consent page (in the installer's own language) with a state bound to a cookie,
        ``/slack/oauth_redirect`` saves the installation and answers in Danish and English."""
        return AsyncOAuthSettings(
            client_id=config.client_id,
            client_secret=config.client_secret,
            scopes=SCOPES,
            user_scopes=(),
            install_path=INSTALL_PATH,
            install_page_rendering_enabled=False,
            redirect_uri_path=REDIRECT_PATH,
            callback_options=AsyncCallbackOptions(success=_installed, failure=_not_installed),
            installation_store=self.store,
            installation_store_bot_only=True,  # no user tokens: the bot's is all the app needs
            state_store=self.states,
            state_expiration_seconds=STATE_SECONDS,
        )

    async def bot_token(self, team_id: str | None, enterprise_id: str | None) -> str | None:
        bot = await self.store.async_find_bot(enterprise_id=enterprise_id, team_id=team_id)
        return bot.bot_token if bot else None

    async def forget(self, team_id: str | None, enterprise_id: str | None) -> None:
        """Remove a workspace's bots and installations, tokens and all (``app_uninstalled``, and
        ``tokens_revoked`` for the bot: without its token the app has nothing left there)."""
        await self.store.async_delete_all(enterprise_id=enterprise_id, team_id=team_id)


# The pages an admin sees after Slack's consent screen. They are shown once, to whoever
# installs, whose language the server does not know: both languages, Danish first.

_PAGE = """<!doctype html>
<html lang="da">
<head><meta charset="utf-8"><title>Outreach Coach</title></head>
<body>
<section>{danish}</section>
<hr>
<section lang="en">{english}</section>
</body>
</html>
"""

INSTALLED_DA = (
    "<h1>Outreach Coach er installeret i {team}</h1>"
    "<p>Invitér coachen til jeres teams kanal med <code>/invite @Outreach Coach</code>, "
    "og skriv <code>/outreach guider</code> for at vælge en guide.</p>"
    '<p><a href="{slack}">Åbn Slack</a></p>'
)
INSTALLED_EN = (
    "<h1>Outreach Coach is installed in {team}</h1>"
    "<p>Invite the coach to your team's channel with <code>/invite @Outreach Coach</code>, "
    "then type <code>/outreach guides</code> to choose a guide.</p>"
    '<p><a href="{slack}">Open Slack</a></p>'
)
NOT_INSTALLED_DA = (
    "<h1>Outreach Coach blev ikke installeret</h1>"
    "<p>Årsag: <code>{reason}</code>. Et afbrudt eller for gammelt forsøg (over ti minutter) "
    'kan ikke genoptages: <a href="{install}">start installationen forfra</a> i samme browser.</p>'
)
NOT_INSTALLED_EN = (
    "<h1>Outreach Coach was not installed</h1>"
    "<p>Reason: <code>{reason}</code>. A cancelled or stale attempt (over ten minutes) cannot be "
    'resumed: <a href="{install}">start the installation again</a> in the same browser.</p>'
)


def _page(danish: str, english: str, status: int, settings: AsyncOAuthSettings) -> BoltResponse:
    """An HTML page that also clears the state cookie: the state it names is spent either way."""
    headers = {
        "Content-Type": "text/html; charset=utf-8",
        "Set-Cookie": settings.state_utils.build_set_cookie_for_deletion(),
    }
    return BoltResponse(status=status, headers=headers, body=_PAGE.format(danish=danish, english=english))


async def _installed(args: AsyncSuccessArgs) -> BoltResponse:
    installation = args.installation
    values = {
        "team": html.escape(installation.team_name or installation.team_id or "Slack"),
        "slack": html.escape(
            f"https://slack.com/app_redirect?app={installation.app_id or ''}&team={installation.team_id or ''}"
        ),
    }
    return _page(INSTALLED_DA.format(**values), INSTALLED_EN.format(**values), 200, args.settings)


async def _not_installed(args: AsyncFailureArgs) -> BoltResponse:
    values = {"reason": html.escape(args.reason), "install": html.escape(args.settings.install_path)}
    return _page(
        NOT_INSTALLED_DA.format(**values),
        NOT_INSTALLED_EN.format(**values),
        args.suggested_status_code,
        args.settings,
    )
