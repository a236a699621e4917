"""Notifications: the in-app list and its unread count, and e-mail through a real local SMTP
server (aiosmtpd) sent by the timer worker, carrying the case number and a link only."""

import logging
import socket
from email.header import decode_header, make_header

from aiosmtpd.controller import Controller
from sqlalchemy import select, update

from models import MailStatus, Notification, User, db
from tests.conftest import Inbox
from workflows import engine, notifications


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _subject(message) -> str:
    return str(make_header(decode_header(message["Subject"])))


def _nearly_due(open_case, name="Lin Xiaomei"):
    case = open_case(name, age=9)
    task = db.session.scalars(engine.open_tasks(case)).one()
    return case, task, (task.due_at - task.created_at).total_seconds() * 0.85


def test_the_worker_mails_case_number_and_link_only(open_case, run_workers, smtp):
    """Each police social worker gets one mail in their language; no name, age or step."""
    port, received = smtp
    db.session.execute(update(User).filter_by(username="police_head").values(locale="en"))
    case, task, near = _nearly_due(open_case)
    db.session.commit()
    mail = {"MAIL_SERVER": "127.0.0.1", "MAIL_PORT": str(port)}
    try:
        run_workers(near, **mail)
        run_workers(near, **mail)  # nothing is mailed twice
    finally:
        db.session.execute(update(User).values(locale="zh"))
        db.session.commit()
    by_recipient = {m["To"]: m for m in received}
    assert len(received) == 2
    assert set(by_recipient) == {"police@homecoming.example", "police_head@homecoming.example"}
    english, chinese = (
        by_recipient["police_head@homecoming.example"],
        by_recipient["police@homecoming.example"],
    )
    assert _subject(english) == f"Case {case.number}: a step is nearly due"
    assert _subject(chinese) == f"案件 {case.number}：有一个步骤即将到期"  # noqa: RUF001
    for message in received:
        text = _subject(message) + message.get_content()
        assert f"http://127.0.0.1:5000/cases/{case.number}" in text
        for secret in ("Lin", "Xiaomei", "9", task.name, "identification", "身份"):
            assert secret not in text.replace(case.number, "").replace("5000", "")
    assert (
        db.session.scalar(
            select(db.func.count()).where(
                Notification.mailed_at.is_(None), Notification.case_id == case.id
            )
        )
        == 0
    )


def test_without_smtp_nothing_is_mailed_and_the_list_shows_it(
    open_case, run_workers, login, client
):
    """No MAIL_SERVER: notifications stay in the app; the header counts them until read."""
    case, _, near = _nearly_due(open_case)
    db.session.commit()
    run_workers(near, count=1)
    assert db.session.scalars(select(Notification.mailed_at)).all() == [None, None]
    login("police", locale="en")
    page = client.get("/notifications/").get_data(as_text=True)
    assert case.number in page and "A step is nearly due" in page
    assert 'class="badge" aria-label="unread">1<' in page
    client.post("/notifications/read")
    page = client.get("/notifications/").get_data(as_text=True)
    assert 'class="badge"' not in page and case.number in page


def test_marking_read_touches_only_ones_own(open_case, run_workers, login, client):
    """Another user's notification id changes nothing of theirs, an id that is no number
    changes nothing at all (it is not "mark all"); zh labels show."""
    case, _, near = _nearly_due(open_case)
    db.session.commit()
    run_workers(near, count=1)
    theirs = db.session.scalar(
        select(Notification.id)
        .join(User, User.id == Notification.user_id)
        .filter(User.username == "police_head")
    )
    login("police")
    client.post("/notifications/read", data={"id": str(theirs)})
    for hostile in ("not-a-number", str(2**63)):
        assert client.post("/notifications/read", data={"id": hostile}).status_code == 400
    db.session.rollback()
    assert db.session.scalars(select(Notification.read_at)).all() == [None, None]
    page = client.get("/notifications/").get_data(as_text=True)
    assert "有一个步骤即将到期" in page and case.number in page


