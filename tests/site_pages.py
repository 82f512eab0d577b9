"""Every page type of the site, for every role, on the demo data plus a learner who finished the course.

The HTML validity test (tests/test_html_validity.py) fetches these pages with the test client; the reflow test
(tests/browser/test_reflow.py) opens them in Chromium at 320 CSS pixels. A new GET route is picked up by the
route walk; a route that needs a URL value this module has no sample for fails loudly.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from flask import url_for
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from ebw_training.accounts.models import MailMessage, User
from ebw_training.cohorts.models import Cohort, ContactSession
from ebw_training.cohorts.services import current_enrollment
from ebw_training.content import EXTENSION_KEY
from ebw_training.core.permissions import access_of
from ebw_training.demo import DEMO_COHORT, load_demo
from ebw_training.extensions import db
from ebw_training.learning import certificates, progress
from ebw_training.learning import exercises as exercise_service
from ebw_training.learning import pages as page_service
from ebw_training.learning import quiz as quiz_service
from ebw_training.learning.models import ExerciseAnswer, VideoProgress
from ebw_training.timeutil import utcnow

LEARNER = "deelnemer@ebw.example.nl"
FINISHED = "deelnemer.diemen@ebw.example.nl"
ACCOUNTS = {
    "learner": LEARNER,
    "finished": FINISHED,
    "trainer": "trainer@ebw.example.nl",
    "coordinator_national": "coordinator@ebw.example.nl",
    "coordinator_municipal": "coordinator.amsterdam@ebw.example.nl",
    "admin": "admin@ebw.example.nl",
}
ROLE_OF = {"learner": "learner", "finished": "learner", "trainer": "trainer", "coordinator_national": "coordinator",
           "coordinator_municipal": "coordinator", "admin": "admin"}
# Routes that change state or end the session when opened; the domain tests cover them.
SKIPPED = {"accounts.logout", "pages.set_language", "pages.healthz"}


@dataclass
class Site:
    values: dict[str, object]
    extra: dict[str, list[str]] = field(default_factory=dict)  # role -> URLs beyond the route walk
    posts: dict[str, list[tuple[str, dict]]] = field(default_factory=dict)  # role -> forms sent with errors


def _form_for_quiz(quiz, right: bool) -> MultiDict:
    form = MultiDict()
    for question in quiz.questions:
        keys = [o.key for o in question.options]
        if question.type == "matching":
            for index, option in enumerate(question.options):
                form.add(f"q-{question.id}-{option.key}", option.key if right else keys[(index + 1) % len(keys)])
        else:
            for option in question.options:
                if option.correct == right:
                    form.add(f"q-{question.id}", option.key)
    return form


def complete_modules(app, email: str, skip: str | None = None) -> None:
    """Finish every module but `skip` through the services, as the learner would, to keep tests fast."""
    from ebw_training.content.exercise_kinds import EXERCISE_KINDS

    with app.test_request_context():
        user = db.session.scalar(select(User).where(User.email == email))
        enrollment = current_enrollment(user)
        for module in app.extensions[EXTENSION_KEY].modules:
            if module.slug == skip:
                continue
            for page in module.pages:
                page_service.mark_page_read(enrollment, module, page.number)
            if module.quiz:
                quiz_service.submit_quiz(enrollment, module, _form_for_quiz(module.quiz, True),
                                         quiz_service.new_submission_token(enrollment, module))
            if module.exercise:
                exercise = module.exercise
                kind = EXERCISE_KINDS[exercise.kind]
                fields = MultiDict()
                for item in exercise.items:
                    fields.add(f"item-{item.id}-scale", exercise.scale[0] if exercise.scale else "")
                    fields.add(f"item-{item.id}-text", f"Antwoord op {item.id}")
                exercise_service.submit_exercise(enrollment, module, kind.answers_from_form(exercise, fields))
        db.session.commit()
        db.session.remove()


def _watch_videos(app, email: str) -> None:
    with app.test_request_context():
        user = db.session.scalar(select(User).where(User.email == email))
        enrollment = current_enrollment(user)
        for module in app.extensions[EXTENSION_KEY].modules:
            video = module.video
            if video is None or video.external_url or not video.duration:
                continue
            db.session.add(VideoProgress(enrollment_id=enrollment.id, video=video.name, duration=video.duration,
                                         segments=[[0.0, video.duration]], watched_at=utcnow(),
                                         content_version=module.version or "onbekend"))
        db.session.flush()
        progress.refresh_enrollment_summary(enrollment, cause="Video bekeken")
        db.session.commit()
        db.session.remove()


def build_site(app) -> Site:
    """Load the demo data, finish the course for one learner and start it for another; return the sample values."""
    with app.app_context():
        load_demo()
        db.session.remove()
    _watch_videos(app, FINISHED)
    complete_modules(app, FINISHED)
    with app.test_request_context():
        course = app.extensions[EXTENSION_KEY]
        finished = current_enrollment(db.session.scalar(select(User).where(User.email == FINISHED)))
        certificate = certificates.issue_certificate(finished)
        learner = current_enrollment(db.session.scalar(select(User).where(User.email == LEARNER)))
        first = course.modules[0]
        page_service.mark_page_read(learner, first, 1)
        attempt, _new = quiz_service.submit_quiz(learner, first, _form_for_quiz(first.quiz, False),
                                                 quiz_service.new_submission_token(learner, first))
        cohort = db.session.scalar(select(Cohort).where(Cohort.name == DEMO_COHORT))
        from datetime import date

        from ebw_training.cohorts.services import add_contact_session

        add_contact_session(cohort, "Startbijeenkomst", date(2026, 9, 1), "3")
        db.session.add(MailMessage(recipient=LEARNER, subject="Welkom", body="Hallo Daan,\n\nWelkom bij de training."))
        db.session.commit()
        answer = db.session.scalar(select(ExerciseAnswer).where(ExerciseAnswer.status == "submitted")
                                   .order_by(ExerciseAnswer.id))
        values = {
            "cohort_id": cohort.id,
            "user_id": learner.user_id,
            "enrollment_id": learner.id,
            "message_id": db.session.scalar(select(MailMessage.id).order_by(MailMessage.id.desc()).limit(1)),
            "session_id": db.session.scalar(select(ContactSession.id).limit(1)),
            "answer_id": answer.id,
            "token": "not-a-valid-token",
            "slug": first.slug,
            "page": 1,
            "number": 2,
            "code": certificate.code,
            "filename": "css/app.css",
            "export_id": 1,
            "attempt_id": attempt.id,
            "municipality_code": "GM0363",
            "year": 2026,
            "name": "intro-ebw",
        }
        site = Site(values=values)
        learner_pages = []
        for module in course.modules:
            learner_pages.append(url_for("learning.module", slug=module.slug))
            learner_pages += [url_for("learning.page", slug=module.slug, number=p.number) for p in module.pages]
            if module.quiz:
                learner_pages.append(url_for("learning.quiz", slug=module.slug))
            if module.exercise:
                learner_pages.append(url_for("learning.exercise", slug=module.slug))
            if module.video:
                learner_pages.append(url_for("learning.video", slug=module.slug))
        learner_pages.append(url_for("learning.quiz_result", slug=first.slug, attempt_id=attempt.id))
        finished_attempt = quiz_service.attempts_for(finished, first.slug)[0]
        site.extra = {
            "learner": learner_pages,
            "finished": [url_for("learning.quiz_result", slug=first.slug, attempt_id=finished_attempt.id),
                         url_for("learning.certificate"), url_for("learning.overview")],
            "anonymous": ["/bestaat-niet", url_for("learning.verify", code="ONBEKEND-0000")],
            "admin": [url_for("admin.cohort_edit"), url_for("admin.user_edit", user_id=finished.user_id)],
        }
        exercise_module = next(m for m in course.modules if m.exercise)
        site.posts = {
            "anonymous": [("/login", {"email": "geen-adres", "password": ""}),
                          ("/register", {"email": "x", "name": "", "password": "kort"}),
                          ("/wachtwoord-vergeten", {"email": "geen-adres"})],
            "learner": [(url_for("learning.quiz", slug=first.slug), {"token": "geen-geldig-formulier"}),
                        (url_for("learning.exercise", slug=exercise_module.slug), {"action": "submit"})],
            "admin": [(url_for("admin.user_new"), {"email": "geen-adres", "name": ""}),
                      (url_for("admin.cohort_edit"), {"name": "", "year": "nooit"})],
        }
        db.session.remove()
    return site


def _allowed(access: tuple[str, ...], role: str) -> bool:
    if "public" in access:
        return True
    if role == "anonymous":
        return False
    return "authenticated" in access or ROLE_OF[role] in access


def page_urls(app, site: Site, role: str) -> list[str]:
    """Every GET page the role may open (route walk plus the extra page types), without duplicates."""
    urls = []
    with app.test_request_context():
        for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
            if rule.endpoint == "static" or rule.endpoint in SKIPPED or "GET" not in rule.methods:
                continue
            if not _allowed(access_of(app.view_functions[rule.endpoint]), role):
                continue
            unknown = [a for a in rule.arguments if a not in site.values and a not in (rule.defaults or {})]
            assert not unknown, f"{rule.endpoint}: add sample values for {unknown} in tests/site_pages.py"
            args = {a: site.values[a] for a in rule.arguments if a not in (rule.defaults or {})}
            urls.append(url_for(rule.endpoint, **args))
    urls += site.extra.get(role, [])
    return list(dict.fromkeys(urls))
