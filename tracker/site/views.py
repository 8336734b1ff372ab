"""Home page and the language switch."""

from __future__ import annotations

from flask import Blueprint, current_app, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from tracker.extensions import db
from tracker.i18n import remember_language, with_language
from tracker.meetings.queries import upcoming_and_recent, wib_today
from tracker.models import Election
from tracker.routing import local_path
from tracker.site import places

bp = Blueprint("site", __name__)
# Venue lines that name each place once, for the meeting list rows and pages (issue 16).
bp.add_app_template_filter(places.place_line, "place_line")
bp.add_app_template_filter(places.venue_text, "venue_text")


@bp.get("/")
def home() -> str:
    """The front page: search, upcoming and recent meetings, ways in."""
    upcoming, recent = upcoming_and_recent(wib_today())
    elections = db.session.execute(db.select(Election).order_by(Election.polling_day)).scalars()
    return render_template(
        "site/home.html", upcoming=upcoming, recent=recent, elections=list(elections)
    )


@bp.get("/lang/<code>")
def set_language(code: str) -> Response:
    """Remember the chosen language in a cookie and go back where the visitor was."""
    # Only local paths: never bounce visitors to another site. The page comes back with
    # ?lang naming the new language (none for the default), so its address can be shared.
    target = local_path(request.args.get("next"), url_for("site.home"))
    if code not in current_app.config["LANGUAGES"]:
        return redirect(target)
    response = redirect(with_language(target, code))
    remember_language(response, code)
    return response


@bp.get("/robots.txt")
def robots() -> Response:
    """Let crawlers, Google Calendar's fetcher included, reach the calendar feeds."""
    # Google obeys robots.txt when it fetches a subscribed feed: never disallow /calendar/.
    body = "User-agent: *\nAllow: /calendar/\nDisallow: /calendar/import\n"
    response = Response(body, mimetype="text/plain")
    response.cache_control.public = True
    response.cache_control.max_age = 86400
    return response


@bp.get("/favicon.ico")
def favicon() -> Response:
    """Send browsers and feed readers that ask for /favicon.ico unprompted to the icon."""
    # Without it every first visit logged a 404 (issue 16); pages link the SVG too. A
    # redirect, not the bytes: the file is served, cached and versioned as static.
    response = redirect(url_for("static", filename="favicon.ico"), 301)
    response.cache_control.public = True
    response.cache_control.max_age = 86400
    return response
