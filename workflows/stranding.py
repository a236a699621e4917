"""Whether a new version changes the structure behind a running case's tokens.

SpiffWorkflow moves a case's tokens onto the new elements but never replays what the case
has already passed. A parallel join waits for a token on each incoming flow, so a flow the
new version feeds from a point behind the tokens leaves the join WAITING for ever: no ready
step, no timer, no incident. A parallel or inclusive split the case has passed keeps the
branches it made, so one it gains or loses never reaches the case either. Both are refused,
in every process the case is running; a called process it has not entered yet starts on the
new version, and a step inserted on a branch behind the case is skipped like any step
added behind it.
"""

from SpiffWorkflow.bpmn.specs.mixins.inclusive_gateway import InclusiveGateway
from SpiffWorkflow.bpmn.specs.mixins.parallel_gateway import ParallelGateway
from SpiffWorkflow.bpmn.util.diff import SpecDiff
from SpiffWorkflow.util.task import TaskState

from .errors import N_, Message

_GATEWAYS = (ParallelGateway, InclusiveGateway)
# A call activity the case is inside (STARTED) counts as passed: its next elements were laid
# out when it started, and whether they are read again when it ends is not relied on.
_BEHIND = TaskState.COMPLETED | TaskState.STARTED


def behind_problems(spec_diff, workflow, spec, subprocess_specs) -> list[Message]:
    """Why the new specs change what lies behind the workflow's tokens (empty if nothing);
    `spec_diff(old, new)` gives the SpecDiff of two process specs."""
    problems = []
    for running in _running(workflow):
        new = spec if running is workflow else subprocess_specs.get(running.spec.name)
        if new is not None:
            problems += _problems(running, spec_diff(running.spec, new), new)
    return problems


def _running(workflow) -> list:
    """The workflow and the called processes still running in it."""
    subs = [sub for sub in workflow.subprocesses.values() if not sub.is_completed()]
    return [workflow, *subs]


def _problems(workflow, diff: SpecDiff, new) -> list[Message]:
    """The passed splits whose branches change and the joins that would wait for ever."""
    passed, process = _passed(workflow), workflow.spec.name
    inverse = {n.name: old for old, n in diff.alignment.items() if n is not None}
    splits = sorted(spec.bpmn_id for spec in passed if _branches_change(spec, diff))
    joins = sorted(
        join.bpmn_id
        for join, gained in _joins_ahead(workflow, new, inverse)
        if any(_fed_from_behind(spec, inverse, passed, set()) for spec in gained)
    )
    return [Message(_SPLIT, gateway=g, process=process) for g in splits] + [
        Message(_JOIN, gateway=g, process=process) for g in joins
    ]


_SPLIT = N_(
    "it has already passed the split %(gateway)r in %(process)r, whose branches the new "
    "version changes"
)
_JOIN = N_(
    "the join %(gateway)r in %(process)r would wait for a new branch from a point the case "
    "has already passed, and never go on"
)


def _passed(workflow) -> set:
    """The specs (of the old version) the case has run in this workflow."""
    return {t.task_spec for t in workflow.get_tasks(state=_BEHIND, skip_subprocesses=True)}


def _branches_change(spec, diff: SpecDiff) -> bool:
    """A diverging parallel or inclusive gateway that gains or loses a branch (or is gone)."""
    if not isinstance(spec, _GATEWAYS):
        return False
    new = diff.alignment.get(spec)
    outputs = len(new.outputs) if new is not None else 0
    return max(len(spec.outputs), outputs) > 1 and len(spec.outputs) != outputs


def _joins_ahead(workflow, new, inverse) -> list[tuple]:
    """Each converging gateway of the new version the case has not passed, with the incoming
    elements it gains (all of them if the join itself is new)."""
    joins = []
    for spec in new.task_specs.values():
        if isinstance(spec, _GATEWAYS) and len(spec.inputs) > 1:
            old = inverse.get(spec.name)
            if old is None or not _done_with(workflow, old):
                had = old.inputs if old is not None else []
                joins.append((spec, [i for i in spec.inputs if inverse.get(i.name) not in had]))
    return joins


def _done_with(workflow, spec) -> bool:
    """The case has passed this element and no token of it is still before it."""
    tasks = workflow.get_tasks(spec_name=spec.name, skip_subprocesses=True)
    states = {task.state for task in tasks} - {TaskState.CANCELLED}
    return states == {TaskState.COMPLETED}


def _fed_from_behind(spec, inverse, passed, seen) -> bool:
    """Whether a new-version element's tokens come from an element the case has passed:
    back through the elements new to the version to the first old ones."""
    old = inverse.get(spec.name)
    if old is not None:
        return old in passed
    seen.add(spec.name)
    return any(
        _fed_from_behind(i, inverse, passed, seen) for i in spec.inputs if i.name not in seen
    )
