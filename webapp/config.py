"""Configuration classes, chosen by the app factory; secrets only from the environment."""

import os
import secrets
from datetime import timedelta
from pathlib import Path
from typing import ClassVar

# Tests only (it is in the repository): their databases are thrown away.
TEST_DATA_KEY = "dGVzdC1vbmx5LWRhdGEta2V5LW5vdC1hLXNlY3JldCE="
INSTANCE = Path(__file__).resolve().parent.parent / "instance"


class Config:
    """Local use: SQLite under instance/, or DATABASE_URL (PostgreSQL in production)."""

    SQLALCHEMY_DATABASE_URI = os.environ.get(
        "DATABASE_URL", f"sqlite:///{INSTANCE / 'homecoming.sqlite'}"
    )
    # A random key per process is only for `make run`: ProductionConfig refuses to start without.
    SECRET_KEY = os.environ.get("SECRET_KEY") or secrets.token_hex(32)
    PERMANENT_SESSION_LIFETIME = timedelta(minutes=30)
    # How long a referral may wait to be accepted, and for its outcome; how long a link lives.
    REFERRAL_ACCEPT_PERIOD = timedelta(
        hours=int(os.environ.get("HOMECOMING_REFERRAL_ACCEPT_HOURS", "72"))
    )
    REFERRAL_OUTCOME_PERIOD = timedelta(
        days=int(os.environ.get("HOMECOMING_REFERRAL_OUTCOME_DAYS", "30"))
    )
    REFERRAL_LINK_LIFETIME = timedelta(
        days=int(os.environ.get("HOMECOMING_REFERRAL_LINK_DAYS", "7"))
    )
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    # A dead pooled connection is replaced before use; parameters (victims' names) stay out
    # of error messages and logs.
    SQLALCHEMY_ENGINE_OPTIONS: ClassVar[dict] = {"pool_pre_ping": True, "hide_parameters": True}
    # Shared by every worker when set; one process's memory otherwise (enough for `make run`).
    RATELIMIT_STORAGE_URI = os.environ.get("REDIS_URL") or "memory://"
    RATELIMIT_KEY_PREFIX = os.environ.get("HOMECOMING_RATELIMIT_PREFIX", "homecoming")
    LOGIN_LIMIT_PER_ACCOUNT = "5 per minute; 20 per hour"
    LOGIN_LIMIT_PER_ADDRESS = "20 per minute; 100 per hour"
    API_RATE_LIMIT = os.environ.get("HOMECOMING_API_RATE_LIMIT", "300 per minute")
    # Enrolled for the demo's oversight accounts only (`make run`, tests); never in production.
    DEMO_TOTP_SECRET = os.environ.get("HOMECOMING_DEMO_TOTP_SECRET", "HOMECOMINGDEMOTOTPSECRET")
    MAX_CONTENT_LENGTH = 8 * 1024 * 1024  # no request needs more; a 50 MB upload gets 413
    # A form's CSRF token lasts as long as its session (which ends after 30 idle minutes), not
    # an hour from when the page was shown: a task page open over lunch still saves.
    WTF_CSRF_TIME_LIMIT = None
    BABEL_DEFAULT_LOCALE = "zh"
    BABEL_DEFAULT_TIMEZONE = os.environ.get("HOMECOMING_TIMEZONE", "Asia/Shanghai")
    BABEL_TRANSLATION_DIRECTORIES = str(Path(__file__).parent / "translations")
    HOME_PROVINCE = os.environ.get("HOMECOMING_PROVINCE", "fujian")
    FOLLOW_UP_INTERVAL = os.environ.get("HOMECOMING_FOLLOW_UP_INTERVAL", "P30D")
    # A child still missing: how often the police review the open search.
    SEARCH_REVIEW_INTERVAL = os.environ.get("HOMECOMING_SEARCH_REVIEW_INTERVAL", "P3D")
    DEMO_PASSWORD = os.environ.get("HOMECOMING_DEMO_PASSWORD", "homecoming-demo")
    # Data keys (models/crypto.py): never in the database; without one the app will not start.
    DATA_KEY = os.environ.get("HOMECOMING_DATA_KEY")
    DATA_KEY_FILE = os.environ.get("HOMECOMING_DATA_KEY_FILE")
    # Seconds added to the clock of service levels and escalations: rehearsals and tests only.
    CLOCK_OFFSET = os.environ.get("HOMECOMING_CLOCK_OFFSET")
    # The Chinese font of printed PDFs (.ttf, .otf or .ttc); else Debian's fonts-noto-cjk.
    PDF_FONT = os.environ.get("HOMECOMING_PDF_FONT")
    # Notifications are mailed through this SMTP server when set (case number and link only).
    MAIL_SERVER = os.environ.get("MAIL_SERVER")
    MAIL_PORT = int(os.environ.get("MAIL_PORT", "25"))
    MAIL_FROM = os.environ.get("MAIL_FROM", "homecoming@localhost")
    # The address links in e-mails point to.
    BASE_URL = os.environ.get("HOMECOMING_BASE_URL", "http://127.0.0.1:5000")
    # Attached files, encrypted with the data key; outside the web root (never under static/).
    DOCUMENTS_DIR = os.environ.get("HOMECOMING_DOCUMENTS_DIR", str(INSTANCE / "documents"))
    DOCUMENT_MAX_BYTES = 5 * 1024 * 1024
    # Rows the timer worker writes of a row-level export between two progress commits.
    ROW_EXPORT_PAGE_ROWS = int(os.environ.get("HOMECOMING_EXPORT_PAGE_ROWS", "500"))
    # This province's Ed25519 key for signing hand-over packets (exchange/signing.py); like the
    # data key, never in the database.
    SIGNING_KEY = os.environ.get("HOMECOMING_SIGNING_KEY")
    SIGNING_KEY_FILE = os.environ.get("HOMECOMING_SIGNING_KEY_FILE")


class ProductionConfig(Config):
    """Production: secrets from the environment or no start, cookies only over HTTPS."""

    SECRET_KEY = os.environ.get("SECRET_KEY")
    SESSION_COOKIE_SECURE = True
    CLOCK_OFFSET = None  # production acts on the real time, whatever the environment says
    PREFERRED_URL_SCHEME = "https"
    # Each entry: the environment variables of which one must be set.
    REQUIRED_SECRETS = (("SECRET_KEY",), ("HOMECOMING_DATA_KEY", "HOMECOMING_DATA_KEY_FILE"))


def config_from_environment() -> type[Config]:
    """ProductionConfig when HOMECOMING_ENV=production, else Config."""
    return ProductionConfig if os.environ.get("HOMECOMING_ENV") == "production" else Config


class TestConfig(Config):
    """Tests: a throwaway database, no CSRF, follow-up and search timers due after one second."""

    TESTING = True
    SQLALCHEMY_DATABASE_URI = os.environ.get("TEST_DATABASE_URL", "sqlite://")
    SECRET_KEY = "test"
    WTF_CSRF_ENABLED = False
    FOLLOW_UP_INTERVAL = "PT1S"
    SEARCH_REVIEW_INTERVAL = "PT1S"
    DATA_KEY = TEST_DATA_KEY
