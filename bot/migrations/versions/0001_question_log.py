"""The question log: questions, feedback and handoffs (the schema SQLite files had before Alembic)."""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None


def upgrade() -> None:
    op.create_table(
        "questions",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("at", sa.Float, nullable=False),  # unix time
        sa.Column("surface", sa.Text, nullable=False),  # dm, mention, command, chat ...
        sa.Column("user_hash", sa.Text),  # keyed hash of the user id; NULL when unknown or no key is set
        sa.Column("posting", sa.Text, nullable=False),
        sa.Column("question", sa.Text, nullable=False),
        sa.Column("intents", sa.Text, nullable=False),  # JSON list of the intents answered
        sa.Column("missing", sa.Text, nullable=False),  # JSON list of answered intents the posting lacks
        sa.Column("top_intent", sa.Text),
        sa.Column("confidence", sa.Float, nullable=False),
        sa.Column("outcome", sa.Text, nullable=False),
    )
    op.create_index("questions_at", "questions", ["at"])
    op.create_table(
        "feedback",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("at", sa.Float, nullable=False),
        sa.Column("user_hash", sa.Text),
        sa.Column("posting", sa.Text, nullable=False),
        sa.Column("intent", sa.Text, nullable=False),
        sa.Column("helpful", sa.Integer, nullable=False),
    )
    op.create_index("feedback_at", "feedback", ["at"])
    op.create_table(
        "handoffs",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("at", sa.Float, nullable=False),
        sa.Column("user_hash", sa.Text),
        sa.Column("posting", sa.Text, nullable=False),
        sa.Column("notified", sa.Integer, nullable=False),  # 1: recruiters alerted; 0: told how to reach them
    )
    op.create_index("handoffs_at", "handoffs", ["at"])
