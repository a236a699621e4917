"""Telling people: an in-app notification per user, mailed by the worker when SMTP is set.

An e-mail carries the case number and a link, never anything about the victim: whoever reads
the mailbox learns no more than that a case needs attention. A mail the server does not take
(down, refusing) is tried again with back-off, then given up (logged, by notification id).
Workers claim due mails with a compare-and-set lease, so each is sent by one worker; only a
worker killed between the server's answer and its commit makes one go out twice.
"""

import logging
import smtplib
from datetime import timedelta
from email.message import EmailMessage

from flask import current_app
from flask_babel import force_locale, gettext
from sqlalchemy import select, update

from models import Department, MailStatus, Membership, Notification, Role, User, db

from . import clock
from .errors import N_

log = logging.getLogger(__name__)

FIRST_RETRY = timedelta(minutes=1)
LAST_RETRY = timedelta(hours=1)
MAX_ATTEMPTS = 30  # 5 tries in the first half hour, then hourly for a day; then given up
LEASE = timedelta(minutes=5)  # longer than a batch may take (30 s timeout per attempt)


SUBJECTS = {
    "task_nearly_due": N_("Case %(number)s: a step is nearly due"),
    "task_overdue": N_("Case %(number)s: a step is overdue"),
    "task_escalated": N_("Case %(number)s: a step is overdue twice over"),
    "task_reassigned": N_("Case %(number)s: a step was given to you"),
    "referral_overdue": N_("Case %(number)s: a referral is overdue"),
    "referral_escalated": N_("Case %(number)s: a referral is overdue twice over"),
    # A mailbox is read over shoulders: a subject says a case needs looking at, not what.
    "victim_retrafficked": N_("Case %(number)s: a linked case needs your attention"),
    "handover_refused": N_("Case %(number)s: the other province did not take the hand-over"),
}
# Where a kind of notification sends its reader, when not to the case page (which the reader
# may not be allowed to open).
PAGES = {"victim_retrafficked": "/alerts/retrafficking"}


def members(department_code: str, *roles: Role) -> list[User]:
    """Active users holding one of `roles` in the department."""
    return db.session.scalars(
        select(User)
        .join(Membership, Membership.user_id == User.id)
        .join(Department, Department.id == Membership.department_id)
        .where(Department.code == department_code, Membership.role.in_(roles), User.active)
        .distinct()
    ).all()


def notify(users, kind: str, *, case_id: int, task=None) -> None:
    """One unread notification per user about the case (and one of its tasks), its mail pending
    if they have an address."""
    now = clock.now()
    for user in {u.id: u for u in users}.values():
        mailable = user.email is not None
        db.session.add(
            Notification(
                user_id=user.id,
                case_id=case_id,
                task=task,
                kind=kind,
                mail_status=MailStatus.PENDING if mailable else None,
                mail_next_attempt_at=now if mailable else None,
            )
        )


def backoff(attempts: int) -> timedelta:
    """How long to wait after `attempts` failed tries: doubling from a minute, at most an hour."""
    return min(FIRST_RETRY * 2 ** max(attempts - 1, 0), LAST_RETRY)


def unread_count(user: User) -> int:
    """How many of the user's notifications are unread."""
    query = select(db.func.count()).where(
        Notification.user_id == user.id, Notification.read_at.is_(None)
    )
    return db.session.scalar(query)


def mark_read(user: User, notification_ids: list[int] | None = None) -> None:
    """Mark the user's notifications read (all of them, or those ids); others' are untouched."""
    query = update(Notification).where(
        Notification.user_id == user.id, Notification.read_at.is_(None)
    )
    if notification_ids is not None:
        query = query.where(Notification.id.in_(notification_ids))
    db.session.execute(
        query.values(read_at=clock.now()).execution_options(synchronize_session=False)
    )


def take_mail(limit: int = 50) -> list[tuple[int, EmailMessage]]:
    """Lease up to `limit` notifications whose mail is due; (id, message) of each one won."""
    config = current_app.config
    if not config.get("MAIL_SERVER"):
        return []
    now = clock.now()
    due = (Notification.mail_status == MailStatus.PENDING, Notification.mail_next_attempt_at <= now)
    ids = db.session.scalars(
        select(Notification.id).where(*due).order_by(Notification.mail_next_attempt_at).limit(limit)
    ).all()
    messages = []
    for notification_id in ids:
        won = db.session.execute(
            update(Notification)
            .where(Notification.id == notification_id, *due)
            .values(mail_next_attempt_at=now + LEASE)
            .execution_options(synchronize_session=False)
        )
        if won.rowcount == 1:
            notification = db.session.get(Notification, notification_id)
            messages.append((notification_id, _message(notification, config)))
    return messages


def _message(notification: Notification, config) -> EmailMessage:
    """The e-mail of a notification: the case number and a link, in the user's language."""
    number = notification.case.number
    page = PAGES.get(notification.kind, f"/cases/{number}")
    link = f"{config['BASE_URL'].rstrip('/')}{page}"
    message = EmailMessage()
    with force_locale(notification.user.locale or "zh"):
        message["Subject"] = gettext(SUBJECTS[notification.kind], number=number)
        body = gettext("Please open the case in Homecoming: %(link)s", link=link)
    message["From"], message["To"] = config["MAIL_FROM"], notification.user.email
    message.set_content(body + "\n")
    return message


def send(messages: list[tuple[int, EmailMessage]]) -> int:
    """Hand the messages to the SMTP server; record each as sent, or due again later (or
    given up); returns how many the server took. The caller commits."""
    sent, errors = set(), {}
    config = current_app.config
    try:
        if messages:
            with smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=30) as smtp:
                for notification_id, message in messages:
                    try:
                        smtp.send_message(message)
                        sent.add(notification_id)
                    except (smtplib.SMTPRecipientsRefused, smtplib.SMTPResponseException) as exc:
                        errors[notification_id] = type(exc).__name__
    except (smtplib.SMTPException, OSError) as exc:
        # The worker goes on firing timers; the notifications stay in the app.
        log.warning("mail server refused or unreachable: %s", type(exc).__name__)
        errors = {i: errors.get(i, type(exc).__name__) for i, _ in messages if i not in sent}
    for notification_id, _ in messages:
        _record(db.session.get(Notification, notification_id), notification_id in sent, errors)
    db.session.flush()
    return len(sent)


def _record(notification: Notification, sent: bool, errors: dict) -> None:
    now = clock.now()
    if sent:
        notification.mail_status, notification.mailed_at = MailStatus.SENT, now
        notification.mail_next_attempt_at = None
        return
    notification.mail_attempts += 1
    if notification.mail_attempts < MAX_ATTEMPTS:
        notification.mail_next_attempt_at = now + backoff(notification.mail_attempts)
        return
    notification.mail_status, notification.mail_next_attempt_at = MailStatus.FAILED, None
    log.warning(
        "mail of notification %d given up after %d attempts: %s",
        notification.id,
        notification.mail_attempts,
        errors.get(notification.id, "unknown error"),
    )
