"""Loading, advancing and saving a case's workflow under a row lock."""

import hashlib
import threading
from collections import OrderedDict
from datetime import UTC, datetime

from SpiffWorkflow.bpmn.specs.mixins.multiinstance_task import StandardLoopTask
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import select

from models import ProcessInstance, db

from .errors import WorkflowStuck
from .pathways import pathway
from .serialization import dump_state, load_state


def lock_instance(instance_id: int) -> ProcessInstance:
    """The instance row, locked for this transaction (FOR UPDATE; SQLite's BEGIN IMMEDIATE)."""
    return db.session.scalars(
        select(ProcessInstance)
        .where(ProcessInstance.id == instance_id)
        .with_for_update(of=ProcessInstance)
        .execution_options(populate_existing=True)
    ).one()


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


def load(instance: ProcessInstance):
    """The instance's workflow and the pathway version it runs on."""
    version = pathway(instance.pathway_version)
    workflow = _recent.take(instance.id, instance.state)
    if workflow is None:
        workflow = load_state(instance.state, version.specs)
    return workflow, version


def advance(workflow) -> None:
    """Run engine steps, fail loudly on an error state, drop finished loop rounds."""
    workflow.do_engine_steps()
    errors = workflow.get_tasks(state=TaskState.ERROR)
    if errors:
        names = ", ".join(t.task_spec.bpmn_id or t.task_spec.name for t in errors)
        raise WorkflowStuck(f"the workflow stopped with an error at {names}")
    _drop_finished_rounds(workflow)


def _drop_finished_rounds(workflow) -> None:
    """Forget finished rounds of loops: their called processes and their task entries.

    SpiffWorkflow keeps every finished round, and its task walker loses one level of depth per
    round, stalling silently near round 1,000; the state would also grow with every round.
    The timeline already holds each round's data, and the loop task keeps the round count.
    Only rounds go: the loop's other child is the path after it (a loop inside a called
    process goes on there), and a round that is its process's last task is kept to restore it.
    """
    loops = [t for t in workflow.get_tasks() if isinstance(t.task_spec, StandardLoopTask)]
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
    """Write the workflow back into its row (the version column guards the write)."""
    instance.state = dump_state(workflow)
    instance.completed = workflow.is_completed()
    instance.next_timer_at = next_timer_at(workflow)
    db.session.flush()
    _recent.put(instance.id, instance.state, workflow)
