"""What the public record says about one official: positions, meetings, evidence."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import Subquery, func, select
from sqlalchemy.orm import contains_eager, joinedload, selectinload

from tracker.extensions import db
from tracker.models import Agency, Evidence, Meeting, Participation, Person, Venue

PUBLIC = Meeting.visibility == "public"


@dataclass(frozen=True)
class Position:
    """A position the person was named in, with the body and the days it was seen."""

    title: str
    agency: Agency | None
    first_seen: date
    last_seen: date
    meetings: int


@dataclass(frozen=True)
class Record:
    """A person's public record: what their page shows."""

    person: Person
    participations: list[Participation]
    positions: list[Position]
    attended: int
    chaired: int
    spoke: int


def public_participations(person_id: int) -> list[Participation]:
    """The person's participations in public meetings, newest first, with their evidence."""
    stmt = (
        select(Participation)
        .join(Participation.meeting)
        .where(Participation.person_id == person_id, PUBLIC)
        .options(
            contains_eager(Participation.meeting).options(
                joinedload(Meeting.region),
                joinedload(Meeting.venue).joinedload(Venue.city),
            ),
            joinedload(Participation.agency),
            selectinload(Participation.evidence).selectinload(Evidence.press_release),
        )
        .order_by(Meeting.starts_at.desc(), Meeting.id.desc(), Participation.id)
    )
    return list(db.session.execute(stmt).unique().scalars())


def positions(participations: list[Participation]) -> list[Position]:
    """Each (position, body) the person held, latest first; the position as written."""
    seen: dict[tuple[str, int | None], list[Participation]] = {}
    for p in participations:
        key = ((p.position or "").strip(), p.agency_id)
        if key[0] or key[1] is not None:
            seen.setdefault(key, []).append(p)
    out = []
    for (title, _agency_id), items in seen.items():
        days = [p.meeting.local_date for p in items]
        agency = items[0].agency
        out.append(Position(title, agency, min(days), max(days), len(items)))
    return sorted(out, key=lambda pos: (pos.last_seen, pos.first_seen), reverse=True)


def person_record(person_id: int) -> Record | None:
    """The public record of a person; None when no public meeting names them."""
    person = db.session.get(Person, person_id)
    if person is None:
        return None
    parts = public_participations(person_id)
    if not parts:
        return None
    # A meeting that was called off was attended and chaired by nobody.
    held = [p for p in parts if p.meeting.status != "cancelled"]
    return Record(
        person=person,
        participations=parts,
        positions=positions(parts),
        attended=len({p.meeting_id for p in held if p.attendance in ("present", "represented")}),
        chaired=len({p.meeting_id for p in held if "chair" in p.roles}),
        spoke=len({p.meeting_id for p in held if "speaker" in p.roles}),
    )


def _meeting_counts() -> Subquery:
    """Public meetings per named person."""
    return (
        select(
            Participation.person_id,
            func.count(func.distinct(Participation.meeting_id)).label("n"),
        )
        .join(Meeting, Meeting.id == Participation.meeting_id)
        .where(PUBLIC, Participation.person_id.is_not(None))
        .group_by(Participation.person_id)
        .subquery()
    )


def people_page(q: str, page: int, per_page: int) -> tuple[Pagination, dict[int, int]]:
    """People named in public meetings, matching ``q`` in their name, busiest first.

    Returns the page and each listed person's number of public meetings.
    """
    counted = _meeting_counts()
    stmt = select(Person).join(counted, counted.c.person_id == Person.id)
    for word in q.split()[:8]:
        stmt = stmt.where(Person.name.ilike(f"%{_escape_like(word)}%", escape="\\"))
    stmt = stmt.order_by(counted.c.n.desc(), Person.name, Person.id)
    found = db.paginate(stmt, page=page, per_page=per_page, max_per_page=100, error_out=False)
    ids = [person.id for person in found.items]
    rows = db.session.execute(
        select(counted.c.person_id, counted.c.n).where(counted.c.person_id.in_(ids))
    )
    counts = {person_id: n for person_id, n in rows}
    return found, counts


def _escape_like(word: str) -> str:
    """A word as a literal inside a LIKE pattern."""
    return word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
