"""How fast the coach acks ``/outreach`` and completes a turn in Slack, beside a bare slack-bolt
app that only acks, loaded with the same signed requests in the same run.

    .venv/bin/python bench/slack.py [--clients 16] [--seconds 5] [--warmup 1]
        [--postgres URL] [--profile PREFIX]

A fake Slack Web API (``tests/slack_fake.py``) runs in this process. Three servers run as
subprocesses, one after the other, for each number of clients:

* bare: this file with ``--bare-server``, a bolt ``AsyncApp`` (signing secret, bot token,
  request verification on, its Web API client pointed at the fake) whose ``/outreach``
  handler only calls ``ack()``, served by aiohttp;
* posts: the same app, whose handler also posts one fixed question to the command's channel
  after the ack, through bolt's own Web API client: no database, no coach. It is the floor
  of a complete turn for any one-process bolt app on the machine, measured like the coach;
* coach: ``outreach-coach serve`` on a PostgreSQL database made for the run and dropped
  after, with Slack configured through ``SLACK_SIGNING_SECRET``, ``SLACK_BOT_TOKEN`` and
  a config file whose ``[slack] api_url`` is the fake.

Every client is one team in its own channel. It starts a kommer-forbi project (untimed)
and answers its questions with ``/outreach <answer>`` as form-encoded, signed slash
commands over loopback, walking ``tests/team_walks.py``'s ``VISIT`` and starting a new
project when the walk runs out. The bare app gets the very same requests, one after the
other. A request's ack latency is its HTTP round trip. A complete turn is the answer
acked, saved, and the next question posted to the fake in the team's channel: the coach
posts only after it has committed the answer, so the question's arrival covers all three.
A coach client waits for it before it answers again, as a team reads the question
before answering it. Prints one table, with the CPU each answer cost the server,
PostgreSQL and this process (read from /proc over the window); asserts nothing.

Reading it: bolt's asyncio listener runner (``process_before_response`` off, as all three
run) polls for the listener's ``ack()`` every 10 ms, so the bare app acks in about 11 ms and
its rate is about clients / 11 ms, not what its CPU allows; the coach acks without the poll.
The bare rate hardly moves with the machine's speed, while a complete turn is bound by one
core's CPU, so the ratio of the two is as much the machine's as the coach's: the posts row
shows what bolt itself manages there. ``--profile PREFIX`` runs the coach under cProfile
during the window only.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import itertools
import math
import os
import signal
import sys
import tempfile
import time
import uuid
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

import aiohttp
from aiohttp import web
from sqlalchemy import func, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
# The house's benchmark plumbing, the coach's block codec and the tests' fake Slack: one of each.
from bench.turns import Process, Window, coach_env, parse_clients, percentile, spawn, wait_healthy  # noqa: E402
from bot.channels.slack import actions  # noqa: E402
from storage.db import async_url  # noqa: E402
from storage.models import AnswerHistory  # noqa: E402
from tests.slack_fake import Call, FakeSlack, fixture, sign, slash_command_body  # noqa: E402
from tests.team_walks import VISIT  # noqa: E402

SECRET = "bench-signing-secret-0123456789ab"
TEAM, TOKEN, BOT_USER = "T111", "xoxb-bench", "U0BOT"
GUIDE = "kommer-forbi"
FORM = "application/x-www-form-urlencoded"
POSTS = ("chat.postMessage", "chat.postEphemeral")
# The coach's widgets that answer a question (its other buttons run commands).
ASKING = tuple(f"{actions.PREFIX}{kind}:" for kind in ("answer", "form", "select"))
REPLY_SECONDS = 10.0  # a question not posted by then counts as a failed turn
MAX_ERRORS_IN_A_ROW = 20
GOAL_CLIENTS = 16
ACK_P99_GOAL_MS = 50.0
TURNS_GOAL, TURNS_BEST = 0.5, 0.8


# --- the fake Slack, watched per channel -----------------------------------------------------


@dataclass
class WatchedSlack(FakeSlack):
    """The tests' fake Slack, handing each message posted to a channel to the client that
    talks in that channel, as it arrives."""

    posts: dict[str, asyncio.Queue[Call]] = field(default_factory=dict)

    def channel(self, channel_id: str) -> asyncio.Queue[Call]:
        return self.posts.setdefault(channel_id, asyncio.Queue())

    async def _record(
        self, method: str, args: dict[str, Any], token: str | None, response: dict[str, Any] | None
    ) -> None:
        index = len(self._calls)  # the fake only appends; this call lands here
        await super()._record(method, args, token, response)
        if method in POSTS:
            self.channel(str(args.get("channel"))).put_nowait(self._calls[index])


def asks(call: Call) -> bool:
    """Whether a posted message asks a question: it carries a widget that answers one."""
    blocks = call.args.get("blocks") or []
    elements = [e for b in blocks for e in [*(b.get("elements") or []), b.get("accessory") or {}]]
    return any(str(e.get("action_id", "")).startswith(ASKING) for e in elements if isinstance(e, dict))


def channel_of(n: int) -> str:
    return f"CBENCH{n:04d}"


def user_of(n: int) -> str:
    return f"UBENCH{n:04d}"


def populate(slack: FakeSlack, clients: int) -> None:
    slack.add_workspace(TEAM, TOKEN, bot_user_id=BOT_USER, name="Bibliotek Bench")
    for n in range(1, clients + 1):
        slack.add_user(TEAM, user_of(n), f"Bench {n}", locale="da-DK")
        slack.add_channel(TEAM, channel_of(n), f"bench-{n}")


# --- the bare server -------------------------------------------------------------------------


def serve_bare(port: int, api_url: str, posts: bool) -> None:
    """Bolt as a Slack app starts out: the signature verified, ``/outreach`` acked, nothing
    done; with ``posts``, one fixed question posted to the channel after the ack (no database,
    no coach): the least any app does for a complete turn, through bolt's own Web API client."""
    from slack_bolt.async_app import AsyncApp
    from slack_sdk.web.async_client import AsyncWebClient

    question = [
        {"type": "section", "text": {"type": "mrkdwn", "text": "*Hvem vil I besøge?*"}},
        {
            "type": "actions",
            "elements": [
                {
                    "type": "button",
                    "text": {"type": "plain_text", "text": "Ja"},
                    "action_id": f"{ASKING[0]}bench",
                    "value": "ja",
                }
            ],
        },
    ]

    async def make_app() -> web.Application:
        bolt = AsyncApp(
            signing_secret=SECRET,
            client=AsyncWebClient(token=TOKEN, base_url=api_url),
            request_verification_enabled=True,
        )

        @bolt.command("/outreach")
        async def outreach(ack: Callable[[], Any], command: dict[str, Any], client: AsyncWebClient) -> None:
            await ack()
            if posts:
                await client.chat_postMessage(channel=command["channel_id"], text="Hvem vil I besøge?", blocks=question)

        async def healthz(_request: web.Request) -> web.Response:
            return web.json_response({"status": "ok"})

        app = bolt.web_app(path="/slack/events", port=port)
        app.router.add_get("/healthz", healthz)
        return app

    web.run_app(make_app(), host="127.0.0.1", port=port, print=None, access_log=None)


