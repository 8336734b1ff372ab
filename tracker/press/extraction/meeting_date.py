"""Stage: the meeting's date and time chosen among the text's date mentions, with checks.

Input is :func:`dates.find`'s findings; output a :class:`When` with the date as the
text states it, the best-supported reading (``suggested``), the sentence it came from,
a confidence and the date warnings (weekday, countdown, several dates, missing year).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from . import calendar_words as cal
from . import dates as d
from .notes import long_date, warning

_NEAR_DAYS = {"hari ini": 0, "kemarin": -1, "kemarin lusa": -2, "besok": 1, "lusa": 2}
_SANE = (date(2015, 1, 1), date(2035, 12, 31))


@dataclass
class When:
    """The chosen date, its evidence and its warnings."""

    start: date | None = None
    suggested: date | None = None
    chosen: d.DateMention | None = None
    sentence: int | None = None
    confidence: float = 0.0
    countdown: date | None = None
    explicit: list[d.DateMention] = field(default_factory=list)
    ranked: list[d.DateMention] = field(default_factory=list)
    warnings: list[dict[str, Any]] = field(default_factory=list)

    def warn(self, code: str, message: str, suggested: date | None = None) -> None:
        self.warnings.append(warning(code, message, suggested, "start_date"))


def _score(m: d.DateMention, pub: date | None, anchor: date | None, polling: set[date]) -> None:
    """Rank one written date: a weekday and meeting words count for it, a quote against."""
    m.resolved, inferred = d.resolve_year(m, pub, anchor)
    if m.resolved is None:
        m.score = -99
        return
    score = -1.0 if inferred else 0.0
    score += 3 if m.weekday is not None else 0
    score += 3 if m.meeting_context else 0
    score -= 2 if m.attribution else 0
    if m.resolved in polling and m.weekday is None:
        score -= 8  # the polling day itself, quoted as context
    if not _SANE[0] <= m.resolved <= _SANE[1]:
        score -= 5
    m.score = score - 0.05 * m.sent


def decide(
    sents: list[str],
    findings: d.DateFindings,
    pub: date | None,
    anchor: date | None,
    polling: set[date],
) -> When:
    """The meeting date: a written date, else a weekday or near-day word, else a countdown."""
    when = When(explicit=[m for m in findings.mentions if m.kind in ("paren", "long", "plain")])
    for m in when.explicit:
        _score(m, pub, anchor, polling)
    when.ranked = sorted((m for m in when.explicit if m.score > -50), key=lambda m: -m.score)
    if when.ranked and when.ranked[0].score > -3:
        _from_written(when, when.ranked[0], pub)
    else:
        _from_weekday_or_near_day(when, findings, sents, pub)
    when.countdown = _countdown_date(findings, anchor, polling, when.start or pub)
    if when.start is None and when.countdown is not None:
        when.start, when.confidence = when.countdown, 0.5
        when.sentence = findings.countdowns[0].sent
        text = findings.countdowns[0].text
        when.warn(
            "date_from_countdown",
            f'Tanggal disimpulkan dari hitung mundur "{text}".',
            when.countdown,
        )
    if when.chosen is not None and when.start is not None:
        _check(when, findings, pub)
    if when.start is None and not any(w["code"] == "weekday_only" for w in when.warnings):
        when.warn("date_missing", "Tanggal rapat tidak ditemukan dalam teks.")
    return when


def _from_written(when: When, chosen: d.DateMention, pub: date | None) -> None:
    when.chosen, when.start, when.sentence = chosen, chosen.resolved, chosen.sent
    when.confidence = 0.95 if chosen.weekday is not None and chosen.meeting_context else 0.8
    if not chosen.year_given and when.start is not None:
        when.confidence -= 0.1
        basis = "tanggal terbit" if pub else "konteks pemilihan"
        when.warn(
            "year_inferred",
            f"Tahun tidak ditulis; {when.start.year} disimpulkan dari {basis}.",
            when.start,
        )


def _from_weekday_or_near_day(
    when: When, findings: d.DateFindings, sents: list[str], pub: date | None
) -> None:
    """ "..., Rabu." or "kemarin": resolved against the publication date."""
    wd_only = [m for m in findings.mentions if m.kind == "weekday" and m.meeting_context]
    near = [m for m in findings.mentions if m.kind == "relative" and m.meeting_context]
    if wd_only:
        m0 = wd_only[0]
        when.sentence = m0.sent
        if pub is None or m0.weekday is None:
            when.warn(
                "weekday_only", "Hanya hari yang ditulis, tanpa tanggal; tanggal terbit diperlukan."
            )
            return
        start = pub - timedelta(days=(pub.weekday() - m0.weekday) % 7)
        if d.FUTURE.search(sents[m0.sent]):
            start = pub + timedelta(days=(m0.weekday - pub.weekday()) % 7)
        when.start, when.confidence = start, 0.7
        when.warn(
            "weekday_only",
            f"Hanya hari yang ditulis ({cal.WEEKDAY_NAMES[m0.weekday]}); tanggal "
            f"{start.isoformat()} disimpulkan dari tanggal terbit.",
            start,
        )
    elif near and pub is not None:
        word = " ".join(near[0].text.lower().split())
        when.start = pub + timedelta(days=_NEAR_DAYS.get(word, 0))
        when.sentence, when.confidence = near[0].sent, 0.7
        when.warn(
            "relative_date",
            f'Tanggal disimpulkan dari kata "{near[0].text}" dan tanggal terbit.',
            when.start,
        )


def _countdown_date(
    findings: d.DateFindings, anchor: date | None, polling: set[date], ref: date | None
) -> date | None:
    """The day a countdown ("delapan hari lagi", "H-3") points to, before the vote."""
    if not findings.countdowns:
        return None
    target = anchor
    if target is None:
        future = sorted(e for e in polling if ref is None or e >= ref - timedelta(days=1))
        target = future[0] if future else None
    return target - timedelta(days=findings.countdowns[0].days) if target else None


def _check(when: When, findings: d.DateFindings, pub: date | None) -> None:
    """Weekday, countdown and several-dates checks of a written date."""
    assert when.start is not None
    _check_weekday(when, pub)
    _check_other_weekdays(when)
    if when.countdown is not None and when.countdown != when.start:
        when.confidence -= 0.1
        when.warn(
            "countdown_mismatch",
            f'Hitung mundur "{findings.countdowns[0].text}" menunjuk ke '
            f"{long_date(when.countdown)}, bukan tanggal yang ditulis.",
            when.countdown,
        )
    distinct = {
        m.resolved for m in when.ranked if m.resolved and m.score >= 2 and not m.attribution
    }
    distinct.discard(when.start)
    if distinct:
        when.confidence -= 0.15
        others = ", ".join(sorted(x.isoformat() for x in distinct))
        when.warn(
            "several_dates",
            f"Ada lebih dari satu tanggal rapat yang mungkin: {when.start.isoformat()}, {others}.",
        )


def _check_weekday(when: When, pub: date | None) -> None:
    """The weekday written beside the chosen date, against the date."""
    start = when.start
    assert start is not None
    same = [m for m in when.explicit if m.resolved == start and m.weekday is not None]
    wrong = [m for m in same if m.weekday != start.weekday()]
    if not wrong:
        return
    right = [m for m in same if m.weekday == start.weekday()]
    weekday = wrong[0].weekday
    assert weekday is not None
    suggested = _suggest(start, weekday, when.countdown, bool(right), pub)
    when.suggested = suggested
    when.confidence -= 0.25
    msg = (
        f'Hari "{cal.WEEKDAY_NAMES[weekday]}" tidak cocok dengan tanggal {start.day} '
        f"{cal.MONTH_NAMES[start.month]} {start.year} ({cal.WEEKDAY_NAMES[start.weekday()]})."
    )
    if suggested is not None and suggested != start:
        msg += f" Kemungkinan tanggal sebenarnya {long_date(suggested)}."
    when.warn("weekday_mismatch", msg, suggested)


def _suggest(
    start: date, weekday: int, countdown: date | None, right_too: bool, pub: date | None
) -> date | None:
    """The best-supported reading: the countdown's day, else the nearest matching day."""
    if countdown is not None and countdown != start:
        return countdown
    if right_too:
        return start
    alts = d.alternatives(start, weekday)
    if pub is not None:
        near = [a for a in alts if a <= pub + timedelta(days=1)]
        alts = sorted(near or alts, key=lambda a: abs((pub - a).days))
    return alts[0] if alts else None


