"""The documents a learner takes home: exercise results (PDF, DOCX) and the certificate with its QR code."""

from __future__ import annotations

import io
import shutil
import subprocess

import pytest
from docx import Document
from pypdf import PdfReader

from ebw_training.core import pdf
from ebw_training.extensions import db
from ebw_training.learning import certificates as certificate_service
from ebw_training.learning import documents
from ebw_training.learning import exercises as exercise_service
from ebw_training.timeutil import utcnow

from .test_services import CHECKLIST_DONE, complete_alfa

DUTCH = "Zoë’s café – ĳverig, € 1.000"


def _pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def _doc(**overrides) -> documents.ExerciseDocument:
    values = dict(
        exercise_title="Zelfscan “Hoe evidence based is onze aanpak?”", course_title="Testtraining EBW",
        module_title="Module alfa", name="Zoë de Wit-Ĳzerman", municipality="Súdwest-Fryslân", cohort="Groep Noord",
        date="12 maart 2026", status="Ingeleverd op 12 maart 2026",
        rows=[("Weten we welk probleem we oplossen?", f"deels. Toelichting: {DUTCH}"),
              ("Wat meten we?", "Niet ingevuld")],
        feedback="Goed begin.",
    )
    values.update(overrides)
    return documents.ExerciseDocument(**values)


def test_exercise_pdf_has_every_answer_with_dutch_characters(app_ctx):
    text = _pdf_text(documents.exercise_pdf(_doc()))
    for expected in ("Zoë de Wit-Ĳzerman", "Súdwest-Fryslân", "Groep Noord", "12 maart 2026", "Module alfa",
                     "Weten we welk probleem we oplossen?", DUTCH, "Wat meten we?", "Goed begin."):
        assert expected in text, expected


def test_long_answers_flow_over_pages(app_ctx):
    long_answer = "Een lange toelichting over de aanpak in de wijk. " * 400
    data = documents.exercise_pdf(_doc(rows=[("Vraag", long_answer)] * 3))
    assert len(PdfReader(io.BytesIO(data)).pages) > 3


def test_exercise_docx_has_every_answer(app_ctx):
    document = Document(io.BytesIO(documents.exercise_docx(_doc())))
    body = "\n".join(p.text for p in document.paragraphs)
    cells = [cell.text for row in document.tables[0].rows for cell in row.cells]
    assert ["Naam", "Zoë de Wit-Ĳzerman"] == cells[:2]
    assert "Súdwest-Fryslân" in cells and "Groep Noord" in cells and "12 maart 2026" in cells
    assert "1. Weten we welk probleem we oplossen?" in body and DUTCH in body and "Goed begin." in body
    assert document.core_properties.title == "Zelfscan “Hoe evidence based is onze aanpak?”"


def test_documents_without_any_truetype_font_still_work(app_ctx, monkeypatch, tmp_path):
    monkeypatch.setattr(pdf, "FONT_DIRS", (str(tmp_path),))
    monkeypatch.delenv("EBW_FONT_DIR", raising=False)
    text = _pdf_text(documents.exercise_pdf(_doc()))
    assert "Zoë de Wit" in text and "Súdwest-Fryslân" in text  # Latin-1 survives; the rest is replaced


def test_exercise_document_from_the_records(enrollment, course):
    alfa = course.module("alfa")
    row = exercise_service.submit_exercise(enrollment, alfa, CHECKLIST_DONE)
    doc = documents.build_exercise_document(enrollment, alfa, row, course.title)
    assert (doc.name, doc.municipality, doc.cohort) == ("Daan de Vries", "Amsterdam", "Groep Amstelland")
    assert doc.rows == [("Weten we welk probleem we oplossen?", "deels. Toelichting: Alleen signalen van partners."),
                        ("Weten we wat we gaan meten?", "nee")]
    assert doc.status.startswith("Ingeleverd op ")


@pytest.mark.skipif(not (shutil.which("pdftoppm") and shutil.which("zbarimg")),
                    reason="pdftoppm (poppler-utils) and zbarimg (zbar-tools) are needed to read the QR code")
