"""What a case already holds, as one user may read it: the answers of earlier steps, labelled."""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import select

from forms.fields import NotesField
from forms.intake import INTAKE_FORM
from forms.registry import FORMS
from forms.sensitivity import Sensitivity
from models import Case, EventType, TimelineEvent, User, db

from .access import REFERRAL_FIELDS, may_read_notes, may_read_step, readable_classes

STEP_EVENTS = (EventType.CASE_OPENED, EventType.TASK_COMPLETED)


@dataclass(frozen=True)
class RecordedStep:
    """One recorded step: its form key, the department that recorded it, when, its answers."""

    form_key: str
    department: str | None
    recorded_at: datetime
    answers: list[tuple[str, str]]


def readable_steps(user: User, case: Case) -> list[RecordedStep]:
    """The case's recorded steps whose data the user may read, oldest first."""
    events = db.session.scalars(
        select(TimelineEvent)
        .where(TimelineEvent.case_id == case.id, TimelineEvent.event_type.in_(STEP_EVENTS))
        .order_by(TimelineEvent.id)
    )
    steps = []
    for event in events:
        form_key = event.data.get("form_key", INTAKE_FORM)
        if form_key not in FORMS or not may_read_step(user, form_key, case):
            continue
        department = event.department.code if event.department else None
        notes, classes = may_read_notes(user, form_key), readable_classes(user, form_key, case)
        steps.append(
            RecordedStep(
                form_key,
                department,
                event.created_at,
                answers(form_key, event.data.get("data", {}), notes, classes),
            )
        )
    return steps


def referral_facts(case: Case) -> list[tuple[str, str]]:
    """The few intake facts a referral's recipient reads (access.REFERRAL_FIELDS)."""
    opened = db.session.scalar(
        select(TimelineEvent).filter_by(case_id=case.id, event_type=EventType.CASE_OPENED)
    )
    data = opened.data.get("data", {}) if opened else {}
    minimal = {name: data[name] for name in REFERRAL_FIELDS if name in data}
    return answers(INTAKE_FORM, minimal, False, {Sensitivity.PLAIN})


def answers(
    form_key: str, data: Mapping, notes: bool, classes: set[Sensitivity]
) -> list[tuple[str, str]]:
    """(label, answer) of each answered field of a step's stored data, in form order.

    Free-text notes of other departments are left out; an answer of a sensitivity class the
    reader does not read in full shows as "restricted".
    """
    form = FORMS[form_key].from_data(data)
    rows = []
    for field in form:
        if isinstance(field, NotesField) and not notes:
            continue
        text = shown_value(field)
        if text and getattr(field, "sensitivity", Sensitivity.PLAIN) not in classes:
            text = _("restricted")
        if text:
            rows.append((str(field.label.text), text))
    return rows


def shown_value(field) -> str:
    """A stored answer as people read it: the labels of chosen options, else the typed text."""
    if hasattr(field, "iter_choices"):
        return ", ".join(
            str(label)
            for value, label, selected, *_ in field.iter_choices()
            if selected and value != ""
        )
    if field.data is None or field.data == "":
        return ""
    return str(field._value())
