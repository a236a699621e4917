"""The TOTP second factor (pyotp) that managers, reviewers and admins must pass at login."""

import pyotp
import segno

from models import Role, User

OVERSIGHT = (Role.MANAGER, Role.REVIEWER, Role.ADMIN)
ISSUER = "Homecoming"


def required(user: User) -> bool:
    """Whether the account must pass a second factor: any oversight role."""
    return any(user.has_role(role) for role in OVERSIGHT)


def new_secret() -> str:
    """A fresh random base32 secret for enrolment."""
    return pyotp.random_base32()


def verify(secret: str | None, code: str) -> bool:
    """Whether `code` is the current (or the neighbouring, for clock drift) code of `secret`."""
    code = (code or "").strip().replace(" ", "")
    return bool(secret) and code.isdigit() and pyotp.TOTP(secret).verify(code, valid_window=1)


def qr_svg(user: User, secret: str) -> str:
    """The enrolment QR code as inline SVG markup (made here: no image service sees the secret)."""
    uri = pyotp.TOTP(secret).provisioning_uri(name=user.username, issuer_name=ISSUER)
    return segno.make(uri, error="m").svg_inline(scale=4, omitsize=False)


def reset(user: User) -> None:
    """Remove the second factor (an admin's recovery): the account enrols again at next login."""
    user.totp_secret = None
