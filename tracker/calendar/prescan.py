"""Check an uploaded .ics file in one linear pass before icalendar parses any of it.

icalendar's cost grows with the number of properties, parameters and time zone
observances, not only with the size of the file, so a small hostile file could keep a
worker busy for minutes. This pass reads the raw text once, line by line, and refuses
what no agenda needs (too big, too many lines, a line too long, too many events,
parameters, zones or observances, components nested too deep, a property repeated in
an event) at the line where the limit is passed. It hands icalendar only the lines the
import reads (the VEVENT properties in ``EVENT_PROPERTIES`` and the VTIMEZONEs), so
icalendar's work is bounded by these limits, and it records the line of each property
for the importer's messages.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from tracker.i18n import gettext as _
from tracker.models import Meeting, Venue
from tracker.validation import clean_text, max_length

MAX_BYTES = 5 * 1024 * 1024  # the upload limit (MAX_CONTENT_LENGTH)
MAX_PHYSICAL_LINES = 250_000  # 20 bytes a line on average at MAX_BYTES
MAX_LINES = 100_000  # logical (unfolded) lines: 20 per event at MAX_EVENTS
MAX_EVENTS = 5000
MAX_PARAMETERS = 25_000  # in the lines icalendar parses: 5 per event at MAX_EVENTS
MAX_DEPTH = 3  # VCALENDAR > VEVENT > VALARM, VCALENDAR > VTIMEZONE > STANDARD
MAX_ZONES = 10
MAX_OBSERVANCES = 100  # per VTIMEZONE; a zone's full history has a few dozen
MAX_ZONE_CHARS = 20_000  # per VTIMEZONE, RDATE lists included
# Descriptions may be HTML (Google): "<" counts the tags the sanitiser would parse,
# whose cost grows faster than their number when nested.
MAX_DESCRIPTION_TAGS = 1000
MAX_TAGS = 20_000  # in all DESCRIPTIONs of a file
MAX_ERRORS = 50
MAX_REASON = 300
OWN_PRODID = "Rakor Tracker"
# The VEVENT properties the import reads; RFC 5545 allows each at most once.
EVENT_PROPERTIES = frozenset(
    "UID SUMMARY DESCRIPTION LOCATION GEO DTSTART DTEND DURATION STATUS CLASS".split()
    # Outlook's mark of an all-day entry written as midnight to midnight.
    + ["X-MICROSOFT-CDO-ALLDAYEVENT"]
)
# The calendar properties the import reads: how to read floating times, and whether
# the file is a cancellation (RFC 5546 METHOD:CANCEL).
CALENDAR_PROPERTIES = frozenset(("METHOD", "X-WR-TIMEZONE"))
RECURRENCE = frozenset(("RRULE", "RDATE", "RECURRENCE-ID"))
_NAME = re.compile(r"[A-Za-z0-9-]+")


def max_line() -> int:
    """The longest logical line: the longest field, every character escaped, plus parameters."""
    longest = max(max_length(a) for a in (Meeting.title, Meeting.summary, Meeting.uid, Venue.name))
    return 2 * longest + 1_000


@dataclass(frozen=True, order=True)
class ImportProblem:
    """One reason the file was refused, at its line (1-based)."""

    line: int
    reason: str


class ImportRejected(Exception):
    """The file cannot be imported; nothing may be kept."""

    def __init__(self, problems: list[ImportProblem]) -> None:
        # Reasons may quote the file (a zone name, a bad value): one short, visible line.
        self.problems = [
            ImportProblem(p.line, clean_text(p.reason)[:MAX_REASON])
            for p in sorted(problems)[:MAX_ERRORS]
        ]
        super().__init__("; ".join(f"line {p.line}: {p.reason}" for p in self.problems))


def refuse(line: int, reason: str) -> ImportRejected:
    """A rejection with one problem."""
    return ImportRejected([ImportProblem(line, reason)])


@dataclass
class Block:
    """A top-level VEVENT as written: where it starts and where each property is."""

    begin: int
    props: dict[str, int] = field(default_factory=dict)

    def line(self, name: str | None) -> int:
        """The line of the property, else of BEGIN:VEVENT (also when none is named)."""
        if name is None:
            return self.begin
        return self.props.get(name, self.begin)


@dataclass
class Scanned:
    """A file that passed the pre-scan: the text for icalendar and the VEVENT blocks."""

    text: str
    blocks: list[Block]
    calendar: dict[str, int] = field(default_factory=dict)  # line of each calendar property


def decode(data: bytes) -> str:
    """The file as text: within MAX_BYTES, UTF-8, without NUL."""
    if len(data) > MAX_BYTES:
        line = data.count(b"\n", 0, MAX_BYTES) + 1
        raise refuse(line, _("Berkas lebih dari %(mb)d MB.", mb=MAX_BYTES // (1024 * 1024)))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise refuse(line, _("Berkas bukan teks UTF-8 yang sah.")) from error
    if "\x00" in text:
        # RFC 5545 forbids control characters, and PostgreSQL cannot store NUL.
        line = text.count("\n", 0, text.index("\x00")) + 1
        raise refuse(line, _("Berkas berisi karakter NUL (kode 0)."))
    return text


def logical_lines(text: str) -> Iterator[tuple[int, str]]:
    """Unfold continuation lines (RFC 5545 §3.1) in linear time, keeping each first line.

    Pieces are joined once per logical line (appending to a string each time is
    quadratic); a line longer than ``max_line()`` is refused at its first line.
    """
    limit = max_line()
    start, size = 0, 0
    pieces: list[str] = []
    # StringIO splits at CRLF, LF and CR only (not at U+2028 or VT), lazily.
    for number, raw in enumerate(io.StringIO(text, newline=None), start=1):
        if number > MAX_PHYSICAL_LINES:
            raise refuse(number, _("Paling banyak %(n)s baris per berkas.", n=MAX_PHYSICAL_LINES))
        raw = raw.removesuffix("\n")
        if raw[:1] in (" ", "\t") and pieces:
            pieces.append(raw[1:])
            size += len(raw) - 1
            if size > limit:
                reason = _("Baris ini (dengan lanjutannya) lebih dari %(max)s karakter.", max=limit)
                raise refuse(start, reason)
        elif raw.strip():
            if pieces:
                yield start, "".join(pieces)
            start, pieces, size = number, [raw], len(raw)
            if size > limit:
                raise refuse(start, _("Baris ini lebih dari %(max)s karakter.", max=limit))
    if pieces:
        yield start, "".join(pieces)


@dataclass
class _Scan:
    """What the structure pass has seen so far, and the lines kept for icalendar."""

    stack: list[tuple[str, int]] = field(default_factory=list)
    blocks: list[Block] = field(default_factory=list)
    problems: list[ImportProblem] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)
    calendar: dict[str, int] = field(default_factory=dict)
    lines: int = 0
    parameters: int = 0
    tags: int = 0
    zones: int = 0
    observances: int = 0
    zone_chars: int = 0

    def in_zone(self) -> bool:
        return len(self.stack) >= 2 and self.stack[1][0] == "VTIMEZONE"

    def in_event(self) -> bool:
        return len(self.stack) == 2 and self.stack[1][0] == "VEVENT"

    def keep(self, content: str, number: int) -> None:
        """Pass a line on to icalendar, counting its parameters against the budget."""
        self.parameters += content.count(";", 0, content.find(":"))
        if self.parameters > MAX_PARAMETERS:
            raise refuse(number, _("Paling banyak %(n)s parameter per berkas.", n=MAX_PARAMETERS))
        self.kept.append(content)

    def add(self, problem: ImportProblem) -> None:
        """Collect a problem; stop reading once there are more than a page can show."""
        self.problems.append(problem)
        if len(self.problems) >= MAX_ERRORS:
            raise ImportRejected(self.problems)


def _begin(scan: _Scan, kind: str, number: int) -> None:
    """Open a component, refusing one too many or too deep at its line."""
    scan.stack.append((kind, number))
    depth = len(scan.stack)
    if depth > MAX_DEPTH:
        raise refuse(number, _("Komponen bersarang terlalu dalam."))
    if depth == 2 and kind == "VEVENT":
        scan.blocks.append(Block(number))
        if len(scan.blocks) > MAX_EVENTS:
            raise refuse(number, _("Paling banyak %(n)s acara per berkas.", n=MAX_EVENTS))
    elif depth == 2 and kind == "VTIMEZONE":
        scan.zones += 1
        scan.observances = scan.zone_chars = 0
        if scan.zones > MAX_ZONES:
            raise refuse(number, _("Paling banyak %(n)s VTIMEZONE.", n=MAX_ZONES))
    elif depth == 3 and scan.in_zone():
        scan.observances += 1
        if scan.observances > MAX_OBSERVANCES:
            reason = _("Paling banyak %(n)s STANDARD/DAYLIGHT per VTIMEZONE.", n=MAX_OBSERVANCES)
            raise refuse(number, reason)


def _end(scan: _Scan, kind: str, number: int) -> bool:
    """Close a component; False when it does not match the open one."""
    if not scan.stack or scan.stack[-1][0] != kind:
        expected = scan.stack[-1][0] if scan.stack else "-"
        scan.add(
            ImportProblem(
                number,
                _(
                    "END:%(found)s tidak cocok; yang terbuka BEGIN:%(open)s.",
                    found=kind,
                    open=expected,
                ),
            )
        )
        return False
    scan.stack.pop()
    return True


def _event_property(scan: _Scan, name: str, content: str, number: int) -> None:
    """Record where a VEVENT property is; keep the ones the import reads, once each."""
    block = scan.blocks[-1]
    if name in RECURRENCE:
        reason = _("Acara berulang tidak didukung; ekspor tiap rapat tersendiri.")
        scan.add(ImportProblem(number, reason))
    elif name in EVENT_PROPERTIES and name in block.props:
        reason = _(
            "%(name)s hanya boleh sekali per VEVENT; sudah ada di baris %(line)s.",
            name=name,
            line=block.props[name],
        )
        scan.add(ImportProblem(number, reason))
    elif name in EVENT_PROPERTIES:
        if name == "DESCRIPTION":
            _count_tags(scan, content, number)
        scan.keep(content, number)
    block.props.setdefault(name, number)


def _count_tags(scan: _Scan, content: str, number: int) -> None:
    """Refuse a DESCRIPTION (or a file) with more HTML tags than any agenda writes."""
    tags = content.count("<")
    scan.tags += tags
    if tags > MAX_DESCRIPTION_TAGS:
        reason = _("DESCRIPTION paling banyak memuat %(n)s tanda <.", n=MAX_DESCRIPTION_TAGS)
        raise refuse(number, reason)
    if scan.tags > MAX_TAGS:
        reason = _("Semua DESCRIPTION bersama paling banyak memuat %(n)s tanda <.", n=MAX_TAGS)
        raise refuse(number, reason)


def _property(scan: _Scan, name: str, content: str, number: int) -> None:
    if scan.in_event():
        _event_property(scan, name, content, number)
    elif scan.in_zone():
        scan.keep(content, number)
    elif len(scan.stack) == 1 and name in CALENDAR_PROPERTIES:
        if name not in scan.calendar:
            scan.calendar[name] = number
            scan.keep(content, number)
    elif (
        name == "PRODID"
        and len(scan.stack) == 1
        and OWN_PRODID.upper() in content.split(":", 1)[1].upper()
    ):
        scan.add(
            ImportProblem(
                number,
                _(
                    "Berkas ini ekspor Rakor Tracker sendiri; mengimpornya akan "
                    "menimpa rapat yang sudah ada."
                ),
            )
        )


def _component(scan: _Scan, name: str, content: str, number: int) -> bool:
    """BEGIN or END; kept for icalendar inside VCALENDAR, VEVENT itself and VTIMEZONE."""
    kind = content.split(":", 1)[1].strip().upper()
    if name == "END":
        kept = scan.in_zone() or len(scan.stack) <= 2 and kind in ("VEVENT", "VCALENDAR")
        if not _end(scan, kind, number):
            return False
    else:
        _begin(scan, kind, number)
        kept = scan.in_zone() or len(scan.stack) <= 2 and kind in ("VEVENT", "VCALENDAR")
    if kept:
        scan.kept.append(f"{name}:{kind}")
    return True


def _line(scan: _Scan, number: int, content: str) -> bool:
    """Take one logical line; False when a mismatched END makes the rest unreadable."""
    scan.lines += 1
    if scan.lines > MAX_LINES:
        raise refuse(
            number,
            _("Paling banyak %(n)s baris iCalendar (lipatan disambung) per berkas.", n=MAX_LINES),
        )
    if scan.in_zone():
        scan.zone_chars += len(content)
        if scan.zone_chars > MAX_ZONE_CHARS:
            reason = _("VTIMEZONE paling panjang %(n)s karakter.", n=MAX_ZONE_CHARS)
            raise refuse(number, reason)
    name_match = _NAME.match(content)
    if ":" not in content or name_match is None:
        scan.add(ImportProblem(number, _("Baris ini bukan properti iCalendar.")))
        return True
    name = name_match.group(0).upper()
    if name in ("BEGIN", "END"):
        return _component(scan, name, content, number)
    _property(scan, name, content, number)
    return True


def scan(data: bytes) -> Scanned:
    """Check limits and nesting in one pass; raise with the line of each fault."""
    lines = logical_lines(decode(data))
    first = next(lines, None)
    if first is None or first[1].strip().upper() != "BEGIN:VCALENDAR":
        raise refuse(1, _("Berkas harus diawali BEGIN:VCALENDAR."))
    state = _Scan()
    _line(state, *first)
    for number, content in lines:
        if not state.stack:
            reason = _("Ada isi setelah END:VCALENDAR (satu kalender saja).")
            state.add(ImportProblem(number, reason))
            break
        if not _line(state, number, content):
            break
    if state.stack and not state.problems:
        kind, number = state.stack[-1]
        reason = _("BEGIN:%(kind)s tidak pernah ditutup.", kind=kind)
        state.add(ImportProblem(number, reason))
    if state.problems:
        raise ImportRejected(state.problems)
    return Scanned("\r\n".join(state.kept) + "\r\n", state.blocks, state.calendar)
