"""The diagram pages and the modeler's API: managers only, drafts, deploys, running cases."""

import gzip
import io
import json
import re
from pathlib import Path

import pytest
from lxml import etree
from sqlalchemy import func, select

from forms.examples import EXAMPLES
from forms.registry import FORMS
from models import (
    AuditEvent,
    DiagramDraft,
    PathwayVersion,
    ProcessInstance,
    TaskStatus,
    TimelineEvent,
    db,
)
from tests.conftest import demo_code
from webapp.config import TestConfig
from workflows import drafts, engine, migration
from workflows.parsing import MAX_DIAGRAM_BYTES
from workflows.pathways import RECEIVED_PROCESS, latest_version, pathway

pytestmark = pytest.mark.usefixtures("restore_pathway")
ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).parent / "diagrams"
RESCUE = (ROOT / "workflows" / "diagrams" / "rescue.bpmn").read_bytes()
B = "{http://www.omg.org/spec/BPMN/20100524/MODEL}"
C = "{http://camunda.org/schema/1.0/bpmn}"
XML = {"Content-Type": "application/xml"}


def _rescue_with_briefing(lane="police", connected=True, task_id="Task_rescue_briefing"):
    """rescue.bpmn with a new user task between the start event and the first gateway."""
    root = etree.fromstring(RESCUE)
    process = root.find(f"{B}process")
    process.find(f"{B}sequenceFlow[@id='Flow_rescue_start_to_missing_child']").set(
        "targetRef", task_id
    )
    task = etree.SubElement(process, f"{B}userTask", id=task_id, name="Brief the team")
    task.set(f"{C}formKey", "rescue_rapid_search")
    etree.SubElement(task, f"{B}incoming").text = "Flow_rescue_start_to_missing_child"
    gateway = process.find(f"{B}exclusiveGateway[@id='Gateway_missing_child']")
    if connected:
        etree.SubElement(task, f"{B}outgoing").text = "Flow_briefing"
        etree.SubElement(
            process,
            f"{B}sequenceFlow",
            id="Flow_briefing",
            sourceRef=task_id,
            targetRef="Gateway_missing_child",
        )
        gateway.find(f"{B}incoming").text = "Flow_briefing"
    else:
        gateway.remove(gateway.find(f"{B}incoming"))
    lane_element = process.find(f".//{B}lane[@name='{lane}']")
    if lane_element is None:
        lane_element = etree.SubElement(
            process.find(f"{B}laneSet"), f"{B}lane", id=f"Lane_{lane}", name=lane
        )
    etree.SubElement(lane_element, f"{B}flowNodeRef").text = task_id
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def _drafts() -> int:
    return db.session.scalar(select(func.count(DiagramDraft.id)))


def _versions() -> int:
    return db.session.scalar(select(func.count(PathwayVersion.id)))


def _deploy(client, process_id="rescue", data=None, comment="brief the team first"):
    client.post(
        f"/diagrams/api/{process_id}/draft", data=data or _rescue_with_briefing(), headers=XML
    )
    return client.post(f"/diagrams/api/{process_id}/deploy", json={"comment": comment})


def _ready(case) -> list[str]:
    return sorted(t.bpmn_id for t in db.session.scalars(engine.open_tasks(case)))


# --- who may ---------------------------------------------------------------------------------

PAGES = [
    "/diagrams/",
    "/diagrams/api/forms",
    "/diagrams/api/fields",
    "/diagrams/api/rescue.bpmn?source=deployed",
    "/diagrams/versions",
    "/diagrams/rescue/edit",
]


@pytest.mark.parametrize("path", PAGES)
def test_only_managers_see_the_diagrams(login, client, path):
    """Managers 200; reviewer, admin and a social worker 403 (audited); anonymous to login."""
    assert client.get(path).status_code == 302
    for username in ("reviewer", "admin", "police"):
        login(username)
        assert client.get(path).status_code == 403
        client.post("/logout")
    refusals = db.session.scalars(select(AuditEvent).filter_by(action="diagrams_refused"))
    assert len(list(refusals)) == 3
    login("manager")
    assert client.get(path).status_code == 200


