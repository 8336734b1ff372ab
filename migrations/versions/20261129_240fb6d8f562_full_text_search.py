"""full-text search

Revision ID: 240fb6d8f562
Revises: d6aeb5484799
Create Date: 2026-11-29 19:02:11.000000

One normalised search document per meeting (``tracker/search.py`` builds and
refreshes it). PostgreSQL gets a GIN index over ``to_tsvector('simple', ...)``:
there is no Indonesian snowball configuration, and a stemmer for another language
would mangle Indonesian affixes, so 'simple' (lower-casing, no stemming) is the
honest choice. Accents and punctuation are folded in Python before storing and
before querying, so the unaccent extension is not needed. SQLite matches word
prefixes in the same column. Existing meetings are indexed by
``flask --app tracker meetings reindex`` (new writes index themselves).
"""
from alembic import op
import sqlalchemy as sa


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
        sa.ForeignKeyConstraint(
            ['meeting_id'], ['meeting.id'],
            name=op.f('fk_meeting_search_meeting_id_meeting'), ondelete='CASCADE',
        ),
        sa.PrimaryKeyConstraint('meeting_id', name=op.f('pk_meeting_search')),
    )
    if op.get_bind().dialect.name == 'postgresql':
        op.execute(
            "CREATE INDEX ix_meeting_search_document_tsv ON meeting_search "
            "USING gin (to_tsvector('simple'::regconfig, document))"
        )


def downgrade():
    if op.get_bind().dialect.name == 'postgresql':
        op.execute("DROP INDEX IF EXISTS ix_meeting_search_document_tsv")
    op.drop_table('meeting_search')
