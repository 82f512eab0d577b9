"""`flask --app wsgi ebw export completions|summary ...`."""

from __future__ import annotations

import hashlib

import pytest
from sqlalchemy import select

from ebw_training.core.audit import AuditEvent
from ebw_training.extensions import db
from ebw_training.reporting import cli as reporting_cli

from .conftest import AMSTERDAM_VISIBLE
from .readers import CONTRACT_COLUMNS, SUMMARY_CONTRACT_COLUMNS, pdf_text, read_csv, read_xlsx


def export(runner, *args: str):
    return runner.invoke(args=["ebw", "export", *args])


def events() -> list[AuditEvent]:
    db.session.rollback()
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action.like("export.%"))
                                   .order_by(AuditEvent.id)))


def test_completions_csv_national(world, runner, tmp_path):
    target = tmp_path / "deelnemers.csv"
    result = export(runner, "completions", "--format", "csv", "-o", str(target))
    assert result.exit_code == 0, result.output
    data = target.read_bytes()
    header, rows = read_csv(data)
    assert header == CONTRACT_COLUMNS and len(rows) == len(world["enrollments"])
    digest = hashlib.sha256(data).hexdigest()
    assert digest in result.stdout and f"{len(rows)} rijen" in result.stdout
    [event] = events()
    assert event.actor_id is None and event.details["via"] == "cli" and event.details["scope"] == "national"
    assert event.details["sha256"] == digest and event.details["rows"] == len(rows)
    assert event.details["filename"] == "deelnemers.csv"


def test_cli_and_web_give_the_same_csv(world, runner, client, login, tmp_path):
    target = tmp_path / "web-en-cli.csv"
    assert export(runner, "completions", "--year", "2026", "--municipality", "GM0363", "-o", str(target)).exit_code == 0
    login(world["coordinators"]["national"])
    web = client.get("/coordinator/export/deelnemers.csv?jaar=2026&gemeente=GM0363").get_data()
    assert web == target.read_bytes()


def test_completions_xlsx_with_filters(world, runner, tmp_path):
    target = tmp_path / "deelnemers.xlsx"
    cohort = world["cohorts"]["ams2026"]
    result = export(runner, "completions", "--format", "xlsx", "--cohort", str(cohort.id), "--status", "afgerond",
                    "-o", str(target))
    assert result.exit_code == 0, result.output
    sheet, header, rows = read_xlsx(target.read_bytes())
    assert header == CONTRACT_COLUMNS and sheet.freeze_panes == "A2"
    names = {row[header.index("naam")].value for row in rows}
    assert names == {"Daan de Vries", "Fatima El Amrani"}
    assert events()[0].details["filter"] == {"cohort": cohort.id, "status": "afgerond"}


def test_summary_csv_xlsx_and_pdf(world, runner, tmp_path):
    for fmt in ("csv", "xlsx"):
        target = tmp_path / f"samenvatting.{fmt}"
        assert export(runner, "summary", "--format", fmt, "--year", "2025", "-o", str(target)).exit_code == 0
    header, rows = read_csv((tmp_path / "samenvatting.csv").read_bytes())
    assert header == SUMMARY_CONTRACT_COLUMNS
    assert rows == [{"gemeente_code": "GM0363", "gemeente_naam": "Amsterdam", "financieringsjaar": "2025",
                     "ingeschreven": "2", "gestart": "1", "afgerond": "1", "afrondingspercentage": "50.0",
                     "studiebelasting_uren": "12.50", "contacturen": "4.50"}]
    _sheet, _header, cells = read_xlsx((tmp_path / "samenvatting.xlsx").read_bytes())
    assert [c.value for c in cells[0]][:7] == ["GM0363", "Amsterdam", 2025, 2, 1, 1, 50.0]
    target = tmp_path / "verantwoording.pdf"
    result = export(runner, "summary", "--format", "pdf", "--year", "2026", "--municipality", "GM0599",
                    "-o", str(target))
    assert result.exit_code == 0, result.output
    text = " ".join(pdf_text(target.read_bytes())[1])
    assert "Rotterdam (GM0599)" in text and "Ruud Rotterdam" in text and "EBW-EEEE-5555" in text
    assert [e.details["format"] for e in events()] == ["csv", "xlsx", "pdf"]


