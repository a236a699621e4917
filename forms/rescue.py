"""Identification (police), family tracing and its safety check, and placement (civil affairs)."""

from flask_babel import lazy_gettext as _l
from wtforms.validators import ValidationError

from .base import TaskForm
from .fields import (
    AgeField,
    ChoiceField,
    EventDateField,
    MultiChoiceField,
    MustBeYes,
    NotesField,
    ShortTextField,
    YesNoField,
)
from .htcds import (
    EXPLOITATION_CHOICES,
    MEANS_OF_CONTROL_CHOICES,
    PLACE_CHOICES,
    RECRUITER_RELATION_CHOICES,
)
from .sensitivity import Sensitivity as S

AGE_EVIDENCE = [
    ("documents", _l("Identity documents")),
    ("household_register", _l("Household register (hukou)")),
    ("bone_age", _l("Bone-age assessment")),
    ("statement", _l("Statement of the victim or family")),
    ("estimate", _l("Estimate by the officer")),
]
IDENTITY_DOCUMENTS = [
    ("id_card", _l("Resident identity card")),
    ("hukou", _l("Household register (hukou)")),
    ("birth_certificate", _l("Birth certificate")),
    ("passport", _l("Passport or foreign ID")),
]
DNA_CONSENT_GIVERS = [
    ("guardian", _l("Legal guardian")),
    ("victim", _l("The child, with the guardian present")),
    ("both", _l("Both the guardian and the child")),
]
TRACING_METHODS = [
    ("hukou_records", _l("Household register records")),
    ("dna_database", _l("Anti-trafficking DNA database")),
    ("missing_child_platform", _l("National missing-child platform")),
    ("local_police", _l("Police of the home area")),
    ("village_committee", _l("Village or community committee")),
]
PLACEMENT_TYPES = [
    ("welfare_home", _l("Child welfare institution")),
    ("foster_family", _l("Foster family")),
    ("kinship_care", _l("Relatives (kinship care)")),
    ("rescue_station", _l("Rescue-management station (temporary)")),
]


class IdentificationForm(TaskForm):
    """Who the victim is: identity, confirmed age, documents."""

    form_key = "rescue_identification"
    department = "police"
    title = _l("Identify the victim")
    purpose = _l("Establish the victim's identity and age, which decide the next steps.")

    identification_date = EventDateField(_l("Date of identification"))
    identity_established = YesNoField(_l("Identity established"))
    age = AgeField(_l("Confirmed age"))
    age_evidence = ChoiceField(_l("Age based on"), AGE_EVIDENCE)
    identity_documents = MultiChoiceField(_l("Identity documents found"), IDENTITY_DOCUMENTS)
    # Sensitive: matched with other cases on a keyed digest only.
    confirmed_document_number = ShortTextField(
        _l("Identity document number"), required=False, max_length=40, sensitivity=S.IDENTITY
    )
    trafficking_confirmed = YesNoField(_l("Confirmed as a victim of trafficking"))
    criminal_case_filed = YesNoField(_l("A criminal case has been filed against the traffickers"))
    # What the evaluation counts (HTCDS v2, forms/htcds.py): several types and means each.
    exploitation_types = MultiChoiceField(_l("Types of exploitation"), EXPLOITATION_CHOICES)
    means_of_control = MultiChoiceField(_l("Means of control used"), MEANS_OF_CONTROL_CHOICES)
    # Sensitive: narrows down who the trafficker is.
    recruiter_relation = ChoiceField(
        _l("Relation of the victim to the recruiter"),
        RECRUITER_RELATION_CHOICES,
        sensitivity=S.IDENTITY,
    )
    recruitment_place = ChoiceField(
        _l("County where the victim was recruited"),
        PLACE_CHOICES,
        required=False,
        placeholder=_l("Not known"),
        sensitivity=S.LOCATION,
    )
    exploitation_place = ChoiceField(
        _l("County where the victim was exploited"),
        PLACE_CHOICES,
        required=False,
        placeholder=_l("Not known"),
        sensitivity=S.LOCATION,
    )
    # Sensitive: police only.
    identification_notes = NotesField(_l("Identification notes"), sensitivity=S.IDENTITY)

    def validate(self, extra_validators=None) -> bool:
        """Every field's checks, then: a confirmed victim was trafficked for some exploitation."""
        valid = super().validate(extra_validators)
        if self.trafficking_confirmed.data and not self.exploitation_types.data:
            self.exploitation_types.errors = [
                *self.exploitation_types.errors,
                str(_l("Choose at least one type of exploitation.")),
            ]
            return False
        return valid


