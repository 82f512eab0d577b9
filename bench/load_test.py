"""100 concurrent simulated learners for 60 s against gunicorn: zero errors, no lost write.

Each simulated learner logs in through the real form (with CSRF), then loops: course overview,
a lesson page, mark it as read, open a quiz and submit it with a fresh submission token. At the
end the database must hold exactly the quiz attempts and page reads the server confirmed.
Settings: EBW_LOAD_USERS (100), EBW_LOAD_SECONDS (60), EBW_LOAD_WORKERS (4),
EBW_BENCH_DATABASE_URL (default: a temporary SQLite database).
"""

from __future__ import annotations

import http.cookiejar
import os
import random
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from html.parser import HTMLParser
from pathlib import Path

from bench.module_page import ROOT, free_port, wait_for

USERS = int(os.environ.get("EBW_LOAD_USERS", "100"))
SECONDS = float(os.environ.get("EBW_LOAD_SECONDS", "60"))
WORKERS = int(os.environ.get("EBW_LOAD_WORKERS", "4"))
PASSWORD = "load-test-wachtwoord-2026"
SLUGS = ["wat-is-ebw", "lokale-aanpak", "veranderingstheorie", "planevaluatie"]


class FormParser(HTMLParser):
    """Collects the fields of the form whose action contains `marker`, choosing a valid answer for each."""

    def __init__(self, marker: str):
        super().__init__()
        self.marker, self.inside, self.fields, self.select = marker, False, {}, None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.inside = self.marker in (a.get("action") or "") or (self.marker == "" and a.get("method") == "post")
        elif self.inside and tag == "input" and a.get("name"):
            kind = a.get("type", "text")
            if kind in ("radio", "checkbox"):
                self.fields.setdefault(a["name"], a.get("value", "on"))
            elif kind not in ("submit", "button"):
                self.fields[a["name"]] = a.get("value", "")
        elif self.inside and tag == "select" and a.get("name"):
            self.select = a["name"]
        elif self.inside and tag == "option" and self.select and a.get("value"):
            self.fields.setdefault(self.select, a["value"])

    def handle_endtag(self, tag):
        if tag == "select":
            self.select = None
        elif tag == "form":
            self.inside = False


def form_fields(html: str, marker: str) -> dict:
    parser = FormParser(marker)
    parser.feed(html)
    return parser.fields


class Learner(threading.Thread):
    def __init__(self, base: str, email: str, deadline: float, stats: dict, lock: threading.Lock):
        super().__init__(daemon=True)
        self.base, self.email, self.deadline, self.stats, self.lock = base, email, deadline, stats, lock
        jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
        self.opener.addheaders = [("User-Agent", "ebw-load")]

    def call(self, path: str, data: dict | None = None) -> str:
        body = urllib.parse.urlencode(data, doseq=True).encode() if data is not None else None
        try:
            with self.opener.open(self.base + path, data=body, timeout=60) as response:
                return response.read().decode()
        except urllib.error.HTTPError as error:
            with self.lock:
                self.stats["errors"].append(f"{error.code} {path}")
            raise
        except Exception as error:  # counted as an error of the run
            with self.lock:
                self.stats["errors"].append(f"{type(error).__name__} {path}")
            raise

    def run(self):
        rng = random.Random(self.email)
        try:
            html = self.call("/login")
            token = form_fields(html, "")["csrf_token"]
            self.call("/login", {"email": self.email, "password": PASSWORD, "csrf_token": token})
            while time.time() < self.deadline:
                slug = rng.choice(SLUGS)
                self.call("/modules")
                page = rng.randint(1, 2)
                html = self.call(f"/modules/{slug}/pagina/{page}")
                fields = form_fields(html, "/gelezen")
                if "csrf_token" in fields:  # no button once the page is marked as read
                    self.call(f"/modules/{slug}/pagina/{page}/gelezen", fields)
                    with self.lock:
                        self.stats["reads"].add((self.email, slug, page))
                html = self.call(f"/modules/{slug}/toets")
                self.call(f"/modules/{slug}/toets", form_fields(html, "/toets"))
                with self.lock:
                    self.stats["quiz_posts"] += 1
                    self.stats["requests"] += 6 if "csrf_token" in fields else 5
        except Exception:  # already recorded
            pass


