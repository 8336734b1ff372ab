"""The feed builder's agency choice: a search box and a few radio buttons, no JavaScript.

The registry has hundreds of agencies (and grows), so the builder never lists them all
in a select: "Cari instansi" sends the typed text back and the page shows at most 20
matches, bodies with public meetings first; the chosen slug then builds the feed.
"""

from __future__ import annotations

from datetime import timedelta
from html.parser import HTMLParser
from typing import Any

import pytest
from icalendar import Calendar

from tracker.calendar.builder import MAX_MATCHES
from tracker.extensions import db
from tracker.meetings import operations as ops
from tracker.models import Agency, AgencySlugRedirect

SEARCH = {"find": "agency"}


class Page(HTMLParser):
    """The builder form's controls: selects with their option counts, radios, hidden inputs."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.selects: dict[str, int] = {}
        self.selected: dict[str, str] = {}
        self.radios: list[tuple[str, bool]] = []
        self.hidden: dict[str, str] = {}
        self.inputs: dict[str, str] = {}
        self._select: str | None = None
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:  # noqa: D102
        found = dict(attrs)
        name = found.get("name") or ""
        if tag == "select":
            self._select = name
            self.selects[name] = 0
        elif tag == "option" and self._select is not None:
            self.selects[self._select] += 1
            if "selected" in found:
                self.selected[self._select] = found.get("value") or ""
        elif tag == "input" and found.get("type") == "radio" and name == "agency":
            self.radios.append((found.get("value") or "", "checked" in found))
        elif tag == "input" and found.get("type") == "hidden":
            self.hidden[name] = found.get("value") or ""
        elif tag == "input" and found.get("id"):
            self.inputs[str(found["id"])] = found.get("value") or ""

    def handle_endtag(self, tag: str) -> None:  # noqa: D102
        if tag == "select":
            self._select = None

    @property
    def built(self) -> str | None:
        """The https address of the feed the builder built, if any."""
        return self.inputs.get("feed-built")


def page(client: Any, **args: str) -> tuple[Page, str]:
    response = client.get("/calendar/", query_string=args)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    return Page(html), html


def attend(make_meeting: Any, agency: Any, slug: str, days: int = 3, **fields: Any) -> Any:
    """A meeting in the coming days (inside every feed's window) that ``slug`` attends."""
    from tracker.calendar.feeds import day_start
    from tracker.models.types import utcnow

    start = day_start(utcnow()) + timedelta(days=days, hours=2)
    meeting = make_meeting(starts_at=start, ends_at=start + timedelta(hours=2), **fields)
    ops.add_participation(meeting, {"agency_id": agency(slug).id, "roles": {"attendee"}})
    db.session.commit()
    return meeting


def uids(body: bytes) -> set[str]:
    return {str(e["UID"]) for e in Calendar.from_ical(body).events}


def test_search_by_alias_finds_the_agency(client):
    # "KPU Aceh" is only an alias: the body is called KIP Aceh.
    found, html = page(client, agency_q="KPU Aceh", **SEARCH)
    assert found.radios == [("kip-aceh", True)]  # the single match is checked
    assert "KIP Aceh — Komisi Independen Pemilihan Aceh (Aceh) · 0 rapat" in html
    assert found.built is None
    # "Polda DKI Jakarta" is in neither name of Polda Metro Jaya.
    found, _html = page(client, agency_q="polda dki jakarta", **SEARCH)
    assert [slug for slug, _checked in found.radios] == ["polda-metro-jaya"]


def test_no_long_select_and_at_most_twenty_results(client):
    assert db.session.execute(db.select(db.func.count(Agency.id))).scalar() > 300
    pages = [
        {},
        {"agency_q": "polda", **SEARCH},
        {"agency_q": "k", **SEARCH},
        {"agency": "polda-kaltim", "region": "64"},
        {"province": "64", "pick": "region", "agency_q": "kpu"},
    ]
    for args in pages:
        found, _html = page(client, **args)
        assert "agency" not in found.selects, args
        assert max(found.selects.values()) <= 40, (args, found.selects)
        assert len(found.radios) <= MAX_MATCHES, args
    found, html = page(client, agency_q="polda", **SEARCH)
    assert len(found.radios) == MAX_MATCHES and not any(c for _s, c in found.radios)
    assert f"{MAX_MATCHES} teratas dari" in html  # says there are more


def test_bodies_with_public_meetings_come_first(client, make_meeting, agency):
    attend(make_meeting, agency, "polda-sumut")
    attend(make_meeting, agency, "polda-sumut", days=4)
    attend(make_meeting, agency, "polda-papua", visibility="internal")
    found, html = page(client, agency_q="polda", **SEARCH)
    assert found.radios[0][0] == "polda-sumut"
    assert "Polda Sumut — Kepolisian Daerah Sumatera Utara (Sumatera Utara) · 2 rapat" in html
    # An internal meeting is not counted and does not lift its body.
    assert found.radios[1][0] != "polda-papua"


def test_choosing_a_result_builds_the_agency_feed(client, make_meeting, agency):
    meeting = attend(make_meeting, agency, "polda-kaltim")
    found, _html = page(client, agency_q="polda kaltim", **SEARCH)
    assert found.radios == [("polda-kaltim", True)]
    # The radio is sent with the text still in the box, as the browser would.
    found, html = page(client, agency_q="polda kaltim", agency="polda-kaltim")
    assert found.built == "http://localhost/calendar/agency/polda-kaltim.ics"
    assert found.hidden["agency"] == "polda-kaltim" and "Ganti" in html
    assert "Kepolisian Daerah Kalimantan Timur" in html
    direct = client.get("/calendar/agency/polda-kaltim.ics")
    assert direct.status_code == 200 and meeting.uid in uids(direct.data)
    # Combined with a region: the combined feed holds the same meetings.
    found, _html = page(client, agency="polda-kaltim", region="64")
    path = found.built.removeprefix("http://localhost")
    assert path == "/calendar/feed.ics?agency=polda-kaltim&region=64"
    assert uids(client.get(path).data) == uids(direct.data)


def test_old_builder_links_still_build(client, agency):
    found, _html = page(client, agency="bawaslu-kaltim", region="64", archive="y")
    assert found.built == (
        "http://localhost/calendar/feed.ics?agency=bawaslu-kaltim&region=64&archive=1"
    )
    # A merged agency's old slug builds the feed of the body it became.
    db.session.add(AgencySlugRedirect(slug="polda-kaltim-lama", agency=agency("polda-kaltim")))
    db.session.commit()
    found, _html = page(client, agency="polda-kaltim-lama")
    assert found.built == "http://localhost/calendar/agency/polda-kaltim.ics"
    assert found.hidden["agency"] == "polda-kaltim"


def test_unknown_slug_is_a_form_error(client):
    response = client.get("/calendar/?agency=tidak-ada&region=64")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Instansi yang dipilih tidak dikenal." in html
    assert 'aria-describedby="agency_q-desc agency-error"' in html
    found = Page(html)
    # Not carried on as a choice: the next search starts clean.
    assert found.built is None and "agency" not in found.hidden


def test_no_match_keeps_the_text_and_escapes_it(client):
    found, html = page(client, agency_q="<script>alert(1)</script>", **SEARCH)
    assert "<script>alert" not in html
    assert found.inputs["agency_q"] == "<script>alert(1)</script>"  # stays in the box
    escaped = "&lt;script&gt;alert(1)&lt;/script&gt;"
    assert f"Tidak ada instansi yang cocok dengan '{escaped}'." in html
    assert found.radios == [] and found.built is None


def test_text_without_a_choice_is_searched_not_ignored(client):
    # "Tampilkan tautan" pressed after typing, without "Cari instansi": no feed of
    # everything is built; the matches are shown to choose from.
    found, html = page(client, agency_q="bawaslu kaltim", region="64")
    assert found.built is None
    assert found.radios == [("bawaslu-kaltim", True)]
    assert "Pilih satu, lalu tekan Tampilkan tautan." in html


def test_change_and_pick_keep_the_other_filters(client):
    # "Pilih" (the region picker) keeps the chosen agency.
    found, html = page(client, agency="kpu-jatim", province="35", pick="region")
    assert found.hidden["agency"] == "kpu-jatim" and found.built is None
    # "Ganti" shows the search box again, without the old choice.
    found, html = page(client, agency="kpu-jatim", province="35", region="35", find="change")
    assert "agency" not in found.hidden and found.inputs["agency_q"] == ""
    assert found.selected["province"] == found.selected["region"] == "35"
    assert found.built is None
    # Searching from there, a result is not preselected among several.
    found, _html = page(client, agency_q="kpu", region="35", **SEARCH)
    assert len(found.radios) > 1 and not any(c for _s, c in found.radios)


def test_a_one_letter_search_asks_for_more(client):
    found, html = page(client, agency_q="k", **SEARCH)
    assert found.radios == []
    assert "Ketik sedikitnya dua huruf" in html


@pytest.mark.parametrize(
    ("args", "texts"),
    [
        ({}, ["Search agencies", "Type a name or abbreviation, e.g. KPU Jatim or Polres Inhu"]),
        ({"agency_q": "kpu", **SEARCH}, ["Choose an agency", "matching agencies"]),
        ({"agency_q": "zzz tidak ada", **SEARCH}, ["No agency matches 'zzz tidak ada'."]),
        ({"agency": "kpu-jatim"}, ["Change"]),
        ({"agency": "nope"}, ["The chosen agency is unknown."]),
        ({"agency_q": "k", **SEARCH}, ["Type at least two letters"]),
    ],
)
def test_builder_in_english(client, args, texts):
    client.get("/lang/en")
    _found, html = page(client, **args)
    assert 'lang="en"' in html
    for text in texts:
        assert text in html
