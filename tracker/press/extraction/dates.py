"""Meeting date and time: candidates, year resolution, weekday and countdown checks."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from .calendar_words import APOS, MONTHS, NUMBERS, parse_number, weekday_index, zone_code

_WD = rf"(?:Senin|Selasa|Rabu|Kamis|Jum{APOS}?at|Sabtu|Minggu|Ahad)"
_PART = r"(?:pagi|siang|sore|malam|dini\s+hari)"
_MONTH = r"(?:" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")"
_NUMWORD = r"(?:" + "|".join(sorted(NUMBERS, key=len, reverse=True)) + r")"
_NUMPHRASE = (
    rf"(?:\d{{1,3}}|{_NUMWORD}(?:\s+(?:belas|puluh))?(?:\s+{_NUMWORD})?|se(?:hari|minggu|pekan))"
)

PAREN_DATE = re.compile(
    rf"(?:\b(?P<wd>{_WD})\b(?:\s+(?P<p1>{_PART}))?\s*,?\s*)?"
    r"\(\s*(?P<d>\d{1,2})\s*[/.\-]\s*(?P<m>\d{1,2})(?:\s*[/.\-]\s*(?P<y>\d{4}|\d{2}))?\s*\)"
    rf"(?:\s+(?P<p2>{_PART})\b)?",
    re.I,
)
LONG_DATE = re.compile(
    rf"(?:\b(?P<wd>{_WD})\b(?:\s+(?P<p1>{_PART}))?\s*,?\s*(?:tanggal\s+|tgl\.?\s+)?)?"
    rf"\b(?P<d>\d{{1,2}})\s+(?P<mon>{_MONTH})\b\.?(?:\s*,?\s*(?P<y>\d{{4}}))?"
    rf"(?:\s+(?P<p2>{_PART})\b)?",
    re.I,
)
PLAIN_DATE = re.compile(r"(?<![\d/.])\b(?P<d>\d{1,2})[/\-](?P<m>\d{1,2})[/\-](?P<y>\d{4})\b")
WEEKDAY_ONLY = re.compile(
    rf"(?:\bhari\s+|\bpada\s+|,\s*|\(\s*|^)(?P<wd>{_WD})\b(?:\s+(?P<p1>{_PART})\b)?"
    r"(?=\s*(?:[.,;:)]|$|\s+(?:lalu|kemarin|ini|mendatang|depan|pukul|jam|bertempat|di\b)))",
    re.I,
)
RELATIVE = re.compile(r"\b(hari\s+ini|kemarin\s+lusa|kemarin|besok|lusa)\b", re.I)
COUNTDOWN = re.compile(
    rf"(?:\b(?:kurang|tinggal|tersisa|sisa)\s+)?\b(?P<n>{_NUMPHRASE})\s+hari\s+"
    r"(?:lagi|mendatang|menjelang|jelang|sebelum)\b",
    re.I,
)
H_MINUS = re.compile(r"(?<![\w-])H\s?-\s?(?P<n>\d{1,3})\b(?!\s*[/.]\d)")
TIME = re.compile(
    r"\b(?:pukul|jam|pkl\.?)\s*(?P<h>\d{1,2})(?:\s*[.:]\s*(?P<mi>\d{2}))?"
    r"(?:\s*(?P<z>WIB|WITA|WIT|Waktu\s+Indonesia\s+(?:Barat|Tengah|Timur))\b)?"
    r"|\b(?P<h2>\d{1,2})[.:](?P<mi2>\d{2})\s*(?P<z2>WIB|WITA|WIT)\b",
    re.I,
)
TIME_END = re.compile(
    r"\s*(?:-|–|—|s\.?\s?d\.?|s/d|sampai(?:\s+dengan)?|hingga)\s*(?:pukul\s*|jam\s*)?"
    r"(?:(?P<h>\d{1,2})[.:](?P<mi>\d{2})|(?P<open>selesai))",
    re.I,
)
ZONE = re.compile(r"\b(WIB|WITA|WIT|Waktu\s+Indonesia\s+(?:Barat|Tengah|Timur))\b", re.I)

MEETING_WORDS = re.compile(
    r"\b(?:rakor|rapat|pertemuan|kegiatan|acara|ratas|digelar|dilaksanakan|dilangsungkan|"
    r"berlangsung|bertempat|diselenggarakan|dipimpin|memimpin|menggelar|dihadiri|"
    r"menghadiri|membuka|dibuka|melaksanakan|menyelenggarakan|mengadakan|diadakan|"
    r"forkopimda|forkompimda)\b",
    re.I,
)
ATTRIBUTION = re.compile(
    r"\b(?:ujar|kata|tutur|ungkap|jelas|tegas|imbuh|ucap|terang|sebut|katanya|ujarnya|"
    r"tuturnya|ungkapnya|jelasnya|tegasnya|imbuhnya|ucapnya|terangnya|harapnya)\b[^;“”\"]{0,60}$",
    re.I,
)
FUTURE = re.compile(
    r"\b(?:akan|dijadwalkan|direncanakan|rencananya|berencana|undangan|mengundang|diundang)\b",
    re.I,
)

_DIGIT = re.compile(r"\d")
_DAY_CUE = re.compile(r"\b(?:pada|tanggal|tgl)\s*$")
_PLAN_AT = re.compile(r"\b(?:pada|mulai|hingga|sampai)\s+$")
_PART_AFTER = re.compile(r"\s*(?:pagi|siang|sore|malam)")
_EVENING_AFTER = re.compile(r"\s*(?:malam|sore)")
_LATER_END = re.compile(
    r"\b(?:hingga|sampai|s\.?d\.?|s/d)\s*(?:pukul|jam)\s*(\d{1,2})[.:](\d{2})", re.I
)
_WD_QUICK = re.compile(r"senin|selasa|rabu|kamis|jum|sabtu|minggu|ahad")


@dataclass
class DateMention:
    """A date written in the text."""

    sent: int
    start: int
    end: int
    text: str
    day: int | None
    month: int | None
    year: int | None
    year_given: bool
    weekday: int | None
    kind: str  # paren, long, plain, weekday, relative
    part_of_day: str | None = None
    attribution: bool = False
    meeting_context: bool = False
    resolved: date | None = None
    score: float = 0.0


@dataclass
class TimeMention:
    sent: int
    start: int
    hour: int
    minute: int
    zone: str | None
    end_hour: int | None = None
    end_minute: int | None = None


@dataclass
class Countdown:
    sent: int
    days: int
    text: str


@dataclass
class DateFindings:
    mentions: list[DateMention] = field(default_factory=list)
    times: list[TimeMention] = field(default_factory=list)
    countdowns: list[Countdown] = field(default_factory=list)
    zones: list[str] = field(default_factory=list)


def _year(text: str | None) -> int | None:
    if not text:
        return None
    y = int(text)
    return 2000 + y if y < 100 else y


def _valid(y: int, m: int, d: int) -> date | None:
    try:
        return date(y, m, d)
    except ValueError:
        return None


@dataclass
class _Ctx:
    """Per-sentence state while collecting date mentions."""

    sent: int
    text: str
    meeting: bool
    taken: list[tuple[int, int]]
    out: DateFindings

    def add(self, m: re.Match[str], **kw: Any) -> None:
        s = self.text
        attribution = bool(ATTRIBUTION.search(s[max(0, m.start() - 80) : m.start()]))
        self.out.mentions.append(
            DateMention(
                sent=self.sent,
                start=m.start(),
                end=m.end(),
                text=m.group(0).strip(),
                attribution=attribution,
                meeting_context=self.meeting,
                **kw,
            )
        )
        self.taken.append((m.start(), m.end()))

    def free(self, m: re.Match[str]) -> bool:
        return all(m.end() <= a or m.start() >= b for a, b in self.taken)


def find(sentences: list[str]) -> DateFindings:
    """Collect date, time, countdown and zone mentions sentence by sentence."""
    out = DateFindings()
    for i, s in enumerate(sentences):
        ctx = _Ctx(i, s, bool(MEETING_WORDS.search(s)), [], out)
        low = s.lower()
        if _DIGIT.search(s):
            if "(" in s:
                _paren_dates(ctx)
            _long_dates(ctx)
            _plain_dates(ctx)
        if _WD_QUICK.search(low):
            _weekdays(ctx)
        for m in RELATIVE.finditer(s):
            ctx.add(
                m, day=None, month=None, year=None, year_given=False, weekday=None, kind="relative"
            )
        _countdowns(ctx, low)
        if _DIGIT.search(s):
            out.times.extend(t for m in TIME.finditer(s) if (t := _time(i, s, m)) is not None)
        for m in ZONE.finditer(s) if "wi" in low or "waktu" in low else ():
            out.zones.append(zone_code(m.group(1)))
    return out


def _paren_dates(ctx: _Ctx) -> None:
    """ "Selasa (6/2/2024)", "Kamis (12/10/23)", "Rabu (3/1)"."""
    for m in PAREN_DATE.finditer(ctx.text):
        d, mo = int(m["d"]), int(m["m"])
        if not (1 <= d <= 31 and 1 <= mo <= 12):
            continue
        if not m["wd"] and not m["y"]:
            continue  # "(1/2)" without weekday or year is not a date
        ctx.add(
            m,
            day=d,
            month=mo,
            year=_year(m["y"]),
            year_given=bool(m["y"]),
            weekday=weekday_index(m["wd"]),
            kind="paren",
            part_of_day=(m["p1"] or m["p2"] or None),
        )


def _long_dates(ctx: _Ctx) -> None:
    """ "Selasa, 6 Februari 2024"; "pada 6 Februari" (a bare day and month needs "pada")."""
    s = ctx.text
    for m in LONG_DATE.finditer(s):
        if not ctx.free(m):
            continue
        d, mo = int(m["d"]), MONTHS[m["mon"].lower()]
        if not 1 <= d <= 31:
            continue
        if not m["wd"] and not m["y"] and not _DAY_CUE.search(s[: m.start()]):
            continue
        ctx.add(
            m,
            day=d,
            month=mo,
            year=_year(m["y"]),
            year_given=bool(m["y"]),
            weekday=weekday_index(m["wd"]),
            kind="long",
            part_of_day=(m["p1"] or m["p2"] or None),
        )


def _plain_dates(ctx: _Ctx) -> None:
    """ "6/2/2024" or "06-02-2024"."""
    for m in PLAIN_DATE.finditer(ctx.text):
        d, mo = int(m["d"]), int(m["m"])
        if ctx.free(m) and 1 <= d <= 31 and 1 <= mo <= 12:
            ctx.add(
                m, day=d, month=mo, year=_year(m["y"]), year_given=True, weekday=None, kind="plain"
            )


def _weekdays(ctx: _Ctx) -> None:
    """ "..., Rabu." or "pada hari Kamis": a weekday without a date."""
    s = ctx.text
    for m in WEEKDAY_ONLY.finditer(s):
        if not ctx.free(m):
            continue
        wd = m["wd"]
        if wd.lower() == "minggu" and not (
            wd[0].isupper() and re.search(r"hari\s+$|,\s*$|\(\s*$", s[: m.start("wd")])
        ):
            continue  # "minggu" is also "week"
        ctx.add(
            m,
            day=None,
            month=None,
            year=None,
            year_given=False,
            weekday=weekday_index(wd),
            kind="weekday",
            part_of_day=m["p1"],
        )


def _countdowns(ctx: _Ctx, low: str) -> None:
    """ "delapan hari lagi" and "H-3" (days before the vote)."""
    s, i, out = ctx.text, ctx.sent, ctx.out
    for m in COUNTDOWN.finditer(s) if "hari" in low else ():
        n = parse_number(m["n"])
        if n is not None and n < 400:
            out.countdowns.append(Countdown(i, n, m.group(0)))
    for m in H_MINUS.finditer(s) if "H" in s and _DIGIT.search(s) else ():
        if _PLAN_AT.search(s[max(0, m.start() - 10) : m.start()]):
            continue  # "pada H-3 logistik didistribusikan" is a plan, not a countdown
        out.countdowns.append(Countdown(i, int(m["n"]), m.group(0)))


def _time(i: int, s: str, m: re.Match[str]) -> TimeMention | None:
    """A clock time ("pukul 09.00 WIB", "pukul 7 malam"), with its end when written."""
    h, zone = m["h"] or m["h2"], m["z"] or m["z2"]
    hour, minute = int(h), int(m["mi"] or m["mi2"] or "00")
    after = s[m.end() :]
    if m["h"] and not m["mi"] and not _PART_AFTER.match(after) and not zone:
        return None  # "jam kerja", "24 jam": not a clock time
    if _EVENING_AFTER.match(after) and hour < 12:
        hour += 12
    if hour > 23 or minute > 59:
        return None
    tm = TimeMention(i, m.start(), hour, minute, zone)
    end = TIME_END.match(s, m.end())
    if end is None:
        # "pukul 10.00 WIT jeda ... hingga pukul 16.20 WIT": the end may come later.
        later = _LATER_END.search(s[m.end() : m.end() + 160])
        if later:
            tm.end_hour, tm.end_minute = int(later.group(1)), int(later.group(2))
    elif end["h"]:
        tm.end_hour, tm.end_minute = int(end["h"]), int(end["mi"])
    if tm.end_hour is not None and (tm.end_hour > 23 or (tm.end_minute or 0) > 59):
        tm.end_hour = tm.end_minute = None
    return tm


def resolve_year(
    m: DateMention, published: date | None, anchor: date | None
) -> tuple[date | None, bool]:
    """Resolve a mention without a year; returns (date, inferred)."""
    assert m.day is not None and m.month is not None
    if m.year is not None:
        return _valid(m.year, m.month, m.day), False
    if published is not None:
        base = published
        options = [base.year, base.year - 1, base.year + 1]
        window = (base - timedelta(days=330), base + timedelta(days=45))
    elif anchor is not None:
        base = anchor
        options = [anchor.year, anchor.year - 1]
        window = (anchor - timedelta(days=365), anchor + timedelta(days=21))
    else:
        base = None
        options = [2024, 2023, 2025]
        window = (date(2023, 1, 1), date(2025, 12, 31))
    cands = [d for y in options if (d := _valid(y, m.month, m.day)) and window[0] <= d <= window[1]]
    if not cands:
        return None, True
    if m.weekday is not None:
        matching = [d for d in cands if d.weekday() == m.weekday]
        if matching:
            cands = matching
    if base is not None:
        cands.sort(key=lambda d: (d > base + timedelta(days=7), abs((d - base).days)))
    return cands[0], True


def alternatives(d: date, weekday: int) -> list[date]:
    """Nearby readings of ``d`` that fall on ``weekday`` (wrong month, day or year)."""
    out: list[date] = []
    for dm in (-1, 1, -2, 2):
        month = d.month + dm
        year = d.year + (month - 1) // 12
        month = (month - 1) % 12 + 1
        if (c := _valid(year, month, d.day)) and c.weekday() == weekday:
            out.append(c)
    for dy in (-1, 1):
        if (c := _valid(d.year + dy, d.month, d.day)) and c.weekday() == weekday:
            out.append(c)
    for dd in (1, -1, 2, -2, 3, -3):
        c = d + timedelta(days=dd)
        if c.weekday() == weekday:
            out.append(c)
    return out
