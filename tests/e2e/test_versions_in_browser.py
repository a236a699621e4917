"""Pathway versions seen in the browser: a manager deploys a changed return_home in the modeler;
new cases follow it, running ones keep their version, and the migration dry run lists them.

Cases are opened and advanced through the engine (as the police and departments would); the
modeler, the inbox and the migration page are used in a real browser.
"""

import re

import pytest
from flask_babel import force_locale
from pages import log_in_as_is
from playwright.sync_api import expect
from sqlalchemy import select
from test_modeler import ADD_TASK, zh

from forms.examples import EXAMPLES
from forms.registry import FORMS
from models import (
    Case,
    ProcessInstance,
    db,
)
from workflows import engine

pytestmark = pytest.mark.e2e

PROCESS = "return_home"
NEW_FORM = "follow_up_visit"  # a civil_affairs form, for the new task in the civil_affairs lane
# A 30-year-old man from Fujian who wants to go home and asks for no legal aid: the short path.
INTAKE = {
    **EXAMPLES["case_open"],
    "report_type": "rescue",
    "age": 30,
    "sex": "male",
    "disability": False,
    "origin_country": "CN",
    "origin_province": "fujian",
}
OVERRIDES = {
    "rescue_identification": {
        "age": 30,
        "identity_established": True,
        "criminal_case_filed": False,
    },
    "aid_shelter": {"willing_to_return": True, "legal_aid_requested": False},
    "aid_special_file": {"referred_difficulties": []},
}


def title(form_key: str) -> str:
    """The step's title as the (Chinese-reading) accounts see it in the inbox."""
    with force_locale("zh"):
        return str(FORMS[form_key].title)


def open_case_to_return_home(users, name: str) -> Case:
    """Open a case and complete its steps until a return_home step is ready; commit."""
    case = engine.open_case(dict(INTAKE), users["police"], name)
    for _ in range(30):
        tasks = list(db.session.scalars(engine.open_tasks(case)))
        assert tasks, "the case stalled before returning home"
        if any(task.process_id == PROCESS for task in tasks):
            break
        task = tasks[0]
        answers = {**EXAMPLES[task.form_key], **OVERRIDES.get(task.form_key, {})}
        engine.complete_task(task.id, answers, users[task.department.code])
    else:
        pytest.fail("the case never reached the return home")
    db.session.commit()  # end our transaction before the browser acts
    return case


def ready_steps(case) -> list[tuple[str, str]]:
    """(element, form) of the case's ready civil-affairs steps (health treats meanwhile)."""
    rows = db.session.scalars(engine.open_tasks(case))
    return [(row.bpmn_id, row.form_key) for row in rows if row.department.code == "civil_affairs"]


def deploy_new_task_in_browser(page) -> int:
    """As the manager: a civil_affairs task before "Plan the return", its form picked in the
    panel; save, deploy with a comment. Returns the new version's id."""
    deployed = re.escape(zh("Deployed as version {version}.")).replace(r"\{version\}", r"(\d+)")
    log_in_as_is(page, "manager")
    page.goto(f"/diagrams/{PROCESS}/edit")
    expect(page.locator("#modeler.ready")).to_be_attached(timeout=15000)
    task_id = page.evaluate(ADD_TASK)
    page.click(f'#canvas [data-element-id="{task_id}"]')
    group = page.locator('#properties [data-group-id="group-homecoming"]')
    expect(group.locator("#bio-properties-panel-homecoming-department")).to_have_value(
        "civil_affairs"
    )
    select_box = group.locator("#bio-properties-panel-homecoming-form")
    select_box.click()
    select_box.select_option(label=title(NEW_FORM))
    page.wait_for_function(
        """(id) => window.homecomingModeler.get('elementRegistry').get(id)
               .businessObject.get('camunda:formKey') === 'follow_up_visit'""",
        arg=task_id,
    )
    # Its due period (without one it is never escalated: a warning).
    due = group.locator("#bio-properties-panel-homecoming-due")
    due.fill("P5D")
    due.press("Tab")
    page.wait_for_function(
        """(id) => window.homecomingModeler.get('elementRegistry').get(id)
               .businessObject.get('camunda:dueDate') === 'P5D'""",
        arg=task_id,
    )
    # The plan measure it carries out (an untagged step is a warning).
    group.locator("#bio-properties-panel-homecoming-measure").select_option("二(三)2")
    page.click("#save")
    expect(page.locator("#modeler-status")).to_have_text(zh("Draft saved. No problems found."))
    page.fill("#deploy-comment", "Check the family home before planning the return")
    page.click("#deploy")
    status = page.locator("#modeler-status")
    expect(status).to_have_text(re.compile(f"^{deployed}$"))
    return int(re.fullmatch(deployed, status.inner_text()).group(1))


