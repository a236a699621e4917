"""The harness works: the live server serves the vendored bpmn-js, which renders a diagram."""

from pathlib import Path

import pytest

pytestmark = pytest.mark.e2e

CARE = Path(__file__).resolve().parents[2] / "workflows" / "diagrams" / "care.bpmn"
VENDOR = "/static/vendor/bpmn-js"


def test_vendored_viewer_renders_the_care_diagram(page, live_server, screenshot):
    response = page.goto(f"{VENDOR}/bpmn-js.css")
    assert response is not None
    assert response.status == 200

    errors: list[str] = []

    def console(msg):
        # Chromium asks for /favicon.ico after the CSS above (no route yet): not our page's error.
        if msg.type == "error" and not msg.location.get("url", "").endswith("/favicon.ico"):
            errors.append(f"{msg.text} ({msg.location})")

    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", console)
    page.set_content(
        f"""<!doctype html>
        <html><head>
          <meta charset="utf-8"><link rel="icon" href="data:,">
          <link rel="stylesheet" href="{live_server}{VENDOR}/diagram-js.css">
          <link rel="stylesheet" href="{live_server}{VENDOR}/bpmn-js.css">
          <link rel="stylesheet" href="{live_server}{VENDOR}/bpmn-font/css/bpmn.css">
          <script src="{live_server}{VENDOR}/bpmn-navigated-viewer.production.min.js"></script>
        </head>
        <body style="margin:0"><div id="c" style="width:960px;height:320px"></div></body></html>
        """
    )
    warnings = page.evaluate(
        """async (xml) => {
            const viewer = new BpmnJS({container: '#c'});
            const {warnings} = await viewer.importXML(xml);
            viewer.get('canvas').zoom('fit-viewport', 'auto');
            return warnings.map((w) => w.message);
        }""",
        CARE.read_text(encoding="utf-8"),
    )

    assert warnings == []
    task = page.locator('[data-element-id="Task_care_medical"]')
    task.wait_for(state="visible")
    assert page.locator('[data-element-id="Lane_health"]').count() == 1
    screenshot(page, "smoke-care-diagram")
    assert errors == []
