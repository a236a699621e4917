"""The search for a missing child (police), kept open until the child is found; its oversight."""

from flask_babel import lazy_gettext as _l
from wtforms.validators import ValidationError

from .base import TaskForm
from .fields import (
    ChoiceField,
    EventDateField,
    EventTimeField,
    MultiChoiceField,
    NotesField,
    ShortTextField,
    YesNoField,
)

SEARCH_OUTCOMES = [
    ("found", _l("Child found")),
    ("searching", _l("Still missing, search continues")),
    ("criminal_case", _l("Filed as a trafficking case")),
]
SEARCH_ACTIONS = [
    ("platform_alert", _l("Alert renewed on the national missing-child platform")),
    ("surveillance", _l("Video surveillance checked")),
    ("leads", _l("Leads and tip-offs followed up")),
    ("other_provinces", _l("Police of other provinces asked to help")),
    ("dna_recheck", _l("DNA database checked again")),
    ("public_appeal", _l("Public appeal with the family's consent")),
]
OVERSIGHT_REQUESTS = [
    ("more_resources", _l("More police officers on the search")),
    ("cross_province", _l("Cross-province cooperation mechanism started")),
    ("dna_recheck", _l("Ask for the DNA database to be checked again")),
    ("family_support", _l("Support for the family while they wait")),
]


class RapidSearchForm(TaskForm):
    """The first hours of the search for a missing child."""

    form_key = "rescue_rapid_search"
    department = "police"
    title = _l("Search for the missing child")
    purpose = _l("Start the rapid search for a missing child and record what was done.")

    missing_since = EventTimeField(_l("Missing since"))
    last_seen_place = ShortTextField(_l("Place last seen"))
    search_started_at = EventTimeField(_l("Search started at"))
    alert_issued = YesNoField(_l("Alert issued on the national missing-child platform"))
    checkpoints_notified = YesNoField(_l("Stations, ports and checkpoints notified"))
    parents_dna_sampled = YesNoField(_l("Parents' blood samples taken for the DNA database"))
    search_outcome = ChoiceField(_l("Outcome of the search"), SEARCH_OUTCOMES)
    search_notes = NotesField(_l("Search notes"))

    def validate_search_started_at(self, field):
        """The search cannot start before the child went missing."""
        if field.data and self.missing_since.data and field.data < self.missing_since.data:
            raise ValidationError(str(_l("The search cannot start before the disappearance.")))


class ParentsDnaForm(TaskForm):
    """The searching parents' DNA, compared with the children already in the database."""

    form_key = "rescue_parents_dna"
    department = "police"
    title = _l("Take the parents' DNA and compare")
    purpose = _l(
        "Take the searching parents' blood samples and compare them with the "
        "children in the national anti-trafficking DNA database."
    )

    parents_dna_sample_date = EventDateField(_l("Date the parents' samples were taken"))
    parents_dna_reference = ShortTextField(_l("Database comparison reference"), max_length=40)
    parents_dna_match = YesNoField(_l("A child in the database matches the parents"))
    parents_dna_notes = NotesField(_l("Notes on the parents' DNA"), max_length=500)


class SearchReviewForm(TaskForm):
    """One review of a search that has not found the child yet."""

    form_key = "rescue_search_review"
    department = "police"
    title = _l("Review the search")
    purpose = _l(
        "The child is still missing: record what the search did since the last "
        "review, and whether the child has been found."
    )

    search_review_date = EventDateField(_l("Date of the review"))
    search_actions = MultiChoiceField(
        _l("Search actions since the last review"), SEARCH_ACTIONS, required=True
    )
    child_found = YesNoField(_l("The child has been found"))
    search_review_notes = NotesField(_l("Review notes"))


class SearchOversightForm(TaskForm):
    """The joint office's look at a search that has gone on for several reviews."""

    form_key = "rescue_search_oversight"
    department = "joint_office"
    title = _l("Oversee the search for a missing child")
    purpose = _l(
        "A child is still missing after several reviews: check the search and "
        "ask for what it lacks."
    )

    oversight_date = EventDateField(_l("Date of the oversight review"))
    oversight_requests = MultiChoiceField(_l("Asked for"), OVERSIGHT_REQUESTS, required=None)
    search_adequate = YesNoField(_l("The search is being carried out as the plan requires"))
    oversight_notes = NotesField(_l("Oversight notes"))

    def validate_oversight_requests(self, field):
        """A search found wanting comes with what it needs."""
        if self.search_adequate.data is False and not field.data:
            raise ValidationError(str(_l("Say what the search needs.")))
