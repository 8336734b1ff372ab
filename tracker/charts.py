"""Server-rendered SVG charts: readable without JavaScript, printable, accessible."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date

from babel.dates import format_date
from flask import has_app_context
from markupsafe import Markup, escape

from tracker.i18n import current_language

MONTH_KEY = re.compile(r"\d{4}-\d{2}")
# Above this many bars the chart keeps its drawn size and scrolls: shrunk to the
# column's width, every month's label would be too small to read.
WIDE_AFTER = 20


def tick_label(label: str, pattern: str = "MMM y") -> str:
    """A month key ('2024-01') as a localised month ('Jan 2024'); other labels as given."""
    if MONTH_KEY.fullmatch(label):
        day = date(int(label[:4]), int(label[5:]), 1)
        # Outside an app (a chart drawn in a plain test) the site's first language.
        locale = current_language() if has_app_context() else "id"
        return str(format_date(day, pattern, locale=locale))
    return label


def bar_chart(
    series: Sequence[tuple[str, int]],
    title: str,
    height: int = 160,
    bar_width: int = 18,
    gap: int = 4,
) -> Markup:
    """A bar chart of (label, value) pairs as inline SVG.

    Every bar carries a <title> with its label and value, the chart a <title> and
    a text description, so screen readers get the numbers too. Labels are escaped.
    """
    top, bottom, left = 16, 52, 28
    peak = max((value for _label, value in series), default=0)
    width = left + max(len(series), 1) * (bar_width + gap) + gap
    plot = height - top - bottom
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="{_classes(series)}" role="img" '
        f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'aria-label="{escape(title)}">',
        f"<title>{escape(title)}</title>",
        f"<desc>{escape('; '.join(f'{label}: {value}' for label, value in series))}</desc>",
        f'<line x1="{left}" y1="{top + plot}" x2="{width}" y2="{top + plot}" class="axis"/>',
        f'<text x="{left - 4}" y="{top + 4}" text-anchor="end" class="tick">{peak}</text>',
        f'<text x="{left - 4}" y="{top + plot}" text-anchor="end" class="tick">0</text>',
    ]
    for index, (label, value) in enumerate(series):
        x = left + gap + index * (bar_width + gap)
        bar = round(plot * value / peak) if peak else 0
        parts.append(
            f'<rect x="{x}" y="{top + plot - bar}" width="{bar_width}" height="{bar}" class="bar">'
            f"<title>{escape(tick_label(label, 'MMMM y'))}: {value}</title></rect>"
        )
        if value:
            parts.append(
                f'<text x="{x + bar_width / 2}" y="{top + plot - bar - 3}" '
                f'text-anchor="middle" class="value">{value}</text>'
            )
        # Every bar is labelled, turned upright so 'Jan 2024' fits a bar's width.
        mid, base = x + bar_width / 2 + 3, top + plot + 6
        parts.append(
            f'<text x="{mid}" y="{base}" transform="rotate(-90 {mid} {base})" '
            f'text-anchor="end" class="tick">{escape(tick_label(label))}</text>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 - every interpolated text is escaped


def _classes(series: Sequence[tuple[str, int]]) -> str:
    return "chart chart-wide" if len(series) > WIDE_AFTER else "chart"
