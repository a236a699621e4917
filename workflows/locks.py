"""Locking a case's workflow instance for one step: the rows a step reads under the lock."""

from sqlalchemy import select
from sqlalchemy.orm import joinedload, lazyload
from sqlalchemy.orm.attributes import set_committed_value

from models import Case, HumanTask, PathwayVersion, ProcessInstance, db


def lock_instance(instance_id: int) -> ProcessInstance:
    """The instance row, locked with its case for this transaction (FOR UPDATE; SQLite's
    BEGIN IMMEDIATE)."""
    return lock_with_case(instance_id)[0]


def lock_with_case(instance_id: int) -> tuple[ProcessInstance, Case]:
    """The instance row, locked as by lock_instance, and its case, read in the same statement
    (NoResultFound if there is no such instance).

    The case row is locked too, so that on PostgreSQL a step that waited for the lock reads
    the case as the step before it left it (a joined row not locked keeps the snapshot of
    before the wait). Its pathway version comes without the deployer (a user row with a
    second-factor secret to decrypt), which a step never reads.
    """
    return _locked(_locking().where(ProcessInstance.id == instance_id))


def lock_with_task(task_id: int) -> tuple[ProcessInstance, Case, HumanTask]:
    """A task's instance and case, locked as by lock_with_case, and the task row as it is once
    the lock is held (a colleague's completion may have committed while this one waited),
    in one statement; NoResultFound if there is no such task."""
    return _locked(
        _locking(HumanTask)
        .join(HumanTask, HumanTask.instance_id == ProcessInstance.id)
        .where(HumanTask.id == task_id)
    )


def _locking(*rows):
    """A select of instance, case and `rows`, all locked (FOR UPDATE OF each)."""
    return (
        select(ProcessInstance, Case, *rows)
        .join(Case, Case.id == ProcessInstance.case_id)
        .options(joinedload(ProcessInstance.pathway_version).lazyload(PathwayVersion.deployed_by))
        .with_for_update(of=(ProcessInstance, Case, *rows))
        .execution_options(populate_existing=True)
    )


def _locked(statement):
    """The locking statement's row, its instance with the pathway version it runs on.

    The version is joined, not locked: on PostgreSQL a statement that waited for the lock
    re-reads the locked rows but joins the version as it was before the wait, so an instance
    a migration moved meanwhile comes without one; it is read then, on its own.
    """
    found = db.session.execute(statement).one()
    row = found[0]
    if row.pathway_version is None or row.pathway_version.id != row.pathway_version_id:
        version = db.session.get(
            PathwayVersion, row.pathway_version_id, options=[lazyload(PathwayVersion.deployed_by)]
        )
        set_committed_value(row, "pathway_version", version)
    return found
