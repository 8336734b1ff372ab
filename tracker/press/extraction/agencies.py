"""Resolving mentions to canonical agencies, and finding chair, host and speakers."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from tracker.agencies import catalogue

from . import data
from .mentions import Mention
from .normalise import key as norm_key
from .places import Gazetteer, Place
from .registry import Entry, Registry

HOST_VERB = re.compile(
    r"\b(?:menggelar|melaksanakan|melakukan|menyelenggarakan|mengadakan|menginisiasi|gelar)\b"
    r"(?=[^.]{0,60}\b(?:rakor|rapat|ratas|pertemuan|koordinasi|kegiatan|acara)\b)",
    re.I,
)
CHAIR_ACTIVE = re.compile(r"\b(?:memimpin|membuka|pimpin)\b", re.I)
CHAIR_PASSIVE = re.compile(
    r"\b(?:dipimpin|dibuka)\s+(?:langsung\s+|secara\s+langsung\s+|resmi\s+)?(?:oleh\s+)?", re.I
)
ATTEND = re.compile(
    r"\b(?:dihadiri|hadir|menghadiri|diikuti|mengikuti|didampingi|mewakili|diwakili|peserta|"
    r"undangan|turut|unsur|bersama|antara\s+lain|di\s*antaranya|pemateri|narasumber|"
    r"pembicara|hadirnya|kehadiran)\b",
    re.I,
)
SPEAKER_CUE = re.compile(r"\b(?:pemateri|narasumber|nara\s+sumber|pembicara|panelis)\b", re.I)
SPEECH = re.compile(
    r"\b(?:mengatakan|menyampaikan|menjelaskan|menegaskan|menekankan|mengungkapkan|berpesan|"
    r"menggarisbawahi|memaparkan|mengharapkan|berharap|meminta|mengajak|mengimbau|menuturkan|"
    r"menyebutkan|menerangkan|menginstruksikan|memerintahkan|mengingatkan|menyatakan|"
    r"mengapresiasi|menilai|membuka|memberikan\s+(?:arahan|sambutan|paparan|materi)|"
    r"berkata|berujar)\b",
    re.I,
)
SAID_BY = re.compile(
    r"[,”\"]\s*(?:ujar|kata|tutur|ungkap|jelas|tegas|imbuh|ucap|terang|sebut|pungkas|papar)"
    r"(?:nya)?\s+",
    re.I,
)
REMARKS = re.compile(r"\b(?:paparan|arahan|sambutan|pemaparan)\s+(?:dari\s+|oleh\s+)?", re.I)
_FORUM = re.compile(
    r"\bFor\w{0,4}pi?m?\w{0,2}da\s+(?:(?P<lvl>Provinsi|Kota|Kabupaten|Kab\.)\s+)?", re.I
)
_COORD_GAP = re.compile(r"^\s*(?:,\s*)?(?:dan|serta|maupun|&|,)\s*(?:juga\s+)?$", re.I)
ROLE_ORDER = ("host", "chair", "speaker", "attendee")
# Bodies of a regency or city the catalogue names (tracker.agencies.catalogue).
_LOCAL_KEYS = frozenset(
    "polres kejari pn kpu bawaslu dprd pemkab pemkot kesbangpol satpolpp".split()
)
_NAME_WORD = re.compile(r"[A-Z][A-Za-z'\u2019\-]{3,}")


@dataclass
class Jurisdiction:
    """Where the meeting's forum belongs: a province, or a regency/city in a province."""

    level: str  # province | local
    place: Place | None = None
    generic: str | None = None  # local name not in the gazetteer
    province: Place | None = None


@dataclass
class Resolved:
    mention: Mention
    entry: Entry
    problem: str | None = None


@dataclass
class Person:
    name: str | None
    position: str | None
    entry: Entry | None
    sentence: int


@dataclass
class AgencyFindings:
    agencies: list[dict[str, object]] = field(default_factory=list)
    speakers: list[dict[str, object]] = field(default_factory=list)
    chair: dict[str, object] | None = None
    jurisdiction: Jurisdiction | None = None
    problems: list[str] = field(default_factory=list)


