"""Account operations, called by the views, the CLI and the tests alike."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from importlib import resources

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, select
from werkzeug.security import check_password_hash, generate_password_hash

from ..core.audit import record_audit
from ..core.errors import ValidationError
from ..core.urls import external_url
from ..extensions import db
from ..municipalities.models import Municipality
from ..timeutil import utcnow
from .mail import send_mail
from .models import JOB_DOMAINS, ROLES, LoginAttempt, PasswordResetToken, User

MIN_PASSWORD_LENGTH = 12
RESET_MAILS_PER_HOUR = 3
MAX_NAME_LENGTH = 120


_common_passwords: frozenset[str] | None = None


def common_passwords() -> frozenset[str]:
    global _common_passwords
    if _common_passwords is None:
        text = resources.files("ebw_training.data").joinpath("common-passwords.txt").read_text("utf-8")
        _common_passwords = frozenset(
            line.strip().lower() for line in text.splitlines() if line.strip() and not line.startswith("#")
        )
    return _common_passwords


def has_control_characters(text: str) -> bool:
    """Tabs, line breaks, NUL and other invisible control characters (they differ between CSV and XLSX)."""
    import unicodedata

    return any(unicodedata.category(ch) in ("Cc", "Cf") and ch not in "\u200d" for ch in text)


def password_problem(password: str, email: str | None = None, name: str | None = None) -> str | None:
    """The Dutch reason a password is too weak, or None when it is fine."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return _("Kies een wachtwoord van minstens %(n)s tekens.", n=MIN_PASSWORD_LENGTH)
    if len(password) > 200:
        return _("Kies een wachtwoord van hoogstens 200 tekens.")
    lowered = password.lower()
    if lowered in common_passwords() or len(set(lowered)) <= 3:
        return _("Dit wachtwoord is te makkelijk te raden. Kies een langere zin of een andere combinatie.")
    for part in (email or "").lower().split("@")[:1] + (name or "").lower().split():
        if len(part) >= 4 and part in lowered and len(lowered) - len(part) < 8:
            return _("Je wachtwoord lijkt te veel op je naam of e-mailadres.")
    return None


def hash_password(password: str) -> str:
    return generate_password_hash(password, method="scrypt")


def normalise_email(email: str) -> str:
    return (email or "").strip().lower()


def valid_email(address: str) -> str:
    """The address, checked by email-validator and lower-cased; a ValidationError with a Dutch message otherwise.

    Refuses line breaks and other characters that would break a mail header.
    """
    from email_validator import EmailNotValidError, validate_email

    try:
        result = validate_email((address or "").strip(), check_deliverability=False)
    except EmailNotValidError:
        raise ValidationError(_("Vul een geldig e-mailadres in, zoals naam@gemeente.nl."), "email") from None
    return result.normalized.lower()


def get_user_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == normalise_email(email)))


def get_municipality(code: str | None) -> Municipality | None:
    if not code:
        return None
    return db.session.get(Municipality, code.strip().upper())


def create_user(
    email: str,
    name: str,
    role: str,
    *,
    municipality_code: str | None = None,
    password: str | None = None,
    job_domain: str | None = None,
    actor: User | None = None,
    check_password: bool = True,
) -> User:
    """Create a user after validating every field; raises ValidationError with a Dutch message."""
    name = (name or "").strip()
    if role not in ROLES:
        raise ValidationError(_("Onbekende rol: %(role)s.", role=role), "role")
    if not name:
        raise ValidationError(_("Vul een naam in."), "name")
    if len(name) > MAX_NAME_LENGTH:
        raise ValidationError(_("Een naam mag hoogstens %(n)s tekens hebben.", n=MAX_NAME_LENGTH), "name")
    if has_control_characters(name):
        raise ValidationError(_("Een naam mag geen onzichtbare tekens bevatten."), "name")
    email = valid_email(email)
    if get_user_by_email(email) is not None:
        raise ValidationError(_("Er is al een account met dit e-mailadres."), "email")
    municipality = None
    if municipality_code:
        municipality = get_municipality(municipality_code)
        if municipality is None:
            raise ValidationError(
                _("Onbekende gemeentecode %(code)s. Gebruik de CBS-code, zoals GM0363.", code=municipality_code),
                "municipality",
            )
    if role == "learner" and municipality is None:
        raise ValidationError(_("Kies de gemeente waar je werkt."), "municipality")
    if job_domain and job_domain not in JOB_DOMAINS:
        raise ValidationError(_("Kies een werkveld uit de lijst."), "job_domain")
    if password is not None and check_password:
        problem = password_problem(password, email, name)
        if problem:
            raise ValidationError(problem, "password")
    user = User(
        email=email,
        name=name,
        role=role,
        municipality_code=municipality.code if municipality else None,
        job_domain=job_domain,
        password_hash=hash_password(password) if password else None,
    )
    db.session.add(user)
    db.session.flush()
    record_audit("user.created", actor=actor, target=f"user:{user.id}", role=role)
    return user


