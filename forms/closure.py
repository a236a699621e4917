"""The final review of a case (joint conference office)."""

from flask_babel import lazy_gettext as _l

from .base import TaskForm
from .fields import ChoiceField, EventDateField, NotesField, YesNoField
from .sensitivity import Sensitivity as S

OUTCOMES = [
    ("reunited", _l("Reunited with the family")),
    ("returned_to_province", _l("Returned to the province of origin")),
    ("repatriated", _l("Repatriated")),
    ("settled", _l("Settled in this province")),
    ("placed_in_care", _l("Placed in care")),
    ("other", _l("Other outcome")),
]
ASSESSMENTS = [
    ("satisfactory", _l("Satisfactory")),
    ("needs_improvement", _l("Needs improvement")),
    ("unsatisfactory", _l("Unsatisfactory")),
]


class ClosureReviewForm(TaskForm):
    """Evaluation of how each department carried out its part, then closure."""

    form_key = "closure_review"
    department = "joint_office"
    title = _l("Review and close the case")
    purpose = _l("Evaluate how the departments carried out the pathway and close the case.")

    closure_review_date = EventDateField(_l("Date of review"))
    closure_outcome = ChoiceField(_l("Outcome for the victim"), OUTCOMES)
    measures_completed = YesNoField(_l("Every department completed its measures"))
    closure_assessment = ChoiceField(_l("Assessment of the work"), ASSESSMENTS)
    accountability_issue = YesNoField(_l("A department failed to act in time"))
    closure_notes = NotesField(_l("Review notes"), sensitivity=S.IDENTITY)
