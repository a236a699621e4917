"""The shipped diagrams open and save unchanged in bpmn-js, the modeler managers use."""

from pathlib import Path

import pytest

pytestmark = pytest.mark.e2e

DIAGRAMS = sorted((Path(__file__).resolve().parents[2] / "workflows" / "diagrams").glob("*.bpmn"))
VENDOR = "/static/vendor/bpmn-js"


@pytest.fixture
def modeler_page(page, live_server):
    """A page of the app's origin with the vendored bpmn-js modeler loaded."""
    page.goto(f"{VENDOR}/bpmn-js.css")
    page.set_content(
        f"""<!doctype html><html><head><meta charset="utf-8"><link rel="icon" href="data:,">
        <script src="{live_server}{VENDOR}/bpmn-modeler.production.min.js"></script></head>
        <body><div id="c" style="width:1200px;height:600px"></div></body></html>"""
    )
    return page


@pytest.mark.parametrize("diagram", DIAGRAMS, ids=[d.stem for d in DIAGRAMS])
def test_diagram_saves_unchanged_in_bpmn_js(modeler_page, live_server, diagram):
    xml = diagram.read_text(encoding="utf-8")
    result = modeler_page.evaluate(  # the camunda extension, as Camunda Modeler has it
        """async ([xml, moddle]) => {
            const camunda = await (await fetch(moddle)).json();
            const modeler = new BpmnJS({container: '#c', moddleExtensions: {camunda}});
            const {warnings} = await modeler.importXML(xml);
            const {xml: saved} = await modeler.saveXML({format: true});
            return {warnings: warnings.map((w) => w.message), saved};
        }""",
        [xml, f"{live_server}{VENDOR}/camunda-moddle.json"],
    )
    assert result["warnings"] == []
    assert result["saved"].strip() == xml.strip()
