"""Stage: the participants: canonical agencies with roles and evidence, chair and speakers.

Mentions (``mentions.find``) are resolved (``resolve.Resolver``) within the forum's
jurisdiction (``jurisdiction.find``); then each sentence's cues give roles: hosting
("menggelar rakor"), chairing (``chair.find_chair``), attending ("dihadiri", "turut
hadir") and speaking ("menyampaikan", "pemateri", "ujar X"). The cue patterns are in
``role_cues``; the collectors of agencies, speakers and officials in ``participants``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from . import jurisdiction as juris_mod
from .attendance import represented
from .chair import find_chairs
from .jurisdiction import Jurisdiction
from .mentions import Mention
from .normalise import key as norm_key
from .notes import warning
from .participants import Book, People, Person, Speakers
from .places import Gazetteer, Place
from .registry import Entry, Registry
from .resolve import Resolver, coordinate
from .role_cues import (
    ATTEND,
    ELSEWHERE,
    HOST_VERB,
    READ_OUT_AFTER,
    READ_OUT_BEFORE,
    REMARKS,
    REMARKS_OF,
    SAID_AT,
    SAID_BY,
    SPEAKER_CUE,
    SPEECH,
    SPOKEN_BY,
    SUBJECT_GAP,
    THAT_CLAUSE,
    TO_PRESS,
    quote_before,
)

_NAME_WORD = re.compile(r"[A-Z][A-Za-z'\u2019\-]{3,}")


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
        self.to_press = [TO_PRESS.search(s) is not None for s in self.sentences]
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
    if READ_OUT_BEFORE.search(before):
        return True
    return bool(REMARKS.search(before[-25:]) and READ_OUT_AFTER.match(s[m.end : m.end + 80]))


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
    return bool(REMARKS_OF.search(sentences[m.sent][max(0, m.start - 25) : m.start]))


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
    return not SUBJECT_GAP.search(s[m.end : verb.start()])


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
    if SAID_AT.search(before) or SPOKEN_BY.search(before):
        return True  # "...,” kata Dirintelkam Polda Maluku", "dijelaskan oleh KPU"
    if THAT_CLAUSE.search(before):
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
