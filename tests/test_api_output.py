"""The API's JSON for a known meeting stays as it was: a snapshot of every value.

tests/fixtures/api/responses.json holds the bodies the serialisers gave before they were
rebuilt on pydantic models (issue 19); a change to the JSON shows here as a diff. Values
that differ on every run (a meeting's uid, its updated_at) are "*" in the snapshot.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from test_api import _seeded_meeting

SNAPSHOT = Path(__file__).parent / "fixtures" / "api" / "responses.json"
UNSTABLE = {"uid", "updated_at"}


def _masked(body: Any) -> Any:
    if isinstance(body, dict):
        return {k: "*" if k in UNSTABLE else _masked(v) for k, v in body.items()}
    if isinstance(body, list):
        return [_masked(item) for item in body]
    return body


def test_json_matches_the_snapshot(backend, client, make_meeting, agency):
    if backend != "sqlite":
        pytest.skip("the snapshot's ids and URLs are those of a fresh SQLite database")
    meeting, release = _seeded_meeting(make_meeting, agency)
    expected = json.loads(SNAPSHOT.read_text("utf-8"))
    for template, body in expected.items():
        path = template.format(meeting=meeting.id, release=release.id)
        response = client.get(path)
        assert response.mimetype == "application/json", path
        assert _masked(response.get_json()) == body, path
