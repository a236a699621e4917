"""Why an upload was refused; the web layer answers 400, 413 or 415 and keeps nothing."""

from ..errors import WorkflowError


class DocumentRefused(WorkflowError):
    """An upload that is not kept."""


class BadFilename(DocumentRefused):
    """The name holds a path, control characters, or an extension that is not its type."""


class TooLarge(DocumentRefused):
    """Larger than the configured limit."""


class UnsafeContent(DocumentRefused):
    """Not a PDF, JPEG or PNG by its bytes, or one with something else inside."""
