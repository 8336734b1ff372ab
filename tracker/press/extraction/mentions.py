"""Finding agency and official mentions in sentences (before resolving them).

A mention is a person title ("Kapolda Kaltim Irjen Pol X"), a lead word plus a body
("Ketua KPU Maluku", "anggota Bawaslu") or a bare body ("Polda Maluku menggelar ...").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from . import data
from .mention_region import LOCAL_PLACE, parse_region
from .people import HONORIFIC, parse_name
from .places import Gazetteer, Place

_PREFIX = r"(?:(?:Pj|Pjs|Plt|Plh)\.?\s+|Penjabat\s+(?:Sementara\s+)?|Pejabat\s+Sementara\s+)"
_LEADS = (
    "Ketua Sementara",
    "Wakil Ketua",
    "Ketua",
    "Anggota",
    "Komisioner",
    "Kepala",
    "Kaban",
    "Kasi Intel",
    "Kasi Pidsus",
    "Kasi",
    "Asintel",
    "Aspidum",
    "Asops",
    "Sekretaris",
    "Pimpinan",
    "Perwakilan",
    "Panglima",
    "Komandan",
    "Kasat",
    "Kabag",
    "Staf",
    "Kasubdit",
    "Direktur",
)
# Words before a title that make it no official present: a former holder, a candidate,
# or the office as the object of an election ("pemilihan Bupati dan Wakil Bupati").
_NEGATORS = (
    r"(?:mantan|eks|calon|cagub|cawagub|cabup|cawabup|cawalkot|pasangan|pemilihan|"
    r"kandidat|paslon|almarhum|bakal\s+calon|pilkada|pilgub|pilbup|pilwali)"
)
# Of those, the ones that only concern titles: "Pilkada Kemenko Polkam" names the body.
_TITLE_ONLY_NEGATORS = frozenset("pemilihan pilkada pilgub pilbup pilwali".split())
_CONTINUE_NAME = re.compile(r"[A-Z][A-Za-z]+(?:\s+[A-Z][A-Za-z]+){0,2}")
_NATIONAL_SUFFIX = re.compile(r"\s+(?:RI|Republik\s+Indonesia|Pusat)\b")
_ROMAN = re.compile(r"\s*(?P<num>\b[IVX]{1,5}\b)?\s*/?\s*")
_KOREM_NUM = re.compile(r"\s*(?P<num>\d{3})\b\s*/?\s*")
_KODIM_NUM = re.compile(r"\s*(?P<num>\d{4})\b\s*/?\s*")
# "bupati/walikota se-Kaltim", "Kapolres se Papua Barat Daya": a group, not one body.
_COLLECTIVE_AFTER = re.compile(
    r"(?:[/ ][A-Za-z]+(?:\s+[A-Za-z]+)?)?\s+(?:[Ss]e(?:-|\s+(?=[A-Z]))|"
    r"Kab(?:upaten)?\.?\s*/\s*Kota\b|jajaran\b)"
)
# "(Kesbangpol)" or "(Wakapolda)" between a body's long name and its region.
_ABBREVIATION = re.compile(r"\s*\([A-Za-z][A-Za-z .\-]{0,30}\)")


@dataclass
class Mention:
    """One agency/official mention in a sentence."""

    sent: int
    start: int
    end: int
    key: str  # agency key (polda, kpu ...) or "national:<name>"
    level: str  # province, local, any, inherit, national
    kind: str  # title, lead, body
    text: str  # the mention as written (title + body + region)
    title: str | None = None  # person title as written, with prefix ("Pj Gubernur")
    body_text: str | None = None
    region: Place | None = None
    region_text: str | None = None
    region_level: str | None = None  # Kota / Kabupaten / Provinsi when written
    generic_place: str | None = None  # a local place missing from the gazetteer
    number: str | None = None  # Kodam/Korem/Kodim/Koarmada number
    unit_name: str | None = None  # Kodam/Korem/Kodim/Lanal name as written
    person: str | None = None
    quoted: bool = False
    national: bool = False
    negated: bool = False  # a former holder, a candidate, an office up for election


@cache
def _tables() -> tuple[
    dict[str, tuple[str, str]], dict[str, tuple[str, str]], re.Pattern[str], frozenset[str]
]:
    titles = {r["title"].lower(): (r["key"], r["level"]) for r in data.rows("titles.csv")}
    bodies = {r["body"].lower(): (r["key"], r["level"]) for r in data.rows("bodies.csv")}
    for r in data.national_rows():
        national = (f"national:{r['short_name']}", "national")
        for n in (r["short_name"], *data.split(r["aliases"])):
            bodies[n.lower()] = national
        if r["head_title"]:
            # "Panglima TNI", "Jaksa Agung": a national head's title names the body.
            titles.setdefault(r["head_title"].lower(), national)

    def alt(words: list[str]) -> str:
        return "|".join(
            re.escape(w).replace(r"\ ", r"\s+") for w in sorted(words, key=len, reverse=True)
        )

    body_alt = alt(list(bodies))
    pattern = re.compile(
        rf"(?P<prefix>\b{_PREFIX})?"
        rf"(?:\b(?P<title>{alt(list(titles))})\b"
        rf"|\b(?P<lead>{alt(list(_LEADS))})\s+(?P<body1>{body_alt})\b"
        rf"|\b(?P<body>{body_alt})\b)",
        re.I,
    )
    firsts = {w.split()[0].lower() for w in (*titles, *bodies, *_LEADS)}
    firsts |= {"pj", "pjs", "plt", "plh", "penjabat", "pejabat"}
    return titles, bodies, pattern, frozenset(firsts)


@cache
def body_pattern() -> re.Pattern[str]:
    """A body's name with an optional region ("Polda Sulteng", "KPU Kota Bima")."""
    _, bodies, _, _ = _tables()
    alt = "|".join(
        re.escape(b).replace(r"\ ", r"\s+") for b in sorted(bodies, key=len, reverse=True)
    )
    return re.compile(
        rf"(?:{alt})(?:\s+(?:Provinsi|Kota|Kabupaten|Kab\.))?(?:\s+[A-Z][\w.]*){{0,3}}", re.I
    )


