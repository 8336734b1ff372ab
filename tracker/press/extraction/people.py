"""Person names in press copy: ranks, honorifics and degrees around them."""

from __future__ import annotations

import re

from . import data
from .normalise import straight_quotes

_HONORIFICS = sorted(data.words("honorifics.txt"), key=len, reverse=True)
HONORIFIC = re.compile(
    r"(?:\b(?:"
    + "|".join(re.escape(h).replace(r"\ ", r"\.?\s+") for h in _HONORIFICS)
    + r")\b\.?\s+)+"
)
# Academic degrees after a name: "S.H.", "M.Si.", "S.I.K.", "MBA", "Ph.D".
DEGREE = re.compile(
    r"(?:\s*,\s*(?:(?:[A-Z][A-Za-z]{0,4}\.\s?){1,4}(?:[A-Z][A-Za-z]{0,3}\b\.?)?|"
    r"MBA|MDC|MM|MH|MSi|SH|SE|SIK|PhD|Ph\.D)(?![a-z]))+"
)
# A name word, or an initial: "A." or a bare capital before another name word ("M Syahduddi").
_NAME_TOKEN = r"(?:[A-Z][a-z]?\.(?=\s)|[A-Z](?=\s+[A-Z][a-z])|[A-Z][A-Za-z'\u2019\-]+)"
NAME = re.compile(rf"{_NAME_TOKEN}(?:\s+{_NAME_TOKEN}){{0,5}}")
# Words that end a name: the next title, body or connective.
_STOP = frozenset(
    """dan serta maupun bersama didampingi mewakili beserta selaku sebagai yang ini itu
    Kapolda Kapolres Kapolresta Pangdam Kasdam Danrem Dandim Kasdim Kajati Kajari Kabinda
    Ketua Kepala Anggota Gubernur Bupati Wali Walikota Wakil Sekda Sekretaris Asisten
    Pj Pjs Plt Plh Penjabat Kabidhumas Komandan Panglima Dalam Pada Selain Sementara
    Rakor Rapat Forkopimda Senin Selasa Rabu Kamis Jumat Sabtu Minggu Kota Kabupaten
    Provinsi Polda Polres KPU Bawaslu DPRD Kejati Kejari Pemprov Pemkab Pemkot
    Pemerintahan Kejaksaan Pengadilan Pemerintah Badan Komisi Dewan Kepolisian Forum""".split()
)
_HONORIFIC_WORDS = frozenset(w.lower() for h in _HONORIFICS for w in h.split())


def parse_name(text: str, pos: int) -> tuple[str | None, int]:
    """A person's name starting at ``pos`` (after optional comma and ranks).

    Returns the cleaned name (or None) and the end offset of what was consumed.
    """
    m = re.compile(r"\s*,?\s*").match(text, pos)
    p = m.end() if m else pos
    h = HONORIFIC.match(text, p)
    if h:
        p = h.end()
    n = NAME.match(text, p)
    if not n:
        return None, pos
    tokens = n.group(0).split()
    kept: list[str] = []
    for t in tokens:
        bare = t.rstrip(".")
        if bare in _STOP or (bare.lower() in _HONORIFIC_WORDS and len(bare) > 1 and not kept):
            break
        kept.append(t)
    if not kept:
        return None, pos
    # Drop a trailing single initial that is really the start of a degree ("Avianto, M.").
    consumed = text.find(kept[-1], p) + len(kept[-1])
    d = DEGREE.match(text, consumed)
    end = d.end() if d else consumed
    name = clean_name(" ".join(kept))
    if not name or len(name) < 3:
        return None, pos
    return name, end


def clean_name(name: str) -> str:
    """Name without ranks, honorifics or degrees; straight apostrophes."""
    name = straight_quotes(name)
    name = DEGREE.sub("", name)
    name = HONORIFIC.sub("", name + " ").strip()
    name = re.sub(r"\s*,.*$", "", name)
    return " ".join(name.split()).strip(" ,.")
