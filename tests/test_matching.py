"""Duplicates and re-trafficking: digests only, search before create, link, dismiss, access."""

import subprocess
import sys
from email.header import decode_header, make_header
from pathlib import Path

from sqlalchemy import func, select

from forms.base import as_formdata
from forms.examples import EXAMPLES
from models import CaseIdentifier, CaseMatch, EventType, Notification, TimelineEvent, db
from models.crypto import Keyring, new_key
from webapp.config import TEST_DATA_KEY
from workflows.matching import candidates

ROOT = Path(__file__).resolve().parent.parent


def _intake(name, **changes):
    """The intake form as a browser posts it."""
    answers = {**EXAMPLES["case_open"], "victim_name": name, **changes}
    return as_formdata(answers).to_dict(flat=False)


def _events(case, event_type):
    return db.session.scalars(
        select(TimelineEvent).filter_by(case_id=case.id, event_type=event_type)
    ).all()


def test_benchmark_precision_and_recall_stay_above_the_measured_floor():
    result = subprocess.run(
        [sys.executable, "benchmarks/matching.py"],
        cwd=ROOT, capture_output=True, text=True, timeout=120, check=True,
    )  # fmt: skip
    figures = dict(line.split(": ") for line in result.stdout.splitlines()[1:])
    assert "50 (28 same person, 22 different)" in result.stdout
    assert float(figures["precision"]) >= 0.95
    assert float(figures["recall"]) >= 0.95


def test_identifiers_are_keyed_digests_never_the_name_or_document(open_case):
    case = open_case("Lin Xiaomei", identity_document_number="530102201003150021")
    rows = db.session.scalars(select(CaseIdentifier).filter_by(case_id=case.id)).all()
    kinds = {row.kind for row in rows}
    assert {"document", "birth_year", "origin", "name0", "phonetic0", "gram0"} <= kinds
    stored = " ".join(row.digest for row in rows).lower()
    for plain in ("lin", "xiaomei", "530102201003150021", "yunnan", "2010"):
        assert plain not in stored


def test_police_see_the_chinese_name_match_before_opening(open_case, login):
    earlier = open_case("林小梅")
    client = login("police", "en")
    response = client.post("/cases/new", data=_intake("Lin Xiaomei"))
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "This victim may already have a case" in page
    assert earlier.number in page and "same name" in page and "林小梅" in page
    assert db.session.scalar(select(db.func.count()).select_from(CaseMatch)) == 0
    opened = client.post("/cases/new", data=_intake("Lin Xiaomei", confirmed="yes"))
    assert opened.status_code == 302


def test_no_match_opens_at_once_and_hostile_confirmation_is_recomputed(open_case, login):
    open_case("Chen Jing")
    client = login("police")
    response = client.post("/cases/new", data=_intake("Zhou Min"))
    assert response.status_code == 302
    # A forged list of matches in the post changes nothing: the server computes its own.
    forged = client.post("/cases/new", data=_intake("Chen Jing", matches="HC-2026-AAAAAA"))
    assert forged.status_code == 200 and "HC-2026-AAAAAA" not in forged.get_data(as_text=True)


def test_zh_intake_lists_matches_in_chinese(open_case, login):
    open_case("Lin Xiaomei")
    page = login("police", "zh").post("/cases/new", data=_intake("林小梅")).get_data(as_text=True)
    assert "该受害人可能已有案件" in page and "姓名相同" in page


def test_linking_marks_both_cases_retrafficked_and_tells_the_joint_office(open_case, login, audits):
    first = open_case("林小梅")
    second = open_case("Lin Xiaomei")
    client = login("police", "en")
    page = client.get(f"/cases/{second.number}").get_data(as_text=True)
    assert first.number in page and "Link: same victim" in page
    response = client.post(
        f"/cases/{second.number}/matches/{first.number}/link", data={"retrafficked": "yes"}
    )
    assert response.status_code == 302
    for case, other in ((first, second), (second, first)):
        assert [e.data["other"] for e in _events(case, EventType.CASES_LINKED)] == [other.number]
        alert = _events(case, EventType.VICTIM_RETRAFFICKED)
        assert alert[0].department.code == "joint_office"
        shown = client.get(f"/cases/{case.number}").get_data(as_text=True)
        assert "This victim was rescued again" in shown and "Linked: the same victim" in shown
    assert audits("cases_linked", case_id=second.id, allowed=True) == 1
    again = client.post(f"/cases/{second.number}/matches/{first.number}/link")
    assert again.status_code == 409
    alerts = login("joint_office", "en").get("/alerts/retrafficking").get_data(as_text=True)
    assert first.number in alerts and second.number in alerts
    assert "林小梅" not in alerts


