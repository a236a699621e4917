"""The joint office's row-level export: HTCDS v2 columns, consenting cases only, no identity;
prepared by the worker's chore, downloaded once by the user who asked."""

import csv
import io
from datetime import date

import pytest

from models import AuditEvent, ConsentGiver, ConsentMethod, ConsentPurpose, db
from webapp import demo
from workflows import consent
from workflows.evaluation import export, export_jobs

DOCUMENT = "350322201001011234"
NAME = "Canary7Q9XZ 林"


def _export_consent(case, users, given: bool) -> None:
    answer = consent.ConsentAnswer(
        ConsentPurpose.ROW_EXPORT, given, ConsentMethod.WRITTEN, ConsentGiver.VICTIM
    )
    police = users["police"]
    consent.record(case, answer, actor=police, department=police.memberships[0].department)
    db.session.commit()


@pytest.fixture
def cases(open_case, users):
    """A consenting identified victim (with a document number), one who withdrew, one never
    asked, and a consenting case reported in 2025."""
    agreed = open_case(NAME, identity_document_number=DOCUMENT)
    demo.advance_case(
        agreed,
        users,
        5,
        answers={"rescue_identification": {"confirmed_document_number": DOCUMENT}},
        stop_at="aid_shelter",
    )
    db.session.commit()
    _export_consent(agreed, users, True)
    withdrawn = open_case("Chen Hua", sex="male", age=9)
    _export_consent(withdrawn, users, True)
    _export_consent(withdrawn, users, False)
    open_case("Wang Fang")
    later = open_case("Nguyen Thi Lan", report_date=date(2025, 6, 1), age=24)
    _export_consent(later, users, True)
    return {"agreed": agreed, "withdrawn": withdrawn, "later": later}


def prepared(client, form: dict, page_rows: int = 500):
    """Ask for the export, let the worker's chore write it (in this process), then download it:
    the download's response, or the refusal's."""
    asked = client.post("/evaluation/export/jobs", data=form)
    if asked.status_code != 303:
        return asked
    export_jobs.prepare_due(db.session.commit, db.session.rollback, page_rows)
    return client.post(asked.location + "/download")


def _download(client, **form):
    return prepared(client, {"purpose": "HTCDS pooling", **form})


def _rows(response) -> list[dict]:
    return list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))


def test_the_joint_office_downloads_consenting_cases_in_htcds_fields(cases, login, audits):
    client = login("joint_office", locale="en")
    response = _download(client)
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert response.mimetype == "text/csv"
    assert response.headers["Cache-Control"] == "no-store"
    rows = _rows(response)
    assert list(rows[0]) == export.header()
    assert {"prs_Gender", "hcd_Age", "vic_TypeOfExploitation", "vic_MethodsOfControl"} <= set(
        rows[0]
    )
    # Places and the relation to the recruiter are sensitive: they stay home.
    assert "hcd_RescuePlace" not in rows[0] and "vic_RelationshipToTrafficker" not in rows[0]
    pseudonyms = {row["hcd_CasePseudonym"] for row in rows}
    assert pseudonyms == {
        export.pseudonym(cases["agreed"].number),
        export.pseudonym(cases["later"].number),
    }
    first = rows[0]
    assert first["prs_Gender"] == "Female" and first["hcd_Age"] == "15"
    assert first["vic_TypeOfExploitation"] == "ForcedMarriage;IllegalAdoption"
    assert "WithholdsDocuments" in first["vic_MethodsOfControl"]
    assert audits("rows_exported", allowed=True) == 1 and audits("row_export_requested") == 1
    event = db.session.query(AuditEvent).filter_by(action="rows_exported").one()
    assert event.detail["purpose"] == "HTCDS pooling" and event.detail["rows"] == 2


def test_a_withdrawn_or_never_asked_case_is_absent_and_identity_never_leaves(cases, login):
    text = _download(login("joint_office")).get_data(as_text=True)
    for case in (cases["agreed"], cases["withdrawn"], cases["later"]):
        assert case.number not in text
    assert export.pseudonym(cases["withdrawn"].number) not in text
    for secret in ("Canary7Q9XZ", DOCUMENT, "FJ-PT-2024-0117", "Xianyou", "Zhaotong"):
        assert secret not in text
    assert text.count("\r\n") == 3  # the header and two rows


def test_the_period_filters_by_month_of_report(cases, login):
    client = login("joint_office")
    rows = _rows(_download(client, start="2025-01", end="2025-12"))
    assert [row["hcd_CasePseudonym"] for row in rows] == [export.pseudonym(cases["later"].number)]
    assert (
        client.post(
            "/evaluation/export/jobs", data={"purpose": "x", "start": "2025-13"}
        ).status_code
        == 400
    )


@pytest.mark.parametrize("locale, words", [("en", "2 rows"), ("zh", "2 行")])
def test_the_page_says_how_many_rows_before_the_download(cases, login, locale, words):
    client = login("joint_office", locale=locale)
    assert client.get("/evaluation/export/").status_code == 200
    html = client.post("/evaluation/export/", data={"purpose": "HTCDS pooling"}).get_data(
        as_text=True
    )
    assert 'data-rows="2"' in html and words in html


@pytest.mark.parametrize("username", ["reviewer", "health", "police"])
def test_others_are_refused_with_an_audit_row(cases, login, audits, username):
    client = login(username)
    assert client.get("/evaluation/export/").status_code == 403
    assert _download(client).status_code == 403
    assert audits("row_export_refused", allowed=False) == 2
    assert audits("rows_exported") == 0


@pytest.mark.parametrize(
    "locale, purpose, message",
    [
        ("en", "", "State the purpose of the export"),
        ("zh", "   ", "说明导出的用途"),
        ("en", "pooling\x00", "State the purpose of the export"),
        ("en", "x" * 301, "State the purpose of the export"),
    ],
)
def test_a_missing_or_hostile_purpose_is_a_400_with_a_message(
    cases, login, audits, locale, purpose, message
):
    client = login("joint_office", locale=locale)
    for url in ("/evaluation/export/", "/evaluation/export/jobs"):
        response = client.post(url, data={"purpose": purpose})
        assert response.status_code == 400
        assert message in response.get_data(as_text=True)
    assert audits("rows_exported") == 0


def test_the_bulk_consent_query_agrees_with_allows_export(cases):
    ids = set(db.session.scalars(consent.exporting_case_ids()))
    for case in cases.values():
        assert (case.id in ids) is consent.allows_export(case)
