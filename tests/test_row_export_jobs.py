"""A row-level export is prepared by the timer worker while its page shows the progress; the
encrypted file is downloaded once, by the user who asked, within a day, then deleted."""

import csv
import io
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
from flask import current_app
from sqlalchemy import insert, select
from test_row_export import _export_consent, prepared
from test_translated_pages import english_strings

from models import (
    Case,
    CaseFacts,
    ConsentEntry,
    ConsentGiver,
    ConsentMethod,
    ConsentPurpose,
    ExportStatus,
    RowExport,
    db,
)
from webapp import demo_cases
from workflows import clock
from workflows.evaluation import export, export_grants, export_jobs

ROOT = Path(__file__).resolve().parent.parent
FORM = {"purpose": "Staged evaluation 2026"}


def _consent_all(users) -> int:
    """Every case with facts agrees to the export (one insert); how many."""
    ids = db.session.scalars(select(Case.id).join(CaseFacts)).all()
    entry = {"purpose": ConsentPurpose.ROW_EXPORT, "given": True, "method": ConsentMethod.WRITTEN}
    rows = [
        {**entry, "case_id": case_id, "given_by": ConsentGiver.VICTIM,
         "recorded_by_id": users["police"].id, "recorded_at": clock.now()}
        for case_id in ids
    ]  # fmt: skip
    db.session.execute(insert(ConsentEntry), rows)
    db.session.commit()
    return len(ids)


def _job(client, form=FORM) -> RowExport:
    response = client.post("/evaluation/export/jobs", data=form)
    assert response.status_code == 303, response.status_code
    return db.session.scalars(select(RowExport).order_by(RowExport.id.desc())).first()


