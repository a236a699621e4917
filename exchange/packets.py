"""The hand-over packet: what the receiving province needs for care and follow-up, in the field
names of IOM's Human Trafficking Case Data Standard (HTCDS v2), and nothing more.

`prs_` (person), `vic_` (victim context) and `cas_` (case) are HTCDS fields; `hcd_` fields are
ours where HTCDS has none. Free-text notes, police file numbers, identity documents, biometric
and health answers never travel: the receiver asks the sender's civil affairs if it needs them.
"""

import uuid
from collections.abc import Callable
from datetime import UTC, datetime

from sqlalchemy import select

from forms.base import as_formdata
from forms.intake import INTAKE_FORM, VictimNameForm
from forms.registry import get_form_class
from models import Case, EventType, TimelineEvent, db
from workflows import consent as ledger

HTCDS_VERSION = "2.0"
HANDOVER_FORM = "return_province_handover"
GENDERS = {"female": "Female", "male": "Male"}
UNKNOWN_GENDER = "Unknown"
SEXES = {label: code for code, label in GENDERS.items()}
# Case data the received pathway starts from, by the packet field carrying it, and the type
# a packet gives it (None: the victim's consent did not let it travel).
CASE_FIELDS = {
    "hcd_Age": ("age", int),
    "hcd_Disability": ("disability", bool),
    "prs_Nationality": ("origin_country", str),
    "prs_MailingState": ("origin_province", str),
}
FIELD_OF = {name: field for field, (name, _) in CASE_FIELDS.items()} | {"sex": "prs_Gender"}
TYPES = {field: kind for field, (_, kind) in CASE_FIELDS.items()} | {
    "prs_Gender": str,
    "prs_FirstName": str,
}
# Whether the victim's consent lets their personal data travel with this hand-over.
ConsentCheck = Callable[[Case, dict[str, dict]], bool]


def recorded_answers(case: Case) -> dict[str, dict]:
    """The latest recorded answers of each step of the case, by form key."""
    events = db.session.scalars(
        select(TimelineEvent)
        .where(
            TimelineEvent.case_id == case.id,
            TimelineEvent.event_type.in_((EventType.CASE_OPENED, EventType.TASK_COMPLETED)),
        )
        .order_by(TimelineEvent.id)
    )
    return {event.data.get("form_key", INTAKE_FORM): event.data.get("data", {}) for event in events}


def recorded_consent(case: Case, answers: dict[str, dict]) -> bool:
    """Consent as the pathway records it (given on the return plan, and the file shared), and
    not refused or withdrawn in the consent ledger's export purpose (`allows_export`)."""
    plan, handover = answers.get("return_plan", {}), answers.get(HANDOVER_FORM, {})
    recorded = plan.get("origin_data_consent") is True and handover.get("case_file_shared") is True
    return recorded and ledger.allows_export(case, unasked=True)


def _person(case: Case, answers: dict[str, dict]) -> dict:
    """The victim as the receiver's care needs them (only with consent)."""
    intake, identified = answers.get(INTAKE_FORM, {}), answers.get("rescue_identification", {})
    return {
        "prs_FirstName": case.victim_name,  # the whole name: Chinese names are not split
        "prs_Gender": GENDERS.get(intake.get("sex"), UNKNOWN_GENDER),
        "prs_Nationality": intake.get("origin_country"),
        "prs_MailingState": intake.get("origin_province"),
        "hcd_Age": identified.get("age", intake.get("age")),
        "hcd_Disability": intake.get("disability"),
        "vic_AgreementToManagePersonalData": True,
    }


def build_packet(case: Case, *, sender: str, consent: ConsentCheck = recorded_consent) -> dict:
    """The packet of the case's completed hand-over step, personal data only with consent."""
    answers = recorded_answers(case)
    handover = answers[HANDOVER_FORM]
    packet = {
        "packetId": str(uuid.uuid4()),
        "htcdsVersion": HTCDS_VERSION,
        "hcd_SenderProvince": sender,
        "hcd_ReceiverProvince": handover["receiving_province"],
        "hcd_SenderCaseNumber": case.number,
        "hcd_CreatedAt": datetime.now(UTC).isoformat(),
        "cas_Status": "Active",
        "cas_ReasonForOutgoingReferral": "MigrationOrChangeOfLocation",
        "cas_OutgoingReferralDate": handover.get("province_handover_date"),
        "cas_ReferredOrganisation": handover.get("receiving_agency"),
        "hcd_SupportHandedOver": list(handover.get("pending_support") or []),
        "hcd_PersonalDataShared": consent(case, answers),
    }
    if packet["hcd_PersonalDataShared"]:
        packet |= _person(case, answers)
    return packet


def without_personal_data(packet: dict) -> dict:
    """The packet as it is without the victim's consent: no field of `_person`."""
    personal = {"prs_FirstName", "prs_Gender", "vic_AgreementToManagePersonalData", *TYPES}
    kept = {field: value for field, value in packet.items() if field not in personal}
    return kept | {"hcd_PersonalDataShared": False}


def case_data(packet: dict) -> dict:
    """What the received pathway knows of the victim from the packet (what consent shared)."""
    data = {
        name: packet[field]
        for field, (name, _) in CASE_FIELDS.items()
        if packet.get(field) is not None
    }
    if packet.get("prs_Gender") in SEXES:
        data["sex"] = SEXES[packet["prs_Gender"]]
    return data


def victim_errors(packet: dict) -> list[str]:
    """What is wrong in what a packet says of the victim, checked as the intake page checks
    it (a peer's bug is refused when it comes, not found when the case opens): the packet
    fields named with their errors; none if nothing."""
    wrong = [
        f"{field}: a {kind.__name__}"
        for field, kind in TYPES.items()
        if packet.get(field) is not None and type(packet[field]) is not kind
    ]
    if wrong:
        return wrong
    if packet.get("prs_Gender") not in (None, UNKNOWN_GENDER, *SEXES):
        wrong.append(f"prs_Gender: {', '.join(sorted(SEXES))} or {UNKNOWN_GENDER}")
    data = case_data(packet)
    intake = get_form_class(INTAKE_FORM).from_data(data)
    intake.validate()
    wrong += [
        f"{FIELD_OF[name]}: {intake.errors[name][0]}" for name in data if name in intake.errors
    ]
    if packet.get("prs_FirstName") is not None:
        names = VictimNameForm(formdata=as_formdata({"victim_name": packet["prs_FirstName"]}))
        if not names.validate():
            wrong.append(f"prs_FirstName: {names.victim_name.errors[0]}")
    return wrong
