"""Self-registration with a cohort's enrolment code, confirmed by a single-use link to the e-mail address.

The account exists from the moment the form is sent, but it cannot log in and is not enrolled until the
owner of the address follows the link: only then does the enrolment exist and count in reports and exports.
A registration for an address that already has an account mails that address a notice; the page says the
same in both cases, so nobody learns from it which addresses have an account.
"""

from __future__ import annotations

from flask_babel import gettext as _

from ..accounts.confirmation import find_confirmation, send_confirmation, send_existing_account_notice
from ..accounts.models import JOB_DOMAINS, User
from ..accounts.services import create_user, get_municipality, get_user_by_email, hash_password, valid_email
from ..core.errors import ValidationError
from ..extensions import db
from ..timeutil import utcnow
from .models import Cohort
from .services import enroll, find_cohort_by_code


def register_learner(enrolment_code: str, name: str, email: str, municipality_code: str, job_domain: str,
                     password: str) -> None:
    """Create an unconfirmed learner and mail the confirmation link, or mail the existing account a notice.

    Raises ValidationError for bad input (the view rolls back); otherwise the outcome looks the same either way.
    """
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
        hash_password(password)  # the same work as for a new account: the answer takes as long
        send_existing_account_notice(existing)
        db.session.flush()
        return
    # The same form sent twice at the same moment: the second insert fails on the unique e-mail address and
    # the app answers it as the double submit it is (409).
    user = create_user(address, name, "learner", municipality_code=municipality_code, password=password,
                       job_domain=job_domain)
    user.email_confirmed = False
    send_confirmation(user, cohort.id)
    db.session.flush()


def confirm_registration(token: str) -> User:
    """Confirm the address and enrol in the cohort of the registration (once; the link then stops working)."""
    row = find_confirmation(token)
    if row is None:
        raise ValidationError(_("Deze link is verlopen of al gebruikt. Log in om een nieuwe link te krijgen."),
                              "token")
    user = row.user
    row.used_at = utcnow()
    user.email_confirmed = True
    cohort = db.session.get(Cohort, row.cohort_id) if row.cohort_id else None
    if cohort is not None and not cohort.archived:  # an archived cohort takes no new learners
        enroll(user, cohort, actor=user)
    db.session.flush()
    return user