def change_role(user: User, role: str, *, municipality_code: str | None = None, actor: User | None) -> None:
    """Change a user's role and municipality (audited). A coordinator without a municipality is national."""
    if role not in ROLES:
        raise ValidationError(_("Onbekende rol: %(role)s.", role=role), "role")
    municipality = get_municipality(municipality_code) if municipality_code else None
    if municipality_code and municipality is None:
        raise ValidationError(_("Onbekende gemeentecode %(code)s.", code=municipality_code), "municipality")
    if role == "learner" and municipality is None:
        raise ValidationError(_("Een deelnemer hoort bij een gemeente."), "municipality")
    if user.role == "learner" and role != "learner":
        if user.enrollments:
            raise ValidationError(
                _("Deze deelnemer staat in een groep. Een andere rol zou de afrondingsgegevens van die groep "
                  "veranderen. Maak liever een apart account voor de nieuwe rol."),
                "role",
            )
    old = (user.role, user.municipality_code)
    user.role = role
    user.municipality_code = municipality.code if municipality else None
    record_audit(
        "user.role_changed",
        actor=actor,
        target=f"user:{user.id}",
        old_role=old[0],
        old_municipality=old[1],
        new_role=user.role,
        new_municipality=user.municipality_code,
    )


def set_active(user: User, active: bool, *, actor: User | None) -> None:
    user.is_active_account = active
    if not active:
        user.end_all_sessions()
    record_audit("user.activated" if active else "user.deactivated", actor=actor, target=f"user:{user.id}")


def set_password(user: User, password: str) -> None:
    problem = password_problem(password, user.email, user.name)
    if problem:
        raise ValidationError(problem, "password")
    user.password_hash = hash_password(password)


# --- login and throttling ---------------------------------------------------------------


def _email_key(email: str) -> str:
    return hashlib.sha256(normalise_email(email).encode()).hexdigest()


def is_throttled(email: str, ip: str | None) -> bool:
    """Too many failed logins from this client address, for this account or across all accounts.

    Failures from other addresses never count: nobody can lock someone else out from elsewhere.
    Counted in the database, so every worker sees the same numbers.
    """
    config = current_app.config
    since = utcnow() - timedelta(minutes=config["LOGIN_THROTTLE_WINDOW_MINUTES"])
    failed_here = (LoginAttempt.ip == ip) if ip else LoginAttempt.ip.is_(None)
    failed_here = failed_here & LoginAttempt.success.is_(False)
    from_address = db.session.scalar(
        select(func.count(LoginAttempt.id)).where(failed_here, LoginAttempt.created_at > since)
    )
    if from_address >= config["LOGIN_THROTTLE_MAX_FAILURES_PER_ADDRESS"]:
        return True
    key = _email_key(email)
    last_success = db.session.scalar(
        select(func.max(LoginAttempt.created_at)).where(
            LoginAttempt.email_key == key, LoginAttempt.ip == ip, LoginAttempt.success.is_(True)
        )
    )
    if last_success and last_success > since:
        since = last_success
    failures = db.session.scalar(
        select(func.count(LoginAttempt.id)).where(
            LoginAttempt.email_key == key, failed_here, LoginAttempt.created_at > since
        )
    )
    return failures >= config["LOGIN_THROTTLE_MAX_FAILURES"]


_dummy_hash: str | None = None


def _dummy_password_hash() -> str:
    """A hash of a random password made like real ones, checked when the account does not exist."""
    global _dummy_hash
    if _dummy_hash is None:
        _dummy_hash = hash_password(secrets.token_urlsafe(16))
    return _dummy_hash


def authenticate(email: str, password: str, ip: str | None = None) -> User | None:
    """The user when the password is right and the account active; records the attempt.

    Exactly one password hash is checked whether the account exists or not, so the answer takes
    as long for an unknown address as for a known one.
    """
    user = get_user_by_email(email)
    stored = user.password_hash if user is not None and user.password_hash else None
    matches = check_password_hash(stored or _dummy_password_hash(), password)
    ok = bool(matches and stored and user.is_active_account)
    db.session.add(LoginAttempt(email_key=_email_key(email), ip=ip, success=ok))
    if ok:
        user.last_login_at = utcnow()
    else:
        record_audit("login.failed", target=f"user:{user.id}" if user else None, ip=ip)
    db.session.flush()
    return user if ok else None


