"""Loading of the extractor's own data files (``data/*.csv``, ``data/*.txt``)."""

from __future__ import annotations

import csv
from functools import cache
from pathlib import Path

from tracker import reference

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


@cache
def national_rows() -> tuple[dict[str, str], ...]:
    """National bodies to recognise in text: the registry's, then ``national.csv``'s extras.

    Rows have national.csv's columns. Names in ``national_loose.txt`` are left out: in
    running text they name a whole service ("sinergi TNI-Polri"), not a body present.
    """
    loose = {w.lower() for w in words("national_loose.txt")}
    registry = tuple(
        {
            "short_name": a.short_name,
            "kind": a.kind,
            "head_title": a.head_title or "",
            "aliases": "|".join(n for n in a.aliases if n.lower() not in loose),
        }
        for a in reference.national_agencies()
    )
    return registry + rows("national.csv")
