"""Completion records export: 100,000 enrolments (DESIGN.md section 8).

- time: the real CSV export (reporting.queries.completion_records through exports.csv_chunks, hashed
  like a web download) against a plain SQL SELECT of the same joins written with csv.writer;
  target: at most 3x.
- memory: peak RSS (VmHWM) of the same export in a fresh process, for 10,000 and for 100,000 rows
  (a funding-year filter picks the 10,000); flat memory means the two are about equal.

Run with `make bench` (all benchmarks) or `python -m bench.export_bench`. Absolute figures depend on
the machine; the ratios measured in one run are what count.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

TOTAL = 100_000
SMALL = 10_000  # enrolments in funding year 2025; the rest is 2026
PER_COHORT = 1_000
TIME_TARGET = 3.0
FLAT_TOLERANCE_MIB = 16.0  # 10x the rows may cost at most this much extra peak memory

# The same rows the export selects, as plain SQL: the baseline any export has to be measured against.
PLAIN_SQL = """
SELECT u.municipality_code, m.name, c.funding_municipality_code, c.funding_year, c.funding_reference, c.name,
       t.trainers, u.pseudonym, u.name, u.email, u.job_domain, e.enrolled_at, e.started_at, e.last_active_at,
       e.modules_completed, e.modules_total, e.quiz_average, e.exercises_submitted, e.contact_hours_attended,
       e.study_hours,
       CASE WHEN e.withdrawn_at IS NOT NULL THEN 'uitgeschreven' WHEN e.completed_at IS NOT NULL THEN 'afgerond'
            WHEN e.started_at IS NOT NULL THEN 'bezig' ELSE 'niet_gestart' END,
       e.completed_at, CASE WHEN cert.revoked_at IS NULL THEN cert.code END
FROM enrollment e
JOIN user_account u ON u.id = e.user_id
JOIN cohort c ON c.id = e.cohort_id
LEFT JOIN municipality m ON m.code = u.municipality_code
LEFT JOIN (SELECT cohort_id, group_concat(name, ', ') AS trainers
           FROM (SELECT ct.cohort_id, tu.name FROM cohort_trainer ct JOIN user_account tu ON tu.id = ct.user_id
                 ORDER BY ct.cohort_id, tu.name) GROUP BY cohort_id) t ON t.cohort_id = c.id
