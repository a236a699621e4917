"""Case page cost for a long-running case: time, SQL statements and HTML size of one view.

Run: `.venv/bin/python benchmarks/case_page.py [--rounds 1000]` (SQLite in a temp file, or
DATABASE_URL). Carries one case through the pathway and `--rounds` follow-up visits (about
two timeline events each), then opens its page as the police.
"""

import argparse
import os
import tempfile
import time

import engine as engine_benchmark  # benchmarks/engine.py: the case data and completion helper
from sqlalchemy import func

from models import TimelineEvent, User, db
from webapp import create_app, demo
from webapp.config import TestConfig
from workflows.pathways import deploy_shipped
from workflows.routing import sync_departments

PASSWORD = "bench-password"


def long_case(rounds: int):
    """A case carried through `rounds` follow-up visits; returns its number."""
    users = {u.username: u for u in db.session.scalars(db.select(User))}
    case, _ = engine_benchmark._pathway_steps(users)
    for _ in range(rounds):
        engine_benchmark._complete_next(case, users, case_can_close=False)
    return case.number, case.id


def view(app, number: str, statements) -> tuple[float, int, int, int]:
    """Seconds, statements, HTML bytes and status of one GET of the case page as the police."""
    client = app.test_client()
    client.post("/login", data={"username": "police", "password": PASSWORD})
    before, started = statements.count, time.perf_counter()
    response = client.get(f"/cases/{number}")
    seconds = time.perf_counter() - started
    return seconds, statements.count - before, len(response.data), response.status_code


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=1000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = os.environ.get("DATABASE_URL") or f"sqlite:///{tmp}/bench.sqlite"
        config = type(
            "BenchConfig",
            (TestConfig,),
            {"SQLALCHEMY_DATABASE_URI": url, "FOLLOW_UP_INTERVAL": "PT0S"},
        )
        app = create_app(config)
        with app.app_context():
            db.drop_all()
            db.create_all()
            demo.seed_users(PASSWORD, sync_departments())
            deploy_shipped()
            db.session.commit()
            statements = engine_benchmark.Statements(db.engine)
            number, case_id = long_case(args.rounds)
            events = db.session.scalar(
                db.select(func.count()).select_from(TimelineEvent).filter_by(case_id=case_id)
            )
            db.session.remove()
            view(app, number, statements)  # warm-up: templates and translations load once
            seconds, count, size, status = view(app, number, statements)
            db.session.remove()
            db.drop_all()
    print(f"database: {url.split(':')[0]}")
    print(f"case with {args.rounds} follow-up rounds: {events} timeline events")
    print(
        f"case page: HTTP {status}, {seconds * 1000:.0f} ms, {count} statements,"
        f" {size / 1000:.0f} kB of HTML"
    )


if __name__ == "__main__":
    main()