# --- the coach under the profiler -----------------------------------------------------------


def serve_profiled(port: int, profile: Path) -> None:
    """``outreach-coach serve`` whose profiler runs from SIGUSR1 to SIGUSR2 (the measured
    window, which the bench signals), writing its statistics to ``profile`` at SIGUSR2:
    start-up, warm-up and shut-down stay out of it."""
    from bot.cli import main as outreach_coach

    profiler = cProfile.Profile()

    def stop(*_: object) -> None:
        profiler.disable()
        profiler.dump_stats(profile)

    signal.signal(signal.SIGUSR1, lambda *_: profiler.enable())
    signal.signal(signal.SIGUSR2, stop)
    outreach_coach(["serve", "--port", str(port)])


async def signal_window(pid: int, window: Window) -> None:
    """Tell a profiled server when the window opens and closes."""
    await asyncio.sleep(max(0.0, window.start - time.perf_counter()))
    os.kill(pid, signal.SIGUSR1)
    await asyncio.sleep(max(0.0, window.end - time.perf_counter()))
    os.kill(pid, signal.SIGUSR2)


# --- the teams --------------------------------------------------------------------------------


@dataclass
class Load:
    acks: list[float] = field(default_factory=list)  # seconds, answers acked in the window
    turns: list[float] = field(default_factory=list)  # seconds, questions posted in the window
    errors: int = 0  # in the window: non-200 acks, refusals, questions never posted
    acked: int = 0  # answers acked over the whole run (warm-up and window), to check against the database


