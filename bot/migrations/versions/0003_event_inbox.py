"""The event inbox: each Slack event written before it is acknowledged, and claimed by one replica."""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"


def upgrade() -> None:
    op.create_table(
        "events",
        sa.Column("key", sa.Text, primary_key=True),  # Slack's event_id
        sa.Column("body", sa.Text),  # the delivery, kept until it is answered (then NULL)
        sa.Column("state", sa.Text, nullable=False),  # pending, running, failed, done, expired
        sa.Column("received", sa.Float, nullable=False),  # unix time
        sa.Column("due", sa.Float, nullable=False),  # running: lease end; pending/failed: next try
        sa.Column("attempts", sa.Integer, nullable=False, server_default="0"),
    )
    op.create_index("events_state_due", "events", ["state", "due"])
    op.create_index("events_received", "events", ["received"])
