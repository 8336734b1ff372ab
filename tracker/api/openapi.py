"""The OpenAPI 3.1 description of /api/v1, written out by hand to match the serialisers.

tests/test_api_schema.py runs schemathesis against it, so a serialiser change that is
not mirrored here fails the build.
"""

from __future__ import annotations

from typing import Any

from tracker.models import AGENCY_KINDS, ATTENDANCE, MEETING_KINDS, ROLES, STATUSES
from tracker.models.region import REGION_KINDS


def _nullable(schema: dict[str, Any]) -> dict[str, Any]:
    kind = schema.get("type")
    if kind is None:
        return {"anyOf": [schema, {"type": "null"}]}
    return schema | {"type": [kind, "null"]}


STR = {"type": "string"}
# A day when nobody stated the hour (time_unknown), else an instant with its offset.
STATED = {
    "anyOf": [{"type": "string", "format": "date"}, {"type": "string", "format": "date-time"}],
    "description": "The day alone (YYYY-MM-DD) when time_unknown, else the local date-time.",
}
NSTR = {"type": ["string", "null"]}
INT = {"type": "integer"}
URL = {"type": "string", "format": "uri"}


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _obj(props: dict[str, Any], required: list[str] | None = None) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": props,
        "required": list(props) if required is None else required,
    }


REGION_REF = _obj({"code": STR, "name": STR, "kind": {"enum": list(REGION_KINDS)}})
AGENCY_REF = _obj({"slug": STR, "short_name": STR, "url": URL})

