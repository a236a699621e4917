"""The TOTP second factor (pyotp) that managers, reviewers and admins must pass at login.

A code is good once: the account keeps the time step of its last accepted code, and a code of
that step or an earlier one is refused (an overheard or phished code cannot be replayed).
"""

import hmac
from datetime import UTC, datetime

import pyotp
import segno
from sqlalchemy import or_, update

from models import Role, User, db

OVERSIGHT = (Role.MANAGER, Role.REVIEWER, Role.ADMIN)
ISSUER = "Homecoming"


def required(user: User) -> bool:
    """Whether the account must pass a second factor: any oversight role."""
    return any(user.has_role(role) for role in OVERSIGHT)


def new_secret() -> str:
    """A fresh random base32 secret for enrolment."""
    return pyotp.random_base32()


def code_step(secret: str | None, code: str) -> int | None:
    """The time step whose code `code` is: the current one or a neighbour (clock drift)."""
    code = (code or "").strip().replace(" ", "")
    if not secret or not code.isdigit():
        return None
    totp = pyotp.TOTP(secret)
    now = totp.timecode(datetime.now(UTC))
    for step in (now - 1, now, now + 1):
        if hmac.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def accept_once(user: User, step: int) -> bool:
    """Record `step` as the account's last accepted one, if it is later than the last.

    Compare-and-set in one UPDATE: of two logins racing with one code, only one passes.
    """
    changed = db.session.execute(
        update(User)
        .where(
            User.id == user.id,
            or_(User.totp_last_step.is_(None), User.totp_last_step < step),
        )
        .values(totp_last_step=step)
        .execution_options(synchronize_session=False)
    )
    return changed.rowcount == 1


def verify(user: User, code: str, *, secret: str | None = None) -> str:
    """ "accepted" for a valid code of the account's secret (or `secret`) never used before,
    "reused" for a valid one already used (or older than the last used), "wrong" otherwise."""
    step = code_step(secret or user.totp_secret, code)
    if step is None:
        return "wrong"
    return "accepted" if accept_once(user, step) else "reused"


def qr_svg(user: User, secret: str) -> str:
    """The enrolment QR code as inline SVG markup (made here: no image service sees the secret)."""
    uri = pyotp.TOTP(secret).provisioning_uri(name=user.username, issuer_name=ISSUER)
    return segno.make(uri, error="m").svg_inline(scale=4, omitsize=False)


def reset(user: User) -> None:
    """Remove the second factor (an admin's recovery): the account enrols again at next login."""
    user.totp_secret = None
    user.totp_last_step = None
