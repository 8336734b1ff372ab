"""Sharing (issue 17): link-preview tags, the preview image, WhatsApp text, print stylesheet."""

from __future__ import annotations

import io
import re
from datetime import datetime
from html import unescape
from urllib.parse import parse_qs, urlsplit
from zoneinfo import ZoneInfo

from PIL import Image

from tracker.extensions import db
from tracker.meetings.operations import add_participation, update_meeting

WITA = ZoneInfo("Asia/Makassar")


def _meta(html: str, key: str) -> str | None:
    found = re.search(rf'<meta (?:property|name)="{re.escape(key)}" content="([^"]*)"', html)
    return unescape(found.group(1)) if found else None


def _rakor(make_meeting, agency, **extra):
    meeting = make_meeting(
        title="Rakor Forkopimda <Kaltim>",
        starts_at=datetime(2024, 2, 6, 9, 0, tzinfo=WITA),
        ends_at=None,
        **extra,
    )
    add_participation(meeting, {"agency_id": agency("polda-kaltim").id})
    add_participation(meeting, {"agency_id": agency("bawaslu-kaltim").id})
    db.session.commit()
    return meeting


def test_meeting_page_has_preview_tags_and_whatsapp_text(client, make_meeting, agency):
    meeting = _rakor(make_meeting, agency)
    html = client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert _meta(html, "og:title") == "Rakor Forkopimda <Kaltim>"
    assert "<Kaltim>" not in html  # escaped everywhere
    assert _meta(html, "og:url") == f"http://localhost/meetings/{meeting.id}"
    assert _meta(html, "og:image") == f"http://localhost/meetings/{meeting.id}/preview.png"
    assert _meta(html, "twitter:card") == "summary_large_image"
    description = _meta(html, "og:description")
    assert "6 Februari 2024" in description and "09.00 WITA" in description
    assert "Polda Kaltim" in description and "Bawaslu Kaltim" in description
    link = re.search(r'class="share-whatsapp" href="([^"]+)"', html).group(1)
    parts = urlsplit(unescape(link))
    assert (parts.scheme, parts.netloc) == ("https", "wa.me")
    text = parse_qs(parts.query)["text"][0]
    lines = text.split("\n")
    assert lines[0] == "*Rakor Forkopimda <Kaltim>*"
    assert "Selasa, 6 Februari 2024" in text and "WITA" in text
    assert lines[-1] == f"http://localhost/meetings/{meeting.id}"


def test_time_not_stated_is_not_invented_in_shares(client, make_meeting, agency):
    meeting = _rakor(make_meeting, agency, time_unknown=True)
    html = client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    description = _meta(html, "og:description")
    assert "09.00" not in description and "jam tidak disebutkan" in description


def test_preview_image_is_a_card_cached_per_version(client, make_meeting, agency):
    meeting = _rakor(make_meeting, agency)
    response = client.get(f"/meetings/{meeting.id}/preview.png")
    assert response.status_code == 200 and response.mimetype == "image/png"
    image = Image.open(io.BytesIO(response.data))
    assert image.size == (1200, 630)
    # Drawn: not a blank canvas.
    assert len(image.convert("L").getcolors(maxcolors=65536) or []) > 10
    tag = response.headers["ETag"]
    again = client.get(f"/meetings/{meeting.id}/preview.png", headers={"If-None-Match": tag})
    assert again.status_code == 304 and not again.data
    update_meeting(meeting, {"title": "Rakor Forkopimda Kaltim diubah"})
    db.session.commit()
    changed = client.get(f"/meetings/{meeting.id}/preview.png", headers={"If-None-Match": tag})
    assert changed.status_code == 200 and changed.headers["ETag"] != tag
    assert changed.data != response.data


def test_internal_meetings_have_no_preview(client, make_meeting, agency):
    meeting = _rakor(make_meeting, agency, visibility="internal")
    assert client.get(f"/meetings/{meeting.id}/preview.png").status_code == 404


def test_agency_and_province_pages_have_preview_tags(client, make_meeting, agency):
    _rakor(make_meeting, agency)
    html = client.get("/agencies/polda-kaltim").get_data(as_text=True)
    assert _meta(html, "og:title") == "Polda Kaltim"
    assert "1 rapat publik" in _meta(html, "og:description")
    assert _meta(html, "twitter:card") == "summary"
    html = client.get("/regions/64").get_data(as_text=True)
    assert _meta(html, "og:title") == "Kalimantan Timur"
    assert _meta(html, "og:url") == "http://localhost/regions/64"


def test_print_stylesheet_is_served_and_linked(client, make_meeting, agency):
    meeting = _rakor(make_meeting, agency)
    html = client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    printed = r"<link rel=\"stylesheet\" href=\"/static/css/print\.css[^\"]*\" media=\"print\">"
    assert re.search(printed, html)
    with client.get("/static/css/print.css") as served:  # closes the static file
        css = served.get_data(as_text=True)
    assert ".share" in css and "display: none" in css
