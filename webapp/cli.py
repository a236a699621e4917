"""`flask` commands: demo seed, departments sync, workflows check|deploy, timers run, cases …"""

import getpass
import json
import os
import socket
import sys
from pathlib import Path

import click
from flask import current_app
from flask_migrate import upgrade
from sqlalchemy import select

from models import DEPARTMENT_CODES, HumanTask, IncidentSource, TimelineEvent, User, db
from workflows import engine, service_levels, timers
from workflows.checks import check_files
from workflows.errors import RuleFailed, WorkflowError
from workflows.parsing import diagram_files
from workflows.pathways import deploy_shipped
from workflows.routing import sync_departments

from . import access, demo
from .demo_cases import DEMO_CASES, seed_cases
from .evaluation_cli import evaluation_cli, prepare_exports
from .exchange_cli import exchange_cli, send_handovers
from .extensions import MIGRATIONS
from .keys_cli import keys_cli
from .passwords import hash_password
from .production import serve_command
from .sessions import end_sessions
from .transaction import record_incident

demo_cli = click.Group("demo", help="Demo data for local use.")
departments_cli = click.Group("departments", help="The departments of the action plan.")
workflows_cli = click.Group("workflows", help="Check and deploy the BPMN diagrams.")
timers_cli = click.Group("timers", help="The timer worker.")
cases_cli = click.Group("cases", help="Casework from the command line.")
prod_cli = click.Group("prod", help="Production: gunicorn plus timer workers on PostgreSQL.")
prod_cli.add_command(serve_command)
accounts_cli = click.Group("accounts", help="Accounts: passwords.")


def register_cli(app) -> None:
    """Attach the command groups to the app."""
    groups = (
        demo_cli,
        departments_cli,
        workflows_cli,
        timers_cli,
        cases_cli,
        prod_cli,
        accounts_cli,
        keys_cli,
        exchange_cli,
        evaluation_cli,
    )
    for group in groups:
        app.cli.add_command(group)


@demo_cli.command("seed")
@click.option(
    "--cases",
    type=click.IntRange(0, 1_000_000),
    default=0,
    help="Add this many more cases for the evaluation (a sample through the engine).",
)
def seed_command(cases):
    """Migrate the database, then add departments, accounts, the pathway and demo cases."""
    upgrade(directory=str(MIGRATIONS))
    secret = current_app.config["DEMO_TOTP_SECRET"]
    seeded = demo.seed(current_app.config["DEMO_PASSWORD"], secret)
    if cases or seeded:
        users = {u.username: u for u in db.session.scalars(select(User))}
        sample, bulk = seed_cases(cases or DEMO_CASES, users)
        click.echo(f"{sample} cases through the engine, {bulk} bulk-inserted for the evaluation")
    db.session.commit()
    click.echo("demo data ready")
    click.echo(f"manager, reviewer and admin: second-factor key {secret} (any TOTP app)")


@accounts_cli.command("set-password")
@click.argument("username")
@click.password_option()
def set_password_command(username, password):
    """Set an account's password; every session of the account ends."""
    user = _user(username)
    user.password_hash = hash_password(password)
    end_sessions(user)
    db.session.commit()
    click.echo(f"password of {username} changed; its sessions have ended")


@departments_cli.command("sync")
def departments_sync_command():
    """Create (or rename) the departments of models.people.DEPARTMENTS; adds no demo data."""
    departments = sync_departments()
    db.session.commit()
    click.echo(f"{len(departments)} departments")


@workflows_cli.command("check")
@click.argument("paths", nargs=-1, type=click.Path(exists=True, dir_okay=False, path_type=Path))
def check_command(paths):
    """Check the diagrams (default: all of workflows/diagrams); exit 1 on any problem."""
    files = {p.name: p.read_bytes() for p in paths} if paths else diagram_files()
    problems = check_files(files, DEPARTMENT_CODES)
    for problem in problems:
        click.echo(f"{problem.severity}: {problem}")
    errors = [p for p in problems if p.severity == "error"]
    click.echo(f"{len(files)} diagrams, {len(errors)} errors")
    sys.exit(1 if errors else 0)


@workflows_cli.command("deploy")
@click.option("--comment", default="deployed from workflows/diagrams", help="Why.")
def deploy_command(comment):
    """Deploy workflows/diagrams as a new version (unchanged diagrams deploy nothing)."""
    try:
        version = deploy_shipped(comment=comment)
    except WorkflowError as exc:
        raise click.ClickException(str(exc)) from exc
    db.session.commit()
    click.echo(f"pathway version {version.id} ({version.content_hash[:12]})")


