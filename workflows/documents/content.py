"""What a file is, by its bytes: a whole PDF, JPEG or PNG and nothing else hidden in it."""

import re

from .errors import BadFilename, UnsafeContent

# (content type, leading bytes, the extensions a file of that type may carry)
TYPES = (
    ("application/pdf", b"%PDF-", {"pdf"}),
    ("image/jpeg", b"\xff\xd8\xff", {"jpg", "jpeg"}),
    ("image/png", b"\x89PNG\r\n\x1a\n", {"png"}),
)
# Markup a browser or viewer would act on: a polyglot carries it beside a valid header.
ACTIVE = re.compile(
    rb"<\s*(html|script|body|svg|iframe|object|embed|meta|!doctype)|/JavaScript|/JS\b|/Launch"
    rb"|/EmbeddedFile|/RichMedia",
    re.IGNORECASE,
)
PNG_END = b"\x00\x00\x00\x00IEND\xaeB`\x82"
NAME_MAX = 120


def check_filename(name: str) -> str:
    """The name as given if it is a plain file name with an extension, else BadFilename."""
    bad = not name or len(name) > NAME_MAX or not name.isprintable()
    if bad or any(part in name for part in ("/", "\\", "..", ":")) or "." not in name:
        raise BadFilename("a plain file name with an extension, without any path")
    return name


def _ends_cleanly(content_type: str, data: bytes) -> bool:
    """Nothing follows the file's own end (data appended after it makes a polyglot)."""
    if content_type == "image/png":
        return data.endswith(PNG_END)
    if content_type == "image/jpeg":
        return data.rstrip(b"\r\n\x00").endswith(b"\xff\xd9")
    return data.rstrip().endswith(b"%%EOF")


def content_type(name: str, data: bytes) -> str:
    """The file's type by content, if its name's extension says the same; else refused."""
    extension = check_filename(name).rsplit(".", 1)[1].lower()
    for kind, magic, extensions in TYPES:
        if data.startswith(magic):
            if extension not in extensions:
                raise BadFilename(f"a {kind} file must be named .{min(extensions)}")
            if not _ends_cleanly(kind, data) or ACTIVE.search(data):
                raise UnsafeContent("the file holds more than its type allows")
            return kind
    raise UnsafeContent("only PDF, JPEG and PNG files are accepted")
