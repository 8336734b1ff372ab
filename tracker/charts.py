"""Server-rendered SVG charts: readable without JavaScript, printable, accessible."""

from __future__ import annotations

from collections.abc import Sequence

from markupsafe import Markup, escape


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
    top, bottom, left = 16, 34, 28
    peak = max((value for _label, value in series), default=0)
    width = left + max(len(series), 1) * (bar_width + gap) + gap
    plot = height - top - bottom
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" '
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
            f"<title>{escape(label)}: {value}</title></rect>"
        )
        if value:
            parts.append(
                f'<text x="{x + bar_width / 2}" y="{top + plot - bar - 3}" '
                f'text-anchor="middle" class="value">{value}</text>'
            )
        # Label January and the first bar so the axis stays legible at 36 months.
        if index == 0 or label.endswith("-01"):
            parts.append(
                f'<text x="{x}" y="{height - bottom + 14}" class="tick">{escape(label)}</text>'
            )
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 - every interpolated text is escaped