SCHEMAS: dict[str, Any] = {
    "Error": _obj(
        {
            "error": _obj(
                {
                    "code": {"type": "integer", "description": "The HTTP status."},
                    "message": STR,
                    "fields": {"type": "object", "additionalProperties": STR},
                },
                required=["code", "message"],
            )
        }
    ),
    "Meta": _obj({"page": INT, "per_page": INT, "total": INT, "pages": INT}),
    "Links": _obj(
        {"self": URL, "first": URL, "last": URL, "next": _nullable(URL), "prev": _nullable(URL)}
    ),
    "RegionRef": REGION_REF,
    "AgencyRef": AGENCY_REF,
    "Region": _obj(
        {
            "code": STR,
            "name": STR,
            "short": STR,
            "kind": {"enum": list(REGION_KINDS)},
            "timezone": STR,
            "zone": {"enum": ["WIB", "WITA", "WIT"]},
            "parent_code": NSTR,
            "meetings": INT,
        }
    ),
    "Agency": _obj(
        {
            "slug": STR,
            "short_name": STR,
            "full_name": STR,
            "kind": {"enum": list(AGENCY_KINDS)},
            "head_title": NSTR,
            "region": _nullable(_ref("RegionRef")),
            "aliases": {"type": "array", "items": STR},
            "valid_from": _nullable({"type": "string", "format": "date"}),
            "valid_until": _nullable({"type": "string", "format": "date"}),
            "meetings": INT,
            "url": URL,
            "html_url": URL,
        }
    ),
    "Election": _obj(
        {
            "slug": STR,
            "name": STR,
            "kind": STR,
            "polling_day": {"type": "string", "format": "date"},
            "scope_region": _nullable(_ref("RegionRef")),
            "meetings": INT,
            "url": URL,
            "html_url": URL,
        }
    ),
    "Participant": _obj(
        {
            "agency": _nullable(_ref("AgencyRef")),
            "person": NSTR,
            "label": STR,
            "position": NSTR,
            "roles": {"type": "array", "items": {"enum": list(ROLES)}},
            "attendance": {"enum": list(ATTENDANCE)},
            "represented_by": NSTR,
        }
    ),
    "MeetingSummary": _obj(
        {
            "id": INT,
            "uid": STR,
            "title": STR,
            "kind": {"enum": list(MEETING_KINDS)},
            "status": {"enum": list(STATUSES)},
            "status_reason": NSTR,
            "theme": NSTR,
            "starts_at": {"type": "string", "format": "date-time"},
            "ends_at": _nullable({"type": "string", "format": "date-time"}),
            "local_date": {"type": "string", "format": "date"},
            "time_unknown": {"type": "boolean"},
            "start": STATED,
            "end": _nullable(STATED),
            "timezone": STR,
            "zone": {"enum": ["WIB", "WITA", "WIT"]},
            "region": _ref("RegionRef"),
            "venue": _nullable(
                _obj(
                    {
                        "name": STR,
                        "address": NSTR,
                        "city": _nullable(_ref("RegionRef")),
                        "latitude": {"type": ["number", "null"]},
                        "longitude": {"type": ["number", "null"]},
                    }
                )
            ),
            "election": _nullable(
                _obj(
                    {"slug": STR, "name": STR, "polling_day": {"type": "string", "format": "date"}}
                )
            ),
            "days_to_polling": {
                "type": ["integer", "null"],
                "description": "Days from the meeting's local date to polling day (H-n is n).",
            },
            "participants": {"type": "array", "items": _ref("Participant")},
            "url": URL,
            "html_url": URL,
        }
    ),
    "PressReleaseRef": _obj(
        {
            "id": INT,
            "title": STR,
            "outlet": STR,
            "url": _nullable(URL),
            "published_date": _nullable({"type": "string", "format": "date"}),
            "published_at": _nullable({"type": "string", "format": "date-time"}),
            "published_zone": _nullable(
                {"type": "string", "description": "The IANA zone the hour was given in."}
            ),
            "api_url": URL,
        }
    ),
}
SCHEMAS["Meeting"] = {
    "allOf": [
        _ref("MeetingSummary"),
        _obj(
            {
                "summary": NSTR,
                "source_note": NSTR,
                "updated_at": {"type": "string", "format": "date-time"},
                "participants": {
                    "type": "array",
                    "items": {
                        "allOf": [
                            _ref("Participant"),
                            _obj(
                                {
                                    "topic": NSTR,
                                    "evidence": {
                                        "type": "array",
                                        "items": _obj({"press_release_id": INT, "sentence": STR}),
                                    },
                                }
                            ),
                        ]
                    },
                },
                "press_releases": {
                    "type": "array",
                    "items": {
                        "allOf": [
                            _ref("PressReleaseRef"),
                            _obj({"relation": {"enum": ["reports", "announces", "mentions"]}}),
                        ]
                    },
                },
            }
        ),
    ]
}
SCHEMAS["PressRelease"] = {
    "allOf": [
        _ref("PressReleaseRef"),
        _obj(
            {
                "section": NSTR,
                "byline": NSTR,
                "meetings": {
                    "type": "array",
                    "items": _obj({"id": INT, "title": STR, "relation": STR, "url": URL}),
                },
                "html_url": URL,
                "shown_in_full": {"type": "boolean"},
                "body": NSTR,
            },
            required=["section", "byline", "meetings", "html_url"],
        ),
    ]
}
SCHEMAS["Attendance"] = _obj(
    {
        "meeting": _obj(
            {
                "id": INT,
                "title": STR,
                "kind": {"enum": list(MEETING_KINDS)},
                "status": {"enum": list(STATUSES)},
                "starts_at": {"type": "string", "format": "date-time"},
                "local_date": {"type": "string", "format": "date"},
                "time_unknown": {"type": "boolean"},
                "start": STATED,
                "region": _ref("RegionRef"),
                "url": URL,
            }
        ),
        "person": NSTR,
        "position": NSTR,
        "roles": {"type": "array", "items": {"enum": list(ROLES)}},
        "attendance": {"enum": list(ATTENDANCE)},
        "represented_by": NSTR,
        "topic": NSTR,
    }
)
SCHEMAS["AgencyDetail"] = {
    "allOf": [
        _ref("Agency"),
        _obj(
            {
                "by_role": {"type": "object", "additionalProperties": INT},
                "by_attendance": {"type": "object", "additionalProperties": INT},
                "per_month": {
                    "type": "array",
                    "items": _obj(
                        {
                            "month": {"type": "string", "pattern": "^[0-9]{4}-[0-9]{2}$"},
                            "meetings": INT,
                        }
                    ),
                },
                "meets_most_with": {
                    "type": "array",
                    "items": _obj({"agency": _ref("AgencyRef"), "meetings": INT}),
                },
                "attendance_url": URL,
            }
        ),
    ]
}
SCHEMAS["ElectionDetail"] = {
    "allOf": [
        _ref("Election"),
        _obj(
            {
                "meetings_before_polling": {"type": "array", "items": _ref("MeetingSummary")},
            }
        ),
    ]
}


