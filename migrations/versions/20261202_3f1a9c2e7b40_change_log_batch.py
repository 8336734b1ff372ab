"""change log batch

Revision ID: 3f1a9c2e7b40
Revises: 5b1e0c9a7d21
Create Date: 2026-12-02 04:25:00.000000

Every change-log entry written by one save carries the same batch, so the public
history page can show a meeting's changes edit by edit (issue 16).

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '3f1a9c2e7b40'
down_revision = '5b1e0c9a7d21'
branch_labels = None
depends_on = None


def upgrade():
    # Plain ADD COLUMN, nullable (older entries have no batch): no table copy on SQLite.
    op.add_column('change_log', sa.Column('batch', sa.String(length=32), nullable=True))


def downgrade():
    op.drop_column('change_log', 'batch')
