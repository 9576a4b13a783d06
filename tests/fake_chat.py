"""A fake chat platform for the outbox's tests and benchmark: its HTTP API, a channel that
posts to it, reminders seeded straight into the database, and a worker process.

:class:`FakeChat` is an aiohttp server that records every message it accepts, in order,
with a running number. Switches make it behave like a real platform on a bad day: a rate
limit per conversation (429 with ``Retry-After``), a number of 5xx answers, conversations
that are gone (404 ``channel_not_found``), and holding requests until released.

``python -m tests.fake_chat worker --database URL --chat URL`` runs the real worker loop
(:func:`bot.worker.run_until_stopped`) with a :class:`FakeChatChannel`, for the tests
that kill worker processes and for ``bench/reminders.py``.
"""

from __future__ import annotations

import argparse
import asyncio
import math
import os
import re
import sys
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Any

import aiohttp
from aiohttp import web
from sqlalchemy import insert

from bot.delivery import Failed, Result, RetryAfter, Sent, Target
from bot.replies import ActionsReply, Reply, TextReply
from storage.db import Database
from storage.models import Conversation, NudgeRow, Project, Workspace

PLATFORM = "fake"
ROOT = Path(__file__).resolve().parents[1]
MARK = re.compile(r"\[n(\d+)\]")


@dataclass(frozen=True)
class Posted:
    number: int  # the platform's running count: 1, 2, 3 ...
    conversation: str
    text: str
    at: float  # time.monotonic() when accepted

    @property
    def marks(self) -> list[int]:
        """The seeded reminders' numbers in the text (:func:`seed_reminders` writes ``[n<i>]``)."""
        return [int(found) for found in MARK.findall(self.text)]


@dataclass
class FakeChat:
    """The fake platform's state and switches; :meth:`start` serves it on a free port."""

    rate: float | None = None  # messages per second per conversation; beyond: 429
    fail_next: int = 0  # answer this many requests with 503
    gone: set[str] = field(default_factory=set)  # conversations that answer 404 channel_not_found
    holding: bool = False  # requests wait until release()
    posted: list[Posted] = field(default_factory=list)
    rate_limited: int = 0  # 429s answered
    arrived: asyncio.Event = field(default_factory=asyncio.Event)  # a request came in
    _released: asyncio.Event = field(default_factory=asyncio.Event)
    _last: dict[str, float] = field(default_factory=dict)
    _runner: web.AppRunner | None = None
    url: str = ""

    async def start(self) -> str:
        app = web.Application()
        app.router.add_post("/api/post", self._post)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self.url = f"http://127.0.0.1:{port}"
        return self.url

    async def stop(self) -> None:
        self.release()
        if self._runner:
            await self._runner.cleanup()

    def release(self) -> None:
        self.holding = False
        self._released.set()

    def copies(self) -> Counter[int]:
        """How many times each seeded reminder arrived."""
        return Counter(mark for message in self.posted for mark in message.marks)

    def by_conversation(self) -> dict[str, list[Posted]]:
        found: dict[str, list[Posted]] = defaultdict(list)
        for message in self.posted:
            found[message.conversation].append(message)
        return found

    async def _post(self, request: web.Request) -> web.Response:
        body = await request.json()
        conversation, text = body["conversation"], body["text"]
        self.arrived.set()
        if self.holding:
            self._released.clear()
            await self._released.wait()
        if conversation in self.gone:
            return web.json_response({"ok": False, "error": "channel_not_found"}, status=404)
        if self.fail_next > 0:
            self.fail_next -= 1
            return web.json_response({"ok": False, "error": "internal_error"}, status=503)
        now = time.monotonic()
        if self.rate is not None:
            wait = self._last.get(conversation, -math.inf) + 1 / self.rate - now
            if wait > 0:
                self.rate_limited += 1
                headers = {"Retry-After": f"{wait:.3f}"}
                return web.json_response({"ok": False, "error": "ratelimited"}, status=429, headers=headers)
            self._last[conversation] = now
        message = Posted(len(self.posted) + 1, conversation, text, now)
        self.posted.append(message)
        return web.json_response({"ok": True, "ts": str(message.number)})


class FakeChatChannel:
    """The :class:`bot.delivery.Channel` of the fake platform, over HTTP like a real one."""

    platform = PLATFORM

    def __init__(self, base_url: str, timeout: float = 10.0) -> None:
        self.base_url = base_url
        self.timeout = aiohttp.ClientTimeout(total=timeout)
        self._session: aiohttp.ClientSession | None = None

    async def deliver(self, target: Target, replies: list[Reply]) -> Result:
        if self._session is None:
            self._session = aiohttp.ClientSession(timeout=self.timeout)
        text = "\n".join(reply.text.plain() for reply in replies if isinstance(reply, TextReply | ActionsReply))
        body = {"conversation": target.conversation, "thread": target.thread, "text": text}
        try:
            async with self._session.post(f"{self.base_url}/api/post", json=body) as response:
                answer: dict[str, Any] = await response.json(content_type=None)
                status = response.status
                retry_after = response.headers.get("Retry-After")
        except (aiohttp.ClientError, TimeoutError) as error:
            return RetryAfter(f"fake chat unreachable: {type(error).__name__}")
        if status == 200:
            return Sent(answer.get("ts"))
        if status == 429:
            return RetryAfter("rate limited", float(retry_after) if retry_after else None)
        if status in (403, 404):
            return Failed(str(answer.get("error", status)))
        return RetryAfter(f"fake chat answered {status}")

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()


