"""Venue name, address and city of the meeting, and the dateline city."""

from __future__ import annotations

import re
from dataclasses import dataclass

from .mentions import body_pattern
from .normalise import straight_quotes
from .places import Gazetteer, Place

_HEAD = (
    r"(?:Hotel|Ballroom|Gedung|Aula|Ruang|Ruangan|Auditorium|Pendopo|Pendapa|Kantor|Markas|"
    r"Mako\w*|Mapolda|Mapolres\w*|Balai|Rumah\s+Jabatan|Rujab|Convention|Hall|Wisma|Graha|"
    r"Lantai|Command\s+Center|Kafe|Cafe|Caffe|Café|Restoran|Resto|Rumah\s+Makan|Islamic\s+Center|"
    r"Masjid|Lapangan|GOR|Sekretariat|Villa|Resort|Swiss|Grand|Best|Halaman|Pelataran|Lobi|"
    r"Lobby|Teras|Ruang\s+Rapat|Kediaman)\b"
)
HEAD = re.compile(_HEAD, re.I)
_DI = re.compile(
    r"\b(?:bertempat|berlokasi)?\s*\bdi\s+(?!antara|mana|sela|tengah|bawah|atas|depan|hadapan|samping|luar|dalam\s+)",
    re.I,
)
_VENUE_SENT = re.compile(
    r"\b(?:bertempat|berlokasi|berlangsung|dilaksanakan|digelar|diselenggarakan|diadakan|"
    r"menggelar|melaksanakan|rakor|rapat|ratas|pertemuan|menghadiri|dilangsungkan)\b",
    re.I,
)
_WD = r"(?:Senin|Selasa|Rabu|Kamis|Jum['\u2019]?at|Sabtu|Minggu|Ahad)"
_STOP = re.compile(
    r";|\(|(?<![A-Z])\.(?=\s|$)|[\"“”]|\s+(?:pada|dengan|yang|untuk|dalam|guna|sejak|mulai|sekitar|"
    rf"pukul|dan|serta|bersama|beserta|hingga|sampai|selama|oleh|terkait|tentang|sebagai|tadi|"
    rf"tersebut|ini|itu|dihadiri|diikuti|dipimpin|dibuka)\b|,?\s+{_WD}\b",
    re.I,
)
_ADDRESS = re.compile(
    r"(?:^|\s|,\s*)(?=(?:Jalan|Jl\.?|Jln\.?|Kelurahan|Kel\.|Desa|Kecamatan|Kec\.|Kompleks|Komplek|"
    r"Kawasan|Perumahan|RT\b)\s)"
)
_GENERIC = re.compile(r"^(?:salah\s+satu|sebuah|suatu|kawasan|wilayah|daerah)\b", re.I)
_PLACE_PREFIX = re.compile(r"^(?:Kota|Kabupaten|Kab\.|Provinsi)\s+")
# Phrases after "di" that are an event or the whole country, not a venue.
_NOT_A_VENUE = re.compile(
    r"^(?:rapat|rakor\w*|acara|kegiatan|apel|pertemuan|forum|sela|indonesia|tanah\s+air|"
    r"seluruh|masing|setiap|tiap|tingkat|lingkungan)\b",
    re.I,
)


@dataclass
class Venue:
    name: str | None = None
    address: str | None = None
    city: Place | None = None
    province: Place | None = None
    sentence: int | None = None
    generic: bool = False


def _is_body(head: str) -> bool:
    """True when the phrase is only an agency's name: "di Polda X" is "within Polda X"."""
    m = body_pattern().fullmatch(head)
    return m is not None


def _as_place(text: str, gaz: Gazetteer) -> Place | None:
    t = _PLACE_PREFIX.sub("", text.strip())
    m = gaz.pattern.fullmatch(t)
    if not m:
        return None
    prefer = "province" if text.strip().startswith("Provinsi") else "local"
    return gaz.lookup(t, prefer)


def _trailing_city(name: str, gaz: Gazetteer) -> Place | None:
    """The city a venue's name ends with ("Hotel Roger Manado", "aula Mapolres Ketapang").

    The name keeps it: that is how the venue is written and known.
    """
    for m in gaz.pattern.finditer(name):
        if m.end() == len(name) and m.start() > 0:
            place = gaz.lookup(m.group(0), "local")
            if place is not None and not place.is_province:
                return place
    return None


def find_venue(sentences: list[str], gaz: Gazetteer, prefer: list[int]) -> Venue:
    """The first plausible "di <venue>" phrase in meeting sentences (``prefer`` first)."""
    order = list(dict.fromkeys([*prefer, *range(len(sentences))]))
    generic: Venue | None = None
    for i in order:
        s = sentences[i]
        # The date's own sentence names the venue beside it even without a meeting verb.
        if i not in prefer and not _VENUE_SENT.search(s):
            continue
        for m in _DI.finditer(s):
            v = _parse_phrase(s, m.end(), gaz)
            if v is None:
                continue
            v.sentence = i
            if v.generic or v.name is None:
                generic = generic or v
                continue
            if v.city is None and generic is not None and generic.city is not None:
                v.city = generic.city
            return v
    return generic or Venue()


