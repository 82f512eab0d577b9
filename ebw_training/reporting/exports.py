"""Export writers: pure functions from rows to CSV, XLSX, PDF and ZIP bytes (no database here).

The column lists are the contract of DESIGN.md section 5; docs/exports.md documents every
column, format and figure. Each column has a kind that decides how a value is written:

- text: free text typed by people; in CSV a leading = + - @ (or tab/CR) gets a ' in front so a
  spreadsheet never runs it as a formula; in XLSX it is always stored as text.
- code: values the platform makes itself (CBS codes, pseudonyms, statuses, certificate codes).
- int, dec1, dec2: numbers; in CSV without thousands separators, with a decimal dot and a fixed
  number of decimals (1 or 2); in XLSX as numbers.
- date: a calendar date, ISO YYYY-MM-DD in CSV and a date cell (yyyy-mm-dd) in XLSX.
An unknown value (None) is an empty cell.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from typing import IO, Any

from ..core.formatting import number, round_half_up, short_date
from ..core.pdf import BasePDF, new_pdf
from ..timeutil import local_date

COMPLETION_COLUMNS: tuple[tuple[str, str], ...] = (
    ("gemeente_code", "code"),
    ("gemeente_naam", "text"),
    ("financierende_gemeente_code", "code"),
    ("financieringsjaar", "int"),
    ("financieringskenmerk", "text"),
    ("cohort", "text"),
    ("trainers", "text"),
    ("deelnemer_id", "code"),
    ("naam", "text"),
    ("email", "text"),
    ("functie", "code"),
    ("ingeschreven_op", "date"),
    ("gestart_op", "date"),
    ("laatst_actief_op", "date"),
    ("modules_afgerond", "int"),
    ("modules_totaal", "int"),
    ("quiz_gemiddelde", "dec1"),
    ("oefeningen_ingeleverd", "int"),
    ("contacturen_aanwezig", "dec2"),
    ("studiebelasting_uren", "dec2"),
    ("status", "code"),
    ("afgerond_op", "date"),
    ("certificaatcode", "code"),
)

SUMMARY_COLUMNS: tuple[tuple[str, str], ...] = (
    ("gemeente_code", "code"),
    ("gemeente_naam", "text"),
    ("financieringsjaar", "int"),
    ("ingeschreven", "int"),
    ("gestart", "int"),
    ("afgerond", "int"),
    ("afrondingspercentage", "dec1"),
    ("studiebelasting_uren", "dec2"),
    ("contacturen", "dec2"),
)

BOM = "\ufeff".encode()
CSV_DELIMITER = ";"
CSV_LINE_END = "\r\n"
CHUNK_ROWS = 1000
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


# --- CSV ---------------------------------------------------------------------------------------------


def _csv_text(value: Any) -> Any:
    if value and value[0] in _FORMULA_STARTS:
        return "'" + value
    return value


def _csv_dec1(value: Any) -> str:
    return "" if value is None else str(round_half_up(value, 1))


def _csv_dec2(value: Any) -> str:
    # Columns of this kind are NUMERIC(6,2) in the database: two decimals are exact already.
    return "" if value is None else f"{value:.2f}"


def _csv_date(value: date | None) -> str:
    return "" if value is None else value.isoformat()


# None and plain values (codes, integers) need no conversion: csv.writer writes None as an empty field.
_CSV_FORMATTERS: dict[str, Callable[[Any], Any] | None] = {
    "text": _csv_text, "code": None, "int": None, "dec1": _csv_dec1, "dec2": _csv_dec2, "date": _csv_date,
}


def _row_formatter(columns: tuple[tuple[str, str], ...]) -> Callable[[Iterable[Any]], list]:
    """A function that turns a record into CSV fields, touching only the columns that need it."""
    steps = [(index, _CSV_FORMATTERS[kind]) for index, (_name, kind) in enumerate(columns)
             if _CSV_FORMATTERS[kind] is not None]
    width = len(columns)

    def format_row(record: Iterable[Any]) -> list:
        row = list(record)
        if len(row) != width:
            raise ValueError(f"expected {width} values, got {len(row)}")
        for index, fn in steps:
            row[index] = fn(row[index])
        return row

    return format_row


def csv_chunks(columns: tuple[tuple[str, str], ...], records: Iterable[tuple], chunk_rows: int = CHUNK_ROWS
               ) -> Iterator[bytes]:
    """UTF-8 with BOM, ';' separated, CRLF line ends; yields a chunk every `chunk_rows` rows, so memory
    stays flat however many records stream through."""
    format_row = _row_formatter(columns)
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=CSV_DELIMITER, lineterminator=CSV_LINE_END)
    writer.writerow([name for name, _kind in columns])
    yield BOM + buffer.getvalue().encode("utf-8")
    buffer.seek(0)
    buffer.truncate(0)
    pending = 0
    for record in records:
        writer.writerow(format_row(record))
        pending += 1
        if pending >= chunk_rows:
            yield buffer.getvalue().encode("utf-8")
            buffer.seek(0)
            buffer.truncate(0)
            pending = 0
    if pending:
        yield buffer.getvalue().encode("utf-8")


# --- XLSX --------------------------------------------------------------------------------------------

_WIDTHS = {"text": 24, "code": 16, "int": 11, "dec1": 12, "dec2": 12, "date": 13}
_WIDE = {"naam": 28, "email": 32, "trainers": 30, "cohort": 30, "gemeente_naam": 22, "deelnemer_id": 16,
         "financierende_gemeente_code": 16, "certificaatcode": 18}


def write_xlsx(out: IO[bytes], title: str, columns: tuple[tuple[str, str], ...], records: Iterable[tuple]) -> int:
    """One sheet in openpyxl's write-only mode (rows go to a temporary file, not to memory): typed
    cells, a bold frozen header row and an auto filter over all rows. Returns the number of rows."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ERROR_CODES, ILLEGAL_CHARACTERS_RE
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook(write_only=True)
    workbook.properties.creator = "EBW Leeromgeving"
    workbook.properties.title = title
    sheet = workbook.create_sheet(title)
    # Frozen panes and widths only take effect when set before the first row (write-only mode).
    sheet.freeze_panes = "A2"
    for index, (name, kind) in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = _WIDE.get(name, _WIDTHS[kind])
    bold = Font(bold=True)
    header = []
    for name, _kind in columns:
        cell = WriteOnlyCell(sheet, value=name)
        cell.font = bold
        header.append(cell)
    sheet.append(header)

    def text(value: Any) -> Any:
        if value is None:
            return None
        value = ILLEGAL_CHARACTERS_RE.sub("", str(value))
        if value.startswith("=") or value in ERROR_CODES:
            cell = WriteOnlyCell(sheet, value="")
            cell.value = value
            cell.data_type = "s"  # text, never a formula
            return cell
        return value

    def dec1(value: Any) -> Any:
        return None if value is None else float(round_half_up(value, 1))

    def dec2(value: Any) -> Any:
        return None if value is None else float(round_half_up(value, 2))

    converters = {"text": text, "code": text, "int": lambda v: v, "dec1": dec1, "dec2": dec2,
                  "date": lambda v: v}
    convert = [converters[kind] for _name, kind in columns]
    rows = 0
    for record in records:
        sheet.append([fn(value) for fn, value in zip(convert, record, strict=True)])
        rows += 1
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{rows + 1}"
    workbook.save(out)
    return rows


