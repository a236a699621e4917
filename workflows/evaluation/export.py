"""The row-level export for the joint office: one row per consenting case, in HTCDS v2 field names.

Rows hold the plain codes of the case's facts (models/facts.py), never a name, free text or a
document number; the case number is replaced by a keyed pseudonym. Only the fields whose form
declares an exported sensitivity class travel (forms/sensitivity.py `exportable`): places and the
relation to the recruiter stay home unless the user holds a grant (export_grants.py). The timer
worker writes the rows a page at a time (export_jobs.py), so the user sees its progress.
"""

import csv
import hashlib
import hmac
import io
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import Select, func, select, tuple_

from forms.export_grants import PURPOSE_LIMIT
from forms.htcds import EXPLOITATION_TYPES, MEANS_OF_CONTROL, RECRUITER_RELATIONS
from forms.intake import INTAKE_FORM
from forms.registry import get_form_class
from forms.sensitivity import Sensitivity, exportable, field_classes
from models import Case, CaseFactChoice, CaseFacts, db
from models.crypto import keyring

from .. import consent
from ..facts import IDENTIFICATION_FORM, SINGLE_FACTS

PSEUDONYM = "hcd_CasePseudonym"
# The classes an export carries unless the joint office is given more.
EXPORTED_CLASSES = frozenset({Sensitivity.PLAIN})
# HTCDS v2 field (ours: `hcd_`) <- (form, stored field); the fact column is SINGLE_FACTS'.
FIELDS = {
    "hcd_ReportType": (INTAKE_FORM, "report_type"),
    "hcd_ReportDate": (INTAKE_FORM, "report_date"),
    "prs_Gender": (INTAKE_FORM, "sex"),
    "hcd_Age": (IDENTIFICATION_FORM, "age"),
    "prs_Nationality": (INTAKE_FORM, "origin_country"),
    "prs_MailingState": (INTAKE_FORM, "origin_province"),
    "hcd_RescuePlace": (INTAKE_FORM, "rescue_place"),
    "hcd_IdentificationDate": (IDENTIFICATION_FORM, "identification_date"),
    "vic_IsTraffickingVictim": (IDENTIFICATION_FORM, "trafficking_confirmed"),
    "vic_RelationshipToTrafficker": (IDENTIFICATION_FORM, "recruiter_relation"),
    "hcd_RecruitmentPlace": (IDENTIFICATION_FORM, "recruitment_place"),
    "hcd_ExploitationPlace": (IDENTIFICATION_FORM, "exploitation_place"),
    "vic_TypeOfExploitation": (IDENTIFICATION_FORM, "exploitation_types"),
    "vic_MethodsOfControl": (IDENTIFICATION_FORM, "means_of_control"),
}
MULTI = {"exploitation_types": "exploitation_type", "means_of_control": "means_of_control"}
GENDERS = {"female": "Female", "male": "Male"}
HTCDS_VALUES = {
    "exploitation_types": {c.code: c.htcds for c in EXPLOITATION_TYPES},
    "means_of_control": {c.code: c.htcds for c in MEANS_OF_CONTROL},
    "recruiter_relation": {c.code: c.htcds for c in RECRUITER_RELATIONS},
}


class ExportInvalid(ValueError):
    """The export's request is incomplete or malformed (no purpose, a control character)."""


@dataclass(frozen=True)
class ExportRequest:
    """What the joint office asks for: why, and the months of report (inclusive, None: open)."""

    purpose: str
    start: date | None = None
    end: date | None = None
    classes: frozenset[Sensitivity] = EXPORTED_CLASSES


def stated_purpose(text: str | None) -> str:
    """The purpose as stated, trimmed; ExportInvalid if empty, too long or holding a NUL."""
    purpose = (text or "").strip()
    if not purpose:
        raise ExportInvalid("no purpose stated")
    if len(purpose) > PURPOSE_LIMIT or any(ord(ch) < 32 and ch not in "\t\n\r" for ch in purpose):
        raise ExportInvalid("the purpose is too long or holds control characters")
    return purpose


def pseudonym(number: str) -> str:
    """A keyed digest of the case number: the same case gives the same pseudonym, which no one
    turns back into the number without the data key."""
    key = hmac.new(keyring().current.index_key, b"row export", hashlib.sha256).digest()
    return hmac.new(key, number.encode(), hashlib.sha256).hexdigest()[:20]


