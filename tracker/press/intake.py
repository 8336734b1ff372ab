"""From press release to meeting: propose, match, save, and bulk import.

The work lives in four modules, named here so callers can keep one import:
``proposal`` (the extractor against the database), ``matching`` (meetings already
logged), ``from_proposal`` (writing the meeting) and ``bulk_import`` (files and JSONL).
"""

from __future__ import annotations

from tracker.press.bulk_import import (
    MAX_JSONL_LINE,
    MAX_RELEASE_BYTES,
    RELEASE_SUFFIXES,
    ImportResult,
    import_documents,
    import_one,
    iter_documents,
)
from tracker.press.from_proposal import (
    DATE_DOUBTS,
    KIND_CODES,
    add_participations,
    attach_to_existing,
    create_from_proposal,
    meeting_fields,
    meeting_kind,
    warning_codes,
)
from tracker.press.matching import find_matches
from tracker.press.proposal import (
    Resolved,
    db_registry,
    find_election,
    find_region,
    plain_body,
    propose,
    proposed_date,
    resolve,
)

__all__ = [
    "DATE_DOUBTS",
    "KIND_CODES",
    "MAX_JSONL_LINE",
    "MAX_RELEASE_BYTES",
    "RELEASE_SUFFIXES",
    "ImportResult",
    "Resolved",
    "add_participations",
    "attach_to_existing",
    "create_from_proposal",
    "db_registry",
    "find_election",
    "find_matches",
    "find_region",
    "import_documents",
    "import_one",
    "iter_documents",
    "meeting_fields",
    "meeting_kind",
    "plain_body",
    "propose",
    "proposed_date",
    "resolve",
    "warning_codes",
]
