"""One commit per request, as indico's request handler does: views flush, this commits."""

from models import db


def register_transaction(app) -> None:
    """Commit each request's one transaction after its view has answered.

    An error page rolls back first (see errors.py), so only an answered request is kept; a
    refusal's audit row is committed on its own by `access.deny`.
    """

    @app.after_request
    def commit(response):
        db.session.commit()
        return response
