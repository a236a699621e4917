"""A department of police social workers on the production start, measured from outside.

Run: `.venv/bin/python benchmarks/load.py [--users 50] [--cases 5000] [--seconds 60]
[--pause 5] [--short]`. It creates a PostgreSQL database of its own on `--server` (default
LOAD_DATABASE_SERVER, or the server of TEST_DATABASE_URL, or postgres@127.0.0.1:5432), seeds
it (accounts, the pathway, cases opened through the engine), then serves it with the documented
production start, `flask prod serve` (gunicorn + a timer worker, HOMECOMING_ENV=production),
first with 4 gunicorn workers, then with 1, and drops the database at the end.

Each simulated social worker is a thread with its own browser session: it logs in through the
login page, waits a random part of a pause (people do not all click at once), then until the
time is up opens the unclaimed inbox, picks any step on its first page (steps the department's
work brings in too), opens it, claims it, completes it with realistic answers and waits
`--pause` seconds (± 50 %). Prints p50/p95/p99 (ms) and throughput per request kind, the errors
(5xx, refused connections, unexpected answers) and the conflicts (409: a colleague took the task
first), then the 4-vs-1 completion throughput ratio.
"""

import argparse
import html
import os
import random
import re
import secrets
import socket
import subprocess
import sys
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from statistics import quantiles

import requests
from flask_babel import force_locale
from sqlalchemy import create_engine, func, select, text

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from forms.base import as_formdata  # noqa: E402
from forms.examples import EXAMPLES  # noqa: E402
from forms.registry import FORMS  # noqa: E402
from models import Department, HumanTask, Membership, Role, TaskStatus, User, db  # noqa: E402
from models.crypto import new_key  # noqa: E402
from webapp import create_app  # noqa: E402
from webapp.config import Config  # noqa: E402
from webapp.passwords import hash_password  # noqa: E402
from workflows import engine  # noqa: E402
from workflows.pathways import deploy_shipped  # noqa: E402
from workflows.routing import sync_departments  # noqa: E402

PASSWORD = "load-benchmark-password"
DEPARTMENT = "police"
KINDS = ("login", "inbox", "task", "claim", "complete")
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
# An inbox row: the task's id, then (after the case number) the step's title.
TASK_ROW = re.compile(r'data-task-id="(\d+)">\s*<td>.*?</td>\s*<td><a [^>]*>([^<]+)</a>', re.S)


def _server_url(given: str | None) -> str:
    if given:
        return given
    if os.environ.get("LOAD_DATABASE_SERVER"):
        return os.environ["LOAD_DATABASE_SERVER"]
    if os.environ.get("TEST_DATABASE_URL"):
        return os.environ["TEST_DATABASE_URL"].rsplit("/", 1)[0]
    return "postgresql+psycopg://postgres@127.0.0.1:5432"


def _admin(server: str, statement: str) -> None:
    engine_ = create_engine(server + "/postgres", isolation_level="AUTOCOMMIT")
    with engine_.connect() as connection:
        connection.execute(text(statement))
    engine_.dispose()


def _flask(env: dict, *args: str) -> None:
    command = [sys.executable, "-m", "flask", "--app", "webapp", *args]
    subprocess.run(command, cwd=ROOT, env=env, check=True, capture_output=True, timeout=300)


def seed(env: dict, cases: int, users: int) -> tuple[int, dict[str, str]]:
    """Migrate, add `users` police social workers and `cases` cases; the police tasks ready,
    and every step's form key by its English title (what a worker reads in the inbox)."""
    _flask(env, "db", "upgrade")
    config = type(
        "LoadConfig",
        (Config,),
        {"SQLALCHEMY_DATABASE_URI": env["DATABASE_URL"], "DATA_KEY": env["HOMECOMING_DATA_KEY"]},
    )
    app = create_app(config)
    with app.app_context():
        departments = sync_departments()
        deploy_shipped()
        password_hash = hash_password(PASSWORD)
        opener = _user("opener", departments[DEPARTMENT], password_hash)
        for n in range(users):
            _user(f"worker{n:03d}", departments[DEPARTMENT], password_hash)
        db.session.commit()
        for n in range(cases):
            engine.open_case(EXAMPLES["case_open"], opener, f"Load Victim {n}")
            if n % 100 == 99:
                db.session.commit()
        db.session.commit()
        police = select(Department.id).filter_by(code=DEPARTMENT).scalar_subquery()
        count = db.session.scalar(
            select(func.count()).where(
                HumanTask.department_id == police, HumanTask.status == TaskStatus.READY
            )
        )
        with app.test_request_context(), force_locale("en"):  # the users' locale
            titles = {str(form.title): key for key, form in FORMS.items()}
        db.session.remove()
        db.engine.dispose()
    return count, titles


