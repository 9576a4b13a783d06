"""working hours per workspace; the outbox records delivery; a journal and debrief threads

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25

Reminders are now delivered: a row keeps when it was sent, the channel's id of the
message (a debrief's replies arrive in its thread), the last error, and the person a
task reminder is for. The journal holds the logbook's free entries, debrief replies and
follow-up tasks; a debrief row ties a thread to its project.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("workspaces") as batch:
        batch.add_column(sa.Column("work_days", sa.String(length=7), nullable=False, server_default="12345"))
        batch.add_column(sa.Column("work_start", sa.String(length=5), nullable=False, server_default="09:00"))
        batch.add_column(sa.Column("work_end", sa.String(length=5), nullable=False, server_default="15:00"))
    with op.batch_alter_table("nudges") as batch:
        batch.add_column(sa.Column("recipient", sa.String(length=255), nullable=True))
        batch.add_column(sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("message_id", sa.String(length=255), nullable=True))
        batch.add_column(sa.Column("last_error", sa.String(length=500), nullable=True))
    op.create_table(
        "journal",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("step", sa.String(length=64), nullable=True),
        sa.Column("message_id", sa.String(length=255), nullable=True),
        sa.Column("author", sa.String(length=255), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("data", sa.JSON(), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("edited_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["project_id"], ["projects.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["workspace_id"], ["workspaces.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("workspace_id", "message_id"),
    )
    with op.batch_alter_table("journal") as batch:
        batch.create_index("ix_journal_project", ["project_id", "at"], unique=False)
        batch.create_index(batch.f("ix_journal_workspace_id"), ["workspace_id"], unique=False)
    op.create_table(
        "debriefs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("step", sa.String(length=64), nullable=False),
        sa.Column("conversation", sa.String(length=255), nullable=False),
        sa.Column("thread", sa.String(length=255), nullable=True),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["project_id"], ["projects.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["workspace_id"], ["workspaces.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("project_id", "step"),
    )
    with op.batch_alter_table("debriefs") as batch:
        batch.create_index("ix_debriefs_thread", ["workspace_id", "conversation", "thread"], unique=False)


def downgrade() -> None:
    op.drop_table("debriefs")
    op.drop_table("journal")
    with op.batch_alter_table("nudges") as batch:
        for column in ("last_error", "message_id", "sent_at", "recipient"):
            batch.drop_column(column)
    with op.batch_alter_table("workspaces") as batch:
        for column in ("work_end", "work_start", "work_days"):
            batch.drop_column(column)