LEFT JOIN certificate cert ON cert.enrollment_id = e.id
ORDER BY u.municipality_code, c.funding_year, c.name, u.name, e.id
"""


def _app(db_path: Path):
    from ebw_training import create_app

    return create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{db_path}"})


def generate(db_path: Path, total: int = TOTAL, small: int = SMALL) -> None:
    """Bulk-insert `total` enrolments of as many learners over cohorts of PER_COHORT, in a new database."""
    from sqlalchemy import insert

    from ebw_training.accounts.models import User
    from ebw_training.cohorts.models import Cohort, Enrollment, cohort_trainer
    from ebw_training.extensions import db
    from ebw_training.learning.models import Certificate
    from ebw_training.municipalities.services import seed_municipalities

    app = _app(db_path)
    with app.app_context():
        db.create_all()
        seed_municipalities()
        db.session.commit()
        codes = ["GM0363", "GM0362", "GM0384", "GM0599", "GM0518", "GM0344", "GM0014", "GM0855"]
        trainers = [{"id": n + 1, "email": f"trainer{n}@bench.nl", "name": f"Trainer {n:02d}", "role": "trainer",
                     "pseudonym": f"T-{n:010d}", "password_hash": None, "is_active_account": True}
                    for n in range(20)]
        db.session.execute(insert(User), trainers)
        cohorts, links = [], []
        for n in range((total + PER_COHORT - 1) // PER_COHORT):
            year = 2025 if n * PER_COHORT < small else 2026
            cohorts.append({"id": n + 1, "name": f"Groep {n:03d}", "funding_municipality_code": codes[n % len(codes)],
                            "funding_year": year, "funding_reference": f"VG-{year}-{n:03d}",
                            "contact_hours": Decimal("6"), "enrolment_code": f"B{n:03d}-{n:04d}"[:9]})
            links += [{"cohort_id": n + 1, "user_id": (n % 20) + 1}, {"cohort_id": n + 1, "user_id": ((n + 7) % 20) + 1}]
        db.session.execute(insert(Cohort), cohorts)
        db.session.execute(insert(cohort_trainer), links)
        start = datetime(2026, 1, 5, 8, 0)
        users, enrollments, certificates = [], [], []
        for i in range(total):
            uid = 1000 + i
            users.append({"id": uid, "email": f"deelnemer{i}@bench.nl", "name": f"Deelnemer {i:06d}",
                          "role": "learner", "municipality_code": codes[(i * 7) % len(codes)],
                          "job_domain": "oov", "pseudonym": f"D-{i:010d}", "password_hash": None,
                          "is_active_account": True})
            state = i % 5  # 0 not started, 1-2 busy, 3 completed, 4 withdrawn or completed
            started = start + timedelta(minutes=i) if state else None
            completed = started + timedelta(days=40) if state >= 3 else None
            enrollments.append({
                "id": i + 1, "user_id": uid, "cohort_id": i // PER_COHORT + 1, "enrolled_at": start,
                "withdrawn_at": started + timedelta(days=5) if state == 4 and i % 2 else None,
                "started_at": started, "last_active_at": completed or started,
                "modules_completed": 8 if completed else (state * 2 if started else 0), "modules_total": 8,
                "quiz_average": 75.5 if started else None, "exercises_submitted": 8 if completed else state,
                "contact_hours_attended": Decimal("4.5") if started else Decimal("0"),
                "study_hours": Decimal("12.50") if completed else Decimal(str(state)),
                "completed_at": completed,
            })
            if completed is not None:
                certificates.append({"enrollment_id": i + 1, "code": f"EBW-{i:09d}", "issued_at": completed,
                                     "holder_name": f"Deelnemer {i:06d}", "study_hours": 12.5,
                                     "content_version": "bench"})
        for model, rows in ((User, users), (Enrollment, enrollments), (Certificate, certificates)):
            for offset in range(0, len(rows), 20_000):
                db.session.execute(insert(model), rows[offset:offset + 20_000])
        db.session.commit()
        db.session.remove()
        db.engine.dispose()


class _Sink:
    """Where the bytes go: hashed (as a web download is), not kept."""

    def __init__(self) -> None:
        self.digest = hashlib.sha256()
        self.size = 0

    def write(self, chunk: bytes) -> None:
        self.digest.update(chunk)
        self.size += len(chunk)


def export_csv(year: int | None = None) -> tuple[int, int]:
    """The real export path (inside an app context): returns (rows, bytes)."""
    from ebw_training.reporting import exports, queries, scope

    sink = _Sink()
    rows = 0
    records = queries.completion_records(scope.Scope(), scope.ReportFilter(year=year))

    def counted():
        nonlocal rows
        for record in records:
            rows += 1
            yield record

    for chunk in exports.csv_chunks(exports.COMPLETION_COLUMNS, counted()):
        sink.write(chunk)
    return rows, sink.size


def plain_csv(db_path: Path) -> tuple[int, int]:
    """The baseline: one SELECT, csv.writer, the same sink."""
    connection = sqlite3.connect(db_path)
    sink = _Sink()
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    rows = 0
    for row in connection.execute(PLAIN_SQL):
        writer.writerow(row)
        rows += 1
        if rows % 1000 == 0:
            sink.write(buffer.getvalue().encode("utf-8"))
            buffer.seek(0)
            buffer.truncate(0)
    sink.write(buffer.getvalue().encode("utf-8"))
    connection.close()
    return rows, sink.size


def _best_of(runs: int, fn, *args):
    best, result = float("inf"), None
    for _ in range(runs):
        started = time.perf_counter()
        result = fn(*args)
        best = min(best, time.perf_counter() - started)
    return best, result


def _vm_hwm_kib() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return 0


def measure_memory(db_path: Path, year: int | None) -> dict:
    """In this (fresh) process: peak RSS before and after one export."""
    from ebw_training.extensions import db

    app = _app(db_path)
    with app.app_context():
        export_csv(year=1900)  # warm up imports, the connection and the statement cache, no rows
        before = _vm_hwm_kib()
        rows, size = export_csv(year=year)
        after = _vm_hwm_kib()
        db.session.remove()
    return {"rows": rows, "bytes": size, "hwm_before_kib": before, "hwm_after_kib": after,
            "extra_mib": round((after - before) / 1024, 1)}


def _memory_in_subprocess(db_path: Path, year: int | None) -> dict:
    args = [sys.executable, "-m", "bench.export_bench", "--measure", str(db_path)]
    if year is not None:
        args += ["--year", str(year)]
    output = subprocess.run(args, cwd=ROOT, check=True, capture_output=True, text=True).stdout
    return json.loads(output.strip().splitlines()[-1])


def main(total: int = TOTAL, small: int = SMALL, runs: int = 3) -> dict:
    workdir = Path(tempfile.mkdtemp(prefix="ebw-export-bench-"))
    db_path = workdir / "bench.sqlite"
    try:
        started = time.perf_counter()
        generate(db_path, total, small)
        generated = time.perf_counter() - started
        from ebw_training.extensions import db

        app = _app(db_path)
        with app.app_context():
            export_seconds, (rows, size) = _best_of(runs, export_csv)
            db.session.remove()
            db.engine.dispose()
        plain_seconds, (plain_rows, _plain_size) = _best_of(runs, plain_csv, db_path)
        assert rows == plain_rows == total, (rows, plain_rows, total)
        small_memory = _memory_in_subprocess(db_path, 2025)
        large_memory = _memory_in_subprocess(db_path, None)
        assert small_memory["rows"] == small and large_memory["rows"] == total
        ratio = export_seconds / plain_seconds
        memory_growth = large_memory["extra_mib"] - small_memory["extra_mib"]
        result = {
            "rows": total,
            "generate_seconds": round(generated, 2),
            "export_seconds": round(export_seconds, 3),
            "plain_sql_csv_seconds": round(plain_seconds, 3),
            "time_ratio": round(ratio, 2),
            "time_target": TIME_TARGET,
            "csv_bytes": size,
            f"peak_extra_mib_{small}": small_memory["extra_mib"],
            f"peak_extra_mib_{total}": large_memory["extra_mib"],
            "memory_growth_mib": round(memory_growth, 1),
            "memory_flat": memory_growth <= FLAT_TOLERANCE_MIB,
            "time_ok": ratio <= TIME_TARGET,
        }
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    print(f"   {total:,} completion records, CSV ({size / 1e6:.1f} MB)")
    print(f"   export {export_seconds:.2f} s vs plain SQL + csv.writer {plain_seconds:.2f} s: "
          f"ratio {ratio:.2f} (target <= {TIME_TARGET}) {'OK' if result['time_ok'] else 'TOO SLOW'}")
    print(f"   peak memory above start: {small:,} rows +{small_memory['extra_mib']} MiB, "
          f"{total:,} rows +{large_memory['extra_mib']} MiB (growth {memory_growth:.1f} MiB) "
          f"{'flat' if result['memory_flat'] else 'NOT FLAT'}")
    return result


def _cli() -> None:
    if len(sys.argv) >= 3 and sys.argv[1] == "--measure":
        year = int(sys.argv[sys.argv.index("--year") + 1]) if "--year" in sys.argv else None
        print(json.dumps(measure_memory(Path(sys.argv[2]), year)))
        return
    main()


if __name__ == "__main__":
    _cli()
