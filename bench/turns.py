"""How many answers a second the running coach takes over HTTP, beside a bare aiohttp
handler that does one INSERT + COMMIT per request on the same database, in the same run.

    .venv/bin/python bench/turns.py [--clients 1,16,64] [--seconds 5] [--warmup 1]
        [--postgres URL] [--only sqlite|postgres] [--guide kommer-forbi] [--path /chat/api/turn]

For each database (SQLite in a temporary data dir; PostgreSQL in a database made for the
run and dropped after) and each number of clients, it starts ``outreach-coach serve`` as a
subprocess and lets every client walk a guide in its own conversation, answering whatever
the last reply asked, one answer per request; then it starts the bare server (this file,
``--bare-server``) on the same database and loads it with the same client code. Only
answer requests are timed and counted. Prints one table; asserts nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import math
import os
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp
from aiohttp import web
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from storage.db import async_url  # noqa: E402  (the coach's own URL reading, so both sides use one driver)

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_PATH = "/chat/api/turn"
FALLBACK_PATH = "/api/turn"
GOAL = "goal: at 16 clients coach >= 0.5x bare on PostgreSQL, p99 <= 50 ms on both"
TEXT_ANSWER = "Vi vil gerne lære målgruppen bedre at kende."
DATE_ANSWER = "2026-12-10"
STUCK = 5  # the same question asked this many times in a row: the coach refuses our answers
MAX_ERRORS_IN_A_ROW = 20


# --- the bare server -----------------------------------------------------------------------


def serve_bare(port: int, url: str) -> None:
    """One INSERT + COMMIT per POST through SQLAlchemy's async engine, and a tiny JSON reply.

    The reply is shaped like a coach question (with a fresh step each time), so the very
    client code that walks the guides keeps answering here too.
    """
    steps = itertools.count()

    async def make_app() -> web.Application:
        engine = create_async_engine(async_url(url))
        async with engine.begin() as connection:
            await connection.execute(
                text("create table if not exists bench_bare (conversation varchar(100) not null, body text not null)")
            )
        insert = text("insert into bench_bare (conversation, body) values (:conversation, :body)")

        async def turn(request: web.Request) -> web.Response:
            body = await request.json()
            async with engine.begin() as connection:
                await connection.execute(insert, {"conversation": str(body.get("conversation", "")), "body": "x"})
            question = {"type": "question", "project_id": 0, "step": f"bare-{next(steps)}", "kind": "text"}
            return web.json_response({"replies": [question]})

        async def healthz(_request: web.Request) -> web.Response:
            return web.json_response({"status": "ok"})

        async def dispose(_app: web.Application) -> None:
            await engine.dispose()

        app = web.Application()
        app.router.add_get("/healthz", healthz)
        app.router.add_post("/{path:.*}", turn)
        app.on_cleanup.append(dispose)
        return app

    web.run_app(make_app(), host="127.0.0.1", port=port, print=None)


# --- subprocesses --------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Process:
    url: str
    process: subprocess.Popen[bytes]
    log: Path

    def tail(self, lines: int = 15) -> str:
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def spawn(args: list[str], env: dict[str, str], log: Path, cwd: Path) -> Process:
    """Start ``python <args> --port N`` with its output in ``log``."""
    port = free_port()
    environment = {**os.environ, **env}
    environment["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, *args, "--port", str(port)], env=environment, stdout=out, stderr=subprocess.STDOUT, cwd=cwd
        )
    return Process(f"http://127.0.0.1:{port}", process, log)


async def wait_healthy(server: Process, session: aiohttp.ClientSession, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(f"server exited with {server.process.returncode}:\n{server.tail()}")
        try:
            async with session.get(f"{server.url}/healthz") as response:
                if response.status == 200:
                    return
        except aiohttp.ClientError:
            pass
        await asyncio.sleep(0.1)
    raise RuntimeError(f"server not healthy within {timeout:.0f} s:\n{server.tail()}")


@asynccontextmanager
async def serving(start: Callable[[], Process]) -> AsyncIterator[Process]:
    """The server ``start`` starts, once it answers ``/healthz``; stopped after, and an error
    if it exited while in use."""
    server = start()
    try:
        async with aiohttp.ClientSession() as session:
            await wait_healthy(server, session)
        yield server
        if server.process.poll() is not None:
            raise RuntimeError(f"server exited with {server.process.returncode}:\n{server.tail()}")
    finally:
        server.stop()


# --- the clients ---------------------------------------------------------------------------


@dataclass
class Window:
    """Warm-up, then the measured interval; clients stop when it closes."""

    start: float
    end: float

    @property
    def over(self) -> bool:
        return time.perf_counter() >= self.end

    def counts(self, finished: float) -> bool:
        return self.start <= finished < self.end


@dataclass
class Load:
    latencies: list[float] = field(default_factory=list)  # seconds, answers finished in the window
    errors: int = 0  # non-2xx answers (or starts) finished in the window


def replies_of(body: Any) -> list[dict[str, Any]]:
    return body if isinstance(body, list) else list(body.get("replies", []))


def last_question(replies: list[dict[str, Any]]) -> dict[str, Any] | None:
    questions = [r for r in replies if r.get("type") == "question"]
    return questions[-1] if questions else None


def answer_for(question: dict[str, Any]) -> dict[str, Any]:
    """What a person would send: typed text for text questions, the widget's value otherwise."""
    kind = question.get("kind")
    choices = [c["value"] for c in question.get("choices") or []]
    if kind == "text":
        return {"text": TEXT_ANSWER}
    if kind == "confirm":
        value: Any = True
    elif kind == "single_choice" and choices:
        value = choices[0]
    elif kind in ("multi_choice", "checklist") and choices:
        value = choices[:1]
    elif kind == "date":
        value = DATE_ANSWER
    elif kind == "list":
        value = [f"Punkt {n}" for n in range(1, (question.get("min_items") or 1) + 1)]
    else:
        return {"text": "ja"}
    return {"answer": {"step": question["step"], "value": value}, "project_id": question.get("project_id")}


