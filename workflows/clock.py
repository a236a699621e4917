"""The time service levels and escalations act on: real time, or moved (tests, rehearsals)."""

from datetime import UTC, datetime, timedelta

from flask import current_app


def now() -> datetime:
    """The current time, moved by CLOCK_OFFSET seconds where the configuration allows it."""
    offset = float(current_app.config.get("CLOCK_OFFSET") or 0)
    return datetime.now(UTC) + timedelta(seconds=offset)
