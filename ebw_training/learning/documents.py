"""Documents a learner takes home: the exercise result (PDF and DOCX) and the certificate (PDF with QR code).

Fonts and the fallback for characters a font lacks come from the shared PDF base (core.pdf).
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import date, datetime

import segno
from flask_babel import gettext as _
from fpdf.enums import XPos, YPos

from ..core.formatting import hours, long_date
from ..core.pdf import new_pdf

BLUE = (21, 66, 115)  # lintblauw
MUTED = (83, 83, 83)
ORGANISATION = "Rijksopleidingsinstituut tegengaan Radicalisering (ROR)"


def dutch_date(value: date | datetime | None) -> str:
    """12 maart 2026 (dates in documents are Dutch, whatever the interface language)."""
    return long_date(value, locale="nl")


class _Writer:
    """Paragraphs and fonts over the shared PDF base (core.pdf)."""

    def __init__(self, orientation: str = "portrait"):
        self.pdf = new_pdf("documents", orientation)
        self.pdf.set_author(ORGANISATION)

    def font(self, size: float, bold: bool = False, colour: tuple[int, int, int] = (27, 27, 27)) -> None:
        self.pdf.set_font(self.pdf.body, "B" if bold else "", size)
        self.pdf.set_text_color(*colour)

    def para(self, value: str, size: float = 11, bold: bool = False, colour=(27, 27, 27), height: float = 6,
             align: str = "L") -> None:
        self.font(size, bold, colour)
        self.pdf.multi_cell(0, height, value or "", align=align, new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    def output(self) -> bytes:
        return bytes(self.pdf.output())


# --------------------------------------------------------------------------------------------------------------
# Exercise result


@dataclass
class ExerciseDocument:
    """What goes into the result document; built by the view from the enrolment and the registry's summary."""

    exercise_title: str
    course_title: str
    module_title: str
    name: str
    municipality: str
    cohort: str
    date: str
    status: str
    rows: list[tuple[str, str]] = field(default_factory=list)
    feedback: str | None = None

    @property
    def filename_stem(self) -> str:
        safe = "".join(ch if ch.isalnum() else "-" for ch in self.exercise_title.lower())
        return "oefening-" + "-".join(part for part in safe.split("-") if part)[:60]

    def meta(self) -> list[tuple[str, str]]:
        return [
            (_("Naam"), self.name),
            (_("Gemeente"), self.municipality),
            (_("Groep"), self.cohort),
            (_("Module"), self.module_title),
            (_("Datum"), self.date),
            (_("Status"), self.status),
        ]


def privacy_note() -> str:
    return _("Deze oefening gaat over je eigen (beleids)interventie of een verzonnen casus. Er staan geen gegevens "
             "in over personen die mogelijk radicaliseren.")


