"""find a reminder by the message it was posted as

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-05

A reply in a thread is a note when the thread is a reminder's message (a debrief). In a
Teams channel every post is a thread, so each message written in one asks which reminder,
if any, its post was: an index on the workspace, conversation and message id answers that
without reading every reminder.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_nudges_message", "nudges", ["workspace_id", "conversation", "message_id"])


def downgrade() -> None:
    op.drop_index("ix_nudges_message", table_name="nudges")
