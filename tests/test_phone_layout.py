"""Phones and small things on public pages (issue 16): the menu without JavaScript,
participant cards, the home page with nothing scheduled, the chart's month labels,
the favicon and ``flask init`` without a warning about itself."""

from __future__ import annotations

import logging
import os
import re
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

from tracker import create_app
from tracker.charts import bar_chart
from tracker.models.types import utcnow

CSS = Path(__file__).parents[1] / "tracker" / "static" / "css" / "app.css"


def _phone_css() -> str:
    """The rules of the stylesheet's phone media queries (max-width 37.5rem = 600 px)."""
    return "".join(re.findall(r"@media \(max-width: 37\.5rem\) \{(.*?)\n\}", CSS.read_text(), re.S))


def test_header_menu_is_a_labelled_checkbox_before_the_navigation(client):
    html = client.get("/").get_data(as_text=True)
    header = html.split('<header class="site-header">', 1)[1].split("</header>", 1)[0]
    toggle = header.index('<input type="checkbox" id="menu-toggle" class="menu-toggle"')
    label = header.index('<label for="menu-toggle" class="menu-button">Menu</label>')
    menu = header.index('<div class="site-menu" id="site-menu">')
    # The checkbox, its label and then the menu it opens (a sibling: the CSS needs ~).
    assert toggle < label < menu < header.index('aria-label="Navigasi utama"')
    assert menu < header.index('class="lang-switch"')
    assert "<script" not in header


def test_phone_css_collapses_the_menu_and_stacks_participants():
    phone = _phone_css()
    assert ".site-menu { display: none;" in phone
    assert ".menu-toggle:checked ~ .site-menu { display: flex; }" in phone
    # Still reachable by keyboard: hidden visually, not with display: none.
    assert ".menu-toggle { display: block; position: absolute; opacity: 0;" in phone
    assert ".menu-toggle:focus-visible + .menu-button" in phone
    assert "table.participants thead" in phone and "table.participants tr" in phone
    # Outside the phone query the button is not shown.
    assert ".menu-toggle, .menu-button { display: none; }" in CSS.read_text()


def test_english_menu_label(client):
    client.get("/lang/en")
    html = client.get("/").get_data(as_text=True)
    assert '<label for="menu-toggle" class="menu-button">Menu</label>' in html


def test_home_without_scheduled_meetings_says_so_in_one_line(client, make_meeting):
    make_meeting(title="Rakor yang sudah lewat")
    html = client.get("/").get_data(as_text=True)
    assert 'class="home-columns no-upcoming"' in html
    assert (
        '<p class="upcoming-none"><strong>Akan datang:</strong> Tidak ada rapat terjadwal.</p>'
        in html
    )
    assert "<h2>Akan datang</h2>" not in html
    assert "Rakor yang sudah lewat" in html


def test_home_with_scheduled_meetings_keeps_two_columns(client, make_meeting):
    start = utcnow() + timedelta(days=3)
    make_meeting(title="Rakor minggu depan", starts_at=start, ends_at=start + timedelta(hours=2))
    html = client.get("/").get_data(as_text=True)
    assert '<div class="home-columns">' in html and "<h2>Akan datang</h2>" in html
    assert "upcoming-none" not in html


def test_chart_labels_every_month_in_the_page_language(client):
    series = [("2023-12", 1), ("2024-01", 0), ("2024-02", 2), ("2024-08", 1)]
    with client.application.test_request_context("/"):
        svg = str(bar_chart(series, "Rapat per bulan"))
    ticks = re.findall(r'class="tick">([^<]+)</text>', svg)
    assert ticks[2:] == ["Des 2023", "Jan 2024", "Feb 2024", "Agu 2024"]  # after the 2 and 0
    assert "<title>Agustus 2024: 1</title>" in svg
    with client.application.test_request_context("/", headers={"Cookie": "lang=en"}):
        from flask_babel import force_locale

        with force_locale("en"):
            svg = str(bar_chart(series, "Meetings per month"))
    assert re.findall(r'class="tick">([^<]+)</text>', svg)[2:] == [
        "Dec 2023",
        "Jan 2024",
        "Feb 2024",
        "Aug 2024",
    ]


def test_long_charts_keep_their_size_and_scroll():
    many = [(f"2023-{m:02d}", m) for m in range(1, 13)] + [
        (f"2024-{m:02d}", 1) for m in range(1, 13)
    ]
    assert 'class="chart chart-wide"' in str(bar_chart(many, "t"))
    assert 'class="chart"' in str(bar_chart(many[:6], "t"))
    assert "svg.chart.chart-wide { width: auto; max-width: none; }" in CSS.read_text()