# --- PDF ---------------------------------------------------------------------------------------------

def _new_pdf(footer_text: str, orientation: str = "portrait") -> BasePDF:
    """An A4 report on the shared PDF base (core.pdf) with a footer with the date of printing and page numbers."""

    class ReportPDF(BasePDF):
        def footer(self) -> None:
            self.set_y(-14)
            self.set_font(self.body, size=8)
            self.set_text_color(83, 83, 83)
            self.cell(0, 8, f"{footer_text}  ·  Pagina {self.page_no()} van {{nb}}", align="C")

    pdf = new_pdf("reports", orientation, ReportPDF)
    pdf.set_margins(18, 16, 18)
    pdf.set_auto_page_break(True, margin=20)
    pdf.set_font(pdf.body, size=10)
    return pdf


def _nl_number(value: Any, decimals: int) -> str:
    return number(value, decimals, locale="nl")


def _nl_date(value: date | None) -> str:
    return short_date(value, missing="–")


@dataclass
class Verantwoording:
    """Everything printed on the verantwoordingsoverzicht (built by reporting.export_audit)."""

    municipality_code: str | None
    municipality_name: str
    year: int | None
    cohort: str | None
    references: list  # queries.FundingReference
    rows: list  # queries.SummaryRow
    totals: Any  # queries.SummaryRow with the sums
    completed: list  # queries.CompletedLearner
    printed_on: date
    scope_note: str


