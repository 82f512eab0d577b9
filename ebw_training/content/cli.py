"""Commands of this package, added to the `ebw` group by ebw_training.cli."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from ..core.clitypes import SafePath
from .keycheck import guess_report
from .loader import load_course
from .problems import errors, summary_line
from .startup import content_root, database_check


def check_content(root: Path) -> tuple[list, str]:
    """All problems of the course below `root` plus the database slug check; (problems, why the database
    was not checked, or '')."""
    course, problems = load_course(root)
    found, reason = database_check(current_app, course)
    return sorted(problems + (found or [])), reason


def register(group: AppGroup) -> None:
    @group.command("check-content")
    @click.option("--dir", "content_dir", type=SafePath(file_okay=False, exists=True), default=None,
                  help="Map met de cursus (standaard EBW_CONTENT_DIR, de projectmap).")
    def check_content_command(content_dir: str | None) -> None:
        """Controleer modules, toetsen, oefeningen en media; elke fout als pad:regel: melding."""
        root = Path(content_dir) if content_dir else content_root(current_app)
        problems, skipped = check_content(root)
        for problem in problems:
            click.echo(str(problem))
        if skipped:
            click.echo(f"Geen database gevonden ({skipped}): de controle op veranderde slugs is overgeslagen.",
                       err=True)
        click.echo(summary_line(problems))
        sys.exit(1 if errors(problems) else 0)

    @group.command("check-guessing")
    @click.option("--dir", "content_dir", type=SafePath(file_okay=False, exists=True), default=None,
                  help="Map met de cursus (standaard EBW_CONTENT_DIR, de projectmap).")
    @click.option("--attempts", type=click.IntRange(10, 100_000), default=1000, show_default=True,
                  help="Aantal gesimuleerde pogingen per toets.")
    def check_guessing_command(content_dir: str | None, attempts: int) -> None:
        """Simuleer een deelnemer die alleen op de vorm van de antwoorden let; per toets de beste score."""
        root = Path(content_dir) if content_dir else content_root(current_app)
        course, problems = load_course(root)
        if errors(problems):
            click.echo("De inhoud heeft fouten; los die eerst op (ebw check-content).", err=True)
            sys.exit(1)
        failing = []
        click.echo("Toets; slaaggrens; beste gemiddelde score op de vorm; kans dat een poging slaagt; strategie")
        for name in sorted(course.quizzes):
            result = guess_report(course.quizzes[name], attempts=attempts)
            strategies = ", ".join(f"{kind}: {strategy}" for kind, strategy in sorted(result.strategies.items()))
            click.echo(f"{name}; {result.pass_mark:.0%}; {result.best_mean:.1%}; {result.pass_rate:.1%}; "
                       f"{strategies}")
            if result.passes:
                failing.append(name)
        if failing:
            click.echo(f"Te raden zonder te lezen: {', '.join(failing)}. Maak de antwoorden minder voorspelbaar.",
                       err=True)
            sys.exit(1)
        click.echo("Geen enkele toets is te halen door alleen op de vorm van de antwoorden te letten.")
