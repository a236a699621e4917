"""The receiving civil affairs: incoming hand-overs listed, previewed, accepted or refused; the
signed answer reaches the sender's timeline once."""

import json
import threading
import uuid
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

import pytest
from sqlalchemy import delete, select

from exchange import answers, incoming, receipts, sending
from exchange.packets import HANDOVER_FORM, build_packet
from exchange.signing import new_signing_key, public_key, sign, signing_key, verify
from forms.examples import EXAMPLES
from models import (
    DEPARTMENT_CODES,
    AuditEvent,
    Case,
    CaseIndicator,
    CaseStatus,
    DeliveryStatus,
    EventType,
    HandoverStatus,
    HumanTask,
    Incident,
    IncomingHandover,
    Notification,
    OutgoingAnswer,
    OutgoingHandover,
    PeerProvince,
    PhaseCount,
    ProcessInstance,
    TimelineEvent,
    VictimCount,
    db,
)
from webapp import demo
from workflows import engine
from workflows.evaluation.recorder import ALL_REGIONS, rebuild
from workflows.pathways import deploy

DIAGRAMS = Path(__file__).parent / "diagrams"
SICHUAN = signing_key(new_signing_key())
HOME_KEY = new_signing_key()


@pytest.fixture(autouse=True)
def sichuan_is_a_peer(app, monkeypatch):
    """Sichuan's deployment is registered; this one has a signing key to answer with."""
    monkeypatch.setitem(app.config, "SIGNING_KEY", HOME_KEY)
    db.session.add(
        PeerProvince(code="sichuan", public_key=public_key(SICHUAN), api_url="http://sc.test")
    )
    db.session.commit()
    yield
    db.session.rollback()
    db.session.execute(delete(PeerProvince))
    db.session.commit()


def _receive(client, app, **changes) -> IncomingHandover:
    packet = {
        "packetId": str(uuid.uuid4()),
        "htcdsVersion": "2.0",
        "hcd_SenderProvince": "sichuan",
        "hcd_ReceiverProvince": app.config["HOME_PROVINCE"],
        "hcd_SenderCaseNumber": "HC-2026-SCAB23",
        "cas_OutgoingReferralDate": "2026-11-20",
        "cas_ReferredOrganisation": "Fuzhou civil affairs bureau",
        "hcd_SupportHandedOver": ["schooling", "psychological_care"],
        "hcd_PersonalDataShared": True,
        "prs_FirstName": "Wang Fang",
        "prs_Gender": "Female",
        "prs_Nationality": "CN",
        "prs_MailingState": "fujian",
        "hcd_Age": 14,
        "hcd_Disability": False,
    } | changes
    body = {"packet": packet, "signature": sign(SICHUAN, packet)}
    assert client.post("/api/v1/handovers", json=body).status_code == 201
    return db.session.scalar(select(IncomingHandover).filter_by(packet_id=packet["packetId"]))


def test_civil_affairs_preview_what_was_sent_in_both_languages(client, app, login, audits):
    handover = _receive(client, app)
    login("civil_affairs", locale="en")
    listing = client.get("/handovers").get_data(as_text=True)
    assert "Incoming hand-overs" in listing and "HC-2026-SCAB23" in listing
    assert "Sichuan" in listing and "waiting for an answer" in listing
    page = client.get(f"/handovers/{handover.id}").get_data(as_text=True)
    for shown in (
        "Wang Fang",
        "Sender&#39;s case number",
        "School enrolment and adaptation",
        "Psychological care",
        "Fuzhou civil affairs bureau",
        "female",
        "14",
    ):
        assert shown in page, shown
    assert audits("handover_previewed", allowed=True) == 1
    client.post("/locale", data={"locale": "zh"})
    chinese = client.get(f"/handovers/{handover.id}").get_data(as_text=True)
    assert "四川" in chinese and "接收" in chinese


