"""Calendar pages and feeds: subscribe links, .ics feeds, the staff feed and import."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import click
from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.globals import request_ctx
from flask.sansio.blueprints import BlueprintSetupState
from flask_login import current_user, login_required
from werkzeug.exceptions import NotFound
from werkzeug.wrappers import Response

from tracker import safefiles, statistics, urls
from tracker.calendar import builder, cache, feeds, operations, scopes, single, state
from tracker.calendar.forms import FeedBuilderForm, ImportForm, RegenerateTokenForm
from tracker.calendar.importer import ImportRejected, import_calendar
from tracker.extensions import db
from tracker.i18n import gettext as _
from tracker.models import MEETING_KINDS, AgencySlugRedirect, Election, Region
from tracker.regions import picker
from tracker.routing import same_query, url_with_query

bp = Blueprint("calendar", __name__, url_prefix="/calendar", cli_group=None)

# Feeds are fetched by servers (Google, Outlook.com) and by calendar apps: no session,
# so no Set-Cookie and no "Vary: Cookie" that would defeat shared caches.
FEED_ENDPOINTS = frozenset(
    f"calendar.{name}"
    for name in (
        "all_feed",
        "agency_feed",
        "region_feed",
        "election_feed",
        "kind_feed",
        "feed",
        "meeting",
        "private_feed",
    )
)
DEFAULTS = {
    "CALENDAR_ORGANIZER_EMAIL": None,  # a functional mailbox; default sekretariat@PUBLIC_HOST
    "CALENDAR_ORGANIZER_NAME": None,
    "CALENDAR_WINDOW_DAYS": 90,
    "CALENDAR_CANCELLED_RETENTION_DAYS": 30,
    "CALENDAR_DEFAULT_MINUTES": 120,
}


@bp.record_once
def _config_defaults(state: BlueprintSetupState) -> None:
    for key, value in DEFAULTS.items():
        state.app.config.setdefault(key, value)


@bp.before_request
def _no_session_on_feeds() -> None:
    if request.endpoint in FEED_ENDPOINTS:
        ctx = request_ctx._get_current_object()  # type: ignore[attr-defined]
        ctx._session = current_app.session_interface.make_null_session(current_app)


def _not_found() -> Response:
    # Plain text: the HTML error page would load the user, and feeds have no session.
    return Response(_("Feed tidak ditemukan."), status=404, mimetype="text/plain")


def _public(args: dict[str, str], filename: str) -> Response:
    wanted = scopes.canonical_args(args)
    try:
        return feeds.serve_feed(
            wanted, scopes.path_for(wanted), filename, lambda: scopes.scope_from(wanted)
        )
    except NotFound:
        return _not_found()


def _archive() -> dict[str, str]:
    return {"archive": request.args.get("archive", "")}


@bp.get("/all.ics")
def all_feed() -> Response:
    """Every public meeting."""
    return _public(_archive(), "rapat-semua.ics")


@bp.get("/agency/<slug>.ics")
def agency_feed(slug: str) -> Response:
    """Public meetings an agency attends; merged agencies' old slugs redirect."""
    moved = db.session.get(AgencySlugRedirect, slug)
    if moved is not None:
        return redirect(url_with_query(".agency_feed", same_query(), slug=moved.agency.slug), 301)
    return _public({"agency": slug, **_archive()}, f"rapat-{slug}.ics")


@bp.get("/region/<code>.ics")
def region_feed(code: str) -> Response:
    """Public meetings in a region (a province includes its regencies and cities)."""
    return _public({"region": code, **_archive()}, f"rapat-wilayah-{code}.ics")


@bp.get("/election/<slug>.ics")
def election_feed(slug: str) -> Response:
    """Public meetings about one election."""
    return _public({"election": slug, **_archive()}, f"rapat-{slug}.ics")


@bp.get("/kind/<kind>.ics")
def kind_feed(kind: str) -> Response:
    """Public meetings of one kind."""
    return _public({"kind": kind, **_archive()}, f"rapat-{kind}.ics")


@bp.get("/feed.ics")
def feed() -> Response:
    """Public meetings matching any combination of agency, region, election and kind."""
    args = {k: request.args.get(k, "") for k in (*scopes.FILTERS, "archive")}
    return _public(args, "rapat.ics")


