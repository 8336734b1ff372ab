"""The extractor: text in, proposed meeting fields with evidence and warnings out."""

from __future__ import annotations

import re
from collections import Counter
from datetime import date, timedelta
from typing import Any

from tracker import reference

from . import agencies as agency_mod
from . import data
from . import dates as d
from . import mentions as mention_mod
from .normalise import straight_quotes
from .places import Gazetteer, Place, gazetteer
from .registry import Registry, default_registry
from .text import Document, clean
from .venue import dateline_places, find_venue

KEYS = (
    "title",
    "meeting_kind",
    "theme",
    "start_date",
    "start_time",
    "end_time",
    "timezone",
    "venue_name",
    "venue_address",
    "city",
    "province",
    "chair",
    "agencies",
    "collective_attendees",
    "speakers",
    "election",
    "warnings",
)

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
_FORUM = re.compile(r"\bfor\w{0,4}pi?m?\w{0,2}da\b|\bforum\s+ko\w+\s+pimpinan\b|\bmuspida\b", re.I)
_KIND = re.compile(
    r"\b(?P<k>rapat\s+koordinasi|rakor|rapat\s+terbatas|ratas|rapat\s+kerja|rakernis|"
    r"rapat|pertemuan|coffee\s+morning|silaturahmi)\b(?P<q>\s+(?:lintas\s+sektor(?:al)?|"
    r"terpadu|gabungan|kesiapan|pengamanan))?",
    re.I,
)
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
_SE = re.compile(r"\bse[-\s]+(?=(?:Kota|Kabupaten|Kab\.|Provinsi|[A-Z]))")
_GROUP_DELIM = re.compile(
    r"(?:,|;|:|\(|\bdan\b|\bserta\b|\bmaupun\b|\boleh\b|\bdari\b|\bhadir\b|\bdihadiri\b|"
    r"\bdiikuti\b|\bjuga\b|\bpara\b(?=\s+\w+\s*$))",
    re.I,
)


def _elections() -> dict[str, date]:
    return {e.name: e.polling_day for e in reference.elections()}


def _empty() -> dict[str, Any]:
    out: dict[str, Any] = {k: None for k in KEYS}
    out.update(agencies=[], collective_attendees=[], speakers=[], warnings=[], suggested_date=None)
    return out


def _warn(code: str, message: str, suggested: date | None = None) -> dict[str, Any]:
    return {
        "code": code,
        "message": message,
        "suggested_date": suggested.isoformat() if suggested else None,
    }


def _fmt(day: date) -> str:
    return f"{d.WEEKDAY_NAMES[day.weekday()]}, {day.day} {d.MONTH_NAMES[day.month]} {day.year}"


def extract(
    text: str, published: date | None = None, registry: Registry | None = None
) -> dict[str, Any]:
    """Propose the meeting's fields from a press release (plain text or pasted HTML)."""
    out = _empty()
    if not isinstance(text, str) or not text.strip():
        out["warnings"].append(_warn("date_missing", "Tanggal rapat tidak ditemukan."))
        return out
    doc = clean(text)
    return _extract(doc, published, registry or default_registry(), gazetteer(), out)


def _header_date(doc: Document) -> date | None:
    """A publication date in the page header (first lines), used when none is given."""
    for s in doc.sentences[:2]:
        m = d.LONG_DATE.search(s[:80])
        if m and m["y"]:
            try:
                return date(int(m["y"]), d.MONTHS[m["mon"].lower()], int(m["d"]))
            except ValueError:
                return None
    return None


def _election_signals(doc: Document) -> tuple[int, int, bool]:
    """Counts of Pilkada and Pemilu signals in the text, and whether "pemilu" occurs."""
    body = " ".join(doc.sentences) + " " + (doc.title or "")
    pilkada = len(_PILKADA.findall(body))
    pemilu = len(_PEMILU.findall(body))
    # The polling day named in the text is the strongest signal of which vote it is.
    if re.search(r"\b27\s+(?:november|nopember)\s+2024\b", body, re.I):
        pilkada += 3
    if re.search(r"\b14\s+(?:februari|pebruari)\s+2024\b", body, re.I):
        pemilu += 3
    generic = re.search(r"\bpemilu\b|\bpesta\s+demokrasi\b", body, re.I) is not None
    return pilkada, pemilu, generic


