"""Read-only JSON/CSV API at /api/v1 (the HTML guide is /api/).

The blueprint lives in tracker/api/blueprint.py; importing the *_views modules here adds
their endpoints to it, so the factory registers one blueprint with every route.
"""

from __future__ import annotations

from flask import jsonify, render_template, url_for
from werkzeug.wrappers import Response

# Imported for their routes on bp (the factory imports bp from here).
from tracker.api import agency_views, meeting_views, record_views  # noqa: F401
from tracker.api.blueprint import bp
from tracker.api.openapi import openapi_document

__all__ = ["bp"]


@bp.get("/")
def guide() -> str:
    """The API guide for people: endpoints, filters, formats, the OpenAPI link."""
    return render_template("api/index.html")


@bp.get("/v1/")
def root() -> Response:
    """Entry point: links to every collection."""
    return jsonify(
        {
            "name": "Rakor Tracker API",
            "version": "1",
            "openapi": url_for("api.openapi", _external=True),
            "links": {
                name: url_for(f"api.{name}", _external=True)
                for name in ("meetings", "agencies", "press_releases", "elections", "regions")
            },
        }
    )


@bp.get("/v1/openapi.json")
def openapi() -> Response:
    """The OpenAPI 3.1 description of this API."""
    return jsonify(openapi_document(url_for("api.root", _external=True).rstrip("/")))
