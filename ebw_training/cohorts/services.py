"""Cohort operations, shared by admin pages, trainer pages, the CLI and the tests."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation

from flask import g, has_request_context
from flask_babel import gettext as _
from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import lazyload

from ..accounts.models import User
from ..accounts.services import get_municipality, get_user_by_email
from ..core.audit import record_audit
from ..core.errors import ValidationError
from ..core.events import progress_changed
from ..extensions import db
from ..timeutil import utcnow
from .models import Cohort, Enrollment, cohort_trainer, new_enrolment_code

MAX_COHORT_NAME = 120


def cohorts_for(user: User) -> list[Cohort]:
    """The cohorts a user may manage: all for admins, their own for trainers."""
    stmt = select(Cohort).order_by(Cohort.start_date.desc().nulls_last(), Cohort.name)
    if user.role != "admin":
        stmt = stmt.join(cohort_trainer).where(cohort_trainer.c.user_id == user.id)
    return list(db.session.scalars(stmt))


def can_manage(user: User, cohort: Cohort) -> bool:
    return user.role == "admin" or (user.role == "trainer" and any(t.id == user.id for t in cohort.trainers))


def enrollment_counts(cohort_ids: list[int]) -> dict[int, int]:
    if not cohort_ids:
        return {}
    rows = db.session.execute(
        select(Enrollment.cohort_id, func.count(Enrollment.id))
        .where(Enrollment.cohort_id.in_(cohort_ids), Enrollment.withdrawn_at.is_(None))
        .group_by(Enrollment.cohort_id)
    )
    return dict(rows.all())


def _parse_hours(value) -> Decimal:
    try:
        hours = Decimal(str(value if value not in (None, "") else "0").replace(",", "."))
    except InvalidOperation:
        raise ValidationError(_("Vul het aantal contacturen in als getal, zoals 6 of 7,5."), "contact_hours") from None
    if not hours.is_finite():
        raise ValidationError(_("Vul het aantal contacturen in als getal, zoals 6 of 7,5."), "contact_hours")
    if hours < 0 or hours > 999:
        raise ValidationError(_("Het aantal contacturen ligt tussen 0 en 999."), "contact_hours")
    if hours != hours.quantize(Decimal("0.01")):
        raise ValidationError(_("Gebruik hoogstens twee cijfers achter de komma, zoals 2,25."), "contact_hours")
    return hours


def _check_fields(name, funding_municipality_code, year, start, end):
    name = (name or "").strip()
    if not name:
        raise ValidationError(_("Geef de groep een naam."), "name")
    if len(name) > MAX_COHORT_NAME:
        raise ValidationError(_("Een naam mag hoogstens %(n)s tekens hebben.", n=MAX_COHORT_NAME), "name")
    municipality = get_municipality(funding_municipality_code)
    if municipality is None:
        raise ValidationError(
            _("Onbekende gemeentecode %(code)s. Gebruik de CBS-code, zoals GM0363.", code=funding_municipality_code or ""),
            "funding_municipality",
        )
    if not isinstance(year, int) or not 2015 <= year <= 2100:
        raise ValidationError(_("Vul een financieringsjaar in tussen 2015 en 2100."), "funding_year")
    if start and end and end < start:
        raise ValidationError(_("De einddatum ligt vóór de startdatum."), "end_date")
    return name, municipality


def create_cohort(
    name: str,
    funding_municipality_code: str,
    year: int,
    *,
    reference: str | None = None,
    trainer_emails: list[str] | None = None,
    trainer_ids: list[int] | None = None,
    start: date | None = None,
    end: date | None = None,
    contact_hours=None,
    actor: User | None = None,
) -> Cohort:
    name, municipality = _check_fields(name, funding_municipality_code, year, start, end)
    trainers = _trainers(trainer_emails or []) + trainers_by_id(trainer_ids or [])
    cohort = Cohort(
        name=name,
        funding_municipality_code=municipality.code,
        funding_year=year,
        funding_reference=(reference or "").strip() or None,
        start_date=start,
        end_date=end,
        contact_hours=_parse_hours(contact_hours),
        enrolment_code=unique_enrolment_code(),
    )
    cohort.trainers = trainers
    db.session.add(cohort)
    db.session.flush()
    record_audit("cohort.created", actor=actor, target=f"cohort:{cohort.id}")
    return cohort


def update_cohort(cohort: Cohort, *, name, funding_municipality_code, year, reference, start, end,
                  contact_hours, trainer_ids: list[int], actor: User | None) -> Cohort:
    name, municipality = _check_fields(name, funding_municipality_code, year, start, end)
    hours = _parse_hours(contact_hours)
    trainers = trainers_by_id(trainer_ids)
    cohort.name = name
    cohort.funding_municipality_code = municipality.code
    cohort.funding_year = year
    cohort.funding_reference = (reference or "").strip() or None
    cohort.start_date, cohort.end_date = start, end
    cohort.contact_hours = hours
    cohort.trainers = trainers
    record_audit("cohort.updated", actor=actor, target=f"cohort:{cohort.id}")
    return cohort


def _trainers(emails: list[str]) -> list[User]:
    trainers = []
    for email in emails:
        user = get_user_by_email(email)
        if user is None or user.role != "trainer":
            raise ValidationError(_("%(email)s is geen trainer op dit platform.", email=email), "trainers")
        trainers.append(user)
    return trainers


def trainers_by_id(ids: list[int]) -> list[User]:
    """The trainers with these ids, in one query; an id that is not a trainer is an error, not silently dropped."""
    wanted = set(ids)
    if not wanted:
        return []
    if any(not isinstance(i, int) or not 0 < i < 2**31 for i in wanted):
        raise ValidationError(_("Kies alleen trainers uit de lijst."), "trainers")
    found = list(db.session.scalars(select(User).where(User.id.in_(wanted), User.role == "trainer")))
    if len(found) != len(wanted):
        raise ValidationError(_("Kies alleen trainers uit de lijst."), "trainers")
    return found


def unique_enrolment_code() -> str:
    while True:
        code = new_enrolment_code()
        if db.session.scalar(select(Cohort.id).where(Cohort.enrolment_code == code)) is None:
            return code


def regenerate_enrolment_code(cohort: Cohort, actor: User | None = None) -> str:
    cohort.enrolment_code = unique_enrolment_code()
    record_audit("cohort.code_regenerated", actor=actor, target=f"cohort:{cohort.id}")
    return cohort.enrolment_code


def set_archived(cohort: Cohort, archived: bool, actor: User | None = None) -> None:
    """Archive a finished cohort (its enrolment code stops working; its records stay) or take it back."""
    if cohort.archived == archived:
        return
    cohort.archived = archived
    record_audit("cohort.archived" if archived else "cohort.unarchived", actor=actor, target=f"cohort:{cohort.id}")
    db.session.flush()


def find_cohort_by_code(code: str) -> Cohort | None:
    """The cohort a learner may register for with this code: archived cohorts take no new learners."""
    cleaned = "".join(ch for ch in (code or "").upper() if ch.isalnum())
    if len(cleaned) != 8:
        return None
    return db.session.scalar(
        select(Cohort).where(Cohort.enrolment_code == f"{cleaned[:4]}-{cleaned[4:]}", Cohort.archived.is_(False))
    )


def enroll(user: User, cohort: Cohort, actor: User | None = None) -> tuple[Enrollment, bool]:
    """Enrol a learner; idempotent. Returns (enrollment, created)."""
    if user.role != "learner":
        raise ValidationError(_("Alleen deelnemers kunnen worden ingeschreven."), "email")
    existing = db.session.scalar(
        select(Enrollment).where(Enrollment.user_id == user.id, Enrollment.cohort_id == cohort.id)
    )
    if existing is not None:
        if existing.withdrawn_at is not None:
            existing.withdrawn_at = None
            record_audit("enrollment.restored", actor=actor, target=f"enrollment:{existing.id}")
            return existing, True
        return existing, False
    from ..content import get_course

    enrollment = Enrollment(user_id=user.id, cohort_id=cohort.id, modules_total=len(get_course().modules))
    db.session.add(enrollment)
    db.session.flush()
    record_audit("enrollment.created", actor=actor, target=f"enrollment:{enrollment.id}")
    return enrollment, True


def withdraw(enrollment: Enrollment, actor: User | None = None) -> None:
    if enrollment.withdrawn_at is None:
        enrollment.withdrawn_at = utcnow()
        record_audit("enrollment.withdrawn", actor=actor, target=f"enrollment:{enrollment.id}")


def _current_enrollment_query(user_id: int):
    return (
        select(Enrollment)
        .options(lazyload(Enrollment.user))
        .where(Enrollment.user_id == user_id, Enrollment.withdrawn_at.is_(None))
        .order_by(Enrollment.enrolled_at.desc(), Enrollment.id.desc())
        .limit(1)
    )


def current_enrollment(user: User) -> Enrollment | None:
    """The learner's active enrolment (the most recent one that is not withdrawn).

    The request's user loader already fetched it in the same query as the user (see
    load_user_with_enrollment); other callers query it.
    """
    cached = g.get("_ebw_current_enrollment") if has_request_context() else None
    if cached is not None and cached[0] == user.id:
        return cached[1]
    return db.session.scalar(_current_enrollment_query(user.id))


_STATEMENTS: dict[str, object] = {}


def with_current_enrollment(statement):
    """`statement` (which selects from User) joined to the user's current enrolment, if any: the most recent
    one that is not withdrawn, as `current_enrollment` defines it."""
    return (
        statement
        .outerjoin(Enrollment, (Enrollment.user_id == User.id) & Enrollment.withdrawn_at.is_(None))
        .order_by(Enrollment.enrolled_at.desc(), Enrollment.id.desc())
        .limit(1)
    )


def _with_current_enrollment(statement):
    return with_current_enrollment(statement).options(lazyload(User.municipality), lazyload(Enrollment.user))


def _statement(name: str):
    """Built once: constructing a SELECT costs more than running it, and these run on every request."""
    if name not in _STATEMENTS:
        from ..accounts.models import UserSession

        _STATEMENTS.update(
            user=_with_current_enrollment(select(User, Enrollment).where(User.id == bindparam("user_id"))),
            session=_with_current_enrollment(
                select(User, Enrollment, UserSession)
                .join(UserSession, UserSession.user_id == User.id)
                .where(UserSession.token_hash == bindparam("token_hash"))
            ),
        )
    return _STATEMENTS[name]


def _remember_enrollment(user: User, found: Enrollment | None) -> None:
    if has_request_context():
        g._ebw_current_enrollment = (user.id, found)


def load_user_with_enrollment(user_id: int) -> User | None:
    """The logged-in user and their current enrolment in one query: every learner page needs both."""
    row = db.session.execute(_statement("user"), {"user_id": user_id}).first()
    if row is None:
        return None
    user, found = row
    _remember_enrollment(user, found)
    return user


def load_session_with_user(token_hash: str):
    """(session row, user) for a session cookie's token hash, with the user's current enrolment, in one query."""
    row = db.session.execute(_statement("session"), {"token_hash": token_hash}).first()
    if row is None:
        return None
    user, found, session_row = row
    _remember_enrollment(user, found)
    return session_row, user


# --- trainer views of a cohort ------------------------------------------------------------

INACTIVE_DAYS = 14
NOT_STARTED_GRACE_DAYS = 7


def get_cohort_for(user: User, cohort_id: int) -> Cohort | None:
    """The cohort when the user may manage it; None otherwise (the view answers 404)."""
    cohort = db.session.get(Cohort, cohort_id)
    if cohort is None or not can_manage(user, cohort):
        return None
    return cohort


def cohort_enrollments(cohort: Cohort) -> list[Enrollment]:
    """All enrolments of a cohort with their learners, in one query whatever the size of the cohort."""
    from ..accounts.models import User as UserModel

    return list(
        db.session.scalars(
            select(Enrollment)
            .join(Enrollment.user)
            .where(Enrollment.cohort_id == cohort.id)
            .order_by(Enrollment.withdrawn_at.is_not(None), UserModel.name)
        ).unique()
    )


def attention_reason(enrollment: Enrollment, cohort: Cohort, today: date | None = None) -> str | None:
    """Why a trainer should look at this learner now, in Dutch, or None."""
    from datetime import timedelta

    if enrollment.status in ("afgerond", "uitgeschreven"):
        return None
    now = utcnow()
    today = today or now.date()
    if enrollment.started_at is None:
        start = cohort.start_date or enrollment.enrolled_at.date()
        if today >= start + timedelta(days=NOT_STARTED_GRACE_DAYS):
            return _("Nog niet begonnen")
        return None
    inactive_days = cohort.inactivity_days or INACTIVE_DAYS
    if enrollment.last_active_at and enrollment.last_active_at < now - timedelta(days=inactive_days):
        return _("Al %(n)s dagen niet actief", n=(now - enrollment.last_active_at).days)
    return None


def contact_sessions(cohort: Cohort) -> list:
    from .models import ContactSession

    return list(db.session.scalars(
        select(ContactSession).where(ContactSession.cohort_id == cohort.id).order_by(ContactSession.held_on)
    ))


def add_contact_session(cohort: Cohort, title: str, held_on: date | None, hours, actor: User | None = None):
    from .models import ContactSession

    title = (title or "").strip()
    if not title:
        raise ValidationError(_("Geef de bijeenkomst een naam."), "title")
    if len(title) > 120:
        raise ValidationError(_("Een naam mag hoogstens 120 tekens hebben."), "title")
    if held_on is None:
        raise ValidationError(_("Vul de datum in als DD-MM-JJJJ."), "held_on")
    if not 2015 <= held_on.year <= 2100:
        raise ValidationError(_("Kies een datum tussen 2015 en 2100."), "held_on")
    value = _parse_hours(hours)
    if value <= 0 or value > 24:
        raise ValidationError(_("Een bijeenkomst duurt tussen 0 en 24 uur."), "hours")
    session = ContactSession(cohort_id=cohort.id, title=title, held_on=held_on, hours=value)
    db.session.add(session)
    db.session.flush()
    record_audit("cohort.session_added", actor=actor, target=f"cohort:{cohort.id}", session=session.id)
    return session


def attendance_map(cohort: Cohort) -> dict[tuple[int, int], bool]:
    """{(session_id, enrollment_id): present} for the whole cohort in one query."""
    from .models import Attendance, ContactSession

    rows = db.session.execute(
        select(Attendance.session_id, Attendance.enrollment_id, Attendance.present)
        .join(ContactSession, ContactSession.id == Attendance.session_id)
        .where(ContactSession.cohort_id == cohort.id)
    )
    return {(s, e): p for s, e, p in rows}


def record_attendance(cohort: Cohort, session_id: int, present_ids: set[int], actor: User | None = None) -> None:
    """Set who was present at one session (the learners on the form) and refresh their progress summary.

    Withdrawn learners are not on the form, so their attendance is left as it was.
    """
    from .models import Attendance, ContactSession

    session = db.session.get(ContactSession, session_id)
    if session is None or session.cohort_id != cohort.id:
        raise ValidationError(_("Deze bijeenkomst hoort niet bij deze groep."), "session")
    active = [e for e in cohort_enrollments(cohort) if e.withdrawn_at is None]
    existing = {a.enrollment_id: a for a in db.session.scalars(select(Attendance).where(Attendance.session_id == session.id))}
    for enrollment in active:
        present = enrollment.id in present_ids
        row = existing.get(enrollment.id)
        if row is None:
            db.session.add(Attendance(session_id=session.id, enrollment_id=enrollment.id, present=present))
        else:
            row.present = present
    db.session.flush()
    for enrollment in active:
        progress_changed.send(enrollment, cause=f"Aanwezigheid {session.title}")
    record_audit("cohort.attendance", actor=actor, target=f"cohort:{cohort.id}", session=session.id,
                 present=len(present_ids & {e.id for e in active}))
