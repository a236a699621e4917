"""Every read of a victim's file leaves an audit row: web, find, and the CLI."""

import random

from sqlalchemy import func, select

from models import AuditEvent, db

ROLES = ["police", "civil_affairs", "health", "justice", "education", "manager", "reviewer"]


def _audits(**filters) -> int:
    return db.session.scalar(select(func.count()).select_from(AuditEvent).filter_by(**filters))


def test_a_successful_find_is_audited(open_case, users, login):
    case = open_case("Lin Xiaomei")
    response = login("police", "en").get(f"/cases/find?number={case.number}")
    assert response.status_code == 302
    assert _audits(case_id=case.id, action="case_found", allowed=True) == 1


def test_cli_show_and_inbox_are_audited(open_case, app, users):
    case = open_case("Lin Xiaomei")
    runner = app.test_cli_runner()
    db.session.rollback()
    shown = runner.invoke(args=["cases", "show", case.number])
    assert shown.exit_code == 0, shown.output
    listed = runner.invoke(args=["cases", "inbox", "--as", "police"])
    assert case.number in listed.output
    viewed = db.session.scalar(select(AuditEvent).filter_by(case_id=case.id, action="case_viewed"))
    assert viewed.detail["source"] == "cli"
    assert _audits(case_id=case.id, action="inbox_listed", actor_id=users["police"].id) >= 1


def test_requests_served_to_case_pages_equal_audit_rows(open_case, users, login, client):
    """Property: each case page answered (shown or refused) writes exactly one audit row."""
    cases = [open_case(f"Victim {i}") for i in range(3)]
    rng = random.Random(8)
    before = _audits(action="case_viewed")
    served = 0
    for _ in range(40):
        login(rng.choice(ROLES))
        number = rng.choice(cases).number
        status = client.get(f"/cases/{number}").status_code
        assert status in (200, 403)
        served += 1
    assert _audits(action="case_viewed") - before == served


def test_who_has_seen_this_file_lists_reads_for_owners_and_oversight(
    open_case, users, login, client
):
    case = open_case("Lin Xiaomei")
    login("health", "en").get(f"/cases/{case.number}")  # refused: health does not hold the case
    html = login("police", "en").get(f"/cases/{case.number}").get_data(as_text=True)
    section = html.split('id="seen-by"')[1]
    assert users["police"].display_name in section
    assert users["health"].display_name in section and "refused" in section
    assert "<td>viewed the case</td>" in section
    reviewer = login("reviewer", "en").get(f"/cases/{case.number}").get_data(as_text=True)
    assert 'id="seen-by"' in reviewer
    login("reviewer")
    client.post("/locale", data={"locale": "zh"})
    page = client.get(f"/cases/{case.number}").get_data(as_text=True)
    assert "谁查看过此档案" in page and "<td>查看了案件</td>" in page
