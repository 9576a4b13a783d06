"""a conversation the bot can no longer reach is marked inactive

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-05

When a platform refuses a reminder because the conversation is gone (deleted, archived,
the bot removed), the conversation is marked inactive with the platform's reason: its
later reminders fail at once instead of asking the platform again for each. The next
turn from the conversation makes it active again. Every existing conversation is active.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("conversations") as batch:
        batch.add_column(sa.Column("active", sa.Boolean(), nullable=False, server_default=sa.true()))
        batch.add_column(sa.Column("inactive_reason", sa.String(length=500), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("conversations") as batch:
        batch.drop_column("inactive_reason")
        batch.drop_column("active")
