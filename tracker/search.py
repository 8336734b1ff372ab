"""Full-text search over meetings: one normalised search document per meeting.

Each meeting has a row in ``meeting_search`` holding the words of its title, theme,
summary, place, participants (agency names, aliases and the titles of their heads,
so "Kapolda Kaltim" finds meetings of Polda Kaltim) and the press releases covering
it. The row is rebuilt whenever the ORM flushes a change to any of those records
(see ``_collect`` and ``_reindex_before_commit``), so write operations need no call.

The documents live in a plain table both databases share. PostgreSQL searches it
through a GIN index on ``to_tsvector('simple', document)``; SQLite through an FTS5
index (``meeting_search_fts``, external content, kept in step by triggers), which
the models cannot describe, so it is created by DDL after the table (``FTS_DDL``,
used by the migration and by ``create_all``) and left out of schema comparisons.

Rebuilding a document also keeps the vocabulary of public words in step
(``tracker.search_terms``), from which misspelled searches get a suggestion.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from functools import cache
from typing import Any

from sqlalchemy import (
    DDL,
    Boolean,
    ColumnClause,
    ForeignKey,
    Index,
    Insert,
    Text,
    bindparam,
    delete,
    event,
    false,
    func,
    insert,
    literal_column,
    select,
    text,
)
from sqlalchemy.dialects.postgresql import TSVECTOR
from sqlalchemy.orm import Mapped, Session, SessionTransaction, mapped_column, selectinload

from tracker import search_terms
from tracker.extensions import Model, db
from tracker.models import (
    Agency,
    AgencyAlias,
    Coverage,
    Meeting,
    Participation,
    Person,
    PressRelease,
    Region,
    Venue,
)

# Longer queries add nothing for a journalist and cost a condition each.
MAX_TERMS = 8
MAX_TERM_LENGTH = 40
_CHUNK = 500
_DIRTY = "search_dirty"
# The text-search configuration, as a literal so it is typed regconfig.
SIMPLE: ColumnClause[Any] = literal_column("'simple'::regconfig")


class MeetingSearch(Model):
    """The normalised words a meeting can be found by (one row per meeting)."""

    # A GIN index over ``tsv`` serves PostgreSQL; on SQLite the column stays empty.
    __table_args__ = (Index("ix_meeting_search_tsv", "tsv", postgresql_using="gin"),)

    meeting_id: Mapped[int] = mapped_column(
        ForeignKey("meeting.id", ondelete="CASCADE"), primary_key=True
    )
    # Space-separated, lower-case ASCII words with a leading and trailing space,
    # so SQLite can match the start of a word with LIKE '% word%'.
    document: Mapped[str] = mapped_column(Text)
    # PostgreSQL: to_tsvector('simple', document), set by reindex_meetings. A stored
    # column rather than an expression index, so the models describe it on both
    # databases (expression indexes cannot be compared by Alembic on SQLite).
    tsv: Mapped[str | None] = mapped_column(Text().with_variant(TSVECTOR(), "postgresql"))
    # Whether this document's words are counted in the vocabulary (search_term):
    # true while the meeting was public when the document was built.
    in_vocabulary: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())


FTS_TABLE = "meeting_search_fts"
# SQLite's FTS5 index over meeting_search.document, and the triggers that keep it
# in step with every insert, update and delete (cascades included). The prefix
# indexes let a search term of 2 to 6 letters read its matches in order and stop
# early; without one FTS5 gathers every word's matches first (26 ms to count a
# thousand "kpu" meetings at 100,000, against 0.1 ms), for 2.7x the index's size.
FTS_PREFIXES = "2 3 4 5 6"
FTS_DDL = (
    f"CREATE VIRTUAL TABLE {FTS_TABLE} USING fts5(document, content='meeting_search', "
    f"content_rowid='meeting_id', tokenize='unicode61', prefix='{FTS_PREFIXES}')",
    "CREATE TRIGGER meeting_search_fts_ai AFTER INSERT ON meeting_search BEGIN "
    f"INSERT INTO {FTS_TABLE}(rowid, document) VALUES (new.meeting_id, new.document); END",
    "CREATE TRIGGER meeting_search_fts_ad AFTER DELETE ON meeting_search BEGIN "
    f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, document) "
    "VALUES ('delete', old.meeting_id, old.document); END",
    "CREATE TRIGGER meeting_search_fts_au AFTER UPDATE ON meeting_search BEGIN "
    f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, document) "
    "VALUES ('delete', old.meeting_id, old.document); "
    f"INSERT INTO {FTS_TABLE}(rowid, document) VALUES (new.meeting_id, new.document); END",
    f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('rebuild')",
)


def is_fts_name(name: str | None) -> bool:
    """Whether a table belongs to the FTS5 index (left out of schema comparisons)."""
    return bool(name) and str(name).startswith(FTS_TABLE)


for _statement in FTS_DDL:
    event.listen(
        MeetingSearch.__table__, "after_create", DDL(_statement).execute_if(dialect="sqlite")
    )
event.listen(
    MeetingSearch.__table__,
    "before_drop",
    DDL(f"DROP TABLE IF EXISTS {FTS_TABLE}").execute_if(dialect="sqlite"),
)


def normalize(text: str | None) -> str:
    """Fold accents, case and punctuation: 'Jum’at, KAPOLDA' -> 'jum at kapolda'.

    Done in Python for both databases, so PostgreSQL needs no unaccent extension.
    """
    if not text:
        return ""
    decomposed = unicodedata.normalize("NFKD", text)
    kept = "".join(
        ch.lower() if ch.isalnum() else " " for ch in decomposed if not unicodedata.combining(ch)
    )
    return " ".join(kept.split())


def query_terms(q: str | None) -> list[str]:
    """The distinct words of a search query, in order, capped in number and length."""
    terms: list[str] = []
    for word in normalize(q).split():
        word = word[:MAX_TERM_LENGTH]
        if word not in terms:
            terms.append(word)
    return terms[:MAX_TERMS]


@cache
def _titles_by_key() -> dict[str, tuple[str, ...]]:
    """Head and deputy titles per agency key (polda -> Kapolda, Wakapolda, ...)."""
    from tracker.press.extraction.data import rows

    out: dict[str, list[str]] = {}
    for row in rows("titles.csv"):
        if row["level"] in ("province", "inherit", "any"):
            out.setdefault(row["key"], []).append(row["title"])
    return {key: tuple(titles) for key, titles in out.items()}


def agency_words(agency: Agency) -> list[str]:
    """Every name an agency goes by, with its head's titles and its region."""
    words = [agency.short_name, agency.full_name, agency.head_title or ""]
    words += [a.alias for a in agency.aliases]
    # "Polda Kaltim" -> key "polda" -> Kapolda, Wakapolda, Kabid Humas...
    key = normalize(agency.short_name).split(" ")[0]
    words += _titles_by_key().get(key, ())
    if agency.region is not None:
        words += [agency.region.name, agency.region.short]
    return words


