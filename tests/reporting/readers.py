"""Read exports back with real readers, and compute what they should hold straight from the ORM."""

from __future__ import annotations

import codecs
import csv
import io
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal

from openpyxl import load_workbook
from pypdf import PdfReader
from sqlalchemy import select

from ebw_training.cohorts.models import Enrollment
from ebw_training.extensions import db
from ebw_training.timeutil import local_date

CONTRACT_COLUMNS = (
    "gemeente_code, gemeente_naam, financierende_gemeente_code, financieringsjaar, financieringskenmerk, cohort, "
    "trainers, deelnemer_id, naam, email, functie, ingeschreven_op, gestart_op, laatst_actief_op, modules_afgerond, "
    "modules_totaal, quiz_gemiddelde, oefeningen_ingeleverd, contacturen_aanwezig, studiebelasting_uren, status, "
    "afgerond_op, certificaatcode"
).split(", ")
SUMMARY_CONTRACT_COLUMNS = (
    "gemeente_code, gemeente_naam, financieringsjaar, ingeschreven, gestart, afgerond, afrondingspercentage, "
    "studiebelasting_uren, contacturen"
).split(", ")


def read_csv(data: bytes) -> tuple[list[str], list[dict[str, str]]]:
    """Parse like Dutch Excel would: UTF-8 with BOM, ';' separated."""
    assert data.startswith(codecs.BOM_UTF8), "the CSV must start with a UTF-8 BOM"
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""), delimiter=";"))
    header, body = rows[0], rows[1:]
    return header, [dict(zip(header, row, strict=True)) for row in body]


def read_xlsx(data: bytes):
    """(sheet, header, rows as lists of cells) from a real openpyxl load."""
    workbook = load_workbook(io.BytesIO(data))
    sheet = workbook.worksheets[0]
    rows = list(sheet.iter_rows())
    header = [cell.value for cell in rows[0]]
    return sheet, header, rows[1:]


def pdf_text(data: bytes) -> tuple[int, list[str]]:
    reader = PdfReader(io.BytesIO(data))
    return len(reader.pages), [page.extract_text() for page in reader.pages]


def _dec(value, places: str) -> str:
    if value is None:
        return ""
    return str(Decimal(str(value)).quantize(Decimal(places), rounding=ROUND_HALF_UP))


def _date(value) -> str:
    return local_date(value).isoformat() if value is not None else ""


def expected_csv_row(enrollment: Enrollment) -> dict[str, str]:
    """What the CSV must say about an enrolment, built from the ORM objects (not the export query)."""
    user, cohort, certificate = enrollment.user, enrollment.cohort, enrollment.certificate
    name = user.name
    if name[:1] in "=+-@":
        name = "'" + name
    return {
        "gemeente_code": user.municipality_code or "",
        "gemeente_naam": user.municipality.name if user.municipality else "",
        "financierende_gemeente_code": cohort.funding_municipality_code,
        "financieringsjaar": str(cohort.funding_year),
        "financieringskenmerk": cohort.funding_reference or "",
        "cohort": cohort.name,
        "trainers": ", ".join(sorted(t.name for t in cohort.trainers)),
        "deelnemer_id": user.pseudonym,
        "naam": name,
        "email": user.email,
        "functie": user.job_domain or "",
        "ingeschreven_op": _date(enrollment.enrolled_at),
        "gestart_op": _date(enrollment.started_at),
        "laatst_actief_op": _date(enrollment.last_active_at),
        "modules_afgerond": str(enrollment.modules_completed),
        "modules_totaal": str(enrollment.modules_total),
        "quiz_gemiddelde": _dec(enrollment.quiz_average, "0.1"),
        "oefeningen_ingeleverd": str(enrollment.exercises_submitted),
        "contacturen_aanwezig": _dec(enrollment.contact_hours_attended, "0.01"),
        "studiebelasting_uren": _dec(enrollment.study_hours, "0.01"),
        "status": enrollment.status,
        "afgerond_op": _date(enrollment.completed_at),
        "certificaatcode": certificate.code if certificate is not None and certificate.revoked_at is None else "",
    }


def all_enrollments() -> list[Enrollment]:
    db.session.expire_all()
    return list(db.session.scalars(select(Enrollment)))


def expected_summary(enrollments) -> dict[tuple[str, int], dict[str, str]]:
    """The summary computed in Python from the ORM: withdrawn enrolments left out."""
    groups: dict[tuple[str, int], list[Enrollment]] = defaultdict(list)
    for enrollment in enrollments:
        if enrollment.status != "uitgeschreven":
            groups[(enrollment.user.municipality_code, enrollment.cohort.funding_year)].append(enrollment)
    expected = {}
    for (code, year), items in groups.items():
        enrolled = len(items)
        started = sum(1 for e in items if e.status in ("bezig", "afgerond"))
        completed = sum(1 for e in items if e.status == "afgerond")
        study = sum((Decimal(str(e.study_hours)) for e in items), Decimal(0))
        contact = sum((Decimal(str(e.contact_hours_attended)) for e in items), Decimal(0))
        expected[(code, year)] = {
            "gemeente_code": code,
            "gemeente_naam": items[0].user.municipality.name,
            "financieringsjaar": str(year),
            "ingeschreven": str(enrolled),
            "gestart": str(started),
            "afgerond": str(completed),
            "afrondingspercentage": _dec(Decimal(completed) * 100 / Decimal(enrolled), "0.1"),
            "studiebelasting_uren": _dec(study, "0.01"),
            "contacturen": _dec(contact, "0.01"),
        }
    return expected


def pdf_fonts(data: bytes) -> set[str]:
    """The base font names a PDF's pages use (embedded TrueType subsets as 'ABCDEF+Name', core fonts plain)."""
    reader = PdfReader(io.BytesIO(data))
    names = set()
    for page in reader.pages:
        fonts = page.get("/Resources", {}).get("/Font", {})
        for font in fonts.values():
            names.add(str(font.get_object()["/BaseFont"]).lstrip("/"))
    return names
