"""The output checkers catch what they are meant to catch (a checker that passes anything
would make the hostile-input test worthless)."""

from __future__ import annotations

import pytest

from .checks import BREAKOUT, SCRIPT, check_csv, check_html, check_ics


def test_html_checker_catches_script_handlers_and_javascript_links() -> None:
    check_html('<p>&lt;script&gt;</p><script src="/static/app.js"></script>', "ok")
    for page in (
        f"<p>{SCRIPT}</p>",
        '<img src="x" onerror="alert(1)">',
        '<a href=" JaVaScript:alert(1)">x</a>',
        f'<script type="application/ld+json">{{"@type": "Event", "name": "{BREAKOUT}"}}</script>',
    ):
        with pytest.raises((AssertionError, ValueError)):
            check_html(page, page)


def test_csv_checker_catches_formulas_but_not_numbers() -> None:
    check_csv("a,'=1+1,-2.5\r\n", "ok")
    for cell in ("=1+1", "+cmd", "-2+3", "@SUM(A1)", "\tx"):
        with pytest.raises(AssertionError):
            check_csv(f'a,"{cell}"\r\n', cell)


def test_ics_checker_catches_bare_newlines_long_lines_and_injected_properties() -> None:
    head = b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\nBEGIN:VEVENT\r\nUID:1@x\r\n"
    tail = b"DTSTAMP:20240101T000000Z\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    check_ics(head + b"SUMMARY:a\\nb\r\n" + tail, "ok")
    for bad in (b"SUMMARY:a\nb\r\n", b"SUMMARY:" + b"x" * 80 + b"\r\n", b"X-INJ:1\r\n"):
        with pytest.raises(AssertionError):
            check_ics(head + bad + tail, bad)
