"""From press release to meeting: CLI extract, matching a second report, bulk import."""

from __future__ import annotations

import json
from importlib import resources

from tracker.extensions import db
from tracker.models import Coverage, Evidence, Meeting, PressRelease
from tracker.press import intake
from tracker.press import operations as press_ops

SEED = resources.files("tracker.data").joinpath("seed_release.txt").read_text("utf-8")

# Written for these tests: a second outlet's report of the seed's meeting.
SECOND_REPORT = """BALIKPAPAN - Pemerintah Provinsi Kalimantan Timur menggelar Rapat
Koordinasi Forkopimda se-Kaltim di Hotel Novotel Balikpapan, Selasa (6/2/2024).
Rapat dipimpin Pj Gubernur Kaltim Akmal Malik dan dihadiri Kapolda Kaltim, Kajati Kaltim,
Ketua KPU Kaltim, Ketua Bawaslu Kaltim serta Kabinda Kaltim.
Akmal meminta seluruh unsur menjaga kondusivitas daerah menjelang pemungutan suara
14 Februari 2024.
"""

# Written for these tests: a clean release from another province, in WIT.
MALUKU = """AMBON - Bawaslu Maluku menggelar rapat koordinasi pengawasan masa tenang di
Hotel Santika Ambon, Senin (12/2/2024) pukul 09.00 WIT. Rapat dipimpin Ketua Bawaslu Maluku
dan dihadiri Ketua KPU Maluku serta Kapolda Maluku. Pemateri dari Kejati Maluku memaparkan
penanganan
tindak pidana pemilu menjelang pemungutan suara Pemilu 2024."""


def test_extract_cli_prints_the_contract_json(runner, tmp_path):
    source = tmp_path / "seed.txt"
    source.write_text(SEED, encoding="utf-8")
    result = runner.invoke(args=["extract", str(source), "--json"])
    assert result.exit_code == 0, result.output
    proposal = json.loads(result.output)
    assert proposal["start_date"] == "2024-01-06"
    assert proposal["suggested_date"] == "2024-02-06"
    mismatch = [w for w in proposal["warnings"] if w["code"] == "weekday_mismatch"]
    assert mismatch and mismatch[0]["suggested_date"] == "2024-02-06"
    assert proposal["venue_name"] == "Hotel Novotel Balikpapan"
    assert proposal["chair"]["name"] == "Akmal Malik"
    names = {a["name"] for a in proposal["agencies"]}
    assert {
        "Polda Kaltim",
        "Kodam VI/Mulawarman",
        "DPRD Kaltim",
        "Kejati Kaltim",
        "Bawaslu Kaltim",
        "KPU Kaltim",
    } <= names
    assert all(a["evidence"] for a in proposal["agencies"])


def test_create_from_seed_with_true_date(app):
    proposal = intake.propose(SEED)
    release = press_ops.create_press_release(
        {"outlet": "contoh.test", "title": proposal["title"], "body": SEED}
    )
    meeting = intake.create_from_proposal(proposal, release)
    db.session.commit()
    assert meeting.local_date.isoformat() == "2024-02-06"
    assert meeting.timezone == "Asia/Makassar" and meeting.time_unknown
    assert meeting.venue.name == "Hotel Novotel Balikpapan"
    assert meeting.venue.city.name == "Balikpapan"
    assert meeting.kind == "rakor_forkopimda"
    assert meeting.election.name == "Pemilu 2024"
    assert "Selasa" in meeting.source_note
    assert meeting.chair.agency.short_name == "Pemprov Kaltim"
    assert meeting.chair.person.name == "Akmal Malik"
    evidence = db.session.execute(db.select(db.func.count(Evidence.id))).scalar_one()
    assert evidence >= 7


