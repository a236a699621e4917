"""403, 404 and 500 pages that say what happened and leak nothing."""

from flask import render_template
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

from models import db

from .api import error_answer, is_api_request


def register_error_pages(app) -> None:
    """Render HTTP errors with the site's layout."""

    @app.errorhandler(HTTPException)
    def http_error(error):
        db.session.rollback()  # an error answer keeps nothing of the request
        if is_api_request():
            return error_answer(error)
        limit = (app.config["MAX_CONTENT_LENGTH"] or 0) // (1024 * 1024)
        messages = {
            403: (_("Not allowed"), _("Your account may not see or do this.")),
            404: (_("Not found"), _("There is nothing at this address.")),
            405: (_("Not allowed"), _("This address does not accept that request.")),
            400: (_("Bad request"), _("The request was not understood; please try again.")),
            413: (
                _("Too large"),
                _("What was sent is over %(size)s MB: nothing was saved.", size=limit),
            ),
            429: (
                _("Too many attempts"),
                _("Too many attempts to log in. Wait a few minutes, then try again."),
            ),
        }
        title, message = messages.get(error.code, (error.name, ""))
        if isinstance(error, CSRFError):
            title, message = (
                _("The page was open too long"),
                _(
                    "Your session ended (after 30 minutes without a request, or a log-out), so"
                    " nothing was saved. Copy what you typed, log in again and send it again."
                ),
            )
        return render_template(
            "errors/error.html", code=error.code, title=title, message=message
        ), error.code

    @app.errorhandler(InternalServerError)
    def server_error(error):
        db.session.rollback()
        if is_api_request():
            return error_answer(error)
        return render_template(
            "errors/error.html",
            code=500,
            title=_("Something went wrong"),
            message=_(
                "Nothing was saved. Please try again; if it happens again, tell the "
                "system administrator the time it happened."
            ),
        ), 500
