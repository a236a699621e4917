"""The browser modeler: edit return_home with the Homecoming panel group, save, deploy, break it.

The diagram is changed through bpmn-js's own modeling API (as a drag on the canvas would), but
the task's form and due period are set by clicking and typing in the properties panel.
"""

import re

import pytest
from flask_babel import force_locale, gettext
from pages import log_in_as_is
from playwright.sync_api import expect

from forms.registry import FORMS
from webapp.templating import department_name

pytestmark = pytest.mark.e2e

PROCESS = "return_home"
FORM_KEY = "follow_up_visit"  # a civil_affairs form, for a task in the civil_affairs lane


def zh(text: str) -> str:
    """The page's text as the manager (who reads Chinese) sees it."""
    with force_locale("zh"):
        return gettext(text)


def _xml(page) -> str:
    return page.evaluate("async () => (await window.homecomingModeler.saveXML()).xml")


ADD_TASK = """() => {
    const modeler = window.homecomingModeler;
    const registry = modeler.get('elementRegistry');
    const modeling = modeler.get('modeling');
    const factory = modeler.get('elementFactory');
    // "Before travel" → new task → "Plan the return", instead of straight to "Plan the return".
    modeling.removeElements([registry.get('Flow_before_travel_split_to_return_plan')]);
    const shape = factory.createShape({type: 'bpmn:UserTask'});
    const pool = registry.get('Participant_return_home');
    const task = modeling.createShape(shape, {x: 560, y: 600}, pool);  // in the civil_affairs lane
    modeling.updateLabel(task, 'Check the family home');
    modeling.connect(registry.get('Gateway_before_travel_split'), task);
    modeling.connect(task, registry.get('Task_return_plan'));
    return task.id;
}"""


