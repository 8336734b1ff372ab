"""indexes for public pages

Revision ID: 26cf7a78d03f
Revises: 19ab72c552e2
Create Date: 2026-11-29

Composite indexes the public pages read from (issue 7): participations both ways
(agency -> meetings, meeting -> agencies), public meetings in date order, and coverage
from the release side. Each replaces the single-column index that is its prefix.
Indexes only, the same on SQLite and PostgreSQL.
"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "26cf7a78d03f"
down_revision = "19ab72c552e2"
branch_labels = None
depends_on = None

# (new index, table, columns, the single-column index it makes redundant)
INDEXES = (
    (
        "ix_participation_agency_meeting",
        "participation",
        ["agency_id", "meeting_id"],
        ("ix_participation_agency_id", ["agency_id"]),
    ),
    (
        "ix_participation_meeting_agency",
        "participation",
        ["meeting_id", "agency_id"],
        ("ix_participation_meeting_id", ["meeting_id"]),
    ),
    (
        "ix_meeting_visibility_starts_at",
        "meeting",
        ["visibility", "starts_at", "id"],
        ("ix_meeting_visibility", ["visibility"]),
    ),
    (
        "ix_coverage_release_meeting",
        "coverage",
        ["press_release_id", "meeting_id"],
        ("ix_coverage_press_release_id", ["press_release_id"]),
    ),
)


def upgrade():
    for name, table, columns, (old, _old_columns) in INDEXES:
        op.create_index(name, table, columns)
        op.drop_index(old, table_name=table)
    # coverage(meeting_id) is the prefix of the unique (meeting_id, press_release_id).
    op.drop_index("ix_coverage_meeting_id", table_name="coverage")


def downgrade():
    op.create_index("ix_coverage_meeting_id", "coverage", ["meeting_id"])
    for name, table, _columns, (old, old_columns) in reversed(INDEXES):
        op.create_index(old, table, old_columns)
        op.drop_index(name, table_name=table)
