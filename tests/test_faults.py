"""Faults under load on PostgreSQL, short version of `bench/fault_run.py` (the full one runs in `make bench`).

20 learners for 15 s against gunicorn with 2 workers; one worker is killed and PostgreSQL restarts during the
run. Runs when the suite runs on PostgreSQL (EBW_TEST_DATABASE_URL); on SQLite it is skipped with the reason.
The run uses a throwaway PostgreSQL cluster of its own, so the suite's database is never restarted.
"""

from __future__ import annotations

import os

import pytest

from bench.fault_run import postgres_bin, run


def test_learners_keep_working_through_a_worker_kill_and_a_database_restart():
    if not os.environ.get("EBW_TEST_DATABASE_URL", "").startswith("postgresql"):
        pytest.skip("fault run needs PostgreSQL: set EBW_TEST_DATABASE_URL to a postgresql+psycopg:// URL")
    if postgres_bin() is None:
        pytest.fail("EBW_TEST_DATABASE_URL is PostgreSQL but the server binaries (initdb, pg_ctl) are missing")
    result = run(users=20, seconds=15)
    assert not result["problems"], "\n".join(result["problems"])
    assert result["attempts_confirmed"] > 0 and result["page_reads_confirmed"] > 0
    assert result["attempts_stored"] >= result["attempts_confirmed"]
