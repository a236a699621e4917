"""The benchmark scripts still run against the current pathway (their figures are in notes)."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _run(script: str, *args: str) -> subprocess.CompletedProcess:
    """Run a benchmark script on its own temporary SQLite; it must exit 0."""
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    return subprocess.run(
        [sys.executable, script, *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
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


def test_evaluation_benchmark_times_every_page_in_short_mode():
    result = _run("benchmarks/evaluation.py", "--sizes", "60,120", "--repeats", "1")
    assert "growth 60 -> 120 (departments):" in result.stdout