def _list_of(name: str) -> dict[str, Any]:
    return _obj(
        {
            "data": {"type": "array", "items": _ref(name)},
            "meta": _ref("Meta"),
            "links": _ref("Links"),
        }
    )


def _meeting_list() -> dict[str, Any]:
    body = _list_of("MeetingSummary")
    body["properties"]["suggestion"] = _nullable(
        {
            "type": "string",
            "description": "When q finds at most 3 meetings: a better spelling of q that finds "
            "more with the same filters ('balikpapn' -> 'balikpapan'), else null.",
        }
    )
    body["required"].append("suggestion")
    return body


def _one(name: str) -> dict[str, Any]:
    return _obj({"data": _ref(name)})


def _param(name: str, description: str, schema: dict[str, Any], where: str = "query") -> dict:
    if schema.get("type") == "string" and "pattern" not in schema:
        # NUL is refused with 400 everywhere (PostgreSQL cannot compare text holding it).
        schema = schema | {"pattern": "^[^\\u0000]*$"}
    return {
        "name": name,
        "in": where,
        "required": where == "path",
        "description": description,
        "schema": schema,
    }


PAGING = [
    _param("page", "Page number, from 1.", {"type": "integer", "minimum": 1, "maximum": 1000000}),
    _param(
        "per_page",
        "Items per page (1–100, default 25).",
        {"type": "integer", "minimum": 1, "maximum": 100},
    ),
]
FORMAT = _param(
    "format", "json (default) or csv: every list is also a CSV download.", {"enum": ["json", "csv"]}
)
# Years 1900-2999: other dates are refused with 400 (tracker/meetings/queries.py).
FILTER_DATE = {"type": "string", "format": "date", "pattern": "^(19|2[0-9])[0-9]{2}-"}
MEETING_FILTERS = [
    _param(
        "q",
        "Full-text search: titles, themes, agency names and aliases (Kapolda Kaltim), "
        "press-release text. Every word must match (as a word prefix).",
        {"type": "string", "maxLength": 200},
    ),
    _param(
        "date_from",
        "Meetings on or after this local date (YYYY-MM-DD, 1900-01-01 to 2999-12-31).",
        FILTER_DATE,
    ),
    _param(
        "date_to",
        "Meetings on or before this local date (YYYY-MM-DD, 1900-01-01 to 2999-12-31).",
        FILTER_DATE,
    ),
    _param(
        "region",
        "Region code (BPS), e.g. 64 or 64.71; a province includes its regencies and cities.",
        {"type": "string", "maxLength": 16},
    ),
    _param(
        "agency",
        "Agency slug, e.g. polda-kaltim (old slugs of merged agencies work).",
        {"type": "string", "maxLength": 120},
    ),
    _param("election", "Election slug, e.g. pemilu-2024.", {"type": "string", "maxLength": 60}),
    _param("kind", "Meeting kind.", {"enum": list(MEETING_KINDS)}),
    _param("status", "Meeting status.", {"enum": list(STATUSES)}),
]
AGENCY_FILTERS = [
    _param("q", "Part of a name or alias.", {"type": "string", "maxLength": 120}),
    _param("kind", "Agency kind.", {"enum": list(AGENCY_KINDS)}),
    _param(
        "on",
        "Only agencies that existed that day (YYYY-MM-DD, 1900-01-01 to 2999-12-31); "
        "without it, those formed by today (dissolved ones included).",
        FILTER_DATE,
    ),
]
REGION_FILTERS = [
    _param("kind", "Region kind.", {"enum": list(REGION_KINDS)}),
    _param(
        "parent",
        "Code of a province: its regencies and cities (an unknown code is 404).",
        {"type": "string", "maxLength": 16},
    ),
    _param(
        "province",
        "Code of a province: the province itself and its regencies and cities "
        "(an unknown code, or a regency's, is 404).",
        {"type": "string", "maxLength": 16},
    ),
]

