"""Temporary aid (civil affairs), women's support (women's federation), special file (police)."""

from flask_babel import lazy_gettext as _l

from .base import TaskForm
from .fields import (
    ChoiceField,
    EventDateField,
    MultiChoiceField,
    NotesField,
    ShortTextField,
    YesNoField,
)

SHELTER_TYPES = [
    ("rescue_station", _l("Rescue-management station")),
    ("welfare_home", _l("Welfare home")),
    ("womens_home", _l("Women's home")),
    ("other", _l("Other shelter")),
]
AID_ITEMS = [
    ("meals", _l("Meals")),
    ("clothing", _l("Clothing")),
    ("hygiene", _l("Hygiene items")),
    ("phone_call", _l("Phone call to family")),
    ("pocket_money", _l("Pocket money")),
]
WOMENS_SERVICES = [
    ("rights_counselling", _l("Women's rights counselling")),
    ("hotline_12338", _l("Follow-up through the 12338 hotline")),
    ("womens_home", _l("Stay in a women's home")),
    ("employment_help", _l("Help finding work")),
    ("family_mediation", _l("Family mediation")),
]
HUKOU_STATUSES = [
    ("restored", _l("Original household registration restored")),
    ("newly_registered", _l("Newly registered in this province")),
    ("pending", _l("Registration in progress")),
    ("not_applicable", _l("Not applicable (foreign national)")),
]
DIFFICULTIES = [
    ("housing", _l("Housing")),
    ("income", _l("Income and subsistence")),
    ("health", _l("Health")),
    ("schooling", _l("Schooling")),
    ("legal", _l("Legal matters")),
    ("documents", _l("Identity documents")),
]


class ShelterForm(TaskForm):
    """Admission to a shelter suited to the victim's age, sex, body and mind."""

    form_key = "aid_shelter"
    department = "civil_affairs"
    title = _l("Give temporary shelter")
    purpose = _l("Shelter the victim and ask whether they want to go home and need legal aid.")

    admission_date = EventDateField(_l("Date of admission"))
    shelter_type = ChoiceField(_l("Type of shelter"), SHELTER_TYPES)
    shelter_name = ShortTextField(_l("Name of the shelter"))
    aid_items = MultiChoiceField(_l("Aid provided"), AID_ITEMS)
    social_worker_assigned = YesNoField(_l("Professional social worker assigned"))
    willing_to_return = YesNoField(_l("Willing to return home"))
    legal_aid_requested = YesNoField(_l("Asks for legal aid"))
    shelter_notes = NotesField(_l("Shelter notes"))


class WomensSupportForm(TaskForm):
    """Support of the women's federation for a woman or a girl."""

    form_key = "aid_womens_support"
    department = "womens_federation"
    title = _l("Support the woman or girl")
    purpose = _l(
        "Give a woman or a girl rights support, a safe place and, for those old "
        "enough, help towards work."
    )

    womens_support_start_date = EventDateField(_l("Support started on"))
    womens_services = MultiChoiceField(_l("Services offered"), WOMENS_SERVICES, required=True)
    violence_risk = YesNoField(_l("Risk of violence from the buyer or at home"))
    womens_support_notes = NotesField(_l("Support notes"))


class SpecialFileForm(TaskForm):
    """Registration of the victim and the police special file."""

    form_key = "aid_special_file"
    department = "police"
    title = _l("Open the special file")
    purpose = _l(
        "Register the victim with a special file; each difficulty ticked becomes a "
        "task for the department that can solve it."
    )

    special_file_number = ShortTextField(_l("Special file number"), max_length=40)
    special_file_date = EventDateField(_l("Date the file was opened"))
    hukou_status = ChoiceField(_l("Household registration"), HUKOU_STATUSES)
    referred_difficulties = MultiChoiceField(
        _l("Difficulties passed to other departments"), DIFFICULTIES
    )
    # Sensitive: police only.
    special_file_notes = NotesField(_l("Special file notes"))