def test_agency_page_chart_months(client, make_meeting, agency):
    from tracker.meetings.operations import add_participation

    meeting = make_meeting()
    add_participation(meeting, {"agency_id": agency("polda-kaltim").id, "roles": {"attendee"}})
    from tracker.extensions import db

    db.session.commit()
    html = client.get("/agencies/polda-kaltim").get_data(as_text=True)
    assert 'class="tick">Feb 2024</text>' in html


def test_favicon_is_linked_and_served(client):
    html = client.get("/").get_data(as_text=True)
    assert '<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">' in html
    with client.get("/static/favicon.svg") as svg:  # closes the static file
        assert svg.status_code == 200 and svg.mimetype == "image/svg+xml"
    asked = client.get("/favicon.ico")
    assert asked.status_code == 301 and asked.headers["Location"].endswith("/static/favicon.ico")
    with client.get("/static/favicon.ico") as icon:
        assert icon.status_code == 200 and icon.data[:4] == b"\x00\x00\x01\x00"  # ICO header


def test_temporary_key_warning_waits_for_the_first_page(monkeypatch, tmp_path, caplog):
    monkeypatch.setenv("FLASK_RUN_FROM_CLI", "true")
    for name in ("SECRET_KEY", "TESTING", "DEBUG"):
        monkeypatch.delenv(f"TRACKER_{name}", raising=False)
    with caplog.at_level(logging.WARNING, logger="tracker.production"):
        app = create_app({"INSTANCE_PATH": str(tmp_path / "i"), "DATABASE_URL": "sqlite://"})
        assert "No SECRET_KEY" not in caplog.text  # creating the app (any command) is quiet
        client = app.test_client()
        client.get("/robots.txt")
        client.get("/robots.txt")
    assert caplog.text.count("No SECRET_KEY configured") == 1


def test_flask_init_does_not_tell_you_to_run_flask_init(tmp_path):
    tools = Path(sys.executable).parent
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TRACKER_", "FLASK_"))}
    env.update(
        TRACKER_INSTANCE_PATH=str(tmp_path / "instance"),
        TRACKER_DATABASE_URL=f"sqlite:///{tmp_path / 'fresh.sqlite'}",
    )
    init = subprocess.run(
        [str(tools / "flask"), "--app", "tracker", "init"], env=env, capture_output=True, text=True
    )
    assert init.returncode == 0, init.stderr
    assert "No SECRET_KEY" not in init.stdout + init.stderr


def _place(name, city=None, address=None, region="Kutai Kartanegara"):
    from types import SimpleNamespace as NS

    venue = NS(name=name, address=address, city=NS(name=city) if city else None)
    return NS(venue=venue if name else None, region=NS(name=region))


def test_place_line_names_each_place_once():
    from tracker.site.places import place_line, venue_text

    kukar = _place("Lapangan Apel Mapolres Kutai Kartanegara", "Kutai Kartanegara")
    assert place_line(kukar) == "Lapangan Apel Mapolres Kutai Kartanegara"
    pendopo = _place("Pendopo Bupati", "Kutai Kartanegara")
    assert place_line(pendopo) == "Pendopo Bupati, Kutai Kartanegara"
    hotel = _place("Hotel Novotel Balikpapan", "Balikpapan", region="Kalimantan Timur")
    assert place_line(hotel) == "Hotel Novotel Balikpapan · Kalimantan Timur"
    # Whole words only: Aceh Besar does not name the province of Aceh.
    aceh = _place("Aula Kantor Bupati", "Aceh Besar", region="Aceh")
    assert place_line(aceh) == "Aula Kantor Bupati, Aceh Besar · Aceh"
    assert place_line(_place(None)) == "Kutai Kartanegara"
    addressed = _place(
        "Lapangan Apel Mapolres Kutai Kartanegara",
        "Kutai Kartanegara",
        address="Tenggarong, Kutai Kartanegara",
    )
    assert venue_text(addressed.venue, with_address=True) == (
        "Lapangan Apel Mapolres Kutai Kartanegara, Tenggarong, Kutai Kartanegara"
    )


def test_place_filters_are_registered(app):
    assert {"place_line", "venue_text"} <= set(app.jinja_env.filters)


def test_meeting_list_and_page_name_each_place_once(client, make_meeting, region):
    from tracker.meetings.operations import find_or_create_venue

    kukar = region("64.02")
    venue = find_or_create_venue("Lapangan Apel Mapolres Kutai Kartanegara", kukar)
    meeting = make_meeting(title="Apel Siaga Pemilu", region_id=kukar.id, venue_id=venue.id)
    listed = client.get("/meetings/").get_data(as_text=True)
    assert "Kutai Kartanegara · Kutai Kartanegara" not in listed
    assert "Lapangan Apel Mapolres Kutai Kartanegara" in listed
    page = client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert "Lapangan Apel Mapolres Kutai Kartanegara</dd>" in page
