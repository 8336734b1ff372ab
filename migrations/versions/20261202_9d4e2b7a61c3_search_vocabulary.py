"""search vocabulary

Revision ID: 9d4e2b7a61c3
Revises: b41e7d0c9a35
Create Date: 2026-12-02 04:40:00.000000

The words of the public meetings' search documents with their meeting counts
(search_term), from which misspelled searches get "Maksud Anda: ...?" (issue 17).
PostgreSQL finds close words through a pg_trgm GIN index. The vocabulary is filled
here from the documents already built; tracker/search_terms.py keeps it in step.

"""
import re
from collections import Counter

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '9d4e2b7a61c3'
# After the other migrations of the same day (one chain: batch, corrections, alerts).
down_revision = 'b41e7d0c9a35'
branch_labels = None
depends_on = None

# The same rule as tracker.search_terms.WORD.
WORD = re.compile(r"[a-z]{3,40}")


def _fill():
    bind = op.get_bind()
    public = sa.text(
        "SELECT s.document FROM meeting_search s JOIN meeting m ON m.id = s.meeting_id "
        "WHERE m.visibility = 'public'"
    )
    counts = Counter()
    for (document,) in bind.execute(public):
        counts.update({w for w in document.split() if WORD.fullmatch(w)})
    rows = [{"word": w, "documents": n} for w, n in sorted(counts.items())]
    if rows:
        insert = "INSERT INTO search_term (word, documents) VALUES (:word, :documents)"
        bind.execute(sa.text(insert), rows)
    bind.execute(
        sa.text(
            "UPDATE meeting_search SET in_vocabulary = true WHERE meeting_id IN "
            "(SELECT id FROM meeting WHERE visibility = 'public')"
        )
    )


def upgrade():
    postgres = op.get_bind().dialect.name == 'postgresql'
    if postgres:
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    op.create_table(
        'search_term',
        sa.Column('word', sa.String(length=40), nullable=False),
        sa.Column('documents', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('word', name=op.f('pk_search_term')),
    )
    if postgres:
        # The operator class named with the extension's schema: the database may be
        # migrated with a search_path that does not include it (a schema per tenant).
        schema = op.get_bind().execute(
            sa.text(
                "SELECT n.nspname FROM pg_extension e "
                "JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'pg_trgm'"
            )
        ).scalar_one()
        op.execute(
            f'CREATE INDEX ix_search_term_word_trgm ON search_term '
            f'USING gin (word "{schema}".gin_trgm_ops)'
        )
    else:
        op.create_index('ix_search_term_word_trgm', 'search_term', ['word'], unique=False)
    # Plain ADD COLUMN with a server default (no batch mode: SQLite would copy the table).
    op.add_column(
        'meeting_search',
        sa.Column('in_vocabulary', sa.Boolean(), server_default=sa.false(), nullable=False),
    )
    _fill()


def downgrade():
    op.drop_column('meeting_search', 'in_vocabulary')
    op.drop_index('ix_search_term_word_trgm', table_name='search_term')
    op.drop_table('search_term')
