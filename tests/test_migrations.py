"""The migrations build exactly the schema the models describe."""

import subprocess
import sys
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine

from models import db

ROOT = Path(__file__).resolve().parent.parent


# Neither reflection nor autogenerate compares expression indexes: the test names them itself.
@pytest.mark.filterwarnings("ignore:Skipped unsupported reflection of expression-based index")
@pytest.mark.filterwarnings("ignore:autogenerate skipping metadata-specified expression-based")
def test_upgrade_builds_the_models_schema(tmp_path, worker_env):
    """`flask db upgrade` on an empty database leaves nothing for autogenerate to add, and
    builds the expression indexes autogenerate cannot compare."""
    url = f"sqlite:///{tmp_path / 'migrated.sqlite'}"
    subprocess.run(
        [sys.executable, "-m", "flask", "db", "upgrade"],
        cwd=ROOT,
        check=True,
        env={**worker_env, "DATABASE_URL": url},
        capture_output=True,
        timeout=120,
    )
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            differences = compare_metadata(MigrationContext.configure(connection), db.metadata)
            indexes = dict(
                connection.exec_driver_sql(
                    "SELECT name, sql FROM sqlite_master WHERE tbl_name = 'human_tasks'"
                ).all()
            )
    finally:
        engine.dispose()
    assert differences == []
    order = indexes["ix_human_tasks_inbox_order"].replace('"', "")
    assert (
        "(department_id, status, priority DESC, (due_at IS NULL), due_at, id, claimed_by_id)"
        in order
    )