_WORD = re.compile(r"[A-Za-z][A-Za-z0-9]*")
_NEGATED = re.compile(rf"\b(?P<neg>{_NEGATORS})\s+$", re.I)
_COORDINATED = re.compile(r"\s*(?:(?:,|dan|serta|maupun|&|/)\s*)+", re.I)
_LOWER_WORDS = frozenset({"pt", "pn", "kip", "kpu", "binda"})
_QUOTE_CHARS = re.compile(r"[“”\"]")


def quote_spans(sentence: str, open_at_start: bool) -> tuple[list[tuple[int, int]], bool]:
    """Spans inside quotation marks, and whether a quote is still open at the end."""
    spans: list[tuple[int, int]] = []
    inside = open_at_start
    start = 0
    for qm in _QUOTE_CHARS.finditer(sentence):
        i, ch = qm.start(), qm.group(0)
        if ch == "“" or (ch == '"' and not inside):
            if not inside:
                inside, start = True, i
        elif ch == "”" or (ch == '"' and inside):
            if inside:
                spans.append((start, i + 1))
                inside = False
    if inside:
        spans.append((start, len(sentence)))
    return spans, inside


def _in_spans(pos: int, spans: list[tuple[int, int]]) -> bool:
    return any(a <= pos < b for a, b in spans)


def find(sentences: list[str], gaz: Gazetteer) -> list[Mention]:
    """All mentions, sentence by sentence (quoted ones flagged, negated ones dropped)."""
    out: list[Mention] = []
    open_quote = False
    for i, s in enumerate(sentences):
        spans, open_quote = quote_spans(s, open_quote)
        out.extend(_in_sentence(i, s, spans, gaz))
    return out


def _in_sentence(i: int, s: str, spans: list[tuple[int, int]], gaz: Gazetteer) -> list[Mention]:
    _, _, pattern, firsts = _tables()
    found: list[Mention] = []
    pos = 0
    negated_end: int | None = None
    # Only words that can start a mention are tried with the (large) pattern.
    for wm in _WORD.finditer(s):
        if wm.start() < pos or wm.group(0).lower() not in firsts:
            continue
        m = pattern.match(s, wm.start())
        if m is None:
            continue
        pos = m.end()
        if _COLLECTIVE_AFTER.match(s, m.end()):
            # Forum names ("Forkopimda se-X") and collectives ("Bupati dan Wali Kota se-X"),
            # the whole list before it included.
            start = m.start()
            while found and _joins_collective(found[-1], s, start):
                start = found.pop().start
            continue
        mention = _head(i, s, m, spans)
        if mention is None:
            continue
        p = _unit_or_region(mention, s, m.end(), gaz)
        p = _person(mention, s, p, pattern)
        mention.end = max(p, m.end())
        mention.text = s[mention.start : p].strip(" ,")
        pos = max(pos, min(p, len(s)))
        # "pemilihan Gubernur dan Wakil Gubernur X serta Bupati ...": the list shares it.
        if negated_end is not None and _COORDINATED.fullmatch(s, negated_end, mention.start):
            mention.negated = mention.kind != "body"
        negated_end = mention.end if mention.negated else None
        if not mention.negated:
            found.append(mention)
    return found


def _joins_collective(prev: Mention, s: str, start: int) -> bool:
    """ "Bupati/Wali Kota, Kapolres, dan Dandim se-X": a regency's officials without region
    listed before the collective belong to it; an official with a region or name does not."""
    bare = not (prev.region or prev.region_text or prev.person or prev.number)
    return bare and prev.level == "local" and bool(_COORDINATED.fullmatch(s, prev.end, start))


