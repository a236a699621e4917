"""Moving running cases to a newer pathway version, shown first and done only when clean.

SpiffWorkflow aligns elements whose ids changed by structure, so a deleted ready task can
silently become its replacement: a case is "clean" only when every ready task keeps its id,
form and lane, and every waiting timer its id and kind, and the new version changes nothing
behind the case's tokens that a join ahead would wait for (workflows.stranding); anything
else is "ambiguous" and is never moved. SpiffWorkflow's migration resets waiting tasks,
restarting their timers: the move puts each timer's due time back, so it fires when it would
have (a changed timer expression applies to timers started after the move).
"""

from dataclasses import dataclass, field

from SpiffWorkflow.bpmn.serializer.workflow import BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition
from SpiffWorkflow.bpmn.util.diff import SpecDiff, WorkflowDiff, migrate_workflow
from SpiffWorkflow.camunda.serializer.config import CAMUNDA_CONFIG
from SpiffWorkflow.exceptions import SpiffWorkflowException
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import select

from models import Case, EventType, HumanTask, PathwayVersion, ProcessInstance, TaskStatus, db

from . import timeline
from .errors import N_, Message, MigrationRefused
from .instances import Step
from .pathways import pathway
from .routing import ready_user_tasks
from .serialization import load_state
from .stranding import behind_problems

_REGISTRY = BpmnWorkflowSerializer.configure(CAMUNDA_CONFIG)


@dataclass
class Landing:
    """Where one ready task would land: its element before and after, and why not if it can't."""

    process_id: str
    element_id: str
    new_element_id: str | None
    reason: Message | None = None
    due: str | None = None


@dataclass
class CasePlan:
    """A running case on an older version and where each of its ready tasks would land."""

    instance_id: int
    case_number: str
    from_version: int
    landings: list[Landing] = field(default_factory=list)
    timers: list[Landing] = field(default_factory=list)
    problems: list[Message] = field(default_factory=list)

    @property
    def clean(self) -> bool:
        """Every ready task and waiting timer maps onto the same element, unchanged in kind."""
        landings = self.landings + self.timers
        return not self.problems and all(landing.reason is None for landing in landings)


def _form_key(spec):
    form = getattr(spec, "form", None)
    return getattr(form, "key", None)


def _aligned(task, diff) -> tuple[Landing, object]:
    """Where a task lands and the new element, or why it cannot land (and None)."""
    old = task.task_spec
    process_id = task.workflow.spec.name
    if diff is None:
        return Landing(
            process_id, old.bpmn_id, None, Message(N_("its process no longer exists"))
        ), None
    new = diff.alignment.get(task)
    if new is None:
        return Landing(process_id, old.bpmn_id, None, Message(N_("its element was removed"))), None
    landing = Landing(process_id, old.bpmn_id, new.bpmn_id)
    if new.bpmn_id != old.bpmn_id:
        landing.reason = Message(N_("its element was matched by structure to another element"))
    return landing, new


def _landing(task, diff) -> Landing:
    landing, new = _aligned(task, diff)
    old = task.task_spec
    if new is None or landing.reason:
        return landing
    if _form_key(new) != _form_key(old):
        landing.reason = Message(
            N_("its form changes from %(old)r to %(new)r"), old=_form_key(old), new=_form_key(new)
        )
    elif new.lane != old.lane:
        landing.reason = Message(
            N_("its lane changes from %(old)r to %(new)r"), old=old.lane, new=new.lane
        )
    return landing


def _timer_landing(task, diff) -> Landing:
    landing, new = _aligned(task, diff)
    landing.due = _due(task)
    kind = type(task.task_spec.event_definition)
    changed = type(getattr(new, "event_definition", None)) is not kind
    if new is not None and not landing.reason and changed:
        landing.reason = Message(N_("its timer changes kind"))
    return landing


def _is_timer(task) -> bool:
    return isinstance(getattr(task.task_spec, "event_definition", None), TimerEventDefinition)


def _due(task) -> str | None:
    """The timer's due time as SpiffWorkflow keeps it (ISO text; cycles keep {'next': …})."""
    value = task.task_spec.event_definition.details(task).value
    return str(value["next"] if isinstance(value, dict) else value) if value else None


def _timer_key(task) -> tuple:
    """A timer by its (called) process and element: what survives SpiffWorkflow's reset."""
    return task.workflow.parent_task_id, task.task_spec.bpmn_id


def waiting_timers(workflow, state=TaskState.WAITING) -> list:
    """The workflow's timer tasks in `state`, called processes included."""
    return [t for t in workflow.get_tasks(state=state) if _is_timer(t)]


def _diff_of(task, workflow, top, subs):
    """The diff of the (called) process the task runs in."""
    return top if task.workflow is workflow else subs.get(task.workflow.parent_task_id)


class SpecDiffs:
    """Spec diffs by (old spec, new spec), made once for a whole dry run rather than per case."""

    def __init__(self):
        self._made = {}

    def __call__(self, old, new) -> SpecDiff:
        """The diff of two process specs."""
        key = id(old), id(new)
        if key not in self._made:  # the specs are kept with it, so their ids stay theirs
            self._made[key] = old, new, SpecDiff(_REGISTRY, old, new)
        return self._made[key][2]