async def post(session: aiohttp.ClientSession, endpoint: str, payload: dict[str, Any]) -> tuple[int, Any]:
    async with session.post(endpoint, json=payload) as response:
        if response.status // 100 != 2:
            return response.status, await response.text()
        return response.status, await response.json()


def texts(replies: list[dict[str, Any]]) -> str:
    return " | ".join(str(r.get("text", r.get("type"))) for r in replies)


async def client(session: aiohttp.ClientSession, endpoint: str, n: int, guide: str, window: Window, load: Load) -> None:
    """One team in conversation ``bench-<n>``: start a project, answer what is asked, repeat."""
    base = {"conversation": f"bench-{n}", "user": f"Bench {n}", "lang": "da"}
    question: dict[str, Any] | None = None
    same_step = 0
    errors_in_a_row = 0
    while not window.over:
        if question is None:
            status, body = await post(session, endpoint, {**base, "command": f"start {guide} Bench"})
            if status // 100 != 2:
                load.errors += window.counts(time.perf_counter())
                errors_in_a_row += 1
                if errors_in_a_row >= MAX_ERRORS_IN_A_ROW:
                    raise RuntimeError(f"start {guide}: HTTP {status}: {str(body)[:300]}")
                continue
            question = last_question(replies_of(body))
            if question is None:
                raise RuntimeError(f"start {guide} asked no question: {texts(replies_of(body))[:300]}")
            continue
        payload = {**base, **answer_for(question)}
        started = time.perf_counter()
        status, body = await post(session, endpoint, payload)
        finished = time.perf_counter()
        if status // 100 != 2:
            load.errors += window.counts(finished)
            errors_in_a_row += 1
            if errors_in_a_row >= MAX_ERRORS_IN_A_ROW:
                raise RuntimeError(f"answer to {question.get('step')}: HTTP {status}: {str(body)[:300]}")
            question = None  # start afresh
            continue
        errors_in_a_row = 0
        if window.counts(finished):
            load.latencies.append(finished - started)
        replies = replies_of(body)
        asked = last_question(replies)
        same_step = same_step + 1 if asked and asked.get("step") == question.get("step") else 0
        if same_step >= STUCK:
            raise RuntimeError(f"answers to {question.get('step')} ({question.get('kind')}) refused: {texts(replies)}")
        question = asked  # None when the guide finished: start a new project


async def run_load(url: str, path: str, clients: int, guide: str, warmup: float, seconds: float) -> Load:
    load = Load()
    connector = aiohttp.TCPConnector(limit=clients)
    timeout = aiohttp.ClientTimeout(total=60)
    async with aiohttp.ClientSession(connector=connector, timeout=timeout) as session:
        now = time.perf_counter()
        window = Window(now + warmup, now + warmup + seconds)
        async with asyncio.TaskGroup() as tasks:
            for n in range(1, clients + 1):
                tasks.create_task(client(session, f"{url}{path}", n, guide, window, load))
    return load


# --- one row -------------------------------------------------------------------------------


@dataclass
class Row:
    database: str
    clients: int | None
    who: str
    rate: float | None = None
    p50: float | None = None
    p99: float | None = None
    errors: int = 0
    note: str = ""