@dataclass
class Team:
    """One team in channel ``channel_of(n)``: signs and posts its slash commands, and (for the
    coach) waits for the question each one brings."""

    n: int
    url: str
    session: aiohttp.ClientSession
    slack: WatchedSlack
    waits: bool
    window: Window
    load: Load
    serials: itertools.count[int]
    errors_in_a_row: int = 0

    async def command(self, words: str) -> int:
        posts = self.slack.channel(channel_of(self.n))
        while not posts.empty():  # anything left over (from a turn given up on) is not this one's reply
            posts.get_nowait()
        body = slash_command_body(
            fixture("slash_command"),
            command="/outreach",
            text=words,
            user_id=user_of(self.n),
            user_name=f"bench{self.n}",
            channel_id=channel_of(self.n),
            channel_name=f"bench-{self.n}",
            team_id=TEAM,
            team_domain="bench",
            trigger_id=f"{next(self.serials)}.{self.n}.bench",  # the coach's retry key: one per request
            response_url=self.slack.response_url,
        )
        headers = {"Content-Type": FORM, **sign(body, SECRET)}
        async with self.session.post(f"{self.url}/slack/events", data=body, headers=headers) as response:
            await response.read()
            return response.status

    async def question(self) -> bool:
        """Wait for the message that asks the next question; False for a refusal or silence."""
        posts = self.slack.channel(channel_of(self.n))
        try:
            async with asyncio.timeout(REPLY_SECONDS):
                while True:
                    call = await posts.get()
                    if call.method == "chat.postEphemeral":  # said to the asker alone: an error
                        return False
                    if asks(call):
                        return True
        except TimeoutError:
            return False

    def failed(self, at: float, what: str) -> None:
        self.load.errors += self.window.counts(at)
        self.errors_in_a_row += 1
        if self.errors_in_a_row >= MAX_ERRORS_IN_A_ROW:
            raise RuntimeError(f"team {self.n}: {what}, {MAX_ERRORS_IN_A_ROW} times in a row")

    async def start(self, project: int) -> bool:
        """A new project, untimed."""
        status = await self.command(f"start {GUIDE} Bench {self.n}-{project}")
        if status != 200:
            self.failed(time.perf_counter(), f"start answered HTTP {status}")
            return False
        if self.waits and not await self.question():
            self.failed(time.perf_counter(), "start brought no question")
            return False
        return True

    async def answer(self, words: str) -> bool:
        sent = time.perf_counter()
        status = await self.command(words)
        acked = time.perf_counter()
        if status != 200:
            self.failed(acked, f"an answer got HTTP {status}")
            return False
        self.load.acked += 1
        if self.window.counts(acked):
            self.load.acks.append(acked - sent)
        if not self.waits:
            self.errors_in_a_row = 0
            return True
        if not await self.question():
            self.failed(time.perf_counter(), f"no question after {words!r}")
            return False
        done = time.perf_counter()
        if self.window.counts(done):
            self.load.turns.append(done - sent)
        self.errors_in_a_row = 0
        return True

    async def walk(self) -> None:
        for project in itertools.count(1):
            if self.window.over:
                return
            if not await self.start(project):
                continue
            for words in VISIT:
                if self.window.over or not await self.answer(words):
                    break


async def run_load(
    url: str,
    slack: WatchedSlack,
    clients: int,
    waits: bool,
    warmup: float,
    seconds: float,
    meter: CpuMeter,
    profiled: bool,
) -> tuple[Load, Cpu | None]:
    load = Load()
    serials = itertools.count(1)
    connector = aiohttp.TCPConnector(limit=clients)
    async with aiohttp.ClientSession(connector=connector, timeout=aiohttp.ClientTimeout(total=60)) as session:
        now = time.perf_counter()
        window = Window(now + warmup, now + warmup + seconds)
        async with asyncio.TaskGroup() as tasks:
            cpu = tasks.create_task(meter.during(window))
            if profiled:
                tasks.create_task(signal_window(meter.server, window))
            for n in range(1, clients + 1):
                tasks.create_task(Team(n, url, session, slack, waits, window, load, serials).walk())
    return load, cpu.result()


# --- where the CPU went ----------------------------------------------------------------------


@dataclass(frozen=True)
class Cpu:
    """CPU seconds used in the measured window."""

    server: float
    postgres: float | None  # None: no backend of the database found on this machine
    bench: float  # this process: the clients and the fake Slack


