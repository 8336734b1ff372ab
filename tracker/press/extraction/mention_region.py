"""The region written after a title or body ("Kapolda Kaltim", "KPU Kota Bima")."""

from __future__ import annotations

import re

from .people import HONORIFIC
from .places import Gazetteer, Place

LOCAL_PLACE = re.compile(r"[A-Z][A-Za-z'\-]+(?:\s+[A-Z][A-Za-z'\-]+){0,2}")
_LEVEL_WORD = re.compile(
    r"\s*(?:(?P<lvl>Provinsi|Prov\.?|(?:Kota|Kabupaten|Kab\.)(?:\s+(?:Administrasi|Adm\.))?)\s+)?"
)
# A police resort named after a city that shares its name with a regency ("Bima Kota").
_CITY_SUFFIX = re.compile(r"\s+Kota\b")
_WORDS_AHEAD = re.compile(r"[A-Z][a-z]+(?:\s+[a-zA-Z]+){0,3}")


def parse_region(
    s: str, pos: int, gaz: Gazetteer, level: str
) -> tuple[Place | None, str | None, str | None, str | None, int]:
    """(place, text, level word, generic local name, end) after a title or body."""
    lm = _LEVEL_WORD.match(s, pos)
    lvl = " ".join(lm.group("lvl").split()) if lm and lm.group("lvl") else None
    p = lm.end() if lm else pos
    if lm and not lvl:
        p = pos + (len(s[pos:]) - len(s[pos:].lstrip()))
    gm = _place_match(s, p, gaz)
    if gm:
        name, gm_end = gm
        suffix = _city_suffix(s, gm_end, gaz) if lvl is None else None
        if suffix is not None:
            city = gaz.lookup(name, "city")
            if city is not None:
                return city, f"{name} Kota", "Kota", None, suffix
        place = _placed(gaz, name, lvl, level)
        text = (lvl + " " if lvl else "") + name
        if place is not None:
            return place, text, lvl, None, gm_end
        if level != "province" and gaz.all_named(name):
            # Kabupaten or Kota Bima, the text does not say: the name as printed.
            return None, text, lvl, name, gm_end
    if lvl or level in ("local", "any"):
        if lvl or level == "local":
            cm = LOCAL_PLACE.match(s, p)
            if cm:
                words = cm.group(0).split()
                kept: list[str] = []
                for w in words:
                    if HONORIFIC.match(w + " ") or w in ("Dalam", "Pada", "Sementara"):
                        break
                    kept.append(w)
                    if not lvl:
                        break  # without "Kota"/"Kabupaten", trust one word only
                if kept:
                    name = " ".join(kept)
                    end = s.find(kept[-1], p) + len(kept[-1])
                    return None, (lvl + " " if lvl else "") + name, lvl, name, end
    return None, None, None, None, pos


def _place_match(s: str, p: int, gaz: Gazetteer) -> tuple[str, int] | None:
    """A place name at ``p``; "Sulawesi tenggara" is read as its title-cased form."""
    gm = gaz.named_pattern.match(s, p)
    if gm:
        return gm.group(0), gm.end()
    ahead = _WORDS_AHEAD.match(s, p)
    if ahead is None or " " not in ahead.group(0):
        return None
    titled = gaz.named_pattern.match(ahead.group(0).title())
    # Only a name whose later words were lower-cased, never a lower-cased first word.
    if titled is None or " " not in titled.group(0):
        return None
    return titled.group(0), p + titled.end()


def _city_suffix(s: str, pos: int, gaz: Gazetteer) -> int | None:
    """The end of a trailing "Kota" ("Polres Bima Kota"), unless it begins "Kota <place>"."""
    m = _CITY_SUFFIX.match(s, pos)
    if m is None or gaz.named_pattern.match(s, m.end() + 1):
        return None
    return m.end()


def _placed(gaz: Gazetteer, name: str, lvl: str | None, level: str) -> Place | None:
    """The place ``name`` is after a level word ("Kota Bima", "Kab. Bima") or a body."""
    word = (lvl or "").lower()
    if word.startswith("prov") or (not lvl and level == "province"):
        return gaz.lookup(name, "province")
    if word.startswith(("kota", "kab")):
        # Kota/Kabupaten says which of two regions sharing the name; a town has neither.
        family = "city" if word.startswith("kota") else "regency"
        return gaz.lookup(name, family) or gaz.lookup(name, "local")
    return gaz.lookup(name)
