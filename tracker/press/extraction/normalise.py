"""Small string helpers shared by the extractor modules."""

from __future__ import annotations

import re

_NON_ALNUM = re.compile(r"[^0-9a-z]+")
_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "`": "'", "\u00b4": "'"})


def key(text: str) -> str:
    """Comparison key: lower case, punctuation and spaces folded to single spaces."""
    return _NON_ALNUM.sub(" ", text.lower()).strip()


def straight_quotes(text: str) -> str:
    """Replace typographic apostrophes with a straight one (Musa’ad -> Musa'ad)."""
    return text.translate(_APOSTROPHES)


def squash(text: str) -> str:
    """Collapse runs of whitespace."""
    return " ".join(text.split())
