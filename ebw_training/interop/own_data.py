"""The learner's own data as one ZIP (AVG, right of access and data portability).

mijn-gegevens.zip holds `gegevens.json` (account, enrolments, quiz attempts with the questions shown, exercise
answers, completion history, xAPI statements), the exercise documents as PDF, the certificates as PDF and a Dutch
LEESMIJ.txt that explains each file.
"""

from __future__ import annotations

import io
import json
import zipfile
from typing import Any

from sqlalchemy import select

from ..cohorts.models import Enrollment
from ..content import get_course
from ..content.draw import shown_questions
from ..core.urls import external_url
from ..extensions import db
from ..learning import documents
from ..learning.certificates import certificates_of
from ..learning.models import ExerciseAnswer, QuizAttempt
from ..learning.own_data import export_own_data
from .models import XapiStatement

README = """\
Mijn gegevens uit de EBW Leeromgeving
=====================================

Dit zijn alle gegevens die de EBW Leeromgeving over jou bewaart, op {exported_at} (tijd in UTC).

gegevens.json
    Al je gegevens in het open JSON-formaat. Je kunt het bestand openen met elke teksteditor.
    - account: je naam, e-mailadres, gemeente, werkveld en je deelnemersnummer.
    - enrollments: je inschrijvingen in groepen. Per groep: je voortgang, de pagina's die je las,
      hoeveel je van de video's zag, je toetspogingen met de vragen die je kreeg en je antwoorden,
      je oefeningen met je antwoorden, en wanneer je een module of de training afrondde.
    - kept_drafts: antwoorden die we tijdelijk bewaarden omdat je was uitgelogd.
    - xapi_statements: dezelfde leeractiviteiten in de standaardtaal xAPI. Daarin staat alleen je
      deelnemersnummer, niet je naam of e-mailadres.

oefeningen/
    Je uitgewerkte oefeningen, per module één PDF.

certificaten/
    Je certificaten als PDF.

Vragen over je gegevens? Lees de privacyverklaring: {privacy_url}
"""


def _questions_shown(attempt: QuizAttempt) -> list[dict[str, Any]]:
    """The questions of this attempt as the learner saw them (in the order shown), with their answer and score."""
    module = get_course().module(attempt.module_slug)
    quiz = module.quiz if module is not None else None
    entries = (shown_questions(quiz, attempt.shown, (attempt.results or {}).keys()) if quiz is not None
               else [(qid, None, {}) for qid in (attempt.results or {})])
    shown = []
    for question_id, question, entry in entries:
        item: dict[str, Any] = {"id": question_id, "answer": (attempt.answers or {}).get(question_id),
                                "result": (attempt.results or {}).get(question_id)}
        if question is not None:
            by_key = {o.key: o for o in question.options}
            order = [key for key in entry.get("options") or by_key if key in by_key]
            item["prompt"] = question.prompt
            item["type"] = question.type
            item["options"] = [{"text": by_key[key].text, **({"match": by_key[key].match} if by_key[key].match else {})}
                               for key in order]
            if question.distractors:
                item["distractors"] = list(question.distractors)
        shown.append(item)
    return shown


def own_data(user) -> dict[str, Any]:
    data = export_own_data(user)
    enrollments = list(db.session.scalars(
        select(Enrollment).where(Enrollment.user_id == user.id).order_by(Enrollment.enrolled_at)))
    for entry, enrollment in zip(data["enrollments"], enrollments, strict=True):
        attempts = db.session.scalars(
            select(QuizAttempt).where(QuizAttempt.enrollment_id == enrollment.id).order_by(QuizAttempt.id))
        for out, attempt in zip(entry["quiz_attempts"], attempts, strict=True):
            out["questions_shown"] = _questions_shown(attempt)
    data["xapi_statements"] = list(db.session.scalars(
        select(XapiStatement.statement).where(XapiStatement.user_id == user.id)
        .order_by(XapiStatement.created_at, XapiStatement.id)))
    return data


def own_data_zip(user) -> bytes:
    data = own_data(user)
    course = get_course()
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("gegevens.json", json.dumps(data, ensure_ascii=False, indent=2))
        archive.writestr("LEESMIJ.txt", README.format(exported_at=data["exported_at"],
                                                      privacy_url=external_url("pages.privacy")))
        answers = db.session.scalars(
            select(ExerciseAnswer).join(Enrollment, ExerciseAnswer.enrollment_id == Enrollment.id)
            .where(Enrollment.user_id == user.id).order_by(ExerciseAnswer.id))
        names: set[str] = set()
        for answer in answers:
            module = course.module(answer.module_slug)
            if module is None or module.exercise is None:
                continue
            enrollment = db.session.get(Enrollment, answer.enrollment_id)
            doc = documents.build_exercise_document(enrollment, module, answer, course.title)
            name = f"oefeningen/{doc.filename_stem}.pdf"
            if name in names:  # the same exercise in an earlier enrolment
                name = f"oefeningen/{doc.filename_stem}-{answer.id}.pdf"
            names.add(name)
            archive.writestr(name, documents.exercise_pdf(doc))
        for certificate in certificates_of(user):
            doc = documents.build_certificate_document(
                certificate, certificate.enrollment, course.title, external_url("learning.verify", code=certificate.code))
            archive.writestr(f"certificaten/certificaat-{certificate.code}.pdf", documents.certificate_pdf(doc))
    return out.getvalue()

