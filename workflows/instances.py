"""One unit of work on a case's workflow: lock, load, change, advance, save, sync rows, timeline."""

import hashlib
import threading
from collections import OrderedDict
from contextlib import ExitStack
from datetime import UTC, datetime

from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition
from SpiffWorkflow.bpmn.specs.mixins.multiinstance_task import StandardLoopTask
from SpiffWorkflow.util.task import TaskState

from models import Case, CaseStatus, EventType, HumanTask, ProcessInstance, db

from . import timeline
from .errors import RuleFailed
from .evaluation.counters import batched
from .failures import reported, rule_failed
from .locks import lock_with_case
from .pathways import pathway
from .routing import is_user_task, ready_user_tasks, sync_tasks
from .serialization import dump_state, is_lean, load_state, unstorable_task


class _RecentlySaved:
    """Workflows this process saved, by instance and a digest of the saved state.

    A load whose stored state has the same digest takes the live object instead of
    deserializing it again. Keyed by content, a rolled-back save or another process's write
    never matches a stale object; an entry is taken out on use, since the caller changes it.
    """

    def __init__(self, size: int = 128):
        self.size, self.entries, self.lock = size, OrderedDict(), threading.Lock()

    @staticmethod
    def key(instance_id: int, state: str):
        return instance_id, hashlib.blake2b(state.encode(), digest_size=16).digest()

    def take(self, instance_id: int, state: str):
        with self.lock:
            return self.entries.pop(self.key(instance_id, state), None)

    def put(self, instance_id: int, state: str, workflow) -> None:
        with self.lock:
            self.entries[self.key(instance_id, state)] = workflow
            while len(self.entries) > self.size:
                self.entries.popitem(last=False)


_recent = _RecentlySaved()


def load(instance: ProcessInstance, whole=True):
    """The instance's workflow and the pathway version it runs on; not `whole`: lean, for a
    step that only runs what is live (see workflows.serialization)."""
    version = pathway(instance.pathway_version)
    workflow = _recent.take(instance.id, instance.state)
    if workflow is None or (whole and is_lean(workflow)):
        workflow = load_state(instance.state, version.specs, whole)
    return workflow, version


def advance(workflow, refresh_timers=False) -> tuple[list, list]:
    """Run engine steps, fail with RuleFailed on an error state, drop finished loop rounds.

    Returns the timer events that fired on the way (a due timer fires inside any step) and the
    ready user tasks after it, both from one walk of the task tree.
    """
    done = {t.id for t in _every_task(workflow) if t.state == TaskState.COMPLETED and _is_timer(t)}
    with reported(workflow):
        if refresh_timers:
            workflow.refresh_timers()
        workflow.do_engine_steps()
    tasks = workflow.get_tasks()
    errors = _live(workflow, [t for t in tasks if t.state == TaskState.ERROR])
    if errors:
        raise rule_failed(errors[0], None, "the workflow stopped with an error")
    fired = [
        t for t in tasks if t.state == TaskState.COMPLETED and _is_timer(t) and t.id not in done
    ]
    ready = _live(workflow, [t for t in tasks if t.state == TaskState.READY and is_user_task(t)])
    _drop_finished_rounds(workflow, [t for t in tasks if isinstance(t.task_spec, StandardLoopTask)])
    return fired, ready


def _every_task(workflow):
    """Every task of the workflow and its called processes, in no order (no tree walk)."""
    yield from workflow.tasks.values()
    for process in workflow.subprocesses.values():
        yield from process.tasks.values()


def _live(workflow, tasks: list) -> list:
    """The tasks outside finished called processes (what get_tasks(state=...) would return)."""
    return [t for t in tasks if not _in_finished_process(workflow, t)]


def _in_finished_process(workflow, task) -> bool:
    process = task.workflow
    while process is not workflow:
        caller = workflow.get_task_from_id(process.parent_task_id)
        if caller.state & TaskState.FINISHED_MASK:
            return True
        process = caller.workflow
    return False


def _is_timer(task) -> bool:
    return isinstance(getattr(task.task_spec, "event_definition", None), TimerEventDefinition)


def _drop_finished_rounds(workflow, loops: list) -> None:
    """Forget finished rounds of loops: their called processes and their task entries.

    SpiffWorkflow keeps every finished round, and its task walker loses one level of depth per
    round, stalling silently near round 1,000; the state would also grow with every round.
    The timeline already holds each round's data, and the loop task keeps the round count.
    Only rounds go: the loop's other child is the path after it (a loop inside a called
    process goes on there), and a round that is its process's last task is kept to restore it.
    """
    for loop in loops:
        rounds = [c for c in loop.children if c.task_spec.name == loop.task_spec.task_spec]
        for round_task in rounds:
            last = round_task is round_task.workflow.last_task
            if round_task.state != TaskState.COMPLETED or last:
                continue
            if round_task.id in workflow.subprocesses:
                workflow.delete_subprocess(round_task)
            loop._children.remove(round_task.id)
            del round_task.workflow.tasks[round_task.id]


