"""The meeting list and detail pages, in both languages."""

from datetime import datetime
from zoneinfo import ZoneInfo

from tracker.extensions import db
from tracker.meetings.operations import add_participation
from tracker.models import Meeting


def test_list_shows_the_seed_meeting_in_indonesian(client, runner):
    runner.invoke(args=["seed-demo"])
    html = client.get("/meetings/").get_data(as_text=True)
    assert "Rakor Forkopimda se-Kaltim Menjelang Pemilu 2024" in html
    assert "Selasa, 6 Februari 2024" in html
    assert "WITA" in html
    assert "Pj Gubernur Kaltim (Akmal Malik)" in html
    for name in ("Polda Kaltim", "Kodam VI/Mulawarman", "KPU Kaltim", "Bawaslu Kaltim"):
        assert name in html


def test_language_switch_persists(client, make_meeting):
    make_meeting(time_unknown=False)
    response = client.get("/lang/en?next=/meetings/")
    assert response.status_code == 302
    # The page comes back with its language in the address, ready to share (issue 16).
    assert response.headers["Location"].endswith("/meetings/?lang=en")
    html = client.get("/meetings/").get_data(as_text=True)
    assert 'lang="en"' in html
    assert "Tuesday, 6 February 2024 at 09:00 WITA" in html
    client.get("/lang/id?next=/meetings/")
    assert "Selasa, 6 Februari 2024 pukul 09.00 WITA" in client.get("/meetings/").get_data(
        as_text=True
    )


def test_language_switch_refuses_offsite_redirect(client):
    response = client.get("/lang/en?next=//evil.example/")
    assert response.headers["Location"] in ("/?lang=en", "http://localhost/?lang=en")


def test_detail_escapes_and_hides_internal(client, make_meeting, agency):
    public = make_meeting(title="<script>alert(1)</script> Rakor")
    add_participation(public, {"agency_id": agency("polda-kaltim").id, "roles": {"speaker"}})
    internal = make_meeting(title="Rapat internal", visibility="internal")
    db.session.commit()
    html = client.get(f"/meetings/{public.id}").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;" in html
    assert "Polda Kaltim" in html
    assert client.get(f"/meetings/{internal.id}").status_code == 404
    assert "Rapat internal" not in client.get("/meetings/").get_data(as_text=True)


def test_wib_and_wit_meetings(client, make_meeting, region):
    make_meeting(
        title="Rakor Jakarta",
        region_id=region("31").id,
        starts_at=datetime(2024, 2, 10, 13, 30, tzinfo=ZoneInfo("Asia/Jakarta")),
        ends_at=None,
    )
    make_meeting(
        title="Rakor Jayapura",
        region_id=region("91").id,
        starts_at=datetime(2024, 2, 9, 9, 0, tzinfo=ZoneInfo("Asia/Jayapura")),
        ends_at=None,
    )
    html = client.get("/meetings/").get_data(as_text=True)
    assert "Sabtu, 10 Februari 2024 pukul 13.30 WIB" in html
    assert "Jumat, 9 Februari 2024 pukul 09.00 WIT" in html


def test_shared_sentence_is_quoted_once_then_referred_to(client, runner):
    runner.invoke(args=["seed-demo"])
    meeting_id = db.session.execute(
        db.select(Meeting.id).filter_by(title="Rakor Forkopimda se-Kaltim Menjelang Pemilu 2024")
    ).scalar_one()
    html = client.get(f"/meetings/{meeting_id}").get_data(as_text=True)
    # One sentence supports the six speakers and the four groups: quoted in full once,
    # then folded into a numbered reference in every other row.
    assert html.count('id="kutipan-2"') == 1
    assert html.count("Kutipan [2], sama dengan di atas") == 9
    assert 'id="kutipan-1"' in html and "Akmal Malik memimpin langsung" in html
