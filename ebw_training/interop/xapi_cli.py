"""`flask --app wsgi ebw xapi send|export` (DESIGN.md section 6), added to the `ebw` group by ebw_training.cli."""

from __future__ import annotations

import sys
from datetime import datetime

import click
from flask.cli import AppGroup

from ..core.clitypes import OutputFile
from . import lrs

xapi_group = AppGroup("xapi", help="Leeractiviteiten (xAPI) doorsturen naar een LRS of exporteren.")


@xapi_group.command("send")
@click.option("--limit", type=click.IntRange(min=1), default=None, help="Stuur hoogstens N verklaringen.")
def send_command(limit: int | None) -> None:
    """Stuur de wachtende xAPI-verklaringen naar EBW_LRS_URL (veilig vanuit cron op meer servers tegelijk)."""
    if not lrs.configured():
        click.echo("Geen LRS ingesteld (EBW_LRS_URL): er is niets verstuurd.")
        return
    try:
        result = lrs.send_pending(limit)
    except lrs.LrsRefused as error:
        click.echo(f"Fout: de LRS weigert de verklaringen ({error}). Controleer EBW_LRS_URL, EBW_LRS_USER en "
                   f"EBW_LRS_PASSWORD. Er wachten nog {lrs.pending_count()} verklaringen; er gaat niets verloren.",
                   err=True)
        sys.exit(1)
    except lrs.LrsUnavailable as error:
        click.echo(f"Fout: de LRS is niet bereikbaar ({error}). Er wachten nog {lrs.pending_count()} verklaringen; "
                   "ze worden de volgende keer verstuurd.", err=True)
        sys.exit(2)
    click.echo(f"{result.sent} verklaringen verstuurd; {result.pending} wachten nog.")


@xapi_group.command("export")
@click.option("-o", "--output", required=True, type=OutputFile(), help="Het JSONL-bestand.")
@click.option("--since", default=None, help="Alleen verklaringen vanaf deze datum (JJJJ-MM-DD).")
def export_command(output: str, since: str | None) -> None:
    """Schrijf alle xAPI-verklaringen als JSON lines (één verklaring per regel)."""
    start = None
    if since:
        try:
            start = datetime.fromisoformat(since) if "T" in since else datetime.combine(
                datetime.strptime(since, "%Y-%m-%d").date(), datetime.min.time())
        except ValueError:
            click.echo(f"Fout: --since moet een datum zijn als JJJJ-MM-DD, niet '{since}'.", err=True)
            sys.exit(1)
    with open(output, "w", encoding="utf-8") as out:
        count = lrs.export_jsonl(out, start)
    click.echo(f"{count} verklaringen geschreven naar {output}.")


def register(group: AppGroup) -> None:
    group.add_command(xapi_group)