def test_certificate_qr_code_decodes_to_the_verify_url(client, login, enrollment, course, tmp_path):
    complete_alfa(enrollment, course)
    enrollment.completed_at = utcnow()
    certificate = certificate_service.issue_certificate(enrollment)
    db.session.commit()
    login(enrollment.user)
    response = client.get("/certificaat.pdf")
    assert response.status_code == 200
    pdf = tmp_path / "certificaat.pdf"
    pdf.write_bytes(response.data)
    text = _pdf_text(response.data)
    for expected in ("Certificaat", "Daan de Vries", "gemeente Amsterdam", "Testtraining EBW", certificate.code,
                     "Studiebelasting", "2,25 uur", "Afgerond op"):
        assert expected in text, expected
    subprocess.run(["pdftoppm", "-png", "-r", "150", str(pdf), str(tmp_path / "page")], check=True)
    png = next(tmp_path.glob("page*.png"))
    decoded = subprocess.run(["zbarimg", "--raw", "-q", str(png)], capture_output=True, text=True, check=True)
    assert decoded.stdout.strip() == f"http://localhost/verify/{certificate.code}"
    # The address in the QR code opens the public check page.
    client.post("/logout")
    assert "Dit certificaat is geldig." in client.get(f"/verify/{certificate.code}").get_data(as_text=True)


def test_dutch_dates_and_hours(app_ctx):
    from datetime import date, datetime

    assert documents.dutch_date(date(2026, 3, 12)) == "12 maart 2026"
    assert documents.dutch_date(datetime(2026, 12, 31, 23, 30)) == "1 januari 2027"  # UTC -> Amsterdam
    assert documents.hours_text(10.0) == "10 uur" and documents.hours_text(2.25) == "2,25 uur"


def test_every_exercise_status_is_one_sentence_for_the_translators(app_ctx, monkeypatch):
    """No sentence glued from translated fragments: one gettext call per status text."""
    from datetime import datetime
    from types import SimpleNamespace

    calls = []
    real = documents._

    def recording(msgid, **values):
        calls.append(msgid)
        return real(msgid, **values)

    monkeypatch.setattr(documents, "_", recording)
    answer = SimpleNamespace(status="submitted", submitted_at=datetime(2026, 3, 12, 9, 0), reviewed_at=None)
    assert documents.status_text(answer, True) == "Ingeleverd op 12 maart 2026, wacht op beoordeling"
    assert calls == ["Ingeleverd op %(date)s, wacht op beoordeling"]
    calls.clear()
    assert documents.status_text(answer, False) == "Ingeleverd op 12 maart 2026"
    assert len(calls) == 1


def test_exercise_document_dates_are_dutch_local_dates(enrollment, course):
    """A time stored in UTC just before midnight is the next day in Amsterdam."""
    from datetime import datetime

    alfa = course.module("alfa")
    row = exercise_service.submit_exercise(enrollment, alfa, CHECKLIST_DONE)
    row.submitted_at = datetime(2026, 12, 31, 23, 30)
    doc = documents.build_exercise_document(enrollment, alfa, row, course.title)
    assert doc.date == "1 januari 2027" and doc.status == "Ingeleverd op 1 januari 2027"


def test_certificate_pdf_title_is_one_sentence(app_ctx):
    from pypdf import PdfReader as Reader

    doc = documents.CertificateDocument(name="Ĳsbrand Ōta", municipality="Utrecht", course_title="Testtraining EBW",
                                        completed_on="1 januari 2027", study_hours=2.25, code="EBW-ABCD-EFGH",
                                        verify_url="http://localhost/verify/EBW-ABCD-EFGH")
    reader = Reader(io.BytesIO(documents.certificate_pdf(doc)))
    assert reader.metadata.title == "Certificaat – Testtraining EBW"
    assert "Ĳsbrand Ōta" in reader.pages[0].extract_text()
