"""The REST API: bearer tokens only, the web's access rules and audit, JSON errors."""

import pytest
from sqlalchemy import delete, func, select

from forms.base import as_formdata
from forms.examples import EXAMPLES
from models import ApiToken, Case, HumanTask, TaskStatus, TokenScope, db
from webapp.api.tokens import create_token
from workflows import engine

HEALTH_TASK_STEPS = 6  # the example case's first health step (care_medical) is then ready


@pytest.fixture
def token(users):
    """`token(username, scope="casework")`: a committed API token's secret."""

    def make(username: str, scope: str = "casework") -> str:
        _, secret = create_token(users[username], "tests", TokenScope(scope))
        db.session.commit()
        return secret

    yield make
    db.session.rollback()
    db.session.execute(delete(ApiToken))
    db.session.commit()


@pytest.fixture
def api(client):
    """`api(method, path, secret=None, **kwargs)`: a call with the token as Bearer."""

    def call(method: str, path: str, secret: str | None = None, **kwargs):
        headers = kwargs.pop("headers", {})
        if secret:
            headers["Authorization"] = f"Bearer {secret}"
        return client.open("/api/v1" + path, method=method, headers=headers, **kwargs)

    return call


def _answers(form_key: str, **changes) -> dict:
    """An example step's answers as JSON lists of strings, as a browser would post them."""
    return as_formdata({**EXAMPLES[form_key], **changes}).to_dict(flat=False)


def _ready(case, department: str | None = None) -> HumanTask:
    rows = db.session.scalars(engine.open_tasks(case)).all()
    return next(row for row in rows if department in (None, row.department.code))


def test_cookie_alone_is_refused(api, login, open_case):
    """A logged-in browser's cookie opens nothing of the API: no CSRF hole to fall into."""
    open_case()
    login("police")
    response = api("GET", "/inbox")
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert response.get_json()["code"] == 401


@pytest.mark.parametrize("header", ["Bearer hc_unknown", "Basic cG9saWNlOng=", "Bearer", "hc_x"])
def test_unknown_or_malformed_token_is_refused(api, audits, header):
    response = api("GET", "/inbox", headers={"Authorization": header})
    assert response.status_code == 401
    assert set(response.get_json()) >= {"code", "status", "message"}


def test_unknown_token_refusal_is_audited_without_the_secret(api, audits):
    api("GET", "/inbox", "hc_not-a-real-token-at-all")
    assert audits("api_token_refused", allowed=False) == 1
    assert "hc_not-a-real-token-at-all" not in str(
        db.session.scalars(select(ApiToken.token_hash)).all()
    )


def test_revoked_token_stops_working(api, token, users):
    secret = token("police")
    assert api("GET", "/me", secret).status_code == 200
    row = db.session.scalar(select(ApiToken).filter_by(user_id=users["police"].id))
    row.revoked_at = func.now()
    db.session.commit()
    assert api("GET", "/me", secret).status_code == 401


def test_token_is_stored_hashed(token, users):
    secret = token("police")
    row = db.session.scalar(select(ApiToken).filter_by(user_id=users["police"].id))
    assert secret.startswith(row.prefix) and len(row.prefix) < 16
    assert row.token_hash != secret and secret not in row.token_hash


def test_inbox_lists_the_departments_ready_tasks(api, token, open_case):
    case = open_case()
    body = api("GET", "/inbox", token("police", "read")).get_json()
    assert body["department"] == "police"
    assert [item["case_number"] for item in body["items"]] == [case.number]
    assert body["items"][0]["form_key"] == "rescue_identification"
    health = api("GET", "/inbox", token("health", "read")).get_json()
    assert health["items"] == []


def test_inbox_of_another_department_is_refused_and_audited(api, token, audits):
    response = api("GET", "/inbox?department=police", token("health", "read"))
    assert response.status_code == 403
    assert audits("inbox_viewed", allowed=False) == 1


def test_reading_a_task_is_audited_as_on_the_web(api, token, open_case, audits):
    case = open_case()
    task = _ready(case)
    body = api("GET", f"/tasks/{task.id}", token("police", "read")).get_json()
    assert body["form_key"] == "rescue_identification"
    assert "age" in {field["name"] for field in body["fields"]}
    assert [step["form_key"] for step in body["steps"]] == ["case_open"]
    assert audits("task_viewed", case_id=case.id, allowed=True) == 1


def test_another_departments_task_is_refused(api, token, open_case, audits):
    case = open_case()
    task = _ready(case)
    assert api("GET", f"/tasks/{task.id}", token("health", "read")).status_code == 403
    assert audits("task_viewed", case_id=case.id, allowed=False) == 1
    assert api("GET", "/tasks/999999", token("health", "read")).status_code == 404