def _head(i: int, s: str, m: re.Match[str], spans: list[tuple[int, int]]) -> Mention | None:
    """The title, lead + body or body matched, unless negated ("mantan Kapolda") or a group."""
    titles, bodies, _, _ = _tables()
    negated = _negates(_NEGATED.search(s[max(0, m.start() - 30) : m.start()]), m)
    prefix = (m.group("prefix") or "").strip()
    title: str | None
    if m.group("title"):
        title = " ".join(m.group("title").split())
        key, level = titles[title.lower()]
        kind, body_text = "title", None
    else:
        raw = m.group("body1") or m.group("body")
        if raw.lower() in _LOWER_WORDS and raw != raw.upper():
            return None  # "pt", "kip" in lower case are ordinary words
        key, level = bodies[" ".join(raw.lower().split())]
        body_text = " ".join(raw.split())
        kind = "lead" if m.group("lead") else "body"
        title = " ".join(m.group("lead").split()) if m.group("lead") else None
    if kind == "body":
        prefix = ""
    first = next(g for g in ("prefix", "title", "lead", "body") if m.group(g))
    return Mention(
        sent=i,
        start=m.start(first),
        end=m.end(),
        key=key,
        level=level,
        kind=kind,
        text="",
        title=(f"{prefix} {title}".strip() if title else None),
        body_text=body_text,
        quoted=_in_spans(m.start(), spans),
        national=key.startswith("national:"),
        negated=negated,
    )


def _negates(neg: re.Match[str] | None, m: re.Match[str]) -> bool:
    """Whether a negator right before the match applies to it."""
    if neg is None:
        return False
    election_word = neg.group("neg").lower() in _TITLE_ONLY_NEGATORS
    return not (election_word and not m.group("title") and not m.group("lead"))


def _unit_or_region(mention: Mention, s: str, p: int, gaz: Gazetteer) -> int:
    """Read what follows the body: a command's number and name, or a region; return the end."""
    key = mention.key
    if key == "kodam":
        return _kodam_unit(mention, s, p)
    if key in ("korem", "kodim"):
        return _command_unit(mention, s, p)
    if key in ("koarmada", "lantamal"):
        rm = _ROMAN.match(s, p)
        if rm and rm.group("num"):
            mention.number = rm.group("num")
            return rm.end()
        return p
    if key in ("lanal", "lanud"):
        nm = _CONTINUE_NAME.match(s, p + 1) if s[p : p + 1] == " " else None
        if nm:
            mention.unit_name = _name_words(nm.group(0)) or None
            return s.find(mention.unit_name, p) + len(mention.unit_name) if mention.unit_name else p
        return p
    if mention.national:
        return p
    nat = _NATIONAL_SUFFIX.match(s, p) if key in ("kpu", "bawaslu") else None
    if nat:
        mention.national = True
        mention.key = f"national:{mention.body_text or key.upper()} RI"
        return nat.end()
    abbr = _ABBREVIATION.match(s, p)
    q = abbr.end() if abbr else p
    place, rtext, lvl, generic, p2 = parse_region(s, q, gaz, mention.level)
    if not rtext:
        return q
    mention.region, mention.region_text = place, rtext
    mention.region_level, mention.generic_place = lvl, generic
    return p2


def _name_words(text: str) -> str:
    """The words of a unit name before any rank ("Dumai Lettu Laut" -> "Dumai")."""
    words: list[str] = []
    for w in text.split():
        if HONORIFIC.match(w + " "):
            break
        words.append(w)
    return " ".join(words)


def _kodam_unit(mention: Mention, s: str, p: int) -> int:
    """ "Kodam XVI/Pattimura", "Pangdam IV/Diponegoro", "Pangdam Iskandar Muda"."""
    rm = _ROMAN.match(s, p)
    num = rm.group("num") if rm else None
    q = rm.end() if rm else p
    nm = _CONTINUE_NAME.match(s, q)
    mention.number = num
    name = _name_words(nm.group(0)) if nm else ""
    if name:
        mention.unit_name = name
        return s.find(name.split()[-1], q) + len(name.split()[-1])
    return q if num else p


def _command_unit(mention: Mention, s: str, p: int) -> int:
    """ "Korem 163/Wira Satya", "Dandim 0302/Inhu", "Kodim 1310/Bitung"."""
    rx = _KOREM_NUM if mention.key == "korem" else _KODIM_NUM
    rm = rx.match(s, p)
    if not rm:
        return p
    mention.number = rm.group("num")
    q = rm.end()
    nm = LOCAL_PLACE.match(s, q)
    name = _name_words(nm.group(0)) if nm else ""
    if not name:
        return q
    mention.unit_name = name
    return s.find(name.split()[-1], q) + len(name.split()[-1])


def _person(mention: Mention, s: str, p: int, pattern: re.Pattern[str]) -> int:
    """The official's name after a title ("Kapolda Kaltim Irjen Pol Nanang"); return the end."""
    if mention.kind == "body":
        return p
    person, p3 = parse_name(s, p)
    if person and (
        (mention.generic_place and person.split()[0] == mention.generic_place)
        or pattern.match(person)
    ):
        return p  # the "name" is the next agency in a list
    if person:
        mention.person = person
        return p3
    return p
