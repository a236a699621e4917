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

from models import Case, EventType, TimelineEvent, db
from workflows import consent as ledger

HTCDS_VERSION = "2.0"
HANDOVER_FORM = "return_province_handover"
GENDERS = {"female": "Female", "male": "Male"}
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
    return {event.data.get("form_key", "case_open"): event.data.get("data", {}) for event in events}


def recorded_consent(case: Case, answers: dict[str, dict]) -> bool:
    """Consent as the pathway records it (given on the return plan, and the file shared), and
    not refused or withdrawn in the consent ledger's export purpose (`allows_export`)."""
    plan, handover = answers.get("return_plan", {}), answers.get(HANDOVER_FORM, {})
    recorded = plan.get("origin_data_consent") is True and handover.get("case_file_shared") is True
    return recorded and ledger.allows_export(case, unasked=True)


def _person(case: Case, answers: dict[str, dict]) -> dict:
    """The victim as the receiver's care needs them (only with consent)."""
    intake, identified = answers.get("case_open", {}), answers.get("rescue_identification", {})
    return {
        "prs_FirstName": case.victim_name,  # the whole name: Chinese names are not split
        "prs_Gender": GENDERS.get(intake.get("sex"), "Unknown"),
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
