"""tally province, month and cancelled meetings

Revision ID: c7e2a9d4b15f
Revises: a4d8e6f1c2b9
Create Date: 2026-12-03 15:00:00.000000

Issue 18, goal 3: body_tally gains each meeting's province, its local month and whether
it is a public meeting that was cancelled, so a province's ranking, an agency page's
months and the meeting list's agency menu read index ranges instead of joining every
meeting on the first request after a write. Filled here in plain SQL by the rules
tracker/rankings/rows.py keeps at commit. Meetings gain an index by region and start,
so a region's meetings within dates are one range per region.

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "c7e2a9d4b15f"
down_revision = "a4d8e6f1c2b9"
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
# Indonesia's fixed offsets (no daylight saving time), for SQLite's date modifiers.
ZONE_MINUTES = {
    "Asia/Jakarta": 420,
    "Asia/Pontianak": 420,
    "Asia/Makassar": 480,
    "Asia/Jayapura": 540,
}
CALLED_OFF = "called_off = 1"


def _local_month(dialect):
    if dialect == "postgresql":
        return "to_char(timezone(m.timezone, m.starts_at), 'YYYY-MM')"
    shifts = " ".join(f"WHEN '{zone}' THEN '+{n} minutes'" for zone, n in ZONE_MINUTES.items())
    return f"strftime('%Y-%m', m.starts_at, CASE m.timezone {shifts} ELSE '+0 minutes' END)"


def upgrade():
    for column in (
        sa.Column("province_id", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("month", sa.String(length=7), nullable=False, server_default=""),
        sa.Column("called_off", sa.SmallInteger(), nullable=False, server_default="0"),
    ):
        op.add_column("body_tally", column)
    month = _local_month(op.get_bind().dialect.name)
    op.execute(
        "UPDATE body_tally SET province_id = x.province_id, month = x.month, "
        "called_off = x.called_off FROM ("
        f"SELECT m.id, COALESCE(r.parent_id, r.id) AS province_id, {month} AS month, "
        "CASE WHEN m.visibility = 'public' AND m.status = 'cancelled' THEN 1 ELSE 0 END "
        "AS called_off FROM meeting m JOIN region r ON r.id = m.region_id"
        ") AS x WHERE body_tally.meeting_id = x.id"
    )
    op.create_index(
        "ix_body_tally_counted_province",
        "body_tally",
        ["counted", "province_id", "agency_id", *FLAGS, "seat"],
    )
    op.create_index(
        "ix_body_tally_agency_month",
        "body_tally",
        ["agency_id", "month", "counted", "called_off"],
    )
    op.create_index(
        "ix_body_tally_called_off",
        "body_tally",
        ["agency_id"],
        sqlite_where=sa.text(CALLED_OFF),
        postgresql_where=sa.text(CALLED_OFF),
    )
    op.create_index(
        "ix_meeting_visibility_region_starts_at",
        "meeting",
        ["visibility", "region_id", "starts_at"],
    )
    # New indexes: without statistics SQLite's planner passes them over.
    op.execute("ANALYZE body_tally")
    op.execute("ANALYZE meeting")


def downgrade():
    op.drop_index("ix_meeting_visibility_region_starts_at", table_name="meeting")
    for name in (
        "ix_body_tally_called_off",
        "ix_body_tally_agency_month",
        "ix_body_tally_counted_province",
    ):
        op.drop_index(name, table_name="body_tally")
    with op.batch_alter_table("body_tally") as batch:
        for name in ("called_off", "month", "province_id"):
            batch.drop_column(name)