def test_claim_release_complete_with_a_casework_token(api, token, open_case, audits, users):
    case = open_case()
    task = _ready(case)
    secret = token("police")
    claimed = api("POST", f"/tasks/{task.id}/claim", secret).get_json()
    assert claimed["claimed_by"] == users["police"].display_name
    assert api("POST", f"/tasks/{task.id}/release", secret).get_json()["claimed_by"] is None
    data = {"data": _answers("rescue_identification")}
    response = api("POST", f"/tasks/{task.id}/complete", secret, json=data)
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["status"] == "completed"
    assert _ready(case).form_key == "rescue_family_tracing"
    for action in ("task_claimed", "task_released", "task_completed"):
        assert audits(action, case_id=case.id, allowed=True) == 1
    again = api("POST", f"/tasks/{task.id}/complete", secret, json=data)
    assert again.status_code == 409


def test_read_token_cannot_change_anything(api, token, open_case, audits):
    case = open_case()
    task = _ready(case)
    secret = token("police", "read")
    data = {"data": _answers("rescue_identification")}
    for verb in ("claim", "release"):
        assert api("POST", f"/tasks/{task.id}/{verb}", secret).status_code == 403
    assert api("POST", f"/tasks/{task.id}/complete", secret, json=data).status_code == 403
    opened = api("POST", "/cases", secret, json={"victim_name": "X", "data": {}})
    assert opened.status_code == 403
    db.session.refresh(task)
    assert task.status == TaskStatus.READY and task.claimed_by_id is None
    assert audits("task_completed", allowed=False) == 1
    assert audits("case_opened", allowed=False) == 1


def test_police_token_cannot_complete_a_health_task(api, token, open_case, audits):
    case = open_case(steps=HEALTH_TASK_STEPS)
    task = _ready(case, "health")
    data = {"data": _answers(task.form_key)}
    response = api("POST", f"/tasks/{task.id}/complete", token("police"), json=data)
    assert response.status_code == 403
    db.session.refresh(task)
    assert task.status == TaskStatus.READY
    assert audits("task_completed", case_id=case.id, allowed=False) == 1
    done = api("POST", f"/tasks/{task.id}/complete", token("health"), json=data)
    assert done.status_code == 200, done.get_json()


@pytest.mark.parametrize(
    ("locale", "message"), [("en", "This field is required."), ("zh", "该字段是必填字段。")]
)
def test_validation_errors_come_back_as_json(api, token, open_case, locale, message):
    case = open_case()
    task = _ready(case)
    data = {"data": _answers("rescue_identification") | {"age": []}}
    response = api(
        "POST",
        f"/tasks/{task.id}/complete",
        token("police"),
        json=data,
        headers={"Accept-Language": locale},
    )
    assert response.status_code == 422
    assert response.get_json()["errors"]["age"] == [message]
    db.session.refresh(task)
    assert task.status == TaskStatus.READY


@pytest.mark.parametrize(
    "body",
    [
        {"data": {"age": {"nested": 1}}},
        {"data": {"age": None}},
        {"data": {"age": 10**400}},  # beyond a float's range
        {"data": {"age": "9" * 309}},
        {"data": ["not", "a", "mapping"]},
        {"nothing": 1},
        "text",
    ],
)
def test_hostile_bodies_are_422_and_change_nothing(api, token, open_case, body):
    case = open_case()
    task = _ready(case)
    response = api("POST", f"/tasks/{task.id}/complete", token("police"), json=body)
    assert response.status_code == 422
    db.session.refresh(task)
    assert task.status == TaskStatus.READY


def test_text_no_column_can_store_is_422_and_opens_nothing(api, token):
    """A victim's name with a NUL, an answer with an unpaired surrogate (JSON's \\ud800)."""
    for name, place in (("Wu\x00Fang", "Fuzhou station"), ("Wu Fang", "Fuzhou\ud800")):
        body = {"victim_name": name, "data": _answers("case_open") | {"report_location": place}}
        answer = api("POST", "/cases", token("police"), json=body)
        assert answer.status_code == 422 and "surrogates" in answer.get_json()["message"]
    assert db.session.scalars(select(Case)).all() == []


def test_a_body_the_api_cannot_read_is_400_even_where_none_is_expected(api, token):
    deep = "[" * 200_000 + "]" * 200_000
    for method, path in (("GET", "/me"), ("POST", "/cases")):
        answer = api(method, path, token("police"), data=deep, content_type="application/json")
        assert answer.status_code == 400, (method, path)


def test_police_open_a_case(api, token, audits):
    body = {"victim_name": "Wu Fang", "data": _answers("case_open")}
    response = api("POST", "/cases", token("police"), json=body)
    assert response.status_code == 201, response.get_json()
    number = response.get_json()["number"]
    assert audits("case_opened", allowed=True) == 1
    status = api("GET", f"/cases/{number}", token("police", "read")).get_json()
    assert status["victim_name"] == "Wu Fang"
    assert [t["form_key"] for t in status["open_tasks"]] == ["rescue_identification"]


def test_only_police_open_cases_and_the_intake_is_validated(api, token):
    body = {"victim_name": "Wu Fang", "data": _answers("case_open")}
    assert api("POST", "/cases", token("health"), json=body).status_code == 403
    bad = api("POST", "/cases", token("police"), json={"victim_name": "Wu", "data": {}})
    assert bad.status_code == 422
    assert bad.get_json()["errors"]


