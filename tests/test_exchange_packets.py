"""The hand-over packet: HTCDS field names, what care needs, personal data only with consent."""

import json

import pytest

from exchange.packets import HANDOVER_FORM, build_packet
from exchange.signing import new_signing_key, public_key, sign, signing_key, verify
from models import ConsentGiver, ConsentMethod, ConsentPurpose, db
from webapp import demo
from workflows import consent


@pytest.fixture
def handed_over(open_case, users):
    """`handed_over(**answers)`: a case from Yunnan carried through its hand-over step."""

    def carry(**answers) -> object:
        case = open_case()
        demo.advance_case(case, users, 60, answers=answers, stop_at=HANDOVER_FORM)
        demo.advance_case(case, users, 1, answers=answers)
        db.session.commit()
        return case

    return carry


def test_the_packet_carries_what_the_home_province_needs(handed_over):
    case = handed_over()
    packet = build_packet(case, sender="fujian")
    assert packet["hcd_SenderCaseNumber"] == case.number
    assert packet["hcd_ReceiverProvince"] == "yunnan"
    assert packet["cas_ReasonForOutgoingReferral"] == "MigrationOrChangeOfLocation"
    assert packet["cas_OutgoingReferralDate"] == "2024-04-03"
    assert packet["cas_ReferredOrganisation"] == "Zhaotong Civil Affairs Bureau"
    assert packet["hcd_SupportHandedOver"] == ["schooling", "psychological_care", "follow_up"]
    assert packet["prs_FirstName"] == "Lin Xiaomei"
    assert packet["prs_Gender"] == "Female" and packet["prs_Nationality"] == "CN"
    assert packet["hcd_Age"] == 15  # as identified, not as first reported


def test_nothing_the_care_does_not_need_travels(handed_over):
    text = json.dumps(build_packet(handed_over(), sender="fujian"), ensure_ascii=False)
    for secret in ("FJ-PT-2024-0117", "household register", "hukou", "tip-off"):
        assert secret not in text


def test_without_consent_no_personal_data_travels(handed_over):
    case = handed_over(return_plan={"origin_data_consent": False})
    packet = build_packet(case, sender="fujian")
    assert packet["hcd_PersonalDataShared"] is False
    assert not [name for name in packet if name.startswith(("prs_", "vic_"))]
    assert "Lin Xiaomei" not in json.dumps(packet)


def test_a_consent_ledger_decides_when_given(handed_over):
    case = handed_over()
    packet = build_packet(case, sender="fujian", consent=lambda case, answers: False)
    assert "prs_FirstName" not in packet


def test_every_packet_has_its_own_id_and_signs(handed_over):
    case = handed_over()
    key = signing_key(new_signing_key())
    first, second = (build_packet(case, sender="fujian") for _ in range(2))
    assert first["packetId"] != second["packetId"]
    assert verify(public_key(key), first, sign(key, first))


def test_a_refused_export_consent_keeps_the_personal_data_home(handed_over, users):
    """The return plan agreed, but the consent ledger's export answer is now "no"."""
    case = handed_over()
    police = users["police"]
    answer = consent.ConsentAnswer(
        ConsentPurpose.ROW_EXPORT, False, ConsentMethod.VERBAL, ConsentGiver.VICTIM
    )
    consent.record(case, answer, actor=police, department=police.memberships[0].department)
    packet = build_packet(case, sender="fujian")
    assert packet["hcd_PersonalDataShared"] is False and "prs_FirstName" not in packet
