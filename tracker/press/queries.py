"""Read queries for public press-release pages: only releases about public meetings."""

from __future__ import annotations

from sqlalchemy import Select, exists, func, select
from sqlalchemy.orm import lazyload, selectinload
from sqlalchemy.sql.base import ExecutableOption

from tracker.extensions import db
from tracker.kept import kept
from tracker.meetings.queries import PUBLIC
from tracker.models import Coverage, Evidence, Meeting, Participation, PressRelease

# A release is public when it covers at least one public meeting: one that only
# covers internal meetings would reveal them.
_COVERS_PUBLIC = exists().where(
    Coverage.press_release_id == PressRelease.id,
    Coverage.meeting_id == Meeting.id,
    PUBLIC,
)


# Newest publication first; a day without an hour sorts after the timed ones of that day.
NEWEST_FIRST = (
    PressRelease.published_date.desc().nulls_last(),
    PressRelease.published_at.desc().nulls_last(),
    PressRelease.id.desc(),
)


def public_releases() -> Select[PressRelease]:
    """Public press releases, newest first, with their public meetings loaded."""
    return (
        select(PressRelease)
        .where(_COVERS_PUBLIC)
        .options(*public_coverage_options())
        .order_by(*NEWEST_FIRST)
    )


def public_release_total() -> int:
    """How many public press releases there are, kept until a write they show.

    Counting means checking every release for a public meeting (55 ms at 133,000
    releases on PostgreSQL); a page itself walks the newest-first index and stops.
    """
    stmt = select(func.count()).select_from(PressRelease).where(_COVERS_PUBLIC)
    return kept(
        "public_release_total", lambda: int(db.session.execute(stmt).scalar_one()), pages=True
    )


def public_coverage_options() -> list[ExecutableOption]:
    """Load a release's coverages of public meetings only (never internal ones).

    The condition rides on the relationship load alone. As a loader criteria on every
    Coverage it also entered the list's own EXISTS, where SQLite rebuilt its IN list
    for each release (4 s for a page at 10,000 meetings).
    """
    # Correlated, so each coverage row looks up its own meeting: as an IN list SQLite
    # built the ids of every public meeting first (39 ms a page at 100,000 meetings).
    public = Coverage.meeting.has(Meeting.visibility == "public")
    return [selectinload(PressRelease.coverages.and_(public)).selectinload(Coverage.meeting)]


def public_release(release_id: int) -> PressRelease | None:
    """One public press release with its public meetings, or None."""
    return db.session.execute(
        public_releases().where(PressRelease.id == release_id)
    ).scalar_one_or_none()


def releases_for_export() -> list[tuple[PressRelease, list[tuple[int, str]]]]:
    """Every public release with its (public meeting id, relation) pairs, in two statements."""
    releases = (
        db.session.execute(
            select(PressRelease)
            .where(_COVERS_PUBLIC)
            .options(lazyload(PressRelease.coverages))
            .order_by(*NEWEST_FIRST)
        )
        .scalars()
        .all()
    )
    links: dict[int, list[tuple[int, str]]] = {}
    for release_id, meeting_id, relation in db.session.execute(
        select(Coverage.press_release_id, Coverage.meeting_id, Coverage.relation)
        .join(Meeting, Meeting.id == Coverage.meeting_id)
        .where(PUBLIC)
        .order_by(Coverage.meeting_id)
    ):
        links.setdefault(release_id, []).append((meeting_id, relation))
    return [(r, links.get(r.id, [])) for r in releases]


def public_evidence_sentences(release_id: int) -> list[str]:
    """The sentences of a release used as evidence in public meetings, first added first."""
    return list(
        db.session.execute(
            select(Evidence.sentence)
            .join(Participation, Participation.id == Evidence.participation_id)
            .join(Meeting, Meeting.id == Participation.meeting_id)
            .where(Evidence.press_release_id == release_id, PUBLIC)
            .order_by(Evidence.id)
        ).scalars()
    )
