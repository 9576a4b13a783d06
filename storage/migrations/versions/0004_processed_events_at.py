"""processed events are looked up by age, to forget the old ones

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-25

Every Slack command, click and event leaves a processed-event row (a redelivery is
answered from it). Rows older than a week are deleted hourly; the index on ``at`` lets
that find them without reading the table.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("processed_events") as batch:
        batch.create_index(batch.f("ix_processed_events_at"), ["at"])


def downgrade() -> None:
    with op.batch_alter_table("processed_events") as batch:
        batch.drop_index(batch.f("ix_processed_events_at"))
