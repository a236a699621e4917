"""The REST API (/api/v1, JSON): the web pages' domain verbs, access rules and audit, by token."""

from flask import current_app, render_template
from flask_smorest import Api

from . import admin, cases, casework, handovers, pathways
from .auth import PREFIX, is_api_request

__all__ = ["error_answer", "init_api", "is_api_request"]
BLUEPRINTS = (casework.bp, cases.bp, pathways.bp, admin.bp, handovers.bp)


class HomecomingApi(Api):
    """flask-smorest's Api, leaving the app's error pages alone (errors.py asks for JSON)."""

    def _register_error_handlers(self):
        pass


def init_api(app) -> HomecomingApi:
    """Register the API's blueprints, its OpenAPI document and the page that browses it."""
    app.config.update(
        API_TITLE="Homecoming",
        API_VERSION="v1",
        OPENAPI_VERSION="3.0.3",
        OPENAPI_URL_PREFIX=PREFIX,
        OPENAPI_JSON_PATH="openapi.json",
    )
    api = HomecomingApi(
        app,
        spec_kwargs={
            "servers": [{"url": "/"}],
            "components": {"securitySchemes": {"token": {"type": "http", "scheme": "bearer"}}},
            "security": [{"token": []}],
        },
    )
    for blueprint in BLUEPRINTS:
        api.register_blueprint(blueprint)
    app.add_url_rule(PREFIX + "/docs", "api_docs", lambda: render_template("api/docs.html"))
    app.extensions["homecoming-api"] = api
    return api


def error_answer(error):
    """An HTTP error as the API's JSON error body."""
    return current_app.extensions["homecoming-api"].handle_http_exception(error)
