"""A case is never moved onto a version that changed the structure behind its tokens.

A new parallel branch from a split the case has passed would leave the join waiting for a
token that never comes: no ready step, no timer, no incident. Such a case is refused, with
the reason; a cosmetic change, or a new branch the case has not reached, still moves clean.
"""

import time
from pathlib import Path

import pytest
from lxml import etree
from sqlalchemy import select

from models import Incident, PathwayVersion, ProcessInstance, db
from webapp import demo
from workflows import drafts, engine, migration
from workflows.errors import MigrationRefused

pytestmark = pytest.mark.usefixtures("restore_pathway")
DIAGRAMS = Path(__file__).resolve().parent.parent / "workflows" / "diagrams"
B = "{http://www.omg.org/spec/BPMN/20100524/MODEL}"
C = "{http://camunda.org/schema/1.0/bpmn}"
DC = "{http://www.omg.org/spec/DD/20100524/DC}"
ADULT = {"rescue_identification": {"age": 30}}
# (process, split, join) of the new branch a test adds
DIFFICULTIES = ("difficulties", "Gateway_difficulties_split", "Gateway_difficulties_join")
AID = ("temporary_aid", "Gateway_aid_split", "Gateway_aid_join")
SPLIT_REASON = (
    "it has already passed the split 'Gateway_difficulties_split' in 'difficulties', whose "
    "branches the new version changes"
)
JOIN_REASON = (
    "the join 'Gateway_difficulties_join' in 'difficulties' would wait for a new branch from a "
    "point the case has already passed, and never go on"
)


def _deploy(users, process_id: str, data: bytes) -> PathwayVersion:
    drafts.save_draft(process_id, data, users["manager"])
    version = drafts.deploy_draft(process_id, users["manager"], "migration test")
    db.session.commit()
    return version


def _flow_ref(parent, tag: str, flow_id: str) -> None:
    """Add an incoming/outgoing reference after the element's last one of that kind."""
    refs = parent.findall(f"{B}{tag}")
    ref = etree.Element(f"{B}{tag}")
    ref.text = flow_id
    if refs:
        refs[-1].addnext(ref)
    else:
        parent.append(ref)


def _with_step(process_id: str, source: str, target: str, replacing: str = "") -> bytes:
    """The shipped diagram with a new civil-affairs step from `source` to `target`: one more
    parallel branch, or in place of the flow `replacing` (a step inserted on a branch)."""
    root = etree.fromstring((DIAGRAMS / f"{process_id}.bpmn").read_bytes())
    process = root.find(f"{B}process")
    if replacing:
        _remove_flow(root, process, replacing)
    task = etree.SubElement(process, f"{B}userTask", id="Task_new_allowance")
    task.set("name", "Check the new allowance")
    task.set(f"{C}formKey", "difficulty_civil_affairs")
    task.set(f"{C}dueDate", "P14D")
    for flow_id, start, end in [
        ("Flow_to_new_allowance", source, "Task_new_allowance"),
        ("Flow_from_new_allowance", "Task_new_allowance", target),
    ]:
        etree.SubElement(process, f"{B}sequenceFlow", id=flow_id, sourceRef=start, targetRef=end)
        _flow_ref(process.find(f"*[@id='{start}']"), "outgoing", flow_id)
        _flow_ref(process.find(f"*[@id='{end}']"), "incoming", flow_id)
    lane = process.find(f"{B}laneSet/{B}lane[@name='civil_affairs']")
    etree.SubElement(lane, f"{B}flowNodeRef").text = "Task_new_allowance"
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def _remove_flow(root, process, flow_id: str) -> None:
    """Take a sequence flow out: the flow, its ends' references to it, its drawn edge."""
    refs = [r for r in process.iter(f"{B}incoming", f"{B}outgoing") if r.text == flow_id]
    for element in [*refs, process.find(f"{B}sequenceFlow[@id='{flow_id}']")]:
        element.getparent().remove(element)
    edge = root.find(f".//*[@bpmnElement='{flow_id}']")
    edge.getparent().remove(edge)


