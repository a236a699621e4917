"""Where a `next` may send the browser: only to a path on this site."""

from urllib.parse import unquote, urlsplit

# Browsers drop these from a URL before they parse it, so `/\t/evil.example` means `//evil…`.
_INVISIBLE = {chr(c) for c in range(0x21)} | {"\x7f"}


def safe_next(target: str | None) -> str | None:
    """`target` if it is a path on this site, else None (absolute, scheme-relative, odd URLs)."""
    if not target or len(target) > 2000 or not target.startswith("/"):
        return None
    if any(char in _INVISIBLE or char == "\\" for char in target):
        return None
    decoded = unquote(target)
    if decoded.startswith(("//", "/\\")) or any(c in _INVISIBLE for c in decoded[:2]):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return None
    return target
