"""Diagram drafts: one process's edited XML, checked with the deployed rest, then deployed."""

import re

from sqlalchemy import select

from models import DEPARTMENT_CODES, DiagramDraft, PathwayVersion, db

from .checks import check_files
from .errors import N_, DiagramInvalid, Problem
from .lint import lint
from .parsing import read_xml
from .pathways import BPMN_NS, CASE_PROCESS, TOP_PROCESSES, deploy, latest_version, pathway

# What a process id may be here: an XML name (BPMN's), ASCII, and one its column holds.
PROCESS_ID = re.compile(r"[A-Za-z_][A-Za-z0-9_.-]{0,99}")


def version_files(version: PathwayVersion) -> dict[str, bytes]:
    """A deployed version's diagrams, by file name."""
    return {d.filename: d.xml.encode("utf-8") for d in version.diagrams}


def process_files(version: PathwayVersion) -> dict[str, str]:
    """The file of each process in a deployed version, by process id."""
    return {pid: d.filename for d in version.diagrams for pid in d.process_id.split(",") if pid}


def get_draft(process_id: str) -> DiagramDraft | None:
    """The saved draft of a process, if any."""
    return db.session.scalar(select(DiagramDraft).filter_by(process_id=process_id))


def drafts() -> dict[str, DiagramDraft]:
    """Every saved draft, by process id."""
    return {d.process_id: d for d in db.session.scalars(select(DiagramDraft))}


def process_ids(data: bytes, filename: str) -> list[str]:
    """The ids of the processes a diagram defines (raises DiagramInvalid if it is unsafe)."""
    root = read_xml(data, filename).getroot()
    return [p.get("id") for p in root.iter(f"{{{BPMN_NS}}}process")]


def _files_with(process_id: str, data: bytes) -> tuple[dict[str, bytes], str]:
    """The latest deployed files with the process's file replaced by `data`; and its name."""
    version = latest_version()
    files = version_files(version)
    filename = process_files(version).get(process_id, f"{process_id}.bpmn")
    return {**files, filename: data}, filename


def check_draft(process_id: str, data: bytes) -> list[Problem]:
    """The checks of `flask workflows check` on the draft with the other deployed diagrams,
    then bpmnlint's warnings (which never block a deployment)."""
    files, filename = _files_with(process_id, data)
    problems = check_files(files, DEPARTMENT_CODES)
    if process_id not in process_ids(data, filename):
        problems.append(
            Problem(
                filename, None, N_("the diagram defines no process %(process)r"), process=process_id
            )
        )
    return problems + lint(data, filename)


def save_draft(process_id: str, data: bytes, actor) -> list[Problem]:
    """Store the draft (problems and all) and return its problems.

    Raises DiagramInvalid, storing nothing, when the XML is unsafe, too large or not well-formed,
    or the process id is no name a diagram can have.
    """
    if not PROCESS_ID.fullmatch(process_id):
        rule = N_("a process id is 1 to 100 letters, digits, _ . or -, starting with a letter or _")
        raise DiagramInvalid([Problem(f"{process_id[:100]}.bpmn", None, rule)])
    _, filename = _files_with(process_id, data)
    read_xml(data, filename)
    try:
        xml = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise DiagramInvalid([Problem(filename, None, N_("the file must be UTF-8"))]) from exc
    problems = check_draft(process_id, data)
    draft = get_draft(process_id)
    if draft is None:
        draft = DiagramDraft(process_id=process_id, filename=filename)
        db.session.add(draft)
    draft.xml = xml
    draft.updated_by_id = actor.id if actor is not None else None
    db.session.flush()
    return problems


def save_upload(filename: str, data: bytes, actor) -> tuple[str, list[Problem]]:
    """An uploaded file defining exactly one process, saved as that process's draft."""
    ids = process_ids(data, filename)
    if len(ids) != 1:
        problem = Problem(filename, None, N_("the file must define exactly one process"))
        raise DiagramInvalid([problem])
    return ids[0], save_draft(ids[0], data, actor)


def deploy_draft(process_id: str, actor, comment: str) -> PathwayVersion:
    """Deploy the latest version with this process replaced by its draft; drop the draft.

    Raises DiagramInvalid (nothing deployed) when the draft or the set has any error. Every
    pathway running the process gets a new version; the first (the case's, if it runs it).
    """
    draft = get_draft(process_id)
    if draft is None:
        raise LookupError(f"no draft of {process_id!r}")
    data = draft.xml.encode("utf-8")
    files, _ = _files_with(process_id, data)
    errors = [p for p in check_draft(process_id, data) if p.severity == "error"]
    if errors:
        raise DiagramInvalid(errors)
    versions = [
        deploy(files, DEPARTMENT_CODES, actor=actor, comment=comment, process_id=top)
        for top in _running(process_id)
    ]
    db.session.delete(draft)
    db.session.flush()
    return versions[0]


def _running(process_id: str) -> list[str]:
    """The top processes whose latest version runs this process, itself or as a called one
    (`follow_up` runs in the case's pathway and a received case's): each gets the new version;
    a process nobody runs yet, the case's."""
    tops = []
    for top in TOP_PROCESSES:
        try:
            latest = latest_version(top)
        except LookupError:  # a pathway never deployed runs nothing
            continue
        if top == process_id or process_id in pathway(latest).subprocess_specs:
            tops.append(top)
    return tops or [CASE_PROCESS]