def build_document(meeting: Meeting) -> str:
    """The search document of a meeting (its relations must be loaded)."""
    parts: list[str | None] = [
        meeting.title,
        meeting.theme,
        meeting.summary,
        meeting.kind.replace("_", " "),
        meeting.region.name,
        meeting.region.short,
    ]
    if meeting.region.parent is not None:
        parts += [meeting.region.parent.name, meeting.region.parent.short]
    if meeting.venue is not None:
        parts += [meeting.venue.name, meeting.venue.address]
        if meeting.venue.city is not None:
            parts += [meeting.venue.city.name, meeting.venue.city.short]
    if meeting.election is not None:
        parts.append(meeting.election.name)
    for p in meeting.participations:
        parts += [p.position, p.represented_by, p.topic, p.collective_label]
        if p.person is not None:
            parts.append(p.person.name)
        if p.agency is not None:
            parts += agency_words(p.agency)
    for coverage in meeting.coverages:
        release = coverage.press_release
        parts += [release.title, release.outlet, release.body]
    seen: dict[str, None] = {}
    for part in parts:
        for word in normalize(part).split():
            seen.setdefault(word, None)
    return " " + " ".join(seen) + " "


def _document_options() -> list[Any]:
    return [
        selectinload(Meeting.region).selectinload(Region.parent),
        selectinload(Meeting.venue).selectinload(Venue.city),
        selectinload(Meeting.election),
        selectinload(Meeting.participations).selectinload(Participation.person),
        selectinload(Meeting.participations)
        .selectinload(Participation.agency)
        .options(selectinload(Agency.aliases), selectinload(Agency.region)),
        selectinload(Meeting.coverages).selectinload(Coverage.press_release),
    ]


def reindex_meetings(meeting_ids: Iterable[int]) -> int:
    """Rebuild the search documents of these meetings; returns how many were written."""
    ids = sorted(set(meeting_ids))
    table = MeetingSearch.__table__
    written = 0
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start : start + _CHUNK]
        meetings = (
            db.session.execute(
                select(Meeting).where(Meeting.id.in_(chunk)).options(*_document_options())
            )
            .scalars()
            .all()
        )
        counted = search_terms.counted_words(chunk)
        db.session.execute(delete(table).where(table.c.meeting_id.in_(chunk)))
        rows: list[dict[str, Any]] = [
            {
                "meeting_id": m.id,
                "document": build_document(m),
                "in_vocabulary": m.visibility == "public",
            }
            for m in meetings
        ]
        search_terms.replace_counts(counted, [r["document"] for r in rows if r["in_vocabulary"]])
        if rows:
            db.session.execute(_insert_documents(), rows)
        written += len(rows)
    return written


