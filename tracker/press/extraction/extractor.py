"""The extractor as a pipeline: clean, sentences, mentions, resolve, assemble, checks.

Each stage is a module of its own and is tested alone: ``text`` (clean and split),
``dates`` / ``mentions`` / ``venue`` (mentions in sentences), ``meeting_date`` (the
date chosen and checked), ``locate`` (venue, city, province), ``agencies`` (mentions
resolved against the registry, roles), ``record`` (election, kind, theme, status,
title), ``assemble`` (the contract's object) and ``checks`` (confidence threshold).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from tracker import reference

from . import agencies as agency_mod
from . import assemble, checks, locate, record
from . import calendar_words as cal
from . import dates as d
from . import meeting_date as when_mod
from . import mentions as mention_mod
from .notes import warning
from .places import gazetteer
from .registry import Registry, default_registry
from .text import Document, clean

KEYS = assemble.KEYS


def extract(
    text: str, published: date | None = None, registry: Registry | None = None
) -> dict[str, Any]:
    """Propose the meeting's fields from a press release (plain text or pasted HTML)."""
    if not isinstance(text, str) or not text.strip():
        out = assemble.empty()
        out["warnings"].append(warning("date_missing", "Tanggal rapat tidak ditemukan."))
        return out
    return run(clean(text), published, registry or default_registry())


def run(doc: Document, published: date | None, registry: Registry) -> dict[str, Any]:
    """The stages after cleaning, in order."""
    sents = doc.sentences
    pub = published or header_date(doc)
    polling = {e.name: e.polling_day for e in reference.elections()}
    signals = record.election_signals(sents, doc.title)
    prelim = record.election(signals, None)
    findings = d.find(sents)
    when = when_mod.decide(
        sents, findings, pub, polling.get(prelim) if prelim else None, set(polling.values())
    )
    where = locate.find(doc, gazetteer(), when.sentence if when.chosen else None)
    body = " ".join(sents)
    forum = bool(record.FORUM.search(body))
    found = agency_mod.analyse(
        sents,
        mention_mod.find(sents, where.gaz),
        registry,
        where.gaz,
        when.start,
        where.city,
        where.forum_province,
        forum,
    )
    host_sent = _host_sentence(found, sents)
    locate.settle(where, found.jurisdiction, body, host_sent)
    parts = assemble.Parts(doc, pub, when, findings, where, found, signals, forum)
    out = assemble.build(parts)
    checks.apply(out)
    return out


def _host_sentence(found: agency_mod.AgencyFindings, sents: list[str]) -> str | None:
    """The evidence of the host or chair, for a city read from the forum's region."""
    for a in found.agencies:
        roles = a["roles"]
        if isinstance(roles, list) and ("host" in roles or "chair" in roles):
            return str(a["evidence"])
    return sents[0] if sents else None


def header_date(doc: Document) -> date | None:
    """A publication date in the page header (first lines), used when none is given."""
    for s in doc.sentences[:2]:
        m = d.LONG_DATE.search(s[:80])
        if m and m["y"]:
            try:
                return date(int(m["y"]), cal.MONTHS[m["mon"].lower()], int(m["d"]))
            except ValueError:
                return None
    return None
