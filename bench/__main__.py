"""`make bench`: run every benchmark module in bench/ and print its figures as ratios.

Each module has a `main()` that prints its own lines and returns a dict of figures. Absolute
times on shared machines are noise; the ratios, measured in one run on one machine, are what
the quality targets in DESIGN.md section 8 are about.
"""

from __future__ import annotations

import importlib
import json
import pkgutil
import sys
from pathlib import Path


def main() -> int:
    here = Path(__file__).resolve().parent
    sys.path.insert(0, str(here.parent))
    only = set(sys.argv[1:])
    results = {}
    failed = False
    for info in sorted(pkgutil.iter_modules([str(here)]), key=lambda m: m.name):
        if info.name.startswith("_") or (only and info.name not in only):
            continue
        module = importlib.import_module(f"bench.{info.name}")
        if not hasattr(module, "main"):
            continue
        print(f"== {info.name}", flush=True)
        try:
            results[info.name] = module.main()
        except Exception as error:  # report and go on with the other benchmarks
            failed = True
            print(f"   FAILED: {error!r}")
    out = here / "out"
    out.mkdir(exist_ok=True)
    (out / "results.json").write_text(json.dumps(results, indent=2, default=str))
    print(f"figures written to {out / 'results.json'}")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