def _unsafe() -> dict[str, set[str]]:
    return {r["province_code"]: set(data.split(r["keys"])) for r in data.rows("unsafe_regions.csv")}


def _korem_table() -> dict[str, dict[str, str]]:
    return {r["number"]: r for r in data.rows("korem.csv")}


def _initials(name: str) -> str:
    return "".join(w[0] for w in name.split()).upper()


def find_chair(sentences: list[str], mentions: list[Mention]) -> Mention | None:
    """The mention that chairs/opens the meeting (memimpin, dipimpin oleh, membuka)."""
    by_sent: dict[int, list[Mention]] = {}
    for m in mentions:
        if not m.quoted:
            by_sent.setdefault(m.sent, []).append(m)
    for i, s in enumerate(sentences):
        ms = by_sent.get(i)
        if not ms:
            continue
        for pm in CHAIR_PASSIVE.finditer(s):
            after = [m for m in ms if pm.end() - 1 <= m.start <= pm.end() + 3]
            if after:
                return after[0]
        for am in CHAIR_ACTIVE.finditer(s):
            if am.group(0).lower() == "membuka" and not re.search(
                r"\b(?:rakor|rapat|ratas|pertemuan|kegiatan|acara)\b",
                s[am.end() : am.end() + 80],
                re.I,
            ):
                continue
            before = [m for m in ms if m.end <= am.start() and m.kind != "body"]
            if before:
                return before[0]
            before = [m for m in ms if m.end <= am.start()]
            if before:
                return before[0]
    return None


def _jurisdiction(
    sentences: list[str],
    mentions: list[Mention],
    chair: Mention | None,
    gaz: Gazetteer,
    venue_city: Place | None,
    venue_province: Place | None,
) -> Jurisdiction:
    def from_mention(m: Mention) -> Jurisdiction | None:
        if m.region is not None:
            if m.region.is_province:
                return Jurisdiction("province", m.region, province=m.region)
            return Jurisdiction("local", m.region, province=gaz.province_of(m.region))
        if m.generic_place:
            return Jurisdiction("local", None, generic=m.generic_place)
        return None

    if chair is not None and (j := from_mention(chair)):
        return j
    for s in sentences:
        for fm in _FORUM.finditer(s):
            gm = gaz.pattern.match(s, fm.end())
            if gm:
                lvl = (fm.group("lvl") or "").lower()
                place = gaz.lookup(
                    gm.group(0), "local" if lvl.startswith(("kota", "kab")) else None
                )
                if place is not None:
                    if place.is_province:
                        return Jurisdiction("province", place, province=place)
                    return Jurisdiction("local", place, province=gaz.province_of(place))
    counts: Counter[tuple[str, str]] = Counter()
    first: dict[tuple[str, str], Jurisdiction] = {}
    for m in mentions:
        if m.quoted:
            continue
        j = from_mention(m)
        if j is None:
            continue
        k = (j.level, j.place.name if j.place else j.generic or "")
        counts[k] += 1
        first.setdefault(k, j)
    if counts:
        local = [k for k in counts if k[0] == "local"]
        # A forum of a regency/city names its own local bodies more than anything else.
        if local and sum(counts[k] for k in local) >= sum(counts.values()) / 2:
            best = max(local, key=lambda k: counts[k])
        else:
            best = max(counts, key=lambda k: counts[k])
        j = first[best]
        if j.province is None and venue_province is not None:
            j.province = venue_province
        return j
    if venue_city is not None and not venue_city.is_province and not gaz.is_capital(venue_city):
        # Nobody's region is written: the place the meeting was held in or datelined
        # from ("MUARA TEWEH –") is the forum's, so a bare "Kapolres" is its Polres.
        # A province's capital hosts the province's meetings too: no such guess there.
        return Jurisdiction("local", venue_city, province=gaz.province_of(venue_city))
    if venue_province is not None:
        return Jurisdiction("province", venue_province, province=venue_province)
    if venue_city is not None:
        prov = gaz.province_of(venue_city)
        return Jurisdiction("province", prov, province=prov)
    return Jurisdiction("province")


