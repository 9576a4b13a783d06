"""How many Teams message activities a second the coach answers, beside a stock echo bot.

Both bots get the same activities in the same run and reply to one fake Bot Connector
over loopback.

    .venv/bin/python bench/teams.py [--clients 16] [--seconds 5] [--warmup 1]
        [--postgres URL] [--profile PREFIX]

A lean fake Bot Connector runs in this process (:class:`Connector`). Two servers run as
subprocesses, one after the other, each bound to loopback with no app id (the Bot
Framework Emulator's mode: no tokens either way):

* echo: this file with ``--bare-server PORT``, Microsoft's echo bot sample as it stands
  (``CloudAdapter(ConfigurationBotFrameworkAuthentication(config))`` with an empty app id
  and password, an ``ActivityHandler`` that sends ``Echo: <text>``, and
  ``ADAPTER.process(req, BOT)`` at ``/api/messages`` under aiohttp), nothing tuned (alone,
  ``--bare-server 3978`` serves it for the Emulator);
* coach: ``outreach-coach serve`` on a PostgreSQL database made for the run and dropped
  after, its Teams endpoint at ``/api/messages``.

Every client is one person in a personal chat of their own with the bot (a conversation
id, person and tenant of the Teams shape, locale da-DK, a fresh activity id each time,
``serviceUrl`` the fake's). It posts message activities as JSON to ``/api/messages``, one
after the other: ``start kommer-forbi Bench <n>``, then ``tests/team_walks.py``'s ``VISIT``
answers as typed text, and a new project when the walk runs out. Both bots answer the POST
only after their replies reached the fake, so for the coach a POST's round trip is a
complete turn: the answer received, saved, and the next question delivered to the
person's chat. The echo bot gets the very same activities from the same clients.

One row per bot: activities answered a second (starts and answers alike, 2xx, finished in
the window), the p50 and p99 of a POST's round trip, non-2xx answers in the window, and the
CPU each activity cost the server, PostgreSQL's backends and this process (clients and fake
connector), read from /proc over the window. Then the ratio coach/echo of activities/s
beside the goal (>= 10x), and the checks over the whole run: how many activities were
answered 2xx, how many of those brought at least one reply to their own chat while their
POST ran and how many none, the replies counted so beside all the messages the fake
received (and any other request it got), and the answers the coach answered 2xx beside
the rows in its ``answer_history``. Asserts nothing.

Reading it: each bot is one process, so its rate is about one core over its CPU per
activity. The echo bot spends most of its CPU in botbuilder itself: each activity builds a
new connector client and token client, each with a fresh msrest configuration (whose
retry policy alone is milliseconds of CPU), and its reply goes through ``requests`` in a
thread pool. The coach does a whole turn on PostgreSQL and sends a card. PostgreSQL and this
process take the other core. Anything else busy on the machine (a test suite) slows the
bot it overlaps, and the ratio with it: run it on a quiet machine.
``--profile PREFIX`` runs the coach under cProfile during the window only
(``PREFIX-<clients>.prof``; its rate is then lower).
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import sys
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import aiohttp
from aiohttp import web
from sqlalchemy.engine import make_url

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
# The house's benchmark plumbing, the tests' Teams activity and walk: one of each.
from bench import turns  # noqa: E402
from bench.slack import (  # noqa: E402
    Cpu,
    CpuMeter,
    answers_saved,
    fmt,
    ms,
    ratio,
    run_database,
    serve_profiled,
    signal_window,
)
from bench.turns import (  # noqa: E402
    Process,
    Window,
    add_load_options,
    coach_env,
    cpus,
    failure,
    free_port,
    serving,
    spawn,
)
from tests.team_walks import VISIT  # noqa: E402
from tests.teams_fake import fixture  # noqa: E402

GUIDE = "kommer-forbi"
LOCALE = "da-DK"
REGION = "emea"  # Teams' service URLs name one: https://smba.trafficmanager.net/emea/
MAX_ERRORS_IN_A_ROW = 20
GOAL = 10.0  # the coach's activities/s over the echo bot's
# No app id: both bots run in the Emulator's mode, which a loopback bind allows. An app id
# in this shell's environment would make the coach demand tokens, so it is blanked.
NO_APP = {"MicrosoftAppId": "", "MicrosoftAppPassword": ""}


# --- the fake Bot Connector --------------------------------------------------------------------


@dataclass
class Connector:
    """The two Bot Connector routes a bot replies in a chat through (``POST
    /v3/conversations/{id}/activities[/{replyToId}]``), served on this process's event loop:
    each message activity is answered ``{"id": ...}`` and counted for its conversation.

    Not ``tests/teams_fake.py``'s ``FakeConnector``, which serves from a thread of its own
    (for bots in the test's own process, whose blocking calls would stall a fake on their
    loop) and keeps every request with its body. The bots here run in other processes, so
    this fake shares the clients' loop instead of contending with them for the GIL, and a
    turn reads its chat's count before and after its POST, which ``FakeConnector`` could
    only give by scanning every request it kept, under its lock, twice a turn."""

    received: Counter[str] = field(default_factory=Counter)  # message activities per conversation
    strays: int = 0  # requests that are not a message activity sent to a chat
    url: str = ""
    _runner: web.AppRunner | None = None
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1_700_000_000_000))

    async def __aenter__(self) -> Connector:
        app = web.Application(client_max_size=1024**2)
        app.router.add_post(f"/{REGION}/v3/conversations/{{conversation}}/activities", self._activity)
        app.router.add_post(f"/{REGION}/v3/conversations/{{conversation}}/activities/{{reply_to}}", self._activity)
        app.router.add_route("*", "/{tail:.*}", self._stray)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        port = free_port()
        await web.TCPSite(self._runner, "127.0.0.1", port).start()
        self.url = f"http://127.0.0.1:{port}/{REGION}/"
        return self

    async def __aexit__(self, *_: object) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    async def _activity(self, request: web.Request) -> web.Response:
        try:
            body = json.loads(await request.read())
        except ValueError:
            body = None
        if not isinstance(body, dict) or body.get("type") != "message":
            self.strays += 1
            return web.json_response({"error": {"code": "BadSyntax", "message": "Not a message activity."}}, status=400)
        self.received[request.match_info["conversation"]] += 1
        return web.json_response({"id": str(next(self._ids))}, status=201)

    async def _stray(self, _request: web.Request) -> web.Response:
        self.strays += 1
        return web.json_response({"error": {"code": "BadArgument", "message": "Unknown operation."}}, status=404)


# --- the bare server ---------------------------------------------------------------------------


def serve_bare(port: int) -> None:
    """Microsoft's echo bot sample (BotBuilder-Samples, ``python/02.echo-bot``) as it is
    written: the configuration class, the adapter, the bot and the ``messages`` handler,
    with an empty app id and password; only ``/healthz`` is added, for the bench to wait on."""
    from botbuilder.core import ActivityHandler, MessageFactory, TurnContext
    from botbuilder.core.integration import aiohttp_error_middleware
    from botbuilder.integration.aiohttp import CloudAdapter, ConfigurationBotFrameworkAuthentication

    class DefaultConfig:
        PORT = port
        APP_ID = ""
        APP_PASSWORD = ""
        APP_TYPE = "MultiTenant"
        APP_TENANTID = ""

    class EchoBot(ActivityHandler):  # type: ignore[misc]  # botbuilder is untyped
        async def on_message_activity(self, turn_context: TurnContext) -> None:
            await turn_context.send_activity(MessageFactory.text(f"Echo: {turn_context.activity.text}"))

    adapter = CloudAdapter(ConfigurationBotFrameworkAuthentication(DefaultConfig()))
    bot = EchoBot()

    async def messages(req: web.Request) -> web.Response:
        return await adapter.process(req, bot)

    async def healthz(_request: web.Request) -> web.Response:
        return web.json_response({"status": "ok"})

    app = web.Application(middlewares=[aiohttp_error_middleware])
    app.router.add_post("/api/messages", messages)
    app.router.add_get("/healthz", healthz)
    web.run_app(app, host="127.0.0.1", port=DefaultConfig.PORT, print=None)


# --- the people ----------------------------------------------------------------------------------


def chat_of(n: int) -> str:
    """Person ``n``'s personal chat with the bot, in Teams' shape (``a:1…``)."""
    return f"a:1Bench{n:04d}"


def first_activity(n: int, service_url: str) -> dict[str, Any]:
    """A message in person ``n``'s personal chat (``tests/fixtures/teams/personal_message.json``,
    a recorded one) from person ``n``, in Danish, its replies going to ``service_url``."""
    activity = fixture("personal_message", serviceUrl=service_url)
    activity["conversation"]["id"] = chat_of(n)
    activity["from"] = {"id": f"29:1Bench{n:04d}", "name": f"Bench {n}", "aadObjectId": str(uuid.UUID(int=n))}
    activity["locale"] = LOCALE
    for entity in activity.get("entities") or []:
        entity["locale"] = LOCALE
    return activity


@dataclass
class Load(turns.Load):
    """The window's latencies and errors, and over the whole run (warm-up and window) what
    the checks compare."""

    answered: int = 0  # activities answered 2xx
    answers: int = 0  # of those, answers to a question (the rest started projects)
    silent: int = 0  # of those, ones that sent nothing to their chat
    replies: int = 0  # activities the bot sent to the chat during the POSTs


@dataclass
class Person:
    """One person in their own personal chat, posting message activities to ``/api/messages``
    one after the other."""

    n: int
    url: str
    session: aiohttp.ClientSession
    connector: Connector
    window: Window
    load: Load
    ids: itertools.count[int]
    errors_in_a_row: int = 0
    template: dict[str, Any] = field(init=False)

    def __post_init__(self) -> None:
        self.template = first_activity(self.n, self.connector.url)

    async def say(self, text: str) -> bool:
        """Post one message activity; False when it was not answered 2xx."""
        chat = chat_of(self.n)
        activity = {
            **self.template,
            "id": str(next(self.ids)),  # Teams' message ids are the message's time in ms
            "timestamp": datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z"),
            "text": text,
        }
        before = self.connector.received[chat]
        sent = time.perf_counter()
        async with self.session.post(f"{self.url}/api/messages", json=activity) as response:
            body = await response.read()
        done = time.perf_counter()
        if response.status // 100 != 2:
            self.load.errors += self.window.counts(done)
            self.errors_in_a_row += 1
            if self.errors_in_a_row >= MAX_ERRORS_IN_A_ROW:
                said = body.decode(errors="replace")[:300]
                times = f"{MAX_ERRORS_IN_A_ROW} times in a row"
                raise RuntimeError(f"person {self.n}: HTTP {response.status} {times}: {said}")
            return False
        self.errors_in_a_row = 0
        replies = self.connector.received[chat] - before
        self.load.answered += 1
        self.load.replies += replies
        self.load.silent += replies == 0
        if self.window.counts(done):
            self.load.latencies.append(done - sent)
        return True

    async def walk(self) -> None:
        for project in itertools.count(1):
            if self.window.over:
                return
            if not await self.say(f"start {GUIDE} Bench {project}"):
                continue
            for words in VISIT:
                if self.window.over or not await self.say(words):
                    break
                self.load.answers += 1


async def run_load(
    url: str, connector: Connector, settings: Settings, meter: CpuMeter, profiled: bool
) -> tuple[Load, Cpu | None]:
    load = Load()
    ids = itertools.count(int(time.time() * 1000))
    session_connector = aiohttp.TCPConnector(limit=settings.clients)
    async with aiohttp.ClientSession(connector=session_connector, timeout=aiohttp.ClientTimeout(total=60)) as session:
        now = time.perf_counter()
        window = Window(now + settings.warmup, now + settings.warmup + settings.seconds)
        async with asyncio.TaskGroup() as tasks:
            cpu = tasks.create_task(meter.during(window))
            if profiled:
                tasks.create_task(signal_window(meter.server, window))
            for n in range(1, settings.clients + 1):
                tasks.create_task(Person(n, url, session, connector, window, load, ids).walk())
    return load, cpu.result()


# --- one bot, one row ----------------------------------------------------------------------------


@dataclass
class Settings:
    clients: int
    warmup: float
    seconds: float
    profile: Path | None  # a prefix: the profile goes to <profile>-<clients>.prof

    @property
    def profile_file(self) -> Path:
        assert self.profile is not None
        return self.profile.with_name(f"{self.profile.name}-{self.clients}.prof")


@dataclass
class Row:
    who: str
    rate: float | None = None  # activities answered a second
    p50: float | None = None  # ms
    p99: float | None = None
    cpu: Cpu | None = None  # ms per activity answered in the window
    load: Load = field(default_factory=Load)
    received: int = 0  # message activities the fake connector received while this bot ran
    strays: int = 0  # other requests it received meanwhile
    note: str = ""


def summarise(who: str, load: Load, cpu: Cpu | None, seconds: float) -> Row:
    latencies = sorted(load.latencies)
    row = Row(who, len(latencies) / seconds, ms(latencies, 0.50), ms(latencies, 0.99), load=load)
    if cpu and latencies:
        per = 1000 / len(latencies)
        row.cpu = Cpu(cpu.server * per, None if cpu.postgres is None else cpu.postgres * per, cpu.bench * per)
    if not latencies:
        row.note = "no activity answered in the window"
    return row


async def measure(
    who: str, start: Callable[[], Process], connector: Connector, settings: Settings, database: str | None = None
) -> Row:
    print(f"{settings.clients} clients, {who}: ...", file=sys.stderr, flush=True)
    server: Process | None = None
    received, strays = connector.received.total(), connector.strays
    try:
        async with serving(start) as server:
            meter = CpuMeter(server.process.pid, database)
            profiled = who == "coach" and settings.profile is not None
            load, cpu = await run_load(server.url, connector, settings, meter, profiled)
        row = summarise(who, load, cpu, settings.seconds)
        row.received, row.strays = connector.received.total() - received, connector.strays - strays
        return row
    except Exception as error:  # noqa: BLE001 - a failed row is reported, the other still runs
        reason = failure(error)
        print(f"  failed: {reason}", file=sys.stderr)
        if server is not None:  # it started: what it logged last says why
            print(f"  the {who}'s log ends:\n{server.tail()}", file=sys.stderr)
        return Row(who, note=f"failed: {reason.splitlines()[0][:200]}")


async def bench(admin_url: str, settings: Settings, tmp: Path) -> tuple[Row, Row, int]:
    """The echo bot's row, the coach's, and the answers saved in the coach's database."""
    this = str(Path(__file__).resolve())
    async with Connector() as connector, run_database(admin_url) as url:

        def echo() -> Process:
            return spawn([this, "--bare-server"], NO_APP, tmp / "echo.log", tmp)

        def coach() -> Process:
            args = ["-m", "bot.cli", "serve"]
            if settings.profile:
                args = [this, "--profiled-server", str(settings.profile_file)]
            return spawn(args, {**coach_env(tmp, url), **NO_APP}, tmp / "coach.log", tmp)

        echo_row = await measure("echo", echo, connector, settings)
        coach_row = await measure("coach", coach, connector, settings, make_url(url).database)
        return echo_row, coach_row, await answers_saved(url)