def _user(username: str, department: Department, password_hash: str) -> User:
    user = User(
        username=username,
        display_name=username.title(),
        password_hash=password_hash,
        locale="en",
    )
    user.memberships.append(Membership(department=department, role=Role.SOCIAL_WORKER))
    db.session.add(user)
    return user


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def serve(env: dict, workers: int) -> tuple[subprocess.Popen, str]:
    """The production start on a free port; returns once it answers."""
    port = _free_port()
    command = [sys.executable, "-m", "flask", "--app", "webapp", "prod", "serve"]
    command += ["--workers", str(workers), "--bind", f"127.0.0.1:{port}"]
    process = subprocess.Popen(
        command,
        cwd=ROOT,
        env=env | {"HOMECOMING_ENV": "production"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            requests.get(url + "/login", timeout=10)
            return process, url
        except requests.RequestException:  # not listening yet, or its workers still booting
            time.sleep(0.2)
    process.terminate()
    raise SystemExit("the production start did not answer")


@dataclass
class Tally:
    """Every request's duration by kind, and what went wrong."""

    durations: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    conflicts: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    lock: threading.Lock = field(default_factory=threading.Lock)

    def timed(self, kind: str, call, expected: tuple[int, ...]):
        """Run one request, record its duration; None (an error counted) if it failed."""
        start = time.perf_counter()
        try:
            response = call()
        except requests.RequestException:
            response = None
        elapsed = time.perf_counter() - start
        with self.lock:
            self.durations[kind].append(elapsed)
            if response is not None and response.status_code == 409:
                self.conflicts[kind] += 1
            elif response is None or response.status_code not in expected:
                self.errors[kind] += 1
                return None
        return response


class SocialWorker(threading.Thread):
    """One police social worker at their browser: logs in, waits for the whole department
    (`start`, a barrier), then works until the clock's `stop_at`."""

    def __init__(self, url, username, titles, tally, clock, pause, seed_):
        super().__init__(daemon=True)
        self.url, self.username, self.titles, self.tally = url, username, titles, tally
        self.clock, self.pause, self.rng = clock, pause, random.Random(seed_)
        self.browser = requests.Session()

    def _send(self, kind, method, path, expected=(200, 302), **kwargs):
        call = lambda: self.browser.request(  # noqa: E731
            method, self.url + path, allow_redirects=False, timeout=60, **kwargs
        )
        response = self.tally.timed(kind, call, expected)
        for cookie in self.browser.cookies:  # production cookies are Secure; this is plain HTTP
            cookie.secure = False
        return response

    def login(self) -> bool:
        page = self._send("login_page", "GET", "/login", (200,))
        form = {"username": self.username, "password": PASSWORD}
        form["csrf_token"] = CSRF.search(page.text).group(1) if page is not None else ""
        return self._send("login", "POST", "/login", (302,), data=form) is not None

    def run(self) -> None:
        logged_in = self.login()
        self.clock["start"].wait()
        time.sleep(self.pause * self.rng.uniform(0, 1))
        while logged_in and time.monotonic() < self.clock["stop_at"]:
            self.step()
            time.sleep(self.pause * self.rng.uniform(0.5, 1.5) if self.pause else 0)

    def step(self) -> None:
        """Open the inbox, open one of its steps, claim it, complete it with its answers."""
        inbox = self._send("inbox", "GET", "/?filter=unclaimed", (200,))
        if inbox is None:
            return
        csrf = CSRF.search(inbox.text).group(1)  # every page holds the logout form's token
        rows = TASK_ROW.findall(inbox.text)
        if not rows:
            return
        task, title = self.rng.choice(rows)  # colleagues read the same page: spread the choice
        form_key = self.titles[html.unescape(title).strip()]
        if self._send("task", "GET", f"/tasks/{task}", (200,)) is None:
            return
        claim = self._send(
            "claim", "POST", f"/tasks/{task}/claim", (302,), data={"csrf_token": csrf}
        )
        if claim is None or claim.status_code == 409:
            return
        data = as_formdata(EXAMPLES[form_key])
        data.add("csrf_token", csrf)
        self._send("complete", "POST", f"/tasks/{task}", (302,), data=data)


def drive(url, titles, users, seconds, pause) -> tuple[Tally, float]:
    """`users` social workers log in, then work for `seconds`; the tally and the work's time."""
    tally, clock = Tally(), {}

    def go() -> None:
        clock["began"] = time.monotonic()
        clock["stop_at"] = clock["began"] + seconds

    clock["start"] = threading.Barrier(users, action=go)
    workers = [
        SocialWorker(url, f"worker{n:03d}", titles, tally, clock, pause, n) for n in range(users)
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return tally, time.monotonic() - clock["began"]


def _ms(values: list[float], q: int) -> float:
    if len(values) < 2:
        return values[0] * 1000 if values else 0.0
    return quantiles(values, n=100, method="inclusive")[q - 1] * 1000


def report(label: str, tally: Tally, elapsed: float) -> float:
    """Print the figures of one run; its completions per second."""
    print(
        f"== {label}: {elapsed:.1f} s of work, {sum(tally.errors.values())} errors, "
        f"{sum(tally.conflicts.values())} conflicts (409: a colleague claimed the task first)"
    )
    for kind in KINDS:
        values = tally.durations.get(kind, [])
        rate = f"{len(values) / elapsed:6.2f}/s" if kind != "login" else " (before)"
        print(
            f"  {kind:9s} n={len(values):5d}  {rate}  "
            f"p50 {_ms(values, 50):7.1f} ms  p95 {_ms(values, 95):7.1f} ms  "
            f"p99 {_ms(values, 99):7.1f} ms  errors {tally.errors.get(kind, 0)}"
        )
    done = len(tally.durations.get("complete", [])) - tally.conflicts.get("complete", 0)
    print(f"  completed {done} tasks: {done / elapsed:.2f}/s")
    return done / elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--server", help="PostgreSQL server URL (no database name)")
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--cases", type=int, default=5000)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--pause", type=float, default=5, help="seconds between actions")
    parser.add_argument("--short", action="store_true", help="a quick check that it works")
    args = parser.parse_args()
    if args.short:
        args.users, args.cases, args.seconds, args.pause = 4, 60, 4, 0.2
    server = _server_url(args.server)
    name = f"hc_load_{os.getpid()}"
    env = {
        **os.environ,
        "DATABASE_URL": f"{server}/{name}",
        "SECRET_KEY": secrets.token_hex(32),
        "HOMECOMING_DATA_KEY": new_key(),
        "FLASK_APP": "webapp",
    }
    _admin(server, f'create database "{name}"')
    try:
        started = time.monotonic()
        ready, titles = seed(env, args.cases, args.users)
        print(
            f"seeded {args.cases} cases, {ready} police tasks ready, {args.users} "
            f"social workers in {time.monotonic() - started:.1f} s; pause {args.pause} s"
        )
        rates = {}
        for workers in (4, 1):
            process, url = serve(env, workers)
            try:
                tally, elapsed = drive(url, titles, args.users, args.seconds, args.pause)
            finally:
                process.terminate()
                process.wait(timeout=60)
            rates[workers] = report(f"gunicorn {workers} worker(s)", tally, elapsed)
        ratio = rates[4] / rates[1] if rates[1] else float("inf")
        print(f"completions/s 4 workers vs 1: {rates[4]:.2f} / {rates[1]:.2f} = {ratio:.2f}x")
    finally:
        _admin(server, f'drop database if exists "{name}" with (force)')


if __name__ == "__main__":
    main()
