"""Faults under load on PostgreSQL: learners keep working while a gunicorn worker dies and PostgreSQL restarts.

EBW_FAULT_USERS (100) simulated learners work for EBW_FAULT_SECONDS (60) against gunicorn with 2 workers on a
throwaway PostgreSQL cluster this module starts. A third into the run one worker is killed (SIGKILL); halfway
PostgreSQL restarts. Afterwards:
- no request that started after the database was back got a 5xx;
- the run went on: requests succeeded after both faults;
- the database holds every page read and quiz attempt (with its answers) the server confirmed, and nothing
  beyond what was confirmed or whose answer got lost in a fault;
- every learner's progress summary equals a fresh computation from the stored rows.
Needs PostgreSQL's server binaries (Debian's `postgresql` package); run as root it uses the `postgres` user.
`make bench` runs the full version; tests/test_faults.py a short one when EBW_TEST_DATABASE_URL is PostgreSQL.
"""

from __future__ import annotations

import glob
import http.cookiejar
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from bench.load_test import PASSWORD, SLUGS, create_load_users, form_fields, server_env
from bench.module_page import ROOT, free_port, wait_for

USERS = int(os.environ.get("EBW_FAULT_USERS", "100"))
SECONDS = float(os.environ.get("EBW_FAULT_SECONDS", "60"))


def postgres_bin() -> str | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if found:
        return str(Path(found[-1]).parent)
    initdb = shutil.which("initdb")
    return str(Path(initdb).parent) if initdb else None


class Postgres:
    """A PostgreSQL cluster in a temporary folder, owned by the `postgres` user when we run as root."""

    def __init__(self):
        self.bin = postgres_bin()
        if self.bin is None:
            raise RuntimeError("PostgreSQL server binaries not found (apt-get install postgresql)")
        self.folder = Path(tempfile.mkdtemp(prefix="ebw-fault-pg-"))
        self.data = self.folder / "pgdata"
        self.port = free_port()
        self.as_user = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        if self.as_user:
            shutil.chown(self.folder, "postgres", "postgres")

    def _run(self, *args: str) -> None:
        subprocess.run([*self.as_user, *args], check=True, capture_output=True, timeout=120)

    def pg_ctl(self, *args: str) -> None:
        self._run(f"{self.bin}/pg_ctl", "-D", str(self.data), "-l", str(self.data.parent / "pg.log"), "-w", *args)

    def start(self) -> str:
        self._run(f"{self.bin}/initdb", "-D", str(self.data), "-U", "postgres", "-A", "trust", "-E", "UTF8",
                  "--no-sync")
        options = f"-p {self.port} -k {self.data.parent} -c listen_addresses=127.0.0.1 -c fsync=off"
        self.pg_ctl("-o", options, "start")
        self._run(f"{self.bin}/psql", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "-q",
                  "-c", "CREATE DATABASE ebw")
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/ebw"

    def restart(self) -> None:
        self.pg_ctl("-m", "fast", "restart")

    def stop(self) -> None:
        try:
            self.pg_ctl("-m", "immediate", "stop")
        except subprocess.CalledProcessError:
            pass
        shutil.rmtree(self.folder, ignore_errors=True)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # a 303 after a POST is the confirmation we record


@dataclass
class Ledger:
    """What the server told the learners, and every request's timing and outcome."""

    requests: list[tuple[float, str, str]] = field(default_factory=list)  # (start, outcome, path)
    confirmed_reads: set = field(default_factory=set)
    unknown_reads: set = field(default_factory=set)
    confirmed_attempts: dict = field(default_factory=dict)  # token -> posted fields
    unknown_attempts: dict = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)


