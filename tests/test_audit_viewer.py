"""The admin audit viewer: admins only, filters, paging, and a CSV without victim data."""

import ast
import csv
import io
import re

import pytest
from flask_babel import force_locale
from sqlalchemy import func, select

from models import AuditEvent, db
from tests.conftest import ROOT
from webapp.audit_actions import NAMES


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
    chosen = admin.get(f"/audit/?action=case_viewed&case={case.number}").get_data(as_text=True)
    assert '<option value="case_viewed" selected>viewed the case</option>' in chosen
    assert chosen.count("<td>viewed the case</td>") == 4
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


# The calls whose string arguments name the action of the audit row they write.
AUDITING = {"audit", "deny", "record_refusal", "case_for", "_task", "_done", "_taken", "_check"}
CODE = re.compile(r"[a-z]+(?:_[a-z]+)+")


def _written_actions() -> set[str]:
    """Every action code the web app passes to a call that writes an audit row."""
    found = set()
    for path in (ROOT / "webapp").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            name = getattr(node, "func", None)
            name = getattr(name, "attr", None) or getattr(name, "id", None)
            if isinstance(node, ast.Call) and name in AUDITING:
                for arg in node.args:
                    if isinstance(arg, ast.Constant) and CODE.fullmatch(str(arg.value)):
                        found.add(arg.value)
                    elif isinstance(arg, ast.JoinedStr):  # f"peer_{change}d"
                        found |= {"peer_enabled", "peer_disabled"}
    return found


def test_every_action_the_code_writes_has_a_name_in_both_languages(app_context):
    """The audit log shows each action by its name: a raw code means nothing to an admin."""
    written = _written_actions()
    assert {"case_viewed", "diagram_deployed", "peer_disabled", "handover_received"} <= written
    assert sorted(written - set(NAMES)) == []
    with force_locale("zh"):
        untranslated = [code for code in written if str(NAMES[code]) == NAMES[code]._args[0]]
    assert untranslated == []