class Resolver:
    """Mention -> canonical entry, given the jurisdiction and the meeting date."""

    def __init__(
        self, registry: Registry, gaz: Gazetteer, juris: Jurisdiction, on: date | None
    ) -> None:
        self.registry, self.gaz, self.juris, self.on = registry, gaz, juris, on
        self.seen: dict[str, Entry] = {}
        self.unsafe = _unsafe()
        self.korem = _korem_table()

    def _provincial(self, agency_key: str, province: Place | None, explicit: bool) -> Entry | None:
        if province is None:
            return self.registry.regionless(agency_key)
        if not explicit and agency_key in self.unsafe.get(province.province_code, set()):
            return self.registry.regionless(agency_key)
        return self.registry.provincial(agency_key, province, self.on) or self.registry.regionless(
            agency_key
        )

    def _command(self, m: Mention) -> Entry | None:
        """A Korem or Kodim by its number: the catalogue's, else korem.csv's, else as printed."""
        if not m.number:
            return None
        body = catalogue.by_key().get(f"{m.key}:{m.number}")
        base = "Korem" if m.key == "korem" else "Kodim"
        # A printed name the body does not answer to ("Kodim 0901/Balikpapan") stays printed.
        if body is not None and (
            not m.unit_name
            or any(
                body in catalogue.named(n)
                for n in (f"{base} {m.number}/{m.unit_name}", f"{base} {m.unit_name}")
            )
        ):
            return self.registry.from_body(body)
        head = "Danrem" if m.key == "korem" else "Dandim"
        row = self.korem.get(m.number) if m.key == "korem" else None
        if row:
            return Entry(f"Korem {m.number}/{row['name']}", "military", head)
        name = f"{base} {m.number}/{m.unit_name}" if m.unit_name else f"{base} {m.number}"
        return Entry(name, "military", head)

    def _local(
        self,
        agency_key: str,
        place: Place | None,
        generic: str | None,
        lvl: str | None,
        written: tuple[str, ...] = (),
    ) -> Entry | None:
        kind_hint = None
        if lvl:
            kind_hint = "city" if lvl.lower().startswith("kota") else "regency"
        if agency_key == "pemda":
            kind = kind_hint or (place.kind if place else "regency")
            agency_key = "pemkot" if kind == "city" else "pemkab"
        if place is not None:
            return self.registry.local(agency_key, place, kind_hint)
        if generic:
            province = self._province_code()
            return self.registry.local(agency_key, generic, kind_hint, written, province)
        return None

    def _province_code(self) -> str | None:
        return self.juris.province.province_code if self.juris.province else None

    def resolve(self, m: Mention) -> tuple[Entry | None, str | None]:
        k = m.key
        if m.national:
            name = k.split(":", 1)[1]
            e = self.registry.by_name(name, self.on)
            return (e or Entry(name, "national")), None
        if k == "kodam":
            prov = self.juris.province
            return self.registry.kodam(m.number, m.unit_name, self.on, prov)
        if k in ("korem", "kodim"):
            return self._command(m), None
        if k in ("koarmada", "lantamal"):
            base = "Koarmada" if k == "koarmada" else "Lantamal"
            return Entry(f"{base} {m.number}" if m.number else base, "military"), None
        if k in ("lanal", "lanud"):
            base = k.capitalize()
            return (Entry(f"{base} {m.unit_name}", "military") if m.unit_name else None), None
        if k in ("polsek", "koramil"):
            return None, None
        # Aliases first: "DPRA", "Polda Metro Jaya", "KIP Aceh", "Kejaksaan Tinggi Kaltim".
        if m.body_text and m.region_text:
            e = self.registry.by_name(f"{m.body_text} {m.region_text}", self.on)
            if e is not None:
                return e, None
        if m.body_text and not m.region_text:
            e = self.registry.by_name(m.body_text, self.on)
            if e is not None and (e.region_short or e.kind in ("ministry", "national")):
                if m.body_text.upper() in ("DPRA", "DPRP"):
                    return e, None
        region, generic, lvl = m.region, m.generic_place, m.region_level
        if region is None and generic is None and k in _LOCAL_KEYS:
            # A body's whole name without a region word: "Polres Metro" (Kota Metro).
            e = self.registry.named_local(k, _written(m), self._province_code())
            if e is not None:
                return e, None
        if region is None and generic is None:
            if m.level == "inherit" and k in self.seen:
                return self.seen[k], None
            if m.level == "inherit" and k == "pemda":
                for gk in ("pemprov", "pemkot", "pemkab"):
                    if gk in self.seen:
                        return self.seen[gk], None
            j = self.juris
            if m.level in ("province",) or (
                m.level in ("any", "inherit") and j.level == "province"
            ):
                if k in ("polres", "kejari", "pn", "pemkab", "pemkot", "kodim"):
                    return None, None
                agency_key = "pemprov" if k == "pemda" else k
                return self._provincial(agency_key, j.province, explicit=False), None
            if j.level == "local":
                if k in ("polda", "kejati", "binda", "pt", "pemprov"):
                    return self._provincial(k, j.province, explicit=False), None
                return self._local(k, j.place, j.generic, None), None
            return None, None
        if region is not None and region.is_province:
            if k in ("polres", "kejari", "pn", "pemkab", "pemkot", "kodim"):
                return None, None
            agency_key = "pemprov" if k == "pemda" else k
            return self._provincial(agency_key, region, explicit=True), None
        # A regency/city (known or not).
        if k in ("polda", "kejati", "binda", "pt", "pemprov"):
            prov = self.gaz.province_of(region) if region else self.juris.province
            return self._provincial(k, prov, explicit=region is not None), None
        return self._local(k, region, generic, lvl, _written(m)), None


