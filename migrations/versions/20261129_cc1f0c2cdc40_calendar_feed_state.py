"""calendar feed state

Revision ID: cc1f0c2cdc40
Revises: 240fb6d8f562
Create Date: 2026-11-29

One counter row that moves whenever anything a calendar feed shows changes; feeds take
their ETags from it (tracker/calendar/state.py). Plain types and one INSERT, the same on
SQLite and PostgreSQL.
"""

import secrets
import time

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "cc1f0c2cdc40"
down_revision = "240fb6d8f562"
branch_labels = None
depends_on = None


def upgrade():
    state = op.create_table(
        "calendar_state",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("epoch", sa.String(length=32), nullable=False),
        sa.Column("generation", sa.BigInteger(), nullable=False),
        sa.Column("reference_generation", sa.BigInteger(), nullable=False),
        sa.Column("changed_at", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_calendar_state")),
    )
    # Existing data predates the counter: start it with a fresh epoch, so no cached feed
    # of another database can match.
    op.bulk_insert(
        state,
        [
            {
                "id": 1,
                "epoch": secrets.token_hex(16),
                "generation": 1,
                "reference_generation": 1,
                "changed_at": int(time.time()),
            }
        ],
    )


def downgrade():
    op.drop_table("calendar_state")