def test_accepting_opens_a_case_at_the_reunion_linked_to_the_sender(client, app, login, audits):
    handover = _receive(client, app)
    login("civil_affairs", locale="en")
    waiting = '<span class="badge" aria-label="waiting for an answer">1</span>'
    assert waiting in client.get("/handovers").get_data(as_text=True)  # the menu says so
    answer = client.post(f"/handovers/{handover.id}/accept")
    assert answer.status_code == 303
    db.session.rollback()
    handover = db.session.get(IncomingHandover, handover.id)
    case = db.session.get(Case, handover.case_id)
    assert handover.status == HandoverStatus.ACCEPTED and answer.location.endswith(case.number)
    assert case.victim_name == "Wang Fang"
    task = db.session.scalar(select(HumanTask).filter_by(case_id=case.id))
    assert (task.form_key, task.department.code) == ("return_reunion", "civil_affairs")
    page = client.get(f"/cases/{case.number}").get_data(as_text=True)
    assert "Case received from the province of Sichuan (their case HC-2026-SCAB23)" in page
    assert audits("handover_accepted", case_id=case.id) == 1
    diagram = client.get(f"/cases/{case.number}/diagram.json").get_json()
    assert diagram["top"] == "received" and "follow_up" in diagram["diagrams"]
    assert client.get(f"/cases/{case.number}/diagram").status_code == 200
    sent = db.session.scalar(select(OutgoingAnswer))
    assert sent.receiver == "sichuan" and sent.status == DeliveryStatus.PENDING
    assert sent.packet["hcd_Action"] == "accepted"
    assert sent.packet["hcd_ReceiverCaseNumber"] == case.number
    assert verify(public_key(signing_key(HOME_KEY)), sent.packet, sent.signature)
    assert client.post(f"/handovers/{handover.id}/accept").status_code == 409  # once only
    assert waiting not in client.get("/handovers").get_data(as_text=True)


def test_refusing_needs_a_reason_which_goes_back_signed(client, app, login, audits):
    handover = _receive(client, app)
    login("civil_affairs", locale="en")
    empty = client.post(f"/handovers/{handover.id}/refuse", data={"reason": "  "})
    assert empty.status_code == 422
    assert "Say why the hand-over is refused." in empty.get_data(as_text=True)
    reason = "The family moved to Guangdong; hand over to Guangdong instead."
    assert (
        client.post(f"/handovers/{handover.id}/refuse", data={"reason": reason}).status_code == 303
    )
    db.session.rollback()
    refused = db.session.get(IncomingHandover, handover.id)
    assert refused.status == HandoverStatus.REFUSED and "prs_FirstName" not in refused.packet
    sent = db.session.scalar(select(OutgoingAnswer))
    assert sent.packet["hcd_Action"] == "refused" and sent.packet["hcd_RefusalReason"] == reason
    assert db.session.scalar(select(Case)) is None
    assert client.post(f"/handovers/{handover.id}/accept").status_code == 409


@pytest.mark.parametrize(
    ("locale", "message"),
    [
        ("en", "This hand-over cannot open a case: hcd_Age: "),
        ("zh", "此交接无法开立案件：hcd_Age: "),  # noqa: RUF001
    ],
)
def test_a_packet_stored_before_bad_ones_were_refused_opens_no_case(
    client, app, login, locale, message
):
    """A packet whose victim data the intake page refuses (stored before such packets were
    refused on arrival) opens no case: the page says what is wrong, and it can be refused."""
    handover = _receive(client, app)
    handover.packet = handover.packet | {"hcd_Age": 200}
    db.session.commit()
    login("civil_affairs", locale=locale)
    answer = client.post(f"/handovers/{handover.id}/accept")
    assert answer.status_code == 422 and message in answer.get_data(as_text=True)
    db.session.rollback()
    assert db.session.get(IncomingHandover, handover.id).status == HandoverStatus.RECEIVED
    assert db.session.scalar(select(Case)) is None
    assert db.session.scalar(select(OutgoingAnswer)) is None
    reason = "hcd_Age: 200 is no age; please correct it and send the packet again."
    refused = client.post(f"/handovers/{handover.id}/refuse", data={"reason": reason})
    assert refused.status_code == 303


def test_a_rule_failing_as_the_received_case_opens_is_an_incident_and_the_packet_waits(
    restore_pathway, client, app, login
):
    probe = (DIAGRAMS / "incident_opening_probe.bpmn").read_text()
    failing = probe.replace("RULE", "age / 0 > 1").replace("incident_opening_probe", "received")
    deploy({"received.bpmn": failing.encode()}, DEPARTMENT_CODES, process_id="received")
    db.session.commit()
    handover = _receive(client, app)
    login("civil_affairs", locale="en")
    answer = client.post(f"/handovers/{handover.id}/accept")
    assert answer.status_code == 409
    assert "a manager has been told" in answer.get_data(as_text=True)
    db.session.rollback()
    (incident,) = db.session.scalars(select(Incident))
    assert incident.error_type == "ZeroDivisionError" and incident.case_id is None
    assert db.session.get(IncomingHandover, handover.id).status == HandoverStatus.RECEIVED
    assert db.session.scalar(select(Case)) is None
    assert db.session.scalar(select(OutgoingAnswer)) is None


