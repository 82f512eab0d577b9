"""Helpers shared by the benchmarks: a throwaway app on a temporary SQLite database."""

from __future__ import annotations

import tempfile
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def temp_app(**config):
    from ebw_training import create_app
    from ebw_training.extensions import db
    from ebw_training.municipalities.services import seed_municipalities

    with tempfile.TemporaryDirectory(prefix="ebw-bench-") as tmp:
        url = f"sqlite:///{Path(tmp) / 'bench.sqlite'}"
        app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url, **config})
        with app.app_context():
            db.create_all()
            seed_municipalities()
            db.session.commit()
            yield app
            db.session.remove()
            db.engine.dispose()
