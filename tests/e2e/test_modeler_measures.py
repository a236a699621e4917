"""The modeler's Homecoming group shows and edits a step's plan measure, lead and supporting
departments, written as one camunda:properties block."""

import re

import pytest
from flask_babel import force_locale, gettext
from pages import log_in_as_is
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e


def zh(text: str) -> str:
    """The page's text as the manager (who reads Chinese) sees it."""
    with force_locale("zh"):
        return gettext(text)


def _xml(page) -> str:
    return page.evaluate("async () => (await window.homecomingModeler.saveXML()).xml")


def test_a_manager_retags_a_step_with_another_measure(page, restore_pathway, screenshot):
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    log_in_as_is(page, "manager")
    page.goto("/diagrams/care/edit")
    expect(page.locator("#modeler.ready")).to_be_attached(timeout=15000)
    page.click('#canvas [data-element-id="Task_care_medical"]')
    group = page.locator('#properties [data-group-id="group-homecoming"]')
    measure = group.locator("#bio-properties-panel-homecoming-measure")
    expect(measure).to_have_value("二(三)5")
    expect(measure.locator("option:checked")).to_have_text(
        "二(三)5 提供基本医疗服务和生理心理康复服务"
    )
    expect(group.locator("#bio-properties-panel-homecoming-lead")).to_have_value("health")
    supporting = group.locator("#bio-properties-panel-homecoming-supporting")
    expect(supporting).to_have_value("police,civil_affairs")

    measure.select_option("二(三)2")
    supporting.fill("civil_affairs, tax_office")
    expect(group).to_contain_text("tax_office")  # not a department: said under the field
    supporting.fill("civil_affairs, womens_federation")
    supporting.press("Tab")
    page.wait_for_function(
        """() => window.homecomingModeler.get('elementRegistry').get('Task_care_medical')
            .businessObject.get('extensionElements').get('values')[0].get('values')
            .some((p) => p.name === 'supporting'
                         && p.value === 'civil_affairs,womens_federation')"""
    )
    xml = _xml(page)
    block = re.search(
        r'<bpmn:userTask id="Task_care_medical".*?</bpmn:extensionElements>', xml, re.S
    ).group(0)
    assert block.count("<camunda:properties>") == 1
    assert '<camunda:property name="measure" value="二(三)2" />' in block
    assert '<camunda:property name="lead" value="health" />' in block
    assert '<camunda:property name="supporting" value="civil_affairs,womens_federation" />' in block
    screenshot(page, "modeler-measure-zh")

    page.click("#save")
    expect(page.locator("#modeler-status")).to_have_text(zh("Draft saved. No problems found."))
    assert errors == []
