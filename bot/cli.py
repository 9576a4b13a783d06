"""``outreach-coach``: serve, chat, worker, reminders, guides, db and export.

Expected problems (a bad config key, a broken guide file, an unknown project) end with a
clear message and exit code 2, never a traceback.
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import AsyncIterator, Coroutine, Sequence
from contextlib import AsyncExitStack, asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

import aiohttp
import click
from aiohttp import web

from bot import reminder_job
from bot.channels.slack.app import slack_channel
from bot.channels.teams.app import teams_channel
from bot.coach import Coach, UnknownProject
from bot.config import Config, ConfigError, load_config
from bot.delivery import Channel
from bot.export import FORMATS
from bot.guide_words import review
from bot.i18n import Messages
from bot.reminder_job import make_deliverer
from bot.startup import StartupError, bind, check_guides_in_use, open_database
from bot.worker import Deliverer, DeliveryReport, demo_time, run_until_stopped
from flows.diagram import mermaid
from flows.loader import GuideError, load_guides
from flows.model import Guide
from storage import outbox
from storage.db import Database

T = TypeVar("T")


def _run(coroutine: Coroutine[Any, Any, T]) -> T:
    return asyncio.run(coroutine)


class _Cli(click.Group):
    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (ConfigError, GuideError, StartupError) as error:
            click.echo(f"outreach-coach: {error}", err=True)
            sys.exit(2)


@click.group(cls=_Cli)
@click.option("--config", "config_path", type=click.Path(path_type=Path), help="Config file (TOML).")
@click.pass_context
def main(ctx: click.Context, config_path: Path | None) -> None:
    """Outreach Coach: guides library teams through outreach, step by step."""
    ctx.obj = config_path


def _config(ctx: click.Context) -> Config:
    return load_config(ctx.obj)


@main.command()
@click.option("--host", help="Address to listen on (default from config: 127.0.0.1).")
@click.option("--port", type=click.IntRange(1, 65535), help="Port to listen on (default from config: 3978).")
@click.option("--socket-mode", is_flag=True, help="Receive Slack over Socket Mode (needs slack.app_token).")
@click.pass_context
def serve(ctx: click.Context, host: str | None, port: int | None, socket_mode: bool) -> None:
    """Run the server: the browser chat at /, and Slack at /slack/events when configured."""
    from bot.server import make_app

    config = _config(ctx)
    server = config.server.model_copy(update={k: v for k, v in {"host": host, "port": port}.items() if v})
    config = config.model_copy(update={"server": server})
    if socket_mode:
        config = config.with_socket_mode()
    config.require_safe_binding()
    # Everything that can fail because of the surroundings fails here, as one line, before
    # the server starts: make_app loads the guides and migrates again, finding them fine.
    load_guides(config.guides_dir)
    sockets = bind(config.server.host, config.server.port)
    _run(_migrate(config))

    async def app() -> web.Application:
        return await make_app(config)

    web.run_app(app(), sock=sockets, print=lambda _aiohttp_banner: click.echo(_where(config)))


def _where(config: Config) -> str:
    """Where the chat is, printed once the server listens.

    The token is never printed whole: terminals, logs and screen shares are not secret.
    """
    lines = [f"Outreach Coach: http://{config.server.host}:{config.server.port}/"]
    if config.slack.socket_mode:
        lines.append("Slack: Socket Mode")
    elif config.slack.enabled:
        lines.append(f"Slack: http://{config.server.host}:{config.server.port}/slack/events")
    if token := config.server.access_token:
        shown = token[: min(4, len(token) // 4)]  # never more than a quarter of it
        lines.append(
            f"Access token: the configured one ({shown}…); add ?token=<access token> to the address to open the chat"
        )
    return "\n".join(lines)


async def _migrate(config: Config) -> None:
    """Reach and migrate the database, so any problem with it is one line before anything starts."""
    database = await open_database(config)
    await database.dispose()


@main.command()
@click.option("--user", default="", help="Your name as it goes into the logbook.")
@click.option("--lang", type=click.Choice(["da", "en"]), help="Language (default from config).")
@click.option("--channel", default="terminal", show_default=True, help="Which conversation to continue.")
@click.pass_context
def chat(ctx: click.Context, user: str, lang: str | None, channel: str) -> None:
    """Talk to the coach in this terminal."""
    from bot.channels.terminal.chat import chat as terminal_chat

    config = _config(ctx)
    guides = load_guides(config.guides_dir)

    async def go() -> None:
        db = await open_database(config)
        try:
            await check_guides_in_use(db, guides, config.guides_dir)
            coach = Coach(db, guides, timezone=config.timezone, reminders=config.reminders)
            name = user or Messages(lang or config.language).text("terminal-default-user")
            await terminal_chat(coach, name, lang or config.language, channel)
        finally:
            await db.dispose()

    _run(go())


@main.group()
def guides() -> None:
    """List, show, check and draw the guides."""


def _guides(ctx: click.Context) -> dict[str, Guide]:
    return load_guides(_config(ctx.find_root()).guides_dir)


@guides.command("list")
@click.option("--lang", type=click.Choice(["da", "en"]), default="da", show_default=True)
@click.pass_context
def guides_list(ctx: click.Context, lang: str) -> None:
    """The guides with their ids."""
    for guide in _guides(ctx).values():
        click.echo(f"{guide.id:20} {guide.title.get(lang)} ({len(guide.steps)} steps)")


@guides.command("show")
@click.argument("guide_id")
@click.option("--lang", type=click.Choice(["da", "en"]), default="da", show_default=True)
@click.pass_context
def guides_show(ctx: click.Context, guide_id: str, lang: str) -> None:
    """The whole guide as a consultant reviews it: numbered questions, help, tips,
    branches, and waits and reminders in words."""
    guide = _guide(ctx, guide_id)
    check_back_days = _config(ctx.find_root()).reminders.check_back_days
    click.echo(review(guide, lang, check_back_days), nl=False)


@guides.command("validate")
@click.pass_context
def guides_validate(ctx: click.Context) -> None:
    """Check every guide file; exit 2 with file, step and problem on any error."""
    found = _guides(ctx)
    click.echo(f"{len(found)} guides are valid: {', '.join(found)}")


@guides.command("diagram")
@click.argument("guide_id")
@click.option("--lang", type=click.Choice(["da", "en"]), default="da", show_default=True)
@click.pass_context
def guides_diagram(ctx: click.Context, guide_id: str, lang: str) -> None:
    """Print the guide as a Mermaid flowchart."""
    click.echo(mermaid(_guide(ctx, guide_id), lang), nl=False)


def _guide(ctx: click.Context, guide_id: str) -> Guide:
    found = _guides(ctx)
    if guide_id not in found:
        raise click.UsageError(f"unknown guide '{guide_id}'; the guides are: {', '.join(found)}")
    return found[guide_id]


@main.group()
def db() -> None:
    """Database maintenance."""


@db.command("upgrade")
@click.pass_context
def db_upgrade(ctx: click.Context) -> None:
    """Apply all migrations (also done at every start)."""
    _run(_migrate(_config(ctx.find_root())))
    click.echo("database is at the newest schema")


@asynccontextmanager
async def _deliverer(config: Config, database: Database) -> AsyncIterator[Deliverer]:
    """The outbox worker of this process, for the platforms configured (Slack, Teams with an app id).

    The browser chat's reminders are delivered by ``serve`` itself, the one process that
    holds the open pages.
    """
    async with AsyncExitStack() as stack:
        channels: dict[str, Channel] = {}
        if config.slack.enabled:
            slack = await stack.enter_async_context(slack_channel(config.slack, database))
            channels[slack.platform] = slack
        if config.teams.authenticated:
            teams = await stack.enter_async_context(teams_channel(config.teams))
            channels[teams.platform] = teams
        yield make_deliverer(database, channels, config.reminders)


@main.command()
@click.pass_context
def worker(ctx: click.Context) -> None:
    """Deliver due reminders until stopped (SIGINT or SIGTERM); several may share PostgreSQL."""
    config = _config(ctx)

    poll = config.reminders.poll_seconds

    async def go() -> None:
        database = await open_database(config)
        try:
            async with _deliverer(config, database) as deliverer:
                platforms = ", ".join(deliverer.channels) or "no platform (serve delivers the browser chat's)"

                def started() -> None:
                    click.echo(f"Outreach Coach worker: delivering reminders for {platforms}, every {poll:g} s")

                await run_until_stopped(deliverer, lambda: reminder_job.start(deliverer, database, config), started)
        finally:
            await database.dispose()

    _run(go())


@main.group()
def reminders() -> None:
    """See the reminder outbox, and deliver what is due at a given time (for demos)."""


@reminders.command("list")
@click.option("--all", "include_all", is_flag=True, help="Also sent, done and cancelled reminders.")
@click.pass_context
def reminders_list(ctx: click.Context, include_all: bool) -> None:
    """Reminders in due order, in each team's time zone: pending and failed ones, or all."""
    config = _config(ctx.find_root())

    async def go() -> tuple[outbox.OutboxSummary, Sequence[outbox.OutboxEntry]]:
        database = await open_database(config)
        try:
            async with database.session() as session:
                now = datetime.now(UTC)
                return await outbox.summary(session, now), await outbox.entries(session, now, include_all)
        finally:
            await database.dispose()

    counts, found = _run(go())
    click.echo(
        f"due {counts.due}, in flight {counts.in_flight}, upcoming {counts.upcoming}, "
        f"sent {counts.sent}, failed {counts.failed}"
    )
    for entry in found:
        due = entry.due_at.astimezone(ZoneInfo(entry.timezone)).strftime("%Y-%m-%d %H:%M %Z")
        status = "in flight" if entry.in_flight else entry.status
        error = f"  ({entry.last_error})" if entry.last_error else ""
        click.echo(
            f"#{entry.id:<5} {due:22} {entry.kind:16} {entry.project} · {entry.workspace} {entry.conversation}"
            f"  {status}{error}"
        )


