"""press release newest-first index

Revision ID: b8c4e1a7d230
Revises: d5f1b8e3a620
Create Date: 2026-12-04 01:30:00.000000

Issue 18: the public press lists (HTML and API) order releases newest first; with 133,000
releases each page sorted them all (250 ms on SQLite, 145 ms on PostgreSQL). An index in
that order lets a page walk the newest releases and stop. SQLite accepts no NULLS LAST
in an index; its DESC already sorts NULLs last.

"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "b8c4e1a7d230"
down_revision = "d5f1b8e3a620"
branch_labels = None
depends_on = None

NAME = "ix_press_release_newest"


def upgrade():
    nulls_last = " NULLS LAST" if op.get_bind().dialect.name == "postgresql" else ""
    op.execute(
        f"CREATE INDEX {NAME} ON press_release (published_date DESC{nulls_last}, "
        f"published_at DESC{nulls_last}, id DESC)"
    )
    op.execute("ANALYZE press_release")


def downgrade():
    op.drop_index(NAME, table_name="press_release")
