"""Opening a case (police): a rescued victim, or a report of a missing child."""

from flask_babel import lazy_gettext as _l
from wtforms import Form

from .base import TaskForm, TaskMeta
from .choices import CHINA, COUNTRY_CHOICES, PROVINCE_CHOICES
from .conditions import conditional_fields, shown_when
from .consent import (
    CHILD_VIEW_LABEL,
    DEPARTMENT_CHOICES,
    GIVERS,
    METHODS,
    hears_the_child,
)
from .fields import (
    AgeField,
    ChoiceField,
    EventDateField,
    MultiChoiceField,
    NotesField,
    RadioChoiceField,
    ShortTextField,
    YesNoField,
)
from .htcds import PLACE_CHOICES
from .sensitivity import Sensitivity as S

REPORT_TYPES = [
    ("rescue", _l("Rescued victim")),
    ("missing_child", _l("Missing child report")),
]
SEXES = [("female", _l("Female")), ("male", _l("Male"))]
REPORT_SOURCES = [
    ("police_operation", _l("Police operation")),
    ("border_control", _l("Border control")),
    ("family", _l("Family of the victim")),
    ("public_tip", _l("Tip from the public")),
    ("womens_hotline", _l("Women's hotline 12338")),
    ("other_province", _l("Police of another province")),
    ("self_report", _l("The victim came forward")),
    ("other", _l("Other")),
]
LANGUAGES = [
    ("mandarin", _l("Mandarin")),
    ("chinese_dialect", _l("A Chinese dialect")),
    ("vietnamese", _l("Vietnamese")),
    ("burmese", _l("Burmese")),
    ("lao", _l("Lao")),
    ("khmer", _l("Khmer")),
    ("other", _l("Other language")),
]


INTAKE_FORM = "case_open"  # the form key of a case's first record, made on the intake page


class CaseOpenForm(TaskForm):
    """The first record of a case: who the victim seems to be and where they come from."""

    form_key = INTAKE_FORM
    department = "police"
    title = _l("Open a case")
    purpose = _l("Record a rescued victim or a missing-child report so that the pathway starts.")

    report_type = RadioChoiceField(_l("Type of report"), REPORT_TYPES)
    report_date = EventDateField(_l("Date of the rescue or report"))
    report_source = ChoiceField(_l("Reported by"), REPORT_SOURCES)
    police_file_number = ShortTextField(
        _l("Police file number"), max_length=40, sensitivity=S.IDENTITY
    )
    # Sensitive: police, civil affairs and justice; matched on a keyed digest only.
    identity_document_number = ShortTextField(
        _l("Identity document number (if any)"),
        required=False,
        max_length=40,
        sensitivity=S.IDENTITY,
    )
    report_location = ShortTextField(
        _l("Place of rescue or disappearance (county or city)"), sensitivity=S.LOCATION
    )
    # The county (GB/T 2260) the evaluation counts rescues by (SDG 16.2.2, HTCDS).
    rescue_place = ChoiceField(
        _l("County of rescue or disappearance"), PLACE_CHOICES, sensitivity=S.LOCATION
    )
    age = AgeField(_l("Estimated age"))
    sex = RadioChoiceField(_l("Sex"), SEXES)
    disability = YesNoField(_l("Disability noticed or declared"))
    origin_country = ChoiceField(_l("Country of origin"), COUNTRY_CHOICES)
    # A victim from abroad has no province: it is stored empty ("").
    origin_province = ChoiceField(_l("Province of origin"), PROVINCE_CHOICES, blank="")
    victim_language = ChoiceField(_l("Language spoken"), LANGUAGES)
    interpreter_needed = YesNoField(_l("Interpreter needed"))
    # Sensitive: police and civil affairs only.
    intake_notes = NotesField(_l("Circumstances of the rescue or report"), sensitivity=S.IDENTITY)

    conditions = conditional_fields(origin_province=shown_when("origin_country", equals=CHINA))


class VictimNameForm(Form):
    """The victim's name or care alias: kept on the case only, never in the workflow's data."""

    Meta = TaskMeta

    # Sensitive: police and civil affairs only.
    victim_name = ShortTextField(
        _l("Victim's name or care alias"),
        max_length=120,
        description=_l(
            "Only the police and civil affairs see it; everyone else sees the case number."
        ),
        sensitivity=S.IDENTITY,
    )


class IntakeConsentForm(Form):
    """The consents asked at intake; left blank when nobody could be asked yet."""

    Meta = TaskMeta

    consent_outside_referral = YesNoField(
        _l("Agrees to referral to outside organisations"), required=False
    )
    consent_family_contact = YesNoField(_l("Agrees that the family is contacted"), required=False)
    consent_row_export = YesNoField(_l("Agrees to inclusion in row-level exports"), required=False)
    consent_share_departments = MultiChoiceField(
        _l("Agrees to share the file in full with"), DEPARTMENT_CHOICES
    )
    consent_given_by = RadioChoiceField(_l("Given by"), GIVERS, required=False)
    consent_method = RadioChoiceField(_l("How it was given"), METHODS, required=False)
    # Sensitive: the child's own words; the departments owning the case only.
    consent_child_view = NotesField(CHILD_VIEW_LABEL, sensitivity=S.MINOR)

    def __init__(self, formdata=None, *, recorded_by: str, **kwargs):
        """The consents as `recorded_by`'s social workers record them: never a share with
        their own department, which would open them the whole file on their own word."""
        super().__init__(formdata, **kwargs)
        shares = self.consent_share_departments
        shares.choices = [choice for choice in shares.choices if choice.value != recorded_by]

    def answered(self) -> bool:
        """Whether any consent question was answered."""
        flags = (
            self.consent_outside_referral,
            self.consent_family_contact,
            self.consent_row_export,
        )
        return any(f.data is not None for f in flags) or bool(self.consent_share_departments.data)

    def validate(self, extra_validators=None) -> bool:
        """Every field's checks, then: answers say who gave them and how (checked here, since
        an optional field's own checks stop when it is blank), and a guardian's answer carries
        the child's own view."""
        valid = super().validate(extra_validators)
        needed = (
            (self.consent_given_by, _l("Say who gave these answers.")),
            (self.consent_method, _l("Say how these answers were given.")),
        )
        for field, message in needed:
            if self.answered() and not field.data:
                field.errors = [*field.errors, str(message)]
                valid = False
        return hears_the_child(self.consent_given_by, self.consent_child_view) and valid
