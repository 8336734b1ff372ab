"""The bodies of every regency and city, generated from data, before anyone uses them.

Pure: no Flask, no database. 514 regions times a dozen bodies is some 6,000 bodies;
the registry holds a row only for those a meeting or a person has used (see
``tracker.agencies.local_operations.ensure_local_body``), so registry pages, pickers and
feeds stay as small as the work recorded. Each body has a stable ``key``
("polres:14.02"), kept on its row, so a later data fix renames it in place.
"""

from __future__ import annotations

import csv
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from importlib import resources

from tracker import reference
from tracker.models.agency import normalize_name
from tracker.regions.names import region_name_rows

# The other names that stand for a region inside a body's name ("Polres Inhu").
_ABBREVIATING = ("abbreviation", "variant")


@dataclass(frozen=True)
class LocalBody:
    """A regency or city body: the row it becomes, and where it sits."""

    key: str
    template: str
    region_code: str
    province_code: str
    row: reference.AgencyRow
    names: tuple[str, ...] = field(default=(), compare=False)


@dataclass(frozen=True)
class _Region:
    """What the templates read from a region."""

    code: str
    name: str
    kind: str
    province: str
    administrative: bool
    shared: bool
    abbreviations: tuple[str, ...]


def _csv(name: str) -> list[dict[str, str]]:
    text = resources.files("tracker.data").joinpath(name).read_text(encoding="utf-8")
    rows = csv.DictReader(line for line in text.splitlines() if not line.startswith("#"))
    return [{k: (v or "").strip() for k, v in r.items()} for r in rows]


def _split(value: str, sep: str = "|") -> list[str]:
    return [v.strip() for v in value.split(sep) if v.strip()]


def _regions() -> list[_Region]:
    """The regencies and cities with the facts their bodies' names depend on."""
    lower = reference.lower_regions()
    bare = Counter(normalize_name(r.name) for r in (*lower, *reference.provinces()))
    abbreviations: dict[str, list[str]] = defaultdict(list)
    for n in region_name_rows():
        if n.kind in _ABBREVIATING and n.valid_until is None:
            abbreviations[n.code].append(n.name)
    return [
        _Region(
            code=r.code,
            name=r.name,
            kind=r.kind,
            province=r.parent_code or r.code.split(".")[0],
            administrative="Administrasi" in (r.official_name or ""),
            shared=bare[normalize_name(r.name)] > 1,
            abbreviations=tuple(abbreviations.get(r.code, ())),
        )
        for r in lower
    ]


def _fill(pattern: str, region: _Region, abbr: str | None = None) -> str:
    plain = "Kabupaten" if region.kind == "regency" else "Kota"
    kind_word = f"{plain} Administrasi" if region.administrative else plain
    # The short form releases and the dev set's canonical names use: "KPU Kab. Bima".
    word = "Kab." if region.kind == "regency" else "Kota"
    place = f"{word} {region.name}" if region.shared else region.name
    long = f"{plain} {region.name}" if region.shared else region.name
    return pattern.format(
        name=region.name,
        place=place,
        place_long=long,
        kind_word=kind_word,
        kind_plain=plain,
        abbr=abbr or "",
    )


def _aliases(patterns: Iterable[str], region: _Region) -> list[str]:
    """Expand alias patterns: one per abbreviation for ``{abbr}``, "?" only if unshared."""
    out: list[str] = []
    for pattern in patterns:
        if pattern.startswith("?"):
            if region.shared:
                continue
            pattern = pattern[1:]
        if "{abbr}" in pattern:
            out += [_fill(pattern, region, a) for a in region.abbreviations]
        else:
            out.append(_fill(pattern, region))
    return out


def _head_aliases(head: str | None, names: Iterable[str], region: _Region) -> list[str]:
    """ "Kapolres Inhu", "Ketua KPU Kota Bima": the head title with the region's names."""
    if not head:
        return []
    places = [_fill("{place}", region), *region.abbreviations]
    if not region.shared:
        places.append(region.name)
    out = [f"{head} {p}" for p in places]
    # A head title with the body's own name reads "Ketua KPU Kota Bima".
    out += [f"{head.split()[0]} {n}" for n in names if head.startswith("Ketua ")]
    return out


def _templates_for(region: _Region, templates: list[dict[str, str]]) -> list[dict[str, str]]:
    """The templates a region gets: its kind's, a province's own replacing the general."""
    own = {
        t["key"]: t
        for t in templates
        if t["province"] == region.province and t["applies"] in ("any", region.kind)
    }
    general = [
        t
        for t in templates
        if not t["province"] and t["applies"] in ("any", region.kind) and t["key"] not in own
    ]
    chosen = [*general, *own.values()]
    return [t for t in chosen if not (region.administrative and t["skip_admin"] == "1")]


