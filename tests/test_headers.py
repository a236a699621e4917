"""Security headers on every route, for the account that may use it, and on error pages."""

import pytest
from flask import url_for
from sqlalchemy import select

from models import HumanTask, PathwayVersion, db

STATIC_FILE = "app.css"


def _values(case, task_id: int, version_id: int) -> dict[str, object]:
    """A real value for every kind of URL argument."""
    return {
        "number": case.number,
        "task_id": task_id,
        "version_id": version_id,
        "old_id": version_id,
        "new_id": version_id,
        "process_id": "case",
        "code": "police",
        "document_id": 1,
        "view_id": 1,
        "handover_id": 1,
        "page": "victims",
        "evaluation_id": 1,
        "job_id": 1,
        "fmt": "csv",
        "filename": STATIC_FILE,
        "token": "not-a-link-token",
    }


def _get_urls(app, values) -> list[str]:
    with app.test_request_context():
        return [
            url_for(rule.endpoint, **{a: values[a] for a in rule.arguments})
            for rule in app.url_map.iter_rules()
            if "GET" in rule.methods
        ]


def _assert_headers(response, url):
    csp = response.headers.get("Content-Security-Policy", "")
    assert "frame-ancestors 'none'" in csp, url
    assert "script-src 'self';" in csp and "style-src 'self';" in csp, url
    assert response.headers.get("X-Content-Type-Options") == "nosniff", url
    assert response.headers.get("Referrer-Policy") == "same-origin", url
    assert response.headers.get("X-Frame-Options") == "DENY", url
    if not url.startswith("/static/"):
        assert response.headers.get("Cache-Control") == "no-store", url


@pytest.mark.parametrize("username", ["police", "manager", "admin"])
def test_every_get_route_sends_the_security_headers(app, open_case, login, client, username):
    """Walk app.url_map: each GET answer carries CSP, nosniff, Referrer-Policy and no-store."""
    case = open_case("Lin Xiaomei")
    task_id = db.session.scalar(select(HumanTask.id).filter_by(case_id=case.id).limit(1))
    version_id = db.session.scalar(select(PathwayVersion.id).limit(1))
    db.session.commit()
    login(username)
    urls = _get_urls(app, _values(case, task_id, version_id))
    assert len(urls) >= 18
    for url in urls:
        response = client.get(url)
        response.close()  # a static file's handle
        assert response.status_code < 500, url
        _assert_headers(response, url)


def test_error_pages_and_login_send_the_headers(client):
    """Anonymous answers too: the login page, a 404, a refused method."""
    for method, url in (("get", "/login"), ("get", "/nowhere"), ("get", "/logout"), ("get", "/")):
        _assert_headers(getattr(client, method)(url), url)
