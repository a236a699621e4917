"""Documents: content-checked uploads, encrypted at rest, downloads by step readers, audited."""

import io
from pathlib import Path

import pytest
from flask import current_app
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from models import Document, EventType, HumanTask, TimelineEvent, db

PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 16 + b"\x00\x00\x00\x00IEND\xaeB`\x82"
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 16 + b"\xff\xd9"


def _post(client, case, name, data, kind="identity_papers", task_id=""):
    """Post a file as the upload form does (the body built in memory: the test client would
    spool a large one to a file it never closes)."""
    values = {"file": FileStorage(io.BytesIO(data), name), "kind": kind, "task_id": task_id}
    boundary, body = encode_multipart(values)
    return client.post(
        f"/cases/{case.number}/documents",
        input_stream=io.BytesIO(body),
        content_type=f"multipart/form-data; boundary={boundary}",
        content_length=len(body),
    )


def _documents() -> int:
    db.session.rollback()
    return db.session.scalar(select(func.count()).select_from(Document))


@pytest.mark.parametrize(("name", "data", "kind"), [
    ("Lin Xiaomei passport.pdf", PDF, "application/pdf"),
    ("scan.png", PNG, "image/png"),
    ("photo.JPG", JPEG, "image/jpeg"),
])  # fmt: skip
def test_police_attach_and_download_as_an_attachment(name, data, kind, open_case, login, audits):
    case = open_case()
    client = login("police", "en")
    assert _post(client, case, name, data).status_code == 302
    document = db.session.scalar(select(Document))
    stored = (Path(current_app.config["DOCUMENTS_DIR"]) / document.storage_name).read_bytes()
    assert data not in stored and b"Catalog" not in stored  # encrypted at rest
    response = client.get(f"/cases/{case.number}/documents/{document.id}")
    assert response.status_code == 200 and response.data == data
    assert response.mimetype == kind
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert audits("document_downloaded", case_id=case.id, allowed=True) == 1
    page = client.get(f"/cases/{case.number}").get_data(as_text=True)
    assert name in page and "Document attached" in page


@pytest.mark.parametrize(("name", "data", "status"), [
    ("report.pdf", b"<html><script>alert(1)</script></html>", 415),  # HTML renamed .pdf
    ("report.pdf", PDF.replace(b"%%EOF", b"<script>alert(1)</script>\n%%EOF"), 415),
    ("report.pdf", PDF + b"<html><body>hi</body></html>", 415),  # appended after the end
    ("scan.png", PNG + b"PK\x03\x04zip inside", 415),  # a PNG/ZIP polyglot
    ("report.pdf", PDF.replace(b"/Catalog", b"/Catalog /OpenAction << /S /JavaScript >>"), 415),
    ("../../etc/passwd.pdf", PDF, 400),
    ("..\\windows.pdf", PDF, 400),
    ("report.html", PDF, 400),  # a PDF that a desktop would open as a web page
    ("report", PDF, 400),
    ("big.pdf", b"%PDF-1.7\n" + b"0" * 4096 + b"\n%%EOF", 413),  # over the limit set below
])  # fmt: skip
def test_hostile_uploads_are_refused_and_nothing_is_kept(
    name, data, status, open_case, login, audits, monkeypatch
):
    monkeypatch.setitem(current_app.config, "DOCUMENT_MAX_BYTES", 4096)
    case = open_case()
    response = _post(login("police", "en"), case, name, data)
    assert response.status_code == status
    assert _documents() == 0
    assert audits("document_attached", case_id=case.id, allowed=False) == 1


@pytest.mark.parametrize(
    ("locale", "words"),
    [("en", "The file is too large: at most 5 MB."), ("zh", "文件过大：最大 5 MB。")],  # noqa: RUF001
)
def test_a_refused_file_shows_the_case_page_again_saying_why(open_case, login, locale, words):
    case = open_case()
    big = PDF[:-6] + b"0" * (5 * 1024 * 1024) + b"\n%%EOF\n"
    response = _post(login("police", locale), case, "scan.pdf", big)
    assert response.status_code == 413 and response.mimetype == "text/html"
    page = response.get_data(as_text=True)
    assert words in page and case.number in page and 'id="document-file"' in page
    assert _documents() == 0


