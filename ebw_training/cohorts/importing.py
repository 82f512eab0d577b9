"""Bulk import of learners from CSV: validate every row first, import all or nothing."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from ..accounts.models import JOB_DOMAINS
from ..accounts.services import (
    MAX_NAME_LENGTH,
    create_user,
    get_municipality,
    get_user_by_email,
    has_control_characters,
    send_invitation,
    valid_email,
)
from ..core.errors import ValidationError
from ..extensions import db
from .services import enroll

COLUMNS = ("naam", "email", "gemeente_code", "functie")
REQUIRED_COLUMNS = ("naam", "email", "gemeente_code")


@dataclass
class ImportResult:
    created: int = 0
    enrolled_existing: int = 0
    errors: list[str] = field(default_factory=list)
    invited: list = field(default_factory=list)  # new accounts to invite once the import is committed


def decode_csv(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise ValidationError(
            _(
                "Het bestand is geen UTF-8 (regel %(line)s). Sla het in Excel op als 'CSV UTF-8 (door lijstscheidingsteken "
                "gescheiden)' en probeer het opnieuw.",
                line=line,
            ),
            "file",
        ) from None


def parse_rows(text: str) -> tuple[list[dict[str, str]], list[str]]:
    """Rows keyed by column name, plus Dutch error messages with row numbers (row 1 is the header)."""
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") >= first_line.count(",") else ","
    reader = csv.DictReader(io.StringIO(text), delimiter=delimiter)
    header = [(h or "").strip().lower() for h in (reader.fieldnames or [])]
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if missing:
        return [], [_("Rij 1: de kolom(men) %(cols)s ontbreken. Verwacht: %(all)s.",
                       cols=", ".join(missing), all=";".join(COLUMNS))]
    reader.fieldnames = header
    rows, errors, seen = [], [], {}
    for number, raw in enumerate(reader, start=2):
        if None in raw:
            errors.append(_("Rij %(n)s: meer waarden dan kolommen.", n=number))
            continue
        row = {k: (v or "").strip() for k, v in raw.items() if k}
        if not any(row.values()):
            continue
        problems = []
        if not row.get("naam"):
            problems.append(_("naam ontbreekt"))
        elif len(row["naam"]) > MAX_NAME_LENGTH:
            problems.append(_("naam is langer dan %(n)s tekens", n=MAX_NAME_LENGTH))
        elif has_control_characters(row["naam"]):
            problems.append(_("naam bevat onzichtbare tekens"))
        try:
            email = valid_email(row.get("email", ""))
        except ValidationError:
            email = None
            shown = "".join(ch if ch.isprintable() else "?" for ch in row.get("email", ""))[:100]
            problems.append(_("e-mailadres '%(e)s' is ongeldig", e=shown))
        if email is None:
            pass  # reported above
        elif email in seen:
            problems.append(_("e-mailadres staat ook in rij %(n)s", n=seen[email]))
        else:
            seen[email] = number
            existing = get_user_by_email(email)
            if existing is not None and existing.role != "learner":
                problems.append(_("%(e)s hoort bij een account dat geen deelnemer is", e=email))
        if get_municipality(row.get("gemeente_code")) is None:
            problems.append(_("gemeentecode '%(c)s' bestaat niet", c=row.get("gemeente_code", "")))
        if row.get("functie") and row["functie"] not in JOB_DOMAINS:
            problems.append(_("functie '%(f)s' is onbekend (kies uit %(all)s)", f=row["functie"], all=", ".join(JOB_DOMAINS)))
        if problems:
            errors.append(_("Rij %(n)s: %(p)s.", n=number, p="; ".join(problems)))
        else:
            row["email"] = email
            rows.append(row)
    if not rows and not errors:
        errors.append(_("Het bestand bevat geen deelnemers."))
    return rows, errors


def import_learners(data: bytes, cohort, *, actor=None, progress=None) -> ImportResult:
    """Validate all rows; when any row is bad import nothing. Sends an invitation to every new learner."""
    result = ImportResult()
    try:
        text = decode_csv(data)
    except ValidationError as error:
        result.errors.append(str(error))
        return result
    rows, errors = parse_rows(text)
    if errors:
        result.errors = errors
        return result
    invited = []
    try:
        for row in rows:
            user = get_user_by_email(row["email"])
            if user is None:
                user = create_user(row["email"], row["naam"], "learner", municipality_code=row["gemeente_code"],
                                   job_domain=row.get("functie") or None, actor=actor)
                invited.append(user)
                result.created += 1
            else:
                result.enrolled_existing += 1
            enroll(user, cohort, actor=actor)
            if progress:
                progress(1)
        db.session.flush()
    except (ValidationError, IntegrityError) as error:
        db.session.rollback()
        message = str(error) if isinstance(error, ValidationError) else _("Een deelnemer werd tegelijk al toegevoegd.")
        result.errors.append(message)
        result.created = result.enrolled_existing = 0
        return result
    result.invited = invited
    return result


def send_import_invitations(result: ImportResult, cohort) -> None:
    """Invite the new learners of a committed import (after the commit: a mail with a link to a rolled-back
    account is never sent)."""
    for user in result.invited:
        send_invitation(user, cohort.name)
    db.session.flush()
