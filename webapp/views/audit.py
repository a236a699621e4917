"""The admin audit viewer: who read or changed which file, filtered, paged, exported as CSV.

The CSV carries the case number and never victim data: an audit row's detail may hold
form keys or search terms, so it is left out of the export.
"""

import csv
import io
from datetime import UTC, datetime, time, timedelta

from flask import Blueprint, Response, abort, render_template, request, stream_with_context
from flask_login import current_user, login_required
from sqlalchemy import select

from models import AuditEvent, Case, Role, User, db

from ..access import audit, deny
from ..request_checks import plausible_day, whole_number

bp = Blueprint("audit", __name__, url_prefix="/audit")
PAGE_SIZE = 50
CSV_BATCH = 500
CSV_HEADER = ["id", "when_utc", "username", "action", "case_number", "allowed"]


@bp.before_request
@login_required
def _admins_only():
    """Only admins read the audit log; anyone else is refused and the refusal audited."""
    if not current_user.has_role(Role.ADMIN):
        deny(current_user, "audit_refused", None, path=request.path)


def _day(name: str, end: bool = False) -> datetime | None:
    text = request.args.get(name, "").strip()
    if not text:
        return None
    try:
        day = plausible_day(text)
    except ValueError:
        abort(400)
    return datetime.combine(day + timedelta(days=end), time(), UTC)


def _conditions() -> list:
    """The filters of the query string as SQL conditions (a bad date is a 400)."""
    args, found = request.args, []
    if args.get("who"):
        found.append(AuditEvent.actor.has(User.username == args["who"].strip()))
    if args.get("case"):
        found.append(AuditEvent.case_id.in_(select(Case.id).filter_by(number=args["case"].strip())))
    if args.get("action"):
        found.append(AuditEvent.action == args["action"].strip())
    if args.get("allowed") in ("yes", "no"):
        found.append(AuditEvent.allowed.is_(args["allowed"] == "yes"))
    since, until = _day("since"), _day("until", end=True)
    if since:
        found.append(AuditEvent.created_at >= since)
    if until:
        found.append(AuditEvent.created_at < until)
    return found


@bp.get("/")
def index():
    """One page of audit rows, newest first, with the filters applied."""
    page = max(request.args.get("page", 1, type=whole_number), 1)
    query = select(AuditEvent).where(*_conditions()).order_by(AuditEvent.id.desc())
    rows = db.session.scalars(query.offset((page - 1) * PAGE_SIZE).limit(PAGE_SIZE + 1)).all()
    html = render_template(
        "audit/index.html",
        rows=rows[:PAGE_SIZE],
        page=page,
        more=len(rows) > PAGE_SIZE,
        args=request.args,
    )
    audit(current_user, "audit_viewed", None, page=page)
    return html


def _csv_lines(conditions):
    """The CSV, written and yielded in batches so a large log never sits in memory."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_HEADER)
    last_id = None
    while True:
        query = select(AuditEvent, User.username, Case.number).where(*conditions)
        query = query.outerjoin(User, User.id == AuditEvent.actor_id)
        query = query.outerjoin(Case, Case.id == AuditEvent.case_id)
        if last_id is not None:
            query = query.where(AuditEvent.id < last_id)
        batch = db.session.execute(query.order_by(AuditEvent.id.desc()).limit(CSV_BATCH)).all()
        for row, username, number in batch:
            writer.writerow(
                [
                    row.id,
                    row.created_at.isoformat(),
                    username or "",
                    row.action,
                    number or "",
                    "yes" if row.allowed else "no",
                ]
            )
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        if len(batch) < CSV_BATCH:
            return
        last_id = batch[-1][0].id


@bp.get("/export.csv")
def export():
    """The filtered audit rows as CSV, streamed."""
    conditions = _conditions()
    audit(current_user, "audit_exported", None)
    db.session.commit()  # the stream outlives the request's commit point
    headers = {"Content-Disposition": "attachment; filename=audit.csv"}
    body = stream_with_context(_csv_lines(conditions))
    return Response(body, mimetype="text/csv", headers=headers)
