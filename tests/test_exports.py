"""Meeting-list downloads for spreadsheets: XLSX read back by openpyxl, CSV with a BOM.

Run on SQLite and PostgreSQL (the ``backend`` fixture); the files are parsed the way
a spreadsheet reads them, never compared as text alone.
"""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import openpyxl
import pytest
from sql_helpers import statement_count

from tracker.exports import Capped, Column, csv_text, xlsx_bytes
from tracker.extensions import db
from tracker.meetings import export_views
from tracker.meetings.operations import add_participation, find_or_create_person
from tracker.press.operations import add_evidence, attach_press_release, create_press_release

WITA = ZoneInfo("Asia/Makassar")
MARKER = "Zqxinternal5519"
FORMULA = '=HYPERLINK("http://evil.example","klik")'
SENTENCE = "Kapolda Kaltim Irjen Pol Nanang Avianto menjadi pemateri."
SOURCE = "https://humas.example.go.id/rilis-rakor"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _world(make_meeting, region, agency):
    """A public meeting with evidence, one without an hour, a formula title, an internal one."""
    seed = make_meeting(title="Rakor Kesiapan Pemilu", region_id=region("64.71").id)
    person = find_or_create_person("Nanang Avianto", rank="Irjen Pol")
    polda = add_participation(
        seed,
        {
            "agency_id": agency("polda-kaltim").id,
            "person_id": person.id,
            "position": "Kapolda Kaltim",
            "roles": {"speaker", "chair"},
            "attendance": "present",
        },
    )
    add_participation(
        seed,
        {
            "agency_id": agency("kejati-kaltim").id,
            "attendance": "represented",
            "represented_by": "Asisten Intelijen",
        },
    )
    release = create_press_release(
        {"outlet": "Humas Polda", "url": SOURCE, "title": "Rilis rakor", "body": SENTENCE}
    )
    add_evidence(polda, release, SENTENCE)
    attach_press_release(seed, release)
    undated = make_meeting(
        title="Apel siaga",
        kind="apel",
        starts_at=datetime(2024, 1, 10, 0, 0, tzinfo=WITA),
        ends_at=None,
        time_unknown=True,
    )
    add_participation(undated, {"agency_id": agency("kejati-kaltim").id})
    formula = make_meeting(
        title=FORMULA, starts_at=datetime(2024, 1, 5, 8, 0, tzinfo=WITA), ends_at=None
    )
    add_participation(formula, {"collective_label": "+Camat se-Kaltim"})
    hidden = make_meeting(title=f"Rapat {MARKER}", visibility="internal")
    secret = add_participation(
        hidden,
        {"agency_id": agency("polda-kaltim").id, "position": f"Jabatan {MARKER}"},
    )
    internal_release = create_press_release(
        {"outlet": f"Media {MARKER}", "title": f"Rilis {MARKER}", "body": f"Kalimat {MARKER}."}
    )
    add_evidence(secret, internal_release, f"Kalimat {MARKER}.")
    db.session.commit()
    return seed


def _book(response):
    assert response.status_code == 200
    assert response.mimetype == XLSX
    assert "attachment" in response.headers["Content-Disposition"]
    return openpyxl.load_workbook(io.BytesIO(response.get_data()))


def _records(sheet):
    rows = list(sheet.iter_rows())
    header = [c.value for c in rows[0]]
    return header, [dict(zip(header, row, strict=False)) for row in rows[1:]]


def _csv(response):
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    raw = response.get_data()
    assert raw.startswith(b"\xef\xbb\xbf")
    return list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"), newline="")))


