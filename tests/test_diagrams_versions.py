"""The version diff: elements added, removed, moved between lanes, conditions, forms, due dates."""

from pathlib import Path

import pytest
from lxml import etree

from workflows.errors import DiagramInvalid
from workflows.versions import Change, diff_files, diff_views

DIAGRAMS = Path(__file__).resolve().parent.parent / "workflows" / "diagrams"
B = "{http://www.omg.org/spec/BPMN/20100524/MODEL}"
C = "{http://camunda.org/schema/1.0/bpmn}"
RETURN_HOME = (DIAGRAMS / "return_home.bpmn").read_bytes()


def _edited(edit) -> dict[str, bytes]:
    """return_home.bpmn after `edit(process element)`."""
    root = etree.fromstring(RETURN_HOME)
    edit(root.find(f"{B}process"))
    return {"return_home.bpmn": etree.tostring(root)}


def _node(process, element_id):
    return process.find(f".//*[@id='{element_id}']")


def _diff(edit) -> list[Change]:
    return diff_files({"return_home.bpmn": RETURN_HOME}, _edited(edit))


def test_identical_versions_have_no_changes():
    assert diff_files({"a.bpmn": RETURN_HOME}, {"a.bpmn": RETURN_HOME}) == []


def test_an_added_task_is_listed():
    def add(process):
        etree.SubElement(process, f"{B}userTask", id="Task_new")

    assert _diff(add) == [Change("return_home", "Task_new", "added")]


def test_a_removed_task_is_listed():
    def remove(process):
        process.remove(_node(process, "Task_return_reunion"))

    assert _diff(remove) == [Change("return_home", "Task_return_reunion", "removed")]


def test_a_task_moved_to_another_lane_is_listed():
    def move(process):
        ref = next(r for r in process.iter(f"{B}flowNodeRef") if r.text == "Task_return_plan")
        ref.getparent().remove(ref)
        police = _node(process, "Lane_police")
        etree.SubElement(police, f"{B}flowNodeRef").text = "Task_return_plan"

    assert _diff(move) == [
        Change("return_home", "Task_return_plan", "lane", "civil_affairs", "police")
    ]


def test_a_changed_condition_form_and_due_date_are_listed():
    def change(process):
        flow = _node(process, "Flow_destination_to_return_repatriation")
        flow.find(f"{B}conditionExpression").text = "origin_country == 'VN'"
        task = _node(process, "Task_return_plan")
        task.set(f"{C}formKey", "aid_shelter")
        task.set(f"{C}dueDate", "P3D")

    assert _diff(change) == [
        Change(
            "return_home",
            "Flow_destination_to_return_repatriation",
            "condition",
            "origin_country != 'CN'",
            "origin_country == 'VN'",
        ),
        Change("return_home", "Task_return_plan", "due_date", "P7D", "P3D"),
        Change("return_home", "Task_return_plan", "form", "return_plan", "aid_shelter"),
    ]


def test_a_new_process_lists_all_its_elements_as_added():
    changes = diff_files({}, {"return_home.bpmn": RETURN_HOME})
    assert changes and {c.kind for c in changes} == {"added"}
    assert Change("return_home", "Task_return_plan", "added") in changes


def test_unsafe_xml_is_not_compared():
    hostile = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x/>'
    with pytest.raises(DiagramInvalid):
        diff_files({"a.bpmn": RETURN_HOME}, {"a.bpmn": hostile})


def test_the_diagrams_mark_removed_on_the_old_added_and_changed_on_the_new():
    def edit(process):
        process.remove(_node(process, "Task_return_reunion"))
        etree.SubElement(process, f"{B}userTask", id="Task_new")
        _node(process, "Task_return_plan").set(f"{C}dueDate", "P3D")

    old, new = {"return_home.bpmn": RETURN_HOME}, _edited(edit)
    views = diff_views(old, new, diff_files(old, new))
    assert list(views) == ["return_home"]
    view = views["return_home"]
    assert view["before"] == RETURN_HOME.decode() and "Task_new" in view["after"]
    assert view["marks_before"] == {"Task_return_reunion": "removed", "Task_return_plan": "changed"}
    assert view["marks_after"] == {"Task_new": "added", "Task_return_plan": "changed"}
