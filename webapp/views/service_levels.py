"""The managers' service-level table: how long each step may take, per victim profile."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from forms.registry import FORMS
from workflows import service_levels
from workflows.errors import ServiceLevelInvalid

from ..access import audit, deny, may_edit_service_levels
from ..request_checks import whole_number

bp = Blueprint("service_levels", __name__, url_prefix="/service-levels")
BAD_LEVEL = _l(
    "Not changed: the period must be an ISO-8601 duration from one minute to a year "
    "(e.g. P3D), the priority a whole number from 0 to 100."
)
BAD_LEVEL = _l(
    "Not changed: the period must be an ISO-8601 duration from one minute to a year "
    "(e.g. P3D), the priority a whole number from 0 to 100."
)


@bp.before_request
@login_required
def _managers_only():
    """Only managers see or change the table; a refusal is audited."""
    if not may_edit_service_levels(current_user):
        deny(current_user, "service_levels_refused", None, path=request.path)


@bp.route("/")
def index():
    """Every step with its rows for children and adults."""
    return render_template(
        "service_levels/index.html",
        form_keys=sorted(FORMS),
        profiles=service_levels.PROFILES,
        table=service_levels.table(),
        defaults=service_levels.DEFAULT_PRIORITY,
    )


@bp.route("/", methods=["POST"])
def change():
    """Set or clear one row (new tasks only); the change is audited with old and new."""
    form_key, profile = request.form.get("form_key", ""), request.form.get("profile", "")
    try:
        if "clear" in request.form:
            old, new = service_levels.clear_level(form_key, profile), None
        else:
            old, new = service_levels.set_level(
                form_key,
                profile,
                request.form.get("due_period", ""),
                request.form.get("priority", type=whole_number),
                actor=current_user,
            )
    except ServiceLevelInvalid:
        flash(str(BAD_LEVEL), "error")
        return index(), 400
    audit(
        current_user,
        "service_level_changed",
        None,
        form_key=form_key,
        profile=profile,
        old=old,
        new=new,
    )
    flash(_("Saved. Tasks that become ready from now on follow it."), "success")
    return redirect(url_for(".index"))
