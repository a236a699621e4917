"""bpmnlint's recommended rules, run by Node on a diagram: warnings that never block."""

import json
import shutil
import subprocess
from pathlib import Path

from .errors import N_, Problem

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = Path(__file__).with_name("lint.cjs")
TIMEOUT = 20


def lint(data: bytes, filename: str) -> list[Problem]:
    """bpmnlint's findings as warnings (one warning saying so when the linter cannot run)."""
    node = shutil.which("node")
    if node is None or not (ROOT / "node_modules" / "bpmnlint").is_dir():
        return [Problem(filename, None, N_("bpmnlint is not installed: lint skipped"), "warning")]
    try:
        result = subprocess.run(
            [node, str(SCRIPT)], input=data, capture_output=True, timeout=TIMEOUT, check=False
        )
    except subprocess.TimeoutExpired:
        return [Problem(filename, None, N_("bpmnlint took too long: lint skipped"), "warning")]
    if result.returncode != 0:
        reason = result.stderr.decode("utf-8", "replace").strip()[:200]
        return [
            Problem(
                filename,
                None,
                N_("bpmnlint could not read the diagram: %(reason)s"),
                "warning",
                reason=reason,
            )
        ]
    return [
        Problem(filename, item["id"], f"{item['message']} (bpmnlint: {item['rule']})", "warning")
        for item in json.loads(result.stdout)
    ]
