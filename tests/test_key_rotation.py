"""`flask keys rotate`: after it, the old key can go and every victim's data still reads."""

import pytest
from flask import current_app
from sqlalchemy import select, text

from forms.examples import EXAMPLES
from models import Case, CaseIdentifier, Document, DocumentKind, ProcessInstance, TimelineEvent, db
from models.crypto import Keyring, MissingDataKey, new_key
from models.rotation import ENCRYPTED_COLUMNS, rotate_batch, rows_to_rotate
from webapp import create_app
from webapp.config import TEST_DATA_KEY, TestConfig
from workflows import engine
from workflows.documents.operations import attach, files_to_rotate
from workflows.instances import load
from workflows.matching.candidates import intake_matches
from workflows.matching.index import cases_to_reindex


@pytest.fixture
def use_keys(app):
    """`use_keys(*keys)` makes the app encrypt with the first and decrypt with all of them."""
    before, used = app.extensions["data_keys"], []

    def switch(*keys):
        used.extend(keys)
        app.extensions["data_keys"] = Keyring.from_text(",".join(keys))
        db.session.rollback()
        db.session.expire_all()

    yield switch
    # The accounts outlive the test: their second-factor secrets go back under the tests' key.
    app.extensions["data_keys"] = Keyring.from_text(",".join([TEST_DATA_KEY, *used]))
    db.session.rollback()
    while rotate_batch(db.session, "users", "totp_secret"):
        db.session.commit()
    app.extensions["data_keys"] = before


def _case_with_history(users, name="Lin Xiaomei", **answers):
    case = engine.open_case({**EXAMPLES["case_open"], **answers}, users["police"], name)
    for _ in range(3):
        task = db.session.scalars(engine.open_tasks(case)).first()
        engine.complete_task(task.id, EXAMPLES[task.form_key], users[task.department.code])
    db.session.commit()
    return case


def _pending() -> int:
    columns = sum(rows_to_rotate(db.session, *target) for target in ENCRYPTED_COLUMNS)
    return columns + cases_to_reindex() + len(files_to_rotate())


def _read_everything(case_id: int) -> tuple:
    case = db.session.get(Case, case_id)
    data = [e.data for e in db.session.scalars(select(TimelineEvent).filter_by(case_id=case_id))]
    instance = db.session.scalar(select(ProcessInstance).filter_by(case_id=case_id))
    workflow, _ = load(instance)
    return case.victim_name, data, sorted(workflow.data)


def test_after_rotation_the_old_key_is_no_longer_needed(app, users, use_keys, login, client):
    old, new = current_app.config["DATA_KEY"], new_key()
    case = _case_with_history(users)
    before = _read_everything(case.id)
    use_keys(new, old)
    assert _pending() > 5
    result = app.test_cli_runner().invoke(args=["keys", "rotate", "--batch", "2"])
    assert result.exit_code == 0, result.output
    assert "re-encrypting" in result.output and _pending() == 0
    use_keys(new)
    assert _read_everything(case.id) == before
    login("police")
    found = client.post("/cases/find", data={"name": "Lin Xiaomei"})
    assert found.status_code == 200 and case.number in found.get_data(as_text=True)


def test_a_rotation_stopped_halfway_resumes_where_it_stopped(app, users, use_keys):
    old, new = current_app.config["DATA_KEY"], new_key()
    case = _case_with_history(users)
    use_keys(new, old)
    total = _pending()
    assert rotate_batch(db.session, "timeline_events", "data", size=3) == 3
    db.session.commit()
    assert _pending() == total - 3
    result = app.test_cli_runner().invoke(args=["keys", "rotate"])
    assert f"{total - 3} values" in result.output and _pending() == 0
    use_keys(new)
    assert _read_everything(case.id)[0] == "Lin Xiaomei"


def test_without_the_key_nothing_reads_and_nothing_leaks(users, use_keys):
    case = _case_with_history(users)
    use_keys(new_key())
    with pytest.raises(MissingDataKey):
        db.session.get(Case, case.id).victim_name  # noqa: B018
    db.session.rollback()
    stored = db.session.scalar(text("SELECT state FROM process_instances"))
    assert stored.startswith("hc1:") and "Lin Xiaomei" not in stored


def test_rows_written_before_encryption_are_encrypted_by_rotation(app, users):
    case = _case_with_history(users)
    db.session.execute(
        text(
            "UPDATE cases SET victim_name = 'Lin Xiaomei', victim_name_index = NULL WHERE id = :id"
        ),
        {"id": case.id},
    )
    db.session.commit()
    app.test_cli_runner().invoke(args=["keys", "rotate"])
    db.session.expire_all()
    stored = db.session.scalar(text("SELECT victim_name FROM cases"))
    assert stored.startswith("hc1:") and db.session.get(Case, case.id).victim_name_index


def test_the_app_refuses_to_start_without_a_data_key(tmp_path):
    keyless = type("Keyless", (TestConfig,), {"DATA_KEY": None, "DATA_KEY_FILE": None})
    with pytest.raises(MissingDataKey, match="HOMECOMING_DATA_KEY"):
        create_app(keyless)
    key_file = tmp_path / "data.key"
    key_file.write_text(f"# current\n{new_key()}\n")
    from_file = type("FromFile", (keyless,), {"DATA_KEY_FILE": str(key_file)})
    assert create_app(from_file).extensions["data_keys"].current.id


PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def test_documents_and_match_digests_follow_the_new_key(app, users, use_keys, login, client):
    """After rotation without the old key, the file still downloads and matching still finds
    the victim (by document number and by a pinyin spelling of her name)."""
    old, new = current_app.config["DATA_KEY"], new_key()
    passport = {"identity_document_number": "530102201003150021"}
    case = _case_with_history(users, name="林小梅", **passport)
    document = attach(
        case, users["police"], kind=DocumentKind.IDENTITY_PAPERS, filename="护照.pdf", data=PDF
    )
    db.session.commit()
    use_keys(new, old)
    assert len(files_to_rotate()) == 1 and cases_to_reindex() == 1
    first = app.test_cli_runner().invoke(args=["keys", "rotate", "--batch", "1"])
    assert first.exit_code == 0, first.output
    again = app.test_cli_runner().invoke(args=["keys", "rotate"])
    assert "0 values" in again.output  # resumed: nothing left
    use_keys(new)
    assert set(db.session.scalars(select(CaseIdentifier.key_id))) == {
        app.extensions["data_keys"].current.id
    }
    login("police")
    response = client.get(f"/cases/{case.number}/documents/{document.id}")
    assert response.status_code == 200 and response.data == PDF
    assert db.session.get(Document, document.id).filename == "护照.pdf"
    by_document = intake_matches("Chen Jing", {**EXAMPLES["case_open"], **passport})
    by_name = intake_matches("Lin Xiaomei", EXAMPLES["case_open"])
    assert [c.case.id for c in by_document] == [case.id] == [c.case.id for c in by_name]
    found = client.post("/cases/find", data={"name": "林小梅"})
    assert case.number in found.get_data(as_text=True)
