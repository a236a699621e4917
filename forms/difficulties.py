"""A practical difficulty found when the special file is opened, solved by the department
that can solve it: one form per department, the same questions."""

from flask_babel import lazy_gettext as _l

from .base import TaskForm
from .fields import ChoiceField, EventDateField, NotesField
from .sensitivity import Sensitivity as S

DIFFICULTY_OUTCOMES = [
    ("solved", _l("Solved")),
    ("in_progress", _l("Being solved")),
    ("referred_on", _l("Passed on to another body")),
    ("not_solvable", _l("Cannot be solved")),
]


class DifficultyForm(TaskForm):
    """What a department did about a difficulty passed to it with the special file."""

    purpose = _l(
        "The special file passed this difficulty to your department: record what was done about it."
    )

    difficulty_action_date = EventDateField(_l("Date of the action"))
    difficulty_outcome = ChoiceField(_l("Outcome"), DIFFICULTY_OUTCOMES)
    difficulty_notes = NotesField(_l("What was done"), sensitivity=S.IDENTITY)


class HousingIncomeDifficultyForm(DifficultyForm):
    """Housing, income and subsistence: civil affairs."""

    form_key = "difficulty_civil_affairs"
    department = "civil_affairs"
    title = _l("Solve housing or income difficulties")


class HealthDifficultyForm(DifficultyForm):
    """Health: the health department."""

    form_key = "difficulty_health"
    department = "health"
    title = _l("Solve a health difficulty")

    difficulty_notes = NotesField(_l("What was done"), sensitivity=S.HEALTH)


class SchoolingDifficultyForm(DifficultyForm):
    """Schooling: education."""

    form_key = "difficulty_education"
    department = "education"
    title = _l("Solve a schooling difficulty")


class LegalDifficultyForm(DifficultyForm):
    """Legal matters: justice."""

    form_key = "difficulty_justice"
    department = "justice"
    title = _l("Solve a legal difficulty")


class DocumentsDifficultyForm(DifficultyForm):
    """Identity documents and household registration: the police."""

    form_key = "difficulty_police"
    department = "police"
    title = _l("Solve an identity-document difficulty")


DIFFICULTY_FORMS = (
    HousingIncomeDifficultyForm,
    HealthDifficultyForm,
    SchoolingDifficultyForm,
    LegalDifficultyForm,
    DocumentsDifficultyForm,
)
