"""A department's inbox as the page serves it, at 1,000, 10,000 and 100,000 cases.

Run: `.venv/bin/python benchmarks/inbox.py [--sizes 1000,10000,100000] [--repeats 30]` (SQLite
in a temp file, or DATABASE_URL: give it a database of its own, it is emptied). Cases and their
ready tasks are inserted directly (the engine would take hours for 100,000 cases) with the mix
of the issue's measurement: about a quarter of the cases wait on justice, half of those
claimed, a tenth overdue. Prints p50/p95 per filter and size, the statements per page, and the
growth from the smallest to the largest size. Aims: p95 < 50 ms at 100,000, growth <= 2x.
"""

import argparse
import os
import random
import tempfile
import time
from datetime import UTC, datetime, timedelta
from statistics import median, quantiles

from sqlalchemy import event, insert, select, text

from models import Case, Department, HumanTask, ProcessInstance, TaskStatus, User, db
from webapp import create_app, demo
from webapp.config import TestConfig
from workflows.pathways import deploy_shipped, latest_version
from workflows.routing import sync_departments

FILTERS = ("all", "unclaimed", "mine", "overdue")
BATCH = 2_000
OTHERS = ("police", "civil_affairs", "health", "education")


def _app(url: str):
    config = type("BenchConfig", (TestConfig,), {"SQLALCHEMY_DATABASE_URI": url})
    app = create_app(config)
    with app.app_context():
        db.drop_all()
        db.create_all()
        demo.seed_users(TestConfig.DEMO_PASSWORD, sync_departments())
        deploy_shipped()
        db.session.commit()
    return app


def _rows(start: int, count: int, version: int, departments: dict, justice_user: int):
    """Cases, their instances and one ready task each (a quarter of them justice's)."""
    now, rng = datetime.now(UTC), random.Random(start)
    cases, instances, tasks = [], [], []
    for n in range(start, start + count):
        cases.append(
            {"id": n, "number": f"HC-2026-{n:06d}", "opened_by_id": 1, "victim_name": f"V{n}"}
        )
        instances.append({"id": n, "case_id": n, "pathway_version_id": version, "state": ""})
        justice = rng.random() < 0.24
        code = "justice" if justice else rng.choice(OTHERS)
        due = now + timedelta(days=rng.randint(-3, 30)) if rng.random() < 0.9 else None
        tasks.append(
            {
                "id": n,
                "case_id": n,
                "instance_id": n,
                "workflow_task_id": f"bench-{n}",
                "bpmn_id": "legal_eligibility",
                "process_id": "legal_aid",
                "name": "Legal aid eligibility",
                "form_key": "legal_eligibility",
                "department_id": departments[code],
                "status": TaskStatus.READY,
                "due_at": due,
                "claimed_by_id": justice_user if justice and rng.random() < 0.5 else None,
            }
        )
    return cases, instances, tasks


def grow(app, start: int, end: int) -> None:
    """Insert cases start+1 .. end, in batches, then refresh the planner's statistics (as
    PostgreSQL's autovacuum would after such growth)."""
    with app.app_context():
        departments = {d.code: d.id for d in db.session.scalars(select(Department))}
        justice = db.session.scalar(select(User.id).filter_by(username="justice"))
        version = latest_version().id
        for first in range(start + 1, end + 1, BATCH):
            count = min(BATCH, end + 1 - first)
            cases, instances, tasks = _rows(first, count, version, departments, justice)
            db.session.execute(insert(Case), cases)
            db.session.execute(insert(ProcessInstance), instances)
            db.session.execute(insert(HumanTask), tasks)
            db.session.commit()
        db.session.execute(text("ANALYZE"))
        db.session.commit()


def measure(app, repeats: int) -> dict[str, tuple[float, float, int]]:
    """(p50 ms, p95 ms, statements) of the justice inbox's first page per filter."""
    client = app.test_client()
    client.post("/login", data={"username": "justice", "password": TestConfig.DEMO_PASSWORD})
    statements = []
    with app.app_context():
        event.listen(db.engine, "before_cursor_execute", lambda *a: statements.append(1))
    figures = {}
    for chosen in FILTERS:
        url = f"/?department=justice&filter={chosen}"
        client.get(url)  # warm
        times = []
        for _ in range(repeats):
            statements.clear()
            began = time.perf_counter()
            response = client.get(url)
            times.append((time.perf_counter() - began) * 1000)
            assert response.status_code == 200, response.status_code
        p95 = quantiles(times, n=20)[-1] if len(times) > 1 else times[0]
        figures[chosen] = (median(times), p95, len(statements))
    return figures


def main() -> None:
    """Grow the database size by size; print each size's figures and the growth."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--repeats", type=int, default=30)
    args = parser.parse_args()
    sizes = [int(size) for size in args.sizes.split(",")]
    url = os.environ.get("DATABASE_URL") or f"sqlite:///{tempfile.mkdtemp()}/inbox.sqlite"
    app, done, results = _app(url), 0, {}
    print(f"database: {url.split('://')[0]}")
    for size in sizes:
        grow(app, done, size)
        done = size
        results[size] = measure(app, args.repeats)
        for chosen, (p50, p95, count) in results[size].items():
            print(
                f"{size:>7} cases  {chosen:<9}  p50 {p50:7.1f} ms  p95 {p95:7.1f} ms  {count} stmts"
            )
    first, last = sizes[0], sizes[-1]
    for chosen in FILTERS:
        growth = results[last][chosen][1] / results[first][chosen][1]
        print(f"growth p95 {first} -> {last} ({chosen}): {growth:.1f}x")


if __name__ == "__main__":
    main()