def _insert_documents() -> Insert:
    """The insert of search rows; on PostgreSQL it sets ``tsv`` in the same write.

    Setting it by a later UPDATE left a dead copy of every row: after ``meetings
    reindex`` at 100,000 meetings the table held 294,600 dead rows, and fetching the
    first 2,001 matches of "politik uang" read 19,000 pages (127 ms; 17 ms without them).
    """
    insert_rows = insert(MeetingSearch.__table__)
    if db.session.get_bind().dialect.name != "postgresql":
        return insert_rows
    return insert_rows.values(
        meeting_id=bindparam("meeting_id"),
        document=bindparam("document"),
        in_vocabulary=bindparam("in_vocabulary"),
        tsv=func.to_tsvector(SIMPLE, bindparam("document")),
    )


def reindex_meeting(meeting: Meeting) -> None:
    """Rebuild one meeting's search document now (writes also do it at commit)."""
    db.session.flush()
    reindex_meetings([meeting.id])


def reindex_all() -> int:
    """Rebuild every search document and the vocabulary (after bulk loads past the ORM)."""
    search_terms.clear()
    ids = db.session.execute(select(Meeting.id)).scalars().all()
    return reindex_meetings(ids)


def compact_index() -> None:
    """SQLite: merge the FTS5 index into one segment, after a bulk load or rebuild.

    Loading 100,000 meetings leaves it in many segments, each read for every term: at
    100,000 meetings reading all of "kpu"'s matches took 10 ms before, 2.6 ms after
    (2 s of merging). Everyday writes leave it to FTS5's own merging.
    """
    if db.session.get_bind().dialect.name == "sqlite":
        db.session.execute(text(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('optimize')"))


def _dirty(session: Session) -> dict[str, set[int]]:
    return session.info.setdefault(
        _DIRTY,
        {"meeting": set(), "release": set(), "agency": set(), "person": set(), "venue": set()},
    )


def _collect(session: Session, _flush_context: Any) -> None:
    """Note which meetings the flushed changes touch; they are reindexed at commit."""
    dirty = _dirty(session)
    changed = [o for o in session.dirty if session.is_modified(o)]
    for obj in [*session.new, *changed, *session.deleted]:
        if isinstance(obj, Meeting) and obj not in session.deleted:
            dirty["meeting"].add(obj.id)
        elif isinstance(obj, Participation | Coverage) and obj.meeting_id is not None:
            dirty["meeting"].add(obj.meeting_id)
        elif isinstance(obj, PressRelease):
            dirty["release"].add(obj.id)
        elif isinstance(obj, Agency):
            dirty["agency"].add(obj.id)
        elif isinstance(obj, AgencyAlias) and obj.agency_id is not None:
            dirty["agency"].add(obj.agency_id)
        elif isinstance(obj, Person):
            dirty["person"].add(obj.id)
        elif isinstance(obj, Venue):
            dirty["venue"].add(obj.id)


def _reindex_before_commit(session: Session) -> None:
    """Rebuild the documents of the meetings touched in this transaction."""
    if session.in_nested_transaction():
        return  # a savepoint's release: the outer transaction's commit does the work
    if session.new or session.dirty or session.deleted:
        session.flush()  # so _collect sees the changes still pending
    dirty = session.info.pop(_DIRTY, None)
    if not dirty:
        return
    ids = set(dirty.get("meeting", ()))
    lookups = (
        ("release", Coverage.meeting_id, Coverage.press_release_id),
        ("agency", Participation.meeting_id, Participation.agency_id),
        ("person", Participation.meeting_id, Participation.person_id),
        ("venue", Meeting.id, Meeting.venue_id),
    )
    for key, meeting_col, fk_col in lookups:
        wanted = sorted(dirty.get(key, ()))
        for start in range(0, len(wanted), _CHUNK):
            chunk = wanted[start : start + _CHUNK]
            ids.update(session.execute(select(meeting_col).where(fk_col.in_(chunk))).scalars())
    if ids:
        reindex_meetings(ids)


def _before_flush(session: Session, *_args: Any) -> None:
    """A deleted meeting's document goes by cascade: take its words back first."""
    ids = [o.id for o in session.deleted if isinstance(o, Meeting) and o.id is not None]
    if ids:
        search_terms.forget_meetings(ids)


def _forget(session: Session, transaction: SessionTransaction) -> None:
    """The outermost transaction ended: its notes are done with or undone.

    A savepoint's rollback keeps them: reindexing a meeting that did not change after
    all costs little, forgetting one that did would leave its document stale.
    """
    if transaction.parent is None:
        session.info.pop(_DIRTY, None)


if not event.contains(db.session, "after_flush", _collect):
    event.listen(db.session, "after_flush", _collect)
    event.listen(db.session, "before_flush", _before_flush)
    event.listen(db.session, "before_commit", _reindex_before_commit)
    event.listen(db.session, "after_transaction_end", _forget)
