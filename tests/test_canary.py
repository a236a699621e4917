"""A canary typed into the name and every free-text field of a case, carried to closure:
never in the database files, a dump or a log line; readable by those who may; found by name."""

import logging
import os
import subprocess
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from forms.examples import EXAMPLES
from forms.fields import NotesField, ShortTextField
from forms.registry import FORMS
from models import CaseStatus, db
from tests.scenarios import carry

CANARY = "Canary7Q9XZ"
NAME = f"{CANARY} 林"


def _accepts(form, data: dict) -> bool:
    return form.from_data(data).validate()


def _canary_answers() -> dict:
    """For each form, the canary in every free-text field its realistic answers allow.

    A text field that the example leaves empty may be refused when filled (a reason for
    refusing legal aid to an eligible victim): it gets the canary only where it is accepted.
    """
    answers = {}
    for key, form in FORMS.items():
        texts = [
            name
            for name, field in form()._fields.items()
            if isinstance(field, ShortTextField | NotesField)
        ]
        chosen = {}
        for name in texts:
            if _accepts(form, EXAMPLES[key] | chosen | {name: CANARY}):
                chosen[name] = CANARY
        answers[key] = chosen
    return answers


@pytest.fixture
def carried(open_case, users, run_worker, caplog):
    """A case with the canary everywhere, carried to closure with every log at DEBUG."""
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.DEBUG, logger="sqlalchemy.engine")
    intake = _canary_answers()["case_open"]
    case = open_case(NAME, **intake)
    carry(case, users, _canary_answers(), run_worker)
    assert case.status == CaseStatus.CLOSED
    db.session.commit()
    return case


def _stored_files(database_url: str) -> list[Path]:
    path = Path(make_url(database_url).database)
    return [p for p in (path, Path(f"{path}-wal"), Path(f"{path}-journal")) if p.exists()]


def _file_bytes(path: Path) -> bytes:
    """Read in another process: closing our own descriptor on a SQLite file would drop the
    POSIX locks SQLite holds on it in this process, and corrupt the test database."""
    return subprocess.run(["cat", str(path)], capture_output=True, check=True).stdout


def _pg_dump(database_url: str) -> bytes:
    url = make_url(database_url).set(drivername="postgresql")
    dump = subprocess.run(
        ["pg_dump", url.render_as_string(hide_password=False)],
        capture_output=True,
        check=True,
        timeout=120,
    )
    return dump.stdout


def test_the_canary_is_nowhere_at_rest_nor_in_any_log_yet_reads_for_those_who_may(
    carried, database_url, caplog, login, client
):
    canary = CANARY.encode()
    if database_url.startswith("sqlite"):
        files = _stored_files(database_url)
        assert any(p.name.endswith("-wal") for p in files)
        for path in files:
            assert canary not in _file_bytes(path), path
    else:
        assert b"timeline_events" in (dump := _pg_dump(database_url))
        assert canary not in dump
    _still_readable_by_those_who_may(carried, login, client)
    records = caplog.get_records("setup") + caplog.get_records("call")
    assert len(records) > 100  # SQLAlchemy's statements and rows were captured at DEBUG
    leaks = [r.getMessage()[:200] for r in records if CANARY in r.getMessage()]
    assert leaks == []


def _still_readable_by_those_who_may(carried, login, client):
    """The police read the canary and find the name; health sees neither the name nor it."""
    login("police")
    page = client.get(f"/cases/{carried.number}").get_data(as_text=True)
    assert NAME in page and CANARY in page.replace(NAME, "")
    found = client.post("/cases/find", data={"name": NAME}).get_data(as_text=True)
    assert carried.number in found
    login("health")
    page = client.get(f"/cases/{carried.number}").get_data(as_text=True)
    assert NAME not in page and "受限" in page


@pytest.mark.skipif(os.environ.get("TEST_DATABASE_URL") is None, reason="needs PostgreSQL")
def test_pg_dump_is_reachable(database_url):
    assert _pg_dump(database_url).startswith(b"--")
