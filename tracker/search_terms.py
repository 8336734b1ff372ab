"""The search vocabulary: every word of the public meetings' search documents.

``search_term`` holds one row per word with the number of public meetings whose
document has it. Suggestions for misspelled searches ("balikpapn" -> "balikpapan",
see ``tracker.search_suggest``) are drawn from it, so an internal meeting's words are
never counted: a document counts while its meeting is public, and
``meeting_search.in_vocabulary`` records whether it was counted, so the next rebuild
of that document takes back exactly what it added (a meeting made internal gives
its words back).

It is kept in step by ``tracker.search.reindex_meetings``, the one writer of the
documents: each rebuild applies only the difference between the old and the new
words, so an edit that changes no word writes nothing here. ``flask meetings
reindex`` rebuilds it from nothing.

PostgreSQL finds candidate words through a trigram GIN index (pg_trgm, created by
the migration, or before the table by create_all); SQLite walks the primary key
from the term's first letter.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence

from sqlalchemy import DDL, Index, Integer, String, delete, event, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Mapped, mapped_column

from tracker.extensions import Model, db

# Words worth suggesting: letters only (numbers and codes are not misspelled), and
# long enough that a 4-letter term can be one edit away from one.
WORD = re.compile(r"[a-z]{3,40}")


class SearchTerm(Model):
    """One word of the public search documents and how many meetings have it."""

    __tablename__ = "search_term"
    __table_args__ = (
        # Trigram index for similarity (%) and LIKE on PostgreSQL; on SQLite a plain
        # index on the word (the migration creates the same on both).
        Index(
            "ix_search_term_word_trgm",
            "word",
            postgresql_using="gin",
            postgresql_ops={"word": "gin_trgm_ops"},
        ),
    )

    word: Mapped[str] = mapped_column(String(40), primary_key=True)
    documents: Mapped[int] = mapped_column(Integer)


# create_all (tests, scratch databases) needs the extension before the trigram index,
# as the migration creates it.
event.listen(
    SearchTerm.__table__,
    "before_create",
    DDL("CREATE EXTENSION IF NOT EXISTS pg_trgm").execute_if(dialect="postgresql"),
)


def document_words(document: str) -> set[str]:
    """The suggestible words of one search document."""
    return {w for w in document.split() if WORD.fullmatch(w)}


def _apply(delta: Counter[str]) -> None:
    """Add ``delta`` to the words' document counts; drop words no meeting has any more."""
    changes = [{"word": w, "documents": n} for w, n in sorted(delta.items()) if n]
    if not changes:
        return
    table = SearchTerm.__table__
    dialect = db.session.get_bind().dialect.name
    stmt = (pg_insert if dialect == "postgresql" else sqlite_insert)(table)
    # Sorted words: concurrent writers lock the same rows in the same order.
    stmt = stmt.on_conflict_do_update(
        index_elements=[table.c.word],
        set_={"documents": table.c.documents + stmt.excluded.documents},
    )
    db.session.execute(stmt, changes)
    gone = [w for w, n in sorted(delta.items()) if n < 0]
    for start in range(0, len(gone), 500):
        chunk = gone[start : start + 500]
        db.session.execute(delete(table).where(table.c.word.in_(chunk), table.c.documents <= 0))


def counted_words(meeting_ids: Sequence[int]) -> Counter[str]:
    """The words these meetings' current documents added to the vocabulary."""
    from tracker.search import MeetingSearch

    rows = db.session.execute(
        select(MeetingSearch.document).where(
            MeetingSearch.meeting_id.in_(meeting_ids), MeetingSearch.in_vocabulary
        )
    ).scalars()
    counts: Counter[str] = Counter()
    for document in rows:
        counts.update(document_words(document))
    return counts


def replace_counts(old: Counter[str], new_documents: Iterable[str]) -> None:
    """Take back ``old`` (from ``counted_words``) and count the new public documents."""
    delta: Counter[str] = Counter()
    for document in new_documents:
        delta.update(document_words(document))
    delta.subtract(old)
    _apply(delta)


def forget_meetings(meeting_ids: Sequence[int]) -> None:
    """Take back the words of meetings about to be deleted (their documents go by cascade)."""
    from tracker.search import MeetingSearch

    counts = counted_words(meeting_ids)
    _apply(Counter({word: -n for word, n in counts.items()}))
    db.session.execute(
        update(MeetingSearch.__table__)
        .where(MeetingSearch.meeting_id.in_(meeting_ids))
        .values(in_vocabulary=False)
    )


def clear() -> None:
    """Forget the whole vocabulary, with the documents it counted (all are rebuilt next)."""
    from tracker.search import MeetingSearch

    db.session.execute(delete(SearchTerm.__table__))
    # Deleted rather than marked uncounted: an UPDATE of every row would leave a dead
    # copy of each on PostgreSQL, only for the rebuild to delete it again.
    db.session.execute(delete(MeetingSearch.__table__))
