"""forum seats and partner pairs

Revision ID: f3b9a2c6d871
Revises: e5a0c4b7d913
Create Date: 2026-12-03 12:00:00.000000

Issue 18, goal 3: the rankings read everything they show from kept rows on the first
request after a write. body_tally.seat marks a statutory member of the meeting's
province's Forkopimda (decided at tally time, tracker/rankings/seats.py); body_total
sums its absences and representations there; body_pair_total counts the meetings each
two bodies both attended (tracker/rankings/pairs.py). The covering index gains seat and
the partial index of flagged rows, which only the old per-request query read, goes.
The new columns and table are filled here by the same code that keeps them at commit.

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "f3b9a2c6d871"
down_revision = "e5a0c4b7d913"
branch_labels = None
depends_on = None

FLAGS = (
    "attended",
    "chair",
    "host",
    "speaker",
    "attendee",
    "present",
    "represented",
    "unknown",
    "absent",
)
FLAGGED = "(counted AND forum = 1 AND (absent = 1 OR represented = 1))"


def upgrade():
    op.add_column(
        "body_tally", sa.Column("seat", sa.SmallInteger(), nullable=False, server_default="0")
    )
    op.drop_index("ix_body_tally_forum_flagged", table_name="body_tally")
    op.drop_index("ix_body_tally_counted_agency", table_name="body_tally")
    op.create_index(
        "ix_body_tally_counted_agency", "body_tally", ["counted", "agency_id", *FLAGS, "seat"]
    )
    for name in ("forum_absent", "forum_represented"):
        op.add_column(
            "body_total", sa.Column(name, sa.Integer(), nullable=False, server_default="0")
        )
    op.create_table(
        "body_pair_total",
        sa.Column("agency_id", sa.Integer(), nullable=False),
        sa.Column("partner_id", sa.Integer(), nullable=False),
        sa.Column("meetings", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["agency_id"],
            ["agency.id"],
            name=op.f("fk_body_pair_total_agency_id_agency"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["partner_id"],
            ["agency.id"],
            name=op.f("fk_body_pair_total_partner_id_agency"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("agency_id", "partner_id", name=op.f("pk_body_pair_total")),
    )
    _fill(op.get_bind())


def _fill(bind):
    # The code that keeps these rows at commit fills them once from what is recorded.
    from tracker.rankings import pairs, seats, tally

    seats.mark(bind, None)
    bind.execute(sa.text("DELETE FROM body_total"))
    bind.execute(tally.totals(sa.select()))
    pairs.rebuild(bind)
    # The covering index is new: without statistics SQLite's planner passes it over.
    for table in ("body_tally", "body_total", "body_pair_total"):
        bind.execute(sa.text(f"ANALYZE {table}"))


def downgrade():
    op.drop_table("body_pair_total")
    for name in ("forum_represented", "forum_absent"):
        with op.batch_alter_table("body_total") as batch:
            batch.drop_column(name)
    op.drop_index("ix_body_tally_counted_agency", table_name="body_tally")
    with op.batch_alter_table("body_tally") as batch:
        batch.drop_column("seat")
    op.create_index("ix_body_tally_counted_agency", "body_tally", ["counted", "agency_id", *FLAGS])
    op.create_index(
        "ix_body_tally_forum_flagged",
        "body_tally",
        ["meeting_id", "agency_id"],
        sqlite_where=sa.text(FLAGGED),
        postgresql_where=sa.text(FLAGGED),
    )