class Learner(threading.Thread):
    def __init__(self, base: str, email: str, deadline: float, ledger: Ledger):
        super().__init__(daemon=True)
        self.base, self.email, self.deadline, self.ledger = base, email, deadline, ledger
        jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), _NoRedirect)
        self.opener.addheaders = [("User-Agent", "ebw-fault")]

    def call(self, path: str, data: dict | None = None) -> tuple[int | None, str]:
        """(status, body); status None when the connection failed. Never raises."""
        body = urllib.parse.urlencode(data, doseq=True).encode() if data is not None else None
        started = time.time()
        status, text = None, ""
        try:
            with self.opener.open(self.base + path, data=body, timeout=60) as response:
                status, text = response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            status = error.code
        except Exception:  # noqa: BLE001 - a dropped connection is an outcome of the run
            status = None
        with self.ledger.lock:
            self.ledger.requests.append((started, str(status), path))
        return status, text

    def login(self) -> bool:
        status, html = self.call("/login")
        token = form_fields(html, "").get("csrf_token") if status == 200 else None
        if not token:
            return False
        status, _ = self.call("/login", {"email": self.email, "password": PASSWORD, "csrf_token": token})
        return status in (302, 303)

    def run(self):
        rng = random.Random(self.email)
        while time.time() < self.deadline and not self.login():
            time.sleep(0.5)
        while time.time() < self.deadline:
            slug = rng.choice(SLUGS)
            number = rng.randint(1, 3)
            status, html = self.call(f"/modules/{slug}/pagina/{number}")
            fields = form_fields(html, "/gelezen") if status == 200 else {}
            if "csrf_token" in fields:
                status, _ = self.call(f"/modules/{slug}/pagina/{number}/gelezen", fields)
                self._record(status, self.ledger.confirmed_reads, self.ledger.unknown_reads,
                             (self.email, slug, number))
            status, html = self.call(f"/modules/{slug}/toets")
            if status != 200:
                time.sleep(0.2)
                continue
            answers = form_fields(html, "/toets")
            if "token" in answers:
                status, _ = self.call(f"/modules/{slug}/toets", answers)
                with self.ledger.lock:
                    if status == 303:
                        self.ledger.confirmed_attempts[answers["token"]] = answers
                    elif status is None or status >= 500:
                        self.ledger.unknown_attempts[answers["token"]] = answers

    def _record(self, status, confirmed: set, unknown: set, item) -> None:
        with self.ledger.lock:
            if status == 303:
                confirmed.add(item)
            elif status is None or status >= 500:
                unknown.add(item)


def worker_pids(master: int) -> list[int]:
    try:
        return [int(p) for p in Path(f"/proc/{master}/task/{master}/children").read_text().split()]
    except OSError:
        return []


@contextmanager
def gunicorn(url: str, folder: Path):
    port = free_port()
    log = open(folder / "gunicorn.log", "w")  # noqa: SIM115 - closed below
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--workers", "2", "--threads", "4", "--bind", f"127.0.0.1:{port}",
         "--log-level", "warning", "--timeout", "60", "wsgi:app"],
        cwd=ROOT, env=server_env(url), stdout=subprocess.DEVNULL, stderr=log,
    )
    try:
        wait_for(f"http://127.0.0.1:{port}/healthz", timeout=60)
        yield server, f"http://127.0.0.1:{port}"
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()


def _stored(app, emails: list[str]) -> tuple[set, dict, list[str]]:
    """Page reads and attempts of the load learners, and learners whose summary differs from a fresh count."""
    from sqlalchemy import select

    from ebw_training.accounts.models import User
    from ebw_training.cohorts.models import Enrollment
    from ebw_training.extensions import db
    from ebw_training.learning.models import PageRead, QuizAttempt
    from ebw_training.learning.progress import load_progress

    with app.test_request_context():
        rows = db.session.execute(
            select(User.email, PageRead.module_slug, PageRead.page_number)
            .join(Enrollment, Enrollment.user_id == User.id).join(PageRead, PageRead.enrollment_id == Enrollment.id)
            .where(User.email.in_(emails))
        ).all()
        reads = {tuple(row) for row in rows}
        attempts = dict(db.session.execute(
            select(QuizAttempt.token, QuizAttempt.answers).join(Enrollment, QuizAttempt.enrollment_id == Enrollment.id)
            .join(User, Enrollment.user_id == User.id).where(User.email.in_(emails))
        ).all())
        stale = []
        enrollments = db.session.scalars(select(Enrollment).join(User).where(User.email.in_(emails))).all()
        for enrollment in enrollments:
            fresh = load_progress(enrollment)
            stored = (enrollment.modules_completed, enrollment.quiz_average)
            if stored != (fresh.modules_completed, fresh.quiz_average):
                stale.append(f"enrollment {enrollment.id}: stored {stored}, "
                             f"counted {(fresh.modules_completed, fresh.quiz_average)}")
        db.session.remove()
        db.engine.dispose()
    return reads, attempts, stale


def _answers_kept(posted: dict, stored: dict) -> bool:
    """Every answer the learner posted (q-ID or q-ID-KEY fields) is in the stored attempt."""
    text = repr(stored)
    return all(str(value) in text for name, value in posted.items() if name.startswith("q-"))