@dataclass(frozen=True)
class CpuMeter:
    """Reads Linux's /proc: the server's CPU, that of PostgreSQL's processes serving
    ``database`` (their titles name it) and this process's own. The three share the
    machine's CPUs (with anything else running), so a rate says most beside its cost."""

    server: int  # pid
    database: str | None

    async def during(self, window: Window) -> Cpu | None:
        if not Path("/proc/self/stat").exists():
            return None
        await asyncio.sleep(max(0.0, window.start - time.perf_counter()))
        server, postgres, bench = self._now()
        await asyncio.sleep(max(0.0, window.end - time.perf_counter()))
        server_after, postgres_after, bench_after = self._now()
        used = sum(seconds - postgres.get(pid, 0.0) for pid, seconds in postgres_after.items())
        return Cpu(server_after - server, used if postgres_after else None, bench_after - bench)

    def _now(self) -> tuple[float, dict[int, float], float]:
        backends = {pid: _cpu_of(pid) for pid in self._backends()}
        return _cpu_of(self.server), backends, time.process_time()

    def _backends(self) -> list[int]:
        if self.database is None:
            return []
        title = f" {self.database} ".encode()
        found = []
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                line = (entry / "cmdline").read_bytes()
            except OSError:  # gone, or not ours to read
                continue
            if line.startswith(b"postgres:") and title in line:
                found.append(int(entry.name))
        return found


