"""Two real deployments through HTTP (see tests/provinces.py): the receiver down then up, an
acceptance and a refusal through Yunnan's web pages, replays, bad signature, withdrawal."""

import re
import time
from datetime import UTC, datetime

from sqlalchemy import text

from exchange.signing import new_signing_key, public_key, sign, signing_key, verify
from models import (
    Case,
    ConsentGiver,
    ConsentMethod,
    ConsentPurpose,
    DeliveryStatus,
    EventType,
    OutgoingHandover,
    db,
)
from tests.provinces import (
    FUJIAN_KEY,
    answers_sent,
    civil_affairs,
    decide,
    post,
    received,
    serve,
    stop,
    timeline,
    yunnan_rows,
    yunnan_sql,
)
from workflows import consent
from workflows.consent import ConsentAnswer


def test_a_hand_over_reaches_a_receiver_that_was_down(fujian, yunnan, fujian_server):
    stop(yunnan)
    first = fujian()  # Yunnan is not serving
    assert first.status == DeliveryStatus.PENDING and first.attempts == 1
    assert first.last_error == "ConnectionRefusedError"
    serve(yunnan)
    serve(fujian_server)
    time.sleep(max((first.next_attempt_at - datetime.now(UTC)).total_seconds(), 0) + 0.1)
    delivered = fujian(first.case_id)
    assert delivered.status == DeliveryStatus.DELIVERED
    assert received(yunnan, delivered.packet_id) == [("RECEIVED", None)]
    assert fujian(first.case_id).attempts == 1  # nothing is sent again once acknowledged


def test_accepted_through_the_web_the_answer_reaches_the_senderstimeline(
    fujian, yunnan, fujian_server, client, login
):
    serve(yunnan)
    serve(fujian_server)
    outgoing = fujian()
    assert outgoing.status == DeliveryStatus.DELIVERED
    accepted = decide(yunnan, outgoing.packet_id, "accept")
    assert accepted.status_code == 303 and "/cases/HC-" in accepted.headers["Location"]
    ((status, case_id),) = received(yunnan, outgoing.packet_id)
    number = yunnan_rows(yunnan, "select number from cases where id = :c", c=case_id)[0][0]
    assert status == "ACCEPTED" and accepted.headers["Location"].endswith(number)
    cases_received = "select count(*) from timeline_events where event_type = 'case_received'"
    (opened,) = yunnan_rows(yunnan, cases_received)
    answers_sent(yunnan)
    (event,) = timeline(outgoing.case_id, EventType.HANDOVER_ACCEPTED)
    assert event.data["case_number"] == number and event.data["province"] == "yunnan"
    assert db.session.get(OutgoingHandover, outgoing.id).status == DeliveryStatus.ACCEPTED
    login("police", locale="en")
    page = client.get(f"/cases/{db.session.get(Case, outgoing.case_id).number}")
    assert f"Hand-over accepted by the province of Yunnan: their case {number}" in page.text

    # Replays create nothing twice: the packet sent again, the answer sent again (as by a
    # worker killed after sending, before its commit), an acceptance clicked again.
    packet = {"packet": outgoing.packet, "signature": outgoing.signature}
    assert post(yunnan["url"], packet) == 200
    assert decide(yunnan, outgoing.packet_id, "accept").status_code == 409
    db.session.rollback()
    resend = "update outgoing_answers set status = 'PENDING', next_attempt_at = delivered_at"
    yunnan_sql(yunnan, resend + " where packet_id = :p", p=outgoing.packet_id)
    answers_sent(yunnan)
    assert len(timeline(outgoing.case_id, EventType.HANDOVER_ACCEPTED)) == 1
    assert len(received(yunnan, outgoing.packet_id)) == 1
    assert yunnan_rows(yunnan, cases_received) == [opened]  # no second case opened
    delivered = "select status from outgoing_answers where packet_id = :p"
    assert yunnan_rows(yunnan, delivered, p=outgoing.packet_id) == [("DELIVERED",)]


def test_refused_with_a_reason_the_sender_reads_it(fujian, yunnan, fujian_server):
    serve(yunnan)
    serve(fujian_server)
    outgoing = fujian()
    reason = "The family now lives in Guizhou: please hand the case to Guizhou."
    refused = decide(yunnan, outgoing.packet_id, "refuse", reason=reason)
    assert refused.status_code == 303
    assert received(yunnan, outgoing.packet_id) == [("REFUSED", None)]
    answers_sent(yunnan)
    (event,) = timeline(outgoing.case_id, EventType.HANDOVER_REFUSED)
    assert event.data["reason"] == reason
    assert db.session.get(OutgoingHandover, outgoing.id).status == DeliveryStatus.REFUSED


