"""Server-side session revocation: a session is good while its account's session version is."""

from models import User


def end_sessions(user: User) -> None:
    """End every session of `user`, on every device and in every copied cookie."""
    user.session_version = (user.session_version or 0) + 1


def session_user(user: User | None, token: str) -> User | None:
    """The account behind a session token `id:version`, if that session was not ended."""
    _, _, version = token.partition(":")
    if user is None or not version.isdigit() or int(version) != user.session_version:
        return None
    return user
