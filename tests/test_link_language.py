"""A shared link keeps its language: ?lang chooses it, the cookie remembers it (issue 16)."""

from __future__ import annotations

import re

from tracker.routing import url_with_query


def _hrefs(html: str) -> list[str]:
    return [h.replace("&amp;", "&") for h in re.findall(r'href="([^"]+)"', html)]


def test_a_link_with_lang_opens_in_english_and_is_remembered(client, make_meeting):
    meeting = make_meeting(time_unknown=False)
    response = client.get(f"/meetings/{meeting.id}?lang=en")
    html = response.get_data(as_text=True)
    assert '<html lang="en">' in html and "Tuesday, 6 February 2024" in html
    assert "lang=en" in response.headers["Set-Cookie"]
    assert "Cookie" in response.headers["Vary"]
    # Without the parameter the remembered choice holds; ?lang=id switches back.
    assert '<html lang="en">' in client.get("/agencies/").get_data(as_text=True)
    back = client.get("/meetings/?lang=id")
    assert '<html lang="id">' in back.get_data(as_text=True)
    assert "lang=id" in back.headers["Set-Cookie"]
    assert '<html lang="id">' in client.get("/agencies/").get_data(as_text=True)


def test_an_unknown_lang_is_ignored(client):
    response = client.get("/?lang=xx")
    assert '<html lang="id">' in response.get_data(as_text=True)
    assert "Set-Cookie" not in response.headers


def test_english_pages_link_to_english_pages_and_name_both_versions(client, make_meeting):
    meeting = make_meeting()
    html = client.get("/meetings/?region=64&lang=en").get_data(as_text=True)
    hrefs = _hrefs(html)
    assert f"/meetings/{meeting.id}?lang=en" in hrefs
    assert "/agencies/?lang=en" in hrefs and "/api/?lang=en" in hrefs
    # Alternates for search engines and for sharing: the page in each language.
    page = "http://localhost/meetings/?region=64"
    for code, href in (("en", "&amp;lang=en"), ("id", "&amp;lang=id"), ("x-default", "")):
        assert f'<link rel="alternate" hreflang="{code}" href="{page}{href}">' in html
    # Files whose bytes are the same in every language keep one address.
    neutral = [h for h in hrefs if any(p in h for p in (".csv", "/api/v1", "/static/"))]
    assert neutral and not [h for h in neutral if "lang=" in h]
    # In Indonesian, the default, links stay as they were.
    plain = _hrefs(client.get("/meetings/?lang=id").get_data(as_text=True))
    assert f"/meetings/{meeting.id}" in plain
    links = [h for h in plain if not h.startswith("http")]  # not the hreflang alternates
    assert not [h for h in links if "lang=" in h and "/lang/" not in h]


def test_the_language_switch_returns_to_the_page_with_its_language_in_the_address(client):
    switch = client.get("/lang/en", query_string={"next": "/meetings/?region=64&lang=id"})
    assert switch.headers["Location"].endswith("/meetings/?region=64&lang=en")
    assert "lang=en" in switch.headers["Set-Cookie"]
    back = client.get("/lang/id", query_string={"next": "/meetings/?region=64&lang=en"})
    assert back.headers["Location"].endswith("/meetings/?region=64")
    # The switch on an English page points back to the page without its old ?lang.
    html = client.get("/meetings/?region=64&lang=en").get_data(as_text=True)
    assert "/lang/id?next=/meetings/?region%3D64" in html.replace("&amp;", "&")


def test_feeds_and_the_api_ignore_lang_and_stay_cacheable_by_address(client, make_meeting):
    make_meeting()
    plain = client.get("/calendar/all.ics")
    english = client.get("/calendar/all.ics?lang=en")
    # Feed text is written in Indonesian, the data's language, whatever the visitor reads.
    assert english.get_data() == plain.get_data()
    assert "Set-Cookie" not in english.headers and "public" in english.headers["Cache-Control"]
    api = client.get("/api/v1/meetings?lang=en")
    assert api.status_code == 200 and "Set-Cookie" not in api.headers
    # The calendar page in English offers feed addresses without ?lang.
    page = client.get("/calendar/?lang=en").get_data(as_text=True)
    feeds = [h for h in _hrefs(page) if ".ics" in h]
    assert feeds and not [h for h in feeds if "lang=" in h]


def test_links_built_with_their_own_query_carry_the_language_once(app):
    # url_with_query (redirects that keep the query, API links) joins url_for and a query.
    # A fresh app context each: the locale is cached per app context.
    with app.app_context(), app.test_request_context("/meetings/?lang=en"):
        assert (
            url_with_query("meetings.index", [("region", "64")]) == "/meetings/?region=64&lang=en"
        )
        assert url_with_query("meetings.index", [("lang", "en")]) == "/meetings/?lang=en"
        assert url_with_query("api.meetings", [("region", "64")]) == "/api/v1/meetings?region=64"
    with app.app_context(), app.test_request_context("/meetings/"):
        assert url_with_query("meetings.index", [("region", "64")]) == "/meetings/?region=64"
