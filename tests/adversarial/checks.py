"""Hostile payloads, and checkers for every output format the app writes."""

from __future__ import annotations

import csv
import io
import json
import re
from html.parser import HTMLParser

from icalendar import Calendar

SCRIPT = '<script>alert("xss")</script>'
BREAKOUT = "</script><script>alert(1)</script><!--"
QUOTES = "\"'><img src=x onerror=alert(2)>"
JS_URL = "javascript:alert(3)"
RTL = "\u202egnp.exe\u200f"
# A CR/LF pair followed by what would be new calendar properties and a component.
CRLF = "a\r\nBEGIN:VEVENT\r\nUID:evil@x\r\nX-INJ:1\r\nEND:VEVENT\r\nb"
FORMULAS = ('=HYPERLINK("http://evil.example","x")', "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(A1)")
MIX = SCRIPT + BREAKOUT + QUOTES + " " + JS_URL + " " + RTL
LONG = ("Rakor digelar. " * 6700)[:99_000] + MIX + CRLF
assert len(LONG) >= 99_000
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


class _Scanner(HTMLParser):
    """Collect every element that would run script."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self.json_ld: list[str] = []
        self._in_ld = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "script":
            kind = values.get("type")
            if kind == "application/ld+json":
                self._in_ld = True
                self.json_ld.append("")
            elif not values.get("src"):
                self.problems.append(f"inline script {attrs}")
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"event handler {name}={value!r} on <{tag}>")
            if name in ("href", "src", "action", "formaction") and value:
                if re.sub(r"[\s\x00-\x1f]", "", value).lower().startswith("javascript:"):
                    self.problems.append(f"javascript URL in <{tag} {name}>")

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_ld = False

    def handle_data(self, data: str) -> None:
        if self._in_ld:
            self.json_ld[-1] += data


def check_html(body: str, where: object) -> None:
    """No script runs from data: no inline script, handler or javascript: link."""
    scanner = _Scanner()
    scanner.feed(body)
    assert not scanner.problems, (where, scanner.problems)
    assert "<img src=x" not in body and "<script>alert" not in body, where
    for block in scanner.json_ld:
        check_json_ld(block, where)


def check_json_ld(block: str, where: object) -> None:
    """A JSON-LD block parses as one JSON value: nothing escaped it or followed it."""
    data = json.loads(block)  # raises when a "</script>" cut the block short
    assert isinstance(data, dict) and data.get("@type"), where


def json_ld_blocks(body: str) -> list[dict]:
    """The parsed JSON-LD blocks of a page."""
    scanner = _Scanner()
    scanner.feed(body)
    return [json.loads(block) for block in scanner.json_ld]


def check_csv(body: str, where: object) -> list[list[str]]:
    """Every cell a spreadsheet would run as a formula is neutralised (numbers aside)."""
    rows = list(csv.reader(io.StringIO(body, newline="")))
    for row in rows:
        for cell in row:
            if cell.startswith(FORMULA_START):
                try:
                    float(cell)
                except ValueError:
                    raise AssertionError((where, "formula cell", cell[:80])) from None
    return rows


def check_ics(body: bytes, where: object) -> Calendar:
    """CRLF lines of at most 75 octets, no injected property or component, parses back."""
    assert body.endswith(b"\r\n"), where
    lines = body[:-2].split(b"\r\n")
    for line in lines:
        assert b"\r" not in line and b"\n" not in line, (where, line[:80])
        assert len(line) <= 75, (where, line[:80])
    calendar = Calendar.from_ical(body)
    begins = sum(1 for line in lines if line == b"BEGIN:VEVENT")
    events = list(calendar.walk("VEVENT"))
    assert len(events) == begins, where
    for component in calendar.walk():
        assert "X-INJ" not in component, where
        assert not str(component.get("UID", "")).startswith("evil"), where
    return calendar


def check_json(body: str, where: object) -> object:
    """The body is one JSON document."""
    return json.loads(body)
