"""Permissions to include sensitive classes in the row export: an administrator grants a named
joint-office user a class, with a reason and an expiry; revoked or expired, it carries nothing."""

import csv
import io
from datetime import timedelta

import pytest
from sqlalchemy import select
from test_row_export import _export_consent, prepared

from models import AuditEvent, ExportGrant, db
from workflows import clock
from workflows.evaluation import export, export_grants

GRANT = {"user": "joint_office", "classes": "location", "reason": "UNODC place study", "days": "30"}


@pytest.fixture
def exported(open_case, users):
    """One consenting case through identification (places and the recruiter's relation set)."""
    case = open_case("Lin Xiaomei", steps=5)
    _export_consent(case, users, True)
    return case


def _give(client, **changes):
    return client.post("/admin/export-grants/", data={**GRANT, **changes})


def _rows(response) -> list[dict]:
    return list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))


def _download(client, *classes):
    return prepared(client, {"purpose": "UNODC place study", "classes": list(classes)})


@pytest.mark.parametrize("locale, words", [("en", "in force"), ("zh", "有效")])
def test_an_admin_grants_places_and_the_page_lists_it(login, audits, locale, words):
    client = login("admin", locale=locale)
    assert _give(client).status_code == 303
    grant = db.session.scalars(select(ExportGrant)).one()
    assert grant.user.username == "joint_office" and grant.sensitivity == "location"
    assert timedelta(days=29, hours=23) < grant.expires_at - clock.now() <= timedelta(days=30)
    html = client.get("/admin/export-grants/").get_data(as_text=True)
    assert 'data-status="live"' in html and "UNODC place study" in html and words in html
    event = db.session.scalars(select(AuditEvent).filter_by(action="export_grant_given")).one()
    assert event.detail["account"] == "joint_office" and event.detail["classes"] == ["location"]


def test_the_granted_user_sees_the_class_and_its_columns_travel(exported, login, audits):
    _give(login("admin"))
    client = login("joint_office", locale="en")
    html = client.get("/evaluation/export/").get_data(as_text=True)
    assert 'name="classes" value="location"' in html
    assert 'value="identity"' not in html  # not granted: not offered
    rows = _rows(_download(client, "location"))
    assert {"hcd_RescuePlace", "hcd_RecruitmentPlace", "hcd_ExploitationPlace"} <= set(rows[0])
    assert rows[0]["hcd_RescuePlace"]
    assert "vic_RelationshipToTrafficker" not in rows[0]
    event = db.session.scalars(select(AuditEvent).filter_by(action="rows_exported")).one()
    assert event.detail["classes"] == ["location", "plain"]


def test_without_a_grant_asking_for_a_class_is_a_403_that_exports_nothing(exported, login, audits):
    client = login("joint_office")
    assert 'name="classes"' not in client.get("/evaluation/export/").get_data(as_text=True)
    assert _download(client, "location").status_code == 403
    assert audits("rows_exported") == 0
    refusal = db.session.scalars(select(AuditEvent).filter_by(action="row_export_refused")).one()
    assert refusal.detail["classes"] == ["location"] and refusal.allowed is False


@pytest.mark.parametrize("name", ["biometric", "health", "LOCATION", "plain", "location'--", ""])
def test_a_class_the_export_cannot_carry_is_a_400(exported, login, audits, name):
    client = login("admin")
    _give(client, classes="identity")
    client = login("joint_office")
    assert _download(client, name).status_code == 400
    assert audits("rows_exported") == 0


def test_a_revoked_or_expired_grant_carries_nothing(exported, login, audits, users):
    admin = login("admin")
    _give(admin)
    grant = db.session.scalars(select(ExportGrant)).one()
    assert admin.post(f"/admin/export-grants/{grant.id}/revoke").status_code == 303
    assert audits("export_grant_revoked") == 1
    assert 'data-status="ended"' in admin.get("/admin/export-grants/").get_data(as_text=True)
    later = export_grants.grant(
        users["joint_office"], ["identity"], "study", actor=users["admin"], now=clock.now()
    )[0]
    later.expires_at = clock.now() - timedelta(seconds=1)
    db.session.commit()
    client = login("joint_office")
    assert _download(client, "location").status_code == 403
    assert _download(client, "identity").status_code == 403
    assert export.header() == list(_rows(_download(client))[0])


@pytest.mark.parametrize(
    "changes",
    [
        {"user": "police"},  # not the joint office: not a choice
        {"user": "nobody"},
        {"classes": "biometric"},
        {"classes": "plain"},
        {"classes": ""},
        {"reason": ""},
        {"reason": "x\x00"},
        {"reason": "x" * 301},
        {"days": "0"},
        {"days": "91"},
        {"days": "thirty"},
    ],
)
def test_a_bad_grant_is_a_422_that_grants_nothing(login, audits, changes):
    assert _give(login("admin"), **changes).status_code == 422
    assert db.session.scalars(select(ExportGrant)).all() == []
    assert audits("export_grant_given") == 0


@pytest.mark.parametrize(
    "url",
    [
        "/admin/export-grants/999/revoke",
        "/admin/export-grants/2147483648/revoke",
        "/admin/export-grants/99999999999999999999999/revoke",
    ],
)
def test_revoking_an_unknown_grant_is_a_404(login, url):
    assert login("admin").post(url).status_code == 404


@pytest.mark.parametrize("username", ["joint_office", "reviewer", "manager", "police"])
def test_only_an_admin_grants(login, audits, username):
    client = login(username)
    assert client.get("/admin/export-grants/").status_code == 403
    assert _give(client).status_code == 403
    assert db.session.scalars(select(ExportGrant)).all() == []
    assert audits("admin_page_refused", allowed=False) == 2


def test_identity_and_biometric_fields_other_than_the_columns_never_travel(exported, login):
    admin = login("admin")
    _give(admin, classes=["location", "identity"])
    text = _download(login("joint_office"), "location", "identity").get_data(as_text=True)
    assert "vic_RelationshipToTrafficker" in text.splitlines()[0]
    for secret in ("Lin Xiaomei", exported.number, "FJ-PT-2024-0117", "Xianyou", "Zhaotong"):
        assert secret not in text
    assert export_grants.GRANTABLE == (
        export_grants.Sensitivity.LOCATION,
        export_grants.Sensitivity.IDENTITY,
    )


def test_no_one_grants_themselves(users):
    with pytest.raises(export_grants.GrantInvalid):
        export_grants.grant(
            users["admin"], ["location"], "own study", actor=users["admin"], now=clock.now()
        )
    assert db.session.scalars(select(ExportGrant)).all() == []


def test_revoking_a_grant_that_has_ended_says_so_and_audits_nothing(login, audits):
    admin = login("admin", locale="en")
    _give(admin)
    grant = db.session.scalars(select(ExportGrant)).one()
    assert admin.post(f"/admin/export-grants/{grant.id}/revoke").status_code == 303
    again = admin.post(f"/admin/export-grants/{grant.id}/revoke", follow_redirects=True)
    assert "This permission had already ended." in again.get_data(as_text=True)
    assert audits("export_grant_revoked") == 1
