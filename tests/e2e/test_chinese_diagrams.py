"""Diagram shapes read in Chinese on a Chinese page, in the case viewer and the modeler,
while the diagram's XML keeps its names."""

import pytest
from pages import log_in_as_is, switch_language
from playwright.sync_api import expect
from test_case_pages import _case_in_temporary_aid

from workflows.parsing import DIAGRAM_DIR

pytestmark = pytest.mark.e2e


def test_the_case_diagram_names_steps_in_the_pages_language(page, users, screenshot):
    number = _case_in_temporary_aid(users)
    log_in_as_is(page, "reviewer")
    page.goto(f"/cases/{number}/diagram?process=temporary_aid")
    expect(page.locator('[data-element-id="Task_aid_shelter"]')).to_contain_text("庇护被害人")
    expect(page.locator('[data-element-id="Lane_civil_affairs"]')).to_contain_text("民政厅")
    expect(page.locator("#diagram .djs-container")).not_to_contain_text("Shelter the victim")
    screenshot(page, "case-diagram-zh")
    switch_language(page, "en")
    page.goto(f"/cases/{number}/diagram?process=temporary_aid")
    expect(page.locator('[data-element-id="Task_aid_shelter"]')).to_contain_text(
        "Shelter the victim"
    )
    expect(page.locator("#diagram .djs-container")).not_to_contain_text("庇护被害人")
    switch_language(page, "zh")


def test_the_modeler_draws_chinese_names_and_saves_the_xml_unchanged(page, restore_pathway):
    log_in_as_is(page, "manager")
    page.goto("/diagrams/legal_aid/edit")
    expect(page.locator("#modeler.ready")).to_be_attached(timeout=15000)
    task = page.locator('#canvas [data-element-id="Task_legal_representation"]')
    expect(task).to_contain_text("代理被害人")
    saved = page.evaluate(
        "async () => (await window.homecomingModeler.saveXML({format: true})).xml"
    )
    shipped = (DIAGRAM_DIR / "legal_aid.bpmn").read_text(encoding="utf-8")
    assert saved.strip() == shipped.strip()
    assert 'name="Represent the victim"' in saved


def test_the_modeler_speaks_chinese_on_a_chinese_page(page, restore_pathway, screenshot):
    log_in_as_is(page, "manager")
    page.goto("/diagrams/legal_aid/edit")
    expect(page.locator("#modeler.ready")).to_be_attached(timeout=15000)
    palette = page.locator(".djs-palette")
    expect(palette.locator('[aria-label="创建任务"]')).to_be_attached()
    expect(palette.locator('[aria-label="激活抓手工具"]')).to_be_attached()
    page.click('#canvas [data-element-id="Task_legal_representation"]')
    expect(page.locator('.djs-context-pad [title="追加任务"]')).to_be_attached()
    expect(page.locator('.djs-context-pad [title="更改元素"]')).to_be_attached()
    panel = page.locator("#properties")
    expect(panel.locator('[data-group-id="group-general"]')).to_contain_text("常规")
    expect(panel.locator(".bio-properties-panel-header")).to_contain_text("用户任务")
    expect(panel).to_contain_text("用户分配")
    expect(panel).to_contain_text("扩展属性")
    expect(panel.locator('[data-group-id="group-homecoming"]')).to_contain_text("回家")
    page.locator('.djs-context-pad [title="更改元素"]').click()
    expect(page.locator(".djs-popup")).to_contain_text("服务任务")
    screenshot(page, "modeler-zh")
    page.keyboard.press("Escape")
    switch_language(page, "en")
    page.goto("/diagrams/legal_aid/edit")
    expect(page.locator("#modeler.ready")).to_be_attached(timeout=15000)
    expect(page.locator('.djs-palette [aria-label="Create task"]')).to_be_attached()
    expect(page.locator('#canvas [data-element-id="Task_legal_representation"]')).to_contain_text(
        "Represent the victim"
    )
    switch_language(page, "zh")
