"""The ranking's chart: horizontal bars drawn on the server as SVG, no JavaScript."""

from __future__ import annotations

from collections.abc import Sequence

from markupsafe import Markup, escape

# Bars drawn at most; the table below the chart lists every body.
CHART_BODIES = 15


def ranking_chart(series: Sequence[tuple[str, int, int]], title: str, absent_label: str) -> Markup:
    """Bars of (name, attended, absent): attended drawn solid, absences hatched after it.

    The chart has a <title> and a text description naming every figure, and each bar
    its own <title>, so a screen reader gets the numbers; every text is escaped.
    """
    series = list(series)[:CHART_BODIES]
    label_w, bar_w, row_h, top = 190, 300, 22, 8
    peak = max((a + b for _n, a, b in series), default=0) or 1
    width, height = label_w + bar_w + 40, top + row_h * max(len(series), 1) + 8
    described = "; ".join(
        f"{name}: {a} ({absent_label}: {b})" if b else f"{name}: {a}" for name, a, b in series
    )
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart ranking-chart" role="img" '
        f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'aria-label="{escape(title)}">',
        f"<title>{escape(title)}</title><desc>{escape(described)}</desc>",
    ]
    for index, (name, attended, absent) in enumerate(series):
        y = top + index * row_h
        solid = round(bar_w * attended / peak)
        gap = round(bar_w * absent / peak)
        short = name if len(name) <= 28 else name[:27] + "…"
        parts.append(
            f'<text x="{label_w - 6}" y="{y + 14}" text-anchor="end" class="tick">'
            f"{escape(short)}</text>"
            f'<rect x="{label_w}" y="{y + 3}" width="{solid}" height="{row_h - 8}" class="bar">'
            f"<title>{escape(name)}: {attended}</title></rect>"
        )
        if absent:
            parts.append(
                f'<rect x="{label_w + solid}" y="{y + 3}" width="{gap}" height="{row_h - 8}" '
                'class="bar-absent">'
                f"<title>{escape(name)}, {escape(absent_label)}: {absent}</title></rect>"
            )
        parts.append(
            f'<text x="{label_w + solid + gap + 4}" y="{y + 14}" class="value">{attended}</text>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 - every interpolated text is escaped