def test_as_a_municipal_coordinator(world, runner, tmp_path):
    target = tmp_path / "amsterdam.csv"
    result = export(runner, "completions", "--as", "coord.amsterdam@example.nl", "-o", str(target))
    assert result.exit_code == 0, result.output
    _header, rows = read_csv(target.read_bytes())
    visible = {world["enrollments"][key].user.pseudonym for key in AMSTERDAM_VISIBLE}
    assert len(rows) == len(AMSTERDAM_VISIBLE) and {row["deelnemer_id"] for row in rows} <= visible
    [event] = events()
    assert event.actor_id == world["coordinators"]["amsterdam"].id
    assert event.details["scope"] == "GM0363" and event.details["as"] == "coord.amsterdam@example.nl"


@pytest.mark.parametrize(("args", "message"), [
    (["completions", "--municipality", "GM9999"], "Onbekende gemeentecode GM9999"),
    (["completions", "--municipality", "Amsterdam"], "Onbekende gemeentecode Amsterdam"),
    (["completions", "--cohort", "999999"], "Groep 999999 bestaat niet"),
    (["completions", "--year", "1900"], "1900"),
    (["completions", "--as", "niemand@example.nl"], "geen gebruiker"),
    (["completions", "--as", "tom@example.nl"], "geen coördinator"),
    (["completions", "--as", "coord.amsterdam@example.nl", "--municipality", "GM0599"], "buiten je bereik"),
    (["summary", "--format", "pdf", "--year", "2026"], "Kies een gemeente"),
    (["summary", "--format", "pdf", "--municipality", "GM0363"], "Kies een financieringsjaar"),
])
def test_bad_input_exits_non_zero_with_a_clear_message(world, runner, tmp_path, args, message):
    target = tmp_path / "uit.csv"
    result = export(runner, *args, "-o", str(target))
    assert result.exit_code == 1
    assert message in result.stderr and result.stderr.startswith("Fout:")
    assert not target.exists()
    assert events() == []


def test_bad_options_are_refused_by_click(world, runner, tmp_path):
    assert export(runner, "completions", "--format", "pdf", "-o", str(tmp_path / "x.pdf")).exit_code == 2
    assert export(runner, "completions", "--year", "twintig", "-o", str(tmp_path / "x.csv")).exit_code == 2
    assert export(runner, "completions", "--status", "klaar", "-o", str(tmp_path / "x.csv")).exit_code == 2
    assert export(runner, "completions").exit_code == 2  # -o is required
    result = export(runner, "completions", "-o", str(tmp_path / "geen-map" / "x.csv"))
    assert result.exit_code == 1 and "bestaat niet" in result.stderr
    result = export(runner, "completions", "-o", str(tmp_path))
    assert result.exit_code == 1 and "is een map" in result.stderr


def test_output_to_stdout(world, runner):
    result = export(runner, "summary", "--year", "2026", "-o", "-")
    assert result.exit_code == 0, result.stderr
    header, rows = read_csv(result.stdout_bytes)
    assert header == SUMMARY_CONTRACT_COLUMNS and len(rows) == 5
    assert hashlib.sha256(result.stdout_bytes).hexdigest() in result.stderr
    assert events()[0].details["sha256"] == hashlib.sha256(result.stdout_bytes).hexdigest()


def test_progress_bar_on_stderr_for_long_exports(world, runner, tmp_path, monkeypatch):
    target = tmp_path / "deelnemers.csv"
    result = export(runner, "completions", "-o", str(target))
    assert "Exporteren" not in result.stderr  # a short export shows no bar
    monkeypatch.setattr(reporting_cli, "PROGRESS_THRESHOLD", 1)
    result = export(runner, "completions", "-o", str(target))
    assert result.exit_code == 0
    assert "Exporteren" in result.stderr and "Exporteren" not in result.stdout