def test_a_request_over_the_limit_and_an_expired_form_say_what_happened(
    open_case, login, csrf_client
):
    case = open_case()
    huge = PDF + b"0" * (9 * 1024 * 1024)
    response = _post(login("police", "en"), case, "scan.pdf", huge)
    assert response.status_code == 413
    assert "What was sent is over 8 MB: nothing was saved." in response.get_data(as_text=True)
    expired = csrf_client.post("/cases/new", data={"victim_name": "Lin Xiaomei"})
    assert expired.status_code == 400
    assert "页面打开时间过长" in expired.get_data(as_text=True)  # anonymous: the default language


def test_an_unknown_kind_or_a_task_of_another_case_is_refused(open_case, login):
    case, other = open_case(), open_case("Chen Jing")
    client = login("police")
    assert _post(client, case, "a.pdf", PDF, kind="secret").status_code == 400
    foreign = db.session.scalar(select(HumanTask).filter_by(case_id=other.id))
    assert _post(client, case, "a.pdf", PDF, task_id=str(foreign.id)).status_code == 400
    for hostile in ("9" * 30, "²", "-1"):
        assert _post(client, case, "a.pdf", PDF, task_id=hostile).status_code == 400
    assert _documents() == 0


def test_only_readers_of_the_step_and_class_download(open_case, login, audits):
    case = open_case(steps=6)  # civil affairs, women's federation and health have worked on it
    task = db.session.scalar(select(HumanTask).filter_by(case_id=case.id).order_by(HumanTask.id))
    assert _post(login("police"), case, "medical.pdf", PDF, "medical_report").status_code == 302
    assert _post(login("police"), case, "id.pdf", PDF, task_id=str(task.id)).status_code == 302
    medical, identity = db.session.scalars(select(Document).order_by(Document.id)).all()
    expected = {
        "civil_affairs": (200, 200),
        "health": (200, 403),  # reads health data, not the identification step
        "womens_federation": (403, 403),  # reads neither health data nor identity papers
    }
    for username, statuses in expected.items():
        client = login(username, "en")
        got = tuple(
            client.get(f"/cases/{case.number}/documents/{d.id}").status_code
            for d in (medical, identity)
        )
        assert got == statuses, username
    page = login("womens_federation", "en").get(f"/cases/{case.number}").get_data(as_text=True)
    assert "id.pdf" not in page and "medical.pdf" not in page
    assert audits("document_downloaded", allowed=False, case_id=case.id) == 3


def test_a_medical_report_attached_to_the_whole_case_is_for_health_readers(
    open_case, login, colleague
):
    """No step's owner reads a document attached to the whole case: the police, who own the
    intake, neither see nor download a medical report health attached; who attached it and
    the readers of its class do."""
    case = open_case(steps=6)
    assert _post(login("health"), case, "hiv-test.pdf", PDF, "medical_report").status_code == 302
    (medical,) = db.session.scalars(select(Document)).all()
    expected = {"police": 403, "civil_affairs": 200, "health": 200, "womens_federation": 403}
    for username, status in expected.items():
        client = login(username, "en")
        assert client.get(f"/cases/{case.number}/documents/{medical.id}").status_code == status
        shown = "hiv-test.pdf" in client.get(f"/cases/{case.number}").get_data(as_text=True)
        assert shown == (status == 200), username
    assert _post(login("police"), case, "passport.pdf", PDF).status_code == 302
    police = login("police_colleague", "en")  # identity papers: the police read them
    identity = db.session.scalar(select(Document).filter_by(kind="identity_papers"))
    assert police.get(f"/cases/{case.number}/documents/{identity.id}").status_code == 200


def test_a_department_attaches_only_to_its_own_steps(open_case, login):
    case = open_case(steps=1)
    task = db.session.scalar(select(HumanTask).filter_by(case_id=case.id).order_by(HumanTask.id))
    client = login("civil_affairs")
    assert _post(client, case, "a.pdf", PDF, task_id=str(task.id)).status_code == 403
    assert login("reviewer").post(f"/cases/{case.number}/documents").status_code == 403
    assert _documents() == 0


def test_the_timeline_names_no_file(open_case, login):
    case = open_case()
    _post(login("police"), case, "Lin Xiaomei.pdf", PDF)
    event = db.session.scalar(
        select(TimelineEvent).filter_by(case_id=case.id, event_type=EventType.DOCUMENT_ATTACHED)
    )
    assert "Lin" not in str(dict(event.data))


def test_zh_case_page_offers_the_upload(open_case, login):
    case = open_case()
    page = login("police", "zh").get(f"/cases/{case.number}").get_data(as_text=True)
    assert "附件" in page and "身份证明文件" in page