# --- the table -----------------------------------------------------------------------------------


def print_table(echo: Row, coach: Row, saved: int, settings: Settings) -> None:
    print(f"{cpus()}; the clients and the fake connector share one process, each bot another")
    print(
        f"{settings.clients} people in personal chats walking {GUIDE} by typed messages; coach on PostgreSQL; "
        f"warm-up {settings.warmup:g} s, measured {settings.seconds:g} s per row"
        + ("; coach under cProfile (slower)" if settings.profile else "")
    )
    header = (
        f"{'who':<6} {'activities/s':>12} {'p50 ms':>8} {'p99 ms':>8} {'errors':>6}  "
        f"{'server':>6} {'pg':>5} {'bench':>5}"
    )
    print(f"{'CPU ms per activity':>{len(header)}}")
    print(header)
    print("-" * len(header))
    for row in (echo, coach):
        cpu = row.cpu or Cpu(float("nan"), None, float("nan"))
        print(
            f"{row.who:<6} {fmt(row.rate, '12,.1f')} {fmt(row.p50, '8.1f')} {fmt(row.p99, '8.1f')} "
            f"{row.load.errors:>6}  {fmt(cpu.server, '6.2f')} {fmt(cpu.postgres, '5.2f')} {fmt(cpu.bench, '5.2f')}"
            + (f"  {row.note}" if row.note else "")
        )
    print("latency: a POST's round trip; each bot answers it once its replies reached the fake connector")
    print(
        f"coach/echo: activities/s {ratio(coach.rate, echo.rate)}, "
        f"p50 {ratio(coach.p50, echo.p50)}, p99 {ratio(coach.p99, echo.p99)}"
    )
    share = coach.rate / echo.rate if coach.rate is not None and echo.rate else None
    verdict = "not measured" if share is None else f"{'met' if share >= GOAL else 'not met'} ({share:.1f}x)"
    print(f"goal: the coach's activities/s >= {GOAL:g}x the echo bot's: {verdict}")
    print("checks over the whole run (warm-up and window):")
    for row in (echo, coach):
        load = row.load
        replied = load.answered - load.silent
        print(
            f"  {row.who:<5}: {load.answered:,} activities answered 2xx, {replied:,} with a reply in their own chat "
            f"during the POST, {load.silent:,} without; {load.replies:,} replies in all\n"
            f"         the fake connector got {row.received:,} messages meanwhile and {row.strays:,} other requests"
        )
    print(f"  coach: {coach.load.answers:,} answers answered 2xx; rows in its answer_history: {saved:,}")


