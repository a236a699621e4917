"""Opening a case (police): a rescued victim, or a report of a missing child."""

from flask_babel import lazy_gettext as _l
from wtforms import Form
from wtforms.validators import ValidationError

from .base import TaskForm, TaskMeta
from .choices import CHINA, COUNTRY_CHOICES, PROVINCE_CHOICES
from .fields import (
    AgeField,
    ChoiceField,
    EventDateField,
    NotesField,
    RadioChoiceField,
    ShortTextField,
    YesNoField,
)
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


class CaseOpenForm(TaskForm):
    """The first record of a case: who the victim seems to be and where they come from."""

    form_key = "case_open"
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
    age = AgeField(_l("Estimated age"))
    sex = RadioChoiceField(_l("Sex"), SEXES)
    disability = YesNoField(_l("Disability noticed or declared"))
    origin_country = ChoiceField(_l("Country of origin"), COUNTRY_CHOICES)
    origin_province = ChoiceField(
        _l("Province of origin"),
        PROVINCE_CHOICES,
        required=None,
        blank="",
        placeholder=_l("None (victim from abroad)"),
    )
    victim_language = ChoiceField(_l("Language spoken"), LANGUAGES)
    interpreter_needed = YesNoField(_l("Interpreter needed"))
    # Sensitive: police and civil affairs only.
    intake_notes = NotesField(_l("Circumstances of the rescue or report"), sensitivity=S.IDENTITY)

    def validate_origin_province(self, field):
        """A victim from China needs a province; one from abroad has none."""
        from_china = self.origin_country.data == CHINA
        if from_china and not field.data:
            raise ValidationError(str(_l("Choose the province of a victim from China.")))
        if field.data and self.origin_country.data and not from_china:
            raise ValidationError(str(_l("Leave the province empty for a victim from abroad.")))


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