def test_replay_bad_signature_and_withdrawal_over_http(fujian, yunnan, fujian_server):
    serve(yunnan)
    outgoing = fujian()
    body = {"packet": outgoing.packet, "signature": outgoing.signature}
    assert post(yunnan["url"], body) == 200  # a replay: acknowledged, nothing new
    forged = body | {"signature": sign(signing_key(new_signing_key()), outgoing.packet)}
    assert post(yunnan["url"], forged) == 403
    changed = {"packet": outgoing.packet | {"prs_FirstName": "X"}, "signature": body["signature"]}
    assert post(yunnan["url"], changed) == 403
    assert len(received(yunnan, outgoing.packet_id)) == 1
    serve(fujian_server)  # an acceptance forged in Yunnan's name reaches Fujian's timeline not
    keys = ("packetId", "hcd_SenderProvince", "hcd_ReceiverProvince", "hcd_SenderCaseNumber")
    answer = {name: outgoing.packet[name] for name in keys} | {
        "hcd_Action": "accepted",
        "hcd_ReceiverCaseNumber": "HC-FORGED",
    }
    forged = {"packet": answer, "signature": sign(signing_key(new_signing_key()), answer)}
    assert post(fujian_server["url"], forged, "/api/v1/handovers/answers") == 403
    assert timeline(outgoing.case_id, EventType.HANDOVER_ACCEPTED) == []


def _withdraw(client, case_id: int):
    """Fujian's civil affairs press "Withdraw the hand-over" on the case's page."""
    number = db.session.get(Case, case_id).number
    db.session.rollback()  # no open read: SQLite lets one transaction at a time in
    return client.post(f"/cases/{number}/handover/withdraw")


def test_withdrawn_from_the_case_page_yunnan_can_no_longer_accept(
    fujian, yunnan, client, login, app, monkeypatch
):
    monkeypatch.setitem(app.config, "SIGNING_KEY", FUJIAN_KEY)
    serve(yunnan)
    outgoing = fujian()
    assert outgoing.status == DeliveryStatus.DELIVERED
    login("civil_affairs", locale="en")
    number = db.session.get(Case, outgoing.case_id).number
    page = client.get(f"/cases/{number}").get_data(as_text=True)
    assert "To the province of Yunnan: delivered, waiting for their answer." in page
    stop(yunnan)  # Yunnan cannot be asked: nothing changes, and the user is told
    down = _withdraw(client, outgoing.case_id)
    assert down.status_code == 503 and "did not confirm" in down.get_data(as_text=True)
    assert fujian.outgoing(outgoing.case_id).status == DeliveryStatus.DELIVERED
    serve(yunnan)
    withdrawn = _withdraw(client, outgoing.case_id)
    assert withdrawn.status_code == 303
    assert fujian.outgoing(outgoing.case_id).status == DeliveryStatus.WITHDRAWN
    assert received(yunnan, outgoing.packet_id) == [("WITHDRAWN", None)]
    (event,) = timeline(outgoing.case_id, EventType.HANDOVER_WITHDRAWN)
    assert event.data == {"province": "yunnan", "packet": outgoing.packet_id}
    page = client.get(f"/cases/{number}").get_data(as_text=True)
    assert "Hand-over to the province of Yunnan withdrawn" in page
    assert "Withdraw the hand-over" not in page
    assert _withdraw(client, outgoing.case_id).status_code == 409  # once only
    assert decide(yunnan, outgoing.packet_id, "accept").status_code == 409


