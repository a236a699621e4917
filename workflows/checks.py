"""The diagram checks: the CLI, the modeler and deployment all call `check_files`."""

import ast
from datetime import UTC, datetime, timedelta

from forms.registry import FORMS, case_fields

from . import service_levels
from .errors import N_, DiagramInvalid, Problem, ScriptRejected
from .measures import check_tags
from .parsing import bpmn_parser, read_xml
from .scripting import BUILTIN_NAMES, ISO_LITERAL, compile_expression, compile_script

BPMN = "{http://www.omg.org/spec/BPMN/20100524/MODEL}"
CAMUNDA = "{http://camunda.org/schema/1.0/bpmn}"
FLOW_NODES = {
    "task",
    "userTask",
    "manualTask",
    "receiveTask",
    "sendTask",
    "serviceTask",
    "businessRuleTask",
    "scriptTask",
    "callActivity",
    "subProcess",
    "exclusiveGateway",
    "parallelGateway",
    "inclusiveGateway",
    "eventBasedGateway",
    "startEvent",
    "endEvent",
    "intermediateCatchEvent",
    "intermediateThrowEvent",
}
# Elements that wait for someone or something no inbox, timer or rule of this app provides: a
# case reaching one would wait for ever with no step in any inbox (bpmn-js draws "task").
WAITING_FOREVER = {
    "task",
    "manualTask",
    "receiveTask",
    "sendTask",
    "serviceTask",
    "businessRuleTask",
    "eventBasedGateway",
}
# Of the event definitions, only a timer is ever triggered here (no message, signal, condition).
TIMER = "timerEventDefinition"
LONGEST_DUE = timedelta(days=3660)  # a step's due period: ten years at most


def check_files(files: dict[str, bytes], departments) -> list[Problem]:
    """Every problem of a set of diagrams, in file order; an empty list means deployable."""
    problems, trees = [], {}
    for filename, data in files.items():
        try:
            trees[filename] = read_xml(data, filename)
        except DiagramInvalid as exc:
            problems.extend(exc.problems)
    if not problems:  # SpiffWorkflow's own parse needs every file
        try:
            bpmn_parser(files)
        except DiagramInvalid as exc:
            problems.extend(exc.problems)
    process_ids = {p.get("id") for t in trees.values() for p in t.iter(f"{BPMN}process")}
    fields = case_fields() | _script_outputs(trees)
    for filename, tree in trees.items():
        for process in tree.iter(f"{BPMN}process"):
            problems.extend(
                _check_process(filename, process, set(departments), process_ids, fields)
            )
    return problems


def _local(element) -> str:
    return element.tag.split("}")[-1]


def _script_outputs(trees) -> set[str]:
    names = set()
    for tree in trees.values():
        for script in tree.iter(f"{BPMN}script"):
            try:
                module = ast.parse(script.text or "")
            except SyntaxError:
                continue
            names |= {
                n.id
                for n in ast.walk(module)
                if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)
            }
    return names


def _check_process(filename, process, departments, process_ids, fields):
    lane_of = {}
    for lane in process.iter(f"{BPMN}lane"):
        if lane.get("name") not in departments:
            yield Problem(
                filename,
                lane.get("id"),
                N_("lane %(lane)r is not a department code"),
                lane=lane.get("name"),
            )
        for ref in lane.iter(f"{BPMN}flowNodeRef"):
            lane_of[(ref.text or "").strip()] = lane.get("name")
    flows = [f for f in process if _local(f) == "sequenceFlow"]
    outgoing, incoming = {}, {}
    for flow in flows:
        outgoing.setdefault(flow.get("sourceRef"), []).append(flow)
        incoming.setdefault(flow.get("targetRef"), []).append(flow)
    for node in process:
        kind, node_id = _local(node), node.get("id")
        if kind not in FLOW_NODES:
            continue
        if kind != "endEvent" and node_id not in outgoing:
            yield Problem(filename, node_id, N_("dead end: nothing follows this element"))
        if kind != "startEvent" and node_id not in incoming:
            yield Problem(filename, node_id, N_("unreachable: no flow leads to this element"))
        if kind == "userTask":
            yield from _check_user_task(filename, node, lane_of.get(node_id), departments)
        yield from _check_waiting(filename, node, kind)
        diverging = len(outgoing.get(node_id, [])) > 1
        if kind == "exclusiveGateway" and diverging and not node.get("default"):
            yield Problem(
                filename,
                node_id,
                N_("gateway has no default flow: a case matching no condition would stall"),
            )
        if kind == "callActivity" and node.get("calledElement") not in process_ids:
            yield Problem(
                filename,
                node_id,
                N_("calls process %(process)r, which no diagram defines"),
                process=node.get("calledElement"),
            )
    for element, source, script in _expressions(process):
        yield from _check_expression(filename, element, source, script, fields)