def test_a_real_worker_writes_a_large_export_while_the_progress_grows(
    users, login, worker_env, audits
):
    demo_cases.seed_cases(200, users, sample=200)  # through the engine: each has its facts
    db.session.commit()
    total = _consent_all(users)
    assert total == 200
    client = login("joint_office", locale="en")
    job = _job(client)
    page = client.get(f"/evaluation/export/jobs/{job.id}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and f'max="{total}" value="0"' in html
    assert f"0 of {total} rows written." in html and "row_export.js" in html
    db.session.commit()  # no open read: the worker writes
    env = {
        **worker_env,
        "HOMECOMING_EXPORT_PAGE_ROWS": "1",  # a commit a row: the polls catch it mid-way
        "HOMECOMING_DOCUMENTS_DIR": current_app.config["DOCUMENTS_DIR"],
    }
    worker = subprocess.Popen(
        [sys.executable, "-m", "flask", "timers", "run", "--until-idle"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    seen = []
    while worker.poll() is None:
        state = client.get(f"/evaluation/export/jobs/{job.id}/progress").get_json()
        seen.append(state["written"])
        time.sleep(0.02)
    _, stderr = worker.communicate(timeout=60)
    assert worker.returncode == 0, stderr
    state = client.get(f"/evaluation/export/jobs/{job.id}/progress").get_json()
    assert state == {"status": "ready", "written": total, "total": total}
    assert seen == sorted(seen) and any(0 < figure < total for figure in seen), seen
    db.session.refresh(job)
    stored = Path(current_app.config["DOCUMENTS_DIR"], job.storage_name)
    at_rest = stored.read_bytes()
    assert at_rest.startswith(b"hcdoc1:") and b"hcd_CasePseudonym" not in at_rest
    ready = client.get(f"/evaluation/export/jobs/{job.id}").get_data(as_text=True)
    assert f"The export is ready: {total} rows." in ready
    response = client.post(f"/evaluation/export/jobs/{job.id}/download")
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert response.status_code == 200 and len(rows) == total
    assert len({row["hcd_CasePseudonym"] for row in rows}) == total
    assert not stored.exists()  # deleted once downloaded
    assert client.post(f"/evaluation/export/jobs/{job.id}/download").status_code == 410
    assert audits("rows_exported") == 1


@pytest.fixture
def ready(open_case, users, login):
    """A consenting case, and joint_office's export of it written by the worker's chore."""
    _export_consent(open_case("Lin Xiaomei", steps=5), users, True)
    client = login("joint_office", locale="en")
    job = _job(client)
    export_jobs.prepare_due(db.session.commit, db.session.rollback, 500)
    db.session.refresh(job)
    return job


@pytest.mark.parametrize("suffix", ["", "/progress"])
def test_another_user_gets_a_404_and_the_attempt_is_audited(ready, login, audits, suffix):
    client = login("joint_office_head")
    assert client.get(f"/evaluation/export/jobs/{ready.id}{suffix}").status_code == 404
    assert client.post(f"/evaluation/export/jobs/{ready.id}/download").status_code == 404
    assert audits("row_export_refused", allowed=False) == 2
    assert audits("rows_exported") == 0
    db.session.refresh(ready)
    assert ready.status == ExportStatus.READY  # still there for the one who asked


@pytest.mark.parametrize("username", ["reviewer", "police", "admin"])
def test_outside_the_joint_office_it_is_a_403(ready, login, username):
    client = login(username)
    assert client.get(f"/evaluation/export/jobs/{ready.id}").status_code == 403
    assert client.post(f"/evaluation/export/jobs/{ready.id}/download").status_code == 403


@pytest.mark.parametrize(
    "job_id", ["0", "abc", "-1", "2147483648", "99999999999999999999999", "1%00", "1.5"]
)
def test_forged_job_ids_are_404s(ready, login, job_id):
    client = login("joint_office")
    for url in (f"/evaluation/export/jobs/{job_id}", f"/evaluation/export/jobs/{job_id}/progress"):
        assert client.get(url).status_code == 404, url
    assert client.post(f"/evaluation/export/jobs/{job_id}/download").status_code == 404


@pytest.mark.parametrize("locale, words", [("en", "has expired"), ("zh", "已过期")])
def test_an_expired_export_is_gone_and_its_file_deleted(ready, login, locale, words):
    client = login("joint_office", locale=locale)
    stored = Path(current_app.config["DOCUMENTS_DIR"], ready.storage_name)
    ready.expires_at = clock.now() - timedelta(seconds=1)
    db.session.commit()
    page = client.get(f"/evaluation/export/jobs/{ready.id}")
    assert page.status_code == 410 and words in page.get_data(as_text=True)
    assert client.post(f"/evaluation/export/jobs/{ready.id}/download").status_code == 410
    assert client.get(f"/evaluation/export/jobs/{ready.id}/progress").get_json()["status"] == "gone"
    assert export_jobs.prepare_due(db.session.commit, db.session.rollback, 500) == 1
    assert not stored.exists()
    db.session.refresh(ready)
    assert ready.status == ExportStatus.EXPIRED and ready.storage_name is None


@pytest.mark.parametrize(
    "locale, words", [("en", "0 of 1 rows written."), ("zh", "已写入 0 / 1 行。")]
)
def test_without_scripts_the_page_refreshes_itself(open_case, users, login, locale, words):
    _export_consent(open_case("Lin Xiaomei", steps=5), users, True)
    client = login("joint_office", locale=locale)
    job = _job(client)
    html = client.get(f"/evaluation/export/jobs/{job.id}").get_data(as_text=True)
    assert '<noscript><meta http-equiv="refresh"' in html and words in html
    assert f'href="/evaluation/export/jobs/{job.id}"' in html  # the reload link
    assert '<progress id="export-progress" max="1" value="0">' in html
    listed = client.get("/evaluation/export/").get_data(as_text=True)
    assert f"/evaluation/export/jobs/{job.id}" in listed


def test_a_grant_revoked_before_the_download_stops_it(open_case, users, login, audits):
    _export_consent(open_case("Lin Xiaomei", steps=5), users, True)
    (grant,) = export_grants.grant(
        users["joint_office"], ["location"], "study", actor=users["admin"], now=clock.now()
    )
    db.session.commit()
    client = login("joint_office")
    job = _job(client, {**FORM, "classes": "location"})
    export_jobs.prepare_due(db.session.commit, db.session.rollback, 500)
    export_grants.revoke(grant, actor=users["admin"], now=clock.now())
    db.session.commit()
    assert client.post(f"/evaluation/export/jobs/{job.id}/download").status_code == 403
    assert audits("rows_exported") == 0


@pytest.mark.parametrize(
    ("locale", "words"),
    [
        ("en", "A victim withdrew their consent to row-level exports"),
        ("zh", "撤回了纳入逐行导出的同意"),
    ],
)
def test_a_consent_withdrawn_after_the_export_was_asked_deletes_its_file(
    ready, users, login, audits, locale, words
):
    """The file was written while the victim agreed: it is never handed out once any victim
    has withdrawn since; asked again, the export leaves them out."""
    stored = Path(current_app.config["DOCUMENTS_DIR"], ready.storage_name)
    _export_consent(db.session.scalar(select(Case)), users, False)  # the fixture's one case
    client = login("joint_office", locale=locale)
    answer = client.post(f"/evaluation/export/jobs/{ready.id}/download")
    assert answer.status_code == 410 and words in answer.get_data(as_text=True)
    assert not stored.exists() and audits("rows_exported") == 0
    db.session.refresh(ready)
    assert ready.status == ExportStatus.EXPIRED
    again = _job(client)
    export_jobs.prepare_due(db.session.commit, db.session.rollback, 500)
    rows = client.post(f"/evaluation/export/jobs/{again.id}/download").get_data(as_text=True)
    assert list(csv.DictReader(io.StringIO(rows))) == []


def test_a_stalled_export_is_written_again_by_the_next_worker(open_case, users):
    """A worker died after two of three rows: the next writes all three, each once."""
    for name in ("Lin Xiaomei", "Wang Fang", "Chen Hua"):
        _export_consent(open_case(name, steps=5), users, True)
    asked = export.ExportRequest("study")
    job = export_jobs.request_export(asked, users["joint_office"], clock.now())
    job.status, job.rows_written = ExportStatus.RUNNING, 2
    job.lease_until = clock.now() - timedelta(seconds=1)  # its worker died
    db.session.commit()
    assert export_jobs.prepare_due(db.session.commit, db.session.rollback, 1) == 1
    db.session.refresh(job)
    assert job.status == ExportStatus.READY and job.rows_written == job.rows_total == 3
    rows = list(csv.DictReader(io.StringIO(export_jobs.take(job, clock.now()).decode())))
    assert len({row["hcd_CasePseudonym"] for row in rows}) == len(rows) == 3


def test_the_page_and_the_download_agree_with_the_direct_request(open_case, users, login):
    _export_consent(open_case("Lin Xiaomei", steps=5), users, True)
    response = prepared(login("joint_office"), FORM, page_rows=1)
    assert response.status_code == 200 and response.get_data(as_text=True).count("\r\n") == 2


def test_every_state_of_the_job_page_reads_in_chinese(open_case, users, login):
    _export_consent(open_case("Lin Xiaomei", steps=5), users, True)
    export_grants.grant(
        users["joint_office"], ["location"], "study", actor=users["admin"], now=clock.now()
    )
    db.session.commit()
    client = login("joint_office", locale="zh")
    job = _job(client)
    pages = {"form": client.get("/evaluation/export/"), "queued": _page(client, job)}
    export_jobs.prepare_due(db.session.commit, db.session.rollback, 500)
    pages["ready"] = _page(client, job)
    client.post(f"/evaluation/export/jobs/{job.id}/download")
    pages["gone"] = _page(client, job)
    assert {name: english_strings(page.get_data(as_text=True)) for name, page in pages.items()} == {
        name: set() for name in pages
    }
    assert "招募地和被剥削地" in pages["form"].get_data(as_text=True)


def _page(client, job):
    return client.get(f"/evaluation/export/jobs/{job.id}")


def test_an_export_whose_file_cannot_be_stored_fails_without_stopping_the_worker(
    open_case, users, login, monkeypatch
):
    _export_consent(open_case("Lin Xiaomei", steps=5), users, True)
    client = login("joint_office", locale="en")
    job = _job(client)

    def full_disk(data):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(export_jobs.store, "save", full_disk)
    assert export_jobs.prepare_due(db.session.commit, db.session.rollback, 500) == 1
    db.session.refresh(job)
    assert job.status == ExportStatus.FAILED and job.storage_name is None
    assert "could not be prepared" in _page(client, job).get_data(as_text=True)
    assert client.get(f"/evaluation/export/jobs/{job.id}/progress").get_json()["status"] == "failed"
    assert client.post(f"/evaluation/export/jobs/{job.id}/download").status_code == 410
    assert export_jobs.prepare_due(db.session.commit, db.session.rollback, 500) == 0  # not again


def test_an_export_that_fails_for_any_reason_is_marked_failed_and_the_next_one_runs(
    open_case, users, login, monkeypatch
):
    _export_consent(open_case("Lin Xiaomei", steps=5), users, True)
    client = login("joint_office", locale="en")
    broken, good = _job(client), _job(client)
    real_page = export_jobs.page

    def fails_once(asked, after, rows):
        monkeypatch.setattr(export_jobs, "page", real_page)  # only the first export breaks
        raise ValueError("a bug in a row")

    monkeypatch.setattr(export_jobs, "page", fails_once)
    assert export_jobs.prepare_due(db.session.commit, db.session.rollback, 500) == 2
    db.session.refresh(broken)
    db.session.refresh(good)
    assert (broken.status, good.status) == (ExportStatus.FAILED, ExportStatus.READY)


def test_a_changed_file_is_a_410_and_no_download_is_recorded(ready, login, audits):
    client, job = login("joint_office", locale="en"), ready
    stored = Path(current_app.config["DOCUMENTS_DIR"], job.storage_name)
    stored.write_bytes(stored.read_bytes()[:-1] + b"X")  # one byte changed at rest
    assert client.post(f"/evaluation/export/jobs/{job.id}/download").status_code == 410
    db.session.refresh(job)
    assert job.status == ExportStatus.EXPIRED and job.downloaded_at is None
    assert audits("rows_exported") == 0


def test_the_list_says_expired_once_the_file_ran_out_before_it_is_deleted(ready, login):
    client, job = login("joint_office", locale="en"), ready
    listed = client.get("/evaluation/export/").get_data(as_text=True)
    assert "ready to download" in listed
    job.expires_at = clock.now() - timedelta(seconds=1)
    db.session.commit()
    listed = client.get("/evaluation/export/").get_data(as_text=True)
    assert "ready to download" not in listed and "expired" in listed
    assert client.post(f"/evaluation/export/jobs/{job.id}/download").status_code == 410