def _diffs(workflow, target, spec_diffs: SpecDiffs):
    """The diff of the workflow and of each called process (None: the target lacks it)."""
    spec, subprocess_specs = pathway(target).specs
    top = WorkflowDiff(workflow, spec_diffs(workflow.spec, spec))
    subs = {
        sp_id: WorkflowDiff(sub, spec_diffs(sub.spec, subprocess_specs[sub.spec.name]))
        if sub.spec.name in subprocess_specs
        else None
        for sp_id, sub in workflow.subprocesses.items()
    }
    return top, subs, spec, subprocess_specs


def _missing_processes(workflow, subprocess_specs) -> list[Message]:
    """A saved case names each called process it ran; one the new version lacks cannot load."""
    gone = {sub.spec.name for sub in workflow.subprocesses.values()} - set(subprocess_specs)
    return [
        Message(N_("the new version has no process %(process)r"), process=name)
        for name in sorted(gone)
    ]


def plan_for(
    instance: ProcessInstance, target: PathwayVersion, spec_diffs: SpecDiffs | None = None
) -> CasePlan:
    """Where the instance's ready tasks would land on `target` (computed on a copy)."""
    spec_diffs = SpecDiffs() if spec_diffs is None else spec_diffs
    workflow = load_state(instance.state, pathway(instance.pathway_version).specs)
    top, subs, spec, subprocess_specs = _diffs(workflow, target, spec_diffs)
    plan = CasePlan(instance.id, _case_number(instance), instance.pathway_version_id)
    plan.problems = _missing_processes(workflow, subprocess_specs)
    plan.problems += behind_problems(spec_diffs, workflow, spec, subprocess_specs)
    for task in ready_user_tasks(workflow):
        plan.landings.append(_landing(task, _diff_of(task, workflow, top, subs)))
    timers = waiting_timers(workflow)
    plan.timers = [_timer_landing(t, _diff_of(t, workflow, top, subs)) for t in timers]
    if len({_timer_key(t) for t in timers}) < len(timers):
        plan.problems.append(
            Message(N_("several timers wait at one element; their due times would mix"))
        )
    return plan


def _case_number(instance: ProcessInstance) -> str:
    return db.session.scalar(select(Case.number).where(Case.id == instance.case_id))


def dry_run(target: PathwayVersion) -> list[CasePlan]:
    """A plan for every running case on a version older than `target`."""
    instances = db.session.scalars(
        select(ProcessInstance)
        .join(PathwayVersion)
        .where(
            ProcessInstance.completed.is_(False),
            PathwayVersion.process_id == target.process_id,
            ProcessInstance.pathway_version_id < target.id,
        )
        .order_by(ProcessInstance.id)
    ).all()
    spec_diffs = SpecDiffs()
    return [plan_for(instance, target, spec_diffs) for instance in instances]


def _carry_rows(instance: ProcessInstance, workflow) -> None:
    """Point the case's ready task rows at the re-created tasks: claims and due dates survive."""
    ready = {
        (t.workflow.spec.name, t.task_spec.bpmn_id): str(t.id) for t in ready_user_tasks(workflow)
    }
    rows = db.session.scalars(
        select(HumanTask).filter_by(instance_id=instance.id, status=TaskStatus.READY)
    )
    for row in rows:
        row.workflow_task_id = ready.get((row.process_id, row.bpmn_id), row.workflow_task_id)
    db.session.flush()


def migrate_instance(instance_id: int, target: PathwayVersion, actor) -> CasePlan:
    """Move one running case to `target` if its plan is clean (raises MigrationRefused if not).

    The caller runs this in a savepoint, so a refusal or failure leaves the case as it was.
    """
    step = Step.locked(instance_id, actor, whole=True)
    plan = plan_for(step.row, target)
    if step.row.pathway_version_id >= target.id or not plan.clean:
        raise MigrationRefused(f"case {plan.case_number} cannot move cleanly")
    from_version = step.row.pathway_version_id
    with step:
        try:
            _migrate(step.workflow, target)
        except SpiffWorkflowException as exc:
            raise MigrationRefused(f"case {plan.case_number} cannot move: {exc}") from exc
        step.advance(refresh_timers=True)  # a timer due meanwhile fires now, not never
        step.row.pathway_version = target
        _carry_rows(step.row, step.workflow)
        timeline.record(
            step.case,
            EventType.DIAGRAM_MIGRATED,
            actor=actor,
            from_version=from_version,
            to_version=target.id,
        )
    return plan


def _migrate(workflow, target: PathwayVersion) -> None:
    """Move the workflow and each of its called processes onto the target's specs, each
    waiting timer keeping its due time."""
    kept = {_timer_key(t): dict(t.internal_data) for t in waiting_timers(workflow)}
    top, subs, spec, subprocess_specs = _diffs(workflow, target, SpecDiffs())
    for sp_id, sub in list(workflow.subprocesses.items()):
        if subs.get(sp_id) is not None:
            migrate_workflow(subs[sp_id], sub, subprocess_specs[sub.spec.name])
    workflow.subprocess_specs = subprocess_specs
    migrate_workflow(top, workflow, spec)
    for task in waiting_timers(workflow, TaskState.NOT_FINISHED_MASK):
        if _timer_key(task) in kept:
            task.internal_data = kept[_timer_key(task)]