def test_a_packet_not_yet_delivered_is_withdrawn_on_yunnans_word_and_never_taken(
    fujian, yunnan, client, login, app, monkeypatch
):
    monkeypatch.setitem(app.config, "SIGNING_KEY", FUJIAN_KEY)
    stop(yunnan)
    outgoing = fujian()  # Yunnan is down: the packet waits to be sent again
    assert outgoing.status == DeliveryStatus.PENDING
    assert outgoing.first_sent_at is None  # the connection was refused: nothing reached it
    db.session.rollback()  # as if a later attempt's answer was lost: it might have arrived
    sent = "update outgoing_handovers set first_sent_at = :now where id = :id"
    db.session.execute(text(sent), {"now": datetime.now(UTC), "id": outgoing.id})
    db.session.commit()
    login("civil_affairs", locale="zh")
    down = _withdraw(client, outgoing.case_id)  # it might have arrived: Yunnan must say
    assert down.status_code == 503 and "未确认撤回" in down.get_data(as_text=True)
    assert fujian.outgoing(outgoing.case_id).status == DeliveryStatus.PENDING
    serve(yunnan)
    withdrawn = _withdraw(client, outgoing.case_id)  # Yunnan withdraws it before it comes
    assert withdrawn.status_code == 303
    assert fujian.outgoing(outgoing.case_id).status == DeliveryStatus.WITHDRAWN
    db.session.rollback()
    sql = "update outgoing_handovers set next_attempt_at = :now where id = :id"
    db.session.execute(text(sql), {"now": datetime.now(UTC), "id": outgoing.id})
    db.session.commit()  # due now, were it still pending
    fujian(outgoing.case_id)
    assert fujian.outgoing(outgoing.case_id).attempts == 1  # not sent again
    late = {"packet": outgoing.packet, "signature": outgoing.signature}
    assert post(yunnan["url"], late) == 410  # as a worker posting it at that moment would
    assert received(yunnan, outgoing.packet_id) == []


def test_a_packet_the_receiver_refuses_to_take_shows_why_to_the_sender(
    fujian, yunnan, client, login
):
    """Yunnan no longer lists Fujian as a peer: the packet stays pending, retried, and
    Fujian's case page and peers page say what Yunnan answered."""
    serve(yunnan)
    disabled = "update peer_provinces set enabled = :on where code = 'fujian'"
    yunnan_sql(yunnan, disabled, on=False)
    try:
        outgoing = fujian()
    finally:
        yunnan_sql(yunnan, disabled, on=True)
    assert outgoing.status == DeliveryStatus.PENDING and outgoing.attempts == 1
    assert outgoing.last_error == "HTTP 422: packet refused: UnknownSender: fujian"
    assert received(yunnan, outgoing.packet_id) == []
    number = db.session.get(Case, outgoing.case_id).number
    login("civil_affairs", locale="en")
    page = client.get(f"/cases/{number}").get_data(as_text=True)
    assert (
        "1 failed try so far; the last, " in page
        and "HTTP 422: packet refused: UnknownSender: fujian" in page
    )
    login("civil_affairs", locale="zh")
    chinese = client.get(f"/cases/{number}").get_data(as_text=True)
    assert "已失败 1 次，最后一次于 " in chinese  # noqa: RUF001
    login("admin", locale="en")
    (row,) = _peer_row(client.get("/admin/peers").get_data(as_text=True), "yunnan")
    assert "Hand-overs: 1, answers: 0" in row and "UnknownSender: fujian" in row


def _peer_row(page: str, code: str) -> list[str]:
    """The peers page's table row of one peer."""
    return re.findall(rf'<tr data-peer="{code}">.*?</tr>', page, re.S)


def test_a_consent_withdrawn_before_the_packet_left_keeps_the_name_at_home(
    fujian, yunnan, fujian_server, users
):
    """Yunnan was down when the victim withdrew her consent: the packet that leaves later
    carries no personal data, and Yunnan's civil affairs never read her name."""
    stop(yunnan)
    first = fujian()
    assert first.status == DeliveryStatus.PENDING
    assert first.packet["hcd_PersonalDataShared"] and first.packet["prs_FirstName"]
    police = users["police"]
    withdrawal = ConsentAnswer(
        ConsentPurpose.ROW_EXPORT, False, ConsentMethod.WRITTEN, ConsentGiver.VICTIM
    )
    department = police.memberships[0].department
    consent.record(
        db.session.get(Case, first.case_id), withdrawal, actor=police, department=department
    )
    db.session.commit()
    serve(yunnan)
    serve(fujian_server)
    time.sleep(max((first.next_attempt_at - datetime.now(UTC)).total_seconds(), 0) + 0.1)
    delivered = fujian(first.case_id)
    assert delivered.status == DeliveryStatus.DELIVERED
    assert delivered.packet["hcd_PersonalDataShared"] is False
    assert not {"prs_FirstName", "hcd_Age", "prs_Gender"} & set(delivered.packet)
    assert verify(public_key(signing_key(FUJIAN_KEY)), delivered.packet, delivered.signature)
    (handover_id,) = yunnan_rows(
        yunnan, "select id from incoming_handovers where packet_id = :p", p=first.packet_id
    )[0]
    preview = civil_affairs(yunnan).get(f"{yunnan['url']}/handovers/{handover_id}")
    assert preview.status_code == 200 and first.packet["prs_FirstName"] not in preview.text
