"""A task's page: what the step is for, what the case holds, its form; claim and release."""

from flask import Blueprint

bp = Blueprint("tasks", __name__, url_prefix="/tasks")


@bp.route("/<int:task_id>")
def show(task_id):
    """Placeholder until the task page lands."""
    raise NotImplementedError


@bp.route("/<int:task_id>/claim", methods=["POST"])
def claim(task_id):
    """Placeholder."""
    raise NotImplementedError


@bp.route("/<int:task_id>/release", methods=["POST"])
def release(task_id):
    """Placeholder."""
    raise NotImplementedError
