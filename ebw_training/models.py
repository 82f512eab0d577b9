"""All models, imported in one place so that metadata and Alembic see every table."""

from .accounts.models import LoginAttempt, MailMessage, PasswordResetToken, User
from .cohorts.models import Attendance, Cohort, ContactSession, Enrollment, Reminder, cohort_trainer
from .core.audit import AuditEvent
from .dossier.models import PeerReview, PlanAgreement
from .interop.models import XapiStatement
from .learning.models import (
    Certificate,
    CompletionEvent,
    ExerciseAnswer,
    Intervention,
    PageRead,
    PendingDraft,
    QuizAttempt,
    VideoProgress,
)
from .municipalities.models import Municipality

__all__ = [
    "Attendance",
    "AuditEvent",
    "Certificate",
    "Cohort",
    "CompletionEvent",
    "ContactSession",
    "Enrollment",
    "ExerciseAnswer",
    "Intervention",
    "LoginAttempt",
    "MailMessage",
    "Municipality",
    "PageRead",
    "PeerReview",
    "PlanAgreement",
    "PasswordResetToken",
    "PendingDraft",
    "QuizAttempt",
    "Reminder",
    "User",
    "VideoProgress",
    "XapiStatement",
    "cohort_trainer",
]