def _written(m: Mention) -> tuple[str, ...]:
    """The mention's own names of its body: "Polrestro Bekasi", "Kapolres Inhu", "Ketua KPU X"."""
    forms = [(m.body_text, m.region_text), (m.title, m.body_text, m.region_text)]
    return tuple(" ".join(w for w in f if w) for f in forms if f[0])


def _coordinate(mentions: list[Mention], sentences: list[str]) -> None:
    """ "Ketua KPU dan Bawaslu Maluku": the region written once applies to both bodies."""
    for a, b in zip(mentions, mentions[1:], strict=False):
        if a.sent != b.sent or a.region_text or a.generic_place or not b.region_text:
            continue
        if a.key not in ("kpu", "bawaslu", "dprd", "kesbangpol"):
            continue
        gap = sentences[a.sent][a.end : b.start]
        if _COORD_GAP.match(gap):
            a.region, a.region_text = b.region, b.region_text
            a.region_level, a.generic_place = b.region_level, b.generic_place


def analyse(
    sentences: list[str],
    mentions: list[Mention],
    registry: Registry,
    gaz: Gazetteer,
    on: date | None,
    venue_city: Place | None,
    venue_province: Place | None,
    forum_meeting: bool,
) -> AgencyFindings:
    """Canonical agencies with roles and evidence, the chair and the speakers."""
    out = AgencyFindings()
    _coordinate(mentions, sentences)
    chair_m = find_chair(sentences, mentions)
    juris = _jurisdiction(sentences, mentions, chair_m, gaz, venue_city, venue_province)
    out.jurisdiction = juris
    resolver = Resolver(registry, gaz, juris, on)
    # Explicitly located mentions first so that "Kapolda" alone can inherit "Polda Maluku".
    resolved: dict[int, Entry] = {}
    for idx in sorted(
        range(len(mentions)),
        key=lambda i: mentions[i].region is None and mentions[i].generic_place is None,
    ):
        m = mentions[idx]
        e, problem = resolver.resolve(m)
        if e is None:
            continue
        resolved[idx] = e
        if problem and problem not in out.problems:
            out.problems.append(problem)
        base = "pemprov" if m.key == "pemda" and e.short_name.startswith("Pemprov") else m.key
        if m.region is not None or m.generic_place is not None or m.level != "inherit":
            resolver.seen.setdefault(base, e)
            if e.short_name.startswith("Pemkot"):
                resolver.seen.setdefault("pemkot", e)
            if e.short_name.startswith("Pemkab"):
                resolver.seen.setdefault("pemkab", e)
    roles: dict[str, dict[str, object]] = {}

    def add(e: Entry, role: str, sent: int) -> None:
        item = roles.get(e.short_name)
        if item is None:
            item = {"name": e.short_name, "roles": [], "evidence": sentences[sent], "_rank": 9}
            roles[e.short_name] = item
        rs = item["roles"]
        assert isinstance(rs, list)
        if role not in rs:
            rs.append(role)
            rs.sort(key=ROLE_ORDER.index)
        rank = ROLE_ORDER.index(role)
        # Evidence: the sentence for the agency's most telling role (chair, host, speaker).
        order = {"chair": 0, "host": 1, "speaker": 2, "attendee": 3}[role]
        if order < int(item["_rank"]):  # type: ignore[call-overload]
            item["_rank"] = order
            item["evidence"] = sentences[sent]
        del rank

    persons: list[Person] = []
    for idx, m in enumerate(mentions):
        e = resolved.get(idx)
        if e is not None and m.person:
            persons.append(Person(m.person, _position(m, e), e, m.sent))

    def person_for(m: Mention, e: Entry | None) -> Person:
        if m.person:
            return Person(m.person, _position(m, e), e, m.sent)
        for p in persons:
            if (
                e is not None
                and p.entry == e
                and m.title
                and p.position
                and _same_title(m.title, p.position)
            ):
                return Person(p.name, p.position, e, m.sent)
        return Person(None, _position(m, e) if m.kind != "body" else None, e, m.sent)

    # Chair.
    chair_entry = resolved.get(mentions.index(chair_m)) if chair_m is not None else None
    if chair_m is not None:
        p = person_for(chair_m, chair_entry)
        out.chair = {
            "name": p.name,
            "position": p.position,
            "agency": chair_entry.short_name if chair_entry else None,
        }
        if chair_entry is not None:
            add(chair_entry, "chair", chair_m.sent)
    # Hosts, attendees, speakers.
    speakers: dict[tuple[object, ...], dict[str, object]] = {}

    def add_speaker(p: Person, sent: int) -> None:
        agency = p.entry.short_name if p.entry else None
        k = (p.name or "", agency) if p.name else ("", agency, p.position)
        if p.name:
            for existing in list(speakers):
                if existing[0] == p.name:
                    return
        if k in speakers:
            return
        speakers[k] = {
            "name": p.name,
            "position": p.position,
            "agency": agency,
            "evidence": sentences[sent],
        }
        if p.entry is not None:
            add(p.entry, "speaker", sent)

    by_sent: dict[int, list[Mention]] = {}
    for m in mentions:
        by_sent.setdefault(m.sent, []).append(m)
    # Per-sentence cue searches, done once (many mentions share a sentence).
    attend = [ATTEND.search(s) is not None for s in sentences]
    cue_at = [SPEAKER_CUE.search(s) for s in sentences]
    remarks_at = [REMARKS.search(s) for s in sentences]
    speech_at = [SPEECH.search(s) for s in sentences]
    for idx, m in enumerate(mentions):
        e = resolved.get(idx)
        if e is None or m.quoted:
            continue
        s = sentences[m.sent]
        host_verb = HOST_VERB.search(s, m.end)
        is_subject = (
            host_verb is not None
            and not any(
                m.end <= o.start < host_verb.start() and o.kind != "body" for o in by_sent[m.sent]
            )
            and host_verb.start() - m.end < 60
            and not re.search(r"\b(?:yang|dan|serta)\b", s[m.end : host_verb.start()])
        )
        cue = attend[m.sent]
        if m.kind == "body" and not (is_subject or cue or m is chair_m):
            continue  # a body named in passing ("survei yang dilakukan Kemendagri")
        if is_subject and m.kind == "body" or (is_subject and m.start < 40):
            add(e, "host", m.sent)
        elif m is not chair_m:
            add(e, "attendee", m.sent)
        cue_m = cue_at[m.sent]
        if cue_m and m.start > cue_m.start():
            add_speaker(person_for(m, e), m.sent)
            continue
        rm = remarks_at[m.sent]
        if rm and 0 <= m.start - rm.end() <= 3:
            add_speaker(person_for(m, e), m.sent)
            continue
        sp = speech_at[m.sent]
        if sp and m.end <= sp.start() and not ATTEND.search(s[m.end : sp.start()]):
            first = [o for o in by_sent[m.sent] if not o.quoted and o.end <= sp.start()]
            if first and first[0] is m and not _quote_before(s, sp.start()):
                add_speaker(person_for(m, e), m.sent)
    # Speech by a person named earlier ("Akmal mengatakan", "ujar Irjen Pol. Nanang").
    known = [p for p in persons if p.name]
    if chair_m is not None and out.chair and out.chair.get("name"):
        known.insert(
            0, Person(str(out.chair["name"]), out.chair.get("position"), chair_entry, chair_m.sent)
        )  # type: ignore[arg-type]
    token_owner: dict[str, Person] = {}
    for p in known:
        for tok in (p.name or "").split():
            if len(tok) >= 4 and tok[0].isupper():
                token_owner.setdefault(tok, p)
    for i, s in enumerate(sentences):
        refs: list[tuple[int, Person]] = []
        if token_owner:
            for wm in _NAME_WORD.finditer(s):
                owner = token_owner.get(wm.group(0))
                if owner is not None:
                    refs.append((wm.start(), owner))
        if not refs:
            continue
        sp = speech_at[i]
        for pos, p in sorted(refs, key=lambda r: r[0]):
            said = SAID_BY.search(s[max(0, pos - 40) : pos])
            subject = (
                sp is not None
                and pos < sp.start()
                and sp.start() - pos < 60
                and not _quote_before(s, pos)
            )
            if said or subject:
                add_speaker(p, i)
                break
    out.speakers = list(speakers.values())
    # A forum meeting with nobody named as organiser is the regional government's.
    if forum_meeting and not any(
        "host" in r["roles"] or "chair" in r["roles"] for r in roles.values()
    ):  # type: ignore[operator]
        gov = None
        if juris.level == "province" and juris.province is not None:
            gov = registry.provincial("pemprov", juris.province, on)
        elif juris.level == "local" and (juris.place or juris.generic):
            gov = resolver._local("pemda", juris.place, juris.generic, None)
        if gov is not None and not roles:
            forum_sent = next((i for i, s in enumerate(sentences) if _FORUM.search(s)), 0)
            add(gov, "host", forum_sent)
    if chair_entry is not None and not any("host" in r["roles"] for r in roles.values()):  # type: ignore[operator]
        add(chair_entry, "host", chair_m.sent if chair_m else 0)
    for item in roles.values():
        item.pop("_rank", None)
        rs = item["roles"]
        assert isinstance(rs, list)
        if len(rs) > 1 and "attendee" in rs:
            rs.remove("attendee")  # attending is implied by any other role
        out.agencies.append(item)
    return out


