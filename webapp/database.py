"""Engine settings: SQLite under concurrent writers, and surviving a dropped connection."""

from flask import Flask, g
from sqlalchemy import event
from sqlalchemy.exc import DBAPIError

from models import db


def configure_sqlite(engine) -> None:
    """WAL, a busy timeout, foreign keys, and BEGIN IMMEDIATE so writers queue instead of failing.

    pysqlite starts transactions lazily and only for writes; a transaction that read first and
    writes later then fails with "database is locked" under a concurrent writer. Taking the
    write lock at BEGIN serializes them, which is what SQLite can offer.
    """
    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine, "connect")
    def _connect(dbapi_connection, _record):
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        if engine.url.database not in (None, "", ":memory:"):
            cursor.execute("PRAGMA journal_mode=WAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(connection):
        connection.exec_driver_sql("BEGIN IMMEDIATE")


class RetryingFlask(Flask):
    """Flask that serves a request once more when the database connection dropped under it.

    pool_pre_ping catches connections that died while pooled; this catches one that dies
    during a request (a database restart): in loading the user, the view or the commit. The
    request's one transaction was rolled back, so serving it again changes nothing twice.
    """

    def full_dispatch_request(self):
        """Serve the request; on a dropped connection, roll back and serve it once more."""
        try:
            return super().full_dispatch_request()
        except DBAPIError as error:
            if not error.connection_invalidated:
                raise
            db.session.rollback()
            g.pop("_login_user", None)  # Flask-Login's cached user came from the lost connection
            return super().full_dispatch_request()