class DnaSamplingForm(TaskForm):
    """DNA sampling of an unidentified child and comparison with the national database."""

    form_key = "rescue_dna_sampling"
    department = "police"
    title = _l("Take a DNA sample")
    purpose = _l(
        "Compare the child's DNA with the national anti-trafficking database to find the parents."
    )

    dna_consent = YesNoField(_l("Consent to DNA sampling recorded"))
    dna_consent_by = ChoiceField(_l("Consent given by"), DNA_CONSENT_GIVERS, required=None)
    dna_sample_date = EventDateField(_l("Date the sample was taken"), required=None)
    # Matched with other cases on a keyed digest only.
    dna_sample_reference = ShortTextField(
        _l("DNA sample reference"), required=False, max_length=40, sensitivity=S.BIOMETRIC
    )
    dna_match_reference = ShortTextField(
        _l("Database comparison reference"), required=False, max_length=40, sensitivity=S.BIOMETRIC
    )
    parents_found = YesNoField(_l("Parents found"))
    dna_notes = NotesField(_l("DNA sampling notes"), max_length=500, sensitivity=S.BIOMETRIC)

    def validate_dna_consent_by(self, field):
        """Who consented is recorded with the consent, and only then."""
        _require_with_consent(self.dna_consent.data, field)

    def validate_dna_sample_date(self, field):
        """No sample is taken without consent."""
        _require_with_consent(self.dna_consent.data, field)


def _require_with_consent(consent, field):
    if consent and not field.data:
        raise ValidationError(str(_l("Required when consent was given.")))
    if consent is False and field.data:
        raise ValidationError(str(_l("Leave this empty: no sample without consent.")))


class FamilyTracingForm(TaskForm):
    """Tracing the family of an identified child, and checking it is safe to go back."""

    form_key = "rescue_family_tracing"
    department = "police"
    title = _l("Trace the family")
    purpose = _l("Find the child's parents and check that returning the child to them is safe.")

    tracing_start_date = EventDateField(_l("Tracing started on"))
    tracing_methods = MultiChoiceField(_l("Tracing methods used"), TRACING_METHODS, required=True)
    parents_found = YesNoField(_l("Parents found"))
    family_contact_date = EventDateField(_l("Family contacted on"), required=False)
    # Decides that the child never goes back to this family (docs/pathway.md).
    family_safety_concern = YesNoField(
        _l("Concern that the family took part in the sale or would harm the child")
    )
    tracing_notes = NotesField(_l("Tracing notes"), sensitivity=S.IDENTITY)

    def validate_family_contact_date(self, field):
        """Contact cannot come before the tracing started."""
        start = self.tracing_start_date.data
        if field.data and start and field.data < start:
            raise ValidationError(str(_l("This date is before the tracing started.")))


class ChildPlacementForm(TaskForm):
    """Placement by civil affairs of a child whose parents cannot be found."""

    form_key = "rescue_child_placement"
    department = "civil_affairs"
    title = _l("Place the child")
    purpose = _l(
        "Place a child who cannot go home in safe care, never with the family "
        "that bought the child or a family suspected of taking part in the sale."
    )

    placement_date = EventDateField(_l("Date of placement"))
    placement_type = ChoiceField(_l("Type of placement"), PLACEMENT_TYPES)
    placement_institution = ShortTextField(
        _l("Institution or foster family (name)"), sensitivity=S.LOCATION
    )
    not_with_buying_family = YesNoField(
        _l("I confirm the child is not placed with the family that bought the child"),
        [MustBeYes(_l("A child may never be placed with the family that bought the child."))],
    )
    not_with_suspected_family = YesNoField(
        _l("I confirm the child is not placed with a family suspected of taking part in the sale"),
        [
            MustBeYes(
                _l(
                    "A child may never be placed with a family suspected of taking part "
                    "in the sale."
                )
            )
        ],
    )
    guardianship_arranged = YesNoField(_l("Guardianship arranged by civil affairs"))
    placement_notes = NotesField(_l("Placement notes"), sensitivity=S.MINOR)


class FamilyInvestigationForm(TaskForm):
    """A family suspected of taking part in the sale: police investigate, the child stays away."""

    form_key = "rescue_family_investigation"
    department = "police"
    title = _l("Investigate the family's part in the sale")
    purpose = _l(
        "The family is suspected of taking part in the sale: open the investigation "
        "and keep the family away from the child while it runs."
    )

    investigation_opened_date = EventDateField(_l("Investigation opened on"))
    investigating_unit = ShortTextField(_l("Investigating unit"), sensitivity=S.PLAIN)
    criminal_case_number = ShortTextField(
        _l("Criminal case number"), required=False, max_length=40, sensitivity=S.IDENTITY
    )
    family_contact_restricted = YesNoField(
        _l("Contact between the family and the child restricted")
    )
    # Sensitive: police only.
    investigation_notes = NotesField(_l("Investigation notes"), sensitivity=S.IDENTITY)