@pytest.mark.parametrize("username", ["reviewer", "admin", "civil_affairs"])
def test_others_may_not_save_or_deploy(login, client, username):
    login(username)
    assert client.post("/diagrams/api/rescue/draft", data=RESCUE, headers=XML).status_code == 403
    assert client.post("/diagrams/api/rescue/deploy", json={"comment": "x"}).status_code == 403
    assert _drafts() == 0


def test_forms_and_fields_for_the_modeler(login, client):
    login("manager")
    forms = client.get("/diagrams/api/forms").get_json()
    assert {"key": "rescue_rapid_search", "department": "police"}.items() <= forms[1].items()
    assert all(
        set(f) == {"key", "title", "department", "department_name"} and f["title"] for f in forms
    )
    assert {"department": "justice", "department_name": "司法厅"}.items() <= next(
        f for f in forms if f["key"] == "legal_eligibility"
    ).items()
    fields = client.get("/diagrams/api/fields").get_json()
    assert fields == sorted(fields) and "age" in fields


def test_the_xml_comes_from_the_draft_when_asked(login, client):
    login("manager")
    deployed = client.get("/diagrams/api/rescue.bpmn?source=draft")
    assert deployed.status_code == 200 and deployed.mimetype == "application/xml"
    assert deployed.data == RESCUE
    draft = _rescue_with_briefing()
    client.post("/diagrams/api/rescue/draft", data=draft, headers=XML)
    assert client.get("/diagrams/api/rescue.bpmn?source=draft").data == draft
    assert client.get("/diagrams/api/rescue.bpmn?source=deployed").data == RESCUE
    assert client.get("/diagrams/api/nothing.bpmn").status_code == 404


# --- drafts ----------------------------------------------------------------------------------


def test_a_draft_with_problems_is_saved_and_they_are_listed(login, client):
    login("manager")
    response = client.post(
        "/diagrams/api/rescue/draft",
        headers=XML,
        data=_rescue_with_briefing(lane="immigration", connected=False),
    )
    body = response.get_json()
    assert response.status_code == 200 and body["saved"] is True
    elements = {(p["element"], p["severity"]) for p in body["problems"]}
    assert ("Lane_immigration", "error") in elements
    assert ("Task_rescue_briefing", "error") in elements  # dead end
    assert _drafts() == 1
    messages = {p["message"] for p in body["problems"]}
    assert "泳道 'immigration' 不是部门代码" in messages
    assert "无法到达：没有流程通向此元素" in messages  # noqa: RUF001


def test_problems_follow_the_managers_language(login, client):
    login("manager", locale="en")
    response = client.post(
        "/diagrams/api/rescue/draft", headers=XML, data=_rescue_with_briefing(lane="immigration")
    )
    messages = {p["message"] for p in response.get_json()["problems"]}
    assert "lane 'immigration' is not a department code" in messages


def test_a_clean_draft_has_only_lint_warnings_which_do_not_block(login, client):
    """The new task has no shape yet: bpmnlint warns, the checks pass, deploying works."""
    login("manager")
    body = client.post(
        "/diagrams/api/rescue/draft", data=_rescue_with_briefing(), headers=XML
    ).get_json()
    assert body["saved"] is True
    assert {p["severity"] for p in body["problems"]} == {"warning"}
    assert {
        "element": "Task_rescue_briefing",
        "severity": "warning",
        "message": "Element is missing bpmndi (bpmnlint: no-bpmndi)",
    } in body["problems"]
    assert (
        client.post("/diagrams/api/rescue/deploy", json={"comment": "brief first"}).status_code
        == 200
    )


def test_the_shipped_diagrams_have_no_lint_warnings(login, client):
    login("manager")
    for process_id in ("rescue", "return_home", "follow_up"):
        xml = client.get(f"/diagrams/api/{process_id}.bpmn").data
        body = client.post(f"/diagrams/api/{process_id}/draft", data=xml, headers=XML).get_json()
        assert body == {"saved": True, "problems": []}