def _parse_phrase(s: str, pos: int, gaz: Gazetteer) -> Venue | None:
    """The venue in the words after "di": name, address parts, then city or province."""
    raw = s[pos : pos + 240]
    stop = _STOP.search(raw)
    raw = (raw[: stop.start()] if stop else raw).strip(" ,")
    if not raw:
        return None
    if _GENERIC.match(raw):
        return _generic_place(raw, gaz)  # "di salah satu hotel di Kota Sorong"
    parts = [p.strip() for p in raw.split(",")]
    head, address_parts = _split_address(parts[0])
    place = _as_place(head, gaz)
    if place is not None:
        # "di Balikpapan": a city, not a venue.
        city = place if not place.is_province else None
        return Venue(city=city, province=place if place.is_province else None, generic=True)
    if not (HEAD.match(head) or head[:1].isupper() or head[:2] in ("D'", "D’")):
        return None
    if _NOT_A_VENUE.match(head) or _is_body(head):
        return None  # "di Rapat Koordinasi Daerah", "di Indonesia", "di Polda Sulteng"
    if len(head.split()) > 10 or len(head) < 3:
        return None
    v = Venue()
    address_parts.extend(_trailing_parts(parts[1:], gaz, v))
    v.name = straight_quotes(head)
    v.city = v.city or _trailing_city(head, gaz)
    if address_parts:
        v.address = straight_quotes(", ".join(address_parts)).rstrip(" .")
    if v.city is None:
        v.city = _first_local(v.address or "", gaz) or _first_local(v.name, gaz)
    return v


def _generic_place(raw: str, gaz: Gazetteer) -> Venue:
    """A venue not named ("salah satu hotel"): only its city, if written."""
    v = Venue(generic=True)
    for pm in re.finditer(r"\b(?:di|Kota|Kabupaten)\s+([A-Z][\w\s]+?)(?=,|$)", raw):
        place = _as_place(pm.group(1), gaz)
        if place is not None and not place.is_province:
            v.city = place
            return v
    v.city = _first_local(raw, gaz)
    return v


def _split_address(head: str) -> tuple[str, list[str]]:
    """ "Hotel X Jalan Y No. 2" -> ("Hotel X", ["Jalan Y No. 2"])."""
    am = _ADDRESS.search(head)
    if am and am.start() > 0:
        return head[: am.start()].strip(" ,"), [head[am.start() :].strip(" ,")]
    return head, []


def _trailing_parts(parts: list[str], gaz: Gazetteer, v: Venue) -> list[str]:
    """Address parts after the name; a city or province part fills ``v``."""
    address: list[str] = []
    for part in parts:
        if not part:
            break
        if _ADDRESS.match(" " + part) or part.startswith(("No.", "No ", "RT")):
            address.append(part)
            continue
        place = _as_place(part, gaz)
        if place is None:
            break
        if place.is_province:
            v.province = v.province or place
        else:
            v.city = v.city or place
    return address


def _first_local(text: str, gaz: Gazetteer) -> Place | None:
    """The first regency, city or town named in ``text``."""
    for pm in gaz.pattern.finditer(text):
        place = gaz.lookup(pm.group(0), "local")
        if place is not None and not place.is_province:
            return place
    return None


_DATELINE_SPLIT = re.compile(r"\s[-–—]\s|,-\s?|\s[-–—]|^[^a-z]{3,40}?,\s")


def dateline_places(first_line: str, gaz: Gazetteer) -> list[Place]:
    """Places named in the dateline ("SORONG, PBD – ...", "Outlet - Palangka Raya.")."""
    head = first_line[:90]
    m = _DATELINE_SPLIT.search(head)
    if not m:
        return []
    seg = head[: m.end()]
    rest = head[m.end() :]
    short = re.match(r"\s*([A-Z][\w ]{2,30}?)\.(?:\s|$)", rest)
    if short:
        seg += " " + short.group(1)
    comma = re.match(r"\s*([A-Z]{3,}(?:\s[A-Z]{3,})?)\s*[-–—,]", rest)
    if comma:
        seg += " " + comma.group(1)
    found: list[Place] = []
    for word_m in re.finditer(r"[A-Za-z][A-Za-z ]*[A-Za-z]", seg):
        words = word_m.group(0).split()
        # Try the longest runs of words first, title-cased: "PALANGKA RAYA".
        i = 0
        while i < len(words):
            for j in range(min(len(words), i + 4), i, -1):
                cand = " ".join(
                    w if w.isupper() and len(w) <= 4 and j - i == 1 else w.title()
                    for w in words[i:j]
                )
                place = gaz.lookup(cand) or gaz.lookup(" ".join(words[i:j]))
                if place is not None:
                    found.append(place)
                    i = j - 1
                    break
            i += 1
    return found
