"""Row-level exports prepared in the background by the timer worker, with their progress.

The joint office asks (`request_export`); the worker claims the oldest export waiting (`claim`,
a lease), writes it a page at a time and commits the count after each page, so the user's page
shows the progress; then it stores the CSV encrypted under the data key
(workflows/documents/store.py) for one download within `KEPT` (`take`). A worker that dies
mid-export stops renewing its lease and another writes the export again from the first row.
Files not downloaded in time are deleted (`expire`).
"""

import io
import logging
import time
from datetime import UTC, datetime, timedelta

from cryptography.exceptions import InvalidTag
from sqlalchemy import and_, or_, select, update

from forms.sensitivity import Sensitivity
from models import ConsentEntry, ConsentPurpose, ExportStatus, RowExport, User, db
from models.crypto import MissingDataKey

from .. import clock
from ..documents import store
from .export import ExportRequest, csv_writer, page, row_count

logger = logging.getLogger(__name__)
# A lease is wall time (datetime.now), as every worker's lease is; when an export was asked,
# and when its file runs out, are on the app's clock (workflows.clock), as the rest of casework.
LEASE = timedelta(minutes=2)
KEPT = timedelta(hours=24)
# The pause after each page's commit: on SQLite every transaction takes the one write lock,
# and a worker retaking it at once would keep the user's progress poll (and casework) waiting.
BREATH = 0.01


class ExportGone(LookupError):
    """The export was downloaded already, or expired: its file is deleted."""


class ConsentWithdrawn(ExportGone):
    """A victim withdrew consent to row exports after the export was asked, so its file may
    hold their row: it is deleted, and the export must be asked again."""


def request_export(asked: ExportRequest, actor: User, now: datetime) -> RowExport:
    """Queue the export for the worker, with the number of rows it will hold (flushes)."""
    job = RowExport(
        user_id=actor.id, purpose=asked.purpose, start=asked.start, end=asked.end,
        classes=sorted(value.value for value in asked.classes), rows_total=row_count(asked),
        requested_at=now,
    )  # fmt: skip
    db.session.add(job)
    db.session.flush()
    return job


def export_request(job: RowExport) -> ExportRequest:
    """What the export was asked for."""
    classes = frozenset(Sensitivity(value) for value in job.classes)
    return ExportRequest(job.purpose, job.start, job.end, classes)


def _claimable(now: datetime):
    stalled = and_(RowExport.status == ExportStatus.RUNNING, RowExport.lease_until < now)
    return or_(RowExport.status == ExportStatus.QUEUED, stalled)


def claim(now: datetime) -> RowExport | None:
    """Lease the oldest export waiting (or whose worker stopped renewing); None if none."""
    candidate = db.session.scalar(
        select(RowExport.id).where(_claimable(now)).order_by(RowExport.id).limit(1)
    )
    if candidate is None:
        return None
    won = db.session.execute(
        update(RowExport)
        .where(RowExport.id == candidate, _claimable(now))
        .values(status=ExportStatus.RUNNING, lease_until=now + LEASE, rows_written=0)
        .execution_options(synchronize_session=False)
    ).rowcount
    return db.session.get(RowExport, candidate, populate_existing=True) if won == 1 else None


def _renew(job_id: int, lease: datetime, **values) -> datetime | None:
    """Record progress if the lease is still ours (compare-and-set); the new lease, or None."""
    renewed = datetime.now(UTC) + LEASE
    won = db.session.execute(
        update(RowExport)
        .where(RowExport.id == job_id, RowExport.lease_until == lease)
        .values(lease_until=renewed, **values)
        .execution_options(synchronize_session=False)
    ).rowcount
    return renewed if won == 1 else None


def write(job: RowExport, commit, page_rows: int) -> bool:
    """Write the leased export a page at a time (committing the count after each), then store
    it for download; whether it was stored (False: another worker took the lease over)."""
    job_id, lease, asked = job.id, job.lease_until, export_request(job)
    buffer = io.StringIO()
    writer = csv_writer(buffer, asked.classes)
    after, written = None, 0
    while True:
        rows, after = page(asked, after, page_rows)
        writer.writerows(rows)
        written += len(rows)
        lease = _renew(job_id, lease, rows_written=written)
        commit()
        if lease is None:
            return False
        if len(rows) < page_rows:
            break
        time.sleep(BREATH)
    name = store.save(buffer.getvalue().encode())
    ready = dict(status=ExportStatus.READY, storage_name=name, rows_total=written)
    if _renew(job_id, lease, expires_at=clock.now() + KEPT, **ready) is None:
        store.remove(name)
        return False
    commit()
    return True


