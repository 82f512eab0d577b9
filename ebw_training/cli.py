"""The `flask --app wsgi ebw ...` commands (DESIGN.md section 6).

Every command calls the same service functions as the views. Bad input exits non-zero with a
clear message on stderr; `--json` prints the created object as JSON on stdout.
"""

from __future__ import annotations

import json
import sys
from datetime import date

import click
from flask import Flask
from flask.cli import AppGroup

from .extensions import db

ebw = AppGroup("ebw", help="EBW Leeromgeving: beheer en automatisering.")


def fail(message: str) -> None:
    click.echo(f"Fout: {message}", err=True)
    sys.exit(1)


def parse_date(value: str | None, option: str) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        fail(f"{option} moet een datum zijn als JJJJ-MM-DD, niet '{value}'.")
    return None


def user_json(user, created: bool = True) -> dict:
    return {
        "id": user.id,
        "email": user.email,
        "name": user.name,
        "role": user.role,
        "municipality": user.municipality_code,
        "municipality_code": user.municipality_code,
        "national": user.is_national_coordinator,
        "pseudonym": user.pseudonym,
        "active": user.is_active_account,
        "created": created,
    }


def cohort_json(cohort) -> dict:
    return {
        "id": cohort.id,
        "name": cohort.name,
        "enrolment_code": cohort.enrolment_code,
        "funding_municipality": cohort.funding_municipality_code,
        "funding_year": cohort.funding_year,
        "funding_reference": cohort.funding_reference,
        "start_date": cohort.start_date.isoformat() if cohort.start_date else None,
        "end_date": cohort.end_date.isoformat() if cohort.end_date else None,
        "contact_hours": float(cohort.contact_hours or 0),
        "trainers": [t.email for t in cohort.trainers],
    }


@ebw.command("create-user")
@click.argument("email")
@click.option("--name", required=True, help="Volledige naam.")
@click.option("--role", required=True, type=click.Choice(["learner", "trainer", "coordinator", "admin"]))
@click.option("--municipality", default=None, help="CBS-code, zoals GM0363.")
@click.option("--password", default=None, help="Wachtwoord; zonder deze optie wordt erom gevraagd.")
@click.option("--job-domain", default=None, help="Werkveld van een deelnemer (oov, sociaal_domein, ...).")
@click.option("--json", "as_json", is_flag=True, help="Druk de gebruiker af als JSON.")
def create_user_command(email, name, role, municipality, password, job_domain, as_json):
    """Maak een gebruiker (een coördinator zonder --municipality is landelijk).

    Nogmaals aanroepen met hetzelfde e-mailadres, dezelfde rol en gemeente verandert niets (exit 0).
    """
    from .accounts.services import create_user, get_user_by_email
    from .core.errors import ValidationError

    existing = get_user_by_email(email)
    if existing is not None:
        same = existing.role == role and (existing.municipality_code or None) == (
            municipality.strip().upper() if municipality else None)
        if not same:
            fail(f"er is al een account met {existing.email}, met een andere rol of gemeente.")
        if as_json:
            click.echo(json.dumps(user_json(existing, created=False)))
        else:
            click.echo(f"Gebruiker {existing.email} ({existing.role}) bestond al, id {existing.id}; niets veranderd.")
        return
    if password is None:
        if sys.stdin is not None and sys.stdin.isatty():
            try:
                password = click.prompt("Wachtwoord", hide_input=True, confirmation_prompt=True, err=True)
            except click.Abort:
                password = ""
        else:  # scripts: one line on standard input
            password = (sys.stdin.readline() if sys.stdin is not None else "").rstrip("\r\n")
        if not password:
            fail("geef een wachtwoord met --password, of typ het in als erom gevraagd wordt.")
    try:
        user = create_user(email, name, role, municipality_code=municipality, password=password,
                           job_domain=job_domain)
        db.session.commit()
    except ValidationError as error:
        db.session.rollback()
        fail(str(error))
    if as_json:
        click.echo(json.dumps(user_json(user)))
    else:
        click.echo(f"Gebruiker {user.email} ({user.role}) gemaakt, id {user.id}.")


@ebw.command("create-cohort")
@click.argument("name")
@click.option("--funding-municipality", required=True, help="CBS-code van de hoofdaanvrager, zoals GM0363.")
@click.option("--year", required=True, type=int, help="Financieringsjaar.")
@click.option("--reference", default=None, help="Financieringskenmerk.")
@click.option("--trainer", "trainers", multiple=True, help="E-mailadres van een trainer (meerdere keren mogelijk).")
@click.option("--start", default=None, help="Startdatum JJJJ-MM-DD.")
@click.option("--end", default=None, help="Einddatum JJJJ-MM-DD.")
@click.option("--contact-hours", default=None, help="Contacturen van de groep.")
@click.option("--json", "as_json", is_flag=True, help="Druk de groep af als JSON (met id en enrolment_code).")
def create_cohort_command(name, funding_municipality, year, reference, trainers, start, end, contact_hours, as_json):
    """Maak een groep (cohort)."""
    from .cohorts.services import create_cohort
    from .core.errors import ValidationError

    start_date = parse_date(start, "--start")
    end_date = parse_date(end, "--end")
    try:
        cohort = create_cohort(name, funding_municipality, year, reference=reference, trainer_emails=list(trainers),
                               start=start_date, end=end_date, contact_hours=contact_hours)
        db.session.commit()
    except ValidationError as error:
        db.session.rollback()
        fail(str(error))
    if as_json:
        click.echo(json.dumps(cohort_json(cohort)))
    else:
        click.echo(f"Groep '{cohort.name}' gemaakt, id {cohort.id}, inschrijfcode {cohort.enrolment_code}.")