def test_a_withdrawn_packet_can_no_longer_be_accepted(client, app, login):
    handover = _receive(client, app)
    keys = ("packetId", "hcd_SenderProvince", "hcd_ReceiverProvince", "hcd_SenderCaseNumber")
    request = {k: handover.packet[k] for k in keys} | {"hcd_Action": "withdraw"}
    body = {"packet": request, "signature": sign(SICHUAN, request)}
    assert client.post("/api/v1/handovers/withdraw", json=body).status_code == 200
    login("civil_affairs", locale="en")
    refused = client.post(f"/handovers/{handover.id}/accept")
    assert refused.status_code == 409
    assert "already answered or withdrawn" in refused.get_data(as_text=True)
    assert "Wang Fang" not in client.get(f"/handovers/{handover.id}").get_data(as_text=True)
    db.session.rollback()
    kept = db.session.get(IncomingHandover, handover.id).packet
    assert kept["hcd_PersonalDataShared"] is False and "prs_FirstName" not in kept
    db.session.rollback()
    assert (
        db.session.scalar(select(Case)) is None
        and db.session.scalar(select(OutgoingAnswer)) is None
    )


@pytest.mark.parametrize("username", ["police", "admin", "reviewer", "health_head"])
def test_only_civil_affairs_social_workers_receive(client, app, login, audits, username):
    handover = _receive(client, app)
    login(username)
    assert client.get("/handovers").status_code == 403
    assert client.post(f"/handovers/{handover.id}/accept").status_code == 403
    assert audits("handovers_refused", allowed=False) == 2
    db.session.rollback()
    assert db.session.get(IncomingHandover, handover.id).status == HandoverStatus.RECEIVED


def test_without_a_signing_key_nothing_is_decided(client, app, login, monkeypatch):
    handover = _receive(client, app)
    monkeypatch.setitem(app.config, "SIGNING_KEY", None)
    login("civil_affairs", locale="en")
    assert client.post(f"/handovers/{handover.id}/accept").status_code == 503
    db.session.rollback()
    assert db.session.get(IncomingHandover, handover.id).status == HandoverStatus.RECEIVED


@pytest.fixture
def sent_to_sichuan(app, open_case):
    """A case of this deployment whose packet Sichuan received."""
    case = open_case()
    outgoing = OutgoingHandover(
        packet_id=str(uuid.uuid4()),
        case_id=case.id,
        receiver="sichuan",
        packet={"hcd_SenderCaseNumber": case.number},
        signature="x",
        status=DeliveryStatus.DELIVERED,
        first_sent_at=datetime.now(UTC),
    )
    db.session.add(outgoing)
    db.session.commit()
    return outgoing


def _answer(app, outgoing, case_number, **changes) -> dict:
    answer = {
        "packetId": outgoing.packet_id,
        "hcd_SenderProvince": app.config["HOME_PROVINCE"],
        "hcd_ReceiverProvince": "sichuan",
        "hcd_SenderCaseNumber": case_number,
        "hcd_Action": "accepted",
        "hcd_ReceiverCaseNumber": "HC-2026-SC9999",
    } | changes
    return {"packet": answer, "signature": sign(SICHUAN, answer)}


def test_the_answer_lands_on_the_senders_timeline_once(client, app, sent_to_sichuan, login):
    case = db.session.get(Case, sent_to_sichuan.case_id)
    body = _answer(app, sent_to_sichuan, case.number)
    assert client.post("/api/v1/handovers/answers", json=body).status_code == 201
    assert client.post("/api/v1/handovers/answers", json=body).status_code == 200  # a replay
    db.session.rollback()
    events = db.session.scalars(
        select(TimelineEvent).filter_by(case_id=case.id, event_type=EventType.HANDOVER_ACCEPTED)
    ).all()
    assert len(events) == 1 and events[0].data["case_number"] == "HC-2026-SC9999"
    assert db.session.get(OutgoingHandover, sent_to_sichuan.id).status == DeliveryStatus.ACCEPTED
    login("police", locale="en")
    page = client.get(f"/cases/{case.number}").get_data(as_text=True)
    assert "Hand-over accepted by the province of Sichuan: their case HC-2026-SC9999" in page


