"""Mails for self-registration: the single-use confirmation link, and the notice to an address that already
has an account (the registration page says the same in both cases). Enrolling on confirmation is the
cohorts package's part (cohorts/registration.py)."""

from __future__ import annotations

from datetime import timedelta

from flask_babel import gettext as _
from sqlalchemy import func, select

from ..core.urls import external_url
from ..extensions import db
from ..timeutil import utcnow
from .mail import send_mail
from .models import MailMessage, PasswordResetToken, User
from .services import find_valid_token, issue_token

CONFIRM_HOURS = 48
MAILS_PER_HOUR = 3  # confirmation links and notices per address: nobody can flood a mailbox


def _recent_mails(address: str, kind: str) -> int:
    return db.session.scalar(
        select(func.count(MailMessage.id)).where(
            MailMessage.recipient == address, MailMessage.kind == kind,
            MailMessage.created_at > utcnow() - timedelta(hours=1),
        )
    )


def send_confirmation(user: User, cohort_id: int | None) -> bool:
    """Mail a (new) confirmation link; False when the hourly limit for this address was reached."""
    if _recent_mails(user.email, "confirm") >= MAILS_PER_HOUR:
        return False
    token = issue_token(user, "confirm", hours=CONFIRM_HOURS, cohort_id=cohort_id)
    link = external_url("registration.confirm_registration", token=token)
    send_mail(
        user.email,
        _("Bevestig je e-mailadres voor de EBW Leeromgeving"),
        _(
            "Beste %(name)s,\n\nJe hebt een account gemaakt voor de training Evidence Based Werken. Bevestig je "
            "e-mailadres via deze link; daarna ben je ingeschreven en kun je inloggen:\n\n%(link)s\n\n"
            "De link werkt %(hours)s uur en maar één keer. Heb je dit niet gedaan? Dan hoef je niets te doen: "
            "zonder bevestiging wordt er niets met dit adres gedaan.\n\nMet vriendelijke groet,\nEBW Leeromgeving",
            name=user.name, link=link, hours=CONFIRM_HOURS,
        ),
        kind="confirm",
    )
    return True


def send_confirmation_again(user: User) -> bool:
    """A fresh confirmation link for the cohort of the latest pending registration (the old link stops working)."""
    latest = db.session.scalar(
        select(PasswordResetToken)
        .where(PasswordResetToken.user_id == user.id, PasswordResetToken.purpose == "confirm")
        .order_by(PasswordResetToken.created_at.desc(), PasswordResetToken.id.desc())
        .limit(1)
    )
    sent = send_confirmation(user, latest.cohort_id if latest else None)
    db.session.flush()
    return sent


def send_existing_account_notice(user: User) -> None:
    if _recent_mails(user.email, "notice") >= MAILS_PER_HOUR:
        return
    send_mail(
        user.email,
        _("Je hebt al een account bij de EBW Leeromgeving"),
        _(
            "Beste %(name)s,\n\nIemand wilde met dit e-mailadres een nieuw account maken. Je hebt al een account, "
            "dus er is niets veranderd.\n\nWas jij het? Log dan in via %(login)s. Weet je je wachtwoord niet meer? "
            "Vraag een nieuw wachtwoord aan via %(forgot)s. Wil je in een nieuwe groep? Vraag het je trainer.\n\n"
            "Was jij het niet? Dan hoef je niets te doen.\n\nMet vriendelijke groet,\nEBW Leeromgeving",
            name=user.name, login=external_url("accounts.login"), forgot=external_url("accounts.forgot_password"),
        ),
        kind="notice",
    )


def find_confirmation(token: str) -> PasswordResetToken | None:
    return find_valid_token(token, ("confirm",))