def test_attendance_xlsx_has_real_dates_frozen_header_and_filters(
    client, make_meeting, region, agency
):
    seed = _world(make_meeting, region, agency)
    book = _book(client.get("/meetings/attendance.xlsx"))
    sheet = book.worksheets[0]
    assert sheet.freeze_panes == "A2"
    header, records = _records(sheet)
    assert sheet.auto_filter.ref == f"A1:{sheet.cell(1, len(header)).column_letter}5"
    assert all(cell.font.b for cell in next(sheet.iter_rows()))
    assert sheet.column_dimensions["A"].width >= 30
    polda = next(r for r in records if r["agency_code"].value == "polda-kaltim")
    day = polda["Tanggal"]
    assert day.is_date and day.value == datetime(2024, 2, 6) and day.number_format == "yyyy-mm-dd"
    assert polda["Mulai"].is_date and polda["Mulai"].value == time(9, 0)
    assert polda["Selesai"].value == time(12, 0) and polda["Zona"].value == "WITA"
    assert polda["Provinsi"].value == "Kalimantan Timur"
    assert polda["Kabupaten/kota"].value == "Balikpapan"
    assert polda["Orang"].value == "Irjen Pol Nanang Avianto"
    assert polda["Jabatan"].value == "Kapolda Kaltim"
    assert polda["Peran"].value == "Pimpinan rapat, Pemateri"
    assert polda["role_code"].value == "chair;speaker"
    assert polda["Kehadiran"].value == "Hadir" and polda["attendance_code"].value == "present"
    assert polda["Kalimat bukti"].value == SENTENCE
    assert polda["Sumber (URL)"].value == SOURCE
    assert polda["Tautan rapat"].value == f"http://localhost/meetings/{seed.id}"
    assert polda["meeting_id"].value == seed.id and polda["meeting_id"].data_type == "n"
    kejati = next(r for r in records if r["Judul rapat"].value == seed.title and r is not polda)
    assert kejati["Kehadiran"].value == "Diwakili"
    assert kejati["Diwakili oleh"].value == "Asisten Intelijen"
    assert kejati["Kalimat bukti"].value is None  # no evidence: an empty cell
    # Newest meeting first; within a meeting, in the page's order.
    titles = [r["Judul rapat"].value for r in records]
    assert titles == [seed.title, seed.title, "Apel siaga", FORMULA]
    assert book.sheetnames[1] == "Catatan"


def test_several_sentences_and_sources_share_one_wrapped_cell(client, make_meeting, region, agency):
    seed = _world(make_meeting, region, agency)
    polda = next(p for p in seed.participations if p.agency and p.agency.slug == "polda-kaltim")
    other = create_press_release(
        {
            "outlet": "Antara",
            "url": "https://antara.example/rakor",
            "title": "Berita",
            "body": "Kapolda hadir.",
        }
    )
    add_evidence(polda, other, "Kapolda hadir.")
    db.session.commit()
    _header, records = _records(_book(client.get("/meetings/attendance.xlsx"))["Data"])
    row = next(r for r in records if r["agency_code"].value == "polda-kaltim")
    assert row["Kalimat bukti"].value == SENTENCE + "\nKapolda hadir."
    assert row["Sumber (URL)"].value == SOURCE + "\nhttps://antara.example/rakor"
    assert row["Sumber (URL)"].alignment.wrap_text
    rows = _csv(client.get("/meetings/attendance.csv"))
    (csv_row,) = [r for r in rows if r["agency_code"] == "polda-kaltim"]
    assert csv_row["Kalimat bukti"] == SENTENCE + "\nKapolda hadir."


def test_time_unknown_leaves_time_cells_empty(client, make_meeting, region, agency):
    _world(make_meeting, region, agency)
    for path in ("/meetings/attendance.xlsx", "/meetings/export.xlsx"):
        _header, records = _records(_book(client.get(path, query_string={"kind": "apel"}))["Data"])
        (apel,) = records
        assert apel["Tanggal"].is_date and apel["Tanggal"].value == datetime(2024, 1, 10)
        assert apel["Mulai"].value is None and apel["Selesai"].value is None
    (row,) = _csv(client.get("/meetings/attendance.csv", query_string={"kind": "apel"}))
    assert row["Tanggal"] == "2024-01-10" and row["Mulai"] == "" and row["Selesai"] == ""


def test_attendance_csv_has_a_bom_and_parses(client, make_meeting, region, agency):
    seed = _world(make_meeting, region, agency)
    rows = _csv(client.get("/meetings/attendance.csv"))
    assert len(rows) == 4
    polda = next(r for r in rows if r["agency_code"] == "polda-kaltim")
    assert polda["Tanggal"] == "2024-02-06" and polda["Mulai"] == "09:00"
    assert polda["Selesai"] == "12:00" and polda["Zona"] == "WITA"
    assert polda["Kalimat bukti"] == SENTENCE and polda["Sumber (URL)"] == SOURCE
    assert polda["Tautan rapat"] == f"http://localhost/meetings/{seed.id}"
    assert polda["Peran"] == "Pimpinan rapat, Pemateri" and polda["role_code"] == "chair;speaker"


