"""`flask --app wsgi ebw gift import|export`: quiz questions to and from Moodle's GIFT format."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask.cli import AppGroup

from ..core.clitypes import InputFile, OutputFile
from .gift import GiftError, parse_gift, quiz_to_gift
from .quiz_files import check_quiz_text, quiz_to_yaml, read_quiz

gift_group = AppGroup("gift", help="Toetsvragen uitwisselen met Moodle in het GIFT-formaat.")


@gift_group.command("import")
@click.argument("file", type=InputFile())
@click.option("-o", "--output", required=True, type=OutputFile(),
              help="Het toetsbestand dat wordt gemaakt, zoals quizzes/NAAM.yaml.")
@click.option("--title", default=None, help="Titel van de toets (anders uit het GIFT-bestand).")
@click.option("--force", is_flag=True, help="Overschrijf een bestaand toetsbestand.")
@click.option("--draft", is_flag=True,
              help="Schrijf het toetsbestand ook als er nog iets aan moet gebeuren (een concept).")
def import_command(file: str, output: str, title: str | None, force: bool, draft: bool) -> None:
    """Lees een GIFT-bestand (Moodle) in als toets van de leeromgeving."""
    out = Path(output)
    if out.exists() and not force:
        click.echo(f"Fout: {output} bestaat al. Gebruik --force om het te overschrijven.", err=True)
        sys.exit(1)
    try:
        source = Path(file).read_text(encoding="utf-8")
    except UnicodeDecodeError:
        click.echo(f"{file}:1: het bestand is geen UTF-8-tekst.", err=True)
        sys.exit(1)
    try:
        result = parse_gift(source, name=out.stem)
    except GiftError as error:
        click.echo(f"{file}:{error.line}: {error.message}", err=True)
        sys.exit(1)
    for warning in result.warnings:
        click.echo(f"{file}: {warning}", err=True)
    if title:
        result.quiz["title"] = title
    if not result.imported:
        click.echo("Fout: geen enkele vraag kon worden geïmporteerd; er is niets geschreven.", err=True)
        sys.exit(1)
    text = quiz_to_yaml(result.quiz)
    problems = check_quiz_text(text, output)
    for problem in problems:
        click.echo(f"{problem} (vul dit aan in {output})", err=True)
    to_fix = sum(1 for p in problems if p.is_error) + sum(1 for w in result.warnings if w.must_fix)
    if to_fix and not draft:
        click.echo(f"Fout: {to_fix} punt(en) hierboven moet je eerst oplossen; er is niets geschreven. "
                   "Gebruik --draft om het bestand toch als concept te schrijven.", err=True)
        sys.exit(1)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text, encoding="utf-8")
    click.echo(f"{result.imported} vragen geïmporteerd naar {output}"
               + (f"; {result.skipped} overgeslagen (zie hierboven)" if result.skipped else "")
               + (f"; concept: nog {to_fix} punt(en) oplossen voordat check-content slaagt." if to_fix else "."))


@gift_group.command("export")
@click.argument("file", type=InputFile())
@click.option("-o", "--output", required=True, type=OutputFile(), help="Het GIFT-bestand.")
def export_command(file: str, output: str) -> None:
    """Schrijf een toets van de leeromgeving als GIFT-bestand (voor Moodle)."""
    quiz, problems = read_quiz(Path(file), file)
    for problem in problems:
        click.echo(str(problem), err=True)
    if quiz is None:
        click.echo("Fout: de toets heeft fouten; verbeter die eerst (zie hierboven).", err=True)
        sys.exit(1)
    Path(output).write_text(quiz_to_gift(quiz, source=Path(file).name), encoding="utf-8")
    click.echo(f"{len(quiz['questions'])} vragen geëxporteerd naar {output}.")


def register(group: AppGroup) -> None:
    group.add_command(gift_group)
