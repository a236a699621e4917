"""Who may include which sensitive classes in the row-level export, granted by an administrator.

A grant names one user and one class, says why, and runs out (30 days unless told); an
administrator may revoke it sooner. Only the classes the export's columns declare besides PLAIN
can be granted (`GRANTABLE`): a grant of any other class would carry nothing, so it is refused.
"""

from datetime import datetime, timedelta

from sqlalchemy import select

from forms.export_grants import DEFAULT_DAYS, LONGEST_DAYS
from forms.registry import get_form_class
from forms.sensitivity import Sensitivity, field_classes
from models import ExportGrant, User, db

from .export import EXPORTED_CLASSES, FIELDS, ExportInvalid, stated_purpose

# The export's columns of a class beyond the default one, in the order of the columns.
GRANTABLE = tuple(
    dict.fromkeys(
        field_classes(get_form_class(form))[field]
        for form, field in FIELDS.values()
        if field_classes(get_form_class(form))[field] not in EXPORTED_CLASSES
    )
)


class GrantInvalid(ValueError):
    """A grant that cannot be given: a class the export does not carry, a bad period or reason."""


def grant(
    user: User, classes, reason: str, *, actor: User, now: datetime, days: int = DEFAULT_DAYS
) -> list[ExportGrant]:
    """Let `user` include each of `classes` in row exports for `days` (flushes); GrantInvalid
    for a class the export does not carry, a bad period or reason, or a grant to oneself (a
    second person always decides)."""
    if user.id == actor.id:
        raise GrantInvalid("no one grants themselves")
    wanted = [Sensitivity(value) for value in classes]
    if not wanted or any(value not in GRANTABLE for value in wanted):
        raise GrantInvalid("only the export's sensitive classes can be granted")
    if not 1 <= days <= LONGEST_DAYS:
        raise GrantInvalid(f"a grant lasts 1 to {LONGEST_DAYS} days")
    try:
        reason = stated_purpose(reason)
    except ExportInvalid as error:
        raise GrantInvalid(str(error)) from None
    grants = [
        ExportGrant(
            user_id=user.id,
            sensitivity=value.value,
            reason=reason,
            granted_by_id=actor.id,
            granted_at=now,
            expires_at=now + timedelta(days=days),
        )
        for value in wanted
    ]
    db.session.add_all(grants)
    db.session.flush()
    return grants


def revoke(grant_row: ExportGrant, *, actor: User, now: datetime) -> bool:
    """End a live grant now (flushes); whether it was live."""
    if not grant_row.live(now):
        return False
    grant_row.revoked_at, grant_row.revoked_by_id = now, actor.id
    db.session.flush()
    return True


def live_classes(user: User, now: datetime) -> frozenset[Sensitivity]:
    """The classes `user` may include in an export now, besides the default ones."""
    query = select(ExportGrant.sensitivity).where(
        ExportGrant.user_id == user.id,
        ExportGrant.revoked_at.is_(None),
        ExportGrant.expires_at > now,
    )
    held = {Sensitivity(value) for value in db.session.scalars(query)}
    return frozenset(held & set(GRANTABLE))


def asked_classes(names) -> frozenset[Sensitivity]:
    """The sensitive classes an export form asks for; ExportInvalid for a name the export
    cannot carry (a typo, a forged value, a class no column has)."""
    by_name = {value.value: value for value in GRANTABLE}
    if any(name not in by_name for name in names):
        raise ExportInvalid("an unknown sensitivity class")
    return frozenset(by_name[name] for name in names)


def every_grant() -> list[ExportGrant]:
    """Every grant given, the newest first (the admin's page)."""
    return list(db.session.scalars(select(ExportGrant).order_by(ExportGrant.id.desc())))