def percentile(sorted_values: list[float], q: float) -> float:
    """Nearest rank."""
    return sorted_values[max(0, math.ceil(q * len(sorted_values)) - 1)]


def summarise(database: str, clients: int, who: str, load: Load, seconds: float) -> Row:
    values = sorted(load.latencies)
    if not values:
        return Row(database, clients, who, 0.0, errors=load.errors, note="no answer finished in the window")
    return Row(
        database,
        clients,
        who,
        rate=len(values) / seconds,
        p50=percentile(values, 0.50) * 1000,
        p99=percentile(values, 0.99) * 1000,
        errors=load.errors,
    )


@dataclass
class Settings:
    guide: str
    warmup: float
    seconds: float
    path: str
    path_note: str = ""
    path_checked: bool = False


async def resolve_path(url: str, settings: Settings) -> None:
    """Use --path, or /api/turn when --path answers 404 (the chat not yet moved under /chat)."""
    if settings.path_checked:
        return
    payload = {"conversation": "bench-probe", "user": "Bench", "lang": "da", "command": "help"}
    async with aiohttp.ClientSession() as session, session.post(f"{url}{settings.path}", json=payload) as response:
        if response.status == 404 and settings.path != FALLBACK_PATH:
            settings.path_note = f"POST {settings.path} answered 404, fell back to {FALLBACK_PATH}"
            print(f"  {settings.path_note}", file=sys.stderr)
            settings.path = FALLBACK_PATH
    settings.path_checked = True


def failure(error: Exception) -> str:
    """Why a row's run failed, in words: every reason when a task group failed."""
    if isinstance(error, ExceptionGroup):
        return "; ".join(sorted({str(e) or repr(e) for e in error.exceptions}))
    return str(error) or repr(error)


async def measure(
    database: str,
    clients: int,
    who: str,
    start: Callable[[], Process],
    settings: Settings,
) -> Row:
    print(f"{database} {clients} clients {who}: ...", file=sys.stderr, flush=True)
    try:
        async with serving(start) as server:
            if who == "coach":
                await resolve_path(server.url, settings)
            load = await run_load(server.url, settings.path, clients, settings.guide, settings.warmup, settings.seconds)
        return summarise(database, clients, who, load, settings.seconds)
    except Exception as error:  # noqa: BLE001 - a failed row is reported, the others still run
        reason = failure(error)
        print(f"  failed: {reason}", file=sys.stderr)
        return Row(database, clients, who, note=f"failed: {reason.splitlines()[0][:200]}")


async def bench_database(
    database: str, url: str, env: dict[str, str], clients: list[int], settings: Settings, tmp: Path
) -> list[Row]:
    rows: list[Row] = []
    logs = tmp / "logs"
    logs.mkdir(exist_ok=True)
    for count in clients:

        def coach(count: int = count) -> Process:
            args = ["-m", "bot.cli", "serve"]
            return spawn(args, env, logs / f"{database}-{count}-coach.log", tmp)

        def bare(count: int = count) -> Process:
            args = [str(Path(__file__).resolve()), "--bare-server", "--url", url]
            return spawn(args, env, logs / f"{database}-{count}-bare.log", tmp)

        rows.append(await measure(database, count, "coach", coach, settings))
        rows.append(await measure(database, count, "bare", bare, settings))
    return rows


def coach_env(data_dir: Path, url: str) -> dict[str, str]:
    # The database URL is given explicitly so no config.toml or environment can redirect it.
    return {
        "OUTREACH_COACH_DATA_DIR": str(data_dir),
        "OUTREACH_COACH_DATABASE_URL": url,
        "OUTREACH_COACH_ACCESS_TOKEN": "",
        "OUTREACH_COACH_CONFIG": os.devnull,
    }


async def bench_sqlite(clients: list[int], settings: Settings, tmp: Path) -> list[Row]:
    data_dir = tmp / "sqlite"
    data_dir.mkdir()
    url = f"sqlite:///{data_dir / 'outreach-coach.sqlite3'}"
    return await bench_database("SQLite", url, coach_env(data_dir, url), clients, settings, tmp)


