"""Loading of the extractor's own data files (``data/*.csv``, ``data/*.txt``)."""

from __future__ import annotations

import csv
from functools import cache
from pathlib import Path

DATA_DIR = Path(__file__).with_name("data")


@cache
def rows(name: str) -> tuple[dict[str, str], ...]:
    """Rows of a CSV file in ``data/`` as dicts of stripped strings."""
    text = (DATA_DIR / name).read_text(encoding="utf-8")
    return tuple(
        {k: (v or "").strip() for k, v in r.items()} for r in csv.DictReader(text.splitlines())
    )


@cache
def words(name: str) -> tuple[str, ...]:
    """Non-comment lines of a text file in ``data/``."""
    text = (DATA_DIR / name).read_text(encoding="utf-8")
    return tuple(
        line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")
    )


def split(value: str, sep: str = "|") -> tuple[str, ...]:
    """Split a multi-valued cell."""
    return tuple(v.strip() for v in value.split(sep) if v.strip())
