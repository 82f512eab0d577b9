"""The export benchmark runs end to end (on a small database; `make bench` runs the full 100,000)."""

from __future__ import annotations

from bench import export_bench


def test_export_bench_runs_and_reports_ratios(capsys):
    result = export_bench.main(total=3000, small=1000, runs=1)
    assert result["rows"] == 3000
    assert result["time_ratio"] > 0 and result["plain_sql_csv_seconds"] > 0
    assert {"peak_extra_mib_1000", "peak_extra_mib_3000", "memory_flat", "time_ok"} <= set(result)
    assert "ratio" in capsys.readouterr().out