def _cosmetic(process_id: str, element_id: str) -> bytes:
    """The shipped diagram with one step renamed and its shape moved."""
    root = etree.fromstring((DIAGRAMS / f"{process_id}.bpmn").read_bytes())
    root.find(f".//{B}process/*[@id='{element_id}']").set("name", "Solve it, renamed")
    bounds = root.find(f".//*[@bpmnElement='{element_id}']/{DC}Bounds")
    bounds.set("x", str(float(bounds.get("x")) + 40))
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def _case_at(open_case, users, steps: int):
    case = open_case("Branch", age=30, sex="male", origin_province="fujian")
    demo.advance_case(case, users, steps, answers=ADULT)
    db.session.commit()
    return case, db.session.scalar(select(ProcessInstance).filter_by(case_id=case.id))


def _ready(case) -> list[str]:
    return sorted(t.bpmn_id for t in db.session.scalars(engine.open_tasks(case)))


def test_a_case_past_a_split_that_gains_a_branch_is_refused(open_case, users, login, client):
    _, instance = _case_at(open_case, users, 6)  # inside difficulties, past its split
    state, old_version = instance.state, instance.pathway_version_id
    target = _deploy(users, "difficulties", _with_step(*DIFFICULTIES))
    plan = migration.plan_for(instance, target)
    assert not plan.clean and plan.problems == [SPLIT_REASON, JOIN_REASON]
    assert all(landing.reason is None for landing in plan.landings)  # its steps would map
    with pytest.raises(MigrationRefused):
        migration.migrate_instance(instance.id, target, users["manager"])
    db.session.rollback()
    db.session.refresh(instance)
    assert (instance.state, instance.pathway_version_id) == (state, old_version)
    login("manager", "en")
    page = client.get(f"/diagrams/versions/{target.id}/migrate").get_data(as_text=True)
    row = page.split(f'data-instance-id="{instance.id}"')[1].split("</tr>")[0]
    assert 'class="ambiguous"' in row and 'name="instance"' not in row
    assert "whose branches the new version changes" in row and "never go on" in row
    login("manager", "zh")
    page = client.get(f"/diagrams/versions/{target.id}/migrate").get_data(as_text=True)
    assert "案件已经过" in page and "永远无法继续" in page


def _carried_past_difficulties(case, instance, users) -> bool:
    """Every step done up to the follow-up timer: the case left difficulties' join."""
    demo.advance_case(case, users, 20, answers=ADULT)
    db.session.commit()
    db.session.refresh(instance)
    return _ready(case) == [] and instance.next_timer_at is not None


def test_the_refused_case_goes_on_on_its_own_version(open_case, users):
    case, instance = _case_at(open_case, users, 6)
    target = _deploy(users, "difficulties", _with_step(*DIFFICULTIES))
    assert not migration.plan_for(instance, target).clean
    assert _carried_past_difficulties(case, instance, users)


def test_without_the_refusal_the_case_would_be_stranded(open_case, users, monkeypatch):
    """What the refusal prevents: once its steps are done the join waits for ever."""
    case, instance = _case_at(open_case, users, 6)
    target = _deploy(users, "difficulties", _with_step(*DIFFICULTIES))
    monkeypatch.setattr(migration, "behind_problems", lambda *args: [])
    migration.migrate_instance(instance.id, target, users["manager"])
    db.session.commit()
    assert not _carried_past_difficulties(case, instance, users)
    assert _ready(case) == [] and instance.next_timer_at is None
    assert db.session.scalars(select(Incident).filter_by(case_id=case.id)).all() == []


def test_a_cosmetic_change_still_moves_clean(open_case, users):
    case, instance = _case_at(open_case, users, 6)
    ready = _ready(case)
    target = _deploy(users, "difficulties", _cosmetic("difficulties", "Task_difficulty_health"))
    plan = migration.plan_for(instance, target)
    assert plan.clean, plan.problems
    migration.migrate_instance(instance.id, target, users["manager"])
    db.session.commit()
    assert _ready(case) == ready
    demo.advance_case(case, users, len(ready), answers=ADULT)
    db.session.commit()
    assert _ready(case) and not set(ready) & set(_ready(case))  # past the join


