"""corrections from the public

Revision ID: a7c3e19d4f52
Revises: 3f1a9c2e7b40
Create Date: 2026-12-02 04:40:00.000000

Readers report errors on a public meeting page; staff accept them with an edit and a
public note, or decline them with a reason (issue 17). A new table only: no table copy.

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a7c3e19d4f52'
down_revision = '3f1a9c2e7b40'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('correction',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('field', sa.String(length=16), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('source_url', sa.String(length=2000), nullable=True),
    sa.Column('contact', sa.String(length=200), nullable=True),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('staff_reason', sa.Text(), nullable=True),
    sa.Column('change_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('resolved_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('resolved_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['change_id'], ['change_log.id'], name=op.f('fk_correction_change_id_change_log')),
    sa.ForeignKeyConstraint(['meeting_id'], ['meeting.id'], name=op.f('fk_correction_meeting_id_meeting'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['resolved_by_id'], ['user.id'], name=op.f('fk_correction_resolved_by_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_correction'))
    )
    op.create_index(op.f('ix_correction_meeting_id'), 'correction', ['meeting_id'], unique=False)
    op.create_index('ix_correction_status_created_at', 'correction', ['status', 'created_at'], unique=False)


def downgrade():
    op.drop_index('ix_correction_status_created_at', table_name='correction')
    op.drop_index(op.f('ix_correction_meeting_id'), table_name='correction')
    op.drop_table('correction')