def write_verantwoording_pdf(out: IO[bytes], doc: Verantwoording) -> None:
    """The printable accountability overview for one municipality and funding year."""
    from fpdf.fonts import FontFace

    heading_style = FontFace(emphasis="BOLD", fill_color=(229, 240, 249))
    pdf = _new_pdf(f"Verantwoordingsoverzicht {doc.municipality_name} {doc.year or ''} · afgedrukt op "
                   f"{_nl_date(doc.printed_on)}", orientation="landscape")
    pdf.set_title(f"Verantwoordingsoverzicht EBW-training {doc.municipality_name} {doc.year or ''}".strip())
    pdf.set_subject("Versterkingsgelden: deelname aan de ROR-training Evidence Based Werken")
    pdf.add_page()
    width = pdf.epw

    pdf.set_font(pdf.body, "B", 17)
    pdf.set_text_color(21, 66, 115)
    pdf.multi_cell(width, 9, "Verantwoordingsoverzicht EBW-training", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(pdf.body, "", 11)
    pdf.set_text_color(27, 27, 27)
    pdf.multi_cell(width, 6, "Evidence Based Werken bij de preventie van radicalisering (ROR)",
                   new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)

    facts = [
        ("Gemeente", f"{doc.municipality_name} ({doc.municipality_code})" if doc.municipality_code else "Landelijk"),
        ("Financieringsjaar", str(doc.year) if doc.year else "alle jaren"),
    ]
    if doc.cohort:
        facts.append(("Groep", doc.cohort))
    references = sorted({r.reference for r in doc.references if r.reference})
    facts.append(("Financieringskenmerk", ", ".join(references) if references else "–"))
    facts.append(("Afgedrukt op", _nl_date(doc.printed_on)))
    for label, value in facts:
        pdf.set_font(pdf.body, "B", 10)
        pdf.cell(45, 6, label)
        pdf.set_font(pdf.body, "", 10)
        pdf.multi_cell(width - 45, 6, value, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    pdf.set_font(pdf.body, "", 9)
    pdf.multi_cell(width, 5, doc.scope_note + " Uitgeschreven deelnemers tellen niet mee.",
                   new_x="LMARGIN", new_y="NEXT")

    def section(title: str) -> None:
        pdf.ln(4)
        if pdf.will_page_break(30):
            pdf.add_page()
        pdf.set_font(pdf.body, "B", 12)
        pdf.set_text_color(21, 66, 115)
        pdf.multi_cell(width, 7, title, new_x="LMARGIN", new_y="NEXT")
        pdf.set_text_color(27, 27, 27)
        pdf.set_font(pdf.body, "", 9)

    section("Groepen en financiering")
    with pdf.table(col_widths=(80, 60, 18, 60, 25), text_align=("LEFT", "LEFT", "RIGHT", "LEFT", "RIGHT"),
                   headings_style=heading_style, line_height=5, repeat_headings=1) as table:
        table.row(("Groep", "Financierende gemeente", "Jaar", "Financieringskenmerk", "Deelnemers"))
        for ref in doc.references:
            table.row((ref.cohort, f"{ref.funding_municipality_name} ({ref.funding_municipality_code})",
                       str(ref.funding_year), ref.reference or "–", str(ref.enrolled)))
        if not doc.references:
            table.row(("Geen groepen", "", "", "", ""))

    section("Cijfers per gemeente van de deelnemer")
    aligns = ("LEFT", "RIGHT", "RIGHT", "RIGHT", "RIGHT", "RIGHT", "RIGHT", "RIGHT")
    with pdf.table(col_widths=(70, 16, 26, 20, 22, 26, 40, 28), text_align=aligns, headings_style=heading_style,
                   line_height=5, repeat_headings=1) as table:
        table.row(("Gemeente", "Jaar", "Ingeschreven", "Gestart", "Afgerond", "Afronding %",
                   "Studiebelasting (uur)", "Contacturen"))
        for row in doc.rows:
            table.row((f"{row.gemeente_naam or '–'} ({row.gemeente_code or '–'})", str(row.financieringsjaar),
                       str(row.ingeschreven), str(row.gestart), str(row.afgerond),
                       _nl_number(row.afrondingspercentage, 1), _nl_number(row.studiebelasting_uren, 2),
                       _nl_number(row.contacturen, 2)))
        total = doc.totals
        bold = FontFace(emphasis="BOLD")
        cells = ("Totaal", "", str(total.ingeschreven), str(total.gestart), str(total.afgerond),
                 _nl_number(total.afrondingspercentage, 1), _nl_number(total.studiebelasting_uren, 2),
                 _nl_number(total.contacturen, 2))
        totals_row = table.row()
        for value in cells:
            totals_row.cell(value, style=bold)

    section(f"Deelnemers die de training hebben afgerond ({len(doc.completed)})")
    if doc.completed:
        with pdf.table(col_widths=(60, 34, 22, 70, 26, 36), text_align=("LEFT",) * 6, headings_style=heading_style,
                       line_height=5, repeat_headings=1) as table:
            table.row(("Naam", "Deelnemer-id", "Gemeente", "Groep", "Afgerond op", "Certificaatcode"))
            for person in doc.completed:
                table.row((person.name, person.pseudonym, person.municipality_code or "–", person.cohort,
                           _nl_date(person.completed_on), person.certificate_code or "–"))
    else:
        pdf.multi_cell(width, 5, "Nog niemand heeft de training afgerond.", new_x="LMARGIN", new_y="NEXT")
    out.write(bytes(pdf.output()))


# --- Certificates ------------------------------------------------------------------------------------


CERTIFICATE_OVERVIEW_COLUMNS: tuple[tuple[str, str], ...] = (
    ("certificaatcode", "code"),
    ("naam", "text"),
    ("deelnemer_id", "code"),
    ("gemeente_code", "code"),
    ("cohort", "text"),
    ("uitgereikt_op", "date"),
    ("bestand", "code"),
)


def _safe_part(text: str) -> str:
    cleaned = "".join(ch if ch.isalnum() or ch in "-_" else "-" for ch in text)
    return cleaned.strip("-")[:60] or "certificaat"


def write_certificates_zip(out: IO[bytes], certificates: Iterable, renderer: Callable[[Any], bytes]) -> int:
    """Every certificate as a PDF in one ZIP, plus overzicht.csv listing them (same CSV dialect as
    the exports). The renderer turns one Certificate into PDF bytes. Returns the number of PDFs."""
    overview: list[tuple] = []
    count = 0
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for certificate in certificates:
            enrollment = certificate.enrollment
            user = enrollment.user if enrollment is not None else None
            name = f"{certificate.code}_{_safe_part(certificate.holder_name)}.pdf"
            archive.writestr(name, renderer(certificate))
            overview.append((certificate.code, certificate.holder_name, user.pseudonym if user else None,
                             user.municipality_code if user else None,
                             enrollment.cohort.name if enrollment is not None else None,
                             local_date(certificate.issued_at), name))
            count += 1
        archive.writestr("overzicht.csv", b"".join(csv_chunks(CERTIFICATE_OVERVIEW_COLUMNS, overview)))
    return count
