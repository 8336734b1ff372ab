"""agency reference key

Revision ID: c8b1d5306366
Revises: ef5dcaf538fe
Create Date: 2026-12-02 00:56:43.058906

Regency and city bodies are generated from data and become rows on first use
(issue 13); the key ("polres:14.02") ties a row to its template and region, so
`init` refreshes it even after a data fix renames it.

"""
from alembic import op
import sqlalchemy as sa



# revision identifiers, used by Alembic.
revision = 'c8b1d5306366'
down_revision = 'ef5dcaf538fe'
branch_labels = None
depends_on = None


def upgrade():
    # A plain ADD COLUMN and a unique index: SQLite's batch mode would copy and drop the
    # table, which its foreign keys (participations, aliases) refuse.
    op.add_column('agency', sa.Column('reference_key', sa.String(length=40), nullable=True))
    op.create_index(op.f('ix_agency_reference_key'), 'agency', ['reference_key'], unique=True)


def downgrade():
    op.drop_index(op.f('ix_agency_reference_key'), table_name='agency')
    op.drop_column('agency', 'reference_key')
