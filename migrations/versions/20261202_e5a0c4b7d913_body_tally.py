"""body tally

Revision ID: e5a0c4b7d913
Revises: 9d4e2b7a61c3
Create Date: 2026-12-02 14:30:00.000000

One row per body and meeting with the figures the rankings add up (issue 17): whether
the body attended, in which roles, with which recorded attendance, whether the meeting
counts (public, not cancelled) and whether it is a Forkopimda; and body_total, each
body's sums over the counted meetings (the ranking without a filter); an index that
counts public meetings by region and status without reading them.
tracker/rankings/tally.py keeps both in step at every commit. They are filled here from
the participations already recorded, by the same rules (a role is found whole in the
sorted comma-separated codes; no role is an attendee; attended is any attendance but
absent).

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "e5a0c4b7d913"
down_revision = "9d4e2b7a61c3"
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
ATTENDED = "p.attendance <> 'absent'"
FLAGGED = "(counted AND forum = 1 AND (absent = 1 OR represented = 1))"
PADDED = "(',' || COALESCE(p.roles, '') || ',')"


def _has(role):
    found = f"{PADDED} LIKE '%,{role},%'"
    return f"({found} OR COALESCE(p.roles, '') = '')" if role == "attendee" else found


def _flag(condition):
    return f"MAX(CASE WHEN {condition} THEN 1 ELSE 0 END)"


def _fill():
    roles = [_flag(f"{ATTENDED} AND {_has(r)}") for r in ("chair", "host", "speaker", "attendee")]
    marks = [_flag(f"p.attendance = '{m}'") for m in FLAGS[5:]]
    op.execute(
        f"INSERT INTO body_tally (meeting_id, agency_id, counted, forum, {', '.join(FLAGS)}) "
        "SELECT p.meeting_id, p.agency_id, "
        "(m.visibility = 'public' AND m.status <> 'cancelled'), "
        "CASE WHEN m.kind = 'rakor_forkopimda' THEN 1 ELSE 0 END, "
        f"{', '.join([_flag(ATTENDED), *roles, *marks])} "
        "FROM participation p JOIN meeting m ON m.id = p.meeting_id "
        "WHERE p.agency_id IS NOT NULL "
        "GROUP BY p.meeting_id, p.agency_id, m.visibility, m.status, m.kind"
    )


def upgrade():
    op.create_table(
        "body_tally",
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("agency_id", sa.Integer(), nullable=False),
        sa.Column("counted", sa.Boolean(), nullable=False),
        sa.Column("forum", sa.SmallInteger(), nullable=False),
        *(sa.Column(name, sa.SmallInteger(), nullable=False) for name in FLAGS),
        sa.ForeignKeyConstraint(
            ["agency_id"],
            ["agency.id"],
            name=op.f("fk_body_tally_agency_id_agency"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["meeting_id"],
            ["meeting.id"],
            name=op.f("fk_body_tally_meeting_id_meeting"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("meeting_id", "agency_id", name=op.f("pk_body_tally")),
        sqlite_with_rowid=False,
    )
    # Covering: rankings read their sums from the index alone.
    op.create_index("ix_body_tally_counted_agency", "body_tally", ["counted", "agency_id", *FLAGS])
    op.create_index(
        "ix_body_tally_forum_flagged",
        "body_tally",
        ["meeting_id", "agency_id"],
        sqlite_where=sa.text(FLAGGED),
        postgresql_where=sa.text(FLAGGED),
    )
    op.create_table(
        "body_total",
        sa.Column("agency_id", sa.Integer(), nullable=False),
        sa.Column("meetings", sa.Integer(), nullable=False),
        *(sa.Column(name, sa.Integer(), nullable=False) for name in FLAGS),
        sa.ForeignKeyConstraint(
            ["agency_id"],
            ["agency.id"],
            name=op.f("fk_body_total_agency_id_agency"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("agency_id", name=op.f("pk_body_total")),
    )
    op.create_index(
        "ix_meeting_visibility_region_status", "meeting", ["visibility", "region_id", "status"]
    )
    _fill()
    sums = ", ".join(f"SUM({name})" for name in FLAGS)
    op.execute(
        f"INSERT INTO body_total (agency_id, meetings, {', '.join(FLAGS)}) "
        f"SELECT agency_id, COUNT(*), {sums} FROM body_tally WHERE counted GROUP BY agency_id"
    )


def downgrade():
    op.drop_index("ix_meeting_visibility_region_status", table_name="meeting")
    op.drop_table("body_total")
    op.drop_index("ix_body_tally_forum_flagged", table_name="body_tally")
    op.drop_index("ix_body_tally_counted_agency", table_name="body_tally")
    op.drop_table("body_tally")
