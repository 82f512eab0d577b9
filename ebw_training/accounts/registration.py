"""Self-registration with a cohort's enrolment code, confirmed by a single-use link to the e-mail address.

The account exists from the moment the form is sent, but it cannot log in and is not enrolled until the
owner of the address follows the link: only then does the enrolment count in reports and exports.
A registration for an address that already has an account mails that address a notice; the page says
the same in both cases, so nobody learns from it which addresses have an account.
"""

from __future__ import annotations

from datetime import timedelta

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from ..core.errors import ValidationError
from ..core.urls import external_url
from ..extensions import db
from ..timeutil import utcnow
from .mail import send_mail
from .models import JOB_DOMAINS, MailMessage, PasswordResetToken, User
from .services import (
    create_user,
    find_valid_token,
    get_municipality,
    get_user_by_email,
    hash_password,
    issue_token,
    valid_email,
)

CONFIRM_HOURS = 48
MAILS_PER_HOUR = 3  # confirmation links and notices per address: nobody can flood a mailbox


def _recent_mails(address: str, kind: str) -> int:
    return db.session.scalar(
        select(func.count(MailMessage.id)).where(
            MailMessage.recipient == address, MailMessage.kind == kind,
            MailMessage.created_at > utcnow() - timedelta(hours=1),
        )
    )


def register_learner(enrolment_code: str, name: str, email: str, municipality_code: str, job_domain: str,
                     password: str) -> None:
    """Create an unconfirmed learner and mail the confirmation link, or mail the existing account a notice.

    Raises ValidationError (nothing saved) for bad input; the outcome is otherwise the same for both cases.
    """
    from ..cohorts.services import find_cohort_by_code

    cohort = find_cohort_by_code(enrolment_code)
    if cohort is None:
        raise ValidationError(
            _("Deze inschrijfcode kennen we niet. Controleer de code of vraag je trainer om de juiste code."),
            "enrolment_code",
        )
    address = valid_email(email)
    if get_municipality(municipality_code) is None:
        raise ValidationError(_("Kies de gemeente waar je werkt."), "municipality")
    if job_domain and job_domain not in JOB_DOMAINS:
        raise ValidationError(_("Kies een werkveld uit de lijst."), "job_domain")
    existing = get_user_by_email(address)
    if existing is not None:
        hash_password(password)  # the same work as a new account: the answer takes as long
        _send_existing_account_notice(existing)
        db.session.commit()
        return
    try:
        user = create_user(address, name, "learner", municipality_code=municipality_code, password=password,
                           job_domain=job_domain)
        user.email_confirmed = False
        send_confirmation(user, cohort.id)
        db.session.commit()
    except ValidationError:
        db.session.rollback()
        raise
    except IntegrityError:  # the same form sent twice at the same moment: the first one made the account
        db.session.rollback()


def send_confirmation(user: User, cohort_id: int | None) -> bool:
    """Mail a (new) confirmation link; False when the hourly limit for this address was reached."""
    if _recent_mails(user.email, "confirm") >= MAILS_PER_HOUR:
        return False
    token = issue_token(user, "confirm", hours=CONFIRM_HOURS, cohort_id=cohort_id)
    link = external_url("accounts.confirm_registration", token=token)
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


def resend_confirmation(user: User) -> bool:
    """A fresh confirmation link for the cohort of the latest pending registration (committed)."""
    sent = send_confirmation_again(user)
    db.session.commit()
    return sent


def send_confirmation_again(user: User) -> bool:
    latest = db.session.scalar(
        select(PasswordResetToken)
        .where(PasswordResetToken.user_id == user.id, PasswordResetToken.purpose == "confirm")
        .order_by(PasswordResetToken.created_at.desc(), PasswordResetToken.id.desc())
        .limit(1)
    )
    return send_confirmation(user, latest.cohort_id if latest else None)


def _send_existing_account_notice(user: User) -> None:
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


def confirm_registration(token: str) -> User:
    """Confirm the address and enrol in the cohort of the registration (once; the link then stops working)."""
    from ..cohorts.models import Cohort
    from ..cohorts.services import enroll

    row = find_confirmation(token)
    if row is None:
        raise ValidationError(_("Deze link is verlopen of al gebruikt. Log in om een nieuwe link te krijgen."),
                              "token")
    user = row.user
    row.used_at = utcnow()
    user.email_confirmed = True
    cohort = db.session.get(Cohort, row.cohort_id) if row.cohort_id else None
    if cohort is not None:
        enroll(user, cohort, actor=user)
    db.session.commit()
    return user