async def bench_postgres(admin_url: str, clients: list[int], settings: Settings, tmp: Path) -> list[Row]:
    name = f"bench_turns_{uuid.uuid4().hex[:8]}"
    shown = make_url(admin_url).render_as_string(hide_password=True)
    admin = create_async_engine(async_url(admin_url), isolation_level="AUTOCOMMIT")
    try:
        try:
            async with asyncio.timeout(10), admin.connect() as connection:
                await connection.execute(text(f'create database "{name}"'))
        except Exception as error:  # noqa: BLE001 - any failure means "skipped"
            return [Row("PostgreSQL", None, "-", note=f"skipped: {shown} not usable: {error!r}"[:300])]
        try:
            url = make_url(admin_url).set(database=name).render_as_string(hide_password=False)
            data_dir = tmp / "postgres"
            data_dir.mkdir()
            return await bench_database("PostgreSQL", url, coach_env(data_dir, url), clients, settings, tmp)
        finally:
            async with admin.connect() as connection:
                await connection.execute(text(f'drop database if exists "{name}" with (force)'))
    finally:
        await admin.dispose()


# --- the table -----------------------------------------------------------------------------


def fmt(value: float | None, spec: str) -> str:
    return "-" if value is None else format(value, spec)


def cpus() -> str:
    """The machine's CPUs, and how many this process may use when that is fewer."""
    count = os.cpu_count()
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else count
    return f"CPUs: {count}" + (f" ({usable} usable)" if usable != count else "")


def print_table(rows: list[Row], settings: Settings, clients: list[int]) -> None:
    bare = {(r.database, r.clients): r.rate for r in rows if r.who == "bare"}
    print(cpus())
    print(
        f"guide {settings.guide}, endpoint POST {settings.path}, clients {','.join(map(str, clients))}, "
        f"warm-up {settings.warmup:g} s, measured {settings.seconds:g} s per row"
    )
    if settings.path_note:
        print(f"note: {settings.path_note}")
    header = f"{'database':<11} {'clients':>7}  {'who':<5} {'answers/s':>10} {'p50 ms':>8} {'p99 ms':>8} {'vs bare':>8}"
    print(header + f" {'errors':>6}")
    print("-" * (len(header) + 7))
    for row in rows:
        if row.clients is None:
            print(f"{row.database:<11} {'-':>7}  {row.who:<5} {row.note}")
            continue
        ratio = "-"
        base = bare.get((row.database, row.clients))
        if row.who == "coach" and row.rate is not None and base:
            ratio = f"{row.rate / base:.2f}x"
        line = (
            f"{row.database:<11} {row.clients:>7}  {row.who:<5} {fmt(row.rate, '10,.0f'):>10} "
            f"{fmt(row.p50, '8.1f'):>8} {fmt(row.p99, '8.1f'):>8} {ratio:>8} {row.errors:>6}"
        )
        print(line + (f"  {row.note}" if row.note else ""))
    print(GOAL)


# --- main ----------------------------------------------------------------------------------


def parse_clients(value: str) -> list[int]:
    try:
        counts = [int(part) for part in value.split(",") if part.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a comma-separated list of numbers: {value!r}") from None
    if not counts or min(counts) < 1:
        raise argparse.ArgumentTypeError("clients must be positive")
    return counts


async def main(args: argparse.Namespace) -> None:
    settings = Settings(args.guide, args.warmup, args.seconds, args.path)
    rows: list[Row] = []
    with tempfile.TemporaryDirectory(prefix="bench-turns-") as tmp:
        if args.only in (None, "sqlite"):
            rows += await bench_sqlite(args.clients, settings, Path(tmp))
        if args.only in (None, "postgres"):
            rows += await bench_postgres(args.postgres, args.clients, settings, Path(tmp))
    print_table(rows, settings, args.clients)


def add_load_options(parser: argparse.ArgumentParser) -> None:
    """The options every load bench takes: how long it warms up and measures, and PostgreSQL."""
    parser.add_argument("--seconds", type=float, default=5.0, help="measured seconds per row (default 5)")
    parser.add_argument("--warmup", type=float, default=1.0, help="warm-up seconds per row (default 1)")
    parser.add_argument("--postgres", default="postgresql://postgres@127.0.0.1:5432/test")


def cli() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--clients", type=parse_clients, default=[1, 16, 64], help="default 1,16,64")
    add_load_options(parser)
    parser.add_argument("--only", choices=["sqlite", "postgres"])
    parser.add_argument("--guide", default="kommer-forbi")
    parser.add_argument("--path", default=DEFAULT_PATH, help=f"turn endpoint (default {DEFAULT_PATH})")
    parser.add_argument("--bare-server", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.bare_server:
        if not (args.port and args.url):
            parser.error("--bare-server needs --port and --url")
        serve_bare(args.port, args.url)
        return
    try:
        asyncio.run(main(args))
    except KeyboardInterrupt:
        sys.exit(130)  # the servers are stopped and the temporary data is gone by now


if __name__ == "__main__":
    cli()