def test_an_answer_to_a_withdrawn_packet_changes_nothing(client, app, sent_to_sichuan):
    """Only a broken or hostile peer answers a packet whose withdrawal it confirmed: the
    packet stays withdrawn, nothing lands on the timeline, and Sichuan's receipt says so."""
    sent_to_sichuan.status = DeliveryStatus.WITHDRAWN
    db.session.commit()
    case = db.session.get(Case, sent_to_sichuan.case_id)
    answered = client.post(
        "/api/v1/handovers/answers", json=_answer(app, sent_to_sichuan, case.number)
    )
    assert answered.status_code == 200 and answered.get_json()["status"] == "withdrawn"
    db.session.rollback()
    assert db.session.get(OutgoingHandover, sent_to_sichuan.id).status == DeliveryStatus.WITHDRAWN
    accepted = select(TimelineEvent).filter_by(
        case_id=case.id, event_type=EventType.HANDOVER_ACCEPTED
    )
    assert db.session.scalars(accepted).all() == []


def test_a_refusal_shows_its_reason_and_a_forged_answer_is_refused(
    client, app, sent_to_sichuan, login, users
):
    """The reason, free text from another province (it may say where the family lives), is
    read by the readers of its class only."""
    case = db.session.get(Case, sent_to_sichuan.case_id)
    demo.advance_case(case, users, 6)  # civil affairs and health have worked on it
    db.session.commit()
    forged = _answer(app, sent_to_sichuan, case.number)
    forged["signature"] = sign(signing_key(new_signing_key()), forged["packet"])
    assert client.post("/api/v1/handovers/answers", json=forged).status_code == 403
    refusal = db.session.scalars(
        select(AuditEvent).filter_by(action="handover_refused").order_by(AuditEvent.id.desc())
    ).first()
    assert refusal.detail["receiver"] == "sichuan" and "sender" not in refusal.detail
    no_reason = _answer(app, sent_to_sichuan, case.number, hcd_Action="refused")
    assert client.post("/api/v1/handovers/answers", json=no_reason).status_code == 422
    body = _answer(
        app,
        sent_to_sichuan,
        case.number,
        hcd_Action="refused",
        hcd_RefusalReason="Family not found at the address given",
    )
    assert client.post("/api/v1/handovers/answers", json=body).status_code == 201
    db.session.rollback()
    event = db.session.scalar(
        select(TimelineEvent).filter_by(event_type=EventType.HANDOVER_REFUSED)
    )
    assert event.data["reason"] == "Family not found at the address given"
    assert answers.receive_answer(body["packet"], body["signature"], home="fujian")[1] is False
    told = db.session.scalars(select(Notification).filter_by(kind="handover_refused")).all()
    assert sorted((n.user.username, n.case_id) for n in told) == [  # once each, not per replay
        ("civil_affairs", case.id),
        ("civil_affairs_head", case.id),
    ]
    page = login("civil_affairs", "en").get("/notifications/").get_data(as_text=True)
    assert "The other province did not take the hand-over: decide what happens now" in page
    for username, reads in (("civil_affairs", True), ("police", True), ("health", False)):
        page = login(username, "en").get(f"/cases/{case.number}").get_data(as_text=True)
        assert "Hand-over refused by the province of Sichuan" in page, username
        assert ("Family not found at the address given" in page) is reads, username


def test_the_received_case_goes_on_to_follow_up_after_the_reunion(client, app, users):
    handover = _receive(client, app)
    case = incoming.accept(handover, users["civil_affairs"], signing_key(HOME_KEY), home="fujian")
    db.session.commit()
    task = db.session.scalar(select(HumanTask).filter_by(case_id=case.id))
    engine.complete_task(task.id, EXAMPLES["return_reunion"], users["civil_affairs"])
    db.session.commit()
    instance = db.session.scalar(select(ProcessInstance).filter_by(case_id=case.id))
    assert case.status == CaseStatus.OPEN and instance.next_timer_at is not None
    assert instance.pathway_version.process_id == "received"


def _counted() -> tuple[dict, dict]:
    """This deployment's victims by (dimension, value) and open cases by phase, all regions."""
    victims = db.session.execute(
        select(VictimCount.dimension, VictimCount.value, VictimCount.count).filter_by(
            region=ALL_REGIONS
        )
    )
    phases = db.session.execute(
        select(PhaseCount.phase, PhaseCount.count).filter_by(region=ALL_REGIONS)
    )
    return (
        {(dimension, value): n for dimension, value, n in victims if n},
        {phase: n for phase, n in phases if n},
    )


