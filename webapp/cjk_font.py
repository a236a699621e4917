"""The Chinese font of printed documents: Debian's Noto CJK (`fonts-noto-cjk`), found at run time.

fpdf2 reads TrueType and OpenType files but not collections (.ttc), which is how Debian ships
Noto CJK: the Simplified Chinese face is copied out of the collection once, into the instance
folder, and used from there. `HOMECOMING_PDF_FONT` names another .ttf, .otf or .ttc.
"""

import os
from pathlib import Path

from flask import current_app
from fontTools.ttLib import TTCollection

SEARCHED = (
    Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"),
    Path("/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc"),
    Path("/usr/share/fonts/truetype/noto/NotoSansCJK-Regular.ttc"),
)
PREFERRED_FACE = "SC"  # Simplified Chinese, as Fujian writes


class CjkFontMissing(RuntimeError):
    """No Chinese font is installed: `apt-get install fonts-noto-cjk` (or set the path)."""


def _source() -> Path:
    configured = current_app.config.get("PDF_FONT")
    candidates = [Path(configured)] if configured else list(SEARCHED)
    for path in candidates:
        if path.is_file():
            return path
    raise CjkFontMissing(
        "no Chinese font for PDFs: install Debian's fonts-noto-cjk "
        f"or set HOMECOMING_PDF_FONT (looked for {', '.join(map(str, candidates))})"
    )


def _face_index(collection: TTCollection) -> int:
    names = [font["name"].getDebugName(1) or "" for font in collection.fonts]
    return next((i for i, name in enumerate(names) if name.endswith(PREFERRED_FACE)), 0)


def _cached(source: Path, suffix: str, make) -> Path:
    """instance/fonts/<source>-<size><suffix>, made by `make(path)` the first time."""
    name = f"{source.stem}-{source.stat().st_size}{suffix}"
    target = Path(current_app.instance_path) / "fonts" / name
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_suffix(f".{os.getpid()}.tmp")
        make(partial)
        partial.replace(target)  # atomic: a concurrent request sees the whole file or none
    return target


def cjk_font_file() -> Path:
    """A .ttf/.otf file with the Chinese glyphs, copied out of a collection the first time."""
    source = _source()
    if source.suffix.lower() != ".ttc":
        return source

    def extract(path: Path) -> None:
        collection = TTCollection(str(source))
        try:
            collection.fonts[_face_index(collection)].save(str(path))
        finally:
            collection.close()

    return _cached(source, ".otf", extract)
