"""Start-up cost of the course: load, check and render every module, quiz, exercise and video once.

The target (issue 3) is under one second on this machine. Printed: the median of 5 in-process loads
of the whole course and its ratio to 1 s, and, for context, the median of 5 complete app start-ups in
a fresh Python process (imports, extensions and the course together).
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET_SECONDS = 1.0

_START_APP = (
    "import time; t = time.perf_counter(); "
    "from ebw_training import create_app; "
    "create_app({'TESTING': True, 'SQLALCHEMY_DATABASE_URI': %r}); "
    "print(time.perf_counter() - t)"
)


def _load_times(repeats: int) -> tuple[list[float], dict]:
    from ebw_training.content.loader import load_course

    times = []
    course = problems = None
    for _ in range(repeats):
        start = time.perf_counter()
        course, problems = load_course(ROOT)
        times.append(time.perf_counter() - start)
    counts = {
        "modules": len(course.modules),
        "pages": sum(len(m.pages) for m in course.modules),
        "questions": sum(len(q.questions) for q in course.quizzes.values()),
        "exercise_items": sum(len(e.items) for e in course.exercises.values()),
        "errors": sum(p.is_error for p in problems),
    }
    return times, counts


def _process_times(repeats: int) -> list[float]:
    times = []
    with tempfile.TemporaryDirectory() as folder:
        url = "sqlite:///" + str(Path(folder) / "bench.sqlite")
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        for _ in range(repeats):
            out = subprocess.run([sys.executable, "-c", _START_APP % url], capture_output=True, text=True,
                                 cwd=ROOT, env=env, check=True)
            times.append(float(out.stdout.strip().splitlines()[-1]))
    return times


def main(repeats: int = 5, process: bool = True) -> dict:
    sys.path.insert(0, str(ROOT))
    times, counts = _load_times(repeats)
    median = statistics.median(times)
    figures = {
        **counts,
        "load_render_median_s": round(median, 4),
        "load_render_ratio_to_1s": round(median / TARGET_SECONDS, 3),
        "target_met": median < TARGET_SECONDS,
    }
    print(f"   course: {counts['modules']} modules, {counts['pages']} pages, {counts['questions']} questions, "
          f"{counts['exercise_items']} exercise items")
    print(f"   load + check + render the whole course: median of {repeats} = {median * 1000:.0f} ms "
          f"-> ratio to 1 s: {median / TARGET_SECONDS:.3f} ({'OK' if median < TARGET_SECONDS else 'TOO SLOW'})")
    if process:
        start_times = _process_times(repeats)
        start_median = statistics.median(start_times)
        figures["app_start_median_s"] = round(start_median, 4)
        figures["app_start_ratio_to_1s"] = round(start_median / TARGET_SECONDS, 3)
        print(f"   complete app start-up in a fresh process (imports included): median of {repeats} = "
              f"{start_median * 1000:.0f} ms -> ratio to 1 s: {start_median / TARGET_SECONDS:.3f}")
    return figures


if __name__ == "__main__":
    main()
