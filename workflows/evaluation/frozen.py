"""Freezing an evaluation: every page's figures for a period, computed once, hashed, kept."""

import hashlib
import json
from datetime import date, datetime

from sqlalchemy import select

from models import Evaluation, User, db

from .figures import Filters
from .pages import all_figures

KINDS = ("staged", "final")


class EvaluationInvalid(ValueError):
    """The title, kind or period of a new evaluation is not acceptable."""


def canonical(value) -> str:
    """JSON with sorted keys and no spaces: the same figures always give the same text."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def content_hash(evaluation: Evaluation) -> str:
    """SHA-256 over the evaluation's title, kind, period, author, time and figures."""
    header = {
        "title": evaluation.title,
        "kind": evaluation.kind,
        "period": [evaluation.period_start.isoformat(), evaluation.period_end.isoformat()],
        "created_by": evaluation.created_by_id,
        "created_at": evaluation.created_at.isoformat(timespec="seconds"),
    }
    return hashlib.sha256(f"{canonical(header)}\n{evaluation.figures}".encode()).hexdigest()


def freeze(title: str, kind: str, start: date, end: date, actor: User, now: datetime):
    """Compute every page's figures for the months start..end and store them (flushed)."""
    title = " ".join(title.split())
    if not title.isprintable() or not title or len(title) > 200:
        raise EvaluationInvalid("a title of 1 to 200 printable characters is needed")
    if kind not in KINDS or start > end:
        raise EvaluationInvalid("a title, a kind (staged or final) and a period are needed")
    evaluation = Evaluation(
        title=title,
        kind=kind,
        period_start=start,
        period_end=end,
        created_at=now.replace(microsecond=0),
        created_by_id=actor.id,
        figures=canonical(all_figures(Filters(start=start, end=end), now)),
    )
    evaluation.content_hash = content_hash(evaluation)
    db.session.add(evaluation)
    db.session.flush()
    return evaluation


def figures_of(evaluation: Evaluation) -> dict:
    """The stored figures of every page."""
    return json.loads(evaluation.figures)


def verifies(evaluation: Evaluation) -> bool:
    """Whether the stored figures still match the hash taken when it was frozen."""
    return content_hash(evaluation) == evaluation.content_hash


def evaluations():
    """A select of every evaluation, newest first."""
    return select(Evaluation).order_by(Evaluation.created_at.desc(), Evaluation.id.desc())
