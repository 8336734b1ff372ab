"""What the participants stage collects: agencies with roles, speakers, named officials."""

from __future__ import annotations

import re
from dataclasses import dataclass

from .attendance import attendance
from .mentions import Mention
from .normalise import key as norm_key
from .registry import Entry
from .role_cues import speech_topic

ROLE_ORDER = ("host", "chair", "speaker", "attendee")
# Evidence: the sentence for the agency's most telling role (chair, host, speaker).
_EVIDENCE_RANK = {"chair": 0, "host": 1, "speaker": 2, "attendee": 3}


@dataclass
class Person:
    """An official: name and position as written, the body, the sentence."""

    name: str | None
    position: str | None
    entry: Entry | None
    sentence: int


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
