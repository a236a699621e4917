"""The `flask` commands carry a case from rescue to closure, with clear errors."""

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import create_engine, select, text

from forms.examples import EXAMPLES
from models import DEPARTMENTS, Case, CaseStatus, db
from webapp.passwords import check_password

ROOT = Path(__file__).resolve().parent.parent

ANSWERS = {
    "age": 32,
    "identity_established": True,
    "willing_to_return": True,
    "legal_aid_requested": False,
    "case_can_close": True,
}


@pytest.fixture
def flask_cli(app):
    """Invoke a `flask` command in-process; return its result."""
    runner = app.test_cli_runner()

    def invoke(*args):
        db.session.rollback()  # the command runs in its own session: end our transaction
        return runner.invoke(args=list(args))

    return invoke


def _data(form_key: str) -> str:
    return json.dumps({**EXAMPLES[form_key], **ANSWERS}, default=str)


def _inbox(flask_cli, username):
    result = flask_cli("cases", "inbox", "--as", username)
    assert result.exit_code == 0, result.output
    return [line.split("\t") for line in result.output.splitlines()]


def test_a_case_runs_from_rescue_to_closure_through_the_cli(flask_cli):
    """Open as police, then each department completes what its inbox shows, until closure."""
    opened = flask_cli(
        "cases",
        "open",
        "--as",
        "police",
        "--name",
        "Deng Li",
        "--data",
        json.dumps({**EXAMPLES["case_open"], "age": 32, "origin_province": "fujian"}, default=str),
    )
    assert opened.exit_code == 0, opened.output
    number = opened.output.strip()
    departments = [code for code, _, _ in DEPARTMENTS]
    completed = []
    for _ in range(30):
        rows = [
            (user, row)
            for user in departments
            for row in _inbox(flask_cli, user)
            if row[1] == number
        ]
        if not rows:
            case = db.session.scalar(select(Case).filter_by(number=number))
            if case.status == CaseStatus.CLOSED:
                break
            time.sleep(1.1)  # the follow-up timer is due after a second in tests
            fired = flask_cli("timers", "run", "--until-idle")
            assert "fired 1 timers" in fired.output
            continue
        user, (task_id, _, _, form_key, _) = rows[0]
        assert flask_cli("cases", "claim", task_id, "--as", user).exit_code == 0
        result = flask_cli("cases", "complete", task_id, "--as", user, "--data", _data(form_key))
        assert result.output.strip() == f"task {task_id} completed"
        completed.append(form_key)
    assert completed[0] == "rescue_identification" and completed[-1] == "closure_review"
    shown = flask_cli("cases", "show", number)
    assert shown.output.splitlines()[0] == f"{number}\tclosed"
    assert "case_closed" in shown.output.splitlines()[-1]


def test_cli_errors_are_clear_and_change_nothing(flask_cli):
    """Bad data, a wrong department and a second completion each say what is wrong."""
    opened = flask_cli(
        "cases",
        "open",
        "--as",
        "police",
        "--name",
        "Ma Yun",
        "--data",
        json.dumps(EXAMPLES["case_open"], default=str),
    )
    number = opened.output.strip()
    task_id = next(row[0] for row in _inbox(flask_cli, "police") if row[1] == number)
    bad = flask_cli(
        "cases",
        "complete",
        task_id,
        "--as",
        "police",
        "--data",
        json.dumps({**json.loads(_data("rescue_identification")), "age": 200}),
    )
    assert bad.exit_code == 1 and "FormInvalid" in bad.output and "age" in bad.output
    wrong = flask_cli(
        "cases", "complete", task_id, "--as", "health", "--data", _data("rescue_identification")
    )
    assert wrong.exit_code == 1 and "NotYourDepartment" in wrong.output
    good = flask_cli(
        "cases", "complete", task_id, "--as", "police", "--data", _data("rescue_identification")
    )
    assert good.exit_code == 0
    again = flask_cli(
        "cases", "complete", task_id, "--as", "police", "--data", _data("rescue_identification")
    )
    assert again.exit_code == 1 and "already completed" in again.output
    assert flask_cli("cases", "open", "--as", "nobody", "--name", "X").exit_code == 1


def test_demo_seed_builds_a_ready_to_use_database(tmp_path, worker_env):
    """`flask demo seed` (what `make run` does): migrated schema, nine departments, 21
    accounts (a social worker and a head per department, three oversight), the pathway
    deployed, demo cases at different stages (two of them with a follow-up visit due now) and
    the evaluation's history; twice is harmless."""
    url = f"sqlite:///{tmp_path / 'demo.sqlite'}"
    env = {**worker_env, "DATABASE_URL": url, "HOMECOMING_DEMO_PASSWORD": "demo-pass"}
    for _ in range(2):
        subprocess.run(
            [sys.executable, "-m", "flask", "demo", "seed"],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
            timeout=300,
        )
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            counts = {
                table: connection.execute(text(f"SELECT count(*) FROM {table}")).scalar()
                for table in ("departments", "users", "pathway_versions", "cases")
            }
            # One version of each top-level pathway (a case, a case received from another
            # province); six story cases and the 300 of the evaluation's history.
            assert counts == {"departments": 9, "users": 21, "pathway_versions": 2, "cases": 306}
            visits_due = connection.execute(
                text(
                    "SELECT count(*) FROM human_tasks WHERE form_key = 'follow_up_visit'"
                    " AND status = 'READY'"
                )
            ).scalar()
            stages = (
                connection.execute(
                    text("SELECT count(*) FROM human_tasks GROUP BY case_id ORDER BY 1")
                )
                .scalars()
                .all()
            )
            hash_ = connection.execute(
                text("SELECT password_hash FROM users WHERE username = 'police'")
            ).scalar()
    finally:
        engine.dispose()
    assert len(set(stages)) >= 3  # cases at different stages
    assert visits_due == 2  # the demo's follow-up visits are in the inbox at once
    assert check_password(hash_, "demo-pass")
