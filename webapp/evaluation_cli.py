"""`flask evaluation`: recompute the evaluation's roll-ups; the worker's chore of row exports."""

import click
from flask import current_app

from models import db
from workflows.evaluation import export_jobs
from workflows.evaluation.recorder import rebuild

evaluation_cli = click.Group("evaluation", help="The evaluation of the plan: roll-up tables.")


@evaluation_cli.command("rebuild")
def rebuild_command():
    """Empty the roll-ups and count every case again (one transaction)."""
    cases = rebuild()
    db.session.commit()
    click.echo(f"roll-ups rebuilt from {cases} cases")


def prepare_exports() -> int:
    """The timer worker's chore: write the row-level exports waiting, a page at a time."""
    page_rows = current_app.config["ROW_EXPORT_PAGE_ROWS"]
    return export_jobs.prepare_due(db.session.commit, db.session.rollback, page_rows)
