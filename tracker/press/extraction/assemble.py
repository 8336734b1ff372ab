"""Stage: the contract's object from the stages' findings, with evidence and confidence."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from . import collectives, record
from . import dates as d
from . import meeting_date as when_mod
from .agencies import AgencyFindings
from .locate import Where, place_warnings
from .notes import warning
from .text import Document

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
    "status",
    "evidence",
    "confidence",
    "warnings",
)


def empty() -> dict[str, Any]:
    """The object with every key and nothing proposed."""
    out: dict[str, Any] = {k: None for k in KEYS}
    out.update(
        agencies=[],
        collective_attendees=[],
        speakers=[],
        warnings=[],
        suggested_date=None,
        evidence={},
        confidence={},
    )
    return out


@dataclass
class Parts:
    """What the earlier stages found in one text."""

    doc: Document
    pub: date | None
    when: when_mod.When
    findings: d.DateFindings
    where: Where
    found: AgencyFindings
    signals: record.Signals
    forum: bool


def _claim(out: dict[str, Any], name: str, value: Any, sentence: str | None, conf: float) -> None:
    """Set a field with the sentence that supports it and how sure we are."""
    out[name] = value
    if value is None:
        return
    if sentence:
        out["evidence"][name] = sentence
    out["confidence"][name] = round(max(0.0, min(1.0, conf)), 2)


def build(p: Parts) -> dict[str, Any]:
    """Every field of the proposal."""
    out = empty()
    _dates(out, p)
    _place(out, p)
    _participants(out, p)
    _describe(out, p)
    out["warnings"] = [*p.when.warnings, *out["warnings"]]
    return out


def _sentence(p: Parts, i: int | None) -> str | None:
    return p.doc.sentences[i] if i is not None else None


def _dates(out: dict[str, Any], p: Parts) -> None:
    when, sents = p.when, p.doc.sentences
    start = when.start
    _claim(
        out,
        "start_date",
        start.isoformat() if start else None,
        _sentence(p, when.sentence),
        when.confidence,
    )
    best = when.suggested or start
    out["suggested_date"] = best.isoformat() if best else None
    pick = when_mod.pick_time(p.findings, sents, when.sentence if when.chosen else None)
    if pick is not None:
        conf = 0.9 if pick.sent == when.sentence else 0.7
        _claim(out, "start_time", f"{pick.hour:02d}:{pick.minute:02d}", sents[pick.sent], conf)
        if pick.end_hour is not None:
            out["end_time"] = f"{pick.end_hour:02d}:{pick.end_minute or 0:02d}"
    province = p.where.province
    out["timezone"] = when_mod.timezone(p.findings, pick, province.timezone if province else None)


def _place(out: dict[str, Any], p: Parts) -> None:
    where, venue = p.where, p.where.venue
    venue_sent = _sentence(p, venue.sentence)
    _claim(out, "venue_name", venue.name, venue_sent, 0.85 if venue.name else 0.0)
    out["venue_address"] = venue.address
    city = where.city
    _claim(out, "city", city.name if city else None, where.city_evidence, where.city_confidence)
    out["province"] = where.province.province_name if where.province else None
    out["warnings"].extend(place_warnings(where))


def _participants(out: dict[str, Any], p: Parts) -> None:
    found = p.found
    out["agencies"] = found.agencies
    out["speakers"] = found.speakers
    _claim(out, "chair", found.chair, found.chair_evidence, found.chair_confidence)
    out["warnings"].extend(found.warnings)
    for problem in found.problems:
        out["warnings"].append(warning("kodam_mismatch", problem, field="agencies"))
    out["collective_attendees"] = collectives.find(p.doc.sentences)


def _describe(out: dict[str, Any], p: Parts) -> None:
    sents = p.doc.sentences
    kind = record.meeting_kind(" ".join(sents), p.forum)
    out["meeting_kind"] = kind
    theme, theme_sent = record.theme(sents)
    _claim(out, "theme", theme, _sentence(p, theme_sent), 0.9)
    when = p.when
    vote = record.election(p.signals, when.start)
    vote_sent = p.signals.pilkada_sent if vote == "Pilkada 2024" else p.signals.pemilu_sent
    vote_text = sents[vote_sent] if vote_sent is not None and vote_sent < len(sents) else None
    _claim(
        out, "election", vote, vote_text or p.doc.title, record.election_confidence(p.signals, vote)
    )
    out["status"] = record.status(sents, when.sentence if when.chosen else None, when.start, p.pub)
    if out["status"] == "scheduled":
        out["warnings"].append(
            warning(
                "scheduled_only",
                "Teks melaporkan rencana atau undangan rapat, belum tentu rapat sudah berlangsung.",
                field="status",
            )
        )
    _title(out, p, kind)


def _title(out: dict[str, Any], p: Parts, kind: str | None) -> None:
    headline = p.doc.title
    if record.names_meeting(headline):
        _claim(out, "title", headline, headline, 0.9)
        return
    body = _title_body(out, p, kind)
    proposed = record.title(headline, kind, body, p.when.start)
    first = p.doc.sentences[0] if p.doc.sentences else None
    _claim(out, "title", proposed, headline or first, 0.6)


def _title_body(out: dict[str, Any], p: Parts, kind: str | None) -> str | None:
    """The host's name, or for a forum meeting the region whose forum it is."""
    region = None
    j = p.found.jurisdiction
    if j is not None and j.place is not None:
        region = j.place.name
    elif out["province"]:
        region = out["province"]
    hosts = [a["name"] for a in out["agencies"] if "host" in a["roles"] or "chair" in a["roles"]]
    if kind and "Forkopimda" in kind:
        return region or (str(hosts[0]) if hosts else None)
    return str(hosts[0]) if hosts else region
