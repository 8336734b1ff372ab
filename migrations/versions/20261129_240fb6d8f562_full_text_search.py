"""full-text search

Revision ID: 240fb6d8f562
Revises: d6aeb5484799
Create Date: 2026-11-29 19:02:11.000000

One normalised search document per meeting (``tracker/search.py`` builds and
refreshes it). PostgreSQL fills ``tsv = to_tsvector('simple', document)`` and
searches it through a GIN index:
there is no Indonesian snowball configuration, and a stemmer for another language
would mangle Indonesian affixes, so 'simple' (lower-casing, no stemming) is the
honest choice. Accents and punctuation are folded in Python before storing and
before querying, so the unaccent extension is not needed. SQLite matches word
prefixes in the same column. Existing meetings are indexed by
``flask --app tracker meetings reindex`` (new writes index themselves).
"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql


# revision identifiers, used by Alembic.
revision = '240fb6d8f562'
down_revision = 'd6aeb5484799'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'meeting_search',
        sa.Column('meeting_id', sa.Integer(), nullable=False),
        sa.Column('document', sa.Text(), nullable=False),
        sa.Column('tsv', sa.Text().with_variant(postgresql.TSVECTOR(), 'postgresql'), nullable=True),
        sa.ForeignKeyConstraint(
            ['meeting_id'], ['meeting.id'],
            name=op.f('fk_meeting_search_meeting_id_meeting'), ondelete='CASCADE',
        ),
        sa.PrimaryKeyConstraint('meeting_id', name=op.f('pk_meeting_search')),
    )
    # GIN on PostgreSQL; on SQLite the column stays empty and the index is a plain one.
    op.create_index(
        'ix_meeting_search_tsv', 'meeting_search', ['tsv'], unique=False, postgresql_using='gin'
    )


def downgrade():
    op.drop_index('ix_meeting_search_tsv', table_name='meeting_search')
    op.drop_table('meeting_search')