def test_english_ui_gets_english_labels_and_the_same_codes(client, make_meeting, region, agency):
    _world(make_meeting, region, agency)
    client.set_cookie("lang", "en")
    header, records = _records(_book(client.get("/meetings/attendance.xlsx"))["Data"])
    assert header[:3] == ["Meeting title", "Date", "Start"]
    polda = next(r for r in records if r["agency_code"].value == "polda-kaltim")
    assert polda["Role"].value.startswith("Chair, Speaker")
    assert polda["role_code"].value == "chair;speaker"
    assert polda["Attendance"].value == "Present" and polda["Evidence sentence"].value == SENTENCE
    rows = _csv(client.get("/meetings/export.csv"))
    assert list(rows[0])[:2] == ["Title", "Date"]
    seed = next(r for r in rows if r["Title"] == "Rakor Kesiapan Pemilu")
    assert seed["Meeting type"] == "Coordination meeting (Rakor)" and seed["kind_code"] == "rakor"
    assert seed["Status"] == "Scheduled" and seed["status_code"] == "scheduled"


def test_formula_like_text_stays_text_in_both_formats(client, make_meeting, region, agency):
    _world(make_meeting, region, agency)
    response = client.get("/meetings/export.xlsx")
    _header, records = _records(_book(response)["Data"])
    cell = next(r["Judul"] for r in records if r["Judul"].value == FORMULA)
    assert cell.data_type == "s" and cell.quotePrefix
    with zipfile.ZipFile(io.BytesIO(response.get_data())) as archive:
        sheet_xml = archive.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet_xml and "<f " not in sheet_xml
    _header, records = _records(_book(client.get("/meetings/attendance.xlsx"))["Data"])
    group = next(r["Instansi"] for r in records if r["Judul rapat"].value == FORMULA)
    assert group.value == "+Camat se-Kaltim" and group.data_type == "s" and group.quotePrefix
    rows = _csv(client.get("/meetings/export.csv"))
    assert "'" + FORMULA in [r["Judul"] for r in rows]
    rows = _csv(client.get("/meetings/attendance.csv"))
    assert "'+Camat se-Kaltim" in [r["Instansi"] for r in rows]


def _all_text_of_book(response) -> str:
    book = _book(response)
    return " ".join(
        str(cell.value) for sheet in book.worksheets for row in sheet.iter_rows() for cell in row
    )


@pytest.mark.parametrize(
    "args",
    [{}, {"q": MARKER[:8]}, {"agency": "polda-kaltim"}, {"region": "64.71"}, {"q": "Rapat"}],
)
def test_internal_meetings_never_appear(client, make_meeting, region, agency, args):
    _world(make_meeting, region, agency)
    for path in ("/meetings/export", "/meetings/attendance"):
        text = _all_text_of_book(client.get(f"{path}.xlsx", query_string=args))
        assert MARKER.lower() not in text.lower(), (path, args)
        body = client.get(f"{path}.csv", query_string=args).get_data(as_text=True)
        assert MARKER.lower() not in body.lower(), (path, args)


def test_filters_choose_meetings_and_keep_all_their_participants(
    client, make_meeting, region, agency
):
    seed = _world(make_meeting, region, agency)
    rows = _csv(client.get("/meetings/attendance.csv", query_string={"agency": "polda-kaltim"}))
    # Polda's meeting, with everyone in it (Kejati too), and no other meeting.
    assert {r["agency_code"] for r in rows} == {"polda-kaltim", "kejati-kaltim"}
    assert {r["meeting_id"] for r in rows} == {str(seed.id)}
    rows = _csv(client.get("/meetings/export.csv", query_string={"province": "64"}))
    assert len(rows) == 3
    rows = _csv(client.get("/meetings/export.csv", query_string={"date_from": "2024-02-01"}))
    assert [r["Judul"] for r in rows] == ["Rakor Kesiapan Pemilu"]
    assert client.get("/meetings/export.xlsx", query_string={"kind": "pesta"}).status_code == 400
    bad_date = client.get("/meetings/attendance.csv", query_string={"date_from": "x"})
    assert bad_date.status_code == 400


