"""Closed-loop referrals: the directory, sending (consent checked), every FHIR status, the
one-time link of an outside organisation, withdrawal of consent, and escalated deadlines."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import delete, func, select, update

from models import (
    Escalation,
    Organisation,
    Referral,
    ReferralLink,
    ReferralStatus,
    TimelineEvent,
    db,
)
from workflows import referrals
from workflows.errors import ReferralStateInvalid

HOSPITAL = "Putian First Hospital"


@pytest.fixture
def hospital():
    """An outside hospital in the directory; removed after the test."""
    organisation = Organisation(
        name=HOSPITAL, kind="hospital", services=["medical_care"], contact="0594-2222222"
    )
    db.session.add(organisation)
    db.session.commit()
    yield organisation
    db.session.rollback()
    db.session.execute(delete(ReferralLink))
    db.session.execute(delete(Escalation))
    db.session.execute(delete(Referral))
    db.session.execute(delete(Organisation))
    db.session.commit()


def _agree(client, number, given="yes"):
    answer = {"purpose": "outside_referral", "given": given, "method": "written"}
    response = client.post(f"/cases/{number}/consent", data={**answer, "given_by": "victim"})
    assert response.status_code == 302


def _send_outside(client, number, organisation) -> str:
    response = client.post(
        f"/cases/{number}/refer",
        data={"service": "medical_care", "organisation": str(organisation.id)},
    )
    assert response.status_code == 200, response.get_data(as_text=True)
    return _link(response)


def _link(response) -> str:
    found = re.search(r'value="http://[^"]*(/r/[^"]+)"', response.get_data(as_text=True))
    assert found, response.get_data(as_text=True)
    return found.group(1)


def _status() -> ReferralStatus:
    db.session.rollback()
    return db.session.scalar(select(Referral.status))


def _events(kind) -> list[TimelineEvent]:
    return db.session.scalars(
        select(TimelineEvent).filter_by(event_type=kind).order_by(TimelineEvent.id)
    ).all()


def test_an_outside_referral_needs_the_victims_consent(open_case, hospital, login, client):
    number = open_case().number
    login("police", "en")
    data = {"service": "medical_care", "organisation": str(hospital.id)}
    response = client.post(f"/cases/{number}/refer", data=data)
    assert response.status_code == 409
    assert "has not agreed to a referral outside" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Referral)) == 0


def test_an_organisation_answers_through_one_time_links(open_case, hospital, login, client):
    number = open_case().number
    login("police")
    _agree(client, number)
    link = _send_outside(client, number, hospital)
    client.post("/logout")
    page = client.get(link + "?lang=en").get_data(as_text=True)
    assert number in page and "Lin Xiaomei" not in page and "FJ-PT-2024-0117" not in page
    assert "14" in page  # the age, a fact the hospital needs
    answered = client.post(link, data={"status": "accepted"})
    assert answered.status_code == 200 and _status() == ReferralStatus.ACCEPTED
    assert client.post(link, data={"status": "in-progress"}).status_code == 410  # used
    assert client.get(link).status_code == 410
    second = _link(answered)
    third = _link(client.post(second, data={"status": "in-progress"}))
    done = client.post(third, data={"status": "completed"})
    assert done.status_code == 200 and _status() == ReferralStatus.COMPLETED
    assert 'value="http' not in done.get_data(as_text=True)  # closed: no next link
    statuses = [e.data["status"] for e in _events("referral_status_changed")]
    assert statuses == ["accepted", "in-progress", "completed"]


def test_links_forged_expired_or_hostile_are_refused(open_case, hospital, login, client):
    number = open_case().number
    login("police")
    _agree(client, number)
    link = _send_outside(client, number, hospital)
    for forged in ("/r/" + "A" * 43, "/r/" + "x" * 500, "/r/%E4%B8%AD"):
        assert client.get(forged).status_code == 404
    assert client.get("/r/%00").status_code == 400  # no page reads an address with NUL
    assert client.post(link, data={"status": "cancelled", "reason": "x"}).status_code == 422
    assert client.post(link, data={"status": "requested"}).status_code == 422
    assert client.post(link, data={"status": "rejected"}).status_code == 409  # needs a reason
    assert _status() == ReferralStatus.REQUESTED
    db.session.execute(update(ReferralLink).values(expires_at=datetime.now(UTC) - timedelta(1)))
    db.session.commit()
    assert client.post(link, data={"status": "accepted"}).status_code == 410
    assert _status() == ReferralStatus.REQUESTED


def test_withdrawing_referral_consent_stops_pending_referrals(open_case, hospital, login, client):
    number = open_case().number
    login("police", "en")
    _agree(client, number)
    link = _send_outside(client, number, hospital)
    _agree(client, number, given="no")
    assert _status() == ReferralStatus.CANCELLED
    assert db.session.scalar(select(Referral.reason)) == referrals.CONSENT_WITHDRAWN
    page = client.get(f"/cases/{number}").get_data(as_text=True)
    assert "Referral for Medical care stopped: the consent was withdrawn" in page
    assert client.get(link).status_code == 410


def test_a_department_answers_in_the_app_through_every_status(open_case, login, client):
    number = open_case().number
    login("police")
    data = {"service": "medical_care", "to_department": "health"}
    assert client.post(f"/cases/{number}/refer", data=data).status_code == 302
    referral_id = db.session.scalar(select(Referral.id))
    login("health", "en")
    page = client.get("/referrals").get_data(as_text=True)
    assert number in page and "Medical care" in page and "Lin Xiaomei" not in page
    url = f"/referrals/{referral_id}"
    assert client.post(url, data={"status": "rejected"}).status_code == 303  # no reason
    for status in ("accepted", "in-progress", "failed"):
        assert (
            client.post(url, data={"status": status, "reason": "bed shortage"}).status_code == 302
        )
        assert _status() == status
    assert client.post(url, data={"status": "completed"}).status_code == 303  # already closed


@pytest.mark.parametrize("username", ["education", "reviewer", "police"])
def test_only_the_recipient_answers(username, open_case, login, client):
    number = open_case().number
    login("police")
    client.post(f"/cases/{number}/refer", data={"service": "schooling", "to_department": "health"})
    referral_id = db.session.scalar(select(Referral.id))
    login(username)
    response = client.post(f"/referrals/{referral_id}", data={"status": "accepted"})
    assert response.status_code == 403 and _status() == ReferralStatus.REQUESTED


def test_the_sender_cancels_with_a_reason_and_the_recipient_may_not(open_case, login, client):
    number = open_case().number
    login("police")
    client.post(f"/cases/{number}/refer", data={"service": "legal_aid", "to_department": "justice"})
    url = f"/referrals/{db.session.scalar(select(Referral.id))}"
    login("justice")
    assert client.post(url, data={"status": "cancelled", "reason": "no"}).status_code == 403
    login("police")
    assert (
        client.post(url, data={"status": "cancelled", "reason": "Family found"}).status_code == 302
    )
    assert _status() == ReferralStatus.CANCELLED


@pytest.mark.parametrize(
    "data",
    [
        {"service": "organ_harvest", "to_department": "health"},
        {"service": "medical_care"},
        {"service": "medical_care", "to_department": "health", "organisation": "1"},
        {"service": "medical_care", "to_department": "mars"},
        {"service": "medical_care", "organisation": "999999"},
        {"service": "medical_care\x00", "to_department": "health"},
    ],
)
def test_hostile_referrals_are_refused(data, open_case, login, client):
    number = open_case().number
    login("police")
    assert client.post(f"/cases/{number}/refer", data=data).status_code == 422
    assert client.post("/referrals/999999", data={"status": "accepted"}).status_code == 404
    assert client.post("/referrals/abc", data={"status": "accepted"}).status_code == 404
    assert db.session.scalar(select(func.count()).select_from(Referral)) == 0


def test_a_department_that_cannot_see_the_case_cannot_refer_it(open_case, login, client):
    number = open_case().number
    login("education")
    data = {"service": "schooling", "to_department": "health"}
    assert client.post(f"/cases/{number}/refer", data=data).status_code == 403


def test_passed_deadlines_are_shown_overdue(open_case, login, client, run_workers):
    """The timer worker records a passed deadline on the timeline; the sender sees it."""
    number = open_case().number
    login("police", "en")
    client.post(f"/cases/{number}/refer", data={"service": "shelter", "to_department": "health"})
    db.session.commit()
    run_workers(timedelta(hours=73).total_seconds(), count=1)
    past = datetime.now(UTC) - timedelta(minutes=1)
    db.session.execute(update(Referral).values(accept_due_at=past, outcome_due_at=past))
    db.session.commit()
    assert [e.data["deadline"] for e in _events("referral_overdue")] == ["acceptance"]
    page = client.get("/referrals").get_data(as_text=True)
    assert 'class="overdue"' in page and "overdue" in page
    case_page = client.get(f"/cases/{number}").get_data(as_text=True)
    assert "Referral not accepted in time" in case_page


def test_the_directory_is_for_managers_and_admins(login, client):
    login("health")
    assert client.get("/directory").status_code == 403
    login("manager", "en")
    entry = {"name": HOSPITAL, "kind": "hospital", "services": ["medical_care"], "contact": "0594"}
    assert client.post("/directory", data=entry).status_code == 302
    assert client.post("/directory", data=entry).status_code == 422  # same name twice
    assert client.post("/directory", data={**entry, "name": "", "kind": "bar"}).status_code == 422
    assert HOSPITAL in client.get("/directory").get_data(as_text=True)
    db.session.execute(delete(Organisation))
    db.session.commit()


def test_referral_pages_speak_chinese_and_english(open_case, hospital, login, client):
    number = open_case().number
    assert "转介" in login("police", "zh").get(f"/cases/{number}/refer").get_data(as_text=True)
    page = login("police", "en").get(f"/cases/{number}/refer").get_data(as_text=True)
    assert "Service needed" in page and HOSPITAL in page


def test_of_two_answers_at_once_only_one_wins(open_case, users):
    case = open_case()
    police = users["police"].memberships[0].department
    to = users["health"].memberships[0].department
    referral = referrals.send(
        case, "medical_care", actor=users["police"], department=police, to_department=to
    )
    db.session.commit()
    assert referral.status == ReferralStatus.REQUESTED  # as this worker read it
    colleague = update(Referral).values(status=ReferralStatus.REJECTED)  # in another process
    db.session.execute(colleague.execution_options(synchronize_session=False))
    with pytest.raises(ReferralStateInvalid, match="someone else first"):
        referrals.move(referral, ReferralStatus.ACCEPTED, actor=users["health"], department=to)


def test_hostile_answers_on_a_link_change_nothing(open_case, hospital, login, client):
    number = open_case().number
    login("police")
    _agree(client, number)
    link = _send_outside(client, number, hospital)
    for data in ({"status": "rejected", "reason": "full\x00"}, {"status": "x"}, {}):
        assert client.post(link, data=data).status_code == 422
    assert client.post(link, data={"status": "rejected", "reason": "r" * 5000}).status_code == 422
    assert _status() == ReferralStatus.REQUESTED
    assert client.post(link, data={"status": "accepted"}).status_code == 200


def test_the_link_page_follows_the_organisations_browser(open_case, hospital, login, client):
    number = open_case().number
    login("police")
    _agree(client, number)
    link = _send_outside(client, number, hospital)
    client.post("/logout")
    chinese = client.get(link, headers={"Accept-Language": "zh-CN"}).get_data(as_text=True)
    assert f"致{HOSPITAL}的转介" in chinese and "医疗救治" in chinese
    english = client.get(link, headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert f"Referral for {HOSPITAL}" in english and "Medical care" in english


def test_a_link_answer_without_the_pages_csrf_token_is_refused(
    open_case, hospital, login, client, csrf_client
):
    number = open_case().number
    login("police")
    _agree(client, number)
    link = _send_outside(client, number, hospital)
    assert csrf_client.post(link, data={"status": "accepted"}).status_code == 400
    page = csrf_client.get(link).get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    answer = {"status": "accepted", "csrf_token": token}
    assert csrf_client.post(link, data=answer).status_code == 200
    assert _status() == ReferralStatus.ACCEPTED
