"""region names

Revision ID: ef5dcaf538fe
Revises: ec3fe7e5e6b9
Create Date: 2026-12-01 23:15:32.821871

The names people write for a region (issue 13): abbreviations (Inhu, Kaltim),
spellings, official names with the date they took effect (the Papua provinces of
2022) and former names or codes. Loaded by `init` from tracker/data/region_names.csv.

"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = 'ef5dcaf538fe'
down_revision = 'ec3fe7e5e6b9'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('region_name',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('region_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('valid_from', sa.Date(), nullable=True),
    sa.Column('valid_until', sa.Date(), nullable=True),
    sa.Column('former_code', sa.String(length=16), nullable=True),
    sa.ForeignKeyConstraint(['region_id'], ['region.id'], name=op.f('fk_region_name_region_id_region'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_region_name')),
    sa.UniqueConstraint('region_id', 'name', 'kind', name=op.f('uq_region_name_region_id'))
    )


def downgrade():
    op.drop_table('region_name')
