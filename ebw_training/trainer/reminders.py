"""Reminder e-mails from a trainer to learners of a cohort.

The trainer edits one Dutch text per cohort with three placeholders: {voornaam}, {nog_te_doen} and {einddatum}.
Each learner gets their own mail with only their own first name and what is left for them. Every reminder is
logged (Reminder, and the mail in the outbox); a learner who had a reminder of this cohort in the last
`cohort.reminder_pause_days` days is skipped, so nobody gets the same reminder twice in a short time.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from babel.dates import format_date
from flask_babel import gettext as _
from sqlalchemy import func, select

from ..accounts.mail import send_mail
from ..accounts.models import User
from ..cohorts.models import Cohort, Enrollment, Reminder
from ..content import get_course
from ..core.audit import record_audit
from ..core.errors import ValidationError
from ..core.urls import external_url
from ..extensions import db
from ..timeutil import utcnow

PLACEHOLDERS = ("voornaam", "nog_te_doen", "einddatum")
MAX_TEMPLATE_CHARS = 5000
_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")
# The mail is in Dutch whatever language the trainer's screen is in: the learners read Dutch.
SUBJECT = "Herinnering: je training Evidence Based Werken"
DEFAULT_TEMPLATE = """Beste {voornaam},

Je volgt de training Evidence Based Werken. Je bent al op weg, maar er staat nog wat voor je klaar:

{nog_te_doen}

De training loopt tot {einddatum}. Plan een moment in je agenda om verder te gaan.

Heb je vragen of lukt het niet? Stuur me dan een bericht.

Met vriendelijke groet,
je trainer"""

_PART_TEXT = {
    "video": "de video bekijken",
    "pages": "de pagina's lezen",
    "quiz": "de toets halen",
    "exercise": "de oefening maken en inleveren",
    "review": "wachten op de beoordeling van je oefening",
}


def template_of(cohort: Cohort) -> str:
    return cohort.reminder_template or DEFAULT_TEMPLATE


def check_template(text: str | None) -> str:
    """The template, cleaned; a ValidationError (field 'template') for text we cannot fill in."""
    text = (text or "").replace("\r\n", "\n").strip()
    if not text:
        raise ValidationError(_("Schrijf de tekst van de herinnering."), "template")
    if len(text) > MAX_TEMPLATE_CHARS:
        raise ValidationError(_("De tekst mag hoogstens %(n)s tekens hebben.", n=MAX_TEMPLATE_CHARS), "template")
    names = _PLACEHOLDER.findall(text)
    unknown = [name for name in names if name not in PLACEHOLDERS]
    if unknown:
        raise ValidationError(_("Onbekende invulplek {%(name)s}. Je kunt {voornaam}, {nog_te_doen} en {einddatum} "
                                "gebruiken.", name=unknown[0]), "template")
    if "{" in _PLACEHOLDER.sub("", text) or "}" in _PLACEHOLDER.sub("", text):
        raise ValidationError(_("Er staat een losse accolade { of } in de tekst. Gebruik accolades alleen voor "
                                "{voornaam}, {nog_te_doen} en {einddatum}."), "template")
    return text


def first_name(user: User) -> str:
    parts = (user.name or "").split()
    return parts[0] if parts else ""


def end_date_text(cohort: Cohort) -> str:
    if cohort.end_date is None:
        return "het einde van de training"
    return format_date(cohort.end_date, "d MMMM yyyy", locale="nl")


def todo_text(enrollment: Enrollment) -> str:
    """What is left for this learner, one line per open module, in plain Dutch."""
    from ..learning.progress import load_progress

    lines = []
    for module_progress, parts in load_progress(enrollment, get_course()).todo():
        if not parts:
            continue
        wanted = ", ".join(_PART_TEXT[part] for part, _number in parts)
        lines.append(f"- {module_progress.module.title}: {wanted}")
    return "\n".join(lines) if lines else "Je hebt alle modules afgerond. Goed gedaan!"


def render(cohort: Cohort, enrollment: Enrollment, template: str) -> tuple[str, str]:
    """(subject, body) of one learner's reminder."""
    values = {"voornaam": first_name(enrollment.user), "nog_te_doen": todo_text(enrollment),
              "einddatum": end_date_text(cohort)}
    body = _PLACEHOLDER.sub(lambda match: values[match.group(1)], template)
    body += f"\n\nInloggen: {external_url('accounts.login')}"
    return SUBJECT, body


def selected_enrollments(cohort: Cohort, ids) -> list[Enrollment]:
    """The cohort's current (not withdrawn) learners among these ids; ids of other cohorts are left out."""
    wanted = {int(value) for value in ids if str(value).isdigit() and int(value) < 2**31}
    if not wanted:
        return []
    return list(db.session.scalars(
        select(Enrollment).join(Enrollment.user)
        .where(Enrollment.cohort_id == cohort.id, Enrollment.id.in_(wanted), Enrollment.withdrawn_at.is_(None))
        .order_by(User.name)
    ))


def recently_reminded(cohort: Cohort, enrollments: list[Enrollment], now: datetime | None = None
                      ) -> dict[int, datetime]:
    """{enrolment id: time of the last reminder} for the learners still within the cohort's pause."""
    if not enrollments:
        return {}
    since = (now or utcnow()) - timedelta(days=cohort.reminder_pause_days)
    rows = db.session.execute(
        select(Reminder.enrollment_id, func.max(Reminder.sent_at))
        .where(Reminder.enrollment_id.in_([e.id for e in enrollments]), Reminder.sent_at > since)
        .group_by(Reminder.enrollment_id)
    )
    return dict(rows.all())


@dataclass
class Outcome:
    sent: list[Enrollment]
    skipped: list[tuple[Enrollment, datetime]]


def send_reminders(cohort: Cohort, enrollments: list[Enrollment], template: str, actor: User | None) -> Outcome:
    """Send each learner their own reminder, skip those reminded within the pause, log every one."""
    template = check_template(template)
    cohort.reminder_template = None if template == DEFAULT_TEMPLATE else template
    recent = recently_reminded(cohort, enrollments)
    outcome = Outcome(sent=[], skipped=[])
    for enrollment in enrollments:
        if enrollment.id in recent:
            outcome.skipped.append((enrollment, recent[enrollment.id]))
            continue
        subject, body = render(cohort, enrollment, template)
        message = send_mail(enrollment.user.email, subject, body)
        db.session.add(Reminder(enrollment_id=enrollment.id, sent_by_id=actor.id if actor else None,
                                message_id=message.id))
        outcome.sent.append(enrollment)
    db.session.flush()
    record_audit("cohort.reminders_sent", actor=actor, target=f"cohort:{cohort.id}", sent=len(outcome.sent),
                 skipped=len(outcome.skipped))
    return outcome


def update_settings(cohort: Cohort, inactivity_days, pause_days, actor: User | None = None) -> None:
    if not isinstance(inactivity_days, int) or not 1 <= inactivity_days <= 365:
        raise ValidationError(_("Kies een aantal dagen tussen 1 en 365."), "inactivity_days")
    if not isinstance(pause_days, int) or not 0 <= pause_days <= 90:
        raise ValidationError(_("Kies een aantal dagen tussen 0 en 90."), "reminder_pause_days")
    cohort.inactivity_days = inactivity_days
    cohort.reminder_pause_days = pause_days
    record_audit("cohort.reminder_settings", actor=actor, target=f"cohort:{cohort.id}",
                 inactivity_days=inactivity_days, pause_days=pause_days)
