"""The staff review form: paste a release, check the proposal, save it or attach it."""

from __future__ import annotations

import io
import re
from importlib import resources

from staff_helpers import login, make_user
from werkzeug.datastructures import MultiDict

from tracker.extensions import db
from tracker.models import Evidence, Meeting, Participation, PressRelease

SEED = resources.files("tracker.data").joinpath("seed_release.txt").read_text("utf-8")


def _review(client, **extra):
    data = {"body": SEED, "outlet": "kaltimfaktual.co", "url": "https://contoh.test/rakor"}
    data.update(extra)
    return client.post("/staff/press/extract", data=data)


def _form_fields(html: str) -> dict[str, str]:
    """Every named input, select and textarea of the review form, as a browser would post."""
    form = html[html.index('class="staff-form meeting-form review-form"') :]
    form = form[: form.index("</form>")]
    data: dict[str, str] = {}
    for match in re.finditer(r"<input([^>]*)>", form):
        attrs = match.group(1)
        name = re.search(r'name="([^"]+)"', attrs)
        if not name:
            continue
        kind = re.search(r'type="([^"]+)"', attrs)
        value = re.search(r'value="([^"]*)"', attrs)
        if kind and kind.group(1) == "checkbox":
            if "checked" in attrs:
                data.setdefault(name.group(1), value.group(1) if value else "y")
                if name.group(1).endswith("-roles"):
                    data[name.group(1)] = data.get(name.group(1), "")
            continue
        data[name.group(1)] = _unescape(value.group(1)) if value else ""
    for match in re.finditer(r'<textarea[^>]*name="([^"]+)"[^>]*>(.*?)</textarea>', form, re.S):
        data[match.group(1)] = _unescape(match.group(2).lstrip("\n"))
    for match in re.finditer(r'<select[^>]*name="([^"]+)"[^>]*>(.*?)</select>', form, re.S):
        chosen = re.search(
            r'<option selected value="([^"]*)"|<option value="([^"]*)" selected', match.group(2)
        )
        if chosen:
            data[match.group(1)] = chosen.group(1) or chosen.group(2)
    return data


def _roles(html: str) -> list[tuple[str, str]]:
    form = html[html.index('class="staff-form meeting-form review-form"') :]
    return [
        (m.group(1), m.group(2))
        for m in re.finditer(r'<input checked[^>]*name="([^"]+-roles)"[^>]*value="([^"]+)"', form)
    ] + [
        (m.group(1), m.group(2))
        for m in re.finditer(
            r'<input[^>]*name="([^"]+-roles)"[^>]*value="([^"]+)"[^>]*checked', form
        )
    ]


