"""What every measurement returns: table rows, sections, progress lines and number formats."""

from __future__ import annotations

import math
import sys
from dataclasses import dataclass, field
from datetime import datetime


def log(message: str) -> None:
    """Progress on stderr, with the time, so a long run shows where it is."""
    print(f"[{datetime.now():%H:%M:%S}] {message}", file=sys.stderr, flush=True)


def ms(seconds: float) -> str:
    """Seconds as milliseconds with one decimal."""
    return f"{seconds * 1000:.1f} ms"


def percentile(values: list[float], pct: float) -> float:
    """Nearest-rank percentile of a non-empty list."""
    ordered = sorted(values)
    rank = max(1, math.ceil(pct / 100 * len(ordered)))
    return ordered[rank - 1]


@dataclass
class Row:
    """One figure of the results table, beside its reference."""

    figure: str
    measured: str
    reference: str = ""
    ratio: float | None = None
    target: str = ""
    met: bool | None = None
    note: str = ""


@dataclass
class Section:
    """The results of one database at one size."""

    backend: str
    size: int
    context: list[str] = field(default_factory=list)
    rows: list[Row] = field(default_factory=list)
    skipped: str = ""
