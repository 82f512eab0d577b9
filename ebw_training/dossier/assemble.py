""""Mijn evaluatiedossier": everything the learner did on their own intervention, gathered in course order.

The data only; dossier/documents.py writes it as PDF and DOCX.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field

from flask_babel import gettext as _
from sqlalchemy import select

from ..cohorts.models import Enrollment
from ..content.course import Course, Module
from ..content.exercise_kinds import EXERCISE_KINDS
from ..extensions import db
from ..learning.documents import dutch_date
from ..learning.intervention import described_rows, intervention_for, snapshot
from ..learning.models import ExerciseAnswer
from ..timeutil import utcnow
from .models import PlanAgreement

SOURCES_HEADING = "Bronnen en verder lezen"
_LINK = re.compile(r'<a [^>]*href="([^"]+)"[^>]*>(.*?)</a>', re.S)
_TAG = re.compile(r"<[^>]+>")


@dataclass
class DossierSection:
    title: str
    module_title: str
    status: str
    is_open: bool
    rows: list[tuple[str, str]]
    agreed_rows: list[tuple[str, str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


@dataclass
class Dossier:
    title: str
    course_title: str
    intervention_name: str
    learner: str
    municipality: str
    cohort: str
    date: str
    content_version: str
    intervention: list[tuple[str, str]]
    sections: list[DossierSection]
    sources: list[tuple[str, list[tuple[str, str]]]]  # (module title, [(text, url)])

    @property
    def complete(self) -> bool:
        return bool(self.intervention) and not any(s.is_open for s in self.sections)

    def cover_rows(self) -> list[tuple[str, str]]:
        return [
            (_("Interventie"), self.intervention_name or _("Nog niet beschreven")),
            (_("Naam"), self.learner),
            (_("Gemeente"), self.municipality or "–"),
            (_("Groep"), self.cohort),
            (_("Datum"), self.date),
            (_("Versie van de lesstof"), self.content_version),
        ]


def module_sources(module: Module) -> list[tuple[str, str]]:
    """The links under the module's "Bronnen en verder lezen" heading: (text, url)."""
    for page in module.pages:
        text = str(page.html)
        start = text.find(SOURCES_HEADING)
        if start < 0:
            continue
        rest = text[start:]
        end = re.search(r"<h[1-3][ >]", rest[len(SOURCES_HEADING):])
        block = rest[: len(SOURCES_HEADING) + end.start()] if end else rest
        return [(html.unescape(_TAG.sub("", label)).strip(), html.unescape(url)) for url, label in _LINK.findall(block)]
    return []


def _status(answer: ExerciseAnswer | None) -> tuple[str, bool]:
    if answer is None:
        return _("Nog open: nog niet aan begonnen."), True
    if answer.status == "approved":
        return _("Goedgekeurd door de trainer op %(date)s.", date=dutch_date(answer.reviewed_at)), False
    if answer.status == "submitted":
        return _("Ingeleverd op %(date)s.", date=dutch_date(answer.submitted_at)), False
    if answer.status == "returned":
        return _("Nog open: de trainer heeft gevraagd de antwoorden aan te passen."), True
    return _("Nog open: nog niet ingeleverd. Hieronder staat wat er tot nu toe is ingevuld."), True


def _agreed_rows(module: Module, agreement: PlanAgreement | None) -> list[tuple[str, str]]:
    items = (agreement.items if agreement is not None else None) or {}
    rows = []
    for item in module.exercise.items:
        value = items.get(item.id) or {}
        scale, text = str(value.get("scale") or ""), str(value.get("agreements") or "")
        if not scale:
            rows.append((item.text, _("Nog open: nog geen gezamenlijk antwoord.")))
        elif text:
            rows.append((item.text, _("Samen gekozen: %(answer)s. Afspraken: %(text)s", answer=scale, text=text)))
        else:
            rows.append((item.text, _("Samen gekozen: %(answer)s.", answer=scale)))
    return rows


def build_dossier(enrollment: Enrollment, course: Course) -> Dossier:
    """The dossier at this moment: what is not done yet is marked as open."""
    current = snapshot(intervention_for(enrollment))
    answers = {row.module_slug: row for row in db.session.scalars(
        select(ExerciseAnswer).where(ExerciseAnswer.enrollment_id == enrollment.id))}
    agreements = {row.module_slug: row for row in db.session.scalars(
        select(PlanAgreement).where(PlanAgreement.enrollment_id == enrollment.id))}
    sections = []
    for number, module in enumerate(course.modules, start=1):
        exercise = module.exercise
        if exercise is None:
            continue
        answer = answers.get(module.slug)
        status, is_open = _status(answer)
        rows = EXERCISE_KINDS[exercise.kind].summarise(exercise, (answer.answers if answer else None) or {})
        rows = [(question, _("Nog niet ingevuld.") if text == _("Niet ingevuld") else text) for question, text in rows]
        section = DossierSection(title=exercise.title, module_title=_("Module %(number)s: %(title)s",
                                                                     number=number, title=module.title),
                                 status=status, is_open=is_open, rows=rows)
        if answer is not None and answer.intervention and current and answer.intervention != current:
            section.notes.append(_("Toen deze oefening werd ingeleverd, was de beschrijving van de interventie "
                                   "anders. Naam toen: %(name)s.", name=answer.intervention.get("name", "")))
        if exercise.two_assessors:
            section.agreed_rows = _agreed_rows(module, agreements.get(module.slug))
            if module.slug not in agreements:
                section.notes.append(_("Nog open: de checklist is nog niet samen met een tweede beoordelaar "
                                       "vergeleken."))
        sections.append(section)
    user = enrollment.user
    return Dossier(
        title=_("Mijn evaluatiedossier"),
        course_title=course.title,
        intervention_name=(current or {}).get("name", ""),
        learner=user.name,
        municipality=user.municipality.name if user.municipality else "",
        cohort=enrollment.cohort.name,
        date=dutch_date(utcnow()),
        content_version=course.version[:12],
        intervention=described_rows(current),
        sections=sections,
        sources=[(m.title, links) for m in course.modules if (links := module_sources(m))],
    )