def _get_cohort(cohort_id: int):
    from .cohorts.models import Cohort

    cohort = db.session.get(Cohort, cohort_id)
    if cohort is None:
        fail(f"groep {cohort_id} bestaat niet.")
    return cohort


@ebw.command("enroll")
@click.argument("email")
@click.option("--cohort", "cohort_id", required=True, type=click.IntRange(1, 2**31 - 1), help="Id van de groep.")
@click.option("--json", "as_json", is_flag=True)
def enroll_command(email, cohort_id, as_json):
    """Schrijf een deelnemer in bij een groep (nogmaals inschrijven verandert niets)."""
    from .accounts.services import get_user_by_email
    from .cohorts.services import enroll
    from .core.errors import ValidationError

    cohort = _get_cohort(cohort_id)
    user = get_user_by_email(email)
    if user is None:
        fail(f"er is geen gebruiker met e-mailadres {email}.")
    try:
        enrollment, created = enroll(user, cohort)
        db.session.commit()
    except ValidationError as error:
        db.session.rollback()
        fail(str(error))
    if as_json:
        click.echo(json.dumps({"id": enrollment.id, "user": user.email, "cohort": cohort.id, "created": created}))
    elif created:
        click.echo(f"{user.email} is ingeschreven bij '{cohort.name}'.")
    else:
        click.echo(f"{user.email} was al ingeschreven bij '{cohort.name}'.")


@ebw.command("import-learners")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--cohort", "cohort_id", required=True, type=click.IntRange(1, 2**31 - 1))
def import_learners_command(file, cohort_id):
    """Importeer deelnemers uit CSV (kolommen naam;email;gemeente_code;functie). Alles of niets."""
    from .cohorts.importing import import_learners, send_import_invitations

    cohort = _get_cohort(cohort_id)
    with open(file, "rb") as handle:
        data = handle.read()
    lines = max(data.count(b"\n"), 1)
    with click.progressbar(length=lines, label="Importeren", file=sys.stderr) as bar:
        result = import_learners(data, cohort, progress=bar.update)
    if result.errors:
        for message in result.errors:
            click.echo(message, err=True)
        fail("niets geïmporteerd; verbeter de rijen hierboven en probeer het opnieuw.")
    db.session.commit()
    send_import_invitations(result, cohort)
    db.session.commit()
    click.echo(f"{result.created} nieuwe deelnemers uitgenodigd, {result.enrolled_existing} bestaande ingeschreven.")


@ebw.command("demo")
@click.option("--force", is_flag=True, help="Ook als de database al andere gebruikers heeft (alleen voor test- en demodatabases).")
def demo_command(force):
    """Laad de demo-gegevens (kan vaker; maakt niets dubbel). Weigert een database met andere gebruikers."""
    from .demo import NotADemoDatabase, load_demo

    try:
        summary = load_demo(force=force)
    except NotADemoDatabase as error:
        fail(str(error))
    db.session.commit()
    click.echo(summary)


@ebw.command("retention")
@click.option("--days", type=click.IntRange(min=30), default=None,
              help="Bewaartermijn in dagen (standaard EBW_RETENTION_DAYS).")
@click.option("--dry-run", is_flag=True, help="Laat alleen zien wat er zou gebeuren.")
@click.option("--json", "as_json", is_flag=True)
def retention_command(days, dry_run, as_json):
    """Maak deelnemers anoniem van wie de training langer dan de bewaartermijn geleden is (de aantallen blijven)."""
    from .admin.retention import retention_policy, run_retention

    days = days or retention_policy().days
    result = run_retention(days, dry_run=dry_run)
    db.session.commit()
    if as_json:
        click.echo(json.dumps({"days": days, "cutoff": result.cutoff.isoformat() + "Z", "dry_run": dry_run,
                               "anonymised": len(result.learners), "login_attempts_removed": result.login_attempts_removed,
                               "mails_removed": result.mails_removed}))
    elif dry_run:
        click.echo(f"{len(result.learners)} deelnemers zouden anoniem worden (bewaartermijn {days} dagen).")
    else:
        click.echo(f"{len(result.learners)} deelnemers anoniem gemaakt; {result.login_attempts_removed} "
                   f"inlogpogingen en {result.mails_removed} mails verwijderd (bewaartermijn {days} dagen).")


@ebw.command("seed-municipalities")
def seed_municipalities_command():
    """Werk de lijst met gemeenten bij uit data/gemeenten.csv."""
    from .municipalities.services import seed_municipalities

    added = seed_municipalities()
    db.session.commit()
    click.echo(f"{added} gemeenten toegevoegd.")


def init_app(app: Flask) -> None:
    from .content.cli import register as register_content
    from .interop.cli import register as register_interop
    from .interop.xapi_cli import register as register_xapi
    from .learning.cli import register as register_learning
    from .reporting.cli import register as register_reporting

    for register in (register_content, register_interop, register_learning, register_reporting, register_xapi):
        register(ebw)
    app.cli.add_command(ebw)