def _quote_before(s: str, pos: int) -> bool:
    """True when ``pos`` sits inside an open quotation."""
    head = s[:pos]
    return head.count("“") > head.count("”") or head.count('"') % 2 == 1


def _same_title(a: str, b: str) -> bool:
    ta = norm_key(a).split()
    tb = norm_key(b).split()
    core = [t for t in ta if t not in ("pj", "pjs", "plt", "plh", "penjabat")]
    return bool(core) and all(t in tb for t in core)


def _position(m: Mention, e: Entry | None) -> str | None:
    """The official's position as written, with Pj/Penjabat normalised."""
    if m.kind == "body":
        return None
    title = m.title or ""
    title = re.sub(r"^Penjabat\b", "Pj", title)
    title = re.sub(r"^(Pj|Pjs|Plt|Plh)\.", r"\1", title)
    if m.key == "kodam" and e is not None:
        return f"{title} {e.short_name.removeprefix('Kodam ')}".strip()
    if m.key in ("korem", "kodim") and e is not None:
        return f"{title} {e.short_name.split(' ', 1)[1]}".strip()
    if m.level == "inherit" and not m.body_text and not m.region_text and e is not None:
        return f"{title} {e.short_name}"  # "Kabidhumas" -> "Kabidhumas Polda Kalteng"
    parts = [title]
    if m.body_text:
        parts.append(m.body_text)
    if m.region_text:
        parts.append(m.region_text)
    elif m.number:
        parts.append(m.number)
    return " ".join(p for p in parts if p) or None