def _unescape(text: str) -> str:
    return (
        text.replace("&#34;", '"')
        .replace("&quot;", '"')
        .replace("&#39;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
    )


def test_anonymous_cannot_extract(client):
    response = client.get("/staff/press/extract")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def test_seed_proposal_shows_warning_and_true_date(client):
    make_user()
    login(client, "editor@kaltim.example")
    html = _review(client).get_data(as_text=True)
    assert "weekday" not in html  # codes are for machines; staff read the message
    assert "Selasa" in html and "Sabtu" in html
    assert 'value="2024-02-06"' in html
    assert "Hotel Novotel Balikpapan" in html
    assert "Jalan Brigjen Ery Suparjan No. 2" in html
    assert "Akmal Malik" in html
    for name in (
        "Polda Kaltim",
        "Kodam VI/Mulawarman",
        "DPRD Kaltim",
        "Kejati Kaltim",
        "Bawaslu Kaltim",
        "KPU Kaltim",
    ):
        assert f'value="{name}"' in html
    assert "pemateri dari Kapolda Kaltim" in html  # evidence sentence shown


def test_save_creates_everything_in_one_go(client):
    make_user()
    login(client, "editor@kaltim.example")
    html = _review(client).get_data(as_text=True)
    data = _form_fields(html)
    posted = list(data.items()) + _roles(html)
    response = client.post("/staff/press/extract/save", data=MultiDict(posted))
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    meeting = db.session.execute(db.select(Meeting)).scalar_one()
    assert meeting.local_date.isoformat() == "2024-02-06"
    assert meeting.timezone == "Asia/Makassar" and meeting.time_unknown
    assert meeting.venue.name == "Hotel Novotel Balikpapan"
    labels = {p.label for p in meeting.participations}
    assert {"Polda Kaltim", "Kejati Kaltim", "KPU Kaltim", "camat se-Kaltim"} <= labels
    speakers = {p.label for p in meeting.participations if p.is_speaker}
    assert {"Polda Kaltim", "Kodam VI/Mulawarman", "Bawaslu Kaltim"} <= speakers
    release = db.session.execute(db.select(PressRelease)).scalar_one()
    assert release.url == "https://contoh.test/rakor"
    evidence = db.session.execute(db.select(db.func.count(Evidence.id))).scalar_one()
    assert evidence >= 7
    assert [c.press_release_id for c in meeting.coverages] == [release.id]


def test_rejected_save_keeps_input_and_writes_nothing(client):
    make_user()
    login(client, "editor@kaltim.example")
    html = _review(client).get_data(as_text=True)
    data = _form_fields(html)
    data["title"] = "Judul yang saya ketik sendiri"
    data["region"] = ""
    response = client.post(
        "/staff/press/extract/save", data=MultiDict(list(data.items()) + _roles(html))
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Judul yang saya ketik sendiri" in page
    assert "Wilayah wajib dipilih." in page
    assert db.session.execute(db.select(db.func.count(Meeting.id))).scalar_one() == 0
    assert db.session.execute(db.select(db.func.count(PressRelease.id))).scalar_one() == 0
    assert db.session.execute(db.select(db.func.count(Participation.id))).scalar_one() == 0


def test_second_release_offers_attach_instead_of_duplicate(client, runner):
    runner.invoke(args=["seed-demo"])
    make_user()
    login(client, "editor@kaltim.example")
    second = (
        "BALIKPAPAN - Rapat Koordinasi Forkopimda se-Kaltim digelar di Hotel Novotel Balikpapan, "
        "Selasa (6/2/2024). Rapat dipimpin Pj Gubernur Kaltim Akmal Malik dan dihadiri Kapolda "
        "Kaltim, Kajati Kaltim, Ketua KPU Kaltim, Ketua Bawaslu Kaltim serta Kabinda Kaltim."
    )
    html = _review(client, body=second, url="https://lain.test/rakor").get_data(as_text=True)
    assert "Rapat ini mungkin sudah tercatat" in html
    seed_meeting = db.session.execute(
        db.select(Meeting).filter_by(title="Rakor Forkopimda se-Kaltim Menjelang Pemilu 2024")
    ).scalar_one()
    assert f'name="meeting_id" value="{seed_meeting.id}"' in html
    before = db.session.execute(db.select(db.func.count(Meeting.id))).scalar_one()
    response = client.post(
        "/staff/press/extract/attach",
        data={
            "meeting_id": seed_meeting.id,
            "body": second,
            "outlet": "lain.test",
            "url": "https://lain.test/rakor",
            "release_title": "Rakor",
        },
    )
    assert response.status_code == 302
    assert db.session.execute(db.select(db.func.count(Meeting.id))).scalar_one() == before
    db.session.expire_all()
    meeting = db.session.get(Meeting, seed_meeting.id)
    assert len(meeting.coverages) == 2
    assert "Binda Kaltim" in {p.label for p in meeting.participations}


def test_upload_html_file(client):
    make_user()
    login(client, "editor@kaltim.example")
    page = (
        "<html><body><nav>Beranda | Politik | Daerah</nav>"
        f"<article><p>{SEED}</p></article></body></html>"
    )
    response = client.post(
        "/staff/press/extract",
        data={"outlet": "contoh.test", "upload": (io.BytesIO(page.encode()), "rilis.html")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 200
    assert 'value="2024-02-06"' in response.get_data(as_text=True)
    bad = client.post(
        "/staff/press/extract",
        data={"outlet": "contoh.test", "upload": (io.BytesIO(b"\xff\xfe\x00"), "x.txt")},
        content_type="multipart/form-data",
    )
    assert bad.status_code == 422
    assert "UTF-8" in bad.get_data(as_text=True)


def test_api_extract_returns_the_contract_json(client):
    refused = client.post("/api/v1/extract", json={"text": SEED})
    assert refused.status_code == 401
    assert refused.get_json()["error"]["code"] == 401
    make_user()
    login(client, "editor@kaltim.example")
    response = client.post("/api/v1/extract", json={"text": SEED, "published": "2024-02-06"})
    assert response.status_code == 200
    proposal = response.get_json()
    assert proposal["suggested_date"] == "2024-02-06"
    assert any(w["code"] == "weekday_mismatch" for w in proposal["warnings"])
    assert {"Polda Kaltim", "KPU Kaltim"} <= {a["name"] for a in proposal["agencies"]}
    plain = client.post("/api/v1/extract", data=SEED, content_type="text/plain")
    assert plain.get_json()["venue_name"] == "Hotel Novotel Balikpapan"
    bad = client.post("/api/v1/extract", json={"text": SEED, "published": "6/2/2024"})
    assert bad.status_code == 400
    assert client.post("/api/v1/extract", json={"nope": 1}).status_code == 400
