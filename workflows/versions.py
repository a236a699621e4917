"""What changed between two deployed versions, element by element, read from their XML."""

from dataclasses import dataclass

from .parsing import read_xml

BPMN = "{http://www.omg.org/spec/BPMN/20100524/MODEL}"
CAMUNDA = "{http://camunda.org/schema/1.0/bpmn}"
SKIPPED = {
    "laneSet",
    "lane",
    "flowNodeRef",
    "incoming",
    "outgoing",
    "documentation",
    "extensionElements",
    "conditionExpression",
}


@dataclass(frozen=True)
class Change:
    """One difference: `kind` is added, removed, lane, condition, form or due_date."""

    process_id: str
    element_id: str
    kind: str
    before: str | None = None
    after: str | None = None


def _elements(data: bytes, filename: str) -> dict[tuple[str, str], dict]:
    """(process id, element id) -> the facts a diff compares, for every element of every process."""
    facts = {}
    for process in read_xml(data, filename).getroot().iter(f"{BPMN}process"):
        lanes = {
            (ref.text or "").strip(): lane.get("name")
            for lane in process.iter(f"{BPMN}lane")
            for ref in lane.iter(f"{BPMN}flowNodeRef")
        }
        for element in process.iter():
            kind = element.tag.split("}")[-1] if isinstance(element.tag, str) else ""
            if element is process or kind in SKIPPED or not element.get("id"):
                continue
            condition = element.find(f"{BPMN}conditionExpression")
            facts[(process.get("id"), element.get("id"))] = {
                "lane": lanes.get(element.get("id")),
                "condition": (condition.text or "").strip() if condition is not None else None,
                "form": element.get(f"{CAMUNDA}formKey"),
                "due_date": element.get(f"{CAMUNDA}dueDate"),
            }
    return facts


def diff_files(old: dict[str, bytes], new: dict[str, bytes]) -> list[Change]:
    """Elements added, removed, moved to another lane, or with a changed condition, form or due
    date, between two sets of diagrams (by file name)."""
    before, after = {}, {}
    for name, data in old.items():
        before |= _elements(data, name)
    for name, data in new.items():
        after |= _elements(data, name)
    changes = [Change(*key, "removed") for key in before if key not in after]
    changes += [Change(*key, "added") for key in after if key not in before]
    for key in before.keys() & after.keys():
        for fact in ("lane", "condition", "form", "due_date"):
            if before[key][fact] != after[key][fact]:
                changes.append(Change(*key, fact, before[key][fact], after[key][fact]))
    return sorted(changes, key=lambda c: (c.process_id, c.element_id, c.kind))


def _by_process(files: dict[str, bytes]) -> dict[str, str]:
    """Each process's file text, by process id."""
    texts = {}
    for name, data in files.items():
        for process in read_xml(data, name).getroot().iter(f"{BPMN}process"):
            texts[process.get("id")] = data.decode("utf-8")
    return texts


def diff_views(old: dict[str, bytes], new: dict[str, bytes], changes: list[Change]) -> dict:
    """For each changed process: its XML before and after, and the elements to mark on each
    (removed on the old diagram, added on the new one, changed on both)."""
    before, after = _by_process(old), _by_process(new)
    views = {}
    for change in changes:
        view = views.setdefault(
            change.process_id,
            {
                "before": before.get(change.process_id),
                "after": after.get(change.process_id),
                "marks_before": {},
                "marks_after": {},
            },
        )
        if change.kind != "added":
            view["marks_before"][change.element_id] = (
                "removed" if change.kind == "removed" else "changed"
            )
        if change.kind != "removed":
            view["marks_after"][change.element_id] = (
                "added" if change.kind == "added" else "changed"
            )
    return views
