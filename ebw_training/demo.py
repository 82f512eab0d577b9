"""Demo data: one cohort with a trainer, coordinators, an admin and learners in several municipalities.

Idempotent: running it again changes nothing. The README lists these accounts.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from .accounts.models import User
from .accounts.services import create_user, get_user_by_email
from .cohorts.models import Cohort
from .cohorts.services import create_cohort, enroll
from .extensions import db
from .municipalities.services import seed_municipalities

DEMO_PASSWORD = "Demo-wachtwoord-2026"
DEMO_COHORT = "Regio Amsterdam-Amstelland 2026"

DEMO_USERS = [
    # email, name, role, municipality, job domain
    ("admin@ebw.example.nl", "Anna Beheer", "admin", None, None),
    ("trainer@ebw.example.nl", "Tom Trainer", "trainer", None, None),
    ("coordinator@ebw.example.nl", "Carla Coördinator (ROR)", "coordinator", None, None),
    ("coordinator.amsterdam@ebw.example.nl", "Mehmet Yilmaz", "coordinator", "GM0363", None),
    ("deelnemer@ebw.example.nl", "Daan de Vries", "learner", "GM0363", "oov"),
    ("deelnemer.amstelveen@ebw.example.nl", "Fatima El Amrani", "learner", "GM0362", "sociaal_domein"),
    ("deelnemer.diemen@ebw.example.nl", "Sanne Bakker", "learner", "GM0384", "onderzoek"),
]


class NotADemoDatabase(RuntimeError):
    """The database holds accounts that are not the demo's: demo accounts (published password) do not belong there."""


def foreign_users() -> int:
    """How many accounts the database holds besides the demo accounts."""
    demo_emails = [email for email, *_rest in DEMO_USERS]
    return db.session.scalar(select(func.count(User.id)).where(User.email.not_in(demo_emails)))


def load_demo(*, force: bool = False) -> str:
    others = foreign_users()
    if others and not force:
        raise NotADemoDatabase(
            f"deze database heeft al {others} andere gebruiker(s); de demo-accounts hebben een openbaar "
            "wachtwoord en horen niet in een echte database. Gebruik een lege database, of --force als je "
            "zeker weet dat dit een test- of demodatabase is."
        )
    seed_municipalities()
    created = 0
    for email, name, role, municipality, job in DEMO_USERS:
        if get_user_by_email(email) is None:
            create_user(email, name, role, municipality_code=municipality, password=DEMO_PASSWORD,
                        job_domain=job, check_password=False)
            created += 1
    db.session.flush()
    cohort = db.session.scalar(select(Cohort).where(Cohort.name == DEMO_COHORT))
    if cohort is None:
        cohort = create_cohort(
            DEMO_COHORT, "GM0363", 2026, reference="VG-2026-AMS-014", trainer_emails=["trainer@ebw.example.nl"],
            start=date(2026, 9, 1), end=date(2026, 12, 18), contact_hours="6",
        )
        created += 1
    for email, _name, role, _m, _j in DEMO_USERS:
        if role == "learner":
            _enrollment, new = enroll(get_user_by_email(email), cohort)
            created += int(new)
    db.session.flush()
    _demo_progress(cohort)
    db.session.flush()
    return f"Demo-gegevens geladen ({created} nieuw). Groep '{cohort.name}', id {cohort.id}, inschrijfcode {cohort.enrolment_code}."


def _demo_progress(cohort: Cohort) -> None:
    """Give one demo learner some progress and a handed-in exercise, so trainers and coordinators see figures.

    Only once: a learner who has started is left alone. The main demo learner (deelnemer@) stays fresh.
    """
    from .cohorts.models import Enrollment
    from .content import get_course
    from .learning.exercises import submit_exercise
    from .learning.pages import mark_page_read

    user = get_user_by_email("deelnemer.amstelveen@ebw.example.nl")
    enrollment = db.session.scalar(
        select(Enrollment).where(Enrollment.user_id == user.id, Enrollment.cohort_id == cohort.id)
    )
    course = get_course()
    if enrollment is None or enrollment.started_at is not None or len(course.modules) < 2:
        return
    first, second = course.modules[0], course.modules[1]
    for page in first.pages[:2]:
        mark_page_read(enrollment, first, page.number)
    for page in second.pages:
        mark_page_read(enrollment, second, page.number)
    exercise = second.exercise
    if exercise is not None:
        if exercise.kind == "checklist":
            answers = {item.id: {"scale": (exercise.scale or ("ja",))[i % 2],
                                 "explanation": "Dit staat in ons beleidsplan; de evaluatie is nog niet belegd."}
                       for i, item in enumerate(exercise.items)}
        else:
            answers = {item.id: {"text": "Ons antwoord voor onze eigen aanpak (oefenvoorbeeld)."}
                       for item in exercise.items}
        submit_exercise(enrollment, second, answers)