def test_meeting_export_has_end_time_place_chair_and_source(client, make_meeting, region, agency):
    seed = _world(make_meeting, region, agency)
    _header, records = _records(_book(client.get("/meetings/export.xlsx"))["Data"])
    row = next(r for r in records if r["meeting_id"].value == seed.id)
    assert row["Tanggal"].value == datetime(2024, 2, 6) and row["Selesai"].value == time(12, 0)
    assert row["Tanggal selesai"].is_date and row["Zona"].value == "WITA"
    assert row["Provinsi"].value == "Kalimantan Timur"
    assert row["Kabupaten/kota"].value == "Balikpapan"
    assert row["region_code"].value == "64.71"
    assert row["Pimpinan rapat"].value == "Polda Kaltim (Kapolda Kaltim)"
    assert row["Instansi peserta"].value == "Polda Kaltim; Kejati Kaltim"
    assert row["Sumber (URL)"].value == SOURCE
    assert row["Jenis rapat"].value == "Rapat Koordinasi (Rakor)"
    assert row["kind_code"].value == "rakor" and row["status_code"].value == "scheduled"


def test_a_cut_export_says_so(client, make_meeting, region, agency, monkeypatch):
    _world(make_meeting, region, agency)
    monkeypatch.setattr(export_views, "EXPORT_MAX_ROWS", 2)
    book = _book(client.get("/meetings/attendance.xlsx"))
    assert book["Data"].max_row == 3  # header and two rows
    notes = [row[0].value for row in book["Catatan"].iter_rows()]
    assert notes[0].startswith("Hanya 2 baris pertama")
    raw = client.get("/meetings/export.csv").get_data().decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(raw, newline="")))
    assert len(rows) == 4 and rows[-1][0].startswith("# Hanya 2 baris pertama")


def test_statement_counts_do_not_grow_with_meetings(client, make_meeting, region, agency):
    _world(make_meeting, region, agency)
    urls = ["/meetings/export.xlsx", "/meetings/attendance.xlsx", "/meetings/attendance.csv"]
    few = [statement_count(client, url) for url in urls]
    for n in range(12):
        meeting = make_meeting(title=f"Rakor tambahan {n}", region_id=region("64.72").id)
        for slug in ("polda-kaltim", "kejati-kaltim"):
            part = add_participation(meeting, {"agency_id": agency(slug).id})
            url = f"https://x.example/{n}/{slug}"
            release = create_press_release(
                {"outlet": "Humas", "url": url, "title": "R", "body": "B"}
            )
            add_evidence(part, release, "B")
    db.session.commit()
    assert [statement_count(client, url) for url in urls] == few


def test_meeting_list_links_to_the_downloads_of_its_filter(client, make_meeting, region, agency):
    _world(make_meeting, region, agency)
    html = client.get("/meetings/", query_string={"kind": "apel"}).get_data(as_text=True)
    for path in ("export.xlsx", "export.csv", "attendance.xlsx", "attendance.csv"):
        assert f'href="/meetings/{path}?kind=apel"' in html
    assert "XLSX" in html


def test_generic_helpers_type_cells_and_cap_rows(app):
    columns = [Column("Hari", "date"), Column("Jam", "time"), Column("N", "int"), Column("T")]
    rows = [[date(2024, 2, 6), time(9, 30), 5, "-1"], [date(2024, 2, 7), None, None, "ok"]]
    with app.test_request_context():
        book = openpyxl.load_workbook(io.BytesIO(xlsx_bytes(columns, iter(rows), limit=None)))
        text = csv_text(columns, iter(rows), bom=False, limit=1)
    first = list(book["Data"].iter_rows(min_row=2, max_row=2))[0]
    assert first[0].is_date and first[1].value == time(9, 30) and first[1].number_format == "hh:mm"
    assert first[2].value == 5 and first[3].value == "-1" and first[3].data_type == "s"
    assert book["Data"].auto_filter.ref == "A1:D3"
    assert text.startswith("Hari,Jam,N,T\r\n2024-02-06,09:30,5,'-1\r\n# ")
    capped = Capped(iter(range(5)), 3)
    assert list(capped) == [0, 1, 2] and capped.cut
    with pytest.raises(ValueError):
        Column("x", "money")


@pytest.mark.parametrize(
    "path",
    [
        "/meetings/export.csv",
        "/meetings/export.xlsx",
        "/meetings/attendance.csv",
        "/meetings/attendance.xlsx",
        "/meetings/rankings.csv",
        "/meetings/rankings.xlsx",
    ],
)
def test_exports_say_they_vary_with_the_language_cookie(client, path):
    # Labels follow the UI language, which a cookie can carry: a shared cache must not
    # hand one reader's Indonesian file to another who chose English.
    response = client.get(path)
    assert response.status_code == 200
    assert "Cookie" in response.headers.get("Vary", "")