def test_an_unreachable_mail_server_stops_no_worker(open_case, run_workers):
    """Nothing listens on the mail port: the worker still climbs the ladder and exits cleanly."""
    _, task, near = _nearly_due(open_case)
    db.session.commit()
    closed_port = _free_port()
    run_workers(near, count=1, MAIL_SERVER="127.0.0.1", MAIL_PORT=str(closed_port))
    kinds = db.session.scalars(select(Notification.kind).filter_by(task_id=task.id)).all()
    assert kinds == ["task_nearly_due", "task_nearly_due"]


def _mails(case) -> list[tuple]:
    db.session.expire_all()
    return db.session.execute(
        select(Notification.mail_status, Notification.mail_attempts, Notification.mailed_at)
        .filter_by(case_id=case.id)
        .order_by(Notification.id)
    ).all()


def test_a_mail_the_server_missed_arrives_once_when_it_is_back(open_case, run_workers):
    """The mail server is down when the reminders go out: the mails wait. Started later, four
    workers past the back-off deliver each exactly once; a later run sends nothing more."""
    port = _free_port()
    mail = {"MAIL_SERVER": "127.0.0.1", "MAIL_PORT": str(port)}
    case, task, near = _nearly_due(open_case)
    assert (task.due_at - task.created_at).total_seconds() * 0.15 > 300  # no overdue rung below
    db.session.commit()
    run_workers(near, count=1, **mail)
    assert [(status, attempts) for status, attempts, _ in _mails(case)] == [
        (MailStatus.PENDING, 1),
        (MailStatus.PENDING, 1),
    ]
    handler = Inbox()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        run_workers(near, count=1, **mail)  # back, but the next try is a minute after the first
        assert handler.messages == []
        run_workers(near + 61, **mail)
        run_workers(near + 200, count=1, **mail)
    finally:
        controller.stop()
    assert sorted(m["To"] for m in handler.messages) == [
        "police@homecoming.example",
        "police_head@homecoming.example",
    ]
    rows = _mails(case)
    assert [(status, attempts) for status, attempts, _ in rows] == [(MailStatus.SENT, 1)] * 2
    assert None not in [mailed_at for *_, mailed_at in rows]


def test_a_mail_that_never_gets_through_is_given_up_and_logged(
    app, open_case, users, monkeypatch, caplog
):
    """Thirty tries over a day (a mail server down for hours loses nothing), each after a
    longer wait up to an hour; then the mail is given up, logged by its id only."""
    caplog.set_level(logging.WARNING, logger="workflows.notifications")
    monkeypatch.setitem(app.config, "MAIL_SERVER", "127.0.0.1")
    monkeypatch.setitem(app.config, "MAIL_PORT", str(_free_port()))
    case, task, _ = _nearly_due(open_case, name="Zhou Yan")
    notifications.notify([users["police"]], "task_nearly_due", case_id=task.case_id, task=task)
    db.session.commit()
    offset = 0.0
    for attempt in range(1, notifications.MAX_ATTEMPTS + 1):
        monkeypatch.setitem(app.config, "CLOCK_OFFSET", offset)
        taken = notifications.take_mail()
        assert len(taken) == 1 and notifications.take_mail() == []  # leased to this worker
        assert notifications.send(taken) == 0
        db.session.commit()
        offset += notifications.backoff(attempt).total_seconds() + 1
    monkeypatch.setitem(app.config, "CLOCK_OFFSET", offset + 86400)
    assert notifications.take_mail() == []
    (status, attempts, mailed_at) = _mails(case)[0]
    assert (status, attempts, mailed_at) == (MailStatus.FAILED, notifications.MAX_ATTEMPTS, None)
    given_up = [r.getMessage() for r in caplog.records if "given up" in r.getMessage()]
    assert len(given_up) == 1 and "after 30 attempts" in given_up[0]
    assert offset > 86400  # the last try came a day after the first
    for line in (r.getMessage() for r in caplog.records):
        assert "Zhou" not in line and case.number not in line and "police@" not in line
