"""The evaluation pages (victims, pathway, measures, departments): read-only, audited."""

import re
from datetime import date

from flask import Blueprint, abort, render_template, request
from flask_login import current_user, login_required

from forms.htcds import PLACE_CHOICES, PLACE_CODES
from models import DEPARTMENT_CODES
from workflows import clock
from workflows.evaluation.figures import GRAINS, Filters
from workflows.evaluation.pages import PAGES, page_figures, suppress

from .. import access
from ..evaluation_tables import PAGE_TITLES, TABLES, cell

bp = Blueprint("evaluation", __name__, url_prefix="/evaluation")
MONTH = re.compile(r"^(\d{4})-(\d{2})$")


def parse_month(text: str | None) -> date | None:
    """ "2026-03" as its first day; None for nothing; 400 for anything else."""
    if not text:
        return None
    found = MONTH.match(text)
    if not found or not 1 <= int(found[2]) <= 12 or not 2000 <= int(found[1]) <= 2100:
        abort(400)
    return date(int(found[1]), int(found[2]), 1)


FILTER_ARGS = ("start", "end", "region", "department", "grain")  # what the audit row keeps


def parse_filters(args, *, departments: tuple[str, ...] = ()) -> Filters:
    """The period, region, department and grain of a request (400 on nonsense)."""
    region, department = args.get("region", ""), args.get("department", "")
    grain = args.get("grain", "month")
    if (region and region not in PLACE_CODES) or grain not in GRAINS:
        abort(400)
    if department and department not in DEPARTMENT_CODES:
        abort(400)
    if departments and department and department not in departments:
        abort(403)
    start, end = parse_month(args.get("start")), parse_month(args.get("end"))
    if start and end and start > end:
        abort(400)
    return Filters(start, end, region, department, grain, departments)


@bp.route("/")
@login_required
def index():
    """The first evaluation page the user may read."""
    return show("departments" if access.evaluation_rows(current_user) else "victims")


@bp.route("/<page>")
@login_required
def show(page: str):
    """One evaluation page: charts with their tables, under the filters."""
    if page not in PAGES:
        abort(404)
    if not access.may_evaluate(current_user, page):
        access.deny(current_user, "evaluation_refused", None, page=page)
    rows = access.evaluation_rows(current_user)
    filters = parse_filters(request.args, departments=rows)
    suppressed = not access.sees_small_counts(current_user)
    now = clock.now()
    raw = page_figures(page, filters, now, suppressed=False)
    # What a print of the page shows: the suppressed figures, whoever prints it.
    safe = suppress(page, raw)
    figures = safe if suppressed else raw
    filtered = {name: request.args[name] for name in FILTER_ARGS if request.args.get(name)}
    access.audit(current_user, "evaluation_viewed", None, page=page, **filtered)
    return render_template(
        "evaluation/show.html",
        page=page,
        pages=[p for p in PAGES if access.may_evaluate(current_user, p)],
        titles=PAGE_TITLES,
        tables=TABLES[page](figures),
        printed={table.key: table for table in TABLES[page](safe)},
        cell=cell,
        filters=filters,
        args=filtered,
        places=PLACE_CHOICES,
        departments=rows or sorted(DEPARTMENT_CODES),
        grains=GRAINS,
        suppressed=suppressed,
    )
