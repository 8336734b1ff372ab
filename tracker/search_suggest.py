"""A better spelling for a search that finds nothing or very little: "balikpapn".

Only a search with at most ``FEW`` results is looked at, so a correctly spelled,
common search costs nothing more. Each word of it (4 letters or more) that no
vocabulary word starts with, or that is far rarer than a word a letter or two away,
is replaced by the closest word of the vocabulary (``tracker.search_terms``):
fewest edits (Damerau-Levenshtein, adjacent transpositions counted as one; at most 1
for 4-letter words, 2 for longer ones, 1 for a word some record has), then most
meetings, then alphabetical.

Candidates come from the database: PostgreSQL's trigram index (pg_trgm ``%``), and
for short terms, whose trigrams overlap little, as on SQLite, the words with the
same first letter and a close length (a range of the primary key). The corrected
search is offered only if it finds more public meetings than the typed one with the
same filters, so a suggestion never names a word that leads nowhere, and never one
found only in internal meetings (the vocabulary counts public meetings only).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import TYPE_CHECKING

from rapidfuzz.distance import OSA
from sqlalchemy import ColumnElement, func, select

from tracker.extensions import db
from tracker.search import query_terms
from tracker.search_terms import WORD, SearchTerm

if TYPE_CHECKING:
    from tracker.meetings.queries import MeetingFilters

# Searches with at most this many results are looked at.
FEW = 3
# A word the documents do have is replaced only by one this many times as common.
RATIO = 10
# Trigram candidates ranked by edits in Python (PostgreSQL).
CANDIDATES = 30
# Terms this short also take the same-first-letter candidates on PostgreSQL.
SHORT = 5


def max_edits(term: str) -> int:
    """How many edits a correction of ``term`` may be away (0: too short to correct)."""
    if len(term) >= 5:
        return 2
    return 1 if len(term) == 4 else 0


def _postgres() -> bool:
    return db.session.get_bind().dialect.name == "postgresql"


def _known(term: str) -> int:
    """Meetings of the most common vocabulary word starting with ``term`` (0: none)."""
    word = SearchTerm.word
    if _postgres():
        # The term is [a-z] only, so it holds no LIKE wildcard; the trigram index serves it.
        starts: ColumnElement[bool] = word.like(term + "%")
    else:
        starts = (word >= term) & (word < term + "{")  # '{' sorts right after 'z'
    found = db.session.execute(select(func.max(SearchTerm.documents)).where(starts)).scalar()
    return int(found or 0)


def _candidates(term: str, edits: int) -> set[tuple[str, int]]:
    """Vocabulary words that may be within ``edits`` of ``term``, with their counts."""
    word = SearchTerm.word
    near = func.length(word).between(len(term) - edits, len(term) + edits)
    stmt = select(word, SearchTerm.documents).where(near)
    # Words of the same first letter: a range of the primary key (letters only, so
    # every collation orders them alike).
    first = term[0]
    same_first = stmt.where(word >= first, word < chr(ord(first) + 1))
    if not _postgres():
        return {(w, n) for w, n in db.session.execute(same_first)}
    similar = stmt.where(word.op("%")(term)).order_by(func.similarity(word, term).desc())
    similar = similar.limit(CANDIDATES)
    found = {(w, n) for w, n in db.session.execute(similar)}
    if len(term) <= SHORT:
        # Trigrams of short words overlap too little ('apwl' and 'apel' share 2 of 8).
        found |= {(w, n) for w, n in db.session.execute(same_first)}
    return found


def better_word(term: str, total: int) -> str | None:
    """The word to search for instead of ``term``, or None to keep it."""
    edits = max_edits(term)
    if not edits or not WORD.fullmatch(term):
        return None
    known = _known(term)
    if total > 0 and not known:
        return None  # the results came from this word some other way (a number, a code)
    if known:
        edits = 1  # a word the records have: only a one-letter slip of a far commoner one
    ranked = []
    for candidate, documents in _candidates(term, edits):
        if candidate.startswith(term) or documents < RATIO * known:
            continue
        distance = OSA.distance(term, candidate, score_cutoff=edits)
        if distance <= edits:
            ranked.append((distance, -documents, candidate))
    return min(ranked)[2] if ranked else None


def suggest(q: str | None, total: int, count: Callable[[str], int]) -> str | None:
    """A corrected search for ``q`` (which found ``total``), if ``count`` says it finds more."""
    if total > FEW:
        return None
    terms = query_terms(q)
    corrected = [better_word(term, total) or term for term in terms]
    if corrected == terms:
        return None
    text = " ".join(corrected)
    return text if count(text) > total else None


def for_filters(filters: MeetingFilters, total: int) -> str | None:
    """A corrected ``q`` for the meeting-list filters that found ``total`` meetings."""
    from tracker.meetings.queries import PUBLIC, filter_conditions
    from tracker.models import Meeting

    if not filters.q or filters.errors:
        return None

    def count(q: str) -> int:
        # Counted only up to total + 1: whether it finds more is all that matters, and a
        # common corrected word would otherwise cost a full count of its meetings.
        conditions = filter_conditions(dataclasses.replace(filters, q=q))
        found = select(Meeting.id).where(PUBLIC, *conditions).limit(total + 1).subquery()
        return int(db.session.execute(select(func.count()).select_from(found)).scalar_one())

    return suggest(filters.q, total, count)
