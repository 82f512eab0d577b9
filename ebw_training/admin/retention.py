"""Retention (AVG): anonymise learners some time after their training ended, keeping the counts.

A learner is due when the latest of their enrolments, activity, login and cohort end date lies more
than the retention period (EBW_RETENTION_DAYS) in the past. Their name, e-mail, password, typed
exercise answers and kept drafts are removed; the enrolment rows with their figures stay, so the
completion counts per municipality and funding year do not change. Certificates keep the holder's
initials only, so the public verification page still works.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select, update

from ..accounts.models import LoginAttempt, MailMessage, PasswordResetToken, User, UserSession
from ..cohorts.models import Cohort, Enrollment
from ..core.audit import record_audit
from ..dossier.models import PeerReview, PlanAgreement
from ..extensions import db
from ..learning.models import Certificate, ExerciseAnswer, Intervention, PendingDraft
from ..timeutil import utcnow

ANONYMOUS_NAME = "Geanonimiseerd"


@dataclass(frozen=True)
class RetentionPolicy:
    """The periods the retention job and the privacy page both use (one source, so they cannot disagree)."""

    days: int  # learners are anonymised this long after their last sign of training; logins and mails too
    pending_draft_days: int  # answers kept after a logout are purged after this many days
    lrs_configured: bool  # learning activities are forwarded as xAPI statements (pseudonymous)

    @property
    def years(self) -> float:
        return round(self.days / 365, 1)


def retention_policy() -> RetentionPolicy:
    from flask import current_app

    from ..learning.exercises import PENDING_DRAFT_DAYS

    return RetentionPolicy(days=current_app.config["EBW_RETENTION_DAYS"], pending_draft_days=PENDING_DRAFT_DAYS,
                           lrs_configured=bool(current_app.config.get("EBW_LRS_URL")))


@dataclass
class RetentionResult:
    cutoff: datetime
    learners: list[int] = field(default_factory=list)
    login_attempts_removed: int = 0
    mails_removed: int = 0
    dry_run: bool = False


def due_learners(cutoff: datetime) -> list[int]:
    """Ids of learners, not yet anonymised, whose last sign of training lies before the cutoff."""
    last_enrollment = (
        select(
            Enrollment.user_id,
            func.max(Enrollment.enrolled_at).label("enrolled"),
            func.max(Enrollment.last_active_at).label("active"),
            func.max(Cohort.end_date).label("cohort_end"),
        )
        .join(Cohort, Cohort.id == Enrollment.cohort_id)
        .group_by(Enrollment.user_id)
        .subquery()
    )
    rows = db.session.execute(
        select(User.id, User.created_at, User.last_login_at, last_enrollment.c.enrolled, last_enrollment.c.active,
               last_enrollment.c.cohort_end)
        .outerjoin(last_enrollment, last_enrollment.c.user_id == User.id)
        .where(User.role == "learner", User.anonymised_at.is_(None))
    )
    due = []
    for user_id, created, login, enrolled, active, cohort_end in rows:
        moments = [m for m in (created, login, enrolled, active) if m is not None]
        if cohort_end is not None:
            moments.append(datetime.combine(cohort_end, datetime.min.time()))
        if moments and max(moments) < cutoff:
            due.append(user_id)
    return due


def run_retention(days: int, *, dry_run: bool = False, actor=None) -> RetentionResult:
    cutoff = utcnow() - timedelta(days=days)
    result = RetentionResult(cutoff=cutoff, learners=due_learners(cutoff), dry_run=dry_run)
    if dry_run:
        return result
    for user in db.session.scalars(select(User).where(User.id.in_(result.learners))):
        anonymise(user)
    result.login_attempts_removed = db.session.execute(
        delete(LoginAttempt).where(LoginAttempt.created_at < cutoff)
    ).rowcount or 0
    result.mails_removed = db.session.execute(delete(MailMessage).where(MailMessage.created_at < cutoff)).rowcount or 0
    db.session.execute(delete(PasswordResetToken).where(PasswordResetToken.expires_at < cutoff))
    # Logins: of anonymised learners all, of others those last used before the cutoff (long ended by then).
    db.session.execute(delete(UserSession).where(
        UserSession.user_id.in_(result.learners) | (UserSession.last_seen_at < cutoff)))
    record_audit("retention.run", actor=actor, days=days, anonymised=len(result.learners),
                 login_attempts_removed=result.login_attempts_removed, mails_removed=result.mails_removed)
    db.session.flush()
    return result


def _initials(name: str) -> str:
    """"Oud Deelnemer" -> "O. D.": what the verification page shows (as "O.D."), and nothing more."""
    from ..learning.certificates import initials

    return " ".join(f"{letter}." for letter in initials(name).split(".") if letter)


def anonymise(user: User) -> None:
    """Remove what identifies a learner; keep their municipality, job domain and figures for the counts."""
    enrollment_ids = select(Enrollment.id).where(Enrollment.user_id == user.id).scalar_subquery()
    db.session.execute(
        update(Certificate).where(Certificate.enrollment_id.in_(enrollment_ids))
        .values(holder_name=_initials(user.name)).execution_options(synchronize_session=False)
    )
    db.session.execute(
        update(ExerciseAnswer).where(ExerciseAnswer.enrollment_id.in_(enrollment_ids))
        .values(answers={}, feedback=None, intervention=None).execution_options(synchronize_session=False)
    )
    # The intervention, a colleague's assessment (the colleague's personal data) and the agreements.
    for model in (Intervention, PlanAgreement, PeerReview):
        db.session.execute(delete(model).where(model.enrollment_id.in_(enrollment_ids))
                           .execution_options(synchronize_session=False))
    db.session.execute(delete(PendingDraft).where(PendingDraft.user_id == user.id))
    db.session.execute(delete(MailMessage).where(MailMessage.recipient == user.email))
    db.session.execute(delete(PasswordResetToken).where(PasswordResetToken.user_id == user.id))
    user.name = ANONYMOUS_NAME
    user.email = f"geanonimiseerd-{user.pseudonym.lower()}@invalid"
    user.password_hash = None
    user.is_active_account = False
    user.last_login_at = None
    user.anonymised_at = utcnow()
    user.end_all_sessions()
