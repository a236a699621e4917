"""The list of every case a user may see: filters, sorting and pages as plain query arguments.

A fixed number of statements per page whatever its size: the count, the page (phase, holder,
waiting time and overdue flag from the ready task rows, never the workflow state), the page's
ready tasks, and one insert auditing every listed case.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from math import ceil

from flask_babel import get_timezone
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import exists, func, insert, select

from forms.choices import COUNTRIES, PROVINCES
from forms.intake import SEXES
from models import DEPARTMENT_CODES, AuditEvent, Case, CaseStatus, Department, HumanTask, User, db
from models import TaskStatus as Status
from workflows import clock
from workflows.service_levels import PROFILES

from . import access
from .casefile import PHASE_NAMES
from .request_checks import plausible_day

PER_PAGE = 50
CLOSED = "closed"
PHASES = tuple(code for code in PHASE_NAMES if code != "case")
AGE_GROUPS = {"child": _l("Child"), "adult": _l("Adult")}
SEX_NAMES = dict(SEXES)
ORIGINS = {p.code: p.name for p in PROVINCES} | {c.code: c.name for c in COUNTRIES}
SORTS = ("opened", "number", "phase", "holder", "waiting", "overdue", "age", "sex", "origin")
MAX_DAYS, MAX_PAGE = 3650, 10_000
# The "cases of my department" tabs: in its hands, waiting on other departments, closed.
OURS = ("open", "waiting", "closed")


class BadListArguments(ValueError):
    """A query argument of the case list that means nothing: answered 400 with the message."""


@dataclass(frozen=True)
class Listing:
    """What the list was asked for, checked."""

    filters: dict[str, str] = field(default_factory=dict)
    sort: str = "opened"
    descending: bool = True
    page: int = 1

    def args(self, **changes) -> dict[str, str]:
        """The query arguments of this listing with `changes` (for links: sort, pages)."""
        args = dict(self.filters, sort=self.sort, dir="desc" if self.descending else "asc")
        args["page"] = str(self.page)
        args.update({key: str(value) for key, value in changes.items()})
        return args


@dataclass
class CaseRow:
    """One listed case as the reader may see it."""

    number: str
    name: str | None
    status: str
    opened_at: datetime
    waiting_since: datetime | None
    overdue: bool
    age_group: str | None
    sex: str | None
    origin: str | None
    phases: list[str] = field(default_factory=list)
    holders: list[str] = field(default_factory=list)


@dataclass
class CasePage:
    """A page of the list."""

    rows: list[CaseRow]
    total: int
    page: int
    pages: int
    show_names: bool
    now: datetime


def _one_of(args, name: str, allowed, message) -> str | None:
    value = args.get(name, "").strip()
    if value and value not in allowed:
        raise BadListArguments(str(message))
    return value or None


def _whole(args, name: str, maximum: int, message) -> int | None:
    value = args.get(name, "").strip()
    if not value:
        return None
    if not value.isascii() or not value.isdigit() or int(value) > maximum:
        raise BadListArguments(str(message))
    return int(value)


def _day(args, name: str) -> date | None:
    value = args.get(name, "").strip()
    if not value:
        return None
    try:
        return plausible_day(value)
    except ValueError:
        raise BadListArguments(_("Enter the opening dates as YYYY-MM-DD.")) from None


def parse(args) -> Listing:
    """The listing the query arguments ask for; BadListArguments names what is wrong."""
    checks = {
        "phase": ((*PHASES, CLOSED), _l("There is no such phase.")),
        "holder": (DEPARTMENT_CODES, _l("There is no such department.")),
        "overdue": (("1",), _l("Overdue is 1 or left out.")),
        "age": (PROFILES, _l("The age group is child or adult.")),
        "sex": (SEX_NAMES, _l("The sex is female or male.")),
        "origin": (ORIGINS, _l("There is no such province or country of origin.")),
        "ours": (OURS, _l("The cases of your department are open, waiting or closed.")),
    }
    filters = {name: _one_of(args, name, *check) for name, check in checks.items()}
    waiting = _whole(args, "waiting", MAX_DAYS, _l("Waiting is a number of days up to 3650."))
    opened_from, opened_to = _day(args, "from"), _day(args, "to")
    if opened_from and opened_to and opened_from > opened_to:
        raise BadListArguments(_("The first opening date comes after the second."))
    filters |= {"waiting": waiting, "from": opened_from, "to": opened_to}
    sort = _one_of(args, "sort", SORTS, _l("The list cannot be sorted that way.")) or "opened"
    direction = _one_of(args, "dir", ("asc", "desc"), _l("The order is asc or desc."))
    page = _whole(args, "page", MAX_PAGE, _l("The page is a number from 1."))
    if page == 0:
        raise BadListArguments(_("The page is a number from 1."))
    chosen = {name: str(value) for name, value in filters.items() if value is not None}
    descending = direction != "asc" if direction else sort == "opened"
    return Listing(chosen, sort, descending, page or 1)


def _ready():
    return (HumanTask.case_id == Case.id) & (HumanTask.status == Status.READY)


def _start_of(day: date) -> datetime:
    """Midnight of the day in the user's time zone (pytz zones need `localize`)."""
    zone, midnight = get_timezone(), datetime.combine(day, time())
    return zone.localize(midnight) if hasattr(zone, "localize") else midnight.replace(tzinfo=zone)


