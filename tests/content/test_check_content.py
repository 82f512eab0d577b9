"""`flask --app wsgi ebw check-content`: every problem as path:line: message, a summary, exit 1 on errors."""

from __future__ import annotations

from ebw_training import create_app
from ebw_training.extensions import db

from ..factories import make_enrollment
from .conftest import build_course


def test_check_content_passes_on_the_shipped_course(runner):
    result = runner.invoke(args=["ebw", "check-content"])
    assert result.exit_code == 0, result.output
    assert "0 fouten" in result.stdout or "De inhoud is in orde" in result.stdout


def test_check_content_passes_on_the_valid_fixture(runner, tmp_path):
    result = runner.invoke(args=["ebw", "check-content", "--dir", str(build_course(tmp_path))])
    assert result.exit_code == 0, result.output
    assert result.stdout.strip().splitlines()[-1] == "De inhoud is in orde: geen fouten, geen waarschuwingen."


def test_check_content_lists_problems_and_exits_1(runner, tmp_path):
    root = build_course(tmp_path, "unknown-quiz")
    (root / "media" / "intro.nl.vtt").unlink()
    result = runner.invoke(args=["ebw", "check-content", "--dir", str(root)])
    assert result.exit_code == 1
    lines = result.stdout.strip().splitlines()
    assert lines[0].startswith("media/intro.yaml:1: De video heeft geen Nederlandse ondertitels")
    assert lines[1].startswith("modules/02-tweede.md:11: Onbekende toets '02-derde'")
    assert any(line.startswith("quizzes/02-tweede.yaml:1: waarschuwing: Deze toets wordt door geen module")
               for line in lines)
    assert lines[-1] == "2 fouten, 1 waarschuwing."


def test_warnings_alone_exit_0(runner, tmp_path):
    result = runner.invoke(args=["ebw", "check-content", "--dir", str(build_course(tmp_path, "h1-heading"))])
    assert result.exit_code == 0
    assert "0 fouten, 1 waarschuwing." in result.stdout


def test_check_content_reports_a_changed_slug_that_records_refer_to(runner, tmp_path):
    from ebw_training.learning.models import QuizAttempt

    enrollment = make_enrollment()
    db.session.add(QuizAttempt(enrollment_id=enrollment.id, module_slug="oude-module", quiz="01-eerste",
                               token="t1", answers={}, results={}, score=1.0, passed=True,
                               content_version="0" * 64))
    db.session.commit()
    result = runner.invoke(args=["ebw", "check-content", "--dir", str(build_course(tmp_path))])
    assert result.exit_code == 1
    assert "De module met slug 'oude-module' bestaat niet meer" in result.stdout
    assert "quiz_attempt: 1" in result.stdout


def test_check_content_runs_without_a_database(tmp_path):
    missing = tmp_path / "geen-database.sqlite"
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite:///" + str(missing),
                      "EBW_CONTENT_DIR": str(build_course(tmp_path))})
    result = app.test_cli_runner().invoke(args=["ebw", "check-content"])
    assert result.exit_code == 0, result.output
    assert "Geen database gevonden" in result.stderr
    assert not missing.exists()
    with app.app_context():
        db.engine.dispose()


def _flask(args, content_dir, tmp_path):
    import os
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    env = {**os.environ, "EBW_CONTENT_DIR": str(content_dir), "SECRET_KEY": "x",
           "DATABASE_URL": "sqlite:///" + str(tmp_path / "cli.sqlite"), "PYTHONPATH": str(root)}
    env.pop("FLASK_DEBUG", None)
    return subprocess.run([sys.executable, "-m", "flask", "--app", "wsgi", *args], cwd=root, env=env,
                          capture_output=True, text=True, timeout=120)


def test_the_real_command_runs_on_broken_content_that_stops_the_app(tmp_path):
    """`flask --app wsgi ebw check-content` must report broken content, while any other start refuses."""
    root = build_course(tmp_path, "minutes-zero")
    checked = _flask(["ebw", "check-content"], root, tmp_path)
    assert checked.returncode == 1
    assert checked.stdout.splitlines()[0].startswith("modules/02-tweede.md:5: 'minutes'")
    assert "Traceback" not in checked.stderr
    refused = _flask(["routes"], root, tmp_path)
    assert refused.returncode != 0
    assert "de applicatie start niet" in refused.stderr
    assert "modules/02-tweede.md:5: 'minutes'" in refused.stderr
