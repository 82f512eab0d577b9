"""Start-up: the app refuses invalid content, checks the database for changed slugs, reloads in debug mode."""

from __future__ import annotations

import os
import time

import pytest

from ebw_training import create_app
from ebw_training.content import EXTENSION_KEY, get_course
from ebw_training.content.startup import PROBLEMS_KEY, ContentError
from ebw_training.extensions import db

from .conftest import build_course


def _app(root, tmp_path, **config):
    settings = {
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": "sqlite:///" + str(tmp_path / "start.sqlite"),
        "EBW_CONTENT_DIR": str(root),
    }
    settings.update(config)
    return create_app(settings)


def _dispose(app):
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def test_app_starts_on_valid_content_from_the_configured_folder(tmp_path):
    app = _app(build_course(tmp_path), tmp_path)
    with app.app_context():
        assert [m.slug for m in get_course().modules] == ["eerste-module", "tweede-module"]
        assert app.extensions[PROBLEMS_KEY] == []
    _dispose(app)


def test_app_refuses_to_start_on_invalid_content_and_lists_every_problem(tmp_path):
    root = build_course(tmp_path, "single-two-correct")
    quiz = root / "quizzes" / "01-eerste.yaml"
    quiz.write_text(quiz.read_text(encoding="utf-8").replace("type: true_false", "type: waar"), encoding="utf-8")
    with pytest.raises(RuntimeError) as caught:
        _app(root, tmp_path)
    message = str(caught.value)
    assert isinstance(caught.value, ContentError)
    assert "de applicatie start niet" in message
    assert "quizzes/02-tweede.yaml:3: Vraag 'vraag-een' (één antwoord goed) heeft 2 goede antwoorden" in message
    assert "quizzes/01-eerste.yaml:42: Vraag 'waar-of-niet': onbekend vraagtype 'waar'" in message
    assert "2 fouten" in message


def test_app_refuses_to_start_when_records_refer_to_a_changed_slug(tmp_path):
    from ebw_training.learning.models import PageRead
    from ebw_training.municipalities.services import seed_municipalities

    from ..factories import make_enrollment

    root = build_course(tmp_path)
    app = _app(root, tmp_path)
    with app.app_context():
        db.create_all()
        seed_municipalities()
        db.session.commit()
        enrollment = make_enrollment()
        db.session.add(PageRead(enrollment_id=enrollment.id, module_slug="tweede-module", page_number=1,
                                content_version="x" * 64))
        db.session.commit()
    _dispose(app)
    module = root / "modules" / "02-tweede.md"
    module.write_text(module.read_text(encoding="utf-8").replace("slug: tweede-module", "slug: module-twee"),
                      encoding="utf-8")
    with pytest.raises(RuntimeError) as caught:
        _app(root, tmp_path)
    message = str(caught.value)
    assert "modules/02-tweede.md:2: De module met slug 'tweede-module' bestaat niet meer" in message
    assert "page_read: 1" in message and "Zet dan 'slug: tweede-module' terug" in message


def test_no_database_check_without_a_database(tmp_path):
    """A database file that does not exist is not created by the check, and start-up goes on."""
    db_file = tmp_path / "nothing-here.sqlite"
    app = _app(build_course(tmp_path), tmp_path, SQLALCHEMY_DATABASE_URI="sqlite:///" + str(db_file))
    assert not db_file.exists()
    _dispose(app)


def _touch_later(path, text):
    path.write_text(text, encoding="utf-8")
    later = time.time() + 5
    os.utime(path, (later, later))


def test_debug_mode_reloads_changed_content(tmp_path):
    root = build_course(tmp_path)
    app = _app(root, tmp_path, DEBUG=True, EBW_CONTENT_RELOAD_INTERVAL=0)
    client = app.test_client()
    client.get("/healthz")
    first = app.extensions[EXTENSION_KEY]
    module = root / "modules" / "02-tweede.md"
    original = module.read_text(encoding="utf-8")
    _touch_later(module, original.replace("title: Tweede module", "title: Tweede module, herzien"))
    client.get("/healthz")
    reloaded = app.extensions[EXTENSION_KEY]
    assert reloaded is not first
    assert reloaded.module("tweede-module").title == "Tweede module, herzien"
    assert reloaded.version != first.version

    # Broken content does not replace the working course; the problems are kept for the developer.
    _touch_later(module, original.replace("minutes: 30", "minutes: nul"))
    client.get("/healthz")
    assert app.extensions[EXTENSION_KEY] is reloaded
    assert any("minutes" in p.message for p in app.extensions[PROBLEMS_KEY])
    _dispose(app)


def test_debug_mode_checks_files_at_most_once_per_interval(tmp_path):
    root = build_course(tmp_path)
    app = _app(root, tmp_path, DEBUG=True, EBW_CONTENT_RELOAD_INTERVAL=3600)
    client = app.test_client()
    first = app.extensions[EXTENSION_KEY]
    module = root / "modules" / "02-tweede.md"
    _touch_later(module, module.read_text(encoding="utf-8").replace("title: Tweede module", "title: Anders"))
    client.get("/healthz")
    assert app.extensions[EXTENSION_KEY] is first
    _dispose(app)


def test_without_debug_content_is_loaded_once(tmp_path):
    root = build_course(tmp_path)
    app = _app(root, tmp_path, EBW_CONTENT_RELOAD_INTERVAL=0)
    assert not app.debug
    client = app.test_client()
    first = app.extensions[EXTENSION_KEY]
    module = root / "modules" / "02-tweede.md"
    _touch_later(module, module.read_text(encoding="utf-8").replace("title: Tweede module", "title: Anders"))
    client.get("/healthz")
    assert app.extensions[EXTENSION_KEY] is first
    _dispose(app)