def header(classes: Iterable[Sensitivity] = EXPORTED_CLASSES) -> list[str]:
    """The CSV's columns: the pseudonym, then each HTCDS field whose class may be exported."""
    allowed = set(classes)
    declared = {form: field_classes(get_form_class(form)) for form in SINGLE_FACTS}
    kept = [name for name, (form, field) in FIELDS.items() if declared[form][field] in allowed]
    return [PSEUDONYM, *kept]


def _month_end(month: date) -> date:
    following = date(month.year + month.month // 12, month.month % 12 + 1, 1)
    return date.fromordinal(following.toordinal() - 1)


def _cases(request: ExportRequest) -> Select:
    query = (
        select(Case, CaseFacts)
        .join(CaseFacts, CaseFacts.case_id == Case.id)
        .where(Case.id.in_(consent.exporting_case_ids()))
    )
    if request.start:
        query = query.where(CaseFacts.reported_on >= request.start)
    if request.end:
        query = query.where(CaseFacts.reported_on <= _month_end(request.end))
    return query


def row_count(request: ExportRequest) -> int:
    """How many rows the export will hold (told on the page before the download)."""
    return db.session.scalar(select(func.count()).select_from(_cases(request).subquery()))


def _stored(facts: CaseFacts, choices: dict[str, list[str]]) -> dict[str, dict]:
    """Each fact form's answers as the form stored them, rebuilt from the fact columns."""
    answers = {form: {} for form in SINGLE_FACTS}
    for form, columns in SINGLE_FACTS.items():
        for column, field in columns.items():
            answers[form][field] = getattr(facts, column)
    for field, fact in MULTI.items():
        answers[IDENTIFICATION_FORM][field] = choices.get(fact, [])
    return answers


def _cell(field: str, value) -> str:
    if value is None:
        return ""
    if field == "sex":
        return GENDERS.get(value, "Unknown")
    if isinstance(value, list):
        return ";".join(sorted(HTCDS_VALUES[field].get(code) or "Other" for code in value))
    if field in HTCDS_VALUES:
        return HTCDS_VALUES[field].get(value) or ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return value.isoformat() if isinstance(value, date) else str(value)


def _row(case: Case, facts: CaseFacts, choices: dict, classes) -> dict[str, str]:
    row = {PSEUDONYM: pseudonym(case.number)}
    for form, answers in _stored(facts, choices).items():
        allowed = exportable(get_form_class(form), answers, classes)
        for name, (field_form, field) in FIELDS.items():
            if field_form == form and field in allowed:
                row[name] = _cell(field, allowed[field])
    return row


def _choices(case_ids: list[int]) -> dict[int, dict[str, list[str]]]:
    """The several-answer facts of a batch of cases, in one query."""
    found: dict[int, dict[str, list[str]]] = {case_id: {} for case_id in case_ids}
    query = select(CaseFactChoice).where(CaseFactChoice.case_id.in_(case_ids))
    for choice in db.session.scalars(query):
        found[choice.case_id].setdefault(choice.fact, []).append(choice.code)
    return found


def page(request: ExportRequest, after: tuple | None, limit: int) -> tuple[list[dict], tuple]:
    """Up to `limit` rows following the row keyed `after` (None: from the first), oldest report
    first, and the key of the last (each page is its own query: a worker commits between)."""
    query = _cases(request).order_by(CaseFacts.reported_on, Case.id).limit(limit)
    if after is not None:
        query = query.where(tuple_(CaseFacts.reported_on, Case.id) > tuple_(*after))
    batch = db.session.execute(query).all()
    choices = _choices([case.id for case, _facts in batch])
    rows = [_row(case, facts, choices[case.id], request.classes) for case, facts in batch]
    return rows, (batch[-1][1].reported_on, batch[-1][0].id) if batch else after


def csv_writer(buffer: io.StringIO, classes: Iterable[Sensitivity]) -> csv.DictWriter:
    """A CSV writer of the export's columns into `buffer`, the header already written."""
    writer = csv.DictWriter(buffer, fieldnames=header(classes), lineterminator="\r\n")
    writer.writeheader()
    return writer