def _election(signals: tuple[int, int, bool], meeting: date | None) -> str | None:
    """Pemilu 2024 or Pilkada 2024, judged from content and the meeting date."""
    pilkada, pemilu, generic = signals
    if meeting is not None:
        if date(2023, 1, 1) <= meeting <= date(2024, 2, 20):
            pemilu += 2
        elif date(2024, 3, 1) <= meeting <= date(2025, 3, 31):
            pilkada += 2
    if not pilkada and not pemilu:
        if generic:
            return (
                "Pemilu 2024" if meeting is None or meeting <= date(2024, 2, 20) else "Pilkada 2024"
            )
        return None
    return "Pilkada 2024" if pilkada > pemilu else "Pemilu 2024"


def _collectives(doc: Document, gaz: Gazetteer) -> list[str]:
    out: list[str] = []
    groups = data.words("groups.txt")
    for s in doc.sentences:
        if not agency_mod.ATTEND.search(s):
            continue
        for m in _SE.finditer(s):
            head = s[max(0, m.start() - 60) : m.start()]
            cut = list(_GROUP_DELIM.finditer(head))
            group = head[cut[-1].end() :] if cut else head
            group = group.strip(" ,")
            if (
                not group
                or len(group.split()) > 5
                or re.search(r"(?i)forkopimda|forum|rakor|rapat|pemda\b", group)
            ):
                continue
            tail = re.match(
                r"(?:(?:Kota|Kabupaten|Kab\.|Provinsi)\s+)?[A-Z][\w]*(?:\s+[A-Z][\w]*){0,2}",
                s[m.end() :],
            )
            if not tail:
                continue
            place = tail.group(0)
            out.append(f"{group} se-{place}")
        low = s.lower()
        for g in groups:
            if g.lower() in low:
                out.append(g)
    return list(dict.fromkeys(out))


