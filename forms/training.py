"""Vocational training and job referral (human resources and social security)."""

from flask_babel import lazy_gettext as _l

from .base import TaskForm
from .conditions import conditional_fields, shown_when
from .fields import (
    ChoiceField,
    CountField,
    EventDateField,
    NotesField,
    ShortTextField,
    YesNoField,
)
from .sensitivity import Sensitivity as S

TRADES = [
    ("cooking", _l("Cooking")),
    ("garment", _l("Garment making")),
    ("beauty", _l("Hairdressing and beauty")),
    ("elder_care", _l("Elder and child care")),
    ("electrician", _l("Electrician")),
    ("e_commerce", _l("E-commerce")),
    ("other", _l("Other trade")),
]
EMPLOYMENT_STATUSES = [
    ("employed", _l("Employed")),
    ("self_employed", _l("Self-employed")),
    ("seeking", _l("Looking for work")),
    ("further_training", _l("In further training")),
    ("not_seeking", _l("Not looking for work")),
]
WORKING = ("employed", "self_employed")


class TrainingEnrolmentForm(TaskForm):
    """Enrolment in skills training, with career guidance."""

    form_key = "training_enrolment"
    department = "hr_social_security"
    title = _l("Enrol in vocational training")
    purpose = _l(
        "Give a victim aged 16 or more who stays here skills training and career guidance."
    )

    training_trade = ChoiceField(_l("Trade"), TRADES)
    training_provider = ShortTextField(_l("Training provider"), sensitivity=S.PLAIN)
    training_start_date = EventDateField(_l("Training starts on"), planned=True)
    training_subsidy = YesNoField(_l("Training subsidy granted"))
    career_guidance_given = YesNoField(_l("Career guidance given"))
    training_notes = NotesField(_l("Training notes"), sensitivity=S.IDENTITY)


class JobReferralForm(TaskForm):
    """The outcome of the training and the jobs the victim was referred to."""

    form_key = "training_job_referral"
    department = "hr_social_security"
    title = _l("Refer to jobs")
    purpose = _l("Record the training outcome and help the victim into work.")

    training_completed = YesNoField(_l("Training completed"))
    skills_certificate = YesNoField(_l("Vocational skills certificate obtained"))
    job_referrals = CountField(_l("Job referrals made"), maximum=100)
    employment_status = ChoiceField(_l("Employment"), EMPLOYMENT_STATUSES)
    employer_name = ShortTextField(_l("Employer"), required=False, sensitivity=S.LOCATION)
    job_start_date = EventDateField(_l("Job starts on"), planned=True)
    job_referral_notes = NotesField(_l("Job referral notes"), sensitivity=S.IDENTITY)

    # Someone in work has a start date (and may name the employer).
    conditions = conditional_fields(
        employer_name=shown_when("employment_status", one_of=WORKING),
        job_start_date=shown_when("employment_status", one_of=WORKING),
    )
