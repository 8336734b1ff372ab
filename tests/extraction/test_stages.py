"""Each pipeline stage alone, and the proposal's evidence, confidence, status and title."""

from __future__ import annotations

from datetime import date

from tracker.press.extraction import THRESHOLD, checks, extract, record
from tracker.press.extraction import dates as d
from tracker.press.extraction import meeting_date as when_mod
from tracker.press.extraction.attendance import attendance, represented
from tracker.press.extraction.chair import find_chairs
from tracker.press.extraction.mentions import find as find_mentions
from tracker.press.extraction.places import gazetteer
from tracker.press.extraction.text import clean

POLLING = {date(2024, 2, 14), date(2024, 11, 27)}


def test_clean_drops_bylines_captions_and_keeps_the_headline() -> None:
    doc = clean(
        "Posted on 09 Jul 2024\nKapolres Agam Pimpin Rakor Pengamanan Pilkada\n"
        "Foto: Humas Polres Agam\nKapolres Agam memimpin rakor di Aula Polres Agam.\n"
        "Editor: Rina\n"
    )
    assert doc.title == "Kapolres Agam Pimpin Rakor Pengamanan Pilkada"
    assert doc.sentences == ["Kapolres Agam memimpin rakor di Aula Polres Agam."]


def test_meeting_date_stage_alone() -> None:
    sents = ["Rakor digelar Selasa (6/1/2024), delapan hari lagi menjelang pemilu."]
    when = when_mod.decide(sents, d.find(sents), None, date(2024, 2, 14), POLLING)
    assert when.start == date(2024, 1, 6)
    assert when.suggested == date(2024, 2, 6)
    assert {w["code"] for w in when.warnings} >= {"weekday_mismatch", "countdown_mismatch"}
    assert all(w["field"] == "start_date" for w in when.warnings)
    assert THRESHOLD <= when.confidence < 0.9


def test_mentions_and_chairs_stage_alone() -> None:
    sents = ["Rakor dipimpin Kapolda Riau Irjen Pol. Dr. Muhammad Iqbal, S.H., M.H. di Pekanbaru."]
    ms = find_mentions(sents, gazetteer())
    assert [(m.key, m.person, m.region_text) for m in ms] == [("polda", "Muhammad Iqbal", "Riau")]
    assert find_chairs(sents, ms) == ms


def test_attendance_stage_alone() -> None:
    sents = ["Hadir Kapolda Riau diwakili Wakapolda Brigjen Pol Kasihan, serta Ketua KPU Riau."]
    ms = find_mentions(sents, gazetteer())
    reps = represented(sents, ms)
    assert reps == {0: "Wakapolda Brigjen Pol Kasihan"}
    assert attendance(["attendee"], True, reps[0]) == "represented"
    assert attendance(["attendee"], True, None) == "present"
    assert attendance(["attendee"], False, None) == "unknown"


def test_record_stage_alone() -> None:
    sents = ["Pemprov akan menggelar rakor pada Senin (18/11/2024) di Aula Kantor Bupati Paser."]
    assert record.status(sents, 0, date(2024, 11, 18), date(2024, 11, 14)) == "scheduled"
    assert record.status(["Rakor digelar di Paser."], 0, date(2024, 11, 18), None) == "held"
    assert record.names_meeting("Kapolda Kalteng Buka Rakor Lintas Sektoral")
    assert not record.names_meeting("Pastikan Pilkada Aman dan Damai")
    assert (
        record.title("Pastikan Pilkada Aman", "Rakor Forkopimda", "Paser", date(2024, 11, 18))
        == "Rakor Forkopimda Paser, 18 November 2024"
    )


def test_checks_stage_empties_unsure_fields_with_a_warning() -> None:
    out = {
        "venue_name": "Gedung X",
        "agencies": [
            {"name": "Polda Riau", "confidence": 0.9},
            {"name": "BPBD", "confidence": 0.3},
        ],
        "speakers": [],
        "evidence": {"venue_name": "Rakor di Gedung X."},
        "confidence": {"venue_name": 0.4},
        "warnings": [],
    }
    checks.apply(out)
    assert out["venue_name"] is None
    assert [w["code"] for w in out["warnings"]] == ["venue_name_uncertain", "agencies_uncertain"]
    assert "Rakor di Gedung X." in out["warnings"][0]["message"]
    assert [a["name"] for a in out["agencies"]] == ["Polda Riau"]


HELD = """Polda Sulsel Gelar Rakor Lintas Sektoral Pengamanan Pilkada
MAKASSAR – Polda Sulsel melaksanakan rapat koordinasi lintas sektoral pengamanan Pilkada di \
Ballroom Hotel Claro Makassar, Selasa (22/10/2024) pukul 13.30 Wita. Rakor dibuka oleh Kapolda \
Sulsel Irjen Pol Yudhiawan dengan tema "Sinergi Pengamanan Pilkada Damai".
"""


def test_every_field_has_its_evidence_and_confidence() -> None:
    r = extract(HELD)
    assert r["status"] == "held"
    assert r["title"] == "Polda Sulsel Gelar Rakor Lintas Sektoral Pengamanan Pilkada"
    for field in ("title", "start_date", "start_time", "venue_name", "city", "chair", "theme"):
        assert r[field] is not None, field
        assert r["evidence"][field], field
        assert THRESHOLD <= r["confidence"][field] <= 1, field
    assert "Selasa (22/10/2024)" in r["evidence"]["start_date"]
    assert r["evidence"]["election"]


def test_title_is_composed_when_the_headline_names_no_meeting() -> None:
    text = (
        "Pastikan Pilkada Aman, Forkopimda Bersinergi\n"
        "PARINGIN – Pemkab Balangan menggelar rapat koordinasi Forkopimda di Pendopo Balangan, "
        "Senin (18/11/2024)."
    )
    r = extract(text)
    assert r["title"] == "Rakor Forkopimda Balangan, 18 November 2024"
    assert r["confidence"]["title"] < r["confidence"]["start_date"]