def _polres_template(region: _Region, named: dict[str, dict[str, str]]) -> dict[str, str]:
    """The police resort: its real form from polres.csv, else "Polres {name}"."""
    row = named.get(region.code)
    if row is None:
        short, full, extra = "Polres {name}", "Kepolisian Resor {name}", "Kepolisian Resor {abbr}"
    else:
        # polres.csv holds plain names; braces would read as placeholders.
        short, full = (
            row[k].replace("{", "{{").replace("}", "}}") for k in ("short_name", "full_name")
        )
        extra = "|".join([*_split(row["aliases"]), "?Polres {name}"])
    return {
        "key": "polres",
        "kind": "police",
        "short": short,
        "full": full,
        # Kapolres, Kapolresta, Kapolrestabes: the head is named after the resort's form.
        "head_title": "Ka" + short.split()[0].lower(),
        "aliases": f"Polres {{abbr}}|{extra}",
        "valid_from": "",
    }


def _kodim_templates(rows: list[dict[str, str]]) -> dict[str, list[dict[str, str]]]:
    """Region code -> the Kodim covering it (kodim.csv); a Kodim may cover two regions."""
    out: dict[str, list[dict[str, str]]] = defaultdict(list)
    for r in rows:
        short = f"Kodim {r['number']}/{r['name']}"
        aliases = [
            *_split(r["aliases"]),
            f"Kodim {r['number']}",
            f"Kodim {r['number']} {r['name']}",
        ]
        template = {
            "key": f"kodim:{r['number']}",
            "kind": "military",
            "short": short,
            "full": f"Komando Distrik Militer {r['number']}/{r['name']}",
            "head_title": "Dandim",
            "aliases": "|".join(
                aliases + [f"Dandim {r['number']}/{r['name']}", f"Dandim {r['number']}"]
            ),
            "valid_from": "",
        }
        for code in _split(r["region_codes"], ";"):
            out[code].append(template)
    return out


def _body(template: dict[str, str], region: _Region) -> LocalBody:
    short = _fill(template["short"], region)
    full = _fill(template["full"], region)
    head = template["head_title"] or None
    aliases = _aliases(_split(template["aliases"]), region)
    aliases += _head_aliases(head, [short, *aliases], region)
    unique = sorted({a for a in aliases if normalize_name(a) != normalize_name(short)} | {full})
    # A Kodim covering two regions is one body: keyed by its number, at its first region.
    key = template["key"] if ":" in template["key"] else f"{template['key']}:{region.code}"
    row = reference.AgencyRow(
        slug=reference.slugify(short),
        short_name=short,
        full_name=full,
        kind=template["kind"],
        head_title=head,
        region_code=region.code,
        aliases=tuple(unique),
        valid_from=date.fromisoformat(template["valid_from"]) if template["valid_from"] else None,
    )
    return LocalBody(key, template["key"], region.code, region.province, row, (short, *unique))


def _unique_slugs(bodies: list[LocalBody]) -> list[LocalBody]:
    """Give bodies that share a name (Polres Banjar, Kalsel and Jabar) the province in the slug."""
    taken = Counter(b.row.slug for b in bodies)
    taken.update(a.slug for a in reference.agencies())
    provinces = {p.code: p for p in reference.provinces()}
    out = []
    for b in bodies:
        if taken[b.row.slug] > 1:
            suffix = reference.slugify(provinces[b.province_code].short)
            slug = f"{b.row.slug}-{suffix}"
            if taken[slug]:
                slug = f"{slug}-{b.region_code.replace('.', '')}"
            taken[slug] += 1
            b = LocalBody(
                b.key, b.template, b.region_code, b.province_code, _with_slug(b.row, slug), b.names
            )
        out.append(b)
    return out


def _with_slug(row: reference.AgencyRow, slug: str) -> reference.AgencyRow:
    return reference.AgencyRow(
        slug=slug,
        short_name=row.short_name,
        full_name=row.full_name,
        kind=row.kind,
        head_title=row.head_title,
        region_code=row.region_code,
        aliases=row.aliases,
        valid_from=row.valid_from,
        valid_until=row.valid_until,
    )