def status_now(job: RowExport, now: datetime) -> ExportStatus:
    """The export's status as its user sees it: expired once its file ran out, even before
    the worker deletes the file."""
    if job.status == ExportStatus.READY and job.expires_at <= now:
        return ExportStatus.EXPIRED
    return job.status


def is_gone(job: RowExport, now: datetime) -> bool:
    """Whether the export's file was downloaded or ran out."""
    return status_now(job, now) in (ExportStatus.DOWNLOADED, ExportStatus.EXPIRED)


def take(job: RowExport, now: datetime) -> bytes:
    """The export's CSV, once: marked downloaded and its file deleted (flushes); ExportGone if
    it is not ready, was downloaded already or expired, or its file is lost (marked expired)."""
    if status_now(job, now) != ExportStatus.READY:
        raise ExportGone(job.id)
    name = job.storage_name
    if _consent_withdrawn_since(job.requested_at):
        _mark(job, ExportStatus.EXPIRED, None)
        store.remove(name)
        raise ConsentWithdrawn(job.id)
    try:
        data = store.load(name)
    except (FileNotFoundError, MissingDataKey, InvalidTag):  # lost, its key gone, or changed
        logger.warning("row export %s cannot be read back", job.id)
        data = None
    done = ExportStatus.DOWNLOADED if data is not None else ExportStatus.EXPIRED
    if not _mark(job, done, now if data else None) or data is None:
        raise ExportGone(job.id)
    store.remove(name)
    return data


def _mark(job: RowExport, status: ExportStatus, downloaded_at: datetime | None) -> bool:
    """Compare-and-set a ready export to `status`, its file forgotten; whether it was ready."""
    won = db.session.execute(
        update(RowExport)
        .where(RowExport.id == job.id, RowExport.status == ExportStatus.READY)
        .values(status=status, downloaded_at=downloaded_at, storage_name=None)
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.refresh(job)
    return won == 1


def _consent_withdrawn_since(moment: datetime) -> bool:
    """Whether any victim withdrew (or refused) consent to row exports since `moment`."""
    withdrawn = select(ConsentEntry.id).where(
        ConsentEntry.purpose == ConsentPurpose.ROW_EXPORT,
        ConsentEntry.given.is_(False),
        ConsentEntry.recorded_at >= moment,
    )
    return db.session.scalar(withdrawn.limit(1)) is not None


def expire(now: datetime) -> int:
    """Delete the files of exports not downloaded in time (flushes); how many."""
    late = select(RowExport).filter_by(status=ExportStatus.READY).where(RowExport.expires_at <= now)
    jobs = db.session.scalars(late).all()
    for job in jobs:
        store.remove(job.storage_name)
        job.status, job.storage_name = ExportStatus.EXPIRED, None
    db.session.flush()
    return len(jobs)


def prepare_due(commit, rollback, page_rows: int) -> int:
    """The timer worker's chore: expire old files, then write every export waiting; how many
    files it expired and exports it took (the worker is idle only when this is 0).

    An export that fails (a full or unwritable disk, a missing key, a bug) is logged and marked
    failed, so it does not stop the worker's timers by failing again at every round."""
    done = expire(clock.now())
    commit()
    while (job := claim(datetime.now(UTC))) is not None:
        commit()
        job_id = job.id
        try:
            write(job, commit, page_rows)
        except Exception:  # one export's failure must not stop the worker's other duties
            rollback()
            logger.exception("row export %s failed", job_id)
            db.session.execute(
                update(RowExport)
                .where(RowExport.id == job_id)
                .values(status=ExportStatus.FAILED, lease_until=None)
            )
            commit()
        done += 1
    return done


def jobs_of(user: User, limit: int = 10) -> list[RowExport]:
    """The user's latest exports, the newest first."""
    query = select(RowExport).filter_by(user_id=user.id).order_by(RowExport.id.desc())
    return list(db.session.scalars(query.limit(limit)))