# --- main ----------------------------------------------------------------------------------------


async def main(args: argparse.Namespace) -> None:
    settings = Settings(args.clients, args.warmup, args.seconds, args.profile and args.profile.resolve())
    with tempfile.TemporaryDirectory(prefix="bench-teams-") as tmp:
        echo, coach, saved = await bench(args.postgres, settings, Path(tmp))
    print_table(echo, coach, saved, settings)
    if settings.profile:
        print(f"the coach's profile in the window: {settings.profile_file}")


def cli() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--clients", type=int, default=16, help="people posting at once (default 16)")
    add_load_options(parser)
    parser.add_argument(
        "--profile", type=Path, metavar="PREFIX", help="profile the coach in the window, to PREFIX-<clients>.prof"
    )
    parser.add_argument(
        "--bare-server", type=int, nargs="?", const=0, metavar="PORT", help="serve the echo bot alone on PORT"
    )
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--profiled-server", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.bare_server is not None:
        port = args.bare_server or args.port
        if not port:
            parser.error("--bare-server needs a port")
        serve_bare(port)
    elif args.profiled_server:
        serve_profiled(args.port, args.profiled_server)
    elif args.clients < 1:
        parser.error("--clients must be positive")
    else:
        try:
            asyncio.run(main(args))
        except KeyboardInterrupt:
            sys.exit(130)  # by then both bots are stopped and the run's database dropped


if __name__ == "__main__":
    cli()
