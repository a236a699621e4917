"""One commit per request, as indico's request handler does: views flush, this commits."""

from models import Incident, IncidentSource, db
from workflows import incidents
from workflows.errors import RuleFailed


def register_transaction(app) -> None:
    """Commit each request's one transaction after its view has answered.

    An error page rolls back first (see errors.py), so only an answered request is kept; a
    refusal's audit row is committed on its own by `access.deny`.
    """

    @app.after_request
    def commit(response):
        db.session.commit()
        return response


def record_incident(failure: RuleFailed, source: IncidentSource, **where) -> Incident:
    """Roll back the failed change, then record its incident in a commit of its own."""
    db.session.rollback()
    incident = incidents.report(failure, source, **where)
    db.session.commit()
    return incident