# --- password reset and invitations ---------------------------------------------------------


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


PASSWORD_PURPOSES = ("reset", "invite")


def issue_token(user: User, purpose: str = "reset", hours: int | None = None, cohort_id: int | None = None) -> str:
    """A new single-use link token; earlier unused tokens of the same purpose stop working."""
    hours = hours or (current_app.config["PASSWORD_RESET_HOURS"] if purpose == "reset" else 24 * 14)
    now = utcnow()
    for older in db.session.scalars(select(PasswordResetToken).where(
            PasswordResetToken.user_id == user.id, PasswordResetToken.purpose == purpose,
            PasswordResetToken.used_at.is_(None))):
        older.used_at = now
    token = secrets.token_urlsafe(32)
    db.session.add(
        PasswordResetToken(
            user_id=user.id,
            token_hash=_token_hash(token),
            purpose=purpose,
            cohort_id=cohort_id,
            expires_at=now + timedelta(hours=hours),
        )
    )
    db.session.flush()
    return token


def find_valid_token(token: str, purposes: tuple[str, ...] = PASSWORD_PURPOSES) -> PasswordResetToken | None:
    row = db.session.scalar(select(PasswordResetToken).where(PasswordResetToken.token_hash == _token_hash(token)))
    if row is None or row.used_at is not None or row.expires_at < utcnow() or row.purpose not in purposes:
        return None
    return row


def request_password_reset(email: str) -> None:
    """Send a reset link when the account exists; says nothing either way (no account probing)."""
    user = get_user_by_email(email)
    if user is None or not user.is_active_account:
        return
    recent = db.session.scalar(
        select(func.count(PasswordResetToken.id)).where(
            PasswordResetToken.user_id == user.id,
            PasswordResetToken.purpose == "reset",
            PasswordResetToken.created_at > utcnow() - timedelta(hours=1),
        )
    )
    if recent >= RESET_MAILS_PER_HOUR:  # nobody can flood a mailbox with reset mails
        return
    send_reset_mail(user)


def send_reset_mail(user: User) -> None:
    token = issue_token(user, "reset")
    link = external_url("accounts.reset_password", token=token)
    hours = current_app.config["PASSWORD_RESET_HOURS"]
    send_mail(
        user.email,
        _("Nieuw wachtwoord voor de EBW Leeromgeving"),
        _(
            "Beste %(name)s,\n\nJe hebt gevraagd om een nieuw wachtwoord. Kies het via deze link:\n\n%(link)s\n\n"
            "De link werkt %(hours)s uur en maar één keer. Heb je dit niet gevraagd? Dan hoef je niets te doen.\n\n"
            "Met vriendelijke groet,\nEBW Leeromgeving",
            name=user.name,
            link=link,
            hours=hours,
        ),
        kind="reset",
    )
    db.session.flush()


def complete_password_reset(token: str, password: str) -> User:
    row = find_valid_token(token)
    if row is None:
        raise ValidationError(_("Deze link is verlopen of al gebruikt. Vraag een nieuwe link aan."), "token")
    set_password(row.user, password)
    row.user.email_confirmed = True  # the link reached the mailbox
    row.user.end_all_sessions()
    row.used_at = utcnow()
    # Any other open tokens of this user become useless too.
    for other in db.session.scalars(
        select(PasswordResetToken).where(
            PasswordResetToken.user_id == row.user_id, PasswordResetToken.used_at.is_(None),
            PasswordResetToken.purpose.in_(PASSWORD_PURPOSES),
        )
    ):
        other.used_at = row.used_at
    record_audit("user.password_reset", target=f"user:{row.user_id}")
    db.session.flush()
    return row.user


def send_invitation(user: User, cohort_name: str | None = None) -> None:
    token = issue_token(user, "invite")
    link = external_url("accounts.reset_password", token=token)
    send_mail(
        user.email,
        _("Uitnodiging: training Evidence Based Werken"),
        _(
            "Beste %(name)s,\n\nJe bent ingeschreven voor de training Evidence Based Werken bij de preventie van "
            "radicalisering%(cohort)s.\n\nKies je wachtwoord via deze link (14 dagen geldig):\n\n%(link)s\n\n"
            "Met vriendelijke groet,\nEBW Leeromgeving",
            name=user.name,
            cohort=f" ({cohort_name})" if cohort_name else "",
            link=link,
        ),
        kind="invite",
    )
