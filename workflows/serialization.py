"""Workflow state <-> JSON, with the specs stored once per pathway version, not per case.

A lean load leaves the called processes whose call activity has finished as the JSON they
were read from (`KEPT` on the workflow): nothing runs in them again, so a step neither
restores nor re-serialises them, and the save writes them back as they were.
"""

import json
from uuid import UUID

from SpiffWorkflow.bpmn.serializer.default.workflow import BpmnWorkflowConverter
from SpiffWorkflow.bpmn.serializer.workflow import BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.camunda.serializer.config import CAMUNDA_CONFIG
from SpiffWorkflow.util.task import TaskState

from .failures import script_engine

KEPT = "kept_finished_processes"


class _StateConverter(BpmnWorkflowConverter):
    """Leaves the specs out of the state; they come back from the pathway version's cache."""

    def to_dict(self, workflow):
        dct = super(BpmnWorkflowConverter, self).to_dict(workflow)
        dct["subprocesses"] = {
            **_still_called(getattr(workflow, KEPT, {}), workflow),
            **self.mapping_to_dict(workflow.subprocesses),
        }
        dct["bpmn_events"] = self.registry.convert(workflow.bpmn_events)
        return dct

    def from_dict(self, dct, specs=None):
        spec, subprocess_specs = specs
        workflow = self.target_class(spec, subprocess_specs, deserializing=True)
        workflow.tasks = self.mapping_from_dict(dct["tasks"], UUID, workflow=workflow)
        workflow.task_tree = workflow.tasks.get(UUID(dct["root"]))
        self.set_default_attributes(workflow, dct)
        self.subprocesses_from_dict(dct["subprocesses"], workflow)
        workflow.bpmn_events = self.registry.restore(dct.pop("bpmn_events", []))
        return workflow


def _finished_calls(dct: dict) -> dict:
    """The saved called processes whose call activity has finished, or that run inside one."""
    subs = dct["subprocesses"]
    owner = {task_id: sub_id for sub_id, sub in subs.items() for task_id in sub["tasks"]}

    def finished(caller_id: str) -> bool:
        while True:
            process_id = owner.get(caller_id)
            tasks = subs[process_id]["tasks"] if process_id else dct["tasks"]
            if tasks[caller_id]["state"] & TaskState.FINISHED_MASK:
                return True
            if process_id is None:
                return False
            caller_id = process_id

    return {sub_id: sub for sub_id, sub in subs.items() if finished(sub_id)}


def _still_called(kept: dict, workflow) -> dict:
    """The kept processes whose call activity is still in the workflow (a finished loop
    round drops its task, and so its called process)."""
    if not kept:
        return {}
    live = {str(task_id) for task_id in workflow.tasks}
    for process in workflow.subprocesses.values():
        live.update(str(task_id) for task_id in process.tasks)
    owner = {task_id: sub_id for sub_id, sub in kept.items() for task_id in sub["tasks"]}

    def called(caller_id: str) -> bool:
        while caller_id in owner:  # up to the kept process called from the live workflow
            caller_id = owner[caller_id]
        return caller_id in live

    return {sub_id: sub for sub_id, sub in kept.items() if called(sub_id)}


def _serializer(config) -> BpmnWorkflowSerializer:
    return BpmnWorkflowSerializer(BpmnWorkflowSerializer.configure(config))


_SPECS = _serializer(CAMUNDA_CONFIG)
_STATE_CONFIG = {**CAMUNDA_CONFIG, BpmnWorkflow: _StateConverter}
_STATE = _serializer(_STATE_CONFIG)


def dump_specs(spec, subprocess_specs) -> str:
    """The top process spec and the called ones, as JSON for a PathwayVersion row."""
    return json.dumps(
        {
            "spec": _SPECS.to_dict(spec),
            "subprocess_specs": {name: _SPECS.to_dict(s) for name, s in subprocess_specs.items()},
        }
    )


def load_specs(spec_json: str):
    """Specs from a PathwayVersion's JSON (the caller caches them per version)."""
    dct = json.loads(spec_json)
    subs = {name: _SPECS.from_dict(s) for name, s in dct["subprocess_specs"].items()}
    return _SPECS.from_dict(dct["spec"]), subs


def new_workflow(specs, data: dict) -> BpmnWorkflow:
    """A fresh workflow with `data` as its start data (visible to every condition)."""
    spec, subprocess_specs = specs
    workflow = BpmnWorkflow(spec, subprocess_specs, script_engine=script_engine())
    workflow.task_tree.data.update(data)
    return workflow


def dump_state(workflow: BpmnWorkflow) -> str:
    """The workflow's state as JSON, without its specs."""
    return _STATE.serialize_json(workflow)


def unstorable_task(workflow: BpmnWorkflow):
    """The task, first in the order they changed, whose data the state cannot hold (a value a
    script left: `range(3)`, a generator), or None."""
    for task in sorted(workflow.get_tasks(), key=lambda task: task.last_state_change):
        try:
            json.dumps(_STATE.registry.convert(task.data))
        except (TypeError, ValueError, OverflowError):
            return task
    return None


def load_state(state: str, specs, whole=True) -> BpmnWorkflow:
    """Restore a workflow saved by `dump_state` onto its (cached) specs; not `whole`: lean,
    its finished called processes kept as JSON (see the module's docstring)."""
    dct = json.loads(state)
    _STATE.migrate(dct)
    kept = {} if whole else _finished_calls(dct)
    for sub_id in kept:
        del dct["subprocesses"][sub_id]
    workflow = _STATE.from_dict(dct, specs=specs)
    workflow.script_engine = script_engine()
    setattr(workflow, KEPT, kept)
    return workflow


def is_lean(workflow: BpmnWorkflow) -> bool:
    """Whether the workflow was loaded without its finished called processes."""
    return bool(getattr(workflow, KEPT, None))
