"""The course at start-up: load it for the app, refuse to start on errors, reload it in debug mode when a file
changes, and check the stored records against its module slugs."""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any

from flask import Flask
from sqlalchemy import create_engine
from sqlalchemy.engine import make_url

from ..config import PROJECT_ROOT
from . import EXTENSION_KEY, validate
from .course import Course
from .loader import load_course
from .problems import Problem, errors, summary_line

PROBLEMS_KEY = "ebw_content_problems"
RELOAD_INTERVAL = 1.0  # seconds between two checks for changed files in debug mode


class ContentError(RuntimeError):
    """The course files have errors; the message lists each as `path:line: message`."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        lines = "\n".join(str(p) for p in problems)
        super().__init__(
            "De inhoud van de cursus heeft fouten; de applicatie start niet.\n"
            f"{lines}\n{summary_line(problems)}\n"
            "Verbeter de bestanden en controleer ze met: flask --app wsgi ebw check-content"
        )


def database_problems(app: Flask, course: Course) -> list[Problem] | None:
    """The slug check against the app's database; None when there is no database to check."""
    return database_check(app, course)[0]


def database_check(app: Flask, course: Course) -> tuple[list[Problem] | None, str]:
    """(problems or None, why not checked). A SQLite file that does not exist yet is not created by the check."""
    try:
        url = make_url(app.config.get("SQLALCHEMY_DATABASE_URI") or "")
        if url.drivername.startswith("sqlite") and url.database not in (None, "", ":memory:"):
            if not Path(url.database).exists():
                return None, f"het databasebestand {url.database} bestaat (nog) niet"
        # An engine of its own, disposed at once: no pooled connection outlives the check (gunicorn --preload
        # forks workers after start-up, and they must not share a connection).
        connect_args = {"connect_timeout": 5} if url.drivername.startswith("postgresql") else {}
        engine = create_engine(url, connect_args=connect_args)
        try:
            return validate.check_database(course, engine), ""
        finally:
            engine.dispose()
    except Exception as error:  # no database configured or reachable: nothing to check
        return None, f"{type(error).__name__}: {error}"


def content_root(app: Flask) -> Path:
    return Path(app.config.get("EBW_CONTENT_DIR") or PROJECT_ROOT)


def _content_command_running() -> bool:
    """`ebw check-content` and `ebw gift` must run on broken content: they are how authors find and fix it."""
    args = sys.argv[1:]
    return "ebw" in args and any(a in ("check-content", "gift") for a in args[args.index("ebw") + 1:])


def _database_command_running() -> bool:
    """`flask db ...` must be able to migrate even while records refer to a renamed module."""
    args = sys.argv[1:]
    return "db" in args and "ebw" not in args


def load_course_for_app(app: Flask) -> Course:
    """Load the course for the app; raise ContentError (a RuntimeError) listing every problem on any error."""
    root = content_root(app)
    course, file_problems = load_course(root)
    db_problems = database_problems(app, course) or []
    problems = sorted(file_problems + db_problems)
    app.extensions[PROBLEMS_KEY] = problems
    for problem in problems:
        if not problem.is_error:
            app.logger.warning("%s", problem)
    blocking = errors(file_problems) if _database_command_running() else errors(problems)
    if blocking and not _content_command_running():
        raise ContentError(problems)
    if app.debug:
        _install_reloader(app, root)
    return course


# --------------------------------------------------------------------------------------------------------------------
# Debug mode: reload on change


def content_files(root: Path) -> list[Path]:
    """The files the course is read from or serves (media/src/ excluded: it only builds the video)."""
    files: list[Path] = []
    for folder, patterns in (
        (root / "modules", ("*.md",)),
        (root / "modules" / "exercises", ("*.yaml", "*.yml")),
        (root / "quizzes", ("*.yaml", "*.yml")),
        (root / "media", ("*",)),
    ):
        if folder.is_dir():
            for pattern in patterns:
                files.extend(p for p in folder.glob(pattern) if p.is_file())
    return sorted(set(files))


def content_stamp(root: Path) -> tuple:
    """Changes when any content file is added, removed or modified."""
    stamp = []
    for path in content_files(root):
        try:
            stat = path.stat()
        except OSError:
            continue
        stamp.append((str(path), stat.st_mtime_ns, stat.st_size))
    return tuple(stamp)


def _install_reloader(app: Flask, root: Path) -> None:
    state: dict[str, Any] = {"checked": time.monotonic(), "stamp": content_stamp(root)}
    interval = float(app.config.get("EBW_CONTENT_RELOAD_INTERVAL", RELOAD_INTERVAL))

    @app.before_request
    def reload_changed_content() -> None:
        now = time.monotonic()
        if now - state["checked"] < interval:
            return
        state["checked"] = now
        stamp = content_stamp(root)
        if stamp == state["stamp"]:
            return
        state["stamp"] = stamp
        course, problems = load_course(root)
        app.extensions[PROBLEMS_KEY] = problems
        found = errors(problems)
        if found:
            app.logger.error(
                "Content changed but has errors; the previous version stays in use.\n%s",
                "\n".join(str(p) for p in found),
            )
            return
        app.extensions[EXTENSION_KEY] = course
        app.logger.info("Content reloaded (version %s).", course.version[:12])
