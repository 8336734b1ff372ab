"""The canonical seed press release (Rakor Forkopimda Kaltim, Balikpapan)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tracker.press.extraction import KEYS, extract

from .helpers import codes, names, roles, warning

SEED = Path(__file__).with_name("fixtures") / "seed.txt"


@pytest.fixture(scope="module")
def result() -> dict:
    return extract(SEED.read_text(encoding="utf-8"))


def test_contract_keys(result: dict) -> None:
    assert set(KEYS) <= set(result)


def test_title_and_theme(result: dict) -> None:
    assert result["title"].startswith("Pastikan Pemilu Berjalan Aman dan Damai")
    assert (
        result["theme"]
        == "Pemantapan Kesiapan Daerah Mendukung Sukses Pemilu 2024 di Kalimantan Timur"
    )
    assert result["meeting_kind"] == "Rakor Forkopimda"


def test_date_as_written_and_suggested(result: dict) -> None:
    assert result["start_date"] == "2024-01-06"
    w = warning(result, "weekday_mismatch")
    assert w["suggested_date"] == "2024-02-06"
    assert "Selasa" in w["message"]
    assert result["suggested_date"] == "2024-02-06"
    assert warning(result, "countdown_mismatch")["suggested_date"] == "2024-02-06"


def test_venue(result: dict) -> None:
    assert result["venue_name"] == "Hotel Novotel Balikpapan"
    assert result["venue_address"] == "Jalan Brigjen Ery Suparjan No. 2"
    assert result["city"] == "Balikpapan"
    assert result["province"] == "Kalimantan Timur"
    assert result["timezone"] == "Asia/Makassar"


def test_chair(result: dict) -> None:
    assert result["chair"] == {
        "name": "Akmal Malik",
        "position": "Pj Gubernur Kaltim",
        "agency": "Pemprov Kaltim",
    }


def test_host_is_pemprov(result: dict) -> None:
    assert {"host", "chair"} <= set(roles(result, "Pemprov Kaltim"))


def test_six_speaking_agencies_with_evidence(result: dict) -> None:
    speaking = {
        "Polda Kaltim",
        "Kodam VI/Mulawarman",
        "DPRD Kaltim",
        "Kejati Kaltim",
        "Bawaslu Kaltim",
        "KPU Kaltim",
    }
    assert speaking | {"Pemprov Kaltim"} == names(result)
    for a in result["agencies"]:
        if a["name"] in speaking:
            assert "speaker" in a["roles"]
            assert "pemateri dari Kapolda Kaltim" in a["evidence"]
    speaker_agencies = {s["agency"] for s in result["speakers"]}
    assert speaking <= speaker_agencies
    for s in result["speakers"]:
        assert s["evidence"]


def test_collectives_and_election(result: dict) -> None:
    assert "bupati/walikota se-Kaltim" in result["collective_attendees"]
    assert "camat se-Kaltim" in result["collective_attendees"]
    assert result["election"] == "Pemilu 2024"


def test_page_noise_ignored(result: dict) -> None:
    # The "x hari ago" headline list after the article names Dishub, BPJS, BRIDA ...
    assert not any("Dishub" in a["evidence"] or "BPJS" in a["evidence"] for a in result["agencies"])
    assert "several_dates" not in codes(result)
