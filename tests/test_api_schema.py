"""Schemathesis against the live OpenAPI document: no 500, every answer matches its schema."""

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)
from sqlalchemy import delete

from exchange.signing import new_signing_key
from models import ApiToken, TokenScope, db
from webapp.api.tokens import create_token

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


@pytest.fixture
def api_schema(app, app_context):
    """The app's own /api/v1/openapi.json, called in process."""
    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)


@pytest.fixture
def police_token(users, open_case, app, monkeypatch):
    """A casework token of the police, and a case for it to find, on a deployment with a
    signing key (for the hand-over API's receipts)."""
    monkeypatch.setitem(app.config, "API_RATE_LIMIT", "100000 per minute")
    monkeypatch.setitem(app.config, "SIGNING_KEY", new_signing_key())
    open_case()
    _, secret = create_token(users["police"], "schemathesis", TokenScope.CASEWORK)
    db.session.commit()
    yield secret
    db.session.rollback()
    db.session.execute(delete(ApiToken))
    db.session.commit()


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
def test_api_matches_its_schema(case, police_token):
    """Whatever schemathesis sends, the answer is documented and never a 500."""
    case.call_and_validate(headers={"Authorization": f"Bearer {police_token}"}, checks=CHECKS)
