"""Every step names the plan measure it carries out; checks refuse unknown measures, departments."""

from sqlalchemy import select

from models import DEPARTMENT_CODES, HumanTask, db
from workflows.checks import check_files
from workflows.measures import BY_CODE, MEASURES, catalogue, element_properties
from workflows.parsing import diagram_files, read_xml

BPMN = "{http://www.omg.org/spec/BPMN/20100524/MODEL}"


def _user_tasks():
    for filename, data in diagram_files().items():
        for task in read_xml(data, filename).getroot().iter(f"{BPMN}userTask"):
            yield filename, task


def test_the_catalogue_names_real_departments_once_per_code():
    assert len(BY_CODE) == len(MEASURES)
    for measure in MEASURES:
        assert set(measure.lead) | set(measure.supporting) <= set(DEPARTMENT_CODES), measure.code
        assert measure.title_en and measure.title_zh
    assert BY_CODE["二(三)5"].title_zh == "提供基本医疗服务和生理心理康复服务"
    assert {"code": "二(三)6", "lead": ["education", "civil_affairs"]}.items() <= catalogue()[
        8
    ].items()


def test_every_shipped_user_task_is_tagged_with_a_known_measure_and_departments():
    tasks = list(_user_tasks())
    assert len(tasks) == 38  # the received pathway's reunion included
    for filename, task in tasks:
        tags = element_properties(task)
        assert tags.get("measure") in BY_CODE, (filename, task.get("id"))
        assert tags.get("lead") in DEPARTMENT_CODES, (filename, task.get("id"))
    assert check_files(diagram_files(), DEPARTMENT_CODES) == []


def _with(filename: str, old: str, new: str) -> dict[str, bytes]:
    files = diagram_files()
    files[filename] = files[filename].replace(old.encode(), new.encode(), 1)
    return files


def test_check_refuses_an_unknown_measure_or_department():
    files = _with("care.bpmn", 'value="二(三)5"', 'value="二(九)9"')
    files["care.bpmn"] = files["care.bpmn"].replace(
        b'name="supporting" value="police,civil_affairs"',
        b'name="supporting" value="police,tax_office"',
        1,
    )
    problems = [str(p) for p in check_files(files, DEPARTMENT_CODES)]
    assert problems == [
        "care.bpmn: Task_care_medical: measure '二(九)9' is not in the plan's catalogue",
        "care.bpmn: Task_care_medical: supporting department 'tax_office' is not a department code",
    ]


def test_an_untagged_step_is_a_warning_not_an_error():
    files = _with("closure.bpmn", '<camunda:property name="measure" value="三(一)" />', "")
    (problem,) = check_files(files, DEPARTMENT_CODES)
    assert problem.severity == "warning"
    assert problem.element == "Task_closure_review"


def test_each_task_row_carries_the_measure_of_its_step(open_case):
    case = open_case(steps=1)  # identification done: shelter, special file... are ready
    rows = db.session.scalars(select(HumanTask).filter_by(case_id=case.id)).all()
    measures = {row.bpmn_id: row.measure for row in rows}
    assert measures["Task_rescue_identification"] == "二(二)1"
    assert all(measure in BY_CODE for measure in measures.values()), measures


def test_the_modeler_is_served_the_catalogue_in_the_managers_language(login, audits):
    client = login("manager", locale="en")
    body = client.get("/diagrams/api/measures").get_json()
    medical = next(m for m in body["measures"] if m["code"] == "二(三)5")
    assert medical == {
        "code": "二(三)5",
        "title": "Basic medical care and physical and psychological rehabilitation",
        "lead": ["health"],
        "supporting": ["police", "civil_affairs"],
    }
    assert {"code": "health", "name": "Health"} in body["departments"]
    client.post("/locale", data={"locale": "zh"})
    body = client.get("/diagrams/api/measures").get_json()
    assert body["measures"][7]["title"] == "提供基本医疗服务和生理心理康复服务"
    assert audits("diagram_measures_listed") == 2


def test_a_social_worker_may_not_read_the_modeler_catalogue(login, audits):
    assert login("health").get("/diagrams/api/measures").status_code == 403
    assert audits("diagrams_refused") == 1
