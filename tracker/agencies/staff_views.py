"""Agency search for staff forms, and the admin's agency registry."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import func, or_
from sqlalchemy.orm import selectinload
from werkzeug.wrappers import Response

from tracker.agencies import operations, picking, queries
from tracker.agencies.forms import AgencyForm, MergeForm
from tracker.agencies.picking import agency_options, resolve_agency
from tracker.auth.access import admin_only, staff_only
from tracker.extensions import db
from tracker.formtools import apply_errors
from tracker.i18n import gettext as _
from tracker.models import Agency, AgencyAlias, Participation
from tracker.regions import picker
from tracker.routing import page_number
from tracker.validation import ValidationError

staff_bp = Blueprint("staff_agencies", __name__, url_prefix="/staff/agencies")
staff_bp.before_request(staff_only)
admin_bp = Blueprint("admin_agencies", __name__, url_prefix="/admin/agencies")
admin_bp.before_request(admin_only)

Page = Response | str | tuple[str, int]
FIELDS = ("short_name", "full_name", "kind", "head_title", "valid_from", "valid_until")


@staff_bp.get("/search")
def search() -> dict[str, Any]:
    """Bodies whose name or alias contains ``q``, as JSON for the meeting form's script.

    ``on`` (a day) keeps the bodies that existed then; ``province`` (a code) ranks that
    province's regency bodies first. A body not yet in the registry has ``id`` null and
    ``value`` "ref:<key>": saving the form makes its row.
    """
    on, _error = queries.parse_day(request.args.get("on", "").strip())
    province = request.args.get("province", "").strip() or None
    results = picking.search(request.args.get("q", ""), on=on, province_code=province)
    return {
        "results": [
            {
                "id": c.agency.id if c.agency else None,
                "slug": c.agency.slug if c.agency else None,
                "value": c.value,
                "short_name": c.short_name,
                "full_name": c.full_name,
                "region": c.region,
                "matched_alias": c.matched_alias,
            }
            for c in results
        ]
    }


def _values(form: AgencyForm) -> dict[str, Any]:
    values = {f: getattr(form, f).data for f in FIELDS}
    values["head_title"] = (values["head_title"] or "").strip() or None
    values["region_id"] = form.region.data
    return values


@admin_bp.get("/")
def index() -> str:
    """List the registry, searchable by name or alias."""
    q = " ".join(request.args.get("q", "").split())
    stmt = db.select(Agency).options(selectinload(Agency.region), selectinload(Agency.aliases))
    if q:
        like = "%" + q.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        stmt = stmt.where(
            or_(
                func.lower(Agency.short_name).like(like, escape="\\"),
                func.lower(Agency.full_name).like(like, escape="\\"),
                Agency.id.in_(
                    db.select(AgencyAlias.agency_id).where(
                        func.lower(AgencyAlias.alias).like(like, escape="\\")
                    )
                ),
            )
        )
    page = db.paginate(
        stmt.order_by(Agency.short_name, Agency.id),
        page=page_number(),
        per_page=current_app.config["PAGE_SIZE"],
        max_per_page=100,
        error_out=False,
    )
    counts = dict(
        db.session.execute(
            db.select(Participation.agency_id, func.count())
            .where(Participation.agency_id.in_([a.id for a in page.items]))
            .group_by(Participation.agency_id)
        ).all()
    )
    return render_template("admin/agencies/index.html", page=page, q=q, counts=counts)


@admin_bp.route("/new", methods=["GET", "POST"])
def new() -> Page:
    """Add an agency to the registry."""
    form = AgencyForm()
    if not picker.picked(request.form) and form.validate_on_submit():
        try:
            agency = operations.create_agency(_values(form), form.alias_lines(), current_user)
        except ValidationError as error:
            db.session.rollback()
            apply_errors(form, error.errors, {"region_id": "region", "alias": "aliases"})
        else:
            db.session.commit()
            flash(_("Instansi %(name)s ditambahkan.", name=agency.short_name), "info")
            return redirect(url_for("admin_agencies.index", q=agency.short_name))
    status = 422 if form.errors else 200
    return render_template("admin/agencies/form.html", form=form, agency=None), status


@admin_bp.route("/<int:agency_id>/edit", methods=["GET", "POST"])
def edit(agency_id: int) -> Page:
    """Change an agency's fields and aliases."""
    agency = db.get_or_404(Agency, agency_id)
    if request.method == "GET":
        data = {f: getattr(agency, f) for f in FIELDS}
        data["region"] = agency.region_id
        data["aliases"] = "\n".join(operations.alias_list(agency))
        form = AgencyForm(data=data)
        return render_template("admin/agencies/form.html", form=form, agency=agency)
    form = AgencyForm()
    if picker.picked(request.form):
        return render_template("admin/agencies/form.html", form=form, agency=agency)
    if form.validate_on_submit():
        try:
            operations.update_agency(agency, _values(form), current_user)
            operations.set_aliases(agency, form.alias_lines(), current_user)
        except ValidationError as error:
            db.session.rollback()
            apply_errors(form, error.errors, {"region_id": "region", "alias": "aliases"})
        else:
            db.session.commit()
            flash(_("Instansi %(name)s diperbarui.", name=agency.short_name), "info")
            return redirect(url_for("admin_agencies.index", q=agency.short_name))
    agency = db.get_or_404(Agency, agency_id)
    return render_template("admin/agencies/form.html", form=form, agency=agency), 422


@admin_bp.route("/merge", methods=["GET", "POST"])
def merge() -> Page:
    """Merge a duplicate agency into the one that stays."""
    form = MergeForm()
    if request.method == "GET":
        form.duplicate.data = request.args.get("duplicate", "")
        form.survivor.data = request.args.get("survivor", "")
    elif form.validate_on_submit():
        errors: dict[str, str] = {}
        found: dict[str, Agency] = {}
        for key in ("survivor", "duplicate"):
            try:
                found[key] = resolve_agency(getattr(form, key).data, catalogue_too=False)
            except ValidationError as error:
                errors[key] = next(iter(error.errors.values()))
        try:
            if errors:
                raise ValidationError(errors)
            operations.merge_agencies(found["survivor"], found["duplicate"], current_user)
        except ValidationError as error:
            db.session.rollback()
            apply_errors(form, error.errors)
        else:
            survivor = found["survivor"]
            db.session.commit()
            flash(
                _(
                    "%(duplicate)s digabungkan ke %(survivor)s.",
                    duplicate=form.duplicate.data,
                    survivor=survivor.short_name,
                ),
                "info",
            )
            return redirect(url_for("admin_agencies.index", q=survivor.short_name))
    status = 422 if form.is_submitted() else 200
    return render_template(
        "admin/agencies/merge.html", form=form, agencies=agency_options()
    ), status