HOSTILE = {
    "xxe": (FIXTURES / "xxe.bpmn").read_bytes(),
    "billion_laughs": (FIXTURES / "billion_laughs.bpmn").read_bytes(),
    "gzip": gzip.compress(RESCUE),
    "oversized": RESCUE.replace(
        b"</bpmn:definitions>", b"<!--" + b"x" * MAX_DIAGRAM_BYTES + b"--></bpmn:definitions>"
    ),
    "not_well_formed": (FIXTURES / "not_well_formed.bpmn").read_bytes(),
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_unsafe_or_broken_xml_is_refused_and_nothing_stored(login, client, name):
    login("manager")
    response = client.post("/diagrams/api/rescue/draft", data=HOSTILE[name], headers=XML)
    assert response.status_code == 400
    assert response.get_json()["saved"] is False and response.get_json()["problems"]
    assert _drafts() == 0
    upload = client.post(
        "/diagrams/upload",
        data={"diagram": (io.BytesIO(HOSTILE[name]), f"{name}.bpmn")},
        follow_redirects=True,
    )
    assert "nothing was stored" in upload.get_data(
        as_text=True
    ).lower() or "没有保存" in upload.get_data(as_text=True)
    assert _drafts() == 0


def test_an_upload_becomes_the_draft_of_its_process(login, client):
    login("manager")
    client.post(
        "/diagrams/upload", data={"diagram": (io.BytesIO(_rescue_with_briefing()), "rescue.bpmn")}
    )
    assert db.session.scalar(select(DiagramDraft.process_id)) == "rescue"
    page = client.get("/diagrams/").get_data(as_text=True)
    assert 'href="/diagrams/rescue/edit"' in page


# --- deploying -------------------------------------------------------------------------------


def test_deploy_needs_a_comment_and_a_draft(login, client):
    login("manager")
    assert client.post("/diagrams/api/rescue/deploy", json={"comment": "x"}).status_code == 404
    assert _deploy(client, comment="").status_code == 400
    assert _drafts() == 1


@pytest.mark.parametrize(
    "draft",
    [
        pytest.param(_rescue_with_briefing(connected=False), id="dead_end"),
        pytest.param(_rescue_with_briefing(lane="immigration"), id="unknown_lane"),
    ],
)
def test_deploy_is_refused_on_errors(login, client, draft):
    login("manager")
    before = _versions()
    response = _deploy(client, data=draft)
    assert response.status_code == 422
    assert any(p["severity"] == "error" for p in response.get_json()["problems"])
    assert _versions() == before and _drafts() == 1


def test_a_fixture_process_with_a_dead_end_is_refused(login, client):
    login("manager")
    response = _deploy(client, "dead_end", (FIXTURES / "dead_end.bpmn").read_bytes())
    assert response.status_code == 422
    assert "Task_psychological" in {p["element"] for p in response.get_json()["problems"]}


def test_new_cases_take_the_new_version_running_ones_keep_theirs(open_case, login, client):
    before = open_case()
    login("manager")
    response = _deploy(client)
    assert response.status_code == 200
    version = response.get_json()["version"]
    assert _drafts() == 0
    after = open_case()
    assert _ready(after) == ["Task_rescue_briefing"]
    assert _ready(before) == ["Task_rescue_identification"]
    instances = {
        i.case_id: i.pathway_version_id for i in db.session.scalars(select(ProcessInstance))
    }
    assert instances[after.id] == version and instances[before.id] < version
    history = client.get("/diagrams/versions").get_data(as_text=True)
    assert "brief the team first" in history
    diff = client.get(f"/diagrams/versions/{instances[before.id]}/diff/{version}")
    diff_page = diff.get_data(as_text=True)
    assert "Task_rescue_briefing" in diff_page
    views = json.loads(diff_page.split('id="diff-data">')[1].split("</script>")[0])
    assert views["rescue"]["marks_after"]["Task_rescue_briefing"] == "added"
    assert 'data-process="rescue" data-side="after"' in diff_page
    download = client.get(f"/diagrams/versions/{version}/rescue.bpmn")
    assert b"Task_rescue_briefing" in download.data
    assert db.session.scalar(select(AuditEvent).filter_by(action="diagram_deployed"))


@pytest.mark.parametrize(("locale", "name"), [("en", "Legal aid"), ("zh", "法律援助")])
def test_the_diagrams_are_listed_by_their_phases_name(login, client, locale, name):
    page = login("manager", locale).get("/diagrams/").get_data(as_text=True)
    row = re.search(r'<tr data-process-id="legal_aid">.*?</tr>', page, re.S).group(0)
    assert name in row and "<code>legal_aid</code>" in row


def test_a_process_both_pathways_run_gets_a_new_version_of_each(login, client):
    """`follow_up` runs in the case's pathway and a received case's: both get the change;
    `rescue` runs in the case's only."""
    received = latest_version(RECEIVED_PROCESS).id
    login("manager")
    assert _deploy(client).status_code == 200  # rescue
    assert latest_version(RECEIVED_PROCESS).id == received
    follow_up = (ROOT / "workflows/diagrams/follow_up.bpmn").read_bytes()
    longer = follow_up.replace(b'camunda:dueDate="P7D"', b'camunda:dueDate="P10D"', 1)
    answer = _deploy(client, "follow_up", longer, "ten days for a visit")
    assert answer.status_code == 200
    case, moved = latest_version(), latest_version(RECEIVED_PROCESS)
    assert answer.get_json()["version"] == case.id and moved.id != received
    assert "P10D" in pathway(moved).due_periods.values() and moved.comment == "ten days for a visit"


# --- moving running cases --------------------------------------------------------------------


def test_the_dry_run_marks_clean_and_ambiguous_cases(open_case, login, client):
    case = open_case()
    login("manager")
    version = _deploy(client).get_json()["version"]
    page = client.get(f"/diagrams/versions/{version}/migrate").get_data(as_text=True)
    assert case.number in page and "Task_rescue_identification → Task_rescue_identification" in page
    assert 'class="clean"' in page
    moved = _rescue_with_briefing().replace(b"Task_rescue_identification", b"Task_rescue_identify")
    version = _deploy(client, data=moved).get_json()["version"]
    page = client.get(f"/diagrams/versions/{version}/migrate").get_data(as_text=True)
    assert 'class="ambiguous"' in page and "其元素按结构被匹配到另一个元素" in page
    login("manager", locale="en")
    page = client.get(f"/diagrams/versions/{version}/migrate").get_data(as_text=True)
    assert "its element was matched by structure to another element" in page
    assert (
        client.post(f"/diagrams/versions/{version}/migrate", data={"all_clean": "1"}).status_code
        == 302
    )
    db.session.expire_all()
    instance = db.session.scalar(select(ProcessInstance).filter_by(case_id=case.id))
    assert instance.pathway_version_id < version


def test_a_clean_case_moves_and_keeps_its_ready_step(open_case, login, client, users):
    case = open_case()
    claimed = engine.claim_task(
        db.session.scalars(engine.open_tasks(case)).one().id, users["police"]
    )
    db.session.commit()
    login("manager")
    version = _deploy(client).get_json()["version"]
    response = client.post(f"/diagrams/versions/{version}/migrate", data={"all_clean": "1"})
    assert response.status_code == 302
    db.session.expire_all()
    instance = db.session.scalar(select(ProcessInstance).filter_by(case_id=case.id))
    assert instance.pathway_version_id == version
    assert _ready(case) == ["Task_rescue_identification"]
    events = [
        e.event_type for e in db.session.scalars(select(TimelineEvent).filter_by(case_id=case.id))
    ]
    assert "diagram_migrated" in events
    task = db.session.scalars(engine.open_tasks(case)).one()
    assert task.status == TaskStatus.READY
    assert (task.id, task.claimed_by_id) == (claimed.id, users["police"].id)
    engine.complete_task(task.id, {**EXAMPLES["rescue_identification"]}, users["police"])
    assert _ready(case) != ["Task_rescue_identification"]


def _token(page: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


def test_the_modeler_sends_its_token_in_a_header(csrf_client):
    db.session.rollback()  # SQLite: let the other app's requests write
    token = _token(csrf_client.get("/login").get_data(as_text=True))
    csrf_client.post(
        "/login",
        data={"username": "manager", "csrf_token": token, "password": TestConfig.DEMO_PASSWORD},
    )
    token = _token(csrf_client.get("/login/second-factor").get_data(as_text=True))
    csrf_client.post(
        "/login/second-factor", data={"code": demo_code("manager"), "csrf_token": token}
    )
    token = _token(csrf_client.get("/diagrams/").get_data(as_text=True))
    url, draft = "/diagrams/api/rescue/draft", _rescue_with_briefing()
    assert csrf_client.post(url, data=draft, headers=XML).status_code == 400
    response = csrf_client.post(url, data=draft, headers={**XML, "X-CSRFToken": token})
    assert response.status_code == 200 and response.get_json()["saved"] is True
    assert _drafts() == 1


def test_a_draft_that_is_not_utf8_is_refused(login, client):
    login("manager")
    data = RESCUE.replace(b'encoding="UTF-8"', b'encoding="GBK"').replace(
        b"Rescue and identification", "解救".encode("gbk")
    )
    assert client.post("/diagrams/api/rescue/draft", data=data, headers=XML).status_code == 400
    assert _drafts() == 0


def _deploy_directly(users, data) -> PathwayVersion:
    drafts.save_draft("rescue", data, users["manager"])
    version = drafts.deploy_draft("rescue", users["manager"], "test")
    db.session.commit()
    return version


# A lane may only change with its form's department (workflows check): the form moves too.
@pytest.mark.parametrize(
    ("edit", "reason", "form_moves_to"),
    [
        (
            lambda xml: xml.replace(
                b'camunda:formKey="rescue_identification"', b'camunda:formKey="rescue_dna_sampling"'
            ),
            "its form changes",
            None,
        ),
        (
            lambda xml: xml.replace(
                b"<bpmn:flowNodeRef>Task_rescue_identification</bpmn:flowNodeRef>", b""
            ).replace(
                b"<bpmn:flowNodeRef>Task_rescue_child_placement",
                b"<bpmn:flowNodeRef>Task_rescue_identification"
                b"</bpmn:flowNodeRef><bpmn:flowNodeRef>"
                b"Task_rescue_child_placement",
            ),
            "its lane changes",
            "civil_affairs",
        ),
    ],
)
def test_an_ambiguous_case_is_never_moved(
    open_case, users, edit, reason, form_moves_to, monkeypatch
):
    case = open_case()
    if form_moves_to:
        monkeypatch.setattr(FORMS["rescue_identification"], "department", form_moves_to)
    db.session.commit()
    instance = db.session.scalar(select(ProcessInstance).filter_by(case_id=case.id))
    state, old_version = instance.state, instance.pathway_version_id
    target = _deploy_directly(users, edit(RESCUE))
    plan = migration.dry_run(target)[0]
    assert not plan.clean and reason in plan.landings[0].reason
    with pytest.raises(migration.MigrationRefused):
        migration.migrate_instance(instance.id, target, users["manager"])
    db.session.rollback()
    db.session.refresh(instance)
    assert (instance.state, instance.pathway_version_id) == (state, old_version)


def test_a_replaced_ready_task_is_shown_as_matched_by_structure(open_case, users):
    """SpiffWorkflow would silently move the ready task onto its replacement: we refuse."""
    case = open_case()
    db.session.commit()
    root = etree.fromstring(_rescue_with_briefing())
    process = root.find(f"{B}process")
    # The ready identification task is replaced by the briefing task's twin under a new id.
    task = process.find(f"{B}userTask[@id='Task_rescue_identification']")
    task.set("id", "Task_rescue_identify")
    task.set(f"{C}formKey", "rescue_dna_sampling")
    target = _deploy_directly(
        users,
        etree.tostring(root)
        .replace(b">Task_rescue_identification<", b">Task_rescue_identify<")
        .replace(b'"Task_rescue_identification"', b'"Task_rescue_identify"'),
    )
    landing = migration.plan_for(
        db.session.scalar(select(ProcessInstance).filter_by(case_id=case.id)), target
    ).landings[0]
    assert landing.element_id == "Task_rescue_identification"
    assert landing.new_element_id == "Task_rescue_identify"
    assert landing.reason == "its element was matched by structure to another element"