def test_dismissed_match_is_no_longer_shown(open_case, login, audits):
    first = open_case("Chen Jing")
    second = open_case("Jing Chen")
    client = login("police", "en")
    assert client.post(f"/cases/{second.number}/matches/{first.number}/dismiss").status_code == 302
    page = client.get(f"/cases/{second.number}").get_data(as_text=True)
    assert (
        f'/cases/{first.number}"' not in page and "No other case seems to be this victim." in page
    )
    assert _events(second, EventType.VICTIM_RETRAFFICKED) == []
    assert audits("match_dismissed", case_id=second.id) == 1


def test_unrelated_cases_cannot_be_linked(open_case, login):
    first = open_case("Chen Jing")
    second = open_case("Zhou Min", origin_province="hunan", age=30)
    client = login("police")
    response = client.post(f"/cases/{second.number}/matches/{first.number}/link")
    assert response.status_code == 409
    assert db.session.scalar(select(db.func.count()).select_from(CaseMatch)) == 0


def test_other_departments_neither_see_nor_decide_matches(open_case, login, audits):
    first = open_case("Chen Jing")
    second = open_case("Chen Jing", steps=1)
    client = login("civil_affairs", "en")
    assert "Possible matches" not in client.get(f"/cases/{second.number}").get_data(as_text=True)
    response = client.post(f"/cases/{second.number}/matches/{first.number}/link")
    assert response.status_code == 403
    assert audits("cases_linked", allowed=False) == 1
    assert login("health").get("/alerts/retrafficking").status_code == 403


def test_reviewer_reads_matches_without_names_of_buttons(open_case, login):
    first = open_case("Chen Jing")
    second = open_case("Chen Jing")
    page = login("reviewer", "en").get(f"/cases/{second.number}").get_data(as_text=True)
    assert first.number in page and "Link: same victim" not in page


def test_same_document_number_matches_whatever_the_name(open_case, login):
    first = open_case("Mei Ling", identity_document_number="E1234 5678")
    page = (
        login("police", "en")
        .post("/cases/new", data=_intake("Xiaohong", identity_document_number="e12345678", age=30))
        .get_data(as_text=True)
    )
    assert first.number in page and "same identity document number" in page


def test_cases_indexed_before_a_key_rotation_are_still_found(app, open_case):
    earlier = open_case("Chen Jing")
    before = app.extensions["data_keys"]
    app.extensions["data_keys"] = Keyring.from_text(f"{new_key()},{TEST_DATA_KEY}")
    try:
        found = candidates.intake_matches("Chen Jing", {**EXAMPLES["case_open"]})
    finally:
        app.extensions["data_keys"] = before
    assert [c.case.number for c in found] == [earlier.number]


def test_the_joint_office_is_notified_in_the_app_and_by_mail(open_case, login, run_workers, smtp):
    """Rescued again: every joint office user gets a notification and a mail that carry the
    newer case's number and a link to the alerts, nothing about the victim."""
    first = open_case("林小梅")
    second = open_case("Lin Xiaomei")
    police = login("police", "en")
    link = f"/cases/{second.number}/matches/{first.number}/link"
    assert police.post(link, data={"retrafficked": "yes"}).status_code == 302
    db.session.commit()
    page = login("joint_office", "en").get("/notifications/").get_data(as_text=True)
    assert "A victim was rescued again" in page and second.number in page
    assert 'href="/alerts/retrafficking"' in page and "Lin" not in page
    assert "再次被解救" in login("joint_office", "zh").get("/notifications/").get_data(as_text=True)

    port, received = smtp
    run_workers(0, count=1, MAIL_SERVER="127.0.0.1", MAIL_PORT=str(port))
    assert {m["To"] for m in received} == {
        "joint_office@homecoming.example",
        "joint_office_head@homecoming.example",
    }
    for message in received:
        text = str(make_header(decode_header(message["Subject"]))) + message.get_content()
        assert second.number in text and "/alerts/retrafficking" in text
        assert "林小梅" not in text and "Lin" not in text and first.number not in text


def test_a_link_without_rescue_again_notifies_nobody(open_case, login):
    """Two records of one rescue are linked quietly."""
    first, second = open_case("Chen Jing"), open_case("Chen Jing")
    link = f"/cases/{second.number}/matches/{first.number}/link"
    assert login("police").post(link).status_code == 302
    assert db.session.scalar(select(func.count()).select_from(Notification)) == 0
