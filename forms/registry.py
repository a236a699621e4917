"""The registry from form key (a user task's `camunda:formKey`) to its task form class."""

from .aid import ShelterForm, SpecialFileForm, WomensSupportForm
from .base import TaskForm
from .care import MedicalCareForm, PsychologicalCareForm
from .closure import ClosureReviewForm
from .difficulties import DIFFICULTY_FORMS
from .disability import DisabilityAssessmentForm
from .follow_up import FollowUpVisitForm, PoliceCheckForm
from .intake import CaseOpenForm
from .legal import LegalEligibilityForm, LegalRepresentationForm
from .rescue import (
    ChildPlacementForm,
    DnaSamplingForm,
    FamilyInvestigationForm,
    FamilyTracingForm,
    IdentificationForm,
)
from .return_home import (
    HomeSafetyAssessmentForm,
    ProvinceHandoverForm,
    RepatriationForm,
    ReturnPlanForm,
    ReunionForm,
)
from .schooling import SchoolAdaptationForm, SchoolEnrolmentForm
from .search import ParentsDnaForm, RapidSearchForm, SearchOversightForm, SearchReviewForm
from .training import JobReferralForm, TrainingEnrolmentForm

# Case data the engine or the diagrams' scripts set (docs/pathway.md), not any form.
ENGINE_FIELDS = frozenset(
    {
        "home_province",
        "follow_up_interval",
        "search_review_interval",
        "search_round",
        "returning_home",
        "needs_care_placement",
        "legal_aid_assessed",
    }
)

FORMS: dict[str, type[TaskForm]] = {
    form.form_key: form
    for form in (
        CaseOpenForm,
        RapidSearchForm,
        ParentsDnaForm,
        SearchReviewForm,
        SearchOversightForm,
        IdentificationForm,
        DnaSamplingForm,
        FamilyTracingForm,
        FamilyInvestigationForm,
        ChildPlacementForm,
        ShelterForm,
        WomensSupportForm,
        SpecialFileForm,
        HomeSafetyAssessmentForm,
        *DIFFICULTY_FORMS,
        MedicalCareForm,
        PsychologicalCareForm,
        LegalEligibilityForm,
        LegalRepresentationForm,
        SchoolEnrolmentForm,
        SchoolAdaptationForm,
        DisabilityAssessmentForm,
        ReturnPlanForm,
        RepatriationForm,
        ProvinceHandoverForm,
        ReunionForm,
        TrainingEnrolmentForm,
        JobReferralForm,
        FollowUpVisitForm,
        PoliceCheckForm,
        ClosureReviewForm,
    )
}


class UnknownFormKey(KeyError):
    """No task form is registered under this key (a typo in a diagram's formKey?)."""

    def __init__(self, key: str):
        super().__init__(key)
        self.key = key

    def __str__(self) -> str:
        return f"no task form is registered under the form key {self.key!r}"


def get_form_class(key: str) -> type[TaskForm]:
    """The task form class registered under `key`."""
    try:
        return FORMS[key]
    except KeyError:
        raise UnknownFormKey(key) from None


def form_choices() -> list[tuple[str, str]]:
    """(form key, title in the current language) of every form, for the modeler's drop-down."""
    return [(key, str(form.title)) for key, form in FORMS.items()]


def case_fields() -> set[str]:
    """Every name of case data: the fields of every form and the names the engine sets."""
    names = set(ENGINE_FIELDS)
    for form in FORMS.values():
        names.update(form.field_names())
    return names