def exercise_pdf(doc: ExerciseDocument) -> bytes:
    writer = _Writer()
    pdf = writer.pdf
    pdf.set_title(doc.exercise_title)
    pdf.set_subject(doc.course_title)
    pdf.set_auto_page_break(auto=True, margin=18)
    pdf.set_margins(20, 18, 20)
    pdf.alias_nb_pages()
    pdf.add_page()
    writer.para(f"EBW Leeromgeving – {ORGANISATION}", size=9, colour=MUTED, height=5)
    writer.para(doc.course_title, size=9, colour=MUTED, height=5)
    pdf.ln(3)
    writer.para(doc.exercise_title, size=17, bold=True, colour=BLUE, height=8)
    pdf.ln(2)
    label_width = 32
    for label, value in doc.meta():
        writer.font(10.5, bold=True)
        pdf.cell(label_width, 6.5, label, new_x=XPos.RIGHT, new_y=YPos.TOP)
        writer.font(10.5)
        pdf.multi_cell(0, 6.5, value or "–", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(4)
    writer.para(_("Je antwoorden"), size=13, bold=True, colour=BLUE, height=7)
    for number, (question, answer) in enumerate(doc.rows, start=1):
        pdf.ln(2)
        writer.para(f"{number}. {question}", size=11, bold=True, height=6)
        writer.para(answer or _("(niet ingevuld)"), size=11, height=6)
    if doc.feedback:
        pdf.ln(4)
        writer.para(_("Feedback van je trainer"), size=13, bold=True, colour=BLUE, height=7)
        writer.para(doc.feedback, size=11, height=6)
    pdf.ln(6)
    writer.para(privacy_note(), size=8.5, colour=MUTED, height=4.5)
    return writer.output()


def new_docx(title: str, subject: str):
    """A Word document with the platform's properties (Dutch, the organisation as author) and body font."""
    from docx import Document
    from docx.shared import Pt

    document = Document()
    core = document.core_properties
    core.title = title
    core.subject = subject
    core.author = ORGANISATION
    core.language = "nl-NL"
    style = document.styles["Normal"]
    style.font.name = "Calibri"
    style.font.size = Pt(11)
    return document


def docx_label_table(document, rows: list[tuple[str, str]]) -> None:
    """A two-column table of bold labels and their values."""
    table = document.add_table(rows=0, cols=2)
    table.style = "Table Grid"
    for label, value in rows:
        cells = table.add_row().cells
        cells[0].text = label
        cells[0].paragraphs[0].runs[0].bold = True
        cells[1].text = value or "–"


def exercise_docx(doc: ExerciseDocument) -> bytes:
    from docx.shared import Pt, RGBColor

    document = new_docx(doc.exercise_title, doc.course_title)
    intro = document.add_paragraph()
    run = intro.add_run(f"EBW Leeromgeving – {ORGANISATION}\n{doc.course_title}")
    run.font.size = Pt(9)
    run.font.color.rgb = RGBColor(*MUTED)
    document.add_heading(doc.exercise_title, level=1)
    docx_label_table(document, doc.meta())
    document.add_heading(_("Je antwoorden"), level=2)
    for number, (question, answer) in enumerate(doc.rows, start=1):
        document.add_heading(f"{number}. {question}", level=3)
        for line in (answer or _("(niet ingevuld)")).split("\n"):
            document.add_paragraph(line)
    if doc.feedback:
        document.add_heading(_("Feedback van je trainer"), level=2)
        for line in doc.feedback.split("\n"):
            document.add_paragraph(line)
    note = document.add_paragraph()
    note_run = note.add_run(privacy_note())
    note_run.font.size = Pt(8.5)
    note_run.font.color.rgb = RGBColor(*MUTED)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


# --------------------------------------------------------------------------------------------------------------
# Certificate


@dataclass
class CertificateDocument:
    name: str
    municipality: str
    course_title: str
    completed_on: str
    study_hours: float
    code: str
    verify_url: str


def hours_text(value: float) -> str:
    return _("%(hours)s uur", hours=hours(value, locale="nl"))


def qr_png(url: str) -> io.BytesIO:
    buffer = io.BytesIO()
    segno.make(url, error="m").save(buffer, kind="png", scale=10, border=4)
    buffer.seek(0)
    return buffer


def certificate_pdf(doc: CertificateDocument) -> bytes:
    writer = _Writer("landscape")
    pdf = writer.pdf
    pdf.set_title(_("Certificaat – %(course)s", course=doc.course_title))
    pdf.set_subject(doc.code)
    pdf.set_auto_page_break(auto=False)
    pdf.set_margins(25, 20, 25)
    pdf.add_page()
    width, height = pdf.w, pdf.h
    pdf.set_draw_color(*BLUE)
    pdf.set_line_width(1.2)
    pdf.rect(10, 10, width - 20, height - 20)
    pdf.set_fill_color(*BLUE)
    pdf.rect(10, 10, width - 20, 6, style="F")
    pdf.set_y(26)
    writer.para(ORGANISATION, size=11, colour=MUTED, align="C")
    pdf.ln(4)
    writer.para(_("Certificaat"), size=30, bold=True, colour=BLUE, height=14, align="C")
    pdf.ln(4)
    writer.para(_("Hierbij verklaren wij dat"), size=12, align="C")
    pdf.ln(2)
    writer.para(doc.name, size=22, bold=True, height=11, align="C")
    if doc.municipality:
        writer.para(_("gemeente %(name)s", name=doc.municipality), size=12, colour=MUTED, align="C")
    pdf.ln(3)
    writer.para(_("de online training heeft afgerond:"), size=12, align="C")
    pdf.ln(1)
    writer.para(doc.course_title, size=16, bold=True, colour=BLUE, height=8, align="C")
    pdf.ln(5)
    left = 40
    pdf.set_x(left)
    for label, value in ((_("Afgerond op"), doc.completed_on), (_("Studiebelasting"), hours_text(doc.study_hours)),
                         (_("Certificaatcode"), doc.code)):
        pdf.set_x(left)
        writer.font(11, bold=True)
        pdf.cell(45, 7, label, new_x=XPos.RIGHT, new_y=YPos.TOP)
        writer.font(11)
        pdf.cell(100, 7, value, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    qr_size = 42
    qr_x, qr_y = width - 25 - qr_size, height - 22 - qr_size - 12
    pdf.image(qr_png(doc.verify_url), x=qr_x, y=qr_y, w=qr_size, h=qr_size,
              alt_text=_("QR-code naar de controlepagina van dit certificaat"))
    pdf.set_xy(qr_x - 40, qr_y + qr_size + 1)
    writer.font(8, colour=MUTED)
    pdf.cell(qr_size + 40, 4, _("Controleer dit certificaat:"), align="R",
             new_x=XPos.LEFT, new_y=YPos.NEXT)
    pdf.set_x(qr_x - 60)
    pdf.cell(qr_size + 60, 4, doc.verify_url, align="R", link=doc.verify_url)
    pdf.set_xy(left, height - 40)
    writer.font(9, colour=MUTED)
    pdf.multi_cell(150, 4.5,
        _("Dit certificaat is uitgegeven door de EBW Leeromgeving van het ROR. Scan de QR-code of open het adres "
          "om te controleren of het echt is."), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    return writer.output()


# --------------------------------------------------------------------------------------------------------------
# Builders: from the records to the document data


def exercise_status_text(status: str | None, requires_review: bool, *, submitted_at: datetime | None = None,
                         reviewed_at: datetime | None = None) -> str:
    """The status of an exercise in words: the one wording for the exercise page, the module page and the result
    document. With the times it says when; without them (the module page) it leaves the date out.

    Every case is one whole sentence for the translators.
    """
    if status is None or status == "draft":
        return _("Concept: nog niet ingeleverd")
    if status == "submitted":
        if submitted_at is not None:
            if requires_review:
                return _("Ingeleverd op %(date)s, wacht op beoordeling", date=dutch_date(submitted_at))
            return _("Ingeleverd op %(date)s", date=dutch_date(submitted_at))
        return _("Ingeleverd, wacht op beoordeling") if requires_review else _("Ingeleverd")
    if status == "approved":
        if reviewed_at is not None:
            return _("Goedgekeurd door de trainer op %(date)s", date=dutch_date(reviewed_at))
        return _("Goedgekeurd door de trainer")
    if status == "returned":
        return _("Teruggegeven door de trainer: pas je antwoorden aan en lever opnieuw in")
    return status


def status_text(answer, requires_review: bool) -> str:
    """The status of a stored exercise answer (or of none), with its dates."""
    if answer is None:
        return exercise_status_text(None, requires_review)
    return exercise_status_text(answer.status, requires_review, submitted_at=answer.submitted_at,
                                reviewed_at=answer.reviewed_at)


def build_exercise_document(enrollment, module, answer, course_title: str) -> ExerciseDocument:
    """The result document of one exercise: who, where, when, and every answer as plain text."""
    from ..content.exercise_kinds import EXERCISE_KINDS

    exercise = module.exercise
    answers = (answer.answers if answer is not None else None) or {}
    rows = EXERCISE_KINDS[exercise.kind].summarise(exercise, answers)
    user = enrollment.user
    when = (answer.submitted_at or answer.saved_at) if answer is not None else None
    return ExerciseDocument(
        exercise_title=exercise.title,
        course_title=course_title,
        module_title=module.title,
        name=user.name,
        municipality=user.municipality.name if user.municipality else "",
        cohort=enrollment.cohort.name,
        date=dutch_date(when),
        status=status_text(answer, module.requires_review),
        rows=rows,
        feedback=(answer.feedback if answer is not None else None) or None,
    )


def build_certificate_document(certificate, enrollment, course_title: str, verify_url: str) -> CertificateDocument:
    user = enrollment.user
    return CertificateDocument(
        name=certificate.holder_name,
        municipality=user.municipality.name if user.municipality else "",
        course_title=course_title,
        completed_on=dutch_date(enrollment.completed_at or certificate.issued_at),
        study_hours=float(certificate.study_hours),
        code=certificate.code,
        verify_url=verify_url,
    )
