"""Run-time failures of a diagram's rules, turned into RuleFailed without the case's data.

SpiffWorkflow wraps a failing condition or script in a WorkflowTaskException whose message
(and its Python cause's) can carry evaluated values; this script engine raises RuleFailed
instead, naming the element and keeping only the rule's text and the error's type.
"""

from contextlib import contextmanager

from SpiffWorkflow.bpmn.exceptions import WorkflowTaskException
from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine

from .errors import RuleFailed, WorkflowError
from .scripting import RestrictedEnvironment

MAX_RULE_LENGTH = 500


def _error_type(error: Exception) -> str:
    """The Python error's class; for a bound of ours, its message (which holds no data)."""
    cause = error.__cause__
    return type(cause).__name__ if cause is not None else str(error)[:100]


def rule_failed(task, rule: str | None, error_type: str) -> RuleFailed:
    """A RuleFailed naming the element of a SpiffWorkflow task."""
    spec = task.task_spec
    return RuleFailed(
        task.workflow.spec.name,
        spec.bpmn_id or spec.name,
        spec.bpmn_name,
        error_type,
        rule.strip()[:MAX_RULE_LENGTH] if rule else None,
    )


class ReportingScriptEngine(PythonScriptEngine):
    """SpiffWorkflow's script engine on the restricted environment, failing with RuleFailed.

    It remembers the last rule it ran: SpiffWorkflow itself may fail on what a rule returned
    (a timer text that is no date or duration) with a bare exception naming no element.
    """

    def __init__(self):
        super().__init__(environment=RestrictedEnvironment())
        self.last = None

    def evaluate(self, task, expression, external_context=None):
        self.last = (task, expression)
        try:
            return self.environment.evaluate(expression, task.data, external_context)
        except WorkflowError as error:
            raise rule_failed(task, expression, _error_type(error)) from None

    def execute(self, task, script, external_context=None):
        self.last = (task, script)
        try:
            return self.environment.execute(script, task.data, external_context or {})
        except WorkflowError as error:
            raise rule_failed(task, script, _error_type(error)) from None


def script_engine() -> ReportingScriptEngine:
    """A SpiffWorkflow script engine bound to the restricted environment."""
    return ReportingScriptEngine()


@contextmanager
def reported(workflow):
    """Turn SpiffWorkflow's own run-time errors (not raised by a rule of ours) into RuleFailed."""
    workflow.script_engine.last = None
    try:
        yield
    except WorkflowError:
        raise
    except WorkflowTaskException as error:
        raise rule_failed(error.task, None, error.error_type) from None
    except Exception as error:  # SpiffWorkflow refusing what the last rule returned
        last = workflow.script_engine.last
        if last is None:
            raise
        raise rule_failed(*last, type(error).__name__) from None
