"""release snapshot and publication date

Revision ID: 84e8c92da3f6
Revises: c8b1d5306366
Create Date: 2026-12-02 01:31:25.720978

URL intake (issue 14) keeps the fetched page as the release's archived snapshot, in
its own table so the release rows stay light. A publication date without an hour is
a date: `published_date` holds the day, `published_at` only a known instant, and
`published_zone` the zone that hour was given in. Rows saved at 00:00 UTC (the
review form's date-only save) and at 00:00 WIB (the release form's date-only save)
become dates without an hour; other rows keep their instant and get their WIB day.
`pending_review` holds why an import left a release for a person (the staff queue).

"""
from datetime import UTC, datetime, time
from zoneinfo import ZoneInfo

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '84e8c92da3f6'
down_revision = 'c8b1d5306366'
branch_labels = None
depends_on = None

WIB = ZoneInfo("Asia/Jakarta")


def upgrade():
    op.create_table('release_snapshot',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('press_release_id', sa.Integer(), nullable=True),
    sa.Column('requested_url', sa.String(length=1000), nullable=False),
    sa.Column('final_url', sa.String(length=1000), nullable=False),
    sa.Column('content_type', sa.String(length=120), nullable=False),
    sa.Column('content', sa.LargeBinary(), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('content_hash', sa.String(length=64), nullable=False),
    sa.Column('retrieved_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['press_release_id'], ['press_release.id'], name=op.f('fk_release_snapshot_press_release_id_press_release'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_release_snapshot')),
    sa.UniqueConstraint('press_release_id', name=op.f('uq_release_snapshot_press_release_id'))
    )
    op.create_index(op.f('ix_release_snapshot_content_hash'), 'release_snapshot', ['content_hash'], unique=False)
    op.create_index(op.f('ix_release_snapshot_retrieved_at'), 'release_snapshot', ['retrieved_at'], unique=False)

    # Plain ADD COLUMN: SQLite's batch mode would copy and drop press_release, which
    # the foreign keys of coverage and evidence refuse.
    op.add_column('press_release', sa.Column('published_date', sa.Date(), nullable=True))
    op.add_column('press_release', sa.Column('published_zone', sa.String(length=40), nullable=True))
    op.add_column('press_release', sa.Column('pending_review', sa.JSON(), nullable=True))
    op.create_index(op.f('ix_press_release_published_date'), 'press_release', ['published_date'], unique=False)
    _split_publication_dates()


def _as_utc(value):
    """A stored instant as an aware UTC datetime (SQLite hands back naive UTC, or text)."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _split_publication_dates():
    release = sa.table(
        'press_release',
        sa.column('id', sa.Integer()),
        sa.column('published_at', sa.DateTime(timezone=True)),
        sa.column('published_date', sa.Date()),
    )
    bind = op.get_bind()
    rows = bind.execute(
        sa.select(release.c.id, release.c.published_at).where(release.c.published_at.isnot(None))
    ).all()
    for row_id, stored in rows:
        moment = _as_utc(stored)
        local = moment.astimezone(WIB)
        if moment.time() == time(0):
            values = {'published_date': moment.date(), 'published_at': None}
        elif local.time() == time(0):
            values = {'published_date': local.date(), 'published_at': None}
        else:
            values = {'published_date': local.date()}
        bind.execute(release.update().where(release.c.id == row_id).values(**values))


def downgrade():
    release = sa.table(
        'press_release',
        sa.column('published_at', sa.DateTime(timezone=True)),
        sa.column('published_date', sa.Date()),
    )
    bind = op.get_bind()
    for (day,) in bind.execute(
        sa.select(release.c.published_date).where(release.c.published_at.is_(None)).distinct()
    ).all():
        if day is None:
            continue
        bind.execute(
            release.update()
            .where(release.c.published_date == day, release.c.published_at.is_(None))
            .values(published_at=datetime.combine(day, time(0), tzinfo=UTC))
        )
    op.drop_index(op.f('ix_press_release_published_date'), table_name='press_release')
    op.drop_column('press_release', 'pending_review')
    op.drop_column('press_release', 'published_zone')
    op.drop_column('press_release', 'published_date')
    op.drop_index(op.f('ix_release_snapshot_retrieved_at'), table_name='release_snapshot')
    op.drop_index(op.f('ix_release_snapshot_content_hash'), table_name='release_snapshot')
    op.drop_table('release_snapshot')
