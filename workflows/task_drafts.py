"""Drafts of task forms: what a worker typed and did not submit yet, per user and task.

A draft is kept, encrypted, until its task leaves the inbox: completing the step (by anyone)
or its cancellation discards every draft of it. Releasing or reassigning the step keeps the
writer's draft, read by nobody else, so that it is there if the step comes back to them.
"""

import json
from collections.abc import Mapping

from sqlalchemy import delete, select

from forms.registry import get_form_class
from models import HumanTask, TaskDraft, TaskStatus, User, db, storable

from .errors import DraftRefused, TaskAlreadyCompleted

# Twice the longest form's worth of text: enough for any real draft, small enough to store.
MAX_DRAFT_CHARS = 20_000
MAX_VALUES_PER_FIELD = 50


def _clean(task: HumanTask, answers) -> dict[str, list[str]]:
    """The answers as {field name: [posted strings]}, only the task form's fields."""
    if not isinstance(answers, Mapping):
        raise DraftRefused("a draft maps field names to answers")
    names = set(get_form_class(task.form_key).field_names())
    clean = {}
    for name, values in answers.items():
        values = [values] if isinstance(values, str) else values
        if name not in names:
            raise DraftRefused(f"the form has no field {name!r}")
        if not isinstance(values, list) or len(values) > MAX_VALUES_PER_FIELD:
            raise DraftRefused(f"the answer to {name!r} is not a list of texts")
        if not all(isinstance(value, str) and storable(value) for value in values):
            raise DraftRefused(f"the answer to {name!r} is not a list of texts it can keep")
        clean[name] = values
    if len(json.dumps(clean, ensure_ascii=False)) > MAX_DRAFT_CHARS:
        raise DraftRefused("the draft is too large")
    return clean


def save_draft(task: HumanTask, actor: User, answers) -> TaskDraft:
    """Keep the actor's current answers to a ready task (the caller checked their access)."""
    if task.status != TaskStatus.READY:
        raise TaskAlreadyCompleted(f"task {task.id} is no longer ready")
    clean = _clean(task, answers)
    draft = draft_for(task, actor)
    if draft is None:
        draft = TaskDraft(task_id=task.id, user_id=actor.id)
        db.session.add(draft)
    draft.answers = clean
    db.session.flush()
    return draft


def draft_for(task: HumanTask, actor: User) -> TaskDraft | None:
    """The actor's own draft of the task, if any: nobody reads another's."""
    return db.session.scalar(select(TaskDraft).filter_by(task_id=task.id, user_id=actor.id))


def discard_drafts(task_ids) -> None:
    """Forget every draft of these tasks (completed or cancelled)."""
    task_ids = list(task_ids)
    if task_ids:
        db.session.execute(delete(TaskDraft).where(TaskDraft.task_id.in_(task_ids)))