def _extract(
    doc: Document, published: date | None, registry: Registry, gaz: Gazetteer, out: dict[str, Any]
) -> dict[str, Any]:
    sents = doc.sentences
    out["title"] = doc.title
    pub = published or _header_date(doc)
    findings = d.find(sents)
    elections = _elections()
    body = " ".join(sents)

    # --- election context, used to resolve years and countdowns -------------------
    signals = _election_signals(doc)
    prelim = _election(signals, None)
    anchor = elections.get(prelim) if prelim else None

    # --- date candidates -------------------------------------------------------
    warnings: list[dict[str, Any]] = []
    explicit = [m for m in findings.mentions if m.kind in ("paren", "long", "plain")]
    polling = set(elections.values())
    inferred_year = False
    for m in explicit:
        m.resolved, inferred = d.resolve_year(m, pub, anchor)
        m.score = 0.0
        if m.resolved is None:
            m.score = -99
            continue
        if inferred:
            m.score -= 1
        if m.weekday is not None:
            m.score += 3
        if m.meeting_context:
            m.score += 3
        if m.attribution:
            m.score -= 2
        if m.resolved in polling and m.weekday is None:
            m.score -= 8  # the polling day itself, quoted as context
        if not (date(2015, 1, 1) <= m.resolved <= date(2035, 12, 31)):
            m.score -= 5
        m.score -= 0.05 * m.sent
    ranked = sorted((m for m in explicit if m.score > -50), key=lambda m: -m.score)
    chosen = ranked[0] if ranked and ranked[0].score > -3 else None
    start: date | None = None
    suggested: date | None = None
    if chosen is not None:
        start = chosen.resolved
        inferred_year = not chosen.year_given
        if inferred_year and start is not None:
            basis = "tanggal terbit" if pub else "konteks pemilihan"
            warnings.append(
                _warn(
                    "year_inferred",
                    f"Tahun tidak ditulis; {start.year} disimpulkan dari {basis}.",
                    start,
                )
            )
    else:
        wd_only = [m for m in findings.mentions if m.kind == "weekday" and m.meeting_context]
        rel = [m for m in findings.mentions if m.kind == "relative" and m.meeting_context]
        if wd_only:
            m0 = wd_only[0]
            if pub is not None and m0.weekday is not None:
                back = (pub.weekday() - m0.weekday) % 7
                start = pub - timedelta(days=back)
                if d.FUTURE.search(sents[m0.sent]):
                    start = pub + timedelta(days=(m0.weekday - pub.weekday()) % 7)
                warnings.append(
                    _warn(
                        "weekday_only",
                        f"Hanya hari yang ditulis ({d.WEEKDAY_NAMES[m0.weekday]}); tanggal "
                        f"{start.isoformat()} disimpulkan dari tanggal terbit.",
                        start,
                    )
                )
            else:
                warnings.append(
                    _warn(
                        "weekday_only",
                        "Hanya hari yang ditulis, tanpa tanggal; tanggal terbit diperlukan.",
                        None,
                    )
                )
        elif rel and pub is not None:
            word = rel[0].text.lower()
            offset = {"hari ini": 0, "kemarin": -1, "kemarin lusa": -2, "besok": 1, "lusa": 2}.get(
                " ".join(word.split()), 0
            )
            start = pub + timedelta(days=offset)
            warnings.append(
                _warn(
                    "relative_date",
                    f'Tanggal disimpulkan dari kata "{rel[0].text}" dan tanggal terbit.',
                    start,
                )
            )

    # --- countdown -------------------------------------------------------------
    countdown_date: date | None = None
    if findings.countdowns:
        target = anchor
        if target is None:
            ref = start or pub
            future = sorted(e for e in polling if ref is None or e >= ref - timedelta(days=1))
            target = future[0] if future else None
        if target is not None:
            countdown_date = target - timedelta(days=findings.countdowns[0].days)
    if start is None and countdown_date is not None:
        start = countdown_date
        warnings.append(
            _warn(
                "date_from_countdown",
                f'Tanggal disimpulkan dari hitung mundur "{findings.countdowns[0].text}".',
                countdown_date,
            )
        )

    # --- weekday checks ----------------------------------------------------------
    if chosen is not None and start is not None:
        same = [m for m in explicit if m.resolved == start]
        wrong = [m for m in same if m.weekday is not None and m.weekday != start.weekday()]
        right = [m for m in same if m.weekday is not None and m.weekday == start.weekday()]
        if wrong:
            w = wrong[0]
            assert w.weekday is not None
            if countdown_date is not None and countdown_date != start:
                suggested = countdown_date
            elif right:
                suggested = start
            else:
                alts = d.alternatives(start, w.weekday)
                if pub is not None:
                    near = [a for a in alts if a <= pub + timedelta(days=1)]
                    alts = sorted(near or alts, key=lambda a: abs((pub - a).days))
                suggested = alts[0] if alts else None
            written = d.WEEKDAY_NAMES[w.weekday]
            msg = (
                f'Hari "{written}" tidak cocok dengan tanggal {start.day} '
                f"{d.MONTH_NAMES[start.month]} {start.year} ({d.WEEKDAY_NAMES[start.weekday()]})."
            )
            if suggested is not None and suggested != start:
                msg += f" Kemungkinan tanggal sebenarnya {_fmt(suggested)}."
            warnings.append(_warn("weekday_mismatch", msg, suggested))
        for m in explicit:
            if (
                m.resolved
                and m.resolved != start
                and m.weekday is not None
                and m.weekday != m.resolved.weekday()
                and m.score > 0
            ):
                warnings.append(
                    _warn(
                        "weekday_mismatch",
                        f'Hari "{d.WEEKDAY_NAMES[m.weekday]}" tidak cocok dengan tanggal '
                        f"{m.resolved.isoformat()} pada kalimat lain.",
                        None,
                    )
                )
        if countdown_date is not None and countdown_date != start:
            warnings.append(
                _warn(
                    "countdown_mismatch",
                    f'Hitung mundur "{findings.countdowns[0].text}" menunjuk ke '
                    f"{_fmt(countdown_date)}, bukan tanggal yang ditulis.",
                    countdown_date,
                )
            )
        distinct = {m.resolved for m in ranked if m.resolved and m.score >= 2 and not m.attribution}
        distinct.discard(start)
        if distinct:
            others = ", ".join(sorted(x.isoformat() for x in distinct))
            warnings.append(
                _warn(
                    "several_dates",
                    f"Ada lebih dari satu tanggal rapat yang mungkin: "
                    f"{start.isoformat()}, {others}.",
                    None,
                )
            )
    if start is None and not any(w["code"] == "weekday_only" for w in warnings):
        warnings.append(_warn("date_missing", "Tanggal rapat tidak ditemukan dalam teks.", None))
    out["start_date"] = start.isoformat() if start else None
    out["suggested_date"] = (suggested or start).isoformat() if (suggested or start) else None

    # --- scheduled only ------------------------------------------------------------
    date_sent = chosen.sent if chosen is not None else None
    plan_sents = [i for i, s in enumerate(sents) if _PLAN.search(s) and d.MEETING_WORDS.search(s)]
    if plan_sents and (
        date_sent is None
        or date_sent in plan_sents
        or pub is not None
        and start is not None
        and start > pub
    ):
        held = [
            i
            for i, s in enumerate(sents)
            if i not in plan_sents and _HELD.search(s) and d.MEETING_WORDS.search(s)
        ]
        if not held or (date_sent is not None and date_sent in plan_sents):
            warnings.append(
                _warn(
                    "scheduled_only",
                    "Teks melaporkan rencana atau undangan rapat, "
                    "belum tentu rapat sudah berlangsung.",
                    None,
                )
            )

    # --- venue, city, province ---------------------------------------------------------
    # A regency and a city sharing a name are told apart by what this text says.
    gaz = gaz.in_context(body, dateline_places(doc.lines[0], gaz) if doc.lines else [])
    prefer = [chosen.sent] if chosen is not None else []
    venue = find_venue(sents, gaz, prefer)
    out["venue_name"] = venue.name
    out["venue_address"] = venue.address
    city: Place | None = venue.city
    dl = dateline_places(doc.lines[0], gaz) if doc.lines else []
    if city is None:
        city = next((p for p in dl if not p.is_province), None)
    province: Place | None = gaz.province_of(city) if city else venue.province

    # --- agencies --------------------------------------------------------------------
    ments = mention_mod.find(sents, gaz)
    forum = bool(_FORUM.search(body))
    found = agency_mod.analyse(
        sents,
        ments,
        registry,
        gaz,
        start,
        city,
        province or next((p for p in dl if p.is_province), None),
        forum,
    )
    juris = found.jurisdiction
    if province is None and juris is not None and juris.province is not None:
        province = juris.province
    if province is None:
        provs = Counter(
            p.name
            for p in (gaz.lookup(m.group(0)) for m in gaz.pattern.finditer(body))
            if p and p.is_province
        )
        if provs:
            province = gaz.lookup(provs.most_common(1)[0][0], "province")
    if province is None:
        # "Bogor" alone is the regency or the city, but Jawa Barat either way.
        shared = {p.province_code for places in gaz.unsettled() for p in places}
        if len(shared) == 1:
            province = gaz.provinces[shared.pop()]
    if city is None and juris is not None and juris.level == "local" and juris.place is not None:
        # A regency's forum ("Polres Agam menggelar rakor") is held in the regency.
        city = juris.place
    out["city"] = city.name if city else None
    if city is None:
        warnings.extend(_ambiguous_place(places) for places in gaz.unsettled())
    out["province"] = province.province_name if province else None
    out["agencies"] = found.agencies
    out["speakers"] = found.speakers
    out["chair"] = found.chair
    for problem in found.problems:
        warnings.append(_warn("kodam_mismatch", problem, None))
    out["collective_attendees"] = _collectives(doc, gaz)

    # --- time and zone ------------------------------------------------------------------
    times = findings.times
    pick = None
    if chosen is not None:
        pick = next((t for t in times if t.sent == chosen.sent), None)
    if pick is None:
        pick = next((t for t in times if d.MEETING_WORDS.search(sents[t.sent])), None)
    if pick is None and times:
        pick = times[0]
    if pick is not None:
        out["start_time"] = f"{pick.hour:02d}:{pick.minute:02d}"
        if pick.end_hour is not None:
            out["end_time"] = f"{pick.end_hour:02d}:{pick.end_minute or 0:02d}"
    zone = (pick.zone if pick and pick.zone else None) or (
        findings.zones[0] if findings.zones and pick else None
    )
    ptz = province.timezone if province else None
    if zone:
        out["timezone"] = d.iana_for(zone, ptz)
    elif ptz:
        out["timezone"] = ptz
    elif findings.zones:
        out["timezone"] = d.iana_for(findings.zones[0], None)

    # --- kind, theme, election ----------------------------------------------------------
    out["meeting_kind"] = _meeting_kind(body, forum)
    tm = _THEME.search(body)
    if tm:
        out["theme"] = straight_quotes((tm.group("t") or tm.group("t2") or "").strip(" .,"))
    out["election"] = _election(signals, start)
    out["warnings"] = warnings
    return out


def _ambiguous_place(places: tuple[Place, ...]) -> dict[str, Any]:
    """The warning for a name that is a regency and a city, left blank rather than guessed."""
    provinces = {p.province_code for p in places}
    names = [
        f"{'Kota' if p.kind == 'city' else 'Kabupaten'} {p.name}"
        + (f" ({p.province_name})" if len(provinces) > 1 else "")
        for p in sorted(places, key=lambda p: (p.kind != "regency", p.province_name))
    ]
    message = (
        f"{len(names)} kemungkinan tempat: {', '.join(names)}; "
        "kota/kabupaten dikosongkan karena teks tidak menyebut yang mana."
    )
    return _warn("place_ambiguous", message)


def _meeting_kind(body: str, forum: bool) -> str | None:
    m = _KIND.search(body)
    if not m:
        return "Rakor Forkopimda" if forum else None
    k = m.group("k").lower()
    base = {
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
    }.get(" ".join(k.split()), "Rapat")
    q = (m.group("q") or "").strip().lower()
    if "lintas" in q:
        return f"{base} lintas sektoral"
    if forum:
        return f"{base} Forkopimda"
    return f"{base} {q}".strip()