def _check_other_weekdays(when: When) -> None:
    """A weekday contradicting another well-placed date in the text."""
    for m in when.explicit:
        if (
            m.resolved
            and m.resolved != when.start
            and m.weekday is not None
            and m.weekday != m.resolved.weekday()
            and m.score > 0
        ):
            when.warn(
                "weekday_mismatch",
                f'Hari "{cal.WEEKDAY_NAMES[m.weekday]}" tidak cocok dengan tanggal '
                f"{m.resolved.isoformat()} pada kalimat lain.",
            )


def pick_time(
    findings: d.DateFindings, sents: list[str], date_sent: int | None
) -> d.TimeMention | None:
    """The start time: in the date's sentence, else in a meeting sentence, else the first."""
    times = findings.times
    if date_sent is not None:
        pick = next((t for t in times if t.sent == date_sent), None)
        if pick is not None:
            return pick
    pick = next((t for t in times if d.MEETING_WORDS.search(sents[t.sent])), None)
    return pick or (times[0] if times else None)


def timezone(
    findings: d.DateFindings, pick: d.TimeMention | None, province_tz: str | None
) -> str | None:
    """IANA zone: the time's own zone, else the province's, else any zone written."""
    zone = (pick.zone if pick and pick.zone else None) or (
        findings.zones[0] if findings.zones and pick else None
    )
    if zone:
        return cal.iana_for(zone, province_tz)
    if province_tz:
        return province_tz
    return cal.iana_for(findings.zones[0], None) if findings.zones else None
