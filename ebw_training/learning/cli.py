"""Commands of this package, added to the `ebw` group by ebw_training.cli."""

from __future__ import annotations

import click
from flask.cli import AppGroup
from sqlalchemy import select


def register(group: AppGroup) -> None:
    @group.command("refresh-progress")
    @click.option("--cohort", "cohort_id", type=int, default=None, help="Alleen deze groep (id).")
    def refresh_progress(cohort_id: int | None) -> None:
        """Werk de voortgang van alle inschrijvingen bij (na een wijziging in de cursus of een herstel).

        Idempotent: voegt alleen statuswijzigingen toe aan de geschiedenis en geeft een certificaat alleen uit als
        het er nog niet is.
        """
        from ..cohorts.models import Cohort, Enrollment
        from ..extensions import db
        from .progress import refresh_enrollment_summary

        stmt = select(Enrollment.id).order_by(Enrollment.id)
        if cohort_id is not None:
            if db.session.get(Cohort, cohort_id) is None:
                raise click.ClickException(f"Groep {cohort_id} bestaat niet.")
            stmt = stmt.where(Enrollment.cohort_id == cohort_id)
        count = 0
        for enrollment_id in list(db.session.scalars(stmt)):
            refresh_enrollment_summary(db.session.get(Enrollment, enrollment_id))
            db.session.commit()
            count += 1
        click.echo(f"Voortgang bijgewerkt voor {count} inschrijving(en).")