def _cpu_of(pid: int) -> float:
    """User and system CPU seconds of process ``pid`` so far (0 once it is gone)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return 0.0
    fields = stat.rpartition(")")[2].split()  # after the command's name, which may hold spaces
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


# --- one side, one row -----------------------------------------------------------------------


@dataclass
class Row:
    who: str
    clients: int
    rate: float | None = None  # acks a second
    p50: float | None = None  # ms
    p99: float | None = None
    turns: float | None = None  # complete turns a second
    turn_p50: float | None = None
    turn_p99: float | None = None
    errors: int = 0
    acked: int = 0  # answers acked over the whole run, warm-up included
    cpu: Cpu | None = None  # ms per answer acked in the window
    note: str = ""


def ms(values: list[float], q: float) -> float | None:
    return percentile(values, q) * 1000 if values else None


def summarise(who: str, clients: int, load: Load, cpu: Cpu | None, seconds: float, waits: bool) -> Row:
    acks, turns = sorted(load.acks), sorted(load.turns)
    row = Row(who, clients, len(acks) / seconds, ms(acks, 0.50), ms(acks, 0.99), errors=load.errors, acked=load.acked)
    if cpu and acks:
        per = 1000 / len(acks)
        row.cpu = Cpu(cpu.server * per, None if cpu.postgres is None else cpu.postgres * per, cpu.bench * per)
    if waits:
        row.turns, row.turn_p50, row.turn_p99 = len(turns) / seconds, ms(turns, 0.50), ms(turns, 0.99)
    if not acks:
        row.note = "no answer acked in the window"
    return row


@dataclass
class Settings:
    clients: list[int]
    warmup: float
    seconds: float
    profile: Path | None  # a prefix: <profile>-<clients>.prof for each number of clients

    def profile_of(self, clients: int) -> Path:
        assert self.profile is not None
        return self.profile.with_name(f"{self.profile.name}-{clients}.prof")


async def measure(
    who: str,
    clients: int,
    start: Callable[[], Process],
    slack: WatchedSlack,
    settings: Settings,
    database: str | None = None,
) -> Row:
    waits = who != "bare"
    print(f"{clients} clients, {who}: ...", file=sys.stderr, flush=True)
    server = start()
    try:
        async with aiohttp.ClientSession() as session:
            await wait_healthy(server, session)
        meter = CpuMeter(server.process.pid, database)
        profiled = who == "coach" and settings.profile is not None
        load, cpu = await run_load(
            server.url, slack, clients, waits, settings.warmup, settings.seconds, meter, profiled
        )
        if server.process.poll() is not None:
            raise RuntimeError(f"server exited with {server.process.returncode}:\n{server.tail()}")
        return summarise(who, clients, load, cpu, settings.seconds, waits)
    except Exception as error:  # noqa: BLE001 - a failed row is reported, the others still run
        reason = str(error) or repr(error)
        if isinstance(error, ExceptionGroup):
            reason = "; ".join(sorted({str(e) or repr(e) for e in error.exceptions}))
        print(f"  failed: {reason}", file=sys.stderr)
        return Row(who, clients, note=f"failed: {reason.splitlines()[0][:200]}")
    finally:
        server.stop()


@asynccontextmanager
async def run_database(admin_url: str) -> AsyncIterator[str]:
    """A PostgreSQL database for this run (its URL), dropped after."""
    name = f"bench_slack_{uuid.uuid4().hex[:8]}"
    admin = create_async_engine(async_url(admin_url), isolation_level="AUTOCOMMIT")
    try:
        async with asyncio.timeout(10), admin.connect() as connection:
            await connection.execute(text(f'create database "{name}"'))
        try:
            yield make_url(admin_url).set(database=name).render_as_string(hide_password=False)
        finally:
            async with admin.connect() as connection:
                await connection.execute(text(f'drop database if exists "{name}" with (force)'))
    finally:
        await admin.dispose()


async def answers_saved(url: str) -> int:
    engine = create_async_engine(async_url(url))
    try:
        async with engine.connect() as connection:
            return int((await connection.execute(select(func.count()).select_from(AnswerHistory))).scalar_one())
    finally:
        await engine.dispose()


async def bench(admin_url: str, settings: Settings, tmp: Path) -> tuple[list[Row], str]:
    """Every row, and a line comparing the answers the coach acked with those it saved."""
    rows: list[Row] = []
    async with WatchedSlack() as slack, run_database(admin_url) as url:
        populate(slack, max(settings.clients))
        config = tmp / "config.toml"
        config.write_text(f'[slack]\napi_url = "{slack.base_url}"\n', encoding="utf-8")
        env = {
            **coach_env(tmp, url),
            "OUTREACH_COACH_CONFIG": str(config),
            "SLACK_SIGNING_SECRET": SECRET,
            "SLACK_BOT_TOKEN": TOKEN,
        }
        for count in settings.clients:

            def bare(count: int = count, posts: bool = False) -> Process:
                args = [str(Path(__file__).resolve()), "--bare-server", "--api-url", slack.base_url]
                return spawn([*args, "--posts"] if posts else args, {}, tmp / f"bare-{count}.log", tmp)

            def coach(count: int = count) -> Process:
                args = ["-m", "bot.cli", "serve"]
                if settings.profile:
                    args = [str(Path(__file__).resolve()), "--profiled-server", str(settings.profile_of(count))]
                return spawn(args, env, tmp / f"coach-{count}.log", tmp)

            rows.append(await measure("bare", count, bare, slack, settings))
            rows.append(await measure("posts", count, partial(bare, posts=True), slack, settings))
            rows.append(await measure("coach", count, coach, slack, settings, make_url(url).database))
        acked = sum(row.acked for row in rows if row.who == "coach")
        saved = await answers_saved(url)
    return rows, f"answers the coach acked: {acked:,}; saved in its database: {saved:,}"


# --- the table -------------------------------------------------------------------------------


def fmt(value: float | None, spec: str) -> str:
    """``value`` in ``spec``'s width, or a dash in that width for none (or NaN)."""
    shown = format(value or 0.0, spec)
    return shown if value is not None and not math.isnan(value) else "-".rjust(len(shown))


def ratio(part: float | None, whole: float | None) -> str:
    return f"{part / whole:.2f}x" if part is not None and whole else "-"