def test_edit_save_deploy_and_a_refused_dead_end(page, restore_pathway, screenshot):
    with force_locale("zh"):
        form_title = str(FORMS[FORM_KEY].title)
        police_form_title = str(FORMS["return_repatriation"].title)
        own_titles = [str(f.title) for f in FORMS.values() if f.department == "civil_affairs"]
        civil_affairs, police = department_name("civil_affairs"), department_name("police")
    deployed = re.escape(zh("Deployed as version {version}.")).replace(r"\{version\}", r"\d+")
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    log_in_as_is(page, "manager")
    page.goto(f"/diagrams/{PROCESS}/edit")
    expect(page.locator("#modeler.ready")).to_be_attached(timeout=15000)
    expect(page.locator('#canvas [data-element-id="Task_return_plan"]')).to_be_visible()

    task_id = page.evaluate(ADD_TASK)
    lanes = page.evaluate(
        "(id) => window.homecomingModeler.get('elementRegistry').get(id)"
        ".businessObject.get('lanes').map((lane) => lane.name)",
        task_id,
    )
    assert lanes == ["civil_affairs"]

    # Select the new task on the canvas; the Homecoming group shows its lane's department.
    page.click(f'#canvas [data-element-id="{task_id}"]')
    group = page.locator('#properties [data-group-id="group-homecoming"]')
    expect(group).to_be_visible()
    expect(group.locator("#bio-properties-panel-homecoming-department")).to_have_value(
        "civil_affairs"
    )
    # Pick the form in the drop-down (labels are the forms' titles) and type the due period.
    select_box = group.locator("#bio-properties-panel-homecoming-form")
    select_box.click()
    # The lane's department's forms come first, as a group; then each other department's.
    groups = select_box.locator("optgroup")
    expect(groups.first).to_have_attribute(
        "label", zh("This lane's department: {department}").format(department=civil_affairs)
    )
    lane_forms = groups.first.locator("option").all_inner_texts()
    assert lane_forms == own_titles
    other = zh("Other department: {department}").format(department=police)
    expect(select_box.locator(f'optgroup[label="{other}"] option')).to_contain_text(
        [police_form_title]
    )
    select_box.select_option(label=police_form_title)  # another department's form: a warning
    warning = zh(
        "Warning: this form belongs to {department}, not to this lane's department; "
        "the check refuses it."
    ).format(department=police)
    expect(group).to_contain_text(warning)
    select_box.click()
    select_box.select_option(label=form_title)
    expect(group).not_to_contain_text(warning)
    due = group.locator("#bio-properties-panel-homecoming-due")
    due.click()
    due.fill("P3D")
    due.press("Tab")
    page.wait_for_function(  # the panel's inputs are debounced before the XML changes
        """(id) => window.homecomingModeler.get('elementRegistry').get(id)
               .businessObject.get('camunda:dueDate') === 'P3D'""",
        arg=task_id,
    )
    # The plan measure it carries out (an untagged step is a warning).
    group.locator("#bio-properties-panel-homecoming-measure").select_option("二(三)2")
    xml = _xml(page)
    assert '<camunda:property name="measure" value="二(三)2" />' in xml
    assert re.search(
        rf'<bpmn:userTask id="{task_id}" name="Check the family home" '
        rf'camunda:formKey="{FORM_KEY}" camunda:dueDate="P3D">',
        xml,
    ), xml
    page.locator("#properties .bio-properties-panel-scroll-container").evaluate(
        "(node) => node.scrollTo(0, 0)"
    )
    screenshot(page, "modeler-panel")

    # A flow leaving a gateway: its condition, with the case fields as a hint.
    page.evaluate("""() => {
        const modeler = window.homecomingModeler;
        modeler.get('selection').select(
            modeler.get('elementRegistry').get('Flow_destination_to_return_repatriation'));
    }""")
    condition = group.locator("#bio-properties-panel-homecoming-condition")
    expect(condition).to_have_value("origin_country != 'CN'")
    expect(group).to_contain_text("origin_country")

    page.click("#save")
    saved = [
        zh("Draft saved. No problems found."),
        zh("Draft saved, with problems: see the list."),
    ]
    expect(page.locator("#modeler-status")).to_have_text(
        re.compile("|".join(map(re.escape, saved)))
    )
    problems = page.locator("#problems-list li.error").all_inner_texts()
    assert problems == [], problems
    expect(page.locator("#problems-none")).to_be_visible()
    expect(page.locator("#modeler-status")).to_have_text(zh("Draft saved. No problems found."))

    # Deploying needs a comment.
    page.click("#deploy")
    expect(page.locator("#modeler-status")).to_have_text(zh("Write a comment before deploying."))
    page.fill("#deploy-comment", "Check the family home before planning the return")
    page.click("#deploy")
    expect(page.locator("#modeler-status")).to_have_text(re.compile(f"^{deployed}$"))

    # Break it: the reunion task loses its way out (a dead end).
    page.evaluate("""() => {
        const modeler = window.homecomingModeler;
        const registry = modeler.get('elementRegistry');
        modeler.get('modeling').removeElements(
            [registry.get('Flow_return_reunion_to_at_home_split')]);
    }""")
    page.click("#save")
    expect(page.locator("#modeler-status")).to_have_text(
        zh("Draft saved, with problems: see the list.")
    )
    marked = page.locator('#canvas .djs-element.has-problem[data-element-id="Task_return_reunion"]')
    expect(marked).to_be_visible()
    expect(page.locator(".djs-overlay .problem-overlay").first).to_be_visible()
    expect(page.locator("#problems-list li.error").first).to_be_visible()
    screenshot(page, "modeler-problem")

    page.fill("#deploy-comment", "This one should not go out")
    page.click("#deploy")
    expect(page.locator("#modeler-status")).to_have_text(
        zh("Not deployed: fix the problems first.")
    )
    expect(marked).to_be_visible()

    # The dead end fixed (undo), the marks go with the next save.
    page.evaluate("() => window.homecomingModeler.get('commandStack').undo()")
    page.click("#save")
    expect(page.locator("#modeler-status")).to_have_text(zh("Draft saved. No problems found."))
    expect(page.locator("#canvas .has-problem")).to_have_count(0)
    expect(page.locator(".problem-overlay")).to_have_count(0)
    # The browser logs the refused deployment's 422 itself; nothing else may go wrong.
    assert [e for e in errors if "status of 422" not in e] == []


def test_download_gives_the_current_xml(page, restore_pathway):
    log_in_as_is(page, "manager")
    page.goto(f"/diagrams/{PROCESS}/edit")
    expect(page.locator("#modeler.ready")).to_be_attached(timeout=15000)
    with page.expect_download() as info:
        page.click("#download")
    download = info.value
    assert download.suggested_filename == f"{PROCESS}.bpmn"
    with open(download.path(), encoding="utf-8") as file:
        content = file.read()
    assert '<bpmn:process id="return_home"' in content
    assert 'camunda:formKey="return_plan"' in content
