"""A search query as SQL: which meetings match every word of it.

PostgreSQL matches through the GIN index on ``meeting_search.tsv``, SQLite through
the FTS5 index (``tracker.search`` builds both). A list walks its date index and
checks each meeting against the matches, which is quick for a common word (the first
page is found early) and slow for a rare one: on PostgreSQL "ambon", under 2 % of
100,000 meetings, checked 3,000 meetings to fill a page (107 ms); on SQLite a word
that matches nothing walked all 100,000 (12 ms). So when the text index finds at most
``FEW`` matches, they are fetched first, once per request, and the list and its count
read just those meetings by key.
"""

from __future__ import annotations

from typing import Any

from flask import has_request_context, request
from sqlalchemy import (
    ColumnClause,
    ColumnElement,
    Integer,
    Select,
    any_,
    bindparam,
    func,
    literal_column,
    select,
    table,
)
from sqlalchemy.dialects.postgresql import ARRAY

from tracker.extensions import db
from tracker.models import Meeting
from tracker.search import FTS_TABLE, SIMPLE, MeetingSearch, query_terms
from tracker.search_terms import SearchTerm

FTS_ROWID: ColumnClause[Any] = literal_column(f"{FTS_TABLE}.rowid")

# At most this many matches are named by id. Fetching them costs about 5 microseconds
# each on PostgreSQL, paid by common searches of two words or more too (a one-word
# search the vocabulary knows is common skips it); with more matches than this the
# walk fills a page within a few hundred meetings.
FEW = 2000
# The request's fetched matches by query, so a page's count and list fetch them once.
_MEMO = "tracker.search_query"


def few_matches(matches: Select[Any], key: str, terms: list[str]) -> list[int] | None:
    """The ids ``matches`` selects when there are at most ``FEW``, else None."""
    fetched = _fetched(matches, key, terms)
    return fetched if fetched is not None and len(fetched) <= FEW else None


def _fetched(matches: Select[Any], key: str, terms: list[str]) -> list[int] | None:
    """The first FEW + 1 ids ``matches`` selects, once per request; None when not fetched."""
    memo = _memo()
    if key not in memo:
        memo[key] = (
            None
            if _known_common(terms)
            else list(db.session.execute(matches.limit(FEW + 1)).scalars())
        )
    return memo[key]


def some_matches(q: str | None) -> list[int] | None:
    """FEW + 1 of a common search's matches, when this request fetched them; else None.

    A capped count can often stop there: when enough of them pass the other filters,
    the search has more matches than the cap without reading the rest.
    """
    terms = query_terms(q)
    if not terms:
        return None
    fetched = _memo().get(_tsquery(terms) if _postgres() else _fts_match(terms))
    return fetched if fetched is not None and len(fetched) > FEW else None


def _memo() -> dict[str, list[int] | None]:
    """This request's fetched matches by query (a fresh dict outside a request)."""
    return request.environ.setdefault(_MEMO, {}) if has_request_context() else {}


def _postgres() -> bool:
    return db.session.get_bind().dialect.name == "postgresql"


def _tsquery(terms: list[str]) -> str:
    # The tsquery text is built from [a-z0-9] words only, so it cannot be malformed.
    return " & ".join(f"{t}:*" for t in terms)


def _known_common(terms: list[str]) -> bool:
    """Whether the vocabulary already counts more than FEW public meetings for the word.

    Only a one-word search can tell: it matches at least the meetings that have the
    word itself. One key lookup instead of fetching 2,001 matches (10 ms for "kpu" on
    PostgreSQL at 100,000 meetings).
    """
    if len(terms) != 1:
        return False
    documents = db.session.execute(
        select(SearchTerm.documents).where(SearchTerm.word == terms[0])
    ).scalar()
    return documents is not None and documents > FEW


def among(ids: list[int]) -> ColumnElement[bool]:
    """Meeting.id among ids: PostgreSQL binds them as one array, SQLite as a list."""
    if _postgres():
        return Meeting.id == any_(bindparam(None, ids, type_=ARRAY(Integer), unique=True))
    # At most FEW parameters, far below SQLite's limit of 32,766.
    return Meeting.id.in_(ids)


def _fts_match(terms: list[str]) -> str:
    # Every term as a word prefix. Terms are [a-z0-9] only after normalising, so
    # quoting them is enough to keep FTS5 query syntax out.
    return " ".join(f'"{t}"*' for t in terms)


def _fts_hits(match: str) -> Select[Any]:
    fts: ColumnClause[Any] = literal_column(FTS_TABLE)
    return select(FTS_ROWID).select_from(table(FTS_TABLE)).where(fts.op("MATCH")(match))


def search_condition(q: str | None) -> ColumnElement[bool] | None:
    """A condition on Meeting.id matching every word of q (as word prefixes), or None.

    A search with at most ``FEW`` matches names them by id (fetched once per
    request); a common word is checked against each meeting of the list's date order.
    """
    terms = query_terms(q)
    if not terms:
        return None
    if _postgres():
        # 'simple' keeps words as written: PostgreSQL ships no Indonesian stemmer,
        # and English or other stemmers would mangle Indonesian affixes.
        tsquery = _tsquery(terms)
        matches = select(MeetingSearch.meeting_id).where(
            MeetingSearch.tsv.op("@@")(func.to_tsquery(SIMPLE, tsquery))
        )
        few = few_matches(matches, tsquery, terms)
        return Meeting.id.in_(matches) if few is None else among(few)
    match = _fts_match(terms)
    hits = _fts_hits(match)
    few = few_matches(hits, match, terms)
    if few is not None:
        return among(few)
    # "id + 0" keeps SQLite from driving the query from the matches: it walks the list's
    # (visibility, starts_at) index and checks each meeting against the matches instead.
    # For a common word ("kpu": 66,000 of 100,000 meetings) that is 15 ms against 40 ms
    # for sorting every match by date.
    return (Meeting.id + 0).in_(hits)


def streamed_matches(stmt: Select[Any], q: str) -> Select[Any] | None:
    """SQLite: ``stmt`` joined to a common search's matches in the index's own order.

    For a capped count of a search and nothing else: the join reads matches until the
    limit (0.6 ms for "kpu" at 100,000 meetings, where the date walk's list of all
    66,000 matches took 22 ms). None on PostgreSQL, for an empty q, and when the
    matches are few (``search_condition`` names those by id).
    """
    terms = query_terms(q)
    if not terms or _postgres():
        return None
    match = _fts_match(terms)
    if few_matches(_fts_hits(match), match, terms) is not None:
        return None
    fts: ColumnClause[Any] = literal_column(FTS_TABLE)
    return stmt.join(table(FTS_TABLE), FTS_ROWID == Meeting.id).where(fts.op("MATCH")(match))
