"""The four evaluation pages' figures, raw or suppressed, from one place."""

from datetime import datetime

from . import figures, safe_figures
from .figures import Filters

PAGES = ("victims", "pathway", "measures", "departments")


def page_figures(page: str, filters: Filters, now: datetime, *, suppressed: bool):
    """A page's figures; `suppressed`: as they may leave the screen (no case numbers either)."""
    if page == "victims":
        raw = figures.victims(filters)
        return safe_figures.victims(raw) if suppressed else raw
    if page == "pathway":
        raw = figures.pathway(filters, now)
        return safe_figures.pathway(raw) if suppressed else raw
    rows = (
        figures.measures(filters, now) if page == "measures" else figures.departments(filters, now)
    )
    return safe_figures.rows(rows) if suppressed else rows


def all_figures(filters: Filters, now: datetime) -> dict:
    """Every page's raw figures, as a frozen evaluation stores them (no case numbers)."""
    found = {page: page_figures(page, filters, now, suppressed=False) for page in PAGES}
    found["pathway"].pop("waiting_longest", None)
    return found


def suppress(page: str, raw):
    """Stored raw figures of a page, suppressed for export."""
    if page == "victims":
        return safe_figures.victims(raw)
    if page == "pathway":
        return safe_figures.pathway(raw)
    return safe_figures.rows(raw)
