"""Deployed pathway versions: diagrams stored once by hash, specs parsed once per version."""

import hashlib
import json
from dataclasses import dataclass

from sqlalchemy import select

from models import DEPARTMENT_CODES, DiagramVersion, PathwayVersion, db

from .checks import check_files
from .errors import DiagramInvalid
from .parsing import build_specs, diagram_files, read_xml
from .serialization import dump_specs, load_specs

CAMUNDA_NS = "http://camunda.org/schema/1.0/bpmn"
BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"
CASE_PROCESS = "case"
# The pathway of a victim another province handed over: it starts at the return home.
RECEIVED_PROCESS = "received"
TOP_PROCESSES = (CASE_PROCESS, RECEIVED_PROCESS)


@dataclass(frozen=True)
class Pathway:
    """A version's parsed specs and each user task's due period, by (process id, element id)."""

    spec: object
    subprocess_specs: dict
    due_periods: dict

    @property
    def specs(self):
        """The pair SpiffWorkflow's workflow constructor takes."""
        return self.spec, self.subprocess_specs


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _due_periods(files: dict[str, bytes]) -> dict[str, str]:
    """`camunda:dueDate` of every user task (no SpiffWorkflow parser reads it)."""
    due = {}
    for filename, data in files.items():
        for process in read_xml(data, filename).getroot().iter(f"{{{BPMN_NS}}}process"):
            for task in process.iter(f"{{{BPMN_NS}}}userTask"):
                period = task.get(f"{{{CAMUNDA_NS}}}dueDate")
                if period:
                    due[f"{process.get('id')}/{task.get('id')}"] = period.strip().strip("\"'")
    return due


def _process_ids(data: bytes, filename: str) -> list[str]:
    root = read_xml(data, filename).getroot()
    return [p.get("id") for p in root.iter(f"{{{BPMN_NS}}}process")]


def deploy(files: dict[str, bytes], departments, actor=None, comment="", process_id=CASE_PROCESS):
    """Check the diagrams and store them as a new version (or return the identical one)."""
    problems = [p for p in check_files(files, departments) if p.severity == "error"]
    if problems:
        raise DiagramInvalid(problems)
    digest = _sha256(b"".join(_sha256(files[name]).encode() for name in sorted(files)))
    if process_id != CASE_PROCESS:  # the same files, another top process: another version
        digest = _sha256(f"{process_id}:{digest}".encode())
    existing = db.session.scalar(select(PathwayVersion).filter_by(content_hash=digest))
    if existing is not None:
        return existing
    spec, subprocess_specs = build_specs(files, process_id)
    payload = json.loads(dump_specs(spec, subprocess_specs))
    payload["due_periods"] = _due_periods(files)
    version = PathwayVersion(
        process_id=process_id,
        content_hash=digest,
        spec_json=json.dumps(payload),
        comment=comment,
        deployed_by_id=actor.id if actor is not None else None,
    )
    for filename, data in sorted(files.items()):
        version.diagrams.append(_diagram_version(filename, data))
    db.session.add(version)
    db.session.flush()
    return version


def deploy_shipped(actor=None, comment="diagrams shipped with the app") -> PathwayVersion:
    """Deploy the diagrams in workflows/diagrams for every top process; the case's version
    (the identical one if unchanged)."""
    files = diagram_files()
    versions = [
        deploy(files, DEPARTMENT_CODES, actor=actor, comment=comment, process_id=process_id)
        for process_id in TOP_PROCESSES
    ]
    return versions[0]


def _diagram_version(filename: str, data: bytes) -> DiagramVersion:
    digest = _sha256(data)
    stored = db.session.scalar(select(DiagramVersion).filter_by(content_hash=digest))
    if stored is None:
        stored = DiagramVersion(
            content_hash=digest,
            filename=filename,
            process_id=",".join(_process_ids(data, filename)),
            xml=data.decode("utf-8"),
        )
        db.session.add(stored)
    return stored


def latest_version(process_id: str = CASE_PROCESS) -> PathwayVersion:
    """The newest deployed version of a top-level process."""
    version = db.session.scalar(
        select(PathwayVersion)
        .filter_by(process_id=process_id)
        .order_by(PathwayVersion.id.desc())
        .limit(1)
    )
    if version is None:
        raise LookupError(f"no version of {process_id!r} is deployed")
    return version


_PARSED: dict[str, Pathway] = {}


def pathway(version: PathwayVersion) -> Pathway:
    """The parsed specs of a stored version, cached per process by its content hash.

    The hash names the diagrams' content, so a cached entry is never stale; the (deferred)
    spec JSON is read from the database only on a miss.
    """
    parsed = _PARSED.get(version.content_hash)
    if parsed is None:
        spec, subprocess_specs = load_specs(version.spec_json)
        due = json.loads(version.spec_json)["due_periods"]
        parsed = _PARSED.setdefault(version.content_hash, Pathway(spec, subprocess_specs, due))
    return parsed