def print_table(rows: list[Row], settings: Settings, saved: str) -> None:
    cpus = os.cpu_count()
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else cpus
    shared = "; the clients and the fake Slack share one process with each other, the server another"
    print(f"CPUs: {cpus}" + (f" ({usable} usable)" if usable != cpus else "") + shared)
    print(
        f"/outreach answers walking {GUIDE}; coach on PostgreSQL; warm-up {settings.warmup:g} s, "
        f"measured {settings.seconds:g} s per row" + ("; coach under cProfile (slower)" if settings.profile else "")
    )
    header = (
        f"{'who':<6} {'clients':>7} {'acks/s':>8} {'ack p50':>8} {'ack p99':>8} "
        f"{'turns/s':>8} {'turn p50':>9} {'turn p99':>9} {'errors':>6}  "
        f"{'server':>6} {'pg':>5} {'bench':>5}"
    )
    print(f"{'CPU ms per answer':>{len(header)}}")
    print(header)
    print("-" * len(header))
    for row in rows:
        cpu = row.cpu or Cpu(math.nan, None, math.nan)
        print(
            f"{row.who:<6} {row.clients:>7} {fmt(row.rate, '8,.0f')} {fmt(row.p50, '8.1f')} {fmt(row.p99, '8.1f')} "
            f"{fmt(row.turns, '8,.0f')} {fmt(row.turn_p50, '9.1f')} {fmt(row.turn_p99, '9.1f')} {row.errors:>6}  "
            f"{fmt(cpu.server, '6.2f')} {fmt(cpu.postgres, '5.2f')} {fmt(cpu.bench, '5.2f')}"
            + (f"  {row.note}" if row.note else "")
        )
    print("latencies in ms; a turn: the answer sent, acked, saved, and the next question posted to the fake")
    print("CPU in the window: the server's, PostgreSQL's backends' and this process's (the clients, the fake Slack)")
    for count in settings.clients:
        bare = next(r for r in rows if r.who == "bare" and r.clients == count)
        posts = next(r for r in rows if r.who == "posts" and r.clients == count)
        coach = next(r for r in rows if r.who == "coach" and r.clients == count)
        print(
            f"{count} clients, coach/bare: acks/s {ratio(coach.rate, bare.rate)}, "
            f"ack p50 {ratio(coach.p50, bare.p50)}, ack p99 {ratio(coach.p99, bare.p99)}; "
            f"complete turns/s over bare acks/s {ratio(coach.turns, bare.rate)}"
        )
        print(
            f"{count} clients, posts (bolt acking and posting a question, nothing else): complete turns/s "
            f"over bare acks/s {ratio(posts.turns, bare.rate)}; coach turns/s over posts turns/s "
            f"{ratio(coach.turns, posts.turns)}"
        )
    print(saved)
    print(
        f"goals at {GOAL_CLIENTS} clients: coach ack p99 <= {ACK_P99_GOAL_MS:g} ms; complete turns >= "
        f"{TURNS_GOAL:g}x the bare app's acks/s ({TURNS_BEST:g}x best)"
    )
    bare = next((r for r in rows if r.who == "bare" and r.clients == GOAL_CLIENTS), None)
    coach = next((r for r in rows if r.who == "coach" and r.clients == GOAL_CLIENTS), None)
    if bare and coach and coach.p99 is not None and coach.turns is not None and bare.rate:
        share = coach.turns / bare.rate
        verdict = "best reached" if share >= TURNS_BEST else "met" if share >= TURNS_GOAL else "not met"
        print(
            f"  ack p99 {coach.p99:.1f} ms: {'met' if coach.p99 <= ACK_P99_GOAL_MS else 'not met'}; "
            f"complete turns {share:.2f}x: {verdict}"
        )


# --- main ------------------------------------------------------------------------------------


async def main(args: argparse.Namespace) -> None:
    settings = Settings(args.clients, args.warmup, args.seconds, args.profile)
    with tempfile.TemporaryDirectory(prefix="bench-slack-") as tmp:
        rows, saved = await bench(args.postgres, settings, Path(tmp))
    print_table(rows, settings, saved)
    for count in settings.clients if settings.profile else []:
        print(f"the coach's profile in the window at {count} clients: {settings.profile_of(count)}")


def cli() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--clients", type=parse_clients, default=[16], help="comma-separated, default 16")
    parser.add_argument("--seconds", type=float, default=5.0, help="measured seconds per row (default 5)")
    parser.add_argument("--warmup", type=float, default=1.0, help="warm-up seconds per row (default 1)")
    parser.add_argument("--postgres", default="postgresql://postgres@127.0.0.1:5432/test")
    parser.add_argument(
        "--profile", type=Path, metavar="PREFIX", help="profile the coach in the window, to PREFIX-<clients>.prof"
    )
    parser.add_argument("--bare-server", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--posts", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--api-url", help=argparse.SUPPRESS)
    parser.add_argument("--profiled-server", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.profiled_server:
        serve_profiled(args.port, args.profiled_server)
        return
    if args.bare_server:
        if not (args.port and args.api_url):
            parser.error("--bare-server needs --port and --api-url")
        serve_bare(args.port, args.api_url, args.posts)
        return
    if args.profile:
        args.profile = args.profile.resolve()
    try:
        asyncio.run(main(args))
    except KeyboardInterrupt:
        sys.exit(130)  # the servers are stopped and the database is dropped by now


if __name__ == "__main__":
    cli()
