"""The consent ledger: recorded through the intake and the case's consent page, read at every
access decision, withdrawn at once, and recorded only by the departments owning the case."""

import pytest
from sqlalchemy import func, select

from forms.base import as_formdata
from forms.examples import EXAMPLES
from models import (
    Case,
    ConsentEntry,
    ConsentGiver,
    ConsentMethod,
    ConsentPurpose,
    HumanTask,
    TaskStatus,
    db,
)
from webapp import demo
from workflows import consent, engine
from workflows.errors import ConsentInvalid, FormInvalid

FILE_NUMBER = EXAMPLES["case_open"]["police_file_number"]
CHILD_VIEW = "She wants the doctors to know, not her uncle."


def _intake(**consent) -> dict:
    answers = {**EXAMPLES["case_open"], "victim_name": "Lin Xiaomei", **consent}
    return as_formdata(answers).to_dict(flat=False)


def _consent(purpose="share_department", given="yes", **changes) -> dict:
    answer = {"purpose": purpose, "given": given, "method": "written", "given_by": "victim"}
    if purpose == "share_department":
        answer["department"] = "health"
    return {**answer, **changes}


def _entries() -> int:
    db.session.rollback()
    return db.session.scalar(select(func.count()).select_from(ConsentEntry))


def _page(client, number) -> tuple[int, str]:
    response = client.get(f"/cases/{number}")
    return response.status_code, response.get_data(as_text=True)


def test_the_intake_records_each_consent_with_the_childs_view(login, client):
    login("police", "en")
    consents = {
        "consent_outside_referral": "yes",
        "consent_family_contact": "no",
        "consent_share_departments": ["health", "education"],
        "consent_given_by": "guardian",
        "consent_method": "guardian",
        "consent_child_view": CHILD_VIEW,
    }
    response = client.post("/cases/new", data=_intake(**consents))
    assert response.status_code == 302
    case = db.session.scalar(select(Case))
    entries = db.session.scalars(select(ConsentEntry).order_by(ConsentEntry.id)).all()
    assert [(e.purpose, e.given) for e in entries] == [
        (ConsentPurpose.OUTSIDE_REFERRAL, True),
        (ConsentPurpose.FAMILY_CONTACT, False),
        (ConsentPurpose.SHARE_DEPARTMENT, True),
        (ConsentPurpose.SHARE_DEPARTMENT, True),
    ]
    assert {e.child_view for e in entries} == {CHILD_VIEW}
    page = _page(client, case.number)[1]
    assert "Consent given: Referral to an outside organisation" in page
    assert "Consent refused: Contacting the family" in page
    assert "Sharing with a department beyond its needs (Health)" in page
    assert CHILD_VIEW in page and "A guardian, for a child" in page


def test_a_guardian_answer_without_the_childs_view_saves_nothing(login, client):
    login("police", "en")
    answers = {"consent_outside_referral": "yes", "consent_given_by": "guardian"}
    response = client.post("/cases/new", data=_intake(**answers, consent_method="verbal"))
    assert response.status_code == 422
    assert "Record the child&#39;s own view when a guardian answers." in response.get_data(
        as_text=True
    )
    assert db.session.scalar(select(func.count()).select_from(Case)) == 0 and _entries() == 0


def test_an_intake_without_consent_answers_records_none(login, client):
    login("police")
    assert client.post("/cases/new", data=_intake()).status_code == 302
    assert _entries() == 0


def test_a_sharing_consent_opens_the_file_and_its_withdrawal_closes_it_at_once(
    open_case, login, client
):
    number = open_case().number
    login("health", "en")
    assert _page(client, number)[0] == 403
    login("police")
    assert client.post(f"/cases/{number}/consent", data=_consent()).status_code == 302
    login("health", "en")
    status, page = _page(client, number)
    assert status == 200 and FILE_NUMBER in page
    assert "Found during a check" not in page  # the police's own notes stay with them
    login("police")
    assert client.post(f"/cases/{number}/consent", data=_consent(given="no")).status_code == 302
    login("health", "en")
    assert _page(client, number)[0] == 403
    page = _page(login("police", "en"), number)[1]
    assert "Consent withdrawn: Sharing with a department beyond its needs (Health)" in page


