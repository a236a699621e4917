"""Workflow state <-> JSON, with the specs stored once per pathway version, not per case."""

import json
from uuid import UUID

from SpiffWorkflow.bpmn.serializer.default.workflow import BpmnWorkflowConverter
from SpiffWorkflow.bpmn.serializer.workflow import BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.camunda.serializer.config import CAMUNDA_CONFIG

from .failures import script_engine


class _StateConverter(BpmnWorkflowConverter):
    """Leaves the specs out of the state; they come back from the pathway version's cache."""

    def to_dict(self, workflow):
        dct = super(BpmnWorkflowConverter, self).to_dict(workflow)
        dct["subprocesses"] = self.mapping_to_dict(workflow.subprocesses)
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


def load_state(state: str, specs) -> BpmnWorkflow:
    """Restore a workflow saved by `dump_state` onto its (cached) specs."""
    dct = json.loads(state)
    _STATE.migrate(dct)
    workflow = _STATE.from_dict(dct, specs=specs)
    workflow.script_engine = script_engine()
    return workflow
