"""The diagrams: list, edit in the browser modeler, upload, deploy, compare and migrate cases.

Managers only; every look and every change is audited, every refusal too.
"""

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from forms.registry import FORMS, case_fields
from models import DEPARTMENT_CODES, IncidentSource, PathwayVersion, ProcessInstance, db, storable
from workflows import drafts, incidents, migration
from workflows.errors import DiagramInvalid, RuleFailed, WorkflowError
from workflows.measures import MEASURES
from workflows.parsing import MAX_DIAGRAM_BYTES
from workflows.pathways import CASE_PROCESS, latest_version
from workflows.versions import diff_files, diff_views

from ..access import audit, deny, may_edit_diagrams
from ..templating import department_name, measure_title, translated
from .cases import phase_names

bp = Blueprint("diagrams", __name__, url_prefix="/diagrams")
bp.context_processor(phase_names)  # processes by their phase's name


@bp.before_request
@login_required
def _managers_only():
    """Everything here is for managers; anyone else is refused and the refusal audited."""
    if not may_edit_diagrams(current_user):
        deny(current_user, "diagrams_refused", None, path=request.path)


def _problems(problems) -> list[dict]:
    return [
        {"element": p.element, "message": translated(p.message), "severity": p.severity}
        for p in problems
    ]


def _done(action: str, body, **detail):
    """Audit the act, answer."""
    audit(current_user, action, None, **detail)
    return body


def _version(version_id: int) -> PathwayVersion:
    version = db.session.get(PathwayVersion, version_id)
    if version is None:
        abort(404)
    return version


def _known_process(process_id: str) -> bool:
    return (
        process_id in drafts.process_files(latest_version())
        or drafts.get_draft(process_id) is not None
    )


@bp.get("/api/forms")
def api_forms():
    """Every registered form: key, translated title, owning department (code and name)."""
    body = [
        {
            "key": key,
            "title": str(form.title),
            "department": form.department,
            "department_name": department_name(form.department),
        }
        for key, form in FORMS.items()
    ]
    return _done("diagram_forms_listed", jsonify(body))


@bp.get("/api/measures")
def api_measures():
    """The plan's measures (code, title in the user's language, lead and supporting departments)
    and the departments a step may name as lead or supporting."""
    measures = [
        {
            "code": m.code,
            "title": measure_title(m.code),
            "lead": list(m.lead),
            "supporting": list(m.supporting),
        }
        for m in MEASURES
    ]
    departments = [{"code": code, "name": department_name(code)} for code in DEPARTMENT_CODES]
    body = {"measures": measures, "departments": departments}
    return _done("diagram_measures_listed", jsonify(body))


@bp.get("/api/fields")
def api_fields():
    """The known case field names, sorted."""
    return _done("diagram_fields_listed", jsonify(sorted(case_fields())))


@bp.get("/api/<process_id>.bpmn")
def api_xml(process_id):
    """The process's diagram: its draft if asked and one exists, else the deployed file."""
    draft = drafts.get_draft(process_id) if request.args.get("source") == "draft" else None
    if draft is not None:
        xml, source = draft.xml, "draft"
    else:
        version = latest_version()
        filename = drafts.process_files(version).get(process_id)
        if filename is None:
            abort(404)
        xml, source = drafts.version_files(version)[filename], "deployed"
    response = Response(xml, content_type="application/xml; charset=utf-8")
    return _done("diagram_viewed", response, process_id=process_id, source=source)


@bp.post("/api/<process_id>/draft")
def api_save_draft(process_id):
    """Check and save a draft (even with problems); unsafe or broken XML is refused."""
    data = request.stream.read(MAX_DIAGRAM_BYTES + 1)  # bounded: never read a huge body whole
    try:
        problems = drafts.save_draft(process_id, data, current_user)
    except DiagramInvalid as exc:
        db.session.rollback()
        body = jsonify({"saved": False, "problems": _problems(exc.problems)})
        return _done("diagram_draft_refused", (body, 400), process_id=process_id)
    body = jsonify({"saved": True, "problems": _problems(problems)})
    return _done(
        "diagram_draft_saved",
        body,
        process_id=process_id,
        errors=sum(p.severity == "error" for p in problems),
    )


@bp.post("/api/<process_id>/deploy")
def api_deploy(process_id):
    """Deploy the deployed set with this process replaced by its draft (nothing on any error)."""
    body = request.get_json(silent=True)
    comment = str((body if isinstance(body, dict) else {}).get("comment") or "").strip()
    if not comment or not storable(comment):
        message = (
            _("Say why you deploy (a comment is required).")
            if not comment
            else _("The comment holds characters that cannot be stored: type it again.")
        )
        problem = {"element": None, "message": message, "severity": "error"}
        return _done(
            "diagram_deploy_refused",
            (jsonify({"problems": [problem]}), 400),
            process_id=process_id,
            reason="no comment" if not comment else "comment not storable",
        )
    try:
        version = drafts.deploy_draft(process_id, current_user, comment[:500])
    except LookupError:
        abort(404)
    except DiagramInvalid as exc:
        db.session.rollback()
        body = jsonify({"problems": _problems(exc.problems)})
        return _done("diagram_deploy_refused", (body, 422), process_id=process_id)
    return _done(
        "diagram_deployed",
        jsonify({"version": version.id}),
        process_id=process_id,
        version=version.id,
    )