def test_sharing_reveals_classes_a_department_does_not_need(open_case, users, login, client):
    case = open_case(steps=6)
    login("justice", "en")
    before = _page(client, case.number)[1]
    assert "Details restricted to the departments concerned." in before
    login("police")
    share = _consent(department="justice")
    assert client.post(f"/cases/{case.number}/consent", data=share).status_code == 302
    after = _page(login("justice", "en"), case.number)[1]
    assert after.count("Details restricted") < before.count("Details restricted")


def test_the_childs_view_stays_with_the_owning_departments(open_case, login, client):
    number = open_case().number
    login("police")
    answer = _consent(given_by="guardian", method="guardian", child_view=CHILD_VIEW)
    assert client.post(f"/cases/{number}/consent", data=answer).status_code == 302
    status, page = _page(login("health", "en"), number)
    assert status == 200 and "Consent given" in page and CHILD_VIEW not in page
    assert CHILD_VIEW in _page(login("reviewer", "en"), number)[1]


@pytest.mark.parametrize("username", ["health", "reviewer", "manager", "justice"])
def test_only_the_owning_departments_record_consent(username, open_case, login, client, audits):
    number = open_case().number
    login("police")
    client.post(f"/cases/{number}/consent", data=_consent())  # health may now see the case
    login(username)
    assert client.get(f"/cases/{number}/consent").status_code in (403, 404)
    assert client.post(f"/cases/{number}/consent", data=_consent(given="no")).status_code == 403
    assert _entries() == 1
    assert audits("consent_recorded", allowed=False) >= 1 or username == "justice"


@pytest.mark.parametrize(
    "changes",
    [
        {"purpose": "sell_to_press"},
        {"department": "nowhere"},
        {"department": ""},
        {"given": "maybe"},
        {"method": "telepathy"},
        {"given_by": "guardian"},  # without the child's view
        {"child_view": "x" * 5000},
        {"child_view": "bad\x00byte"},
    ],
)
def test_hostile_answers_are_refused_and_change_nothing(changes, open_case, login, client):
    number = open_case().number
    login("police")
    response = client.post(f"/cases/{number}/consent", data=_consent(**changes))
    assert response.status_code == 422
    assert _entries() == 0


def test_a_department_sent_with_another_purpose_is_ignored(open_case, login, client):
    """The department is asked only for sharing (forms/conditions.py): sent otherwise, it is
    dropped, not stored."""
    number = open_case().number
    login("police")
    answer = _consent(purpose="family_contact", department="health")
    assert client.post(f"/cases/{number}/consent", data=answer).status_code == 302
    db.session.rollback()
    entry = db.session.scalars(select(ConsentEntry).filter_by(purpose="family_contact")).one()
    assert entry.department_id is None


@pytest.mark.parametrize(
    ("locale", "hint"),
    [
        ("en", "Only if “Purpose” is “Sharing with a department beyond its needs”."),
        ("zh", "仅当“用途”为“超出工作所需与某部门共享”时填写。"),
    ],
)
def test_the_consent_page_says_when_a_department_is_asked(open_case, login, client, locale, hint):
    number = open_case().number
    page = login("police", locale).get(f"/cases/{number}/consent").get_data(as_text=True)
    assert 'data-shown-when="purpose" data-shown-values="share_department"' in page
    assert hint in page
    assert "conditions.js" in page


def test_an_unknown_case_is_a_404(login, client):
    login("police")
    assert client.post("/cases/HC-2026-ZZZZZZ/consent", data=_consent()).status_code == 404


def test_the_consent_page_speaks_chinese_and_english(open_case, login, client):
    number = open_case().number
    assert "记录答复" in login("police", "zh").get(f"/cases/{number}/consent").get_data(
        as_text=True
    )
    page = login("police", "en").get(f"/cases/{number}/consent").get_data(as_text=True)
    assert "Record the answer" in page and "Sharing with a department beyond its needs" in page


