"""Element names from the diagram (a failed rule's, in incidents) read in Chinese where the
diagram gives a Chinese name."""

from pathlib import Path

from forms.base import as_formdata
from forms.examples import EXAMPLES
from models import DEPARTMENT_CODES, db
from workflows import engine
from workflows.names import chinese_names
from workflows.pathways import deploy, latest_version

PROBE = (Path(__file__).parent / "diagrams" / "incident_probe.bpmn").read_text()
GATEWAY = '<bpmn:exclusiveGateway id="Gateway_rule" name="Probe rule" default="Flow_default">'
NAMED = GATEWAY + (
    "<bpmn:extensionElements><camunda:properties>"
    '<camunda:property name="name_zh" value="探测规则" />'
    "</camunda:properties></bpmn:extensionElements>"
)


def test_the_shipped_diagrams_name_their_elements_in_chinese():
    names = chinese_names(latest_version())
    assert names["Task_rescue_identification"] == "甄别被害人身份"
    assert names["Lane_civil_affairs"] == "民政厅"
    assert names["Task_aid_shelter"] == "庇护被害人"


def test_a_failed_rule_is_named_in_chinese(restore_pathway, users, login, client):
    xml = PROBE.replace("RULE", "age / 0 > 1").replace(GATEWAY, NAMED)
    version = deploy(
        {"incident_probe.bpmn": xml.encode()}, DEPARTMENT_CODES, process_id="incident_probe"
    )
    case = engine.open_case(EXAMPLES["case_open"], users["police"], "林晓梅", version=version)
    db.session.commit()
    task = db.session.scalars(engine.open_tasks(case)).first()
    visit = as_formdata(EXAMPLES["follow_up_visit"]).to_dict(flat=False)
    login("civil_affairs")
    answer = client.post(f"/tasks/{task.id}", data=visit).get_data(as_text=True)
    assert "流程图规则“探测规则”出错" in answer
    login("manager")
    assert "探测规则" in client.get("/incidents").get_data(as_text=True)
    login("manager", locale="en")
    page = client.get("/incidents").get_data(as_text=True)
    assert "Probe rule" in page and "探测规则" not in page
