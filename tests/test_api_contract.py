"""Real API responses carry exactly the fields the OpenAPI document lists, both ways.

schemathesis (tests/test_api_schema.py) checks types but lets a response carry fields the
document does not name, and cannot tell a documented field that no response ever has.
Here every object in every response is matched against its schema: a field the document
lacks fails, a required field the response lacks fails, and a documented field (or a
whole schema) that no response ever shows fails too.
"""

from __future__ import annotations

from importlib import resources
from typing import Any

from staff_helpers import login, make_user
from test_api import _seeded_meeting

from tracker.cli import seed_demo

# Request shapes, not responses: nothing answers with them.
REQUEST_ONLY = {"ExtractRequest"}


class Contract:
    """Matches response bodies against the document and remembers what it saw."""

    def __init__(self, document: dict[str, Any]) -> None:
        self.components: dict[str, Any] = document["components"]["schemas"]
        self.seen: dict[str, set[str]] = {}
        self.problems: list[str] = []

    def check(self, body: Any, schema: dict[str, Any], where: str) -> None:
        """Match ``body`` against ``schema``, recording every mismatch under ``where``."""
        name = None
        if "$ref" in schema:
            name = schema["$ref"].rsplit("/", 1)[-1]
            schema = self.components[name]
            self.seen.setdefault(name, set())
        if "anyOf" in schema:
            if body is None:
                return
            shaped = [
                s for s in schema["anyOf"] if "$ref" in s or s.get("type") in ("object", "array")
            ]
            for branch in shaped[:1]:
                self.check(body, branch, where)
            return
        if schema.get("type") == "array" and isinstance(body, list):
            for index, item in enumerate(body):
                self.check(item, schema.get("items", {}), f"{where}[{index}]")
        if "properties" in schema and isinstance(body, dict):
            self._object(body, schema, name, where)

    def _object(
        self, body: dict[str, Any], schema: dict[str, Any], name: str | None, where: str
    ) -> None:
        documented = set(schema["properties"])
        for key in sorted(set(body) - documented):
            self.problems.append(f"{where}.{key}: in the response, not in the document ({name})")
        for key in sorted(set(schema.get("required", [])) - set(body)):
            self.problems.append(f"{where}.{key}: required by the document, not in the response")
        if name is not None:
            self.seen[name].update(body)
        for key in sorted(set(body) & documented):
            self.check(body[key], schema["properties"][key], f"{where}.{key}")

    def never_shown(self) -> list[str]:
        """Documented fields and schemas that no checked response showed."""
        missing = []
        for name, schema in self.components.items():
            if name in REQUEST_ONLY:
                continue
            if name not in self.seen:
                missing.append(f"{name}: no response used this schema")
                continue
            for key in sorted(set(schema.get("properties", {})) - self.seen[name]):
                missing.append(f"{name}.{key}: documented, in no response")
        return missing


def _urls(client) -> dict[str, list[str]]:
    """Concrete URLs for every documented GET path, from the demo data."""
    meetings = client.get("/api/v1/meetings?per_page=100").get_json()["data"]
    releases = client.get("/api/v1/press-releases?per_page=100").get_json()["data"]
    elections = client.get("/api/v1/elections").get_json()["data"]
    slugs = sorted(
        {p["agency"]["slug"] for m in meetings for p in m["participants"] if p["agency"]}
    )
    return {
        "/meetings": [
            "/api/v1/meetings",
            "/api/v1/meetings?q=balikpapn",
            "/api/v1/meetings?per_page=100",
        ],
        "/meetings/{meeting_id}": [f"/api/v1/meetings/{m['id']}" for m in meetings],
        "/agencies": ["/api/v1/agencies?per_page=100"],
        "/agencies/{slug}": [f"/api/v1/agencies/{slug}" for slug in slugs],
        "/agencies/{slug}/attendance": [f"/api/v1/agencies/{slug}/attendance" for slug in slugs],
        "/press-releases": ["/api/v1/press-releases?per_page=100"],
        "/press-releases/{release_id}": [f"/api/v1/press-releases/{r['id']}" for r in releases],
        "/elections": ["/api/v1/elections"],
        "/elections/{slug}": [f"/api/v1/elections/{e['slug']}" for e in elections],
        "/regions": ["/api/v1/regions", "/api/v1/regions?province=64"],
    }


def _json_schema(operation: dict[str, Any], status: str = "200") -> dict[str, Any] | None:
    content = operation["responses"][status].get("content", {})
    return content.get("application/json", {}).get("schema")


def test_responses_and_document_list_the_same_fields(app, client, runner, make_meeting, agency):
    assert runner.invoke(seed_demo).exit_code == 0
    _seeded_meeting(make_meeting, agency)
    document = client.get("/api/v1/openapi.json").get_json()
    contract = Contract(document)
    urls = _urls(client)
    for path, operations in document["paths"].items():
        get = operations.get("get")
        schema = get and _json_schema(get)
        if schema is None:
            continue  # a CSV download, or the POST below
        assert urls.get(path), f"no URL to check {path} with"
        for url in urls[path]:
            response = client.get(url)
            assert response.status_code == 200, url
            contract.check(response.get_json(), schema, url)
    error = _json_schema(document["paths"]["/meetings"]["get"], "400")
    for url in ("/api/v1/meetings?date_from=kemarin", "/api/v1/meetings/999999"):
        contract.check(client.get(url).get_json(), error, url)

    make_user()
    login(client, "editor@kaltim.example")
    extract = document["paths"]["/extract"]["post"]
    # The demo release, published a day after the meeting it dates: a proposal with warnings.
    text = resources.files("tracker.data").joinpath("seed_release.txt").read_text("utf-8")
    response = client.post("/api/v1/extract", json={"text": text, "published": "2024-02-06"})
    assert response.status_code == 200
    contract.check(response.get_json(), _json_schema(extract), "/extract")

    assert contract.problems == []
    assert contract.never_shown() == []