def test_ledger_entries_are_never_changed(open_case, login, client):
    number = open_case().number
    login("police")
    client.post(f"/cases/{number}/consent", data=_consent())
    entry = db.session.scalar(select(ConsentEntry))
    entry.given = False
    with pytest.raises(ValueError, match="append-only"):
        db.session.flush()


def _family(given: str, **changes) -> dict:
    return _consent("family_contact", given, **changes)


def _ready_step(case, form_key: str, users, answers=None):
    demo.advance_case(case, users, 30, answers, stop_at=form_key)
    db.session.commit()
    task = db.session.scalars(engine.open_tasks(case)).first()
    assert task.form_key == form_key
    return task


def _tracing(contacted: bool) -> dict:
    answers = {**EXAMPLES["rescue_family_tracing"]}
    if not contacted:
        answers["family_contact_date"] = None
    return as_formdata(answers).to_dict(flat=False)


def test_a_childs_family_is_traced_unless_the_guardian_said_no(open_case, users, login, client):
    """A child's parents are traced by duty; a guardian's "no" (with the child's view) stops
    contacting them: the task page warns and the form refuses a contact date."""
    case = open_case("Lin Xiaomei")
    task = _ready_step(case, "rescue_family_tracing", users)
    login("police", "en")
    assert "Do not contact the family" not in client.get(f"/tasks/{task.id}").get_data(as_text=True)
    refusal = _family("no", given_by="guardian", child_view="She is afraid of her father.")
    assert client.post(f"/cases/{case.number}/consent", data=refusal).status_code == 302

    page = client.get(f"/tasks/{task.id}").get_data(as_text=True)
    assert "Do not contact the family" in page and f"/cases/{case.number}/consent" in page
    refused = client.post(f"/tasks/{task.id}", data=_tracing(contacted=True))
    assert refused.status_code == 422
    assert "The family may not be contacted" in refused.get_data(as_text=True)
    db.session.rollback()
    assert db.session.get(HumanTask, task.id).status == TaskStatus.READY
    zh = login("police", "zh").get(f"/tasks/{task.id}").get_data(as_text=True)
    assert "请勿联系家属" in zh
    login("police", "en")
    assert client.post(f"/tasks/{task.id}", data=_tracing(contacted=False)).status_code == 302


ADULT = {
    "rescue_identification": {"age": 30, "identity_established": True},
    "aid_shelter": {"willing_to_return": True, "legal_aid_requested": False},
}


def test_an_adults_family_is_contacted_only_with_her_consent(open_case, users, login, client):
    """Missing or withdrawn, the return plan may not say the family was contacted."""
    case = open_case("Sun Li", age=30, origin_province="fujian")
    task = _ready_step(case, "return_plan", users, ADULT)
    contacted = {**EXAMPLES["return_plan"], "return_family_contacted": True}
    with pytest.raises(FormInvalid) as missing:
        engine.complete_task(task.id, contacted, users["civil_affairs"])
    assert list(missing.value.errors) == ["return_family_contacted"]
    db.session.rollback()
    login("civil_affairs", "en")
    assert "Do not contact the family" in client.get(f"/tasks/{task.id}").get_data(as_text=True)
    for given, allowed in (("yes", True), ("no", False)):
        assert client.post(f"/cases/{case.number}/consent", data=_family(given)).status_code == 302
        assert consent.allows_family_contact(case) is allowed
    refused = consent.family_contact_refused(case, "return_plan", contacted)
    assert refused == "return_family_contacted"
    assert client.post(f"/cases/{case.number}/consent", data=_family("yes")).status_code == 302
    engine.complete_task(task.id, contacted, users["civil_affairs"])
    db.session.commit()
    assert db.session.get(HumanTask, task.id).status == TaskStatus.COMPLETED