@reminders.command("run-due")
@click.option("--now", "now_text", help="ISO time, e.g. 2026-12-01T10:00 (without an offset: the config's time zone).")
@click.option("--server", help="A running serve to ask, e.g. http://127.0.0.1:3978 (it delivers the browser chat's).")
@click.pass_context
def reminders_run_due(ctx: click.Context, now_text: str | None, server: str | None) -> None:
    """Deliver what is due at --now (default: now), as if the clock said so, and print the report.

    Without --server this process delivers, for the platforms it has channels for; the
    browser chat's reminders reach open pages only through the running server.
    """
    config = _config(ctx.find_root())
    try:
        now = demo_time(now_text, config.timezone) if now_text else None
    except ValueError as error:
        raise click.BadParameter(str(error), param_hint="--now") from None
    if server:
        click.echo(_run(_ask_server(server, now, config.server.access_token)))
        return

    async def go() -> DeliveryReport:
        database = await open_database(config)
        try:
            async with _deliverer(config, database) as deliverer:
                return await deliverer.run_due(now)
        finally:
            await database.dispose()

    click.echo(_run(go()))


async def _ask_server(server: str, now: datetime | None, token: str) -> DeliveryReport:
    query = {"now": now.isoformat()} if now else {}
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    try:
        async with (
            aiohttp.ClientSession() as session,
            session.post(f"{server.rstrip('/')}/admin/reminders/run-due", params=query, headers=headers) as response,
        ):
            if response.status != 200:
                raise click.ClickException(f"{server} answered {response.status}: {await response.text()}")
            return DeliveryReport(**await response.json())
    except aiohttp.ClientError as error:
        raise click.ClickException(f"could not reach {server}: {error}") from None


