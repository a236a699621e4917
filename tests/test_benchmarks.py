"""The benchmark scripts still run against the current pathway (their figures are in notes)."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import OperationalError

ROOT = Path(__file__).resolve().parent.parent


def _run(script: str, *args: str, timeout: int = 300) -> subprocess.CompletedProcess:
    """Run a benchmark script on its own temporary SQLite (or database); it must exit 0."""
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    return subprocess.run(
        [sys.executable, script, *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=True,
    )


def test_engine_benchmark_runs_a_few_rounds():
    result = _run("benchmarks/engine.py", "--rounds", "12")
    assert "app / raw ratio:" in result.stdout
    assert "follow-up round ~  10:" in result.stdout


def test_inbox_benchmark_runs_in_short_mode():
    result = _run("benchmarks/inbox.py", "--sizes", "50,150", "--repeats", "2")
    assert "growth p95 50 -> 150 (unclaimed):" in result.stdout


def test_case_page_benchmark_opens_a_long_case():
    result = _run("benchmarks/case_page.py", "--rounds", "3")
    assert "case page: HTTP 200," in result.stdout


def _postgresql_server() -> str:
    """The PostgreSQL server of the tests (or the local one); skip if none answers."""
    url = os.environ.get("TEST_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/x")
    server = url.rsplit("/", 1)[0]
    engine = create_engine(server + "/postgres")
    try:
        with engine.connect() as connection:
            connection.execute(text("select 1"))
    except OperationalError:
        pytest.skip("the load benchmark needs PostgreSQL")
    finally:
        engine.dispose()
    return server


def test_load_benchmark_runs_in_short_mode():
    server = _postgresql_server()
    result = _run("benchmarks/load.py", "--short", "--server", server, timeout=600)
    assert (
        "== gunicorn 4 worker(s):" in result.stdout and "== gunicorn 1 worker(s):" in result.stdout
    )
    assert " 0 errors," in result.stdout, result.stdout
    assert "completions/s 4 workers vs 1:" in result.stdout
    assert "  complete  n=    0" not in result.stdout, result.stdout


def test_evaluation_benchmark_times_every_page_in_short_mode():
    result = _run("benchmarks/evaluation.py", "--sizes", "60,120", "--repeats", "1")
    assert "growth 60 -> 120 (departments):" in result.stdout
