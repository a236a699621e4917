"""Domain errors raised by the engine; the web layer and CLI turn them into answers."""


def N_(text: str) -> str:
    """Mark a text for translation where it is defined; it is translated where it is used."""
    return text


class Message(str):
    """An English text built from a marked template: the web layer translates the template.

    It is the English string itself (the CLI prints it, tests compare it), and keeps the
    template and its values so that `gettext(message.template, **message.params)` gives
    the reader's language.
    """

    template: str
    params: dict

    def __new__(cls, template: str, **params):
        self = super().__new__(cls, template % params if params else template)
        self.template, self.params = template, params
        return self


class WorkflowError(Exception):
    """Base class of every error the engine raises on purpose."""


class TaskNotFound(WorkflowError):
    """No task with that id."""


class TaskAlreadyCompleted(WorkflowError):
    """The task was completed (or cancelled) by someone else first; nothing was changed."""


class NotYourDepartment(WorkflowError):
    """The actor does not belong to the department that owns the task."""


class TaskClaimedByOther(WorkflowError):
    """A colleague holds the task; release it first."""


class FormInvalid(WorkflowError):
    """The submitted data failed the task form's validation; `errors` maps field to messages."""

    def __init__(self, errors: dict[str, list[str]]):
        super().__init__("the form has errors: " + ", ".join(sorted(errors)))
        self.errors = errors


class ScriptRejected(WorkflowError):
    """A condition, timer expression or script uses something the restricted engine forbids."""


class ScriptFailed(WorkflowError):
    """A diagram expression or script raised, or ran past its time or size budget."""


class DiagramInvalid(WorkflowError):
    """A diagram failed its checks; `problems` lists each one."""

    def __init__(self, problems):
        super().__init__("; ".join(str(p) for p in problems))
        self.problems = problems


class WorkflowStuck(WorkflowError):
    """The workflow reached an error state (e.g. a gateway with no matching flow)."""


class RuleFailed(WorkflowStuck):
    """A diagram's condition, timer or script failed at run time; the caller rolls back.

    It names the element and keeps the rule's own text and the error's type, never the
    evaluated values (a Python message such as int()'s quotes the data it was given).
    """

    def __init__(self, process_id, element_id, element_name, error_type, rule=None):
        self.process_id, self.element_id = process_id, element_id
        self.element_name, self.error_type, self.rule = element_name or "", error_type, rule
        self.pathway_version_id = None  # set by the step that ran the rule
        super().__init__(f"{self.element_name or element_id}: {self.detail}")

    @property
    def detail(self) -> str:
        """The error type and the rule that raised it."""
        return f"{self.error_type} in {self.rule!r}" if self.rule else self.error_type


class IncidentResolved(WorkflowError):
    """The incident was already resolved (or does not exist); nothing to retry."""


class UnknownDepartment(WorkflowStuck):
    """A user task's lane names no department: nobody would ever see the task."""


class MigrationRefused(WorkflowError):
    """The case cannot move cleanly; it was left exactly as it was."""


class Problem:
    """One thing wrong with a diagram: the file, the element (if any) and what is wrong."""

    def __init__(
        self, file: str, element: str | None, message: str, severity: str = "error", **params
    ):
        self.file, self.element, self.severity = file, element, severity
        self.message = Message(message, **params)

    def __str__(self):
        where = f"{self.file}: {self.element}" if self.element else self.file
        return f"{where}: {self.message}"

    def __repr__(self):
        return f"Problem({str(self)!r})"


class ServiceLevelInvalid(WorkflowError):
    """A service level with an unknown step, a bad period or a priority outside 0-100."""


class NotDepartmentHead(WorkflowError):
    """Only the head of the task's department reassigns it."""


class NotAColleague(WorkflowError):
    """A task goes only to a social worker of its own department."""


class ConsentInvalid(WorkflowError):
    """A consent answer that cannot be recorded as given (nothing was recorded)."""


class ConsentMissing(WorkflowError):
    """The victim has not given the consent this needs; nothing was sent."""


class ReferralStateInvalid(WorkflowError):
    """The referral cannot move to that status from where it stands (or someone was first)."""


class LinkNotFound(WorkflowError):
    """No referral link with that token: mistyped or forged."""


class LinkSpent(WorkflowError):
    """The link was used already, or has expired."""


class DraftRefused(WorkflowError):
    """A draft is not answers to the task's form (wrong shape, unknown field) or is too large."""


class CaseNotClosed(WorkflowError):
    """Only a closed case can be re-opened; nothing was changed."""


class ReopeningInvalid(WorkflowError):
    """A re-opening without a reason, with too long a reason, or at a phase it cannot start."""