def server_env(url: str) -> dict:
    return {**os.environ, "SECRET_KEY": "load-" + "x" * 40, "SESSION_COOKIE_SECURE": "0", "DATABASE_URL": url,
            "PYTHONPATH": str(ROOT), "EBW_LOGIN_MAX_FAILURES": "1000"}


def create_load_users(url: str, count: int):
    """Migrate the database, load the demo data and enrol `count` learners; return (app, their e-mails)."""
    from werkzeug.security import generate_password_hash

    from ebw_training import create_app
    from ebw_training.accounts.models import User
    from ebw_training.cohorts.models import Cohort, Enrollment
    from ebw_training.extensions import db

    env = server_env(url)
    flask = [sys.executable, "-m", "flask", "--app", "wsgi"]
    subprocess.run(flask + ["db", "upgrade"], cwd=ROOT, env=env, check=True, capture_output=True)
    subprocess.run(flask + ["ebw", "demo"], cwd=ROOT, env=env, check=True, capture_output=True)
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "x", "TESTING": True})
    with app.app_context():
        cohort = db.session.scalars(db.select(Cohort)).first()
        pw = generate_password_hash(PASSWORD, method="pbkdf2:sha256:1000")
        users = [User(email=f"load{i}@example.nl", name=f"Load {i}", role="learner", municipality_code="GM0363",
                      password_hash=pw) for i in range(count)]
        db.session.add_all(users)
        db.session.flush()
        db.session.add_all([Enrollment(user_id=u.id, cohort_id=cohort.id, modules_total=8) for u in users])
        db.session.commit()
        emails = [u.email for u in users]
        db.session.remove()
    return app, emails


def main() -> dict:
    from ebw_training.extensions import db

    with tempfile.TemporaryDirectory(prefix="ebw-load-") as tmp:
        url = os.environ.get("EBW_BENCH_DATABASE_URL") or f"sqlite:///{tmp}/load.sqlite"
        env = server_env(url)
        app, emails = create_load_users(url, USERS)
        with app.app_context():
            from ebw_training.learning.models import PageRead, QuizAttempt

            # The demo data holds some progress of its own: count only what this run adds.
            attempts_before = db.session.scalar(db.select(db.func.count(QuizAttempt.id)))
            reads_before = db.session.scalar(db.select(db.func.count(PageRead.id)))

        port = free_port()
        server = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "--workers", str(WORKERS), "--threads", "4", "--bind",
             f"127.0.0.1:{port}", "--log-level", "warning", "--timeout", "120", "wsgi:app"],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=open(Path(tmp) / "gunicorn.log", "w"),
        )
        try:
            base = f"http://127.0.0.1:{port}"
            wait_for(f"{base}/healthz")
            stats = {"errors": [], "reads": set(), "quiz_posts": 0, "requests": 0}
            lock = threading.Lock()
            started = time.time()
            learners = [Learner(base, e, started + SECONDS, stats, lock) for e in emails]
            for learner in learners:
                learner.start()
            for learner in learners:
                learner.join()
            elapsed = time.time() - started
        finally:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=30)

        with app.app_context():
            from ebw_training.learning.models import PageRead, QuizAttempt

            attempts = db.session.scalar(db.select(db.func.count(QuizAttempt.id))) - attempts_before
            reads = db.session.scalar(db.select(db.func.count(PageRead.id))) - reads_before
            db.engine.dispose()

    # A write is lost when the server confirmed it and the database does not hold it; extra rows would be a
    # double write. Both count against the target.
    lost = abs(stats["quiz_posts"] - attempts) + abs(len(stats["reads"]) - reads)
    result = {"learners": USERS, "seconds": round(elapsed, 1), "requests": stats["requests"],
              "requests_per_second": round(stats["requests"] / elapsed, 1), "errors": len(stats["errors"]),
              "quiz_posts": stats["quiz_posts"], "quiz_attempts_stored": attempts,
              "page_reads_confirmed": len(stats["reads"]), "page_reads_stored": reads, "lost_writes": lost}
    print(f"   {USERS} learners for {elapsed:.0f} s: {stats['requests']} requests ({result['requests_per_second']}/s), "
          f"{len(stats['errors'])} errors, {lost} lost writes (target: 0 and 0)")
    print(f"   quiz attempts posted {stats['quiz_posts']}, stored {attempts}; page reads {len(stats['reads'])}, stored {reads}")
    if stats["errors"]:
        print("   first errors:", stats["errors"][:5])
    return result
