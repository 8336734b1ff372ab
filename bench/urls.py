"""The URLs the benchmark asks for: references, measured pages and the load-run mix."""

from __future__ import annotations

from typing import Any

import feeds as feed_bench  # bench/feeds.py: the archive feed's URL
from databases import PUBLIC_BASE_URL
from sqlalchemy import select

from tracker.extensions import db
from tracker.models import Meeting, Region

STATIC_PATH = "/static/css/app.css"
CONDITIONAL_PATH = "/calendar/all.ics"
ARCHIVE_PATH = feed_bench.URL
SEARCH_TERMS = "politik uang"
# Besides it, in synth's vocabulary: a word in about 63 % of the meetings, one in under 2 %,
# and one in none (the list then walks its whole date index to find no page).
OTHER_SEARCHES = ("kpu", "ambon", "tsunami")
# Staff pages over https: the session cookie of an https site is Secure.
PICKER_URL = f"{PUBLIC_BASE_URL}/staff/agencies/search"


def latency_cases(slug: str) -> list[tuple[str, str, float]]:
    """(label, URL, p95 target in seconds) of every page timed in-process."""
    query = SEARCH_TERMS.replace(" ", "+")
    return [
        ("agency page", f"/agencies/{slug}", 0.050),
        ("API agency", f"/api/v1/agencies/{slug}", 0.050),
        ("API agency attendance", f"/api/v1/agencies/{slug}/attendance", 0.050),
        ("meeting list page", "/meetings/", 0.050),
        (f"search '{SEARCH_TERMS}'", f"/meetings/?q={query}", 0.100),
        (f"API search '{SEARCH_TERMS}'", f"/api/v1/meetings?q={query}", 0.100),
        *(
            case
            for term in OTHER_SEARCHES
            for case in (
                (f"search '{term}'", f"/meetings/?q={term}", 0.100),
                (f"API search '{term}'", f"/api/v1/meetings?q={term}", 0.100),
            )
        ),
        ("agency index", "/agencies/", 0.050),
        ("press release list", "/press/", 0.050),
        ("API press releases", "/api/v1/press-releases", 0.050),
        ("province page (Jawa Timur, 38 regencies and cities)", "/regions/35", 0.050),
        # Kept between writes (tracker/kept.py): the warm-ups compute it, these read it.
        ("national ranking of bodies", "/meetings/rankings", 0.100),
        (
            "province ranking, two months",
            "/meetings/rankings?region=35&date_from=2024-01-01&date_to=2024-02-29",
            0.100,
        ),
        ("month view, whole country", "/meetings/month?month=2024-02", 0.100),
        ("month view, one province", "/meetings/month?month=2024-02&region=35", 0.100),
        ("agency picker search 'kpu' (staff)", f"{PICKER_URL}?q=kpu", 0.050),
        ("agency picker search 'polres' (staff)", f"{PICKER_URL}?q=polres", 0.050),
        (
            "agency picker search 'Kapolres Inhu' (staff)",
            f"{PICKER_URL}?q=Kapolres+Inhu&province=14",
            0.050,
        ),
    ]


def after_write_cases(slug: str, meeting_id: int) -> list[tuple[str, str, float]]:
    """(label, URL, p95 target) timed on the first request after a committed write.

    A write moves the change counter, so whatever pages keep between writes
    (tracker/kept.py) is computed again by exactly these requests.
    """
    return [
        # Kept for anonymous readers (tracker/page_cache.py): after a write, rendered anew.
        ("meeting page", f"/meetings/{meeting_id}", 0.100),
        ("agency page", f"/agencies/{slug}", 0.100),
        ("province page (Jawa Timur)", "/regions/35", 0.100),
        ("national ranking of bodies", "/meetings/rankings", 0.100),
        (
            "province ranking, two months",
            "/meetings/rankings?region=35&date_from=2024-01-01&date_to=2024-02-29",
            0.100,
        ),
        ("month view, whole country", "/meetings/month?month=2024-02", 0.100),
        # Its total is kept under the page counter too (press writes move that one).
        ("press release list", "/press/", 0.100),
    ]


def sample_meeting(app: Any) -> int:
    """The first public meeting: the meeting page and .ics of the 2-worker table."""
    with app.app_context():
        first = select(Meeting.id).where(Meeting.visibility == "public").order_by(Meeting.id)
        return int(db.session.execute(first.limit(1)).scalar_one())


def mixed_paths(app: Any, slug: str) -> list[str]:
    """The URLs of the load run: lists, details, agencies, API, feeds and search."""
    with app.app_context():
        ids = list(
            db.session.execute(
                select(Meeting.id).where(Meeting.visibility == "public").order_by(Meeting.id)
            ).scalars()
        )
        province = db.session.execute(
            select(Region.code).where(Region.kind == "province").order_by(Region.code).limit(1)
        ).scalar_one()
    step = max(1, len(ids) // 6)
    details = ids[::step][:6]
    return [
        "/",
        "/meetings/",
        "/meetings/?page=2",
        "/meetings/?page=40",
        f"/meetings/?region={province}",
        "/meetings/?kind=rakor",
        *(f"/meetings/{mid}" for mid in details),
        "/agencies/",
        f"/agencies/{slug}",
        f"/agencies/{slug}?page=3",
        "/api/v1/meetings",
        "/api/v1/meetings?page=5&per_page=50",
        f"/api/v1/meetings/{details[0]}",
        "/api/v1/agencies",
        f"/api/v1/agencies/{slug}",
        f"/api/v1/agencies/{slug}/attendance",
        "/api/v1/press-releases",
        "/calendar/all.ics",
        f"/calendar/agency/{slug}.ics",
        f"/calendar/region/{province}.ics",
        "/calendar/kind/rakor.ics",
        "/meetings/?q=politik+uang",
        "/meetings/?q=netralitas",
        "/api/v1/meetings?q=logistik",
    ]
