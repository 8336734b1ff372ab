"""alert subscriptions

Revision ID: b41e7d0c9a35
Revises: a7c3e19d4f52
Create Date: 2026-12-02 04:20:00.000000

E-mail alerts of a saved meeting search (issue 17): an address, the normalised query
string, the digests of its confirm and unsubscribe tokens, when it was confirmed and
when its last digest went out. A new table that nothing references.

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'b41e7d0c9a35'
# After the change-log batch and corrections migrations of the same day (one chain).
down_revision = 'a7c3e19d4f52'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'subscription',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('email', sa.String(length=254), nullable=False),
        sa.Column('query', sa.String(length=1000), nullable=False),
        sa.Column('language', sa.String(length=8), nullable=False),
        sa.Column('confirm_token_hash', sa.String(length=64), nullable=False),
        sa.Column('unsubscribe_token_hash', sa.String(length=64), nullable=False),
        sa.Column('confirmed_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('last_sent_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_subscription')),
        sa.UniqueConstraint('confirm_token_hash', name=op.f('uq_subscription_confirm_token_hash')),
        sa.UniqueConstraint('email', 'query', name='uq_subscription_email_query'),
        sa.UniqueConstraint(
            'unsubscribe_token_hash', name=op.f('uq_subscription_unsubscribe_token_hash')
        ),
    )


def downgrade():
    op.drop_table('subscription')
