"""Registry lookups: names, aliases, head titles, Kodam validity, plain entries."""

from __future__ import annotations

from datetime import date

from tracker.press.extraction import Registry, extract
from tracker.press.extraction.places import gazetteer
from tracker.press.extraction.registry import default_registry


def test_alias_and_canonical_name() -> None:
    reg = default_registry()
    assert reg.by_name("Kejaksaan Tinggi Kalimantan Timur").short_name == "Kejati Kaltim"
    assert reg.by_name("pemerintah provinsi kaltim").short_name == "Pemprov Kaltim"
    assert reg.by_name("KPU Aceh").short_name == "KIP Aceh"


def test_head_title_and_region() -> None:
    reg = default_registry()
    assert reg.by_title("Kapolda", "Kaltim").short_name == "Polda Kaltim"
    assert reg.by_title("Kapolda", "Kalimantan Tengah").short_name == "Polda Kalteng"
    assert reg.by_title("Kapolda", None) is None


def test_kodam_validity_dates() -> None:
    reg = default_registry()
    old, problem = reg.kodam("XVI", "Pattimura", date(2023, 10, 10))
    assert old.short_name == "Kodam XVI/Pattimura" and problem is None
    new, problem = reg.kodam("XVI", "Pattimura", date(2024, 10, 10))
    assert new.short_name == "Kodam XV/Pattimura" and problem
    wrong, problem = reg.kodam("IX", "Mulawarman", date(2024, 1, 1))
    assert wrong.short_name == "Kodam VI/Mulawarman" and "IX" in problem


def test_kodam_from_province_coverage() -> None:
    reg = default_registry()
    ntb = gazetteer().lookup("NTB")
    entry, _ = reg.kodam(None, None, date(2024, 5, 1), ntb)
    assert entry.short_name == "Kodam IX/Udayana"


def test_local_bodies_are_synthesised() -> None:
    reg = default_registry()
    g = gazetteer()
    assert reg.local("polres", g.lookup("Kotamobagu")).short_name == "Polres Kotamobagu"
    assert reg.local("dprd", g.lookup("Kotamobagu")).short_name == "DPRD Kota Kotamobagu"
    assert reg.local("kpu", g.lookup("Bogor", "city")).short_name == "KPU Kota Bogor"


def test_registry_from_plain_entries() -> None:
    rows = [
        {
            "short_name": "Polda Kaltim",
            "kind": "police",
            "head_title": "Kapolda",
            "region": {"short": "Kaltim", "name": "Kalimantan Timur"},
            "aliases": ["Kepolisian Daerah Kalimantan Timur"],
        },
        {
            "short_name": "Kepolisian Kaltara",  # a custom canonical name from the database
            "kind": "police",
            "head_title": "Kapolda",
            "region_short": "Kaltara",
            "region_name": "Kalimantan Utara",
            "aliases": "Polda Kaltara|Polda Kalimantan Utara",
            "valid_from": "2018-01-01",
        },
    ]
    reg = Registry.from_entries(rows)
    assert reg.by_name("Kepolisian Daerah Kalimantan Timur").short_name == "Polda Kaltim"
    assert reg.by_title("Kapolda", "Kaltara").short_name == "Kepolisian Kaltara"
    r = extract(
        "Kapolda Kaltara memimpin rakor pengamanan Pilkada di Tarakan, Senin (4/11/2024).",
        registry=reg,
    )
    assert "Kepolisian Kaltara" in {a["name"] for a in r["agencies"]}
