"""Telling people: an in-app notification per user, mailed by the worker when SMTP is set.

An e-mail carries the case number and a link, never anything about the victim: whoever reads
the mailbox learns no more than that a case needs attention.
"""

import logging
import smtplib
from email.message import EmailMessage

from flask import current_app
from flask_babel import force_locale, gettext
from sqlalchemy import select, update

from models import Department, Membership, Notification, Role, User, db

from . import clock
from .errors import N_

log = logging.getLogger(__name__)


SUBJECTS = {
    "task_nearly_due": N_("Case %(number)s: a step is nearly due"),
    "task_overdue": N_("Case %(number)s: a step is overdue"),
    "task_escalated": N_("Case %(number)s: a step is overdue twice over"),
    "task_reassigned": N_("Case %(number)s: a step was given to you"),
}


def members(department_code: str, *roles: Role) -> list[User]:
    """Active users holding one of `roles` in the department."""
    return db.session.scalars(
        select(User)
        .join(Membership, Membership.user_id == User.id)
        .join(Department, Department.id == Membership.department_id)
        .where(Department.code == department_code, Membership.role.in_(roles), User.active)
        .distinct()
    ).all()


def notify(users, kind: str, task) -> None:
    """One unread notification per user about `task`."""
    for user in {u.id: u for u in users}.values():
        db.session.add(Notification(user_id=user.id, case_id=task.case_id, task=task, kind=kind))


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


def take_mail(limit: int = 50) -> list[EmailMessage]:
    """Claim up to `limit` unsent notifications for mailing (each at most once) as messages."""
    config = current_app.config
    if not config.get("MAIL_SERVER"):
        return []
    ids = db.session.scalars(
        select(Notification.id)
        .join(User, User.id == Notification.user_id)
        .where(Notification.mailed_at.is_(None), User.email.is_not(None))
        .order_by(Notification.id)
        .limit(limit)
    ).all()
    messages = []
    for notification_id in ids:
        claimed = db.session.execute(
            update(Notification)
            .where(Notification.id == notification_id, Notification.mailed_at.is_(None))
            .values(mailed_at=clock.now())
            .execution_options(synchronize_session=False)
        )
        if claimed.rowcount == 1:
            messages.append(_message(db.session.get(Notification, notification_id), config))
    return messages


def _message(notification: Notification, config) -> EmailMessage:
    """The e-mail of a notification: the case number and a link, in the user's language."""
    number = notification.case.number
    link = f"{config['BASE_URL'].rstrip('/')}/cases/{number}"
    message = EmailMessage()
    with force_locale(notification.user.locale or "zh"):
        message["Subject"] = gettext(SUBJECTS[notification.kind], number=number)
        body = gettext("Please open the case in Homecoming: %(link)s", link=link)
    message["From"], message["To"] = config["MAIL_FROM"], notification.user.email
    message.set_content(body + "\n")
    return message


def send(messages: list[EmailMessage]) -> None:
    """Hand the messages to the SMTP server of the configuration."""
    if not messages:
        return
    config = current_app.config
    try:
        with smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=30) as smtp:
            for message in messages:
                smtp.send_message(message)
    except (smtplib.SMTPException, OSError) as exc:
        # The worker goes on firing timers; the notifications stay in the app.
        log.warning("mail server refused or unreachable: %s", type(exc).__name__)
