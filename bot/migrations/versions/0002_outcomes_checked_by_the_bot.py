"""Quoted replies: a `quotes` column, and outcomes checked by the bot rather than an SQL CHECK, so a new
outcome needs no table rebuild.

Only SQLite files made before Alembic carry a CHECK; batch mode rebuilds the table without it. Such a file
at PRAGMA user_version 2 already has `quotes` (it is adopted at 0001 and rebuilt here all the same).
"""

import warnings

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"


def upgrade() -> None:
    has_quotes = "quotes" in {c["name"] for c in sa.inspect(op.get_bind()).get_columns("questions")}
    quotes = sa.Column("quotes", sa.Text, nullable=False, server_default="[]")  # lines quoted, as JSON
    if op.get_bind().dialect.name != "sqlite":
        if not has_quotes:
            op.add_column("questions", quotes)
        return
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", "Unnamed CHECK constraint")  # dropping it is the point
        with op.batch_alter_table("questions", recreate="always") as batch:
            if not has_quotes:
                batch.add_column(quotes)