@bp.get("/meetings/<int:meeting_id>.ics")
def meeting(meeting_id: int) -> Response:
    """Download one public meeting (a snapshot: it does not update)."""
    found = single.meeting_file(meeting_id, url_for(".meeting", meeting_id=meeting_id))
    return found if found is not None else _not_found()


@bp.get("/private/<token>.ics")
def private_feed(token: str) -> Response:
    """A staff member's feed: public and internal meetings, reached by a secret token."""
    user = operations.user_by_feed_token(token)
    if user is None:
        return _not_found()
    scope = scopes.Scope(archive=request.args.get("archive") == "1", private=True)
    path = scopes.query_url(
        ".private_feed", {"token": token, **({"archive": "1"} if scope.archive else {})}
    )
    return feeds.serve_feed(scope.args(), path, "rapat-staf.ics", lambda: scope, private=True)


def feed_links(path: str) -> dict[str, str]:
    """The https, webcal and Google Calendar addresses of a feed path."""
    https = urls.base_url() + path
    webcal = "webcal://" + https.split("://", 1)[1]
    google = "https://calendar.google.com/calendar/r?cid=" + quote(webcal, safe="")
    return {"https": https, "webcal": webcal, "google": google}


def _choices() -> dict[str, Any]:
    return {
        "elections": db.session.execute(
            db.select(Election).order_by(Election.polling_day)
        ).scalars(),
    }


def _built(form: FeedBuilderForm, step: builder.AgencyStep) -> dict[str, Any] | None:
    """The links of the feed the builder asks for, or None while a choice is pending."""
    args = request.args
    if not any(args.get(k) for k in scopes.FILTERS) or picker.picked(args) or builder.FIND in args:
        return None
    if not form.validate() or not step.settled:
        return None
    chosen = {"agency": step.chosen.slug if step.chosen else ""}
    scope = scopes.scope_from(
        {k: form.data[k] or "" for k in scopes.FILTERS}
        | chosen
        | {"archive": "1" if form.archive.data else ""}
    )
    preview = builder.preview(scope, feeds.now())
    # An empty feed points at the same filters over the whole archive (issue 16).
    archive_url = None
    if preview.archive_count:
        archive_url = (
            scopes.query_url(".index", {**request.args.to_dict(), "archive": "y"}) + "#builder"
        )
    links = feed_links(scopes.feed_path(scope))
    return {"label": scope.label(), "preview": preview, "archive_url": archive_url, **links}


@bp.get("/")
def index() -> str:
    """The subscribe page: every feed's links, a builder for combined filters, help."""
    form = FeedBuilderForm(request.args, **_choices())
    step = builder.agency_step(request.args, form.agency.data or "", form.agency_q.data or "")
    built = _built(form, step)
    provinces = db.session.execute(
        db.select(Region).where(Region.kind == "province").order_by(Region.code)
    ).scalars()
    elections = db.session.execute(db.select(Election).order_by(Election.polling_day)).scalars()
    return render_template(
        "calendar/index.html",
        form=form,
        step=step,
        built=built,
        all_links=feed_links(url_for(".all_feed")),
        elections=[(e, feed_links(url_for(".election_feed", slug=e.slug))) for e in elections],
        provinces=[(r, feed_links(url_for(".region_feed", code=r.code))) for r in provinces],
        kinds=[(k, feed_links(url_for(".kind_feed", kind=k))) for k in MEETING_KINDS],
    )


@bp.get("/private")
@login_required
def private() -> str:
    """Show the signed-in staff member's private feed address."""
    token = current_user.feed_token
    links = feed_links(url_for(".private_feed", token=token)) if token else None
    return render_template("calendar/private.html", links=links, form=RegenerateTokenForm())


@bp.post("/private/regenerate")
@login_required
def regenerate() -> Response:
    """Make a new private feed address; the old one stops working at once."""
    form = RegenerateTokenForm()
    if form.validate_on_submit():
        operations.regenerate_feed_token(current_user._get_current_object())
        db.session.commit()
        flash(_("Alamat feed pribadi yang baru sudah dibuat. Alamat lama tidak berlaku lagi."))
    return redirect(url_for(".private"))


