"""The benchmark scripts still run against the current pathway (their figures are in notes)."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_engine_benchmark_runs_a_few_rounds():
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}  # its own temp SQLite
    result = subprocess.run(
        [sys.executable, "benchmarks/engine.py", "--rounds", "12"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    assert "app / raw ratio:" in result.stdout
    assert "follow-up round ~  10:" in result.stdout


def test_inbox_benchmark_runs_in_short_mode():
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}  # its own temp SQLite
    result = subprocess.run(
        [sys.executable, "benchmarks/inbox.py", "--sizes", "50,150", "--repeats", "2"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    assert "growth p95 50 -> 150 (unclaimed):" in result.stdout


def test_case_page_benchmark_opens_a_long_case():
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    result = subprocess.run(
        [sys.executable, "benchmarks/case_page.py", "--rounds", "3"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    assert "case page: HTTP 200," in result.stdout