def _filtered(listing: Listing, user: User, now: datetime):
    """The visible cases matching the filters, as a WHERE clause list."""
    f = listing.filters
    where = [Case.id.in_(access.visible_cases(user))]
    if f.get("phase") == CLOSED:
        where.append(Case.status == CaseStatus.CLOSED)
    elif "phase" in f:
        where.append(exists().where(_ready(), HumanTask.process_id == f["phase"]))
    if "holder" in f:
        holder = select(Department.id).where(Department.code == f["holder"]).scalar_subquery()
        where.append(exists().where(_ready(), HumanTask.department_id == holder))
    if "waiting" in f:
        before = now - timedelta(days=int(f["waiting"]))
        where.append(exists().where(_ready(), HumanTask.created_at < before))
    if "overdue" in f:
        where.append(_overdue(now))
    for name, column in (("age", Case.age_group), ("sex", Case.sex), ("origin", Case.origin)):
        if name in f:
            where.append(column == f[name])
    if "ours" in f:
        where += _ours(f["ours"], user)
    if "from" in f:
        where.append(Case.opened_at >= _start_of(date.fromisoformat(f["from"])))
    if "to" in f:
        end = date.fromisoformat(f["to"]) + timedelta(days=1)
        where.append(Case.opened_at < _start_of(end))
    return where


def _ours(which: str, user: User) -> list:
    """The user's departments' cases: in their hands, waiting on others, or closed."""
    if which == "closed":
        return [Case.status == CaseStatus.CLOSED]
    codes = select(Department.id).where(Department.code.in_(user.department_codes()))
    held = exists().where(_ready(), HumanTask.department_id.in_(codes))
    return [Case.status == CaseStatus.OPEN, held if which == "open" else ~held]


def _overdue(now: datetime):
    return exists().where(_ready(), HumanTask.due_at < now)


def _sort_keys(now: datetime) -> dict:
    first = select(func.min(HumanTask.process_id)).where(_ready()).scalar_subquery()
    holder = (
        select(func.min(Department.code))
        .join(HumanTask, HumanTask.department_id == Department.id)
        .where(_ready())
        .scalar_subquery()
    )
    return {
        "opened": Case.opened_at,
        "number": Case.number,
        "phase": first,
        "holder": holder,
        "waiting": select(func.min(HumanTask.created_at)).where(_ready()).scalar_subquery(),
        "overdue": _overdue(now),
        "age": Case.age_group,
        "sex": Case.sex,
        "origin": Case.origin,
    }


def case_page(listing: Listing, user: User) -> CasePage:
    """One page of the cases the user may see, filtered and sorted; each listed case audited."""
    now, names = clock.now(), access.may_read_victim_name(user)
    where = _filtered(listing, user, now)
    total = db.session.scalar(select(func.count(Case.id)).where(*where))
    keys = _sort_keys(now)
    key = keys[listing.sort]
    order = key.desc() if listing.descending else key.asc()
    columns = [Case.id, Case.number, Case.status, Case.opened_at, keys["waiting"], _overdue(now)]
    columns += [Case.age_group, Case.sex, Case.origin]
    # The name is decrypted only for readers of names: for everyone else it is never selected.
    columns += [Case.victim_name] if names else []
    query = (
        select(*columns)
        .where(*where)
        .order_by(order.nulls_last(), Case.id.desc())
        .limit(PER_PAGE)
        .offset((listing.page - 1) * PER_PAGE)
    )
    found = db.session.execute(query).all()
    rows = {r[0]: CaseRow(r[1], r[9] if names else None, r[2], *r[3:9]) for r in found}
    _add_ready_tasks(rows)
    _audit(user, list(rows), listing)
    pages = max(1, ceil(total / PER_PAGE))
    return CasePage(list(rows.values()), total, listing.page, pages, names, now)


def _add_ready_tasks(rows: dict[int, CaseRow]) -> None:
    """The phases and departments of the page's ready tasks, in one statement."""
    if not rows:
        return
    tasks = db.session.execute(
        select(HumanTask.case_id, HumanTask.process_id, Department.code)
        .join(Department, Department.id == HumanTask.department_id)
        .where(HumanTask.case_id.in_(rows), HumanTask.status == Status.READY)
        .order_by(HumanTask.case_id, HumanTask.id)
    )
    for case_id, process_id, code in tasks:
        row = rows[case_id]
        if process_id not in row.phases:
            row.phases.append(process_id)
        if code not in row.holders:
            row.holders.append(code)


def _audit(user: User, case_ids: list[int], listing: Listing) -> None:
    """One audit row per listed case, written in one statement (a listing is a read)."""
    if not case_ids:
        return
    detail = {"filters": listing.filters, "page": listing.page}
    db.session.execute(
        insert(AuditEvent),
        [
            {"actor_id": user.id, "action": "case_listed", "case_id": case_id, "detail": detail}
            for case_id in case_ids
        ],
    )
