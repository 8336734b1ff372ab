"""release shown in full

Revision ID: 5b1e0c9a7d21
Revises: 84e8c92da3f6
Create Date: 2026-12-02 02:25:00.000000

Public release pages show a news outlet's article as its evidence in context, not in
full (issue 16); staff mark an official government release to show its whole text.

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5b1e0c9a7d21'
down_revision = '84e8c92da3f6'
branch_labels = None
depends_on = None


def upgrade():
    # A plain ADD COLUMN with a server default (no batch mode: SQLite would copy the
    # table, which the foreign keys of coverage, evidence and snapshot refuse).
    op.add_column(
        'press_release',
        sa.Column('shown_in_full', sa.Boolean(), server_default=sa.false(), nullable=False),
    )


def downgrade():
    op.drop_column('press_release', 'shown_in_full')