CSV_CONTENT = {"text/csv": {"schema": {"type": "string"}}}
ERRORS = {
    "400": {
        "description": "Invalid parameter.",
        "content": {"application/json": {"schema": _ref("Error")}},
    },
    "404": {
        "description": "Not found; also a filter naming an unknown region, agency or election.",
        "content": {"application/json": {"schema": _ref("Error")}},
    },
    "405": {
        "description": "Only GET is allowed.",
        "content": {"application/json": {"schema": _ref("Error")}},
    },
}
REDIRECT = {"301": {"description": "The slug of an agency merged into another: follow Location."}}


def _get(
    summary: str, op_id: str, params: list[dict], ok: dict[str, Any], extra: dict | None = None
) -> dict:
    responses = {"200": ok} | ERRORS | (extra or {})
    return {
        "get": {
            "summary": summary,
            "operationId": op_id,
            "parameters": params,
            "responses": responses,
        }
    }


def _json_ok(schema: dict[str, Any], csv: bool = False) -> dict[str, Any]:
    content = {"application/json": {"schema": schema}}
    if csv:
        content |= CSV_CONTENT
    return {"description": "OK", "content": content}


def _csv_ok() -> dict[str, Any]:
    return {
        "description": "CSV download (cells starting with = + - @ are prefixed with ').",
        "content": CSV_CONTENT,
    }


SLUG = _param("slug", "Agency slug.", {"type": "string", "pattern": "^[a-z0-9-]{1,120}$"}, "path")


_TEXT_OR_NULL = {"type": ["string", "null"]}
SCHEMAS["Proposal"] = _obj(
    {
        "title": _TEXT_OR_NULL,
        "meeting_kind": _TEXT_OR_NULL,
        "theme": _TEXT_OR_NULL,
        "start_date": {"type": ["string", "null"], "format": "date"},
        "suggested_date": {"type": ["string", "null"], "format": "date"},
        "start_time": _TEXT_OR_NULL,
        "end_time": _TEXT_OR_NULL,
        "timezone": _TEXT_OR_NULL,
        "venue_name": _TEXT_OR_NULL,
        "venue_address": _TEXT_OR_NULL,
        "city": _TEXT_OR_NULL,
        "province": _TEXT_OR_NULL,
        "chair": {"type": ["object", "null"]},
        "agencies": {"type": "array", "items": {"type": "object"}},
        "collective_attendees": {"type": "array", "items": {"type": "string"}},
        "speakers": {"type": "array", "items": {"type": "object"}},
        "election": _TEXT_OR_NULL,
        "warnings": {
            "type": "array",
            "items": _obj(
                {
                    "code": {"type": "string"},
                    "message": {"type": "string"},
                    "suggested_date": {"type": ["string", "null"]},
                },
                ["code", "message"],
            ),
        },
    },
    ["start_date", "agencies", "speakers", "warnings"],
)
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
                "application/json": {
                    "schema": _obj(
                        {
                            "text": {"type": "string"},
                            "published": {"type": "string", "format": "date"},
                        },
                        ["text"],
                    )
                },
                "text/plain": {"schema": {"type": "string"}},
            },
        },
        "responses": {
            "200": {
                "description": "The proposal.",
                "content": {"application/json": {"schema": _ref("Proposal")}},
            },
            "400": ERRORS["400"],
            "401": {
                "description": "Not logged in as staff.",
                "content": {"application/json": {"schema": _ref("Error")}},
            },
            "413": {
                "description": "Text over 1 MB.",
                "content": {"application/json": {"schema": _ref("Error")}},
            },
        },
    }
}


