"""Venue names as written, and what "di ..." phrases are not venues (invented releases)."""

from __future__ import annotations

import pytest

from tracker.press.extraction import extract


@pytest.mark.parametrize(
    ("text", "venue", "city"),
    [
        (
            "MANADO – Kapolres Bitung menghadiri rapat koordinasi lintas sektoral yang berlangsung "
            "di Hotel Sintesa Manado, Selasa (30/7/2024).",
            "Hotel Sintesa Manado",
            "Manado",
        ),
        (
            "Rakor dipimpin langsung Kapolres Sambas AKBP Sugiyono di halaman Mapolres Sambas, "
            "Selasa 17 Oktober 2023.",
            "halaman Mapolres Sambas",
            "Sambas",
        ),
        (
            "Apel yang digelar di Lapangan Bumi Gora Kota Mataram tersebut dihadiri Wali Kota "
            "Mataram, Senin (25/11/2024).",
            "Lapangan Bumi Gora Kota Mataram",
            "Mataram",
        ),
        (
            '"Jaga netralitas," ujar Pj Gubernur disambut tepuk tangan hadirin di Ruang Pola '
            "Kantor Gubernur Sulsel, Kamis, 8 Agustus 2024.",
            "Ruang Pola Kantor Gubernur Sulsel",
            None,
        ),
    ],
)
def test_venue_as_written_with_its_city(text: str, venue: str, city: str | None) -> None:
    r = extract(text)
    assert r["venue_name"] == venue
    if city:
        assert r["city"] == city
    assert r["evidence"]["venue_name"] == text


@pytest.mark.parametrize(
    "text",
    [
        "Pj Gubernur Sulsel menyampaikan arahan di Rapat Koordinasi Daerah, Kamis (8/8/2024).",
        "Apel serupa juga dilaksanakan serentak di seluruh Polres di Indonesia, Selasa "
        "(17/10/2023).",
        "Rakor lintas sektoral penting bagi seluruh fungsi kepolisian di Polda Sulteng, kata "
        "Kapolda, Kamis (21/9/2023).",
    ],
)
def test_events_countries_and_bodies_are_not_venues(text: str) -> None:
    assert extract(text)["venue_name"] is None