@bp.get("/")
def index():
    """Each process with its deployed version and draft, and the upload form."""
    version = latest_version()
    files, saved = drafts.process_files(version), drafts.drafts()
    processes = sorted(set(files) | set(saved))
    html = render_template(
        "diagrams/index.html", version=version, processes=processes, files=files, drafts=saved
    )
    return _done("diagrams_listed", html)


@bp.get("/<process_id>/edit")
def edit(process_id):
    """The browser modeler on one process."""
    if not _known_process(process_id):
        abort(404)
    html = render_template("modeler/edit.html", process_id=process_id)
    return _done("diagram_edit_opened", html, process_id=process_id)


@bp.post("/upload")
def upload():
    """A .bpmn file saved as its process's draft, checked like one; unsafe files are refused."""
    upload = request.files.get("diagram")
    if upload is None or not (upload.filename or "").lower().endswith(".bpmn"):
        flash(_("Choose a .bpmn file to upload."), "error")
        return redirect(url_for("diagrams.index"))
    data = upload.stream.read(MAX_DIAGRAM_BYTES + 1)
    try:
        process_id, problems = drafts.save_upload(upload.filename, data, current_user)
    except DiagramInvalid as exc:
        db.session.rollback()
        # The flash rides in the session cookie: a hostile file's hundred problems would burst it.
        reasons = "; ".join(translated(p.message) for p in exc.problems[:3])[:300]
        flash(
            _("The file was refused and nothing was stored: %(reasons)s", reasons=reasons), "error"
        )
        return _done("diagram_upload_refused", redirect(url_for("diagrams.index")))
    errors = [p for p in problems if p.severity == "error"]
    if errors:
        flash(
            _(
                "Saved as a draft of %(process)s, with %(count)d problems to fix before it can "
                "be deployed.",
                process=process_id,
                count=len(errors),
            ),
            "error",
        )
    else:
        flash(
            _("Saved as a draft of %(process)s; it can be deployed.", process=process_id), "success"
        )
    return _done("diagram_uploaded", redirect(url_for("diagrams.index")), process_id=process_id)


@bp.get("/versions")
def versions():
    """Every deployed version: when, by whom, why."""
    rows = db.session.scalars(
        select(PathwayVersion).filter_by(process_id=CASE_PROCESS).order_by(PathwayVersion.id.desc())
    ).all()
    html = render_template("diagrams/versions.html", versions=rows)
    return _done("diagram_versions_listed", html)


@bp.get("/versions/<int:version_id>/<process_id>.bpmn")
def download(version_id, process_id):
    """One process's diagram as it was in a version."""
    version = _version(version_id)
    filename = drafts.process_files(version).get(process_id)
    if filename is None:
        abort(404)
    response = Response(drafts.version_files(version)[filename], content_type="application/xml")
    response.headers["Content-Disposition"] = f'attachment; filename="{process_id}.bpmn"'
    return _done("diagram_downloaded", response, version=version_id, process_id=process_id)


@bp.get("/versions/<int:old_id>/diff/<int:new_id>")
def diff(old_id, new_id):
    """What changed between two versions, element by element."""
    old, new = _version(old_id), _version(new_id)
    old_files, new_files = drafts.version_files(old), drafts.version_files(new)
    changes = diff_files(old_files, new_files)
    views = diff_views(old_files, new_files, changes)
    html = render_template("diagrams/diff.html", old=old, new=new, changes=changes, views=views)
    return _done("diagram_versions_compared", html, old=old_id, new=new_id)


@bp.get("/versions/<int:version_id>/migrate")
def migrate_preview(version_id):
    """Dry run: every running case on an older version and where its ready tasks would land."""
    version = _version(version_id)
    plans = migration.dry_run(version)
    html = render_template("diagrams/migrate.html", version=version, plans=plans)
    return _done("diagram_migration_previewed", html, version=version_id)


@bp.post("/versions/<int:version_id>/migrate")
def migrate(version_id):
    """Move the chosen cases (or every clean one), each in its own savepoint."""
    version = _version(version_id)
    plans = {plan.instance_id: plan for plan in migration.dry_run(version)}
    if request.form.get("all_clean"):
        chosen = [pid for pid, plan in plans.items() if plan.clean]
    else:
        chosen = [int(i) for i in request.form.getlist("instance") if i.isdigit()]
    moved, refused = _migrate_each(version, [i for i in chosen if i in plans])
    flash(
        _(
            "%(moved)d cases moved to version %(version)d; %(refused)d left as they were.",
            moved=len(moved),
            version=version.id,
            refused=len(refused),
        ),
        "success" if not refused else "error",
    )
    audit(
        current_user,
        "diagram_cases_migrated",
        None,
        version=version.id,
        moved=moved,
        refused=refused,
    )
    return redirect(url_for("diagrams.migrate_preview", version_id=version.id))


def _migrate_each(version, instance_ids):
    moved, refused = [], []
    for instance_id in instance_ids:
        savepoint = db.session.begin_nested()
        try:
            migration.migrate_instance(instance_id, version, current_user)
        except RuleFailed as failure:  # the case stays as it was; a manager sees why
            savepoint.rollback()
            case_id = db.session.get(ProcessInstance, instance_id).case_id
            incidents.report(failure, IncidentSource.MIGRATION, actor=current_user, case_id=case_id)
            refused.append(instance_id)
        except WorkflowError:  # a case that cannot move stays exactly as it was
            savepoint.rollback()
            refused.append(instance_id)
        else:
            savepoint.commit()
            moved.append(instance_id)
    return moved, refused
