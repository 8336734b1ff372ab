"""Hostile query parameters and path values on every GET route: a 4xx with a clear message.

Before the fixes these were 500s: ``url_for`` keywords (``_external``, ``endpoint``,
``_method``, a path parameter's own name) taken from the query string into page links
and redirects, OFFSETs beyond 64 bits, ids beyond PostgreSQL's INTEGER, filter dates whose
zone arithmetic overflows, CR/LF in ``next=`` and deeply nested JSON.
"""

from __future__ import annotations

import time
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pytest
from staff_helpers import PASSWORD, make_user

from tracker.agencies.operations import create_agency, merge_agencies
from tracker.extensions import db

from .conftest import World
from .test_access_matrix import fill, routes

# Names url_for() treats as its own keywords, and a path parameter's name.
URL_FOR_KEYWORDS = ("_external", "_scheme", "_anchor", "_method", "endpoint", "values", "slug")
HOSTILE_QUERIES: list[dict[str, str]] = [
    *({name: "0"} for name in URL_FOR_KEYWORDS),
    {"_external": "1", "_scheme": "javascript"},
    {"meeting_id": "x", "code": "x", "token": "x", "filename": "../x", "kind": "x"},
    {"page": str(10**22)},
    {"per_page": str(10**22)},
    {"page": "-1", "per_page": "0"},
    {"date_from": "0001-01-01"},
    {"date_to": "9999-12-31"},
    {"date_from": "9999-12-31", "date_to": "0001-01-01"},
    {"next": "/staff/\r\nSet-Cookie: x=1"},
]
HUGE_IDS = (2**31, 2**63, 10**20)
PAGE_MESSAGE = "Nomor halaman paling besar 1000000"
DATE_MESSAGE = "Tanggal harus antara 1900-01-01 dan 2999-12-31."


@pytest.fixture
def app_config() -> dict[str, Any]:
    """Unhandled errors answer 500, as in production, so the sweep can count them."""
    return {"PROPAGATE_EXCEPTIONS": False}


def _get_routes(world: World) -> list[tuple[Any, dict[str, Any]]]:
    """Every rule answering GET, with URL values from real rows."""
    rules = [rule for rule, method in routes(world.app) if method in (rule.methods or ())]
    return [(rule, fill(world, rule, "GET")) for rule in rules if "GET" in (rule.methods or ())]


def test_no_hostile_parameter_on_any_get_route_is_a_server_error(world: World) -> None:
    client = world.actors["anonymous"].client
    adapter = world.app.url_map.bind("localhost")
    failures = []
    for rule, values in _get_routes(world):
        path = adapter.build(rule.endpoint, values)
        for query in HOSTILE_QUERIES:
            response = client.get(path, query_string=query)
            if response.status_code >= 500:
                failures.append((path, query, response.status_code))
            response.close()
    assert not failures


def test_an_id_beyond_the_integer_column_is_not_found(world: World) -> None:
    client = world.actors["anonymous"].client
    adapter = world.app.url_map.bind("localhost")
    tried = 0
    for rule, values in _get_routes(world):
        for name in ("meeting_id", "release_id", "user_id", "agency_id"):
            if name not in values:
                continue
            for huge in HUGE_IDS:
                path = adapter.build(rule.endpoint, {**values, name: 1}).replace(
                    "/1", f"/{huge}", 1
                )
                response = client.get(path)
                tried += 1
                assert response.status_code in (302, 404), (path, response.status_code)
                if path.startswith("/api/"):
                    assert response.get_json()["error"]["code"] == 404
    assert tried >= 20


API_LISTS = ("/api/v1/meetings", "/api/v1/agencies", "/api/v1/press-releases")


def test_url_for_keywords_in_an_api_list_query_are_ignored(client: Any) -> None:
    query = {name: "0" for name in URL_FOR_KEYWORDS} | {"per_page": "1", "q": "rakor"}
    for endpoint in API_LISTS:
        response = client.get(endpoint, query_string=query)
        assert response.status_code == 200
        links = response.get_json()["links"]
        for name in ("self", "first", "last"):
            parts = urlsplit(links[name])
            assert parts.scheme == "http" and parts.path == endpoint
            carried = dict(parse_qsl(parts.query))
            assert not set(carried) & set(URL_FOR_KEYWORDS)
            assert carried["per_page"] == "1"
            if endpoint != "/api/v1/press-releases":
                assert carried["q"] == "rakor"


def test_a_path_parameters_name_in_the_query_does_not_change_the_links(world: World) -> None:
    path = "/api/v1/agencies/polda-kaltim/attendance"
    response = world.actors["anonymous"].client.get(path, query_string={"slug": "x", "per_page": 1})
    assert response.status_code == 200
    links = response.get_json()["links"]
    assert links["next"] is not None
    for name in ("self", "next", "last"):
        assert urlsplit(links[name]).path == path