def run(users: int = USERS, seconds: float = SECONDS) -> dict:
    with tempfile.TemporaryDirectory(prefix="ebw-fault-") as tmp:
        folder = Path(tmp)
        postgres = Postgres()
        url = postgres.start()
        try:
            app, emails = create_load_users(url, users)
            ledger = Ledger()
            events: dict[str, float] = {}
            with gunicorn(url, folder) as (server, base):
                started = time.time()
                learners = [Learner(base, email, started + seconds, ledger) for email in emails]
                for learner in learners:
                    learner.start()
                time.sleep(seconds / 3)
                victims = worker_pids(server.pid)
                if victims:
                    os.kill(victims[0], signal.SIGKILL)
                    events["worker_killed"] = time.time()
                time.sleep(max(0.0, started + seconds / 2 - time.time()))
                events["database_down"] = time.time()
                postgres.restart()
                events["database_back"] = time.time()
                for learner in learners:
                    learner.join(timeout=seconds + 120)
                elapsed = time.time() - started
                workers_after = len(worker_pids(server.pid))
            reads, attempts, stale = _stored(app, emails)
        finally:
            postgres.stop()

    back = events.get("database_back", float("inf"))
    after_back = [(t, outcome, path) for t, outcome, path in ledger.requests if t >= back]
    errors_after_back = [f"{outcome} {path}" for _t, outcome, path in after_back
                         if outcome == "None" or int(outcome) >= 500]
    ok_after_back = sum(1 for _t, outcome, _p in after_back if outcome in ("200", "302", "303"))
    missing_reads = ledger.confirmed_reads - reads
    extra_reads = reads - ledger.confirmed_reads - ledger.unknown_reads
    missing_attempts = set(ledger.confirmed_attempts) - set(attempts)
    extra_attempts = set(attempts) - set(ledger.confirmed_attempts) - set(ledger.unknown_attempts)
    wrong_answers = [token for token, posted in ledger.confirmed_attempts.items()
                     if token in attempts and not _answers_kept(posted, attempts[token])]
    problems = []
    if "worker_killed" not in events:
        problems.append("no gunicorn worker found to kill")
    if workers_after < 2:
        problems.append(f"gunicorn runs {workers_after} workers after the kill, expected 2")
    if errors_after_back:
        problems.append(f"{len(errors_after_back)} failed requests after the database was back: "
                        f"{errors_after_back[:5]}")
    if ok_after_back < users:
        problems.append(f"the run did not go on: {ok_after_back} good requests after the database was back")
    for label, items in (("confirmed page reads missing", missing_reads), ("unconfirmed page reads", extra_reads),
                         ("confirmed attempts missing", missing_attempts), ("unconfirmed attempts", extra_attempts),
                         ("attempts with other answers", wrong_answers), ("stale progress summaries", stale)):
        if items:
            problems.append(f"{len(items)} {label}: {sorted(items)[:5]}")
    outcomes: dict[str, int] = {}
    for _t, outcome, _p in ledger.requests:
        outcomes[outcome] = outcomes.get(outcome, 0) + 1
    return {
        "learners": users, "seconds": round(elapsed, 1), "requests": len(ledger.requests), "outcomes": outcomes,
        "database_down_seconds": round(back - events["database_down"], 2),
        "good_requests_after_database_back": ok_after_back,
        "page_reads_confirmed": len(ledger.confirmed_reads), "page_reads_stored": len(reads),
        "attempts_confirmed": len(ledger.confirmed_attempts), "attempts_stored": len(attempts),
        "problems": problems,
    }


def main() -> dict:
    if postgres_bin() is None:
        print("   skipped: PostgreSQL server binaries not found (apt-get install postgresql)")
        return {"skipped": "postgresql missing"}
    result = run()
    print(f"   {result['learners']} learners for {result['seconds']} s on PostgreSQL, 2 gunicorn workers: "
          f"{result['requests']} requests {result['outcomes']}")
    print(f"   worker killed at 1/3, PostgreSQL down {result['database_down_seconds']} s at 1/2; "
          f"{result['good_requests_after_database_back']} good requests after it was back")
    print(f"   page reads confirmed {result['page_reads_confirmed']}, stored {result['page_reads_stored']}; "
          f"attempts confirmed {result['attempts_confirmed']}, stored {result['attempts_stored']}")
    if result["problems"]:
        raise RuntimeError("fault run failed:\n   " + "\n   ".join(result["problems"]))
    print("   no 5xx after the database was back; the database holds exactly what the learners were told")
    return result


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    main()
