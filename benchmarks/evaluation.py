"""Evaluation pages at scale: each page's time at 1,000 / 10,000 / 100,000 cases.

Run: `.venv/bin/python benchmarks/evaluation.py [--sizes 1000,10000,100000] [--repeats 5]`
(SQLite in a temp file, or DATABASE_URL, e.g. PostgreSQL). Twelve cases go through the real
engine; the rest are bulk-inserted synthetic stories counted by the roll-ups' writer (they
have no workflow or task rows: the pages' live "waiting/overdue" counts cover the sample).
Prints the median time of each page as the joint office, and the growth ratio.
"""

import argparse
import os
import statistics
import tempfile
import time

from flask import g
from flask.testing import FlaskClient
from sqlalchemy import func, select

from models import Case, User, db
from webapp import create_app, demo
from webapp.config import TestConfig
from webapp.demo_cases import seed_cases
from workflows.evaluation.pages import PAGES
from workflows.pathways import deploy_shipped
from workflows.routing import sync_departments

PASSWORD = "bench-password"


def grow_to(size: int) -> None:
    """Add cases until there are `size`."""
    users = {u.username: u for u in db.session.scalars(select(User))}
    have = db.session.scalar(select(func.count()).select_from(Case))
    seed_cases(size - have, users, sample=12 if have == 0 else 0, seed=size)
    db.session.commit()


class FreshGlobals(FlaskClient):
    """Each request starts with an empty `g`, as in its own app context (tests/conftest.py)."""

    def open(self, *args, **kwargs):
        vars(g).clear()
        return super().open(*args, **kwargs)


def page_times(app, repeats: int) -> dict[str, float]:
    """Median milliseconds of each page (after one warm-up), as the joint office."""
    app.test_client_class = FreshGlobals
    client = app.test_client()
    client.post("/login", data={"username": "joint_office", "password": PASSWORD})
    times = {}
    for page in PAGES:
        assert client.get(f"/evaluation/{page}").status_code == 200  # warm-up
        runs = []
        for _ in range(repeats):
            started = time.perf_counter()
            response = client.get(f"/evaluation/{page}?grain=quarter")
            runs.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200
        times[page] = statistics.median(runs)
    return times


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    with tempfile.TemporaryDirectory() as tmp:
        url = os.environ.get("DATABASE_URL") or f"sqlite:///{tmp}/bench.sqlite"
        app = create_app(type("BenchConfig", (TestConfig,), {"SQLALCHEMY_DATABASE_URI": url}))
        results = {}
        with app.app_context():
            db.drop_all()
            db.create_all()
            demo.seed_users(PASSWORD, sync_departments())
            deploy_shipped()
            db.session.commit()
            for size in sizes:
                started = time.perf_counter()
                grow_to(size)
                built = time.perf_counter() - started
                db.session.remove()
                results[size] = page_times(app, args.repeats)
                print(
                    f"{size:>7} cases (built in {built:.0f} s): "
                    + ", ".join(f"{page} {ms:.0f} ms" for page, ms in results[size].items())
                )
            db.session.remove()
            db.drop_all()
    print(f"database: {url.split(':')[0]}")
    first, last = results[sizes[0]], results[sizes[-1]]
    for page in PAGES:
        print(f"growth {sizes[0]} -> {sizes[-1]} ({page}): {last[page] / first[page]:.1f}x")


if __name__ == "__main__":
    main()
