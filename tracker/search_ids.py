"""PostgreSQL: the meetings matching a rare search, fetched first and named by id.

A list walks its date index and checks each meeting against the matches, which is
quick for a common word (the first page is found early) and slow for a rare one:
"ambon", under 2 % of 100,000 meetings, checked 3,000 meetings to fill a page
(107 ms). When the GIN index finds at most ``FEW`` matches, they are fetched first
and the list reads just those meetings by key (ids in one array parameter).
"""

from __future__ import annotations

from typing import Any

from flask import has_request_context, request
from sqlalchemy import ColumnElement, Integer, Select, any_, bindparam
from sqlalchemy.dialects.postgresql import ARRAY

from tracker.extensions import db
from tracker.models import Meeting

# At most this many matches are named by id. Fetching them costs about 5 microseconds
# each, paid for common words too (10 ms for "kpu"); with more matches than this the
# walk fills a page within a few hundred meetings.
FEW = 2000
# The request's fetched matches by query, so a page's count and list fetch them once.
_MEMO = "tracker.search_ids"


def few_matches(matches: Select[Any], key: str) -> list[int] | None:
    """The ids ``matches`` selects when there are at most ``FEW``, else None."""
    memo: dict[str, list[int] | None] = (
        request.environ.setdefault(_MEMO, {}) if has_request_context() else {}
    )
    if key not in memo:
        ids = list(db.session.execute(matches.limit(FEW + 1)).scalars())
        memo[key] = ids if len(ids) <= FEW else None
    return memo[key]


def among(ids: list[int]) -> ColumnElement[bool]:
    """Meeting.id = ANY(ids), the ids bound as one array."""
    return Meeting.id == any_(bindparam(None, ids, type_=ARRAY(Integer), unique=True))