@cache
def local_bodies() -> tuple[LocalBody, ...]:
    """Every regency and city body the data describes, in region order."""
    templates = _csv("local_bodies.csv")
    polres = {r["region_code"]: r for r in _csv("polres.csv")}
    # A region another resort covers gets none of its own (polres_none.csv).
    no_resort = {r["region_code"] for r in _csv("polres_none.csv")}
    kodim = _kodim_templates(_csv("kodim.csv"))
    bodies: list[LocalBody] = []
    seen: set[str] = set()
    for region in _regions():
        chosen = _templates_for(region, templates)
        if region.code not in no_resort:
            chosen.append(_polres_template(region, polres))
        for template in [*chosen, *kodim.get(region.code, [])]:
            body = _body(template, region)
            if body.key not in seen:
                seen.add(body.key)
                bodies.append(body)
    return tuple(_unique_slugs([*bodies, *_korem_bodies(_csv("kodim.csv"))]))


def _korem_bodies(kodim_rows: list[dict[str, str]]) -> list[LocalBody]:
    """The Korem above the Kodim of kodim.csv, each in the province of its Kodim."""
    out: dict[str, LocalBody] = {}
    for r in kodim_rows:
        number, _slash, name = r["korem"].partition("/")
        first = _split(r["region_codes"], ";")[0]
        province = first.split(".")[0]
        if not (number and name) or f"korem:{number}" in out:
            continue
        short = f"Korem {number}/{name}"
        aliases = (
            f"Korem {number}",
            f"Korem {number} {name}",
            f"Danrem {number}/{name}",
            f"Danrem {number}",
            f"Komando Resor Militer {number}/{name}",
        )
        row = reference.AgencyRow(
            slug=reference.slugify(short),
            short_name=short,
            full_name=f"Komando Resor Militer {number}/{name}",
            kind="military",
            head_title="Danrem",
            region_code=province,
            aliases=aliases,
        )
        out[f"korem:{number}"] = LocalBody(
            f"korem:{number}", "korem", province, province, row, (short, *aliases)
        )
    return list(out.values())


@cache
def by_key() -> dict[str, LocalBody]:
    """Bodies by their stable key ("kpu:52.72")."""
    return {b.key: b for b in local_bodies()}


# Words written long or short in the same name: "KPU Kab. Bima", "Kab. Kep. Sangihe".
_SHORT_WORDS = {"kabupaten": "kab", "kepulauan": "kep", "administrasi": "adm"}


def fold(text: str) -> str:
    """A name compared loosely: case, punctuation and the long or short kind words."""
    return " ".join(_SHORT_WORDS.get(w, w) for w in normalize_name(text).split())


@cache
def _by_name() -> dict[str, tuple[LocalBody, ...]]:
    out: dict[str, list[LocalBody]] = defaultdict(list)
    for b in local_bodies():
        for name in {fold(n) for n in b.names}:
            out[name].append(b)
    return {k: tuple(v) for k, v in out.items()}


def named(text: str, province_code: str | None = None) -> list[LocalBody]:
    """The bodies whose name or alias is ``text`` (loosely); ``province_code`` narrows."""
    found = list(_by_name().get(fold(text), ()))
    if province_code and len(found) > 1:
        inside = [b for b in found if b.province_code == province_code]
        found = inside or found
    return found


def search(
    query: str, limit: int = 15, province_code: str | None = None
) -> list[tuple[LocalBody, str]]:
    """Bodies with a name or alias containing the query, best first, with the name matched.

    An exact name comes first, then names starting with the query, then the rest;
    within each, bodies of ``province_code`` first, then the shorter name.
    """
    norm = fold(query)
    if len(norm) < 2:
        return []
    best: dict[str, tuple[tuple[int, ...], LocalBody, str]] = {}
    for name, bodies in _by_name().items():
        if norm not in name:
            continue
        grade = 0 if name == norm else 1 if name.startswith(norm) else 2
        for b in bodies:
            own = 0 if name == fold(b.row.short_name) else 1
            rank = (grade, 0 if b.province_code == province_code else 1, own, len(name))
            if b.key not in best or rank < best[b.key][0]:
                best[b.key] = (rank, b, name)
    ranked = sorted(best.values(), key=lambda item: (item[0], item[1].row.short_name))
    return [(b, _display(b, name)) for _rank, b, name in ranked[:limit]]


def _display(body: LocalBody, normalized: str) -> str:
    """The alias as written whose normalised form matched."""
    return next((n for n in body.names if fold(n) == normalized), body.row.short_name)


@cache
def _region_labels() -> dict[str, str]:
    provinces = {p.code: p.name for p in reference.provinces()}
    lower = {
        r.code: f"{r.official_name or r.name}, {provinces.get(r.parent_code or '', '')}".rstrip(
            ", "
        )
        for r in reference.lower_regions()
    }
    return provinces | lower


def region_label(code: str) -> str:
    """ "Kabupaten Bima, Nusa Tenggara Barat": a body's region as a picker shows it."""
    return _region_labels().get(code, code)