def test_a_received_case_counts_in_the_evaluation_from_what_was_shared(client, app, users):
    """The receiving province evaluates its care of the victim: a girl of 14 from Fujian,
    at the reunion at home; the roll-ups a rebuild would give."""
    handover = _receive(client, app)
    case = incoming.accept(handover, users["civil_affairs"], signing_key(HOME_KEY), home="fujian")
    db.session.commit()
    row = db.session.get(CaseIndicator, case.id)
    assert (row.sex, row.age, row.origin_province, row.phase) == (
        "female",
        14,
        "fujian",
        "return_home",
    )
    victims, phases = _counted()
    assert victims[("total", "cases")] == 1 and victims[("sex_child", "female:child")] == 1
    assert phases == {"return_home": 1}
    assert rebuild() == 1
    db.session.commit()
    assert _counted() == (victims, phases)


@pytest.fixture
def handed_to_sichuan(open_case, users):
    """A case this deployment's civil affairs handed over to Sichuan, whose packet Sichuan
    received (as its worker would have sent it)."""
    case = open_case()
    demo.advance_case(case, users, 60, stop_at=HANDOVER_FORM)
    demo.advance_case(case, users, 1)
    db.session.commit()
    packet = build_packet(case, sender="fujian")
    outgoing = OutgoingHandover(
        packet_id=packet["packetId"],
        case_id=case.id,
        receiver="sichuan",
        packet=packet,
        signature="x",
        status=DeliveryStatus.DELIVERED,
        first_sent_at=datetime.now(UTC),
    )
    db.session.add(outgoing)
    db.session.commit()
    return outgoing


def _withdrawal_page(client, case) -> tuple[int, str]:
    answer = client.post(f"/cases/{case.number}/handover/withdraw")
    return answer.status_code, answer.get_data(as_text=True)


def test_only_civil_affairs_withdraw_a_hand_over_and_nothing_changes_if_refused(
    client, login, handed_to_sichuan, audits
):
    case = db.session.get(Case, handed_to_sichuan.case_id)
    login("police", locale="en")
    page = client.get(f"/cases/{case.number}").get_data(as_text=True)
    assert "To the province of Sichuan: delivered, waiting for their answer." in page
    assert "Withdraw the hand-over" not in page
    assert _withdrawal_page(client, case)[0] == 403
    assert audits("handover_withdrawal_refused", case_id=case.id, allowed=False) == 1
    login("civil_affairs", locale="zh")
    page = client.get(f"/cases/{case.number}").get_data(as_text=True)
    assert "移交给外省" in page and "撤回移交" in page
    assert db.session.get(OutgoingHandover, handed_to_sichuan.id).status == DeliveryStatus.DELIVERED


def test_a_delivered_hand_over_is_not_withdrawn_while_the_receiver_cannot_be_asked(
    client, login, handed_to_sichuan, audits
):
    peer = db.session.scalar(select(PeerProvince).filter_by(code="sichuan"))
    peer.api_url = "http://127.0.0.1:9"  # nothing listens there: refused at once
    db.session.commit()
    case = db.session.get(Case, handed_to_sichuan.case_id)
    login("civil_affairs", locale="en")
    status, page = _withdrawal_page(client, case)
    assert status == 503 and "did not confirm the withdrawal; this case is unchanged" in page
    assert db.session.get(OutgoingHandover, handed_to_sichuan.id).status == DeliveryStatus.DELIVERED
    events = select(TimelineEvent).filter_by(case_id=case.id, event_type="handover_withdrawn")
    assert db.session.scalars(events).all() == []
    assert audits("handover_withdrawal_requested", case_id=case.id) == 1
    assert audits("handover_withdrawn", case_id=case.id) == 0


def test_nothing_to_withdraw_or_no_key_is_said_and_changes_nothing(
    client, login, open_case, users, handed_to_sichuan, app, monkeypatch
):
    staying = open_case("Chen Hua")
    demo.advance_case(staying, users, 60, stop_at=HANDOVER_FORM)  # not handed over (yet)
    db.session.commit()
    login("civil_affairs", locale="en")
    status, page = _withdrawal_page(client, staying)
    assert status == 409 and "already answered or withdrawn" in page
    assert client.post("/cases/HC-2026-NOSUCH/handover/withdraw").status_code == 404
    monkeypatch.setitem(app.config, "SIGNING_KEY", None)
    status, page = _withdrawal_page(client, db.session.get(Case, handed_to_sichuan.case_id))
    assert status == 503 and "no signing key" in page
    assert db.session.get(OutgoingHandover, handed_to_sichuan.id).status == DeliveryStatus.DELIVERED


