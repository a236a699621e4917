"""What the evaluation counts about each case, in plain codes, kept beside the encrypted state.

Written when intake and identification complete (workflows/facts.py), so indicators are
grouped counts over these rows and never decrypt a workflow. Codes only: no name, no free
text, no document number; who may read them is decided in webapp/access.py like any figure.
"""

from datetime import date, datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from .base import UTCDateTime, db, utcnow


class CaseFacts(db.Model):
    """One row per case: who the victim is (coarsely) and where the trafficking happened."""

    __tablename__ = "case_facts"

    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), primary_key=True)
    # From intake (case_open).
    report_type: Mapped[str] = mapped_column(String(20))
    reported_on: Mapped[date] = mapped_column(index=True)
    sex: Mapped[str | None] = mapped_column(String(10))
    # The confirmed age once identified, else the estimate at intake; years at the report.
    age: Mapped[int | None]
    origin_country: Mapped[str | None] = mapped_column(String(10))
    origin_province: Mapped[str | None] = mapped_column(String(30))
    # GB/T 2260 codes (forms/htcds.py PLACES): a county of Fujian, a province, or "abroad".
    rescue_place: Mapped[str | None] = mapped_column(String(10), index=True)
    # From identification (rescue_identification); None until identified.
    identified_on: Mapped[date | None]
    trafficking_confirmed: Mapped[bool | None]
    recruiter_relation: Mapped[str | None] = mapped_column(String(20))
    recruitment_place: Mapped[str | None] = mapped_column(String(10))
    exploitation_place: Mapped[str | None] = mapped_column(String(10))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class CaseFactChoice(db.Model):
    """One ticked value of a case's several-answer fact (type of exploitation, means of control)."""

    __tablename__ = "case_fact_choices"
    __table_args__ = (Index("ix_case_fact_choices_fact_code", "fact", "code"),)

    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), primary_key=True)
    # "exploitation_type" or "means_of_control" (workflows/facts.py MULTI_FACTS).
    fact: Mapped[str] = mapped_column(String(30), primary_key=True)
    code: Mapped[str] = mapped_column(String(40), primary_key=True)
