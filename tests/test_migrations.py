"""Migrations take an empty database to head, and the models match the migrations."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from storage.db import Database
from storage.models import Base


async def test_an_empty_database_is_migrated_to_head_and_matches_the_models(db: Database) -> None:
    # the fixture ran the migrations on an empty database; running them again is a no-op
    await db.upgrade()
    async with db.engine.connect() as connection:
        tables = await connection.run_sync(lambda c: set(inspect(c).get_table_names()))
        differences = await connection.run_sync(
            lambda c: compare_metadata(MigrationContext.configure(c), Base.metadata)
        )
        head = await connection.run_sync(lambda c: MigrationContext.configure(c).get_current_revision())
    assert {
        "workspaces",
        "conversations",
        "projects",
        "answer_history",
        "nudges",
        "audit_events",
        "processed_events",
    } <= tables
    assert "answers" not in tables  # answers live in the project row since 0002
    assert head is not None
    assert differences == [], "the models changed without a migration: run alembic revision --autogenerate"