def next_timer_at(workflow) -> datetime | None:
    """The earliest due time among the workflow's waiting timers."""
    times = []
    for event in workflow.waiting_events():
        value = event.value
        if isinstance(value, dict):  # cycle timers keep {'cycles': n, 'next': iso}
            value = value.get("next")
        if isinstance(value, str):
            times.append(datetime.fromisoformat(value).astimezone(UTC))
    return min(times, default=None)


def save(instance: ProcessInstance, workflow) -> None:
    """Write the workflow back into its row (the version column guards the write); a value a
    script left that the state cannot hold (`range(3)`, a generator) is that script's failure."""
    try:
        instance.state = dump_state(workflow)
    except (TypeError, ValueError, OverflowError) as error:
        task = unstorable_task(workflow)
        if task is None:
            raise
        script = getattr(task.task_spec, "script", None)
        raise rule_failed(task, script, type(error).__name__) from None
    instance.completed = workflow.is_completed()
    instance.next_timer_at = next_timer_at(workflow)
    db.session.flush()
    _recent.put(instance.id, instance.state, workflow)


class Step:
    """One change to a case's running workflow, as a context manager around the change.

    On entry the caller holds the instance row (locked, or new); inside it runs, cancels or
    migrates `step.workflow` and calls `advance()`; a clean exit saves the workflow, syncs the
    task rows and writes the timeline of what became ready, moved or closed. An exception
    leaves everything unsaved for the caller's rollback. The workflow is loaded lean unless
    the step is `whole` (one that changes finished called processes too, as a migration does).
    """

    def __init__(
        self,
        row: ProcessInstance,
        actor=None,
        handed_from=None,
        *,
        workflow=None,
        case=None,
        whole=False,
    ):
        """`workflow` and `case` when the caller already holds them (a new case, a lock)."""
        self.row, self.actor, self.handed_from = row, actor, handed_from
        self.case = case or db.session.get(Case, row.case_id)
        self._workflow, self.whole = workflow, whole
        self._ready = None  # the ready user tasks advance() saw, for finish()

    @classmethod
    def locked(cls, instance_id: int, actor=None, handed_from=None, whole=False) -> "Step":
        """A step on the instance row, locked for this transaction."""
        row, case = lock_with_case(instance_id)
        return cls(row, actor, handed_from, case=case, whole=whole)

    @property
    def workflow(self):
        """The instance's workflow, loaded on first use."""
        if self._workflow is None:
            self._workflow, _ = load(self.row, self.whole)
        return self._workflow

    def advance(self, refresh_timers=False) -> list:
        """Run the engine steps that follow the change; returns (and records) timers fired."""
        fired, self._ready = advance(self.workflow, refresh_timers)
        for task in fired:
            timeline.record(
                self.case,
                EventType.TIMER_FIRED,
                element=task.task_spec.bpmn_id,
                name=task.task_spec.bpmn_name,
                process=task.workflow.spec.name,
            )
        return fired

    def restart(self, version, workflow) -> None:
        """Run the case on `workflow`, a fresh one of `version`, from now on (a re-opening)."""
        self.row.pathway_version, self._workflow = version, workflow

    def close(self, reason: str) -> None:
        """Mark the case closed, with why on its timeline."""
        self.case.status = CaseStatus.CLOSED
        self.case.closed_at = datetime.now(UTC)
        timeline.record(self.case, EventType.CASE_CLOSED, actor=self.actor, reason=reason)

    def __enter__(self) -> "Step":
        # The roll-ups of the step's timeline, summed and written once, after its own rows.
        self._roll_ups = ExitStack()
        self._roll_ups.enter_context(batched())
        return self

    def __exit__(self, error_type, error, traceback) -> None:
        if error_type is None:
            try:
                with self._roll_ups:  # a failing finish drops the sums with the rest
                    self.finish()
            except RuleFailed as failure:  # saving what a rule left
                self._blame(failure)
                raise
            return
        self._roll_ups.__exit__(error_type, error, traceback)  # drops them
        if isinstance(error, RuleFailed):
            self._blame(error)

    def _blame(self, failure: RuleFailed) -> None:
        """The incident names the version the rule ran on (set even on a new row)."""
        failure.pathway_version_id = self.row.pathway_version.id

    def finish(self) -> list[HumanTask]:
        """Save the workflow, sync the task rows and record what follows; returns new rows."""
        save(self.row, self.workflow)
        ready = self._ready if self._ready is not None else ready_user_tasks(self.workflow)
        new_tasks = sync_tasks(self.row, ready, pathway(self.row.pathway_version))
        self._announce(new_tasks)
        if self.row.completed and self.case.status == CaseStatus.OPEN:
            self.close("pathway completed")
        db.session.flush()
        return new_tasks

    def _announce(self, new_tasks: list[HumanTask]) -> None:
        """A task_ready event per new row, and a hand-over to each department it brings in."""
        for row in new_tasks:
            timeline.record(
                self.case,
                EventType.TASK_READY,
                department=row.department,
                task=row,
                step=row.name,
                form_key=row.form_key,
            )
        source = self.handed_from
        receivers = {row.department.code: row.department for row in new_tasks}
        for code, department in sorted(receivers.items()):
            if source is None or code != source.code:
                timeline.record(
                    self.case,
                    EventType.CASE_HANDED_OVER,
                    actor=self.actor,
                    department=department,
                    source=source.code if source else None,
                    to=code,
                )
