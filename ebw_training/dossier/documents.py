"""The evaluation dossier as PDF (with a table of contents and PDF bookmarks) and as DOCX (Word)."""

from __future__ import annotations

import io

from flask_babel import gettext as _
from fpdf.enums import XPos, YPos

from ..learning.documents import MUTED, ORGANISATION, _Writer, docx_label_table, new_docx
from .assemble import Dossier

DARK = (0, 0, 0)  # headings print as black: the dossier must read well on a black-and-white printer


def privacy_line() -> str:
    return _("Dit dossier gaat over een interventie of aanpak, niet over personen. Er staan geen gegevens in over "
             "personen die mogelijk radicaliseren.")


def _sections(dossier: Dossier) -> list[str]:
    return ([_("Beschrijving van de interventie")] + [s.title for s in dossier.sections]
            + [_("Bijlage: bronnen en verder lezen")])


def dossier_pdf(dossier: Dossier) -> bytes:
    writer = _Writer()
    pdf = writer.pdf
    pdf.set_title(f"{dossier.title}: {dossier.intervention_name}" if dossier.intervention_name else dossier.title)
    pdf.set_subject(dossier.course_title)
    pdf.set_auto_page_break(auto=True, margin=18)
    pdf.set_margins(20, 18, 20)
    pdf.add_page()
    writer.para(ORGANISATION, size=9, colour=MUTED, height=5)
    pdf.ln(30)
    writer.para(dossier.title, size=26, bold=True, colour=DARK, height=12)
    writer.para(dossier.intervention_name or _("Interventie nog niet beschreven"), size=16, height=9)
    pdf.ln(8)
    for label, value in dossier.cover_rows():
        writer.font(11, bold=True)
        pdf.cell(50, 7, label, new_x=XPos.RIGHT, new_y=YPos.TOP)
        writer.font(11)
        pdf.multi_cell(0, 7, value or "–", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(6)
    writer.para(_("Training: %(course)s", course=dossier.course_title), size=10, colour=MUTED, height=5)
    if not dossier.complete:
        pdf.ln(2)
        writer.para(_("Dit dossier is nog niet af. Onderdelen die nog open staan, zijn gemarkeerd met 'Nog open'."),
                    size=10, height=5)

    def render_toc(pdf_, outline) -> None:
        writer.para(_("Inhoud"), size=16, bold=True, colour=DARK, height=9)
        pdf_.ln(2)
        for entry in outline:
            writer.font(11)
            pdf_.cell(150, 7, entry.name, link=pdf_.add_link(page=entry.page_number), new_x=XPos.RIGHT,
                      new_y=YPos.TOP)
            pdf_.cell(0, 7, str(entry.page_number), align="R", new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    pdf.add_page()
    pdf.insert_toc_placeholder(render_toc, pages=1)
    titles = iter(_sections(dossier))

    def heading(title: str) -> None:
        pdf.start_section(title, level=0)
        writer.para(title, size=16, bold=True, colour=DARK, height=8)
        pdf.ln(1)

    heading(next(titles))
    if dossier.intervention:
        for label, value in dossier.intervention:
            writer.para(label, size=11, bold=True, height=6)
            writer.para(value, size=11, height=6)
            pdf.ln(1)
    else:
        writer.para(_("Nog open: de interventie is nog niet beschreven."), size=11, height=6)
    for section in dossier.sections:
        pdf.add_page()
        heading(next(titles))
        writer.para(section.module_title, size=10, colour=MUTED, height=5)
        writer.para(section.status, size=11, bold=section.is_open, height=6)
        for note in section.notes:
            writer.para(note, size=10, height=5)
        for number, (question, answer) in enumerate(section.rows, start=1):
            pdf.ln(2)
            writer.para(f"{number}. {question}", size=11, bold=True, height=6)
            writer.para(answer, size=11, height=6)
        if section.agreed_rows:
            pdf.ln(4)
            writer.para(_("Samen met de tweede beoordelaar afgesproken"), size=13, bold=True, colour=DARK, height=7)
            for number, (question, answer) in enumerate(section.agreed_rows, start=1):
                pdf.ln(1)
                writer.para(f"{number}. {question}", size=11, bold=True, height=6)
                writer.para(answer, size=11, height=6)
    pdf.add_page()
    heading(next(titles))
    for module_title, links in dossier.sources:
        pdf.ln(2)
        writer.para(module_title, size=11, bold=True, height=6)
        for text, url in links:
            writer.font(10)
            pdf.multi_cell(0, 5, f"- {text}", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
            writer.font(9, colour=MUTED)
            pdf.multi_cell(0, 4.5, f"  {url}", link=url, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(6)
    writer.para(privacy_line(), size=8.5, colour=MUTED, height=4.5)
    return writer.output()


def dossier_docx(dossier: Dossier) -> bytes:
    document = new_docx(dossier.title, dossier.course_title)
    document.add_paragraph(ORGANISATION)
    document.add_heading(dossier.title, level=0)
    document.add_paragraph(dossier.intervention_name or _("Interventie nog niet beschreven"))
    docx_label_table(document, dossier.cover_rows())
    document.add_paragraph(_("Training: %(course)s", course=dossier.course_title))
    if not dossier.complete:
        document.add_paragraph(_("Dit dossier is nog niet af. Onderdelen die nog open staan, zijn gemarkeerd met "
                                 "'Nog open'."))
    document.add_heading(_("Inhoud"), level=1)
    for title in _sections(dossier):
        document.add_paragraph(title, style="List Number")
    titles = iter(_sections(dossier))
    document.add_page_break()
    document.add_heading(next(titles), level=1)
    if dossier.intervention:
        for label, value in dossier.intervention:
            document.add_heading(label, level=3)
            for line in value.split("\n"):
                document.add_paragraph(line)
    else:
        document.add_paragraph(_("Nog open: de interventie is nog niet beschreven."))
    for section in dossier.sections:
        document.add_page_break()
        document.add_heading(next(titles), level=1)
        document.add_paragraph(section.module_title)
        status = document.add_paragraph().add_run(section.status)
        status.bold = section.is_open
        for note in section.notes:
            document.add_paragraph(note)
        for number, (question, answer) in enumerate(section.rows, start=1):
            document.add_heading(f"{number}. {question}", level=3)
            for line in answer.split("\n"):
                document.add_paragraph(line)
        if section.agreed_rows:
            document.add_heading(_("Samen met de tweede beoordelaar afgesproken"), level=2)
            for number, (question, answer) in enumerate(section.agreed_rows, start=1):
                document.add_heading(f"{number}. {question}", level=3)
                document.add_paragraph(answer)
    document.add_page_break()
    document.add_heading(next(titles), level=1)
    for module_title, links in dossier.sources:
        document.add_heading(module_title, level=2)
        for text, url in links:
            document.add_paragraph(f"{text}: {url}", style="List Bullet")
    document.add_paragraph(privacy_line())
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
