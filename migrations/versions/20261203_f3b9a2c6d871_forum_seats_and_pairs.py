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
The new columns and table are filled here by the same rules the code that keeps them at
commit follows (tracker/rankings/seats.py, pairs.py), in plain SQL and a frozen copy of
the Kodam table: migrations never import application code, which changes later.

"""

from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

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
SEAT_KINDS = ("regional_government", "legislature", "police", "prosecutor")
# Which provinces each Kodam covers (tracker/data/kodam.csv of this release). Later
# releases' tables are applied by `flask init` / `load-reference` (tally.remark_seats).
KODAM_PROVINCES = {
    "Kodam Iskandar Muda": ("11",),
    "Kodam I/Bukit Barisan": ("12", "13", "14", "21"),
    "Kodam II/Sriwijaya": ("16", "15", "17", "18", "19"),
    "Kodam Jaya": ("31",),
    "Kodam III/Siliwangi": ("32", "36"),
    "Kodam IV/Diponegoro": ("33", "34"),
    "Kodam V/Brawijaya": ("35",),
    "Kodam VI/Mulawarman": ("64", "65", "63"),
    "Kodam IX/Udayana": ("51", "52", "53"),
    "Kodam XII/Tanjungpura": ("61", "62"),
    "Kodam XIII/Merdeka": ("71", "75", "72"),
    "Kodam XIV/Hasanuddin": ("73", "76", "74"),
    "Kodam XVI/Pattimura": ("81", "82"),
    "Kodam XV/Pattimura": ("81", "82"),
    "Kodam XVII/Cenderawasih": ("91", "93", "94", "95"),
    "Kodam XVIII/Kasuari": ("92", "96"),
}


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
    _own_seats()
    _kodam_seats(bind)
    sums = ", ".join(f"SUM({name})" for name in FLAGS)
    op.execute("DELETE FROM body_total")
    op.execute(
        f"INSERT INTO body_total (agency_id, meetings, {', '.join(FLAGS)}, forum_absent, "
        f"forum_represented) SELECT agency_id, COUNT(*), {sums}, SUM(seat * absent), "
        "SUM(seat * represented) FROM body_tally WHERE counted GROUP BY agency_id"
    )
    op.execute(
        "INSERT INTO body_pair_total (agency_id, partner_id, meetings) "
        "SELECT a.agency_id, b.agency_id, COUNT(*) FROM body_tally a "
        "JOIN body_tally b ON b.meeting_id = a.meeting_id "
        "WHERE a.counted AND a.attended = 1 AND b.attended = 1 AND b.agency_id <> a.agency_id "
        "GROUP BY a.agency_id, b.agency_id"
    )
    # The covering index is new: without statistics SQLite's planner passes it over.
    for table in ("body_tally", "body_total", "body_pair_total"):
        op.execute(f"ANALYZE {table}")


# A Forkopimda meeting's own province: the region's parent, or the region itself.
_PROVINCE = "COALESCE((SELECT r.parent_id FROM region r WHERE r.id = m.region_id), m.region_id)"


def _own_seats():
    """The province's own top-level Pemprov, DPRD, Polda and Kejati sit as of right."""
    op.execute(
        "UPDATE body_tally SET seat = 1 WHERE forum = 1 AND EXISTS ("
        "SELECT 1 FROM meeting m JOIN agency a ON a.id = body_tally.agency_id "
        "WHERE m.id = body_tally.meeting_id AND a.parent_id IS NULL "
        f"AND a.kind IN ({', '.join(repr(k) for k in SEAT_KINDS)}) AND a.region_id = {_PROVINCE})"
    )


def _kodam_seats(bind):
    """The Kodam covering the province on the meeting's day (the table of this release)."""
    rows = bind.execute(
        sa.text(
            "SELECT t.meeting_id, t.agency_id, a.short_name, a.valid_from, a.valid_until, "
            "p.code, m.starts_at, m.timezone FROM body_tally t "
            "JOIN meeting m ON m.id = t.meeting_id JOIN agency a ON a.id = t.agency_id "
            f"JOIN region p ON p.id = {_PROVINCE} "
            "WHERE t.forum = 1 AND a.kind = 'military'"
        )
    )
    seated = [
        {"m": meeting_id, "a": agency_id}
        for meeting_id, agency_id, name, start, until, code, starts_at, zone in rows
        if _covers(name, _day(start), _day(until), code, _local_day(starts_at, zone))
    ]
    if seated:
        bind.execute(
            sa.text("UPDATE body_tally SET seat = 1 WHERE meeting_id = :m AND agency_id = :a"),
            seated,
        )


def _day(value):
    return date.fromisoformat(value[:10]) if isinstance(value, str) else value


def _local_day(starts_at, zone):
    if isinstance(starts_at, str):  # SQLite hands back the stored text
        starts_at = datetime.fromisoformat(starts_at)
    if starts_at.tzinfo is None:
        starts_at = starts_at.replace(tzinfo=timezone.utc)
    return starts_at.astimezone(ZoneInfo(zone)).date()


def _covers(name, start, until, code, day):
    if code not in KODAM_PROVINCES.get(name, ()):
        return False
    return not (start and day < start) and not (until and day > until)


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
