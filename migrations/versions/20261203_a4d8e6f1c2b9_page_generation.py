"""page generation

Revision ID: a4d8e6f1c2b9
Revises: f3b9a2c6d871
Create Date: 2026-12-03 12:10:00.000000

Issue 18, goal 3: calendar_state.page_generation moves at the commit of a write to the
tables a public meeting page shows besides the feed tables (press releases, quotes,
snapshots, coverage, corrections, the change log). Pages kept between writes
(tracker/page_cache.py) key on it and on the feed generation.

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "a4d8e6f1c2b9"
down_revision = "f3b9a2c6d871"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column(
        "calendar_state",
        sa.Column("page_generation", sa.BigInteger(), nullable=False, server_default="0"),
    )


def downgrade():
    with op.batch_alter_table("calendar_state") as batch:
        batch.drop_column("page_generation")
