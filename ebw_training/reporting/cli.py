"""`flask --app wsgi ebw export completions|summary ...` (DESIGN.md section 5).

The commands call the same service functions as the web downloads: same scope rule, same files,
same audit record. Without --as they act with national scope; with --as EMAIL the scope of that
coordinator applies, and the export is recorded in their name.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

import click
from flask.cli import AppGroup

from ..cohorts.models import ENROLLMENT_STATUSES
from ..core.clitypes import SafePath
from ..core.errors import ValidationError
from ..extensions import db
from . import export_audit, queries
from .scope import Scope, scope_for

PROGRESS_THRESHOLD = 2000  # rows; smaller exports finish before a bar would help


def _fail(message: str) -> None:
    click.echo(f"Fout: {message}", err=True)
    sys.exit(1)


def _scope_of(email: str | None):
    """(scope, actor) for --as EMAIL, or national scope without an actor."""
    if not email:
        return Scope(), None
    from ..accounts.services import get_user_by_email

    user = get_user_by_email(email)
    if user is None:
        _fail(f"er is geen gebruiker met e-mailadres {email}.")
    if user.role not in ("coordinator", "admin"):
        _fail(f"{email} is geen coördinator of beheerder en mag niet exporteren.")
    if not user.is_active_account:
        _fail(f"het account {email} staat uit.")
    return scope_for(user), user


def _run(kind: str, fmt: str, municipality, year, cohort_id, status, as_email, output) -> None:
    scope, actor = _scope_of(as_email)
    try:
        filters = queries.resolve_filter(scope, year=year, municipality=municipality, cohort_id=cohort_id,
                                          status=status)
        if kind == "summary" and fmt == "pdf":
            export_audit.check_document_filter(scope, filters)
    except ValidationError as error:
        _fail(str(error))
    to_stdout = output == "-"
    if to_stdout:
        directory = tempfile.mkdtemp(prefix="ebw-export-")
        path = Path(directory) / export_audit.export_filename(kind, fmt, scope, filters)
    else:
        path = Path(output)
        if path.is_dir():
            _fail(f"{output} is een map; geef een bestandsnaam, zoals export.{fmt}.")
        if not path.parent.exists():
            _fail(f"de map {path.parent} bestaat niet.")
    total = queries.count_enrollments(scope, filters) if kind == "completions" else 0
    extra = {"as": actor.email} if actor is not None else {"os_user": _os_user()}
    with click.progressbar(length=max(total, 1), label="Exporteren", file=sys.stderr,
                           hidden=total < PROGRESS_THRESHOLD) as bar:
        result = export_audit.export_to_path(
            kind, fmt, scope, filters, path, actor_id=actor.id if actor else None, via="cli",
            progress=bar.update, extra=extra,
            filename=path.name if not to_stdout else export_audit.export_filename(kind, fmt, scope, filters),
        )
    db.session.rollback()
    if to_stdout:
        with open(path, "rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                sys.stdout.buffer.write(block)
        sys.stdout.buffer.flush()
        path.unlink()
        os.rmdir(path.parent)
        click.echo(f"{result.rows} rijen, SHA-256 {result.sha256}", err=True)
    else:
        click.echo(f"{result.rows} rijen geschreven naar {path} (SHA-256 {result.sha256}).")


def _os_user() -> str | None:
    try:
        import getpass

        return getpass.getuser()
    except Exception:  # no login name in some containers; the record stays valid
        return None


def _common(command):
    options = [
        click.option("--municipality", default=None, help="CBS-code, zoals GM0363: deelnemers uit deze gemeente "
                                                          "en alle groepen die zij financiert."),
        click.option("--year", type=int, default=None, help="Financieringsjaar van de groep."),
        click.option("--cohort", "cohort_id", type=click.IntRange(1, 2**31 - 1), default=None, help="Id van de groep."),
        click.option("--as", "as_email", default=None, metavar="EMAIL",
                     help="Exporteer met het bereik van deze coördinator (zonder: landelijk)."),
        click.option("-o", "--output", required=True, metavar="FILE", type=SafePath(allow_dash=True),
                     help="Doelbestand (- voor stdout)."),
    ]
    for option in reversed(options):
        command = option(command)
    return command


def register(group: AppGroup) -> None:
    @group.group("export")
    def export_group():
        """Exporteer voortgangsgegevens (CSV, XLSX, PDF); elke export komt in het logboek."""

    @export_group.command("completions")
    @click.option("--format", "fmt", type=click.Choice(["csv", "xlsx"]), default="csv", show_default=True)
    @_common
    @click.option("--status", type=click.Choice(list(ENROLLMENT_STATUSES)), default=None,
                  help="Alleen inschrijvingen met deze status.")
    def completions_command(fmt, municipality, year, cohort_id, as_email, output, status):
        """Eén rij per inschrijving, met de kolommen van het contract (docs/exports.md)."""
        _run("completions", fmt, municipality, year, cohort_id, status, as_email, output)

    @export_group.command("summary")
    @click.option("--format", "fmt", type=click.Choice(["csv", "xlsx", "pdf"]), default="csv", show_default=True)
    @_common
    def summary_command(fmt, municipality, year, cohort_id, as_email, output):
        """Samenvatting per gemeente en financieringsjaar; pdf = verantwoordingsoverzicht
        (vraagt --year en een gemeente)."""
        _run("summary", fmt, municipality, year, cohort_id, None, as_email, output)
