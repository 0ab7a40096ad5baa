"""Questions name the Slack event they answered, so a redelivered event is logged once."""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"


def upgrade() -> None:
    op.add_column("questions", sa.Column("event_id", sa.Text))
    op.create_index("questions_event_id", "questions", ["event_id"], unique=True)  # NULLs never clash
