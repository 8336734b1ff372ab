"""Indonesian zone and number words the date finder reads (calendar_words)."""

from __future__ import annotations

import pytest

from tracker.press.extraction.calendar_words import iana_for, parse_number, zone_code


@pytest.mark.parametrize(
    ("written", "code"),
    [
        ("WIB", "wib"),
        ("Waktu Indonesia Barat", "wib"),
        ("waktu indonesia tengah", "wita"),
        ("Waktu Indonesia Timur", "wit"),
        ("WITA", "wita"),
    ],
)
def test_zone_words(written, code):
    assert zone_code(written) == code


def test_zones_to_iana():
    assert iana_for("WITA", "Asia/Jakarta") == "Asia/Makassar"
    assert iana_for("Waktu Indonesia Timur", None) == "Asia/Jayapura"
    # West and Central Kalimantan keep WIB on their own IANA zone.
    assert iana_for("WIB", "Asia/Pontianak") == "Asia/Pontianak"
    assert iana_for("WIB", "Asia/Makassar") == "Asia/Jakarta"
    # A token that is no zone falls back to the province's zone.
    assert iana_for("pagi", "Asia/Makassar") == "Asia/Makassar"


@pytest.mark.parametrize(
    ("written", "number"),
    [
        ("12", 12),
        ("sehari", 1),
        ("seminggu", 7),
        ("sepekan", 7),
        ("lima", 5),
        ("dua belas", 12),
        ("tiga puluh", 30),
        ("dua  puluh lima", 25),
        ("tiga hari", None),
        ("nol", None),
    ],
)
def test_number_words(written, number):
    assert parse_number(written) == number
