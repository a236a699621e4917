"""A case summary as a PDF for the paper file: what the reader may see, marked confidential.

Every page carries "机密" (confidential) and, in its footer, the case number and the date it
was printed. The answers are `case_summary.readable_steps`: the steps, notes and sensitivity
classes the reader may read, as on the task and case pages ("restricted" for the others).
"""

from datetime import UTC, datetime

from flask_babel import format_datetime
from flask_babel import gettext as _
from fpdf import FPDF

from models import Case, CaseStatus, User

from .access import may_read_victim_name
from .case_summary import readable_steps
from .cjk_font import cjk_font_file
from .templating import department_name, step_title

CONFIDENTIAL = "机密"  # printed in Chinese whatever the reader's language: files are Chinese
FONT = "cjk"


class SummaryPdf(FPDF):
    """A4 pages with the confidentiality mark on top and the case number and date below."""

    def __init__(self, number: str, printed: str):
        super().__init__(format="A4")
        self.number, self.printed = number, printed
        self.add_font(FONT, fname=str(cjk_font_file()))
        self.set_auto_page_break(auto=True, margin=20)
        self.set_title(_("Case summary %(number)s", number=number))

    def _marks(self) -> str:
        word = _("Confidential")
        return CONFIDENTIAL if word == CONFIDENTIAL else f"{CONFIDENTIAL} · {word}"

    def header(self):
        """The confidentiality mark, on every page."""
        self.set_font(FONT, size=10)
        self.set_text_color(160, 0, 0)
        self.cell(0, 6, self._marks(), align="R", new_x="LMARGIN", new_y="NEXT")
        self.set_text_color(0, 0, 0)
        self.ln(2)

    def footer(self):
        """Confidential · case number · date printed · page n of N."""
        self.set_y(-15)
        self.set_font(FONT, size=8)
        page = _("Page %(page)s of %(pages)s", page=self.page_no(), pages="{nb}")
        self.cell(0, 8, f"{CONFIDENTIAL} · {self.number} · {self.printed} · {page}", align="C")


def _facts(case: Case, user: User) -> list[tuple[str, str]]:
    status = _("Open") if case.status == CaseStatus.OPEN else _("Closed")
    facts = [(_("Status"), status), (_("Opened on"), format_datetime(case.opened_at, "short"))]
    if case.closed_at:
        facts.append((_("Closed on"), format_datetime(case.closed_at, "short")))
    if may_read_victim_name(user):
        facts.append((_("Victim's name"), case.victim_name))
    return facts


def _rows(pdf: SummaryPdf, rows, size: int = 10) -> None:
    for label, text in rows:
        pdf.set_font(FONT, size=size - 1)
        pdf.set_text_color(90, 90, 90)
        pdf.multi_cell(0, 5, label, new_x="LMARGIN", new_y="NEXT")
        pdf.set_font(FONT, size=size)
        pdf.set_text_color(0, 0, 0)
        pdf.multi_cell(0, 6, text, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(1)


def case_summary_pdf(case: Case, user: User) -> bytes:
    """The summary of the case as this user may read it (the caller checked and audited)."""
    printed = format_datetime(datetime.now(UTC), "yyyy-MM-dd")
    title = _("Case summary %(number)s", number=case.number)
    who = _("Printed by %(name)s on %(when)s", name=user.display_name, when=printed)
    facts = _facts(case, user)
    steps = [(_heading(step), step.answers) for step in readable_steps(user, case)]
    empty = _("Nothing your department may read has been recorded yet.")
    pdf = SummaryPdf(case.number, printed)
    pdf.add_page()
    pdf.set_font(FONT, size=16)
    pdf.multi_cell(0, 9, title, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FONT, size=9)
    pdf.multi_cell(0, 5, who, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    _rows(pdf, facts)
    if not steps:
        pdf.multi_cell(0, 6, empty)
    for heading, rows in steps:
        pdf.ln(3)
        pdf.set_font(FONT, size=12)
        pdf.multi_cell(0, 7, heading, new_x="LMARGIN", new_y="NEXT")
        _rows(pdf, rows)
    return bytes(pdf.output())


def _heading(step) -> str:
    parts = [step_title(step.form_key), format_datetime(step.recorded_at, "short")]
    if step.department:
        parts.insert(1, department_name(step.department))
    return " · ".join(parts)
