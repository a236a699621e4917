"""The case summary PDF: what the reader may see, confidential on every page, case number and
date in the footer, Chinese rendered, audited once, downloaded and never cached."""

import io
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from pypdf import PdfReader

from forms.examples import EXAMPLES

POLICE_NUMBER = EXAMPLES["case_open"]["police_file_number"]
MEDICAL_NOTES = EXAMPLES["care_medical"]["medical_notes"]


def _pdf(client, number, status=200):
    response = client.get(f"/cases/{number}/summary.pdf")
    assert response.status_code == status, response.status_code
    return response


def _pages(response) -> list[str]:
    assert response.mimetype == "application/pdf"
    return [page.extract_text() for page in PdfReader(io.BytesIO(response.data)).pages]


def _today() -> str:
    return datetime.now(ZoneInfo("Asia/Shanghai")).date().isoformat()


@pytest.mark.parametrize(
    ("locale", "title", "notes_label", "restricted"),
    [
        ("en", "Case summary", "Medical notes", "restricted"),
        ("zh", "案件摘要", "医疗备注", "受限"),
    ],
)
def test_health_prints_what_health_may_read(
    open_case, login, audits, locale, title, notes_label, restricted
):
    case = open_case("林小梅", steps=8)
    client = login("health", locale)
    before = audits()
    response = _pdf(client, case.number)
    assert audits() == before + 1  # one audit row for the print
    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="{case.number}-summary.pdf"'
    )
    assert response.headers["Cache-Control"] == "no-store"
    pages = _pages(response)
    text = "\n".join(pages)
    assert f"{title} {case.number}" in text
    assert notes_label in text and MEDICAL_NOTES in text  # health's own step
    assert restricted in text and POLICE_NUMBER not in text  # the police file number is not
    assert "林小梅" not in text  # names are for police and civil affairs
    for page in pages:
        assert "机密" in page
        assert f"{case.number} · {_today()}" in page
    assert audits("case_summary_printed", allowed=True, case_id=case.id) == 1


@pytest.mark.parametrize(
    ("locale", "link"),
    [
        ("en", "Print a summary for the file (PDF, confidential)"),
        ("zh", "打印案件摘要存档（PDF，机密）"),  # noqa: RUF001
    ],
)
def test_the_case_page_offers_the_summary(open_case, login, locale, link):
    case = open_case()
    page = login("police", locale).get(f"/cases/{case.number}").get_data(as_text=True)
    assert f'<a href="/cases/{case.number}/summary.pdf" download>{link}</a>' in page


def test_police_read_the_name_and_the_file_number_in_chinese(open_case, login):
    case = open_case("林小梅", steps=3)
    text = "\n".join(_pages(_pdf(login("police"), case.number)))
    assert "林小梅" in text and POLICE_NUMBER in text
    assert "公安案件编号" in text


def test_a_department_the_case_never_reached_is_refused_like_on_the_case_page(
    open_case, login, audits
):
    case = open_case(steps=3)
    client = login("education")
    assert client.get(f"/cases/{case.number}").status_code == 403
    _pdf(client, case.number, 403)
    assert audits("case_summary_printed", allowed=False, case_id=case.id) == 1
    _pdf(client, "HC-2026-NOSUCH", 404)


def test_anonymous_visitors_log_in_first(open_case, client):
    case = open_case()
    assert client.get(f"/cases/{case.number}/summary.pdf").status_code == 302


def test_without_a_chinese_font_the_page_says_what_to_install(open_case, login, app, tmp_path):
    case = open_case()
    app.config["PDF_FONT"] = str(tmp_path / "missing.ttc")
    try:
        response = _pdf(login("police", "en"), case.number, 503)
    finally:
        app.config["PDF_FONT"] = None
    assert "install fonts-noto-cjk" in response.get_data(as_text=True)
