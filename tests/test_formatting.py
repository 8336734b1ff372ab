"""Dates and times in Indonesian and English with their zone."""

from datetime import UTC, datetime

from tracker.formatting import format_local, zone_label


def test_indonesian_long_form():
    moment = datetime(2024, 2, 6, 1, 0, tzinfo=UTC)
    assert format_local(moment, "Asia/Makassar", "id") == "Selasa, 6 Februari 2024 pukul 09.00 WITA"
    assert format_local(moment, "Asia/Makassar", "en") == "Tuesday, 6 February 2024 at 09:00 WITA"


def test_zone_labels():
    assert zone_label("Asia/Jakarta") == "WIB"
    assert zone_label("Asia/Pontianak") == "WIB"
    assert zone_label("Asia/Makassar") == "WITA"
    assert zone_label("Asia/Jayapura") == "WIT"
