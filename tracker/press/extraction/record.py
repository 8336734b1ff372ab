"""Stage: the record's descriptive fields: election, kind, theme, status and title."""

from __future__ import annotations

import re
from bisect import bisect_right
from collections import Counter
from dataclasses import dataclass
from datetime import date
from itertools import accumulate

from . import calendar_words as cal
from . import dates as d
from .normalise import straight_quotes

_PILKADA = re.compile(
    r"\b(?:pilkada|pemilihan\s+kepala\s+daerah|pilgub|pilbup|pilwali|pilwalkot|"
    r"pemilihan\s+(?:gubernur|bupati|wali\s*kota)|calon\s+(?:gubernur|bupati|wali\s*kota)|"
    r"cagub|cabup|cawalkot|paslon|mantap\s+praja|27\s+(?:november|nopember)\s+2024)\b",
    re.I,
)
_PEMILU = re.compile(
    r"\b(?:pilpres|pileg|pemilihan\s+presiden|pemilihan\s+legislatif|capres|caleg|"
    r"mantap\s+brata|14\s+(?:februari|pebruari)\s+2024|pemilu\s+(?:serentak\s+)?2024|"
    r"pemilihan\s+umum)\b",
    re.I,
)
_PILKADA_DAY = re.compile(r"\b27\s+(?:november|nopember)\s+2024\b", re.I)
_PEMILU_DAY = re.compile(r"\b14\s+(?:februari|pebruari)\s+2024\b", re.I)
_GENERIC_VOTE = re.compile(r"\bpemilu\b|\bpesta\s+demokrasi\b", re.I)
FORUM = re.compile(r"\bfor\w{0,4}pi?m?\w{0,2}da\b|\bforum\s+ko\w+\s+pimpinan\b|\bmuspida\b", re.I)
_KIND = re.compile(
    r"\b(?P<k>rapat\s+koordinasi|rakor|rapat\s+terbatas|ratas|rapat\s+kerja|rakernis|"
    r"rapat|pertemuan|coffee\s+morning|silaturahmi)\b(?P<q>\s+(?:lintas\s+sektor(?:al)?|"
    r"terpadu|gabungan|kesiapan|pengamanan))?",
    re.I,
)
_KIND_NAMES = {
    "rapat koordinasi": "Rakor",
    "rakor": "Rakor",
    "rapat terbatas": "Rapat terbatas",
    "ratas": "Rapat terbatas",
    "rapat kerja": "Rapat kerja",
    "rakernis": "Rakernis",
    "rapat": "Rapat",
    "pertemuan": "Pertemuan",
    "coffee morning": "Coffee morning",
    "silaturahmi": "Silaturahmi",
}
_THEME = re.compile(
    r"\b(?:ber)?tema(?:kan)?\s*[:,]?\s*[\"“'‘](?P<t>[^\"”’]{5,200})[\"”'’]"
    r"|\bdengan\s+tema\s+(?P<t2>[A-Z][^.,;]{5,150})",
    re.I,
)
_HELD = re.compile(
    r"\b(?:telah|sudah|berlangsung|dihadiri|dipimpin|menghadiri|membuka|mengatakan|"
    r"menyampaikan|digelar|dilaksanakan|diselenggarakan)\b",
    re.I,
)
_PLAN = re.compile(
    r"\b(?:akan\s+(?:digelar|dilaksanakan|diselenggarakan|menggelar|melaksanakan|"
    r"mengadakan|diadakan|berlangsung|dilangsungkan)|dijadwalkan|direncanakan|rencananya|"
    r"surat\s+undangan|mengundang)\b",
    re.I,
)
# A headline names the meeting when it says what kind of meeting it was.
_MEETING_NAME = re.compile(
    r"\b(?:rakor\w*|rapat|ratas|pertemuan|coffee\s+morning|silaturahmi|apel|"
    r"koordinasi|forum\s+group\s+discussion|fgd|audiensi|halal\s+bihalal)\b",
    re.I,
)


@dataclass
class Signals:
    """How often the text names each election, and whether it says "pemilu" at all."""

    pilkada: int
    pemilu: int
    generic: bool
    pilkada_sent: int | None = None
    pemilu_sent: int | None = None


