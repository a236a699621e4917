"""Diagram versions, the pathway versions built from them, and running process instances."""

from datetime import datetime
from typing import ClassVar

from sqlalchemy import Column, ForeignKey, String, Table
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import UTCDateTime, db, utcnow
from .crypto import EncryptedText

pathway_diagrams = Table(
    "pathway_diagrams",
    db.metadata,
    Column("pathway_version_id", ForeignKey("pathway_versions.id"), primary_key=True),
    Column("diagram_version_id", ForeignKey("diagram_versions.id"), primary_key=True),
)


class DiagramVersion(db.Model):
    """One BPMN file's content, stored once by its SHA-256."""

    __tablename__ = "diagram_versions"

    id: Mapped[int] = mapped_column(primary_key=True)
    content_hash: Mapped[str] = mapped_column(String(64), unique=True)
    filename: Mapped[str] = mapped_column(String(200))
    process_id: Mapped[str] = mapped_column(String(100), index=True)
    xml: Mapped[str] = mapped_column(db.Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class PathwayVersion(db.Model):
    """A deployed set of diagrams for one top-level process, with its parsed specs."""

    __tablename__ = "pathway_versions"

    id: Mapped[int] = mapped_column(primary_key=True)
    process_id: Mapped[str] = mapped_column(String(100), index=True)
    content_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # SpiffWorkflow's serialized specs (top process and called processes), stored once here
    # instead of inside every instance's state. Deferred: the engine reads it only when its
    # per-process cache of parsed specs misses, not on every load of an instance.
    spec_json: Mapped[str] = mapped_column(db.Text, deferred=True)
    comment: Mapped[str] = mapped_column(String(500), default="")
    deployed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    deployed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    diagrams: Mapped[list[DiagramVersion]] = relationship(secondary=pathway_diagrams)
    deployed_by = relationship("User", lazy="joined")


class ProcessInstance(db.Model):
    """A case's running workflow: serialized state, optimistic version, next timer due."""

    __tablename__ = "process_instances"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), unique=True)
    pathway_version_id: Mapped[int] = mapped_column(ForeignKey("pathway_versions.id"))
    # Sensitive: holds every form's data, encrypted at rest; read only through the engine and
    # access checks.
    state: Mapped[str] = mapped_column(EncryptedText, info={"sensitive": True})
    version: Mapped[int] = mapped_column(default=1)
    completed: Mapped[bool] = mapped_column(default=False)
    next_timer_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    timer_lease_owner: Mapped[str | None] = mapped_column(String(80))
    timer_lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    pathway_version: Mapped[PathwayVersion] = relationship(lazy="joined")

    __mapper_args__: ClassVar[dict] = {"version_id_col": version}


class DiagramDraft(db.Model):
    """A manager's unfinished edit of one process's diagram, saved even while it has problems."""

    __tablename__ = "diagram_drafts"

    id: Mapped[int] = mapped_column(primary_key=True)
    process_id: Mapped[str] = mapped_column(String(100), unique=True)
    filename: Mapped[str] = mapped_column(String(200))
    xml: Mapped[str] = mapped_column(db.Text)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
