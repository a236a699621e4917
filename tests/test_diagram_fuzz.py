"""A thousand seeded mutants of the shipped diagrams: each is a problem, never a 500."""

import io

import pytest
from fuzz_diagrams import mutants
from sqlalchemy import delete

from models import DEPARTMENT_CODES, DiagramDraft, db
from workflows import drafts
from workflows.checks import check_files
from workflows.errors import Problem
from workflows.parsing import diagram_files

MUTANTS = 1000
# Each HTTP round trip checks the whole set again; a third of the mutants keeps the suite fast.
HTTP_MUTANTS = 300
XML = {"Content-Type": "application/xml"}


@pytest.fixture
def no_lint(monkeypatch):
    """bpmnlint runs in its own capped node process (tested elsewhere); skip it for speed."""
    monkeypatch.setattr(drafts, "lint", lambda data, filename: [])


def test_check_files_reports_every_mutant_as_problems():
    for name, _, files in mutants(MUTANTS):
        problems = check_files(files, DEPARTMENT_CODES)
        assert all(isinstance(p, Problem) for p in problems), name


def test_uploads_and_drafts_of_mutants_never_500(no_lint, login):
    client = login("manager", "en")
    statuses = []
    for index, (name, data, _) in enumerate(mutants(HTTP_MUTANTS, seed=88)):
        if index % 2:
            response = client.post(f"/diagrams/api/{name[:-5]}/draft", data=data, headers=XML)
        else:
            upload = {"diagram": (io.BytesIO(data), name)}
            response = client.post("/diagrams/upload", data=upload)
        statuses.append(response.status_code)
        with client.session_transaction() as session:
            session.pop("_flashes", None)
        assert "Traceback" not in response.get_data(as_text=True)
    db.session.execute(delete(DiagramDraft))
    db.session.commit()
    assert 500 not in statuses
    assert set(statuses) <= {200, 302, 400}


@pytest.mark.parametrize("index", range(5))
def test_workflows_check_reports_a_bad_coordinate_without_a_traceback(app, tmp_path, index):
    shipped = diagram_files()
    name = sorted(shipped)[index]
    path = tmp_path / name
    path.write_bytes(shipped[name].replace(b'x="', b'x="abc', 1))
    result = app.test_cli_runner().invoke(args=["workflows", "check", str(path)])
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "is not a number" in result.output