def test_second_report_is_matched_not_duplicated(app):
    first = intake.propose(SEED)
    release = press_ops.create_press_release(
        {"outlet": "contoh.test", "title": "Rakor", "body": SEED}
    )
    meeting = intake.create_from_proposal(first, release)
    db.session.commit()
    second = intake.propose(SECOND_REPORT)
    assert intake.find_matches(second) == [meeting]
    report = press_ops.create_press_release(
        {"outlet": "lain.test", "title": "Rakor 2", "body": SECOND_REPORT}
    )
    added = intake.attach_to_existing(meeting, report, second)
    db.session.commit()
    assert db.session.execute(db.select(db.func.count(Meeting.id))).scalar_one() == 1
    assert {c.press_release_id for c in meeting.coverages} == {release.id, report.id}
    assert added >= 1  # Binda Kaltim was not in the first release
    assert "Binda Kaltim" in {p.label for p in meeting.participations}


def test_import_folder_twice_creates_nothing_the_second_time(runner, tmp_path):
    folder = tmp_path / "rilis"
    folder.mkdir()
    (folder / "01-seed.txt").write_text(SEED, encoding="utf-8")
    (folder / "02-maluku.html").write_text(
        f"<html><body><nav>Beranda | Politik</nav><p>{MALUKU}</p>"
        "<p>BACA JUGA: Berita lain</p></body></html>",
        encoding="utf-8",
    )
    (folder / "03-second.txt").write_text(SECOND_REPORT, encoding="utf-8")
    (folder / "04-binary.txt").write_bytes(b"\xff\xfe\x00bad")
    first = runner.invoke(args=["import-press", str(folder)])
    assert first.exit_code == 0, first.output
    assert "needs_review  01-seed.txt: countdown_mismatch, weekday_mismatch" in first.output
    assert "created       02-maluku.html" in first.output
    assert "rejected      04-binary.txt" in first.output
    meetings = db.session.execute(db.select(db.func.count(Meeting.id))).scalar_one()
    releases = db.session.execute(db.select(db.func.count(PressRelease.id))).scalar_one()
    second = runner.invoke(args=["import-press", str(folder)])
    assert second.exit_code == 0
    assert "exists 3" in second.output
    assert db.session.execute(db.select(db.func.count(Meeting.id))).scalar_one() == meetings
    assert db.session.execute(db.select(db.func.count(PressRelease.id))).scalar_one() == releases
    maluku = db.session.execute(
        db.select(Meeting).filter_by(region_id=intake.find_region("Maluku").id)
    ).scalar_one()
    assert maluku.local_start.hour == 9 and maluku.timezone == "Asia/Jayapura"


def test_import_jsonl_reports_bad_lines_and_keeps_good_ones(runner, tmp_path):
    path = tmp_path / "rilis.jsonl"
    lines = [
        json.dumps(
            {
                "body": MALUKU,
                "url": "https://contoh.test/maluku",
                "outlet": "contoh.test",
                "published": "2024-02-12T15:00:00+09:00",
            }
        ),
        "{not json",
        json.dumps({"body": SECOND_REPORT, "url": "https://contoh.test/maluku"}),
        json.dumps({"title": "tanpa isi"}),
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = runner.invoke(args=["import-press", str(path)])
    assert result.exit_code == 0, result.output
    assert "created       rilis.jsonl:1" in result.output
    assert "rejected      rilis.jsonl:2" in result.output
    assert (
        "rejected      rilis.jsonl:3: url:" in result.output
    )  # duplicate URL, nothing half-written
    assert "rejected      rilis.jsonl:4" in result.output
    assert db.session.execute(db.select(db.func.count(PressRelease.id))).scalar_one() == 1
    assert db.session.execute(db.select(db.func.count(Coverage.id))).scalar_one() == 1


def test_a_shared_name_resolves_only_within_its_province(app):
    """Kabupaten Banjar (Kalsel) and Kota Banjar (Jabar): the province decides, or nobody."""
    assert intake.resolve({"city": "Banjar"}).city is None
    south = intake.resolve({"city": "Banjar", "province": "Kalimantan Selatan"})
    assert (south.city.code, south.region.code) == ("63.03", "63")
    west = intake.resolve({"city": "Banjar", "province": "Jawa Barat"})
    assert (west.city.code, west.region.code) == ("32.79", "32")
    # Kabupaten and Kota Bogor share a province: still a blank, with the province kept.
    bogor = intake.resolve({"city": "Bogor", "province": "Jawa Barat"})
    assert bogor.city is None and bogor.region.code == "32"
    assert intake.resolve({"city": "Balikpapan"}).city.code == "64.71"
