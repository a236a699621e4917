"""`flask evaluation`: recompute the evaluation's roll-ups from the timeline."""

import click

from models import db
from workflows.evaluation.recorder import rebuild

evaluation_cli = click.Group("evaluation", help="The evaluation of the plan: roll-up tables.")


@evaluation_cli.command("rebuild")
def rebuild_command():
    """Empty the roll-ups and count every case again (one transaction)."""
    cases = rebuild()
    db.session.commit()
    click.echo(f"roll-ups rebuilt from {cases} cases")
