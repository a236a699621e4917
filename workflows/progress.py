"""How far a case has come: marks for its diagrams and how long each phase took.

Pure reads of the database (and, while a timer waits, of the saved workflow state); the web
layer turns the results into a drawn diagram and a timeline.
"""

from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache

from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import func, select

from models import Case, EventType, HumanTask, ProcessInstance, TaskStatus, TimelineEvent, db

from .instances import load
from .parsing import read_xml
from .pathways import BPMN_NS, CASE_PROCESS

COMPLETED, CURRENT, WAITING = "completed", "current", "waiting"


@dataclass(frozen=True)
class Phase:
    """A process called by the top `case` process: its id, call activity and (English) name."""

    process_id: str
    element_id: str
    name: str


@dataclass(frozen=True)
class PhaseSpan:
    """When a phase's first task became ready and its last task was completed (None: running)."""

    process_id: str
    started_at: datetime
    finished_at: datetime | None

    @property
    def duration(self):
        """How long the phase took, or None while it runs."""
        return self.finished_at - self.started_at if self.finished_at else None


def instance_of(case: Case) -> ProcessInstance:
    """The process instance a case runs on."""
    return db.session.scalars(select(ProcessInstance).filter_by(case_id=case.id)).one()


def diagrams_by_process(instance: ProcessInstance) -> dict[str, str]:
    """The BPMN XML of every process of the instance's pathway version, by process id."""
    xml = {}
    for diagram in instance.pathway_version.diagrams:
        for process_id in diagram.process_id.split(","):
            xml[process_id] = diagram.xml
    return xml


def phases(instance: ProcessInstance) -> list[Phase]:
    """The call activities of the top process, in diagram order."""
    return list(_phases(diagrams_by_process(instance).get(CASE_PROCESS, "")))


@lru_cache(maxsize=16)
def _phases(xml: str) -> tuple[Phase, ...]:
    if not xml:
        return ()
    root = read_xml(xml.encode("utf-8"), f"{CASE_PROCESS}.bpmn").getroot()
    process = next(p for p in root.iter(f"{{{BPMN_NS}}}process") if p.get("id") == CASE_PROCESS)
    return tuple(
        Phase(call.get("calledElement"), call.get("id"), call.get("name") or call.get("id"))
        for call in process.iter(f"{{{BPMN_NS}}}callActivity")
    )


def case_progress(case: Case) -> dict[str, dict[str, str]]:
    """Marks by process id and element id: completed, current (ready) or waiting (timers)."""
    instance = instance_of(case)
    marks: dict[str, dict[str, str]] = {}
    tasks = db.session.execute(
        select(HumanTask.process_id, HumanTask.bpmn_id, HumanTask.status)
        .where(HumanTask.case_id == case.id, HumanTask.status != TaskStatus.CANCELLED)
    ).all()
    for process_id, bpmn_id, status in tasks:
        elements = marks.setdefault(process_id, {})
        if status == TaskStatus.READY or elements.get(bpmn_id) != CURRENT:
            elements[bpmn_id] = CURRENT if status == TaskStatus.READY else COMPLETED
    for process_id, bpmn_id in waiting_timers(instance):
        marks.setdefault(process_id, {})[bpmn_id] = WAITING
    marks[CASE_PROCESS] = {
        phase.element_id: state for phase in phases(instance)
        if (state := _phase_state(marks.get(phase.process_id, {})))
    }
    return marks


def _phase_state(elements: dict[str, str]) -> str | None:
    states = set(elements.values())
    for state in (CURRENT, WAITING, COMPLETED):
        if state in states:
            return state
    return None


def waiting_timers(instance: ProcessInstance) -> list[tuple[str, str]]:
    """(process id, element id) of the timers the instance waits on (none without a due time)."""
    if instance.next_timer_at is None or instance.completed:
        return []
    workflow, _ = load(instance)
    return [
        (task.workflow.spec.name, task.task_spec.bpmn_id)
        for task in workflow.get_tasks(state=TaskState.WAITING)
        if isinstance(getattr(task.task_spec, "event_definition", None), TimerEventDefinition)
    ]


def phase_spans(case: Case, marks: dict[str, dict[str, str]]) -> list[PhaseSpan]:
    """Each phase's first task_ready and last task_completed; running phases have no end."""
    rows = db.session.execute(
        select(HumanTask.process_id, TimelineEvent.event_type,
               func.min(TimelineEvent.created_at), func.max(TimelineEvent.created_at))
        .join(HumanTask, HumanTask.id == TimelineEvent.task_id)
        .where(TimelineEvent.case_id == case.id,
               TimelineEvent.event_type.in_((EventType.TASK_READY, EventType.TASK_COMPLETED)))
        .group_by(HumanTask.process_id, TimelineEvent.event_type)
    ).all()
    started = {pid: first for pid, kind, first, _ in rows if kind == EventType.TASK_READY}
    finished = {pid: last for pid, kind, _, last in rows if kind == EventType.TASK_COMPLETED}
    running = {pid for pid, elements in marks.items()
               if {CURRENT, WAITING} & set(elements.values())}
    spans = [
        PhaseSpan(pid, start, None if pid in running else finished.get(pid))
        for pid, start in started.items()
    ]
    return sorted(spans, key=lambda span: span.started_at)
