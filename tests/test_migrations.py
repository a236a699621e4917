"""The migrations build exactly the schema the models describe."""

import subprocess
import sys
from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine

from models import db

ROOT = Path(__file__).resolve().parent.parent


def test_upgrade_builds_the_models_schema(tmp_path, worker_env):
    """`flask db upgrade` on an empty database leaves nothing for autogenerate to add."""
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
    finally:
        engine.dispose()
    assert differences == []