def election_signals(sentences: list[str], title: str | None) -> Signals:
    """Counts of Pilkada and Pemilu signals; the polling day named counts most."""
    texts = [*sentences, title or ""]
    body = "\n".join(texts)
    starts = list(accumulate((len(t) + 1 for t in texts[:-1]), initial=0))
    pilkada = [bisect_right(starts, m.start()) - 1 for m in _PILKADA.finditer(body)]
    pemilu = [bisect_right(starts, m.start()) - 1 for m in _PEMILU.finditer(body)]
    return Signals(
        len(pilkada) + 3 * bool(_PILKADA_DAY.search(body)),
        len(pemilu) + 3 * bool(_PEMILU_DAY.search(body)),
        bool(_GENERIC_VOTE.search(body)),
        Counter(pilkada).most_common(1)[0][0] if pilkada else None,
        Counter(pemilu).most_common(1)[0][0] if pemilu else None,
    )


def election(sig: Signals, meeting: date | None) -> str | None:
    """Pemilu 2024 or Pilkada 2024, judged from content and the meeting date."""
    pilkada, pemilu = sig.pilkada, sig.pemilu
    if meeting is not None:
        if date(2023, 1, 1) <= meeting <= date(2024, 2, 20):
            pemilu += 2
        elif date(2024, 3, 1) <= meeting <= date(2025, 3, 31):
            pilkada += 2
    if not pilkada and not pemilu:
        if not sig.generic:
            return None
        early = meeting is None or meeting <= date(2024, 2, 20)
        return "Pemilu 2024" if early else "Pilkada 2024"
    return "Pilkada 2024" if pilkada > pemilu else "Pemilu 2024"


def election_confidence(sig: Signals, chosen: str | None) -> float:
    """High when the text's own words agree, lower when only the date or "pemilu" says it."""
    if chosen is None:
        return 0.0
    own, other = (
        (sig.pilkada, sig.pemilu) if chosen == "Pilkada 2024" else (sig.pemilu, sig.pilkada)
    )
    if own and not other:
        return 0.95
    return 0.8 if own > other else 0.6


def meeting_kind(body: str, forum: bool) -> str | None:
    """ "Rakor Forkopimda", "Rakor lintas sektoral", "Rapat terbatas" ..."""
    m = _KIND.search(body)
    if not m:
        return "Rakor Forkopimda" if forum else None
    base = _KIND_NAMES.get(" ".join(m.group("k").lower().split()), "Rapat")
    q = (m.group("q") or "").strip().lower()
    if "lintas" in q:
        return f"{base} lintas sektoral"
    if forum:
        return f"{base} Forkopimda"
    return f"{base} {q}".strip()


def theme(sentences: list[str]) -> tuple[str | None, int | None]:
    """The quoted theme ("bertema ...") and its sentence."""
    for i, s in enumerate(sentences):
        tm = _THEME.search(s)
        if tm:
            return straight_quotes((tm.group("t") or tm.group("t2") or "").strip(" .,")), i
    return None, None


def status(sents: list[str], date_sent: int | None, start: date | None, pub: date | None) -> str:
    """ "scheduled" for invitations, plans and dates after publication, else "held"."""
    plans = {i for i, s in enumerate(sents) if _PLAN.search(s) and d.MEETING_WORDS.search(s)}
    later = start is not None and pub is not None and start > pub
    if plans and (date_sent is None or date_sent in plans or later):
        held = any(
            i not in plans and _HELD.search(s) and d.MEETING_WORDS.search(s)
            for i, s in enumerate(sents)
        )
        if not held or (date_sent is not None and date_sent in plans):
            return "scheduled"
    return "scheduled" if later else "held"


def names_meeting(headline: str | None) -> bool:
    """True when a headline says what kind of meeting it reports."""
    return bool(headline and _MEETING_NAME.search(headline))


def title(
    headline: str | None, kind: str | None, body: str | None, start: date | None
) -> str | None:
    """The headline when it names the meeting, else kind + body or region + date."""
    if names_meeting(headline):
        return headline
    if not kind and not body:
        return headline
    parts = [kind or "Rapat"]
    if body and body.lower() not in (kind or "").lower():
        parts.append(body)
    when = f", {start.day} {cal.MONTH_NAMES[start.month]} {start.year}" if start else ""
    return " ".join(parts) + when
