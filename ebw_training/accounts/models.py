from __future__ import annotations

import secrets
from datetime import datetime

from flask_babel import lazy_gettext as _l
from flask_login import UserMixin
from sqlalchemy import ForeignKey, String, Text, true
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..timeutil import utcnow

ROLES = ("learner", "trainer", "coordinator", "admin")

# Job domains a learner chooses at registration (the export column `functie` holds the key).
JOB_DOMAINS = {
    "oov": _l("Openbare orde en veiligheid (OOV)"),
    "sociaal_domein": _l("Sociaal domein"),
    "onderzoek": _l("Onderzoek en statistiek"),
    "uitvoering": _l("Uitvoering van interventies"),
    "beleid_overig": _l("Ander beleidsterrein"),
}
ROLE_LABELS = {
    "learner": _l("deelnemer"),
    "trainer": _l("trainer"),
    "coordinator": _l("coördinator"),
    "admin": _l("beheerder"),
}

_PSEUDONYM_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def new_pseudonym() -> str:
    """A stable random participant id (not the database id, not derived from the e-mail)."""
    body = "".join(secrets.choice(_PSEUDONYM_ALPHABET) for _ in range(10))
    return f"D-{body[:5]}-{body[5:]}"


class User(UserMixin, db.Model):
    __tablename__ = "user_account"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    role: Mapped[str] = mapped_column(String(20), index=True)
    municipality_code: Mapped[str | None] = mapped_column(ForeignKey("municipality.code"), index=True)
    job_domain: Mapped[str | None] = mapped_column(String(40))
    password_hash: Mapped[str | None] = mapped_column(String(255))
    is_active_account: Mapped[bool] = mapped_column(default=True)
    pseudonym: Mapped[str] = mapped_column(String(20), unique=True, default=new_pseudonym)
    locale: Mapped[str | None] = mapped_column(String(5))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_login_at: Mapped[datetime | None]
    anonymised_at: Mapped[datetime | None]
    removal_requested_at: Mapped[datetime | None]  # the learner asked for their account to be removed
    # False for a self-registration until the owner of the address follows the confirmation link.
    email_confirmed: Mapped[bool] = mapped_column(default=True, server_default=true())

    municipality = relationship("Municipality", lazy="joined")
    # Read-only view of the enrolments (owned by cohorts), named by string so accounts imports nothing of cohorts.
    enrollments = relationship("Enrollment", viewonly=True, lazy="select")

    def get_id(self) -> str:
        # flask-login keeps this in the session cookie: the random id of this browser's server-side session.
        return getattr(self, "session_token", "")

    def end_all_sessions(self) -> None:
        """Log the user out everywhere (after a password reset or when the account is switched off)."""
        from sqlalchemy import update

        db.session.execute(
            update(UserSession)
            .where(UserSession.user_id == self.id, UserSession.ended_at.is_(None))
            .values(ended_at=utcnow())
        )

    @property
    def is_active(self) -> bool:  # flask-login refuses inactive accounts
        return self.is_active_account

    @property
    def is_national_coordinator(self) -> bool:
        return self.role == "coordinator" and self.municipality_code is None

    @property
    def job_domain_label(self) -> str:
        return str(JOB_DOMAINS.get(self.job_domain or "", ""))

    @property
    def role_label(self) -> str:
        return str(ROLE_LABELS.get(self.role, self.role))

    def __repr__(self) -> str:
        return f"<User {self.id} {self.role}>"


class UserSession(db.Model):
    """One logged-in browser. The cookies hold random tokens; only their SHA-256 is stored here.

    `token_hash` belongs to the session cookie (ends `expires_at`, extended while the browser is in use);
    `remember_hash` to the "stay logged in" cookie, replaced by a new token each time it is used.
    """

    __tablename__ = "user_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    remember_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    device: Mapped[str] = mapped_column(String(120), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    remember_expires_at: Mapped[datetime | None]
    ended_at: Mapped[datetime | None]

    def is_live(self, now: datetime) -> bool:
        if self.ended_at is not None:
            return False
        return self.expires_at > now or bool(self.remember_hash and self.remember_expires_at
                                             and self.remember_expires_at > now)


class LoginAttempt(db.Model):
    """Failed and successful logins, in the database so throttling works across workers."""

    __tablename__ = "login_attempt"

    id: Mapped[int] = mapped_column(primary_key=True)
    email_key: Mapped[str] = mapped_column(String(64), index=True)  # sha256 of the lower-cased e-mail
    ip: Mapped[str | None] = mapped_column(String(45), index=True)
    success: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)


class PasswordResetToken(db.Model):
    __tablename__ = "password_reset_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    purpose: Mapped[str] = mapped_column(String(20), default="reset")  # reset | invite | confirm
    # For `confirm`: the cohort the self-registration enrols in once the address is confirmed.
    cohort_id: Mapped[int | None] = mapped_column(ForeignKey("cohort.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]

    user = relationship("User")


class MailMessage(db.Model):
    """Every mail the platform sends; without SMTP this is the outbox admins read."""

    __tablename__ = "mail_message"

    id: Mapped[int] = mapped_column(primary_key=True)
    recipient: Mapped[str] = mapped_column(String(254), index=True)
    subject: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    sent_at: Mapped[datetime | None]
    transport: Mapped[str] = mapped_column(String(10), default="outbox")  # outbox | smtp
    error: Mapped[str | None] = mapped_column(Text)
    # reset | invite | confirm for mails with a sign-in link (shown masked; "send again" makes a new link).
    kind: Mapped[str | None] = mapped_column(String(20))
