"""A name a regency and a city share: the text decides which, or the city stays blank."""

from __future__ import annotations

from tracker.press.extraction import extract
from tracker.press.extraction.places import gazetteer

from .helpers import codes, warning

# Kabupaten Banjar is in Kalimantan Selatan (WITA), Kota Banjar in Jawa Barat (WIB).
BANJAR_PREFIX = """Rakor kesiapan Pilkada digelar Pemerintah Kabupaten Banjar di Aula Cahaya \
Bumi Selamat, Rabu (6/11/2024). Bupati Banjar membuka rapat, Kapolres Banjar dan Dandim \
turut hadir.
"""
BANJAR_PROVINCE = """Rakor kesiapan Pilkada digelar di Banjar, Kalimantan Selatan, Rabu \
(6/11/2024). Kapolres Banjar memaparkan rencana pengamanan.
"""
BANJAR_DATELINE = """BANJARMASIN – Rakor kesiapan Pilkada digelar di Banjar, Rabu (6/11/2024). \
Kapolres Banjar memaparkan rencana pengamanan.
"""
BANJAR_CITY = """Pemkot Banjar menggelar rakor netralitas ASN di Aula Setda, Rabu (6/11/2024). \
Wali Kota Banjar memimpin rapat.
"""
BANJAR_BARE = """Rakor kesiapan Pilkada digelar di Banjar, Rabu (6/11/2024). Kapolres dan \
Dandim memaparkan rencana pengamanan.
"""
BOGOR_REGENCY = """Rakor pengamanan Pilkada digelar di Kabupaten Bogor, Kamis (7/11/2024). \
Bupati Bogor memimpin rapat.
"""
BOGOR_CITY = """Rakor pengamanan Pilkada digelar di Balai Kota Bogor, Kamis (7/11/2024). \
Wali Kota Bogor memimpin rapat.
"""
BOGOR_BARE = """Rakor pengamanan Pilkada digelar di Bogor, Kamis (7/11/2024), dihadiri \
Kapolres dan Dandim.
"""


def _kind(text: str, name: str) -> tuple[str, str] | None:
    place = gazetteer().in_context(text).lookup(name, "local")
    return (place.kind, place.province_code) if place else None


def test_banjar_prefix_names_the_regency() -> None:
    r = extract(BANJAR_PREFIX)
    assert r["province"] == "Kalimantan Selatan"
    assert r["timezone"] == "Asia/Makassar"
    assert "place_ambiguous" not in codes(r)
    assert _kind(BANJAR_PREFIX, "Banjar") == ("regency", "63")


def test_banjar_named_province_picks_the_regency() -> None:
    r = extract(BANJAR_PROVINCE)
    assert (r["city"], r["province"]) == ("Banjar", "Kalimantan Selatan")
    assert _kind(BANJAR_PROVINCE, "Banjar") == ("regency", "63")


def test_banjar_dateline_city_picks_the_regency() -> None:
    r = extract(BANJAR_DATELINE)
    assert (r["city"], r["province"]) == ("Banjar", "Kalimantan Selatan")
    assert r["timezone"] == "Asia/Makassar"


def test_banjar_city_prefix_names_the_city() -> None:
    r = extract(BANJAR_CITY)
    assert (r["city"], r["province"]) == ("Banjar", "Jawa Barat")
    assert _kind(BANJAR_CITY, "Banjar") == ("city", "32")


def test_bare_banjar_is_left_blank_with_both_places() -> None:
    r = extract(BANJAR_BARE)
    assert r["city"] is None
    assert r["province"] is None  # the two Banjars are in different provinces
    message = warning(r, "place_ambiguous")["message"]
    assert "Kabupaten Banjar (Kalimantan Selatan)" in message
    assert "Kota Banjar (Jawa Barat)" in message


def test_bogor_prefixes_pick_regency_or_city() -> None:
    for text, kind in ((BOGOR_REGENCY, "regency"), (BOGOR_CITY, "city")):
        r = extract(text)
        assert (r["city"], r["province"]) == ("Bogor", "Jawa Barat")
        assert "place_ambiguous" not in codes(r)
        assert _kind(text, "Bogor") == (kind, "32")


def test_bare_bogor_keeps_the_province_but_not_the_city() -> None:
    r = extract(BOGOR_BARE)
    assert r["city"] is None
    assert r["province"] == "Jawa Barat"  # both Bogors are in Jawa Barat
    message = warning(r, "place_ambiguous")["message"]
    assert "Kabupaten Bogor, Kota Bogor" in message


def test_shared_gazetteer_is_not_swayed_by_a_text() -> None:
    gazetteer().in_context(BANJAR_PREFIX)
    assert gazetteer().lookup("Banjar", "local") is None
    assert gazetteer().lookup("Banjar", "city").province_code == "32"  # type: ignore[union-attr]