def test_exports_follow_the_export_consent(open_case, users):
    """Never asked: no row-level export (a hand-over packet keeps the return plan's consent);
    given, then withdrawn: the latest answer rules at every call."""
    case = open_case()
    assert consent.allows_export(case) is False and consent.allows_export(case, unasked=True)
    for given in (True, False):
        answer = consent.ConsentAnswer(
            ConsentPurpose.ROW_EXPORT, given, ConsentMethod.WRITTEN, ConsentGiver.VICTIM
        )
        police = users["police"]
        consent.record(case, answer, actor=police, department=police.memberships[0].department)
        assert consent.allows_export(case) is given
        assert consent.allows_export(case, unasked=True) is given


def _shelter(**consents) -> dict:
    return {**as_formdata(EXAMPLES["aid_shelter"]).to_dict(flat=False), **consents}


def test_the_shelter_step_records_consent_through_its_form(open_case, users, login, client):
    """Civil affairs admit the victim to the shelter and record her new answer there."""
    case = open_case("Lin Xiaomei")
    task = _ready_step(case, "aid_shelter", users)
    login("civil_affairs", "en")
    assert "consent_family_contact" in client.get(f"/tasks/{task.id}").get_data(as_text=True)
    unsaid = client.post(f"/tasks/{task.id}", data=_shelter(consent_family_contact="yes"))
    assert unsaid.status_code == 422 and "Say who gave these answers." in unsaid.get_data(
        as_text=True
    )
    assert _entries() == 0
    answered = _shelter(
        consent_family_contact="no",
        consent_given_by="guardian",
        consent_method="verbal",
        consent_child_view="She wants to stay at the shelter for now.",
    )
    assert client.post(f"/tasks/{task.id}", data=answered).status_code == 302
    entry = db.session.scalar(select(ConsentEntry))
    assert (entry.purpose, entry.given, entry.recorded_by.username) == (
        ConsentPurpose.FAMILY_CONTACT,
        False,
        "civil_affairs",
    )
    assert not consent.allows_family_contact(case)
    later = db.session.scalars(engine.open_tasks(case)).first()
    if later is not None and later.form_key not in consent.STEP_CONSENTS:
        page = login(later.department.code).get(f"/tasks/{later.id}").get_data(as_text=True)
        assert "consent_family_contact" not in page


def test_justice_records_a_share_with_others_but_never_with_itself(open_case, users, login):
    """The legal-aid step asks the consents too; a share with justice itself would open it
    the whole file (health and DNA included) on its own word: only the case's owners widen
    what a department reads."""
    case = open_case("Lin Xiaomei")
    task = _ready_step(case, "legal_eligibility", users)
    client = login("justice", "en")
    form = {
        **as_formdata(EXAMPLES["legal_eligibility"]).to_dict(flat=False),
        "consent_method": "verbal",
        "consent_given_by": "victim",
    }
    assert 'value="justice"' not in client.get(f"/tasks/{task.id}").get_data(as_text=True)
    itself = client.post(f"/tasks/{task.id}", data=form | {"consent_share_departments": "justice"})
    assert itself.status_code == 422 and "is not a valid choice" in itself.get_data(as_text=True)
    assert _entries() == 0
    assert db.session.get(HumanTask, task.id).status == TaskStatus.READY
    others = client.post(f"/tasks/{task.id}", data=form | {"consent_share_departments": "health"})
    assert others.status_code == 302
    entry = db.session.scalar(select(ConsentEntry))
    assert (entry.purpose, entry.department.code) == (ConsentPurpose.SHARE_DEPARTMENT, "health")


def test_the_ledger_refuses_a_department_sharing_the_file_with_itself(open_case, users):
    case = open_case()
    justice = users["justice"].memberships[0].department
    answer = consent.ConsentAnswer(
        ConsentPurpose.SHARE_DEPARTMENT,
        True,
        ConsentMethod.WRITTEN,
        ConsentGiver.VICTIM,
        department="justice",
    )
    with pytest.raises(ConsentInvalid):
        consent.record(case, answer, actor=users["justice"], department=justice)
