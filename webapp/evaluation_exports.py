"""A frozen evaluation as CSV, XLSX (openpyxl) and PDF (fpdf2, Noto CJK found at run time), in
the user's language; every count suppressed (k = 11) whoever downloads it."""

import csv
import io
import os
import tempfile
from functools import lru_cache
from pathlib import Path

from flask_babel import gettext as _
from fontTools.ttLib import TTCollection
from fpdf import FPDF
from fpdf.fonts import FontFace
from openpyxl import Workbook
from openpyxl.styles import Font

from models import Evaluation
from workflows.evaluation.frozen import figures_of
from workflows.evaluation.pages import PAGES, suppress

from .evaluation_tables import PAGE_TITLES, TABLES, Table, cell

FONT_DIRS = ("/usr/share/fonts/opentype/noto", "/usr/share/fonts/truetype/noto", "/usr/share/fonts")
FONT_NAMES = ("NotoSansCJK-Regular.ttc", "NotoSansCJKsc-Regular.otf", "NotoSansSC-Regular.otf")


class NoCjkFont(RuntimeError):
    """No Noto CJK font is installed (Debian: apt-get install fonts-noto-cjk)."""


def exported_tables(evaluation: Evaluation) -> list[tuple[str, list[Table]]]:
    """(page title, its tables) for every page, from the stored figures, suppressed."""
    stored = figures_of(evaluation)
    return [(str(PAGE_TITLES[page]), TABLES[page](suppress(page, stored[page]))) for page in PAGES]


def _header(evaluation: Evaluation) -> list[list[str]]:
    return [
        [_("Evaluation"), evaluation.title],
        [_("Period"), f"{evaluation.period_start:%Y-%m} to {evaluation.period_end:%Y-%m}"],
        [_("Created by"), evaluation.created_by.display_name],
        [_("Created at"), evaluation.created_at.isoformat(timespec="seconds")],
        ["SHA-256", evaluation.content_hash],
        [_("Counts of 1 to 10 victims show as “<11”; “*” hides a cell that would reveal one.")],
    ]


def to_csv(evaluation: Evaluation) -> bytes:
    """One line per figure: page, table, row, column, value (UTF-8 with a BOM for Excel)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerows(_header(evaluation))
    writer.writerow([_("Page"), _("Table"), _("Row"), _("Column"), _("Value")])
    for page, tables in exported_tables(evaluation):
        for table in tables:
            for row in table.rows:
                for column, value in zip(table.columns[1:], row[1:], strict=True):
                    writer.writerow([page, table.title, row[0], column, cell(value)])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def to_xlsx(evaluation: Evaluation) -> bytes:
    """A workbook: the evaluation's header, then one sheet per page with its tables."""
    book = Workbook()
    sheet = book.active
    sheet.title = _("Evaluation")[:31]
    for line in _header(evaluation):
        sheet.append(line)
    for page, tables in exported_tables(evaluation):
        sheet = book.create_sheet(page[:31])
        for table in tables:
            sheet.append([table.title])
            sheet.cell(sheet.max_row, 1).font = Font(bold=True)
            sheet.append(table.columns)
            for row in table.rows:
                sheet.append([row[0], *(cell(value) for value in row[1:])])
            sheet.append([])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@lru_cache(maxsize=1)
def cjk_font() -> str:
    """The path of an installed Noto CJK font; from Debian's collection (.ttc, which fpdf2
    does not read) its Simplified Chinese face, written once into the temporary directory."""
    for directory in FONT_DIRS:
        for name in FONT_NAMES:
            found = sorted(Path(directory).rglob(name)) if Path(directory).is_dir() else []
            if found:
                return _single_face(found[0]) if found[0].suffix == ".ttc" else str(found[0])
    raise NoCjkFont("install Debian's fonts-noto-cjk")


def _single_face(collection: Path) -> str:
    target = Path(tempfile.gettempdir()) / f"homecoming-{collection.stem}-sc.otf"
    if not target.exists():
        fonts = TTCollection(str(collection)).fonts
        face = next(
            (f for f in fonts if "SC" in f["name"].getDebugName(1)), fonts[min(2, len(fonts) - 1)]
        )
        partial = target.with_suffix(f".{os.getpid()}.tmp")
        face.save(str(partial))
        partial.replace(target)  # atomic: another worker never reads half a font
    return str(target)


def to_pdf(evaluation: Evaluation) -> bytes:
    """A printable report: header, then per page each table with a bar chart of its first
    count column."""
    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(True, margin=15)
    font = cjk_font()
    pdf.add_font("cjk", fname=font)
    pdf.set_title(evaluation.title)
    pdf.add_page()
    pdf.set_font("cjk", size=16)
    pdf.multi_cell(0, 9, evaluation.title, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("cjk", size=9)
    for line in _header(evaluation)[1:]:
        pdf.multi_cell(0, 5, "  ".join(line), new_x="LMARGIN", new_y="NEXT")
    for page, tables in exported_tables(evaluation):
        pdf.add_page()
        pdf.set_font("cjk", size=14)
        pdf.cell(0, 9, page, new_x="LMARGIN", new_y="NEXT")
        for table in tables:
            _pdf_table(pdf, table)
    return bytes(pdf.output())


def _pdf_table(pdf: FPDF, table: Table) -> None:
    pdf.set_font("cjk", size=11)
    pdf.multi_cell(0, 7, table.title, new_x="LMARGIN", new_y="NEXT")
    if not table.rows:
        pdf.set_font("cjk", size=9)
        pdf.cell(0, 5, _("Nothing to count in this period."), new_x="LMARGIN", new_y="NEXT")
        return
    if table.chart:
        _pdf_bars(pdf, table)
    pdf.set_font("cjk", size=8)
    headings = FontFace(emphasis=None, fill_color=(225, 230, 240))
    with pdf.table(text_align="LEFT", headings_style=headings, line_height=5) as grid:
        grid.row([str(c) for c in table.columns])
        for row in table.rows:
            grid.row([str(row[0]), *(str(cell(v)) for v in row[1:])])
    pdf.ln(3)


def _pdf_bars(pdf: FPDF, table: Table) -> None:
    """Horizontal bars of the first count column (hidden cells draw no bar)."""
    values = [row[1] if isinstance(row[1], int) else 0 for row in table.rows]
    top = max(values, default=0) or 1
    pdf.set_font("cjk", size=7)
    width = pdf.epw - 60
    for row, value in zip(table.rows, values, strict=True):
        if pdf.will_page_break(5):
            pdf.add_page()
        y = pdf.get_y()
        pdf.set_xy(pdf.l_margin, y)
        pdf.cell(45, 4, str(row[0])[:28])
        pdf.set_fill_color(70, 110, 170)
        if value:
            pdf.rect(pdf.l_margin + 46, y + 0.5, width * value / top, 3, style="F")
        pdf.set_xy(pdf.l_margin + 48 + width * value / top, y)
        pdf.cell(12, 4, str(cell(row[1])))
        pdf.set_y(y + 4.5)
    pdf.ln(2)
