"""What waits to be sent to each peer province: so that a peer down, or refusing what it is
sent, is seen on this deployment's pages instead of leaving a victim's hand-over waiting."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from models import DeliveryStatus, OutgoingAnswer, OutgoingHandover, db


@dataclass
class Backlog:
    """A peer's pending messages: packets and answers, and the last one tried, if any."""

    handovers: int = 0
    answers: int = 0
    last_attempt_at: datetime | None = None
    last_error: str | None = None


def by_peer() -> dict[str, Backlog]:
    """Each peer with pending messages, by code (the messages' columns only: no packet is read
    or decrypted)."""
    waiting: dict[str, Backlog] = {}
    for model, count in ((OutgoingHandover, "handovers"), (OutgoingAnswer, "answers")):
        rows = db.session.execute(
            select(model.receiver, model.last_attempt_at, model.last_error).where(
                model.status == DeliveryStatus.PENDING
            )
        )
        for receiver, tried_at, error in rows:
            backlog = waiting.setdefault(receiver, Backlog())
            setattr(backlog, count, getattr(backlog, count) + 1)
            if tried_at is not None and (
                backlog.last_attempt_at is None or tried_at > backlog.last_attempt_at
            ):
                backlog.last_attempt_at, backlog.last_error = tried_at, error
    return waiting
