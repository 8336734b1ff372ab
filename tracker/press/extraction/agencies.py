"""Stage: the participants: canonical agencies with roles and evidence, chair and speakers.

Mentions (``mentions.find``) are resolved (``resolve.Resolver``) within the forum's
jurisdiction (``jurisdiction.find``); then each sentence's cues give roles: hosting
("menggelar rakor"), chairing (``chair.find_chair``), attending ("dihadiri", "turut
hadir") and speaking ("menyampaikan", "pemateri", "ujar X").
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from . import jurisdiction as juris_mod
from .attendance import attendance, represented
from .chair import find_chairs
from .jurisdiction import Jurisdiction
from .mentions import Mention
from .normalise import key as norm_key
from .notes import warning
from .places import Gazetteer, Place
from .registry import Entry, Registry
from .resolve import Resolver, coordinate

HOST_VERB = re.compile(
    r"\b(?:menggelar|melaksanakan|melakukan|menyelenggarakan|mengadakan|menginisiasi|gelar)\b"
    r"(?=[^.]{0,60}\b(?:rakor|rapat|ratas|pertemuan|koordinasi|kegiatan|acara|apel|"
    r"coffee\s+morning|silaturahmi|diskusi|fgd|audiensi)\b)",
    re.I,
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
    r"mengapresiasi|menilai|membuka|menambahkan|meng?himbau|melaporkan|menyoroti|"
    r"mengonfirmasi|menginformasikan|mengungkap|menyebut|"
    r"memberikan\s+(?:arahan|sambutan|paparan|materi|pengarahan|penjelasan)|"
    r"berkata|berujar)\b",
    re.I,
)
_SAID = (
    r"[,”\"]\s*(?:ujar|kata|tutur|ungkap|jelas|tegas|imbuh|ucap|terang|sebut|pungkas|papar)"
    r"(?:nya)?\s+"
)
SAID_BY = re.compile(_SAID, re.I)  # "...,” ujar X" somewhere before a name
SAID_AT = re.compile(_SAID + "$", re.I)  # right before it
_REMARKS = r"\b(?:paparan|arahan|sambutan|pemaparan)\s+(?:dari\s+|oleh\s+)?"
REMARKS = re.compile(_REMARKS, re.I)
_REMARKS_OF = re.compile(_REMARKS + r"$", re.I)
# A sentence opening so reports another event ("Di tempat terpisah, Kapolri memimpin ...").
ELSEWHERE = re.compile(
    r"^\W{0,3}(?:di\s+tingkat|pada\s+tingkat|di\s+tempat\s+(?:terpisah|lain|berbeda)|"
    r"di\s+lokasi\s+(?:terpisah|lain|berbeda)|secara\s+nasional|sementara\s+itu,?\s+di\b|"
    r"sebelumnya,?\s+(?:di|pada)\b)",
    re.I,
)
# "membacakan sambutan Kapolri", "amanat Gubernur yang dibacakan oleh ...": the speech
# of someone absent, read out by another.
_READ_OUT_BEFORE = re.compile(
    r"\b(?:membacakan|dibacakan|bacakan)\s+(?:naskah\s+)?(?:sambutan|amanat|arahan|pidato)"
    r"(?:\s+tertulis)?\s+(?:dari\s+)?$",
    re.I,
)
_READ_OUT_AFTER = re.compile(r"^[\s,]*(?:\S+\s+){0,6}?yang\s+dibacakan\b", re.I)
# Statements to reporters, not speech at the meeting.
_TO_PRESS = re.compile(
    r"\b(?:kepada|di\s+hadapan)\s+(?:para\s+|tim\s+)?(?:wartawan|awak\s+media|media|"
    r"jurnalis|liputan)|\b(?:usai|seusai|selepas)\s+(?:mengikuti|menghadiri|kegiatan|acara|"
    r"rakor|rapat|ratas|pertemuan|apel)|\b(?:saat|ketika)\s+dikonfirmasi|\bdihubungi\b",
    re.I,
)
# "dijelaskan oleh KPU", "disampaikan langsung oleh Kapolda": passive speech.
_SPOKEN_BY = re.compile(
    r"\b(?:dijelaskan|disampaikan|dipaparkan|diungkapkan|ditegaskan|diterangkan)\s+"
    r"(?:langsung\s+)?oleh\s+$",
    re.I,
)
_THAT = re.compile(r"\bbahwa\s+$", re.I)
_SUBJECT_GAP = re.compile(r"\b(?:yang|dan|serta)\b")
ROLE_ORDER = ("host", "chair", "speaker", "attendee")
# Evidence: the sentence for the agency's most telling role (chair, host, speaker).
_EVIDENCE_RANK = {"chair": 0, "host": 1, "speaker": 2, "attendee": 3}
_NAME_WORD = re.compile(r"[A-Z][A-Za-z'\u2019\-]{3,}")


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
    chair_evidence: str | None = None
    chair_confidence: float = 0.0
    jurisdiction: Jurisdiction | None = None
    problems: list[str] = field(default_factory=list)
    warnings: list[dict[str, object]] = field(default_factory=list)


class Book:
    """Agencies by canonical name, with their roles and best evidence sentence."""

    def __init__(self, sentences: list[str]) -> None:
        self.sentences = sentences
        self.items: dict[str, dict[str, object]] = {}
        self._rank: dict[str, int] = {}
        self._seen: dict[str, tuple[float, bool, str | None]] = {}

    def add(self, e: Entry, role: str, sent: int) -> None:
        item = self.items.setdefault(
            e.short_name, {"name": e.short_name, "roles": [], "evidence": self.sentences[sent]}
        )
        roles = self.roles(e.short_name)
        if role not in roles:
            roles.append(role)
            roles.sort(key=ROLE_ORDER.index)
        if _EVIDENCE_RANK[role] < self._rank.get(e.short_name, 9):
            self._rank[e.short_name] = _EVIDENCE_RANK[role]
            item["evidence"] = self.sentences[sent]

    def observe(self, e: Entry, conf: float, attending: bool, rep: str | None) -> None:
        """One more mention of ``e``: how sure, whether attending, who stood in for it."""
        old_conf, old_attending, old_rep = self._seen.get(e.short_name, (0.0, False, None))
        self._seen[e.short_name] = (max(old_conf, conf), old_attending or attending, old_rep or rep)

    def roles(self, name: str) -> list[str]:
        roles = self.items[name]["roles"]
        assert isinstance(roles, list)
        return roles

    def any_role(self, *wanted: str) -> bool:
        return any(r in wanted for name in self.items for r in self.roles(name))

    def result(self) -> list[dict[str, object]]:
        for name in self.items:
            roles = self.roles(name)
            if len(roles) > 1 and "attendee" in roles:
                roles.remove("attendee")  # attending is implied by any other role
            conf, attending, rep = self._seen.get(name, (0.75, False, None))
            item = self.items[name]
            item["confidence"] = round(conf, 2)
            item["attendance"] = attendance(roles, attending, rep)
            if rep:
                item["represented_by"] = rep
        return list(self.items.values())


class Speakers:
    """Speakers in order of first speech, one per person (or per unnamed position)."""

    def __init__(self, sentences: list[str], book: Book) -> None:
        self.sentences, self.book = sentences, book
        self.items: dict[tuple[object, ...], dict[str, object]] = {}

    def add(self, p: Person, sent: int, conf: float = 0.85) -> None:
        agency = p.entry.short_name if p.entry else None
        k = (p.name or "", agency) if p.name else ("", agency, p.position)
        if k in self.items or (p.name and any(x[0] == p.name for x in self.items)):
            return
        self.items[k] = {
            "name": p.name,
            "position": p.position,
            "agency": agency,
            "evidence": self.sentences[sent],
            "confidence": conf if p.name or p.position else min(conf, 0.7),
        }
        if (topic := speech_topic(self.sentences[sent])) is not None:
            self.items[k]["topic"] = topic
        if p.entry is not None:
            self.book.add(p.entry, "speaker", sent)


class People:
    """Officials named with their titles, to recognise them again by title or surname."""

    def __init__(self, mentions: list[Mention], resolved: dict[int, Entry]) -> None:
        self.known = [
            Person(m.person, position(m, e), e, m.sent)
            for idx, m in enumerate(mentions)
            if (e := resolved.get(idx)) is not None and m.person
        ]

    def person_for(self, m: Mention, e: Entry | None) -> Person:
        """The person a mention names: its own name, else one named before with that title."""
        if m.person:
            return Person(m.person, position(m, e), e, m.sent)
        for p in self.known:
            if e is not None and p.entry == e and m.title and p.position:
                if _same_title(m.title, p.position):
                    return Person(p.name, p.position, e, m.sent)
        return Person(None, position(m, e) if m.kind != "body" else None, e, m.sent)


@dataclass
class _Read:
    """One text's mentions with their entries and per-sentence cues, searched once."""

    sentences: list[str]
    mentions: list[Mention]
    resolved: dict[int, Entry]
    chair: Mention | None
    book: Book
    speakers: Speakers
    people: People
    reps: dict[int, str] = field(default_factory=dict)
    warnings: list[dict[str, object]] = field(default_factory=list)
    by_sent: dict[int, list[Mention]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for m in self.mentions:
            self.by_sent.setdefault(m.sent, []).append(m)
        self.stand_ins: list[tuple[str, Entry]] = []
        self.attend = [ATTEND.search(s) is not None for s in self.sentences]
        self.cue = [SPEAKER_CUE.search(s) for s in self.sentences]
        self.remarks = [REMARKS.search(s) for s in self.sentences]
        self.speech = [SPEECH.search(s) for s in self.sentences]
        self.to_press = [_TO_PRESS.search(s) is not None for s in self.sentences]
        self.chair_entry: Entry | None = None
        self.press_sources: set[Entry] = set()  # bodies heard by reporters, not in the room


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
    mentions = _present(mentions, sentences)
    coordinate(mentions, sentences)
    chairs = find_chairs(sentences, mentions)
    chair_m = chairs[0] if chairs else None
    juris = juris_mod.find(sentences, mentions, chair_m, gaz, venue_city, venue_province)
    out.jurisdiction = juris
    resolver = Resolver(registry, gaz, juris, on)
    resolved = resolver.resolve_all(mentions, out.problems)
    book = Book(sentences)
    people = People(mentions, resolved)
    read = _Read(sentences, mentions, resolved, chair_m, book, Speakers(sentences, book), people)
    read.reps = represented(sentences, mentions)
    # "sambutan Bupati X yang diwakili Y": Y delivers the Bupati's speech, so speaks for X.
    read.stand_ins = [
        (norm_key(rep), e)
        for idx, rep in read.reps.items()
        if (e := resolved.get(idx)) is not None and _speech_of(mentions[idx], sentences)
    ]
    chair_entry = read.chair_entry = _chair(read, out, chairs)
    for idx, m in enumerate(mentions):
        e = resolved.get(idx)
        if e is not None and not m.quoted:
            _roles_of(read, idx, e)
    _named_speech(read, out, chair_entry)
    if forum_meeting and not book.any_role("host", "chair") and not book.items:
        _forum_host(read, resolver, registry, juris, on)
    if chair_entry is not None and not book.any_role("host"):
        book.add(chair_entry, "host", chair_m.sent if chair_m else 0)
    out.agencies = book.result()
    out.warnings.extend(read.warnings)
    out.speakers = list(read.speakers.items.values())
    return out


def _present(mentions: list[Mention], sentences: list[str]) -> list[Mention]:
    """Mentions of this meeting's people: not another event's, not an absent speech author.

    The author of a speech read out by another ("membacakan sambutan Kapolri") stays
    absent wherever the text goes on quoting him ("Kapolri menegaskan ...").
    """
    absent = {(m.key, m.title) for m in mentions if _read_out(m, sentences[m.sent])}
    return [
        m
        for m in mentions
        if not ELSEWHERE.search(sentences[m.sent]) and (m.key, m.title) not in absent
    ]


def _read_out(m: Mention, s: str) -> bool:
    before = s[max(0, m.start - 60) : m.start]
    if _READ_OUT_BEFORE.search(before):
        return True
    return bool(REMARKS.search(before[-25:]) and _READ_OUT_AFTER.match(s[m.end : m.end + 80]))


def _chair(read: _Read, out: AgencyFindings, chairs: list[Mention]) -> Entry | None:
    """The chair, unless two sentences name different chairs: then a warning instead."""
    m = read.chair
    if m is None:
        return None
    entry = read.resolved.get(read.mentions.index(m))
    p = read.people.person_for(m, entry)
    out.chair = {
        "name": p.name,
        "position": p.position,
        "agency": entry.short_name if entry else None,
    }
    out.chair_evidence, out.chair_confidence = read.sentences[m.sent], 0.9
    rival = _rival(read, p, chairs[1:])
    if rival is not None:
        out.chair_confidence = 0.35
        out.warnings.append(
            warning(
                "chair_uncertain",
                f"dua calon pimpinan rapat: {_who(p)} dan {_who(rival)}",
                field="chair",
            )
        )
        return None
    if entry is not None:
        read.book.add(entry, "chair", m.sent)
    return entry


def _rival(read: _Read, first: Person, others: list[Mention]) -> Person | None:
    """Another chair than ``first``: another body, or the same body's other named official."""
    for m in others:
        p = read.people.person_for(m, read.resolved.get(read.mentions.index(m)))
        other_body = p.entry is not None and first.entry is not None and p.entry != first.entry
        other_name = bool(p.name and first.name and p.name != first.name)
        if other_name or (other_body and not (p.name and p.name == first.name)):
            return p
    return None


def _who(p: Person) -> str:
    """ "Nana Sudjana (Pj Gubernur Jawa Tengah)"."""
    label = p.position or (p.entry.short_name if p.entry else None)
    if p.name and label:
        return f"{p.name} ({label})"
    return p.name or label or "?"


def _roles_of(read: _Read, idx: int, e: Entry) -> None:
    """Host, attendee and speaker roles one mention's sentence gives its agency."""
    m = read.mentions[idx]
    subject, speaks = _hosts(read, m), _speaks(read, m)
    if m.kind == "body" and not (subject or speaks or read.attend[m.sent] or m is read.chair):
        return  # a body named in passing ("survei yang dilakukan Kemendagri")
    read.book.observe(e, mention_confidence(m, e), read.attend[m.sent], read.reps.get(idx))
    if subject and (m.kind == "body" or m.start < 40):
        read.book.add(e, "host", m.sent)
    elif m is not read.chair:
        read.book.add(e, "attendee", m.sent)
    if speaks and e != read.chair_entry and (read.to_press[m.sent] or e in read.press_sources):
        read.press_sources.add(e)  # the same interview goes on in later sentences
    elif speaks:
        p = _on_behalf(read, read.people.person_for(m, e), m)
        read.speakers.add(p, m.sent, mention_confidence(m, e))


def _speech_of(m: Mention, sentences: list[str]) -> bool:
    """True when the words before the mention name its speech ("sambutan Bupati ...")."""
    return bool(_REMARKS_OF.search(sentences[m.sent][max(0, m.start - 25) : m.start]))


def _on_behalf(read: _Read, p: Person, m: Mention | None = None) -> Person:
    """A representative speaks for the body he stands in for ("diwakili Kasat Pol PP X")."""
    words = [w for w in (p.name, m.title if m else None) if w]
    for rep, represented_entry in read.stand_ins:
        if represented_entry != p.entry and any(norm_key(w) in rep for w in words):
            label = f"{p.position} (mewakili {represented_entry.short_name})"
            return Person(p.name, label if p.position else None, represented_entry, p.sentence)
    return p


def mention_confidence(m: Mention, e: Entry) -> float:
    """How sure the agency is: its region written, inferred, or not known at all."""
    if m.national or m.region is not None:
        return 0.9
    if m.number:
        return 0.85
    if m.generic_place:
        return 0.8
    if e.region_short is None and e.kind not in ("national", "ministry"):
        return 0.7  # "Kejati" with no region: the body is named, its region is not
    return 0.75  # the region is the forum's or another mention's


def _hosts(read: _Read, m: Mention) -> bool:
    """True when the mention is the subject of "menggelar rakor" and the like."""
    s = read.sentences[m.sent]
    verb = HOST_VERB.search(s, m.end)
    if verb is None or verb.start() - m.end >= 60:
        return False
    between = [o for o in read.by_sent[m.sent] if m.end <= o.start < verb.start()]
    if any(o.kind != "body" for o in between):
        return False
    return not _SUBJECT_GAP.search(s[m.end : verb.start()])


def _speaks(read: _Read, m: Mention) -> bool:
    """A speaker cue before the mention, remarks "dari" it, or it is the speech verb's subject."""
    i, s = m.sent, read.sentences[m.sent]
    cue = read.cue[i]
    if cue and m.start > cue.start():
        return True
    rm = read.remarks[i]
    if rm and 0 <= m.start - rm.end() <= 3:
        return True
    before = s[max(0, m.start - 30) : m.start]
    if SAID_AT.search(before) or _SPOKEN_BY.search(before):
        return True  # "...,” kata Dirintelkam Polda Maluku", "dijelaskan oleh KPU"
    if _THAT.search(before):
        # "X menjelaskan bahwa Pj Gubernur menekankan ...": the clause's own speaker.
        verb = SPEECH.search(s, m.end, m.end + 40)
        return verb is not None and not any(
            m.end <= o.start < verb.start() for o in read.by_sent[i]
        )
    sp = read.speech[i]
    if not sp or m.end > sp.start() or ATTEND.search(s[m.end : sp.start()]):
        return False
    first = [o for o in read.by_sent[i] if not o.quoted and o.end <= sp.start()]
    return bool(first) and first[0] is m and not quote_before(s, sp.start())


def _named_speech(read: _Read, out: AgencyFindings, chair_entry: Entry | None) -> None:
    """Speech by a person named earlier ("Akmal mengatakan", "ujar Irjen Pol. Nanang")."""
    known = [p for p in read.people.known if p.name]
    if out.chair and out.chair.get("name") and read.chair is not None:
        name, pos = str(out.chair["name"]), out.chair.get("position")
        known.insert(0, Person(name, pos if isinstance(pos, str) else None, chair_entry, 0))
    owner: dict[str, Person] = {}
    for p in known:
        for tok in (p.name or "").split():
            if len(tok) >= 4 and tok[0].isupper():
                owner.setdefault(tok, p)
    if not owner:
        return
    for i, s in enumerate(read.sentences):
        refs = [
            (wm.start(), owner[wm.group(0)])
            for wm in _NAME_WORD.finditer(s)
            if wm.group(0) in owner
        ]
        for pos, p in refs:
            if p.entry != read.chair_entry and (read.to_press[i] or p.entry in read.press_sources):
                if p.entry is not None and _said_by(s, pos, read.speech[i]):
                    read.press_sources.add(p.entry)
                continue
            if _said_by(s, pos, read.speech[i]):
                read.speakers.add(_on_behalf(read, p), i)
                break


def _said_by(s: str, pos: int, sp: re.Match[str] | None) -> bool:
    """ "..., ujar X" before ``pos``, or ``pos`` is the subject of the speech verb."""
    if SAID_BY.search(s[max(0, pos - 40) : pos]):
        return True
    return (
        sp is not None and pos < sp.start() and sp.start() - pos < 60 and not quote_before(s, pos)
    )


def _forum_host(
    read: _Read, resolver: Resolver, registry: Registry, juris: Jurisdiction, on: date | None
) -> None:
    """A forum meeting with nobody named as organiser is the regional government's."""
    gov = None
    if juris.level == "province" and juris.province is not None:
        gov = registry.provincial("pemprov", juris.province, on)
    elif juris.level == "local" and (juris.place or juris.generic):
        gov = resolver.local("pemda", juris)
    if gov is not None:
        sent = next((i for i, s in enumerate(read.sentences) if juris_mod.FORUM_NAMED.search(s)), 0)
        read.book.add(gov, "host", sent)
        # Inferred from the forum's name alone: proposed, but marked as inferred.
        read.book.observe(gov, 0.55, False, None)
        read.warnings.append(
            warning(
                "host_inferred",
                f"Penyelenggara tidak disebut; {gov.short_name} disimpulkan dari nama forum.",
                field="agencies",
            )
        )


_TOPIC = re.compile(
    r"\b(?:materi|paparan|pemaparan|arahan|penjelasan|sambutan|memaparkan|menjelaskan|"
    r"menyampaikan(?:\s+materi)?)\s+(?:tentang|terkait|mengenai|soal|perihal|seputar)\s+"
    r"(?P<t>[^,.;:“”\"()]{4,120})",
    re.I,
)


def speech_topic(sentence: str) -> str | None:
    """The topic a speaker's sentence states ("materi tentang kerawanan pemilu")."""
    m = _TOPIC.search(sentence)
    return " ".join(m.group("t").split()) if m else None


def quote_before(s: str, pos: int) -> bool:
    """True when ``pos`` sits inside an open quotation."""
    head = s[:pos]
    return head.count("“") > head.count("”") or head.count('"') % 2 == 1


def _same_title(a: str, b: str) -> bool:
    ta = norm_key(a).split()
    tb = norm_key(b).split()
    core = [t for t in ta if t not in ("pj", "pjs", "plt", "plh", "penjabat")]
    return bool(core) and all(t in tb for t in core)


def position(m: Mention, e: Entry | None) -> str | None:
    """The official's position as written, with Pj/Penjabat normalised."""
    if m.kind == "body":
        return None
    title = re.sub(r"^Penjabat\b", "Pj", m.title or "")
    title = re.sub(r"^(Pj|Pjs|Plt|Plh)\.", r"\1", title)
    if m.key == "kodam" and e is not None:
        return f"{title} {e.short_name.removeprefix('Kodam ')}".strip()
    if m.key in ("korem", "kodim") and e is not None:
        return f"{title} {e.short_name.split(' ', 1)[1]}".strip()
    if m.level == "inherit" and not m.body_text and not m.region_text and e is not None:
        return f"{title} {e.short_name}"  # "Kabidhumas" -> "Kabidhumas Polda Kalteng"
    parts = [title, m.body_text, m.region_text or m.number]
    return " ".join(p for p in parts if p) or None