def test_a_merged_slugs_redirect_keeps_the_query_verbatim(client: Any, agency: Any) -> None:
    survivor = agency("polda-kaltim")
    duplicate = create_agency(
        {"short_name": "Polda Kaltim Lama", "full_name": "Polda Kaltim (lama)", "kind": "police"}
    )
    merge_agencies(survivor, duplicate)
    db.session.commit()
    query = {"slug": "x", "_external": "0", "endpoint": "x", "q": "rakor"}
    for path in (
        "/agencies/{slug}",
        "/agencies/{slug}.csv",
        "/api/v1/agencies/{slug}",
        "/api/v1/agencies/{slug}/attendance",
        "/calendar/agency/{slug}.ics",
    ):
        response = client.get(path.format(slug=duplicate.slug), query_string=query)
        assert response.status_code == 301, path
        location = urlsplit(response.headers["Location"])
        assert location.path == path.format(slug=survivor.slug)
        assert dict(parse_qsl(location.query)) == query


def test_a_huge_page_number_is_a_400_saying_why(client: Any) -> None:
    huge = {"page": str(10**22)}
    for path in ("/meetings/", "/press/", "/agencies/", "/agencies/polda-kaltim"):
        response = client.get(path, query_string=huge)
        assert response.status_code == 400, path
        assert PAGE_MESSAGE in response.get_data(as_text=True)
    for path in API_LISTS:
        response = client.get(path, query_string=huge)
        assert response.status_code == 400
        assert response.get_json()["error"]["message"] == "page harus bilangan bulat 1–1000000."


def test_a_filter_date_out_of_range_is_a_400_naming_the_field(client: Any) -> None:
    for key, value in (
        ("date_from", "0001-01-01"),
        ("date_to", "9999-12-31"),
        ("date_to", "1899-12-31"),
    ):
        page = client.get("/meetings/", query_string={key: value})
        assert page.status_code == 400 and DATE_MESSAGE in page.get_data(as_text=True)
        for path in ("/api/v1/meetings", "/api/v1/meetings.csv"):
            answer = client.get(path, query_string={key: value})
            assert answer.status_code == 400
            assert answer.get_json()["error"]["fields"] == {key: DATE_MESSAGE}


def test_the_widest_dates_allowed_still_filter(client: Any, make_meeting: Any) -> None:
    make_meeting()
    query = {"date_from": "1900-01-01", "date_to": "2999-12-31"}
    body = client.get("/api/v1/meetings", query_string=query).get_json()
    assert body["meta"]["total"] == 1
    assert client.get("/meetings/", query_string=query).status_code == 200


def test_control_characters_in_next_fall_back_to_the_start_page(client: Any) -> None:
    user = make_user("next.adv@kaltim.example")
    for target in ("/staff/\r\nSet-Cookie: x=1", "/staff/\nx", "/staff/\tx", "/\x7f"):
        response = client.post(
            "/login",
            query_string={"next": target},
            data={"email": user.email, "password": PASSWORD},
        )
        # The staff home (in English, ?lang=en, once the switch below has chosen it).
        home = ("/staff/meetings/", "/staff/meetings/?lang=en")
        assert response.status_code == 302
        assert response.headers["Location"] in home
        again = client.get("/login", query_string={"next": target})
        assert again.status_code == 302 and again.headers["Location"] in home
        switch = client.get("/lang/en", query_string={"next": target})
        # The start page, in the language just chosen (issue 16).
        assert switch.status_code == 302 and switch.headers["Location"] == "/?lang=en"
        client.post("/logout")


def test_deeply_nested_json_to_extract_is_a_400_saying_why(client: Any) -> None:
    bodies = ("[" * 100_000 + "]" * 100_000, '{"text": ' + "[" * 50_000, '{"a": ' * 21 + "1")
    for body in bodies:
        anonymous = client.post("/api/v1/extract", data=body, content_type="application/json")
        assert anonymous.status_code == 401
    user = make_user("json.adv@kaltim.example")
    client.post("/login", data={"email": user.email, "password": PASSWORD})
    for body in bodies:
        response = client.post("/api/v1/extract", data=body, content_type="application/json")
        assert response.status_code == 400
        message = response.get_json()["error"]["message"]
        assert message == "JSON bersarang terlalu dalam (paling banyak 20 tingkat)."
    # Brackets inside strings are text, not nesting.
    text = "Rakor [" * 30 + "digelar di Samarinda, Selasa (6/2/2024)." + "]" * 30
    response = client.post("/api/v1/extract", json={"text": text})
    assert response.status_code == 200
    assert response.get_json()["start_date"] == "2024-02-06"


def test_the_nesting_check_stays_linear_on_quotes_and_backslashes(client: Any) -> None:
    """Unterminated strings made of quotes and backslashes once cost quadratic time."""
    user = make_user("json.quotes@kaltim.example")
    client.post("/login", data={"email": user.email, "password": PASSWORD})
    for body in ('"' + '\\"' * 200_000, '{"text": "' + '\\"' * 200_000 + "\\", '"' * 400_000):
        started = time.process_time()
        response = client.post("/api/v1/extract", data=body, content_type="application/json")
        assert response.status_code == 400  # not JSON the extractor can use
        # Linear: a few milliseconds here; the quadratic scan took minutes on 400 KB.
        assert time.process_time() - started < 2