def test_new_cases_follow_the_new_version_old_cases_keep_theirs(
    page, users, restore_pathway, screenshot
):
    case_a = open_case_to_return_home(users, "Huang Jianguo")
    assert ready_steps(case_a) == [("Task_return_plan", "return_plan")]
    old_version = db.session.scalar(
        select(ProcessInstance.pathway_version_id).filter_by(case_id=case_a.id)
    )
    db.session.commit()

    new_version = deploy_new_task_in_browser(page)
    assert new_version > old_version

    case_b = open_case_to_return_home(users, "Lin Zhiqiang")
    steps_b = ready_steps(case_b)
    assert len(steps_b) == 1 and steps_b[0][1] == NEW_FORM
    assert steps_b[0][0] != "Task_return_plan"
    versions = dict(
        db.session.execute(
            select(ProcessInstance.case_id, ProcessInstance.pathway_version_id)
        ).all()
    )
    assert versions == {case_a.id: old_version, case_b.id: new_version}
    numbers = (case_a.number, case_b.number)
    db.session.commit()

    page.context.clear_cookies()
    log_in_as_is(page, "civil_affairs")
    page.goto("/")  # the inbox
    row_a = page.locator("table.inbox tbody tr", has_text=numbers[0])
    row_b = page.locator("table.inbox tbody tr", has_text=numbers[1])
    expect(row_a).to_have_count(1)
    expect(row_b).to_have_count(1)
    expect(row_a.locator("td").nth(1)).to_have_text(title("return_plan"))
    expect(row_b.locator("td").nth(1)).to_have_text(title(NEW_FORM))
    screenshot(page, "versions-inbox")


def test_migration_dry_run_lists_running_cases(page, users, restore_pathway, screenshot):
    case_a = open_case_to_return_home(users, "Huang Jianguo")
    number = case_a.number
    instance_id, old_version = db.session.execute(
        select(ProcessInstance.id, ProcessInstance.pathway_version_id).filter_by(case_id=case_a.id)
    ).one()
    db.session.commit()

    new_version = deploy_new_task_in_browser(page)
    page.goto(f"/diagrams/versions/{new_version}/migrate")
    expect(page.locator("h1")).to_contain_text(str(new_version))
    row = page.locator(f'tr[data-instance-id="{instance_id}"]')
    expect(row).to_have_count(1)
    expect(row.locator("th")).to_have_text(number)
    cells = row.locator("td")
    expect(cells.nth(1)).to_have_text(str(old_version))
    expect(cells.nth(2)).to_contain_text("return_home / Task_return_plan → Task_return_plan")
    expect(row).to_have_class("clean")
    expect(cells.nth(3)).to_have_text(zh("clean"))
    expect(row.locator(f"#move-{instance_id}")).to_be_visible()
    screenshot(page, "versions-migrate-dry-run")
    # Nothing has moved: the case is still on its old version at "Plan the return".
    db.session.expire_all()
    assert (
        db.session.scalar(select(ProcessInstance.pathway_version_id).filter_by(id=instance_id))
        == old_version
    )
    assert ready_steps(case_a) == [("Task_return_plan", "return_plan")]
    db.session.commit()
    # The version diff shows the new task marked "added" on the new return-home diagram.
    page.goto(f"/diagrams/versions/{old_version}/diff/{new_version}")
    after = page.locator('.diff-canvas[data-process="return_home"][data-side="after"]')
    expect(after.locator(".mark-added")).not_to_have_count(0)
    expect(page.locator('.diff-canvas[data-side="before"] .mark-added')).to_have_count(0)
    screenshot(page, "versions-diff")