def openapi_document(server: str) -> dict[str, Any]:
    """The OpenAPI 3.1 document, with ``server`` as the base URL (…/api/v1)."""
    paths: dict[str, Any] = {
        "/meetings": _get(
            "Public meetings, filtered",
            "listMeetings",
            MEETING_FILTERS + PAGING + [FORMAT],
            _json_ok(_meeting_list(), csv=True),
        ),
        "/meetings.csv": _get(
            "Public meetings as CSV (all matching rows)",
            "listMeetingsCsv",
            MEETING_FILTERS,
            _csv_ok(),
        ),
        "/meetings/{meeting_id}": _get(
            "One public meeting",
            "getMeeting",
            [
                _param(
                    "meeting_id",
                    "Meeting id.",
                    {"type": "integer", "minimum": 1, "maximum": 2147483647},
                    "path",
                )
            ],
            _json_ok(_one("Meeting")),
        ),
        "/agencies": _get(
            "Agencies by name or alias",
            "listAgencies",
            AGENCY_FILTERS + PAGING + [FORMAT],
            _json_ok(_list_of("Agency"), csv=True),
        ),
        "/agencies.csv": _get("Agencies as CSV", "listAgenciesCsv", AGENCY_FILTERS, _csv_ok()),
        "/agencies/{slug}": _get(
            "One agency with attendance counts",
            "getAgency",
            [SLUG],
            _json_ok(_one("AgencyDetail")),
            REDIRECT,
        ),
        "/agencies/{slug}/attendance": _get(
            "An agency's attendance in public meetings",
            "listAgencyAttendance",
            [SLUG] + PAGING + [FORMAT],
            _json_ok(_list_of("Attendance"), csv=True),
            REDIRECT,
        ),
        "/agencies/{slug}/attendance.csv": _get(
            "An agency's attendance as CSV", "listAgencyAttendanceCsv", [SLUG], _csv_ok(), REDIRECT
        ),
        "/press-releases": _get(
            "Press releases about public meetings",
            "listPressReleases",
            PAGING + [FORMAT],
            _json_ok(_list_of("PressRelease"), csv=True),
        ),
        "/press-releases.csv": _get("Press releases as CSV", "listPressReleasesCsv", [], _csv_ok()),
        "/press-releases/{release_id}": _get(
            "One press release with its text",
            "getPressRelease",
            [
                _param(
                    "release_id",
                    "Press release id.",
                    {"type": "integer", "minimum": 1, "maximum": 2147483647},
                    "path",
                )
            ],
            _json_ok(_one("PressRelease")),
        ),
        "/elections": _get(
            "Elections", "listElections", [FORMAT], _json_ok(_list_of("Election"), csv=True)
        ),
        "/elections.csv": _get("Elections as CSV", "listElectionsCsv", [], _csv_ok()),
        "/elections/{slug}": _get(
            "One election with its public meetings up to polling day",
            "getElection",
            [
                _param(
                    "slug",
                    "Election slug.",
                    {"type": "string", "pattern": "^[a-z0-9-]{1,60}$"},
                    "path",
                )
            ],
            _json_ok(_one("ElectionDetail")),
        ),
        "/regions": _get(
            "Provinces, regencies and cities with codes, zones and public meeting counts",
            "listRegions",
            REGION_FILTERS + [FORMAT],
            _json_ok(_list_of("Region"), csv=True),
        ),
        "/regions.csv": _get("Regions as CSV", "listRegionsCsv", REGION_FILTERS, _csv_ok()),
    }
    paths["/extract"] = EXTRACT_PATH
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
        "paths": paths,
        "components": {"schemas": SCHEMAS},
    }
