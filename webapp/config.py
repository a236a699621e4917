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
    SECRET_KEY = os.environ.get("SECRET_KEY") or secrets.token_hex(32)
    PERMANENT_SESSION_LIFETIME = timedelta(minutes=30)
    MAX_CONTENT_LENGTH = 8 * 1024 * 1024  # no request needs more; a 50 MB upload gets 413
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
    # Bound parameters (names, notes) never appear in SQLAlchemy's error messages or logs.
    SQLALCHEMY_ENGINE_OPTIONS: ClassVar[dict] = {"hide_parameters": True}


class TestConfig(Config):
    """Tests: a throwaway database, no CSRF, follow-up and search timers due after one second."""

    TESTING = True
    SQLALCHEMY_DATABASE_URI = os.environ.get("TEST_DATABASE_URL", "sqlite://")
    SECRET_KEY = "test"
    WTF_CSRF_ENABLED = False
    FOLLOW_UP_INTERVAL = "PT1S"
    SEARCH_REVIEW_INTERVAL = "PT1S"
    DATA_KEY = TEST_DATA_KEY