@timers_cli.command("run")
@click.option("--until-idle", is_flag=True, help="Exit when no timer is due.")
@click.option("--batch", default=20, show_default=True, help="Instances claimed at a time.")
@click.option("--poll", default=5.0, show_default=True, help="Seconds between polls.")
def timers_run_command(until_idle, batch, poll):
    """Fire due timers until stopped (several workers may run at once)."""
    worker = f"{socket.gethostname()}:{os.getpid()}"
    fired = timers.run(
        worker,
        db.session.commit,
        db.session.rollback,
        until_idle=until_idle,
        batch=batch,
        poll=poll,
        chores=(send_handovers, prepare_exports),
    )
    click.echo(f"{worker} fired {fired} timers")


def _user(username: str) -> User:
    user = db.session.scalar(select(User).filter_by(username=username))
    if user is None:
        raise click.ClickException(f"no user {username!r}")
    return user


def _run(action, source: IncidentSource | None = None, **where):
    """Run a domain action, commit, and turn domain errors into a clear CLI error.

    A diagram rule that fails is recorded as an incident of `source` (its own commit).
    """
    try:
        result = action()
    except RuleFailed as failure:
        record_incident(failure, source, **where)
        rule = failure.element_name or failure.element_id
        raise click.ClickException(
            f"this step cannot continue: the diagram's rule {rule} failed; a manager has been told"
        ) from None
    except WorkflowError as exc:
        db.session.rollback()
        raise click.ClickException(f"{type(exc).__name__}: {exc}") from exc
    except LookupError as exc:
        db.session.rollback()
        raise click.ClickException(str(exc)) from exc
    db.session.commit()
    return result


as_option = click.option("--as", "username", required=True, help="Acting user.")
data_option = click.option("--data", default="{}", help="Form data as a JSON object.")


@cases_cli.command("open")
@as_option
@data_option
@click.option("--name", required=True, help="Victim's name or care alias (sensitive).")
def open_command(username, data, name):
    """Open a case with the intake form's data."""
    user = _user(username)
    case = _run(
        lambda: engine.open_case(json.loads(data), user, name),
        IncidentSource.CASE_OPENING,
        actor=user,
    )
    click.echo(case.number)


@cases_cli.command("inbox")
@as_option
def inbox_command(username):
    """The ready tasks of the user's departments."""
    user = _user(username)
    for code in sorted(user.department_codes()):
        for task in db.session.scalars(engine.inbox(code)):
            due = task.due_at.isoformat(timespec="minutes") if task.due_at else "-"
            click.echo(f"{task.id}\t{task.case.number}\t{code}\t{task.form_key}\tdue {due}")
            access.audit(user, "inbox_listed", task.case, source="cli", department=code)
    db.session.commit()


@cases_cli.command("claim")
@click.argument("task_id", type=int)
@as_option
def claim_command(task_id, username):
    """Claim a task."""
    _run(lambda: engine.claim_task(task_id, _user(username)))
    click.echo(f"task {task_id} claimed")


@cases_cli.command("complete")
@click.argument("task_id", type=int)
@as_option
@data_option
def complete_command(task_id, username, data):
    """Complete a task with its form's data."""
    user, task = _user(username), db.session.get(HumanTask, task_id)
    _run(
        lambda: engine.complete_task(task_id, json.loads(data), user),
        IncidentSource.TASK_COMPLETION,
        actor=user,
        case_id=task.case_id if task else None,
        task_id=task_id if task else None,
    )
    click.echo(f"task {task_id} completed")


@cases_cli.command("fill-profiles")
def fill_profiles_command():
    """Give the cases opened before the case list their age group, sex and origin."""
    total = 0
    while filled := service_levels.fill_case_profiles():
        db.session.commit()  # in batches: resumable, and safe while the app serves
        total += filled
    click.echo(f"filled {total} cases")


@cases_cli.command("show")
@click.argument("number")
def show_command(number):
    """A case's status and timeline."""
    case = access.case_by_number(number)
    if case is None:
        raise click.ClickException(f"no case {number}")
    # The shell user has no account here: the row names the command and the OS user.
    access.audit(None, "case_viewed", case, source="cli", os_user=getpass.getuser())
    db.session.commit()
    click.echo(f"{case.number}\t{case.status}")
    events = db.session.scalars(
        select(TimelineEvent).filter_by(case_id=case.id).order_by(TimelineEvent.id)
    )
    for event in events:
        code = event.department.code if event.department else "-"
        click.echo(
            f"{event.created_at:%Y-%m-%d %H:%M}\t{event.event_type}\t{code}\t"
            f"{event.data.get('step', '')}"
        )