@pytest.mark.parametrize(
    "name", ["   ", "Wu\x01Fang", "Wu\nFang", "Wu\x7fFang", "Wu\x85Fang", "x" * 121]
)
def test_a_name_the_web_page_refuses_is_422_and_opens_nothing(api, token, name):
    """The victim's name is checked as the intake page checks it, with the intake's errors."""
    body = {"victim_name": name, "data": _answers("case_open", age="200")}
    answer = api("POST", "/cases", token("police"), json=body)
    assert answer.status_code == 422
    assert set(answer.get_json()["errors"]) == {"victim_name", "age"}
    assert db.session.scalars(select(Case)).all() == []


def test_the_name_is_stored_trimmed(api, token):
    name = "  " + "Wu Fang" + " " * 200  # 120 characters at most once trimmed, as on the page
    body = {"victim_name": name, "data": _answers("case_open")}
    assert api("POST", "/cases", token("police"), json=body).status_code == 201
    assert db.session.scalar(select(Case)).victim_name == "Wu Fang"


def test_case_status_and_timeline_as_the_caller_may_see_them(api, token, open_case, audits):
    case = open_case(steps=HEALTH_TASK_STEPS)
    health = token("health", "read")
    status = api("GET", f"/cases/{case.number}", health).get_json()
    assert status["victim_name"] is None  # names are for police and civil affairs
    timeline = api("GET", f"/cases/{case.number}/timeline?per_page=200", health).get_json()
    restricted = {e["event_type"] for e in timeline["items"] if e["restricted"]}
    assert "task_completed" in restricted  # police steps health does not need
    assert "Lin Xiaomei" not in str(timeline)
    police = api("GET", f"/cases/{case.number}/timeline?per_page=200", token("police", "read"))
    assert not any(e["restricted"] for e in police.get_json()["items"][:3])
    assert audits("case_viewed", case_id=case.id, allowed=True) == 3


def test_a_case_the_caller_may_not_see(api, token, open_case, audits):
    case = open_case()
    assert api("GET", f"/cases/{case.number}", token("education", "read")).status_code == 403
    assert audits("case_viewed", case_id=case.id, allowed=False) == 1
    assert api("GET", "/cases/HC-2026-AAAAAA", token("police", "read")).status_code == 404
    assert api("GET", "/cases/not-a-number", token("police", "read")).status_code == 404


def test_diagram_versions_are_for_managers(api, token):
    versions = api("GET", "/diagrams/versions", token("manager", "read"))
    assert versions.status_code == 200
    assert versions.get_json()[0]["diagrams"]
    assert api("GET", "/diagrams/versions", token("police", "read")).status_code == 403


def test_the_api_is_rate_limited(api, token, app, monkeypatch):
    monkeypatch.setitem(app.config, "API_RATE_LIMIT", "3 per minute")
    secret = token("police", "read")
    codes = [api("GET", "/me", secret).status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    other = api("GET", "/me", token("health", "read"))  # another token buys no fresh allowance
    assert other.status_code == 429 and other.get_json()["code"] == 429


def test_openapi_document_and_its_page(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    assert spec["openapi"].startswith("3.")
    assert "/api/v1/tasks/{task_id}/complete" in spec["paths"]
    page = client.get("/api/v1/docs")
    assert page.status_code == 200
    assert b"<script>" not in page.data and b"vendor/swagger-ui" in page.data
    bundle = client.get("/static/vendor/swagger-ui/swagger-ui-bundle.js")
    assert bundle.status_code == 200
    bundle.close()


def test_admin_scope_lists_and_revokes_any_token(api, token, audits):
    police = token("police", "read")
    admin = token("admin", "admin")
    rows = api("GET", "/admin/tokens", admin).get_json()
    assert {row["username"] for row in rows} == {"police", "admin"}
    assert police not in str(rows)
    police_row = next(row for row in rows if row["username"] == "police")
    revoked = api("POST", f"/admin/tokens/{police_row['id']}/revoke", admin)
    assert revoked.get_json()["revoked_at"]
    assert api("GET", "/me", police).status_code == 401
    assert audits("api_token_revoked", allowed=True) == 1


def test_admin_endpoints_need_an_admins_admin_token(api, token, audits):
    assert api("GET", "/admin/tokens", token("admin", "read")).status_code == 403
    assert api("GET", "/admin/tokens", token("police", "casework")).status_code == 403
    assert audits("api_tokens_listed", allowed=False) == 2


def test_admin_token_does_no_casework(api, token, open_case):
    case = open_case()
    task = _ready(case)
    assert api("POST", f"/tasks/{task.id}/claim", token("admin", "admin")).status_code == 403


def test_the_api_needs_no_csrf_token(csrf_client, token, open_case):
    """CSRF-checked in production, the web; the API is exempt since it takes no cookie."""
    task_id = _ready(open_case()).id
    headers = {"Authorization": f"Bearer {token('police')}"}
    db.session.rollback()  # no open read: SQLite lets one transaction at a time in
    response = csrf_client.post(f"/api/v1/tasks/{task_id}/claim", headers=headers)
    assert response.status_code == 200, response.get_json()