@main.group()
def teams() -> None:
    """Microsoft Teams: the app package a Teams admin uploads."""


@teams.command("package")
@click.option("--app-id", help="The Azure Bot's Microsoft App ID (default from config: teams.app_id, MicrosoftAppId).")
@click.option("--host", required=True, help="The host name the bot is served at, e.g. coach.bibliotek.dk.")
@click.option("--developer-name", help="Who offers the app, shown in Teams (default: the host).")
@click.option("--website-url", help="https address of the app's support page (default: https://HOST/).")
@click.option("--privacy-url", help="https address of the privacy statement (default: https://HOST/).")
@click.option("--terms-url", help="https address of the terms of use (default: https://HOST/).")
@click.option("--app-version", help="MAJOR.MINOR.PATCH, raised for each changed upload (default: the coach's own).")
@click.option(
    "--out",
    type=click.Path(path_type=Path, dir_okay=False),
    default=Path("outreach-coach-teams.zip"),
    show_default=True,
    help="The zip to write.",
)
@click.pass_context
def teams_package(
    ctx: click.Context,
    app_id: str | None,
    host: str,
    developer_name: str | None,
    website_url: str | None,
    privacy_url: str | None,
    terms_url: str | None,
    app_version: str | None,
    out: Path,
) -> None:
    """Build the Teams app package (manifest, icons, English strings) to upload to Teams."""
    from bot.channels.teams.package import AppPackage, PackageError

    source = "--app-id"
    if app_id is None:
        app_id, source = _config(ctx.find_root()).teams.app_id, "teams.app_id"
    try:
        package = AppPackage.checked(
            app_id,
            host,
            version=app_version,
            developer_name=developer_name,
            website_url=website_url,
            privacy_url=privacy_url,
            terms_url=terms_url,
            app_id_option=source,
        )
        package.write(out)
    except PackageError as error:
        raise click.UsageError(str(error)) from None
    click.echo(f"{out}: Outreach Coach {package.version}, bot {package.app_id} at https://{package.host}/api/messages")


@main.command("export")
@click.argument("project_id", type=int)
@click.option("--format", "fmt", type=click.Choice(list(FORMATS)), default="md", show_default=True)
@click.option("--platform", default="web", show_default=True, help="web, terminal, slack or teams")
@click.option("--workspace", default="local", show_default=True, help="Slack team or Teams tenant id")
@click.option("--lang", type=click.Choice(["da", "en"]), default="da", show_default=True)
@click.option("--output", type=click.Path(path_type=Path, dir_okay=False), help="File to write (default: stdout)")
@click.pass_context
def export_command(
    ctx: click.Context, project_id: int, fmt: str, platform: str, workspace: str, lang: str, output: Path | None
) -> None:
    """Write a project's logbook as Markdown, CSV (for Danish Excel) or an .ics calendar."""
    config = _config(ctx)
    guides = load_guides(config.guides_dir)

    async def go() -> str:
        database = await open_database(config)
        try:
            coach = Coach(database, guides)
            book = await coach.logbook(platform, workspace, project_id, lang)
            return FORMATS[fmt].render(book, Messages(lang))
        finally:
            await database.dispose()

    try:
        text = _run(go())
    except UnknownProject:
        raise click.ClickException(f"no project {project_id} in workspace {platform}/{workspace}") from None
    if output:
        output.write_bytes(text.encode("utf-8"))  # as is: the CSV's CRLF line ends stay CRLF
    else:
        click.echo(text, nl=False)


if __name__ == "__main__":
    main()
