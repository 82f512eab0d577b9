"""Commands of this package, added to the `ebw` group by ebw_training.cli."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from .loader import content_root, database_check, load_course
from .problems import errors, summary_line


def check_content(root: Path) -> tuple[list, str]:
    """All problems of the course below `root` plus the database slug check; (problems, why the database
    was not checked, or '')."""
    course, problems = load_course(root)
    found, reason = database_check(current_app, course)
    return sorted(problems + (found or [])), reason


def register(group: AppGroup) -> None:
    from ..interop.gift import gift_group

    @group.command("check-content")
    @click.option("--dir", "content_dir", type=click.Path(file_okay=False, exists=True), default=None,
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

    group.add_command(gift_group)
