"""How fast the coach moves: pure engine transitions, and answer-to-commit through the
whole coach on SQLite and PostgreSQL, each beside a bare baseline measured in the same run.

    .venv/bin/python bench/engine.py [--seconds 3] [--postgres URL]

Prints figures; asserts nothing. The baselines say what the machine gives for free: a
loop of dictionary copies for the engine, and one bare INSERT + COMMIT per transaction
for the databases.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
import uuid
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import text  # noqa: E402

from bot.coach import Coach  # noqa: E402
from bot.replies import Actor, Turn  # noqa: E402
from flows import engine  # noqa: E402
from flows.loader import load_guides  # noqa: E402
from storage.db import Database  # noqa: E402
from tests.guide_paths import SKIP, covering_paths  # noqa: E402

GUIDES = load_guides()
PATHS = [p for g in GUIDES.values() for p in covering_paths(g)]
TODAY = date(2026, 11, 23)


def per_second(count: int, seconds: float) -> str:
    return f"{count / seconds:>12,.0f}/s"


def bench_engine(seconds: float) -> None:
    transitions = 0
    started = time.perf_counter()
    while time.perf_counter() - started < seconds:
        for path in PATHS:
            guide = GUIDES[path.guide]
            state = engine.FlowState(answers={})
            for _, value in path.moves:
                event = engine.Skip() if value is SKIP else engine.Answer(value, TODAY)
                state, _ = engine.advance(guide, state, event)
                transitions += 1
    engine_time = time.perf_counter() - started

    copies = 0
    started = time.perf_counter()
    answers: dict[str, object] = {}
    while time.perf_counter() - started < seconds:
        for n in range(1000):
            answers = {**answers, str(n % 40): n}
        copies += 1000
    baseline_time = time.perf_counter() - started
    print(
        f"engine transitions        {per_second(transitions, engine_time)}  ({transitions:,} over {len(PATHS)} paths)"
    )
    print(f"  baseline dict copies    {per_second(copies, baseline_time)}")


async def bench_database(name: str, db: Database, seconds: float) -> None:
    coach = Coach(db, GUIDES, clock=lambda: datetime(2026, 11, 23, 9, tzinfo=UTC))
    path = max(PATHS, key=lambda p: len(p.moves))
    base = Turn(platform="bench", workspace=f"w-{uuid.uuid4().hex[:6]}", conversation="c", actor=Actor("b", "bench"))
    commits = 0
    started = time.perf_counter()
    while time.perf_counter() - started < seconds:
        await coach.handle(replace(base, command=f"start {path.guide}"))
        for _, value in path.moves:
            if value is SKIP:
                turn = replace(base, command="skip")
            else:
                turn = replace(base, text="\n".join(value) if isinstance(value, list) else str(value))
            await coach.handle(turn)
            commits += 1
            if time.perf_counter() - started >= seconds:
                break
    coach_time = time.perf_counter() - started

    async with db.engine.begin() as connection:
        await connection.execute(text("create table if not exists bench_bare (v text)"))
    bare = 0
    started = time.perf_counter()
    while time.perf_counter() - started < seconds:
        async with db.engine.begin() as connection:
            await connection.execute(text("insert into bench_bare (v) values (:v)"), {"v": "x"})
        bare += 1
    bare_time = time.perf_counter() - started
    print(f"answer-to-commit {name:9}{per_second(commits, coach_time)}  (whole coach: load, engine, save, commit)")
    print(f"  baseline bare commit    {per_second(bare, bare_time)}")


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=3.0)
    parser.add_argument("--postgres", default="postgresql+asyncpg://postgres@127.0.0.1:5432/test")
    args = parser.parse_args()

    bench_engine(args.seconds)
    with tempfile.TemporaryDirectory() as tmp:
        db = Database(f"sqlite+aiosqlite:///{tmp}/bench.sqlite3")
        await db.upgrade()
        await bench_database("SQLite", db, args.seconds)
        await db.dispose()

    schema = f"bench_{uuid.uuid4().hex[:8]}"
    admin = Database(args.postgres)
    try:
        async with admin.engine.begin() as connection:
            await connection.execute(text(f'create schema "{schema}"'))
    except Exception as error:  # noqa: BLE001
        print(f"answer-to-commit PostgreSQL: skipped ({error!r})")
        await admin.dispose()
        return
    db = Database(args.postgres, connect_args={"server_settings": {"search_path": schema}})
    try:
        await db.upgrade()
        await bench_database("PostgreSQL", db, args.seconds)
    finally:
        await db.dispose()
        async with admin.engine.begin() as connection:
            await connection.execute(text(f'drop schema "{schema}" cascade'))
        await admin.dispose()


if __name__ == "__main__":
    asyncio.run(main())
