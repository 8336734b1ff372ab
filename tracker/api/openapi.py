"""The OpenAPI 3.1 description of /api/v1, generated from the models the views answer with.

Components come from tracker/api/bodies.py and schemas.py, parameters from
tracker/api/params.py, and the paths from the ENDPOINTS table below.
tests/test_api_schema.py runs schemathesis against the document, and
tests/test_api_contract.py checks that real responses carry exactly the fields it lists.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

from pydantic import BaseModel
from pydantic.json_schema import JsonSchemaMode, models_json_schema

from tracker.api import bodies, params

REF = "#/components/schemas/{model}"
# NUL is refused with 400 everywhere (PostgreSQL cannot compare text holding it).
NO_NUL = "^[^\\u0000]*$"


def _untitled(schema: dict[str, Any]) -> dict[str, Any]:
    """A model's schema without pydantic's title on every property (the names say it).

    Objects stay open to new fields: extra="forbid" checks our serialisers, not clients.
    """
    properties = {
        name: {key: value for key, value in prop.items() if key != "title"}
        for name, prop in schema.get("properties", {}).items()
    }
    schema = {key: value for key, value in schema.items() if key != "additionalProperties"}
    return schema | {"properties": properties} if properties else schema


def _ref(model: type[BaseModel]) -> dict[str, str]:
    return {"$ref": REF.format(model=model.__name__)}


@dataclass(frozen=True)
class Endpoint:
    """One GET operation; a list with ``csv_summary`` also has a ``.csv`` twin."""

    path: str
    operation_id: str
    summary: str
    body: type[BaseModel]
    filters: type[BaseModel] | None = None
    in_path: type[BaseModel] | None = None
    paged: bool = False
    csv_summary: str | None = None
    # A merged agency's old slug answers 301 to the survivor.
    redirects: bool = False


ENDPOINTS = (
    Endpoint(
        "/meetings",
        "listMeetings",
        "Public meetings, filtered",
        bodies.MeetingList,
        params.MeetingFilters,
        paged=True,
        csv_summary="Public meetings as CSV (all matching rows)",
    ),
    Endpoint(
        "/meetings/{meeting_id}",
        "getMeeting",
        "One public meeting",
        bodies.MeetingBody,
        in_path=params.MeetingPath,
    ),
    Endpoint(
        "/agencies",
        "listAgencies",
        "Agencies by name or alias",
        bodies.AgencyList,
        params.AgencyFilters,
        paged=True,
        csv_summary="Agencies as CSV",
    ),
    Endpoint(
        "/agencies/{slug}",
        "getAgency",
        "One agency with attendance counts",
        bodies.AgencyBody,
        in_path=params.AgencyPath,
        redirects=True,
    ),
    Endpoint(
        "/agencies/{slug}/attendance",
        "listAgencyAttendance",
        "An agency's attendance in public meetings",
        bodies.AttendanceList,
        in_path=params.AgencyPath,
        paged=True,
        csv_summary="An agency's attendance as CSV",
        redirects=True,
    ),
    Endpoint(
        "/press-releases",
        "listPressReleases",
        "Press releases about public meetings",
        bodies.PressReleaseList,
        paged=True,
        csv_summary="Press releases as CSV",
    ),
    Endpoint(
        "/press-releases/{release_id}",
        "getPressRelease",
        "One press release with its text",
        bodies.PressReleaseBody,
        in_path=params.PressReleasePath,
    ),
    Endpoint(
        "/elections",
        "listElections",
        "Elections",
        bodies.ElectionList,
        csv_summary="Elections as CSV",
    ),
    Endpoint(
        "/elections/{slug}",
        "getElection",
        "One election with its public meetings up to polling day",
        bodies.ElectionBody,
        in_path=params.ElectionPath,
    ),
    Endpoint(
        "/regions",
        "listRegions",
        "Provinces, regencies and cities with codes, zones and public meeting counts",
        bodies.RegionList,
        params.RegionFilters,
        csv_summary="Regions as CSV",
    ),
)


def _parameters(model: type[BaseModel] | None, where: str = "query") -> list[dict[str, Any]]:
    """A parameters model's fields as OpenAPI parameters (its defaults are the views')."""
    if model is None:
        return []
    found = []
    properties = _untitled(model.model_json_schema())["properties"]
    for name, schema in properties.items():
        schema = dict(schema)
        description = schema.pop("description")
        schema.pop("default", None)
        if schema.get("type") == "string" and "pattern" not in schema and "enum" not in schema:
            schema["pattern"] = NO_NUL
        found.append(
            {
                "name": name,
                "in": where,
                "required": where == "path",
                "description": description,
                "schema": schema,
            }
        )
    return found


def _error(description: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": {"application/json": {"schema": _ref(bodies.Error)}},
    }


ERRORS = {
    "400": _error("Invalid parameter."),
    "404": _error("Not found; also a filter naming an unknown region, agency or election."),
    "405": _error("Only GET is allowed."),
}
REDIRECT = {"301": {"description": "The slug of an agency merged into another: follow Location."}}
CSV_CONTENT = {"text/csv": {"schema": {"type": "string"}}}


def _get(
    endpoint: Endpoint, op_id: str, summary: str, parameters: list[dict[str, Any]], ok: dict
) -> dict[str, Any]:
    responses = {"200": ok} | ERRORS | (REDIRECT if endpoint.redirects else {})
    operation = {"summary": summary, "operationId": op_id, "parameters": parameters}
    return {"get": operation | {"responses": responses}}


def _paths(endpoint: Endpoint) -> dict[str, Any]:
    """The JSON operation of an endpoint, and its CSV twin when it has one."""
    own = _parameters(endpoint.in_path, "path") + _parameters(endpoint.filters)
    content: dict[str, Any] = {"application/json": {"schema": _ref(endpoint.body)}}
    extra = _parameters(params.Paging) if endpoint.paged else []
    if endpoint.csv_summary is not None:
        content |= CSV_CONTENT
        extra += _parameters(params.Format)
    ok = {"description": "OK", "content": content}
    paths = {
        endpoint.path: _get(endpoint, endpoint.operation_id, endpoint.summary, own + extra, ok)
    }
    if endpoint.csv_summary is not None:
        csv_ok = {
            "description": "CSV download (cells starting with = + - @ are prefixed with ').",
            "content": CSV_CONTENT,
        }
        op_id = endpoint.operation_id + "Csv"
        paths[endpoint.path + ".csv"] = _get(endpoint, op_id, endpoint.csv_summary, own, csv_ok)
    return paths


EXTRACT_PATH = {
    "post": {
        "summary": "Propose a meeting from a press release (staff session required)",
        "operationId": "extractMeeting",
        "description": (
            "Returns the extractor's proposal: the same JSON as `flask extract --json` and the "
            "staff review form. Writes nothing. Needs a logged-in staff session cookie."
        ),
        "requestBody": {
            "required": True,
            "content": {
                "application/json": {"schema": _ref(bodies.ExtractRequest)},
                "text/plain": {"schema": {"type": "string"}},
            },
        },
        "responses": {
            "200": {
                "description": "The proposal.",
                "content": {"application/json": {"schema": _ref(bodies.Proposal)}},
            },
            "400": ERRORS["400"],
            "401": _error("Not logged in as staff."),
            "413": _error("Text over 1 MB."),
        },
    }
}
BODIES = [e.body for e in ENDPOINTS] + [bodies.Error, bodies.Proposal]


@cache
def components() -> dict[str, Any]:
    """Every response model and the models they contain, by name."""
    # Bodies in their serialisation shape; the request body in the shape it is read.
    models: list[tuple[type[BaseModel], JsonSchemaMode]] = [
        (body, "serialization") for body in BODIES
    ]
    models.append((bodies.ExtractRequest, "validation"))
    _, top = models_json_schema(models, ref_template=REF)
    return {name: _untitled(schema) for name, schema in top["$defs"].items()}


@cache
def _all_paths() -> dict[str, Any]:
    paths: dict[str, Any] = {}
    for endpoint in ENDPOINTS:
        paths |= _paths(endpoint)
    return paths | {"/extract": EXTRACT_PATH}


def openapi_document(server: str) -> dict[str, Any]:
    """The OpenAPI 3.1 document, with ``server`` as the base URL (…/api/v1)."""
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Rakor Tracker API",
            "version": "1",
            "description": (
                "Read-only data on Indonesian election coordination meetings: public meetings, "
                "agencies and their attendance, press releases, elections and regions. "
                "Times are ISO 8601 in the meeting's own zone (WIB, WITA, WIT). "
                'Errors are JSON: {"error": {"code", "message"}}. '
                "CORS is open for GET; no authentication."
            ),
        },
        "servers": [{"url": server}],
        "paths": _all_paths(),
        "components": {"schemas": components()},
    }