@bp.route("/import", methods=["GET", "POST"])
@login_required
def import_ics() -> Any:
    """Create or update meetings from an uploaded .ics file."""
    choices = _choices()
    form = ImportForm(elections=choices["elections"])
    problems = None
    if not picker.picked(request.form) and form.validate_on_submit():
        region = db.session.execute(db.select(Region).filter_by(code=form.region.data)).scalar_one()
        election = db.session.execute(
            db.select(Election).filter_by(slug=form.election.data)
        ).scalar_one_or_none()
        try:
            result = import_calendar(
                form.file.data.read(),
                region,
                kind=form.kind.data,
                visibility=form.visibility.data,
                election=election,
                user=current_user._get_current_object(),
            )
        except ImportRejected as rejected:
            db.session.rollback()
            problems = rejected.problems
        else:
            db.session.commit()
            flash(_import_summary(result))
            return redirect(url_for(".import_ics"))
    status = 400 if problems or form.errors else 200
    return render_template("calendar/import.html", form=form, problems=problems), status


def _import_summary(result: Any) -> str:
    return _(
        "Impor selesai: %(created)s rapat baru, %(updated)s diperbarui, "
        "%(unchanged)s tidak berubah, %(cancelled)s dibatalkan.",
        created=result.created,
        updated=result.updated,
        unchanged=result.unchanged,
        cancelled=result.cancelled,
    )


@bp.cli.command("import-ics")
@click.argument("ics_file", type=click.Path(dir_okay=False))
@click.option("--region", "region_code", required=True, help="Region code, e.g. 64.")
@click.option("--kind", default="rakor", show_default=True)
@click.option("--visibility", type=click.Choice(["public", "internal"]), default="public")
@click.option("--election", "election_slug", default=None, help="Election slug, optional.")
def import_ics_command(
    ics_file: str, region_code: str, kind: str, visibility: str, election_slug: str | None
) -> None:
    """Create or update meetings from an .ics file (matched by UID), all or nothing."""
    region = db.session.execute(db.select(Region).filter_by(code=region_code)).scalar_one_or_none()
    if region is None:
        raise click.BadParameter(f"no region with code {region_code!r}", param_hint="--region")
    election = None
    if election_slug:
        election = db.session.execute(
            db.select(Election).filter_by(slug=election_slug)
        ).scalar_one_or_none()
        if election is None:
            raise click.BadParameter(f"no election {election_slug!r}", param_hint="--election")
    try:
        result = import_calendar(
            # The same size limit as an upload through /calendar/import.
            safefiles.read_argument(ics_file, current_app.config["MAX_CONTENT_LENGTH"]),
            region,
            kind=kind,
            visibility=visibility,
            election=election,
        )
    except ImportRejected as rejected:
        db.session.rollback()
        for problem in rejected.problems:
            click.echo(f"{ics_file}:{problem.line}: {problem.reason}", err=True)
        raise SystemExit(1) from None
    db.session.commit()
    statistics.refresh()
    click.echo(_import_summary(result))


@bp.cli.command("calendar-refresh")
@click.option("--all", "drop", is_flag=True, help="Drop every stored VEVENT first.")
def calendar_refresh_command(drop: bool) -> None:
    """Build stale stored VEVENTs now (after a deploy, or agency and venue edits with --all)."""
    if urls.configured_base(current_app) is None:
        # Without it every address would name a host real requests never use, and
        # requests without it never read stored events: the work would be wasted.
        raise click.UsageError(
            "PUBLIC_BASE_URL belum diatur: atur TRACKER_PUBLIC_BASE_URL (mis. "
            "https://rakor.example.go.id) lalu ulangi. / PUBLIC_BASE_URL is not set: set "
            "TRACKER_PUBLIC_BASE_URL (e.g. https://rakor.example.go.id) and run it again."
        )
    if drop:
        # Also for edits made outside the app (raw SQL): every feed and piece is stale.
        state.mark_changed(references=True)
        db.session.commit()
    count = cache.build_stale(cache.settings())
    if count:
        # Every rebuilt row was rewritten: without a vacuum PostgreSQL's counts and lists
        # visit each row again until autovacuum comes round (ranking after a write at
        # 100,000 meetings: 779 ms p50, against 228 ms before the rows were rewritten).
        statistics.refresh()
    click.echo(f"{count} calendar events built")
