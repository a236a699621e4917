"""Department knowledge agrees with itself: forms, need-to-know, name readers, the database."""

import subprocess
import sys
from pathlib import Path

from sqlalchemy import create_engine, text

from forms.registry import FORMS
from models import DEPARTMENT_CODES
from webapp.access import (
    CASE_OWNERS,
    CLASS_READERS,
    ESCALATION_READER,
    EVALUATION_OFFICE,
    NAME_READERS,
    NEEDS,
)

ROOT = Path(__file__).resolve().parent.parent


def test_every_form_belongs_to_a_department():
    assert {
        key: form.department
        for key, form in FORMS.items()
        if form.department not in DEPARTMENT_CODES
    } == {}


def test_need_to_know_names_departments_and_registered_forms():
    assert set(NEEDS) <= DEPARTMENT_CODES and NAME_READERS <= DEPARTMENT_CODES
    assert {code: keys - set(FORMS) for code, keys in NEEDS.items() if keys - set(FORMS)} == {}


def test_every_other_reader_of_access_is_a_department():
    """Owners, readers of each sensitive class, the evaluation and escalation offices."""
    named = CASE_OWNERS.union(*CLASS_READERS.values(), {EVALUATION_OFFICE, ESCALATION_READER})
    assert named - DEPARTMENT_CODES == set()


def test_departments_sync_creates_the_departments_without_demo_data(tmp_path, worker_env):
    """A migrated empty database gets the nine departments and nothing else; twice is harmless."""
    url = f"sqlite:///{tmp_path / 'prod.sqlite'}"
    env = {**worker_env, "DATABASE_URL": url}

    def flask(*args) -> str:
        return subprocess.run(
            [sys.executable, "-m", "flask", *args],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
            text=True,
            timeout=120,
        ).stdout

    flask("db", "upgrade", "--directory", "migrations")
    for _ in range(2):
        assert flask("departments", "sync").strip() == "9 departments"
    engine = create_engine(url)
    with engine.connect() as connection:
        codes = set(connection.execute(text("SELECT code FROM departments")).scalars())
        users = connection.execute(text("SELECT count(*) FROM users")).scalar()
    engine.dispose()
    assert (codes, users) == (DEPARTMENT_CODES, 0)
