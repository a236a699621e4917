"""Rows as the API's schemas carry them, in the caller's language."""

from forms.registry import get_form_class
from models import HumanTask

from ..case_summary import RecordedStep
from ..casefile import Entry, phase_name
from ..templating import step_title


def task(row: HumanTask) -> dict:
    """A task as an inbox lists it."""
    return {
        "id": row.id,
        "case_number": row.case.number,
        "department": row.department.code,
        "form_key": row.form_key,
        "title": step_title(row.form_key),
        "phase": phase_name(row.process_id),
        "status": str(row.status),
        "created_at": row.created_at,
        "due_at": row.due_at,
        "claimed_by": row.claimed_by.display_name if row.claimed_by else None,
    }


def _field(field) -> dict:
    choices = None
    if hasattr(field, "iter_choices"):
        choices = [
            {"value": str(value), "label": str(label)}
            for value, label, *_ in field.iter_choices()
            if value != ""
        ]
    return {
        "name": field.name,
        "label": str(field.label.text),
        "type": field.type,
        "required": bool(field.flags.required),
        "choices": choices,
    }


def task_detail(row: HumanTask, steps: list[RecordedStep]) -> dict:
    """A task with its purpose, its form's fields and the recorded steps the reader may read."""
    form_class = get_form_class(row.form_key)
    return task(row) | {
        "purpose": str(form_class.purpose),
        "fields_": [_field(field) for field in form_class() if field.type != "CSRFTokenField"],
        "steps": [recorded(step) for step in steps],
    }


def recorded(step: RecordedStep) -> dict:
    """A recorded step and its readable answers."""
    return {
        "form_key": step.form_key,
        "title": step_title(step.form_key),
        "department": step.department,
        "recorded_at": step.recorded_at,
        "answers": [{"label": label, "value": value} for label, value in step.answers],
    }


def entry(item: Entry) -> dict:
    """A timeline event as the reader may see it."""
    return {
        "id": item.event.id,
        "event_type": str(item.event.event_type),
        "at": item.event.created_at,
        "summary": str(item.summary),
        "phase": item.phase,
        "departments": sorted(item.departments),
        "restricted": item.restricted,
        "details": [{"label": label, "value": value} for label, value in item.details],
    }