# --- reminders seeded straight into the database -----------------------------------------------


async def seed_reminders(
    db: Database,
    conversations: int,
    per_conversation: int,
    due_at: datetime,
    *,
    payload: dict[str, Any] | None = None,
    lang: str = "da",
    spacing: timedelta = timedelta(seconds=1),
    platform: str = PLATFORM,
) -> list[int]:
    """One workspace of ``platform`` (the fake one unless said) with ``conversations``
    conversations, a project in each, and ``per_conversation`` reminders for each project,
    ``spacing`` apart from ``due_at``. Reminder ``i`` (counting from 0 in id order) says
    ``[n<i>]``. Returns the reminders' ids, in that order. Bulk inserts, so the benchmark's
    10,000 take a moment."""
    async with db.transaction() as session:
        workspace = (
            await session.execute(
                insert(Workspace).returning(Workspace.id),
                [{"platform": platform, "external_id": "team", "name": "Fake team"}],
            )
        ).scalar_one()
        names = [f"c{number}" for number in range(conversations)]
        conversation_ids = (
            await session.execute(
                insert(Conversation).returning(Conversation.id, sort_by_parameter_order=True),
                [{"workspace_id": workspace, "external_id": name, "name": name, "lang": lang} for name in names],
            )
        ).scalars()
        projects = (
            await session.execute(
                insert(Project).returning(Project.id, sort_by_parameter_order=True),
                [
                    {
                        "workspace_id": workspace,
                        "conversation_id": conversation_id,
                        "name": f"Projekt {name}",
                        "guide_id": "kommer-forbi",
                        "guide_version": 1,
                        "owner": "test",
                        "answers": {},
                        "position": {},
                        "version": 1,
                    }
                    for name, conversation_id in zip(names, list(conversation_ids), strict=True)
                ],
            )
        ).scalars()
        rows = []
        for name, project in zip(names, list(projects), strict=True):
            for step in range(per_conversation):
                number = len(rows)
                words = {"da": f"Husk det [n{number}]", "en": f"Remember [n{number}]"}
                rows.append(
                    {
                        "workspace_id": workspace,
                        "project_id": project,
                        "dedupe_key": f"{project}:seed-{step}",
                        "kind": "reminder",
                        "platform": platform,
                        "conversation": name,
                        "due_at": due_at + step * spacing,
                        "payload": payload or {"message": words},
                    }
                )
        inserted = await session.execute(insert(NudgeRow).returning(NudgeRow.id, sort_by_parameter_order=True), rows)
        return list(inserted.scalars())


# --- a worker process ------------------------------------------------------------------------


async def start_worker(
    database: str, chat: str, *options: str, schema: str | None = None, env: dict[str, str] | None = None
) -> asyncio.subprocess.Process:
    """A worker process delivering to the fake chat, once it said it is ready."""
    command = [sys.executable, "-m", "tests.fake_chat", "worker", "--database", database, "--chat", chat, *options]
    if schema:
        command += ["--schema", schema]
    process = await asyncio.create_subprocess_exec(
        *command,
        cwd=ROOT,
        env={**os.environ, **(env or {})},
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    await wait_for_line(process, "worker ready")
    return process


async def wait_for_line(process: asyncio.subprocess.Process, line: str, timeout: float = 30.0) -> None:
    """Read the process's output until ``line``; fail with what it printed if it never comes."""
    seen: list[str] = []
    assert process.stdout is not None
    async with asyncio.timeout(timeout):
        while True:
            raw = await process.stdout.readline()
            if not raw:
                raise RuntimeError(f"worker ended before {line!r}: {''.join(seen)}")
            seen.append(raw.decode())
            if raw.decode().strip() == line:
                return


async def stop_worker(process: asyncio.subprocess.Process) -> None:
    if process.returncode is None:
        process.terminate()
        await process.wait()


def _worker_main(args: argparse.Namespace) -> None:
    from bot.reminder_messages import compose
    from bot.worker import Deliverer, run_until_stopped, start_scheduler

    async def run() -> None:
        options: dict[str, Any] = {}
        if args.schema:
            options["connect_args"] = {"server_settings": {"search_path": args.schema}}
        db = Database(args.database, **options)
        channel = FakeChatChannel(args.chat)
        deliverer = Deliverer(
            db,
            {PLATFORM: channel},
            compose,
            lease=timedelta(seconds=args.lease),
            batch=args.batch,
            pace={PLATFORM: args.pace} if args.pace else None,
            poll_seconds=args.poll,
        )
        try:
            start = partial(start_scheduler, deliverer, args.poll)
            await run_until_stopped(deliverer, start, lambda: print("worker ready", flush=True))
        finally:
            await channel.close()
            await db.dispose()

    asyncio.run(run())


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m tests.fake_chat")
    commands = parser.add_subparsers(dest="command", required=True)
    worker = commands.add_parser("worker", help="deliver reminders to the fake chat until SIGTERM")
    worker.add_argument("--database", required=True)
    worker.add_argument("--schema", help="PostgreSQL schema (the tests' fresh schema)")
    worker.add_argument("--chat", required=True, help="the fake chat's base URL")
    worker.add_argument("--poll", type=float, default=0.1)
    worker.add_argument("--lease", type=float, default=120.0)
    worker.add_argument("--batch", type=int, default=200)
    worker.add_argument("--pace", type=float, default=0.0, help="seconds between messages to one conversation")
    _worker_main(parser.parse_args())


if __name__ == "__main__":
    main()