@pytest.fixture
def sichuan():
    """Sichuan's API as a local server answering every post with `sichuan.answer` (200 by
    default) and, unless `sichuan.receipt` is False, its signed receipt saying the packet is
    withdrawn; the posts' paths in `sichuan.asked`."""

    class Sichuan(BaseHTTPRequestHandler):
        asked, answer, receipt = [], 200, True

        def do_POST(self):
            self.asked.append(self.path)
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            packet_id = body["packet"]["packetId"]
            kind = receipts.WITHDRAWAL
            answer = receipts.receipt(SICHUAN, packet_id, kind, "withdrawn", home="sichuan")
            raw = json.dumps(answer).encode() if self.receipt else b"<html>OK</html>"
            self.send_response(self.answer)
            self.send_header("Content-Length", str(len(raw)))
            self.end_headers()
            self.wfile.write(raw)

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Sichuan)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    peer = db.session.scalar(select(PeerProvince).filter_by(code="sichuan"))
    peer.api_url = f"http://127.0.0.1:{server.server_port}"
    db.session.commit()
    yield Sichuan
    server.shutdown()
    server.server_close()


def _pending(outgoing: OutgoingHandover, first_sent_at) -> None:
    row = db.session.get(OutgoingHandover, outgoing.id)
    row.status, row.first_sent_at = DeliveryStatus.PENDING, first_sent_at
    db.session.commit()


def _status(outgoing: OutgoingHandover) -> DeliveryStatus:
    db.session.expire_all()
    return db.session.get(OutgoingHandover, outgoing.id).status


def test_a_peer_disabled_or_removed_is_not_asked(client, login, handed_to_sichuan, sichuan):
    """Disabled or removed, Sichuan is not asked: a packet that may have reached it stays
    (409, saying an administrator can enable it, in English and Chinese); one no worker has
    taken to send is withdrawn here (it never left)."""
    peer = db.session.scalar(select(PeerProvince).filter_by(code="sichuan"))
    peer.enabled = False
    db.session.commit()
    case = db.session.get(Case, handed_to_sichuan.case_id)
    login("civil_affairs", locale="en")
    status, page = _withdrawal_page(client, case)
    assert status == 409 and sichuan.asked == []
    assert "The province of Sichuan is disabled or no longer registered here" in page
    assert _status(handed_to_sichuan) == DeliveryStatus.DELIVERED
    db.session.delete(db.session.scalar(select(PeerProvince).filter_by(code="sichuan")))
    db.session.commit()
    _pending(handed_to_sichuan, first_sent_at=datetime.now(UTC))  # sent, not acknowledged
    client.post("/locale", data={"locale": "zh"})
    status, page = _withdrawal_page(client, case)
    assert status == 409 and "四川省已停用或已不在本系统登记" in page
    assert _status(handed_to_sichuan) == DeliveryStatus.PENDING
    _pending(handed_to_sichuan, first_sent_at=None)
    assert client.post(f"/cases/{case.number}/handover/withdraw").status_code == 303
    assert sichuan.asked == [] and _status(handed_to_sichuan) == DeliveryStatus.WITHDRAWN


def test_a_packet_sent_but_not_acknowledged_is_withdrawn_only_on_the_receivers_word(
    client, login, handed_to_sichuan, sichuan
):
    """The receiver may hold a packet whose acknowledgement was lost: it stays pending until
    the receiver withdraws it (there, or before it comes)."""
    case = db.session.get(Case, handed_to_sichuan.case_id)
    login("civil_affairs", locale="en")
    _pending(handed_to_sichuan, first_sent_at=datetime.now(UTC))
    sichuan.answer = 500
    status, page = _withdrawal_page(client, case)
    assert status == 503 and "did not confirm the withdrawal; this case is unchanged" in page
    assert _status(handed_to_sichuan) == DeliveryStatus.PENDING
    sichuan.answer, sichuan.receipt = 200, False  # a proxy's page, not Sichuan's word
    assert _withdrawal_page(client, case)[0] == 503
    assert _status(handed_to_sichuan) == DeliveryStatus.PENDING
    sichuan.receipt = True
    assert _withdrawal_page(client, case)[0] == 303
    assert _status(handed_to_sichuan) == DeliveryStatus.WITHDRAWN
    assert sending.claim_due(datetime.now(UTC) + timedelta(days=1)) is None  # never sent again
    assert sichuan.asked == ["/api/v1/handovers/withdraw"] * 3
