"""The joint office evaluates in a real browser: the four pages with their charts and tables,
a filtered period, a staged evaluation frozen and downloaded as XLSX, in Chinese and English;
the row-level export counted, prepared by a real timer worker, then downloaded."""

import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import openpyxl
import pytest
from pages import log_in_as_is, submit
from playwright.sync_api import expect
from sqlalchemy import select

from forms.examples import EXAMPLES
from models import Case, ConsentGiver, ConsentMethod, ConsentPurpose, db
from webapp import demo
from workflows import consent, engine

pytestmark = pytest.mark.e2e
ROOT = Path(__file__).resolve().parents[2]
PAGES = ("victims", "pathway", "measures", "departments")
# Each language's words: the evaluation's heading, the filter and freeze buttons, the title.
WORDS = {
    "zh": {"heading": "评估", "show": "显示", "freeze": "定稿数据", "title": "2026年中期评估"},
    "en": {"heading": "Evaluation", "show": "Show", "freeze": "Freeze the figures",
           "title": "2026 mid-term"},
}  # fmt: skip


def _cases(users) -> None:
    """Four victims, two of them through identification, so every page has something."""
    for name, age, steps in (("Lin Xiaomei", 14, 4), ("Chen Hua", 9, 2), ("Wang Fang", 24, 4)):
        case = engine.open_case({**EXAMPLES["case_open"], "age": age}, users["police"], name)
        demo.advance_case(case, users, steps)
    engine.open_case(EXAMPLES["case_open"], users["police"], "Nguyen Thi Lan")
    db.session.commit()  # and no more reads: SQLite's BEGIN IMMEDIATE would block the server


def _switch(page, locale: str) -> None:
    page.locator("#locale").select_option(locale)
    with page.expect_navigation():
        page.locator("form:has(#locale)").get_by_role("button").click()


def _read_pages(page, screenshot, locale: str, month: str) -> None:
    words = WORDS[locale]
    for name in PAGES:
        page.goto(f"/evaluation/{name}")
        expect(page.get_by_role("heading", level=1)).to_contain_text(words["heading"])
        filters = page.locator("form.filters")
        filters.locator("input[name=start]").fill("2024-01")
        filters.locator("input[name=end]").fill(month)
        submit(page, words["show"])
        assert f"start=2024-01&end={month}" in page.url
        figure = page.locator("section.figure:has(.chart)").first
        # The chart is drawn (ECharts) and its figures are in the table under it.
        expect(figure.locator(".chart svg, .chart canvas").first).to_be_visible()
        expect(figure.locator("table.figures tbody tr").first).to_be_visible()
        screenshot(page, f"evaluation-{name}-{locale}")


def _freeze_and_download(page, screenshot, locale: str, month: str, tmp_path) -> None:
    words = WORDS[locale]
    page.goto("/evaluation/frozen/")
    form = page.locator("form.freeze")
    form.locator("input[name=title]").fill(words["title"])
    form.locator("select[name=kind]").select_option("staged")
    form.locator("input[name=start]").fill("2024-01")
    form.locator("input[name=end]").fill(month)
    submit(page, words["freeze"])
    expect(page.get_by_role("heading", level=1)).to_have_text(words["title"])
    expect(page.locator(".verified")).to_be_visible()
    screenshot(page, f"evaluation-frozen-{locale}")
    with page.expect_download() as download:
        page.locator("a[href$='.xlsx']").click()
    assert download.value.suggested_filename.endswith(".xlsx")
    path = tmp_path / f"{locale}.xlsx"
    download.value.save_as(path)
    book = openpyxl.load_workbook(path, read_only=True)
    assert book.sheetnames and any(
        any(cell is not None for cell in row)
        for row in book.worksheets[0].iter_rows(values_only=True)
    )
    book.close()


def test_the_joint_office_counts_then_downloads_the_row_export(
    page, users, screenshot, accounts_in_chinese, tmp_path, worker_env, app
):
    _cases(users)
    police = users["police"]
    agreed = consent.ConsentAnswer(
        ConsentPurpose.ROW_EXPORT, True, ConsentMethod.WRITTEN, ConsentGiver.VICTIM
    )
    first = db.session.scalars(select(Case).order_by(Case.id)).first()
    consent.record(first, agreed, actor=police, department=police.memberships[0].department)
    db.session.commit()
    log_in_as_is(page, "joint_office")
    _switch(page, "en")
    page.goto("/evaluation/victims")
    page.get_by_role("link", name="Row-level export (HTCDS v2)").click()
    page.get_by_label("Purpose of the export").fill("Pooling with the national data collaborative")
    submit(page, "Count the rows")
    # One victim of four agreed to the export: the page says so before anything is prepared.
    expect(page.locator(".row-count")).to_have_text("The export will hold 1 row.")
    screenshot(page, "evaluation-row-export-en")
    submit(page, "Prepare the export")
    expect(page.get_by_role("status")).to_have_text("0 of 1 rows written.")
    screenshot(page, "evaluation-row-export-progress-en")
    db.session.commit()  # no open read: the worker writes
    env = {**worker_env, "HOMECOMING_DOCUMENTS_DIR": app.config["DOCUMENTS_DIR"]}
    subprocess.run(
        [sys.executable, "-m", "flask", "timers", "run", "--until-idle"],
        cwd=ROOT, env=env, check=True, capture_output=True, timeout=120,
    )  # fmt: skip
    # row_export.js sees the export ready and reloads the page: its download button shows.
    download_button = page.get_by_role("button", name="Download the CSV")
    expect(download_button).to_be_visible(timeout=10_000)
    with page.expect_download() as download:
        download_button.click()
    path = tmp_path / "rows.csv"
    download.value.save_as(path)
    lines = path.read_text().splitlines()
    assert lines[0].startswith("hcd_CasePseudonym,hcd_ReportType,") and len(lines) == 2
    assert first.number not in lines[1] and "Lin Xiaomei" not in lines[1]


def test_the_joint_office_evaluates_and_freezes_in_both_languages(
    page, users, screenshot, accounts_in_chinese, tmp_path
):
    _cases(users)
    month = datetime.now(UTC).strftime("%Y-%m")
    log_in_as_is(page, "joint_office")
    _read_pages(page, screenshot, "zh", month)
    _freeze_and_download(page, screenshot, "zh", month, tmp_path)
    _switch(page, "en")
    _read_pages(page, screenshot, "en", month)
    _freeze_and_download(page, screenshot, "en", month, tmp_path)