def test_a_new_branch_in_a_process_not_entered_yet_moves_clean(open_case, users):
    case, instance = _case_at(open_case, users, 2)  # in temporary aid, before difficulties
    assert _ready(case) == ["Task_aid_special_file"]
    target = _deploy(users, "difficulties", _with_step(*DIFFICULTIES))
    plan = migration.plan_for(instance, target)
    assert plan.clean, plan.problems
    migration.migrate_instance(instance.id, target, users["manager"])
    db.session.commit()
    demo.advance_case(case, users, 1, answers=ADULT)
    db.session.commit()
    assert "Task_new_allowance" in _ready(case)  # difficulties started on the new version


def test_a_new_branch_ahead_of_the_case_in_its_process_moves_clean(open_case, users):
    case, instance = _case_at(open_case, users, 1)  # at the shelter, before the aid split
    target = _deploy(users, "temporary_aid", _with_step(*AID))
    plan = migration.plan_for(instance, target)
    assert plan.clean, plan.problems
    migration.migrate_instance(instance.id, target, users["manager"])
    db.session.commit()
    demo.advance_case(case, users, 1, answers=ADULT)
    db.session.commit()
    assert _ready(case) == ["Task_aid_special_file", "Task_new_allowance"]
    demo.advance_case(case, users, 2, answers=ADULT)
    db.session.commit()
    assert _ready(case) and not {"Task_aid_special_file", "Task_new_allowance"} & set(_ready(case))


def test_the_same_branch_behind_the_case_is_refused(open_case, users):
    _, instance = _case_at(open_case, users, 2)  # at the special file, past the aid split
    target = _deploy(users, "temporary_aid", _with_step(*AID))
    problems = migration.plan_for(instance, target).problems
    assert len(problems) == 2
    assert "the split 'Gateway_aid_split' in 'temporary_aid'" in problems[0]
    assert "the join 'Gateway_aid_join' in 'temporary_aid'" in problems[1]


def test_a_step_inserted_on_a_branch_the_case_passed_moves_clean(open_case, users):
    """Like any step added behind the case: it goes on without it, and no join waits for it."""
    case, instance = _case_at(open_case, users, 6)
    data = _with_step(
        "difficulties",
        "Gateway_difficulties_split",
        "Gateway_justice_referred",
        replacing="Flow_difficulties_split_to_justice_referred",
    )
    target = _deploy(users, "difficulties", data)
    plan = migration.plan_for(instance, target)
    assert plan.clean, plan.problems
    migration.migrate_instance(instance.id, target, users["manager"])
    db.session.commit()
    assert _carried_past_difficulties(case, instance, users)


@pytest.mark.parametrize("process", ["closure", "difficulties"])
def test_a_timer_due_when_the_case_moves_fires_and_is_not_stranded(open_case, users, process):
    """The follow-up timer fell due before a worker got to it: the move fires it (it was left
    ready in the workflow with no due time and no step, so no worker ever took it up)."""
    case = open_case("Due", age=30, sex="male", origin_province="fujian")
    demo.advance_case(case, users, 11, answers={"rescue_identification": {"age": 30}})
    db.session.commit()  # waiting on the follow-up timer (PT1S in tests)
    data = (DIAGRAMS / f"{process}.bpmn").read_bytes().replace(b'name="', b'name="x', 1)
    drafts.save_draft(process, data, users["manager"])
    target = drafts.deploy_draft(process, users["manager"], "renamed")
    db.session.commit()
    time.sleep(1.5)  # the timer falls due before the worker gets to it
    instance = db.session.scalar(select(ProcessInstance).filter_by(case_id=case.id))
    assert migration.plan_for(instance, target).clean
    migration.migrate_instance(instance.id, target, users["manager"])
    db.session.commit()
    db.session.refresh(instance)
    assert [
        t.form_key for t in db.session.scalars(engine.open_tasks(case))
    ] or instance.next_timer_at