def _check_waiting(filename, node, kind):
    """An element no one here could ever move on: a case reaching it would wait for ever."""
    if kind in WAITING_FOREVER:
        yield Problem(
            filename,
            node.get("id"),
            N_(
                "a %(kind)s waits for what nothing here does: make it a user task (a"
                " department's step) or a script task"
            ),
            kind=kind,
        )
    for definition in node if kind == "intermediateCatchEvent" else ():  # a throw waits not
        name = _local(definition)
        if name.endswith("EventDefinition") and name != TIMER:
            yield Problem(
                filename,
                node.get("id"),
                N_("a %(event)s waits for what nothing here sends: only timer events wait"),
                event=name.removesuffix("EventDefinition"),
            )


def _check_user_task(filename, node, lane, departments):
    node_id = node.get("id")
    if lane is None:
        yield Problem(
            filename, node_id, N_("user task is in no lane, so no department would get it")
        )
    form_key = node.get(f"{CAMUNDA}formKey")
    if not form_key:
        yield Problem(filename, node_id, N_("user task has no form (camunda:formKey)"))
    elif form_key not in FORMS:
        yield Problem(filename, node_id, N_("form %(form)r is not registered"), form=form_key)
    elif lane in departments and FORMS[form_key].department != lane:
        # Read rights follow the form's department, routing follows the lane: they must agree.
        yield Problem(
            filename,
            node_id,
            N_("form %(form)r belongs to %(department)s, but the task is in the %(lane)s lane"),
            form=form_key,
            department=FORMS[form_key].department,
            lane=lane,
        )
    yield from check_tags(filename, node, departments)
    due = node.get(f"{CAMUNDA}dueDate")
    if not due:
        yield Problem(
            filename,
            node_id,
            N_("user task has no due period (camunda:dueDate), so it is never escalated"),
            severity="warning",
        )
        return
    try:
        length = service_levels.period(due.strip().strip("\"'"), datetime.now(UTC))
    except Exception:  # SpiffWorkflow raises bare exceptions on a bad duration
        length = None
    if length is None or not timedelta(0) < length <= LONGEST_DUE:
        yield Problem(
            filename,
            node_id,
            N_("due period %(due)r is not an ISO-8601 duration of at most ten years"),
            due=due,
        )


def _expressions(process):
    """(element id, source, is_script) of every condition, timer and script in a process."""
    for element in process.iter():
        kind = _local(element)
        if kind in (
            "conditionExpression",
            "loopCondition",
            "timeDuration",
            "timeDate",
            "timeCycle",
        ):
            owner = element.getparent()
            if kind.startswith("time") or kind == "loopCondition":
                owner = owner.getparent()
            yield owner.get("id"), (element.text or "").strip(), False
        elif kind == "script":
            yield element.getparent().get("id"), element.text or "", True


def _check_expression(filename, element_id, source, is_script, fields):
    if not is_script and ISO_LITERAL.match(source):
        return
    try:
        (compile_script if is_script else compile_expression)(source)
    except ScriptRejected as exc:
        yield Problem(
            filename, element_id, N_("expression not allowed: %(reason)s"), reason=str(exc)
        )
        return
    tree = ast.parse(source, mode="exec" if is_script else "eval")
    assigned = {
        n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)
    }
    for name in sorted(
        {n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)}
        - fields
        - assigned
        - BUILTIN_NAMES
    ):
        yield Problem(filename, element_id, N_("%(name)r is not a known case field"), name=name)
