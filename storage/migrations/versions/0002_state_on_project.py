"""the project row holds its answers; conversations remember address and language; processed events

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25

A plain answer used to read and write a row in ``answers`` beside the project row. The
answers now live in the project row itself (one read, one versioned write per answer;
``answer_history`` keeps every change), and the position no longer repeats the
``finished`` flag or a ``trail``: where a team stands is derived from the answers.
"""

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

projects = sa.table(
    "projects",
    sa.column("id", sa.Integer),
    sa.column("answers", sa.JSON),
    sa.column("position", sa.JSON),
)
answers = sa.table(
    "answers",
    sa.column("project_id", sa.Integer),
    sa.column("step_id", sa.String),
    sa.column("value", sa.JSON),
)


def _new_position(position: dict[str, Any] | None) -> dict[str, Any]:
    return {"focus": None, "skipped": sorted((position or {}).get("skipped", []))}


def upgrade() -> None:
    with op.batch_alter_table("conversations") as batch:
        batch.add_column(sa.Column("address", sa.JSON(), nullable=True))
        batch.add_column(sa.Column("lang", sa.String(length=8), nullable=False, server_default="da"))
    with op.batch_alter_table("projects") as batch:
        batch.add_column(sa.Column("answers", sa.JSON(), nullable=False, server_default="{}"))

    connection = op.get_bind()
    collected: dict[int, dict[str, Any]] = {}
    for project_id, step_id, value in connection.execute(
        sa.select(answers.c.project_id, answers.c.step_id, answers.c.value)
    ):
        collected.setdefault(project_id, {})[step_id] = value
    for project_id, position in connection.execute(sa.select(projects.c.id, projects.c.position)).all():
        connection.execute(
            projects.update()
            .where(projects.c.id == project_id)
            .values(answers=collected.get(project_id, {}), position=_new_position(position))
        )
    with op.batch_alter_table("projects") as batch:
        batch.alter_column("answers", server_default=None)
    with op.batch_alter_table("conversations") as batch:
        batch.alter_column("lang", server_default=None)

    with op.batch_alter_table("answers") as batch:
        batch.drop_index(batch.f("ix_answers_workspace_id"))
    op.drop_table("answers")

    op.create_table(
        "processed_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.String(length=255), nullable=False),
        sa.Column("replies", sa.JSON(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["workspace_id"], ["workspaces.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("workspace_id", "event_id"),
    )


def downgrade() -> None:
    op.drop_table("processed_events")
    op.create_table(
        "answers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("step_id", sa.String(length=64), nullable=False),
        sa.Column("value", sa.JSON(), nullable=False),
        sa.Column("author", sa.String(length=255), nullable=False),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["project_id"], ["projects.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["workspace_id"], ["workspaces.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("project_id", "step_id"),
    )
    with op.batch_alter_table("answers") as batch:
        batch.create_index(batch.f("ix_answers_workspace_id"), ["workspace_id"], unique=False)
    # Put the answers back in rows of their own; who answered each one is in the history.
    connection = op.get_bind()
    full = sa.table(
        "projects",
        sa.column("id", sa.Integer),
        sa.column("workspace_id", sa.Integer),
        sa.column("owner", sa.String),
        sa.column("answers", sa.JSON),
        sa.column("updated_at", sa.DateTime(timezone=True)),
    )
    rows = [
        {"workspace_id": ws, "project_id": pid, "step_id": step, "value": value, "author": owner, "answered_at": at}
        for pid, ws, owner, saved, at in connection.execute(sa.select(full)).all()
        for step, value in (saved or {}).items()
    ]
    if rows:
        target = sa.table(
            "answers",
            sa.column("workspace_id", sa.Integer),
            sa.column("project_id", sa.Integer),
            sa.column("step_id", sa.String),
            sa.column("value", sa.JSON),
            sa.column("author", sa.String),
            sa.column("answered_at", sa.DateTime(timezone=True)),
        )
        connection.execute(target.insert(), rows)
    with op.batch_alter_table("projects") as batch:
        batch.drop_column("answers")
    with op.batch_alter_table("conversations") as batch:
        batch.drop_column("lang")
        batch.drop_column("address")
