"""The admin audit viewer: admins only, filters, paging, and a CSV without victim data."""

import csv
import io

import pytest
from sqlalchemy import func, select

from models import AuditEvent, db


def _audits(**filters) -> int:
    return db.session.scalar(select(func.count()).select_from(AuditEvent).filter_by(**filters))


@pytest.mark.parametrize("username", ["police", "manager", "reviewer", "health"])
def test_only_admins_read_the_audit_log(username, login):
    client = login(username, "en")
    assert client.get("/audit/").status_code == 403
    assert client.get("/audit/export.csv").status_code == 403
    assert _audits(action="audit_refused", allowed=False) == 2


def test_filters_and_paging(open_case, users, login, client):
    case = open_case("Lin Xiaomei")
    for _ in range(3):
        login("police", "en").get(f"/cases/{case.number}")
    login("health", "en").get(f"/cases/{case.number}")
    admin = login("admin", "en")
    page = admin.get(f"/audit/?case={case.number}&allowed=no").get_data(as_text=True)
    assert page.count("<td>viewed the case</td>") == 1 and "health" in page
    page = admin.get(f"/audit/?who=police&case={case.number}").get_data(as_text=True)
    assert page.count("<td>viewed the case</td>") == 3
    assert (
        admin.get("/audit/?since=2000-01-01&until=2000-01-02")
        .get_data(as_text=True)
        .count("<td>viewed the case</td>")
        == 0
    )
    assert admin.get("/audit/?since=not-a-date").status_code == 400
    assert "Older" not in admin.get("/audit/").get_data(as_text=True) or _audits() > 50


def test_csv_export_streams_rows_with_the_case_number_only(open_case, users, login):
    case = open_case("Lin Xiaomei")
    login("police", "en").get(f"/cases/{case.number}")
    response = login("admin", "en").get(f"/audit/export.csv?case={case.number}")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    body = response.get_data(as_text=True)
    rows = list(csv.reader(io.StringIO(body)))
    assert rows[0] == ["id", "when_utc", "username", "action", "case_number", "allowed"]
    assert ["police", "case_viewed", case.number, "yes"] in [r[2:] for r in rows[1:]]
    assert "Lin Xiaomei" not in body and "Xianyou" not in body
    assert _audits(action="audit_exported") == 1


def test_the_viewer_is_translated(login, client):
    login("admin")
    client.post("/locale", data={"locale": "zh"})
    html = client.get("/audit/").get_data(as_text=True)
    assert "审计日志" in html and "下载为 CSV" in html
