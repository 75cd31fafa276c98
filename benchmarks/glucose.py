#!/usr/bin/env python3
"""Measured-glucose benchmarks: a 90-day CGM import and `glucose meals` over 270 meals.

    .venv/bin/python benchmarks/glucose.py [--runs 3]

Standard library plus scripts/synthetic_cgm.py (seeded, synthetic). Each figure is
a whole `glyload` process (start-up and imports included), as a person runs it:

- ``glucose-import``: ``glyload glucose import`` of a 90-day Dexcom Clarity export,
  5-minute readings (about 25,900 after the generator's gaps and sensor warm-ups),
  into an empty personal database. Target <= 2 s.
- ``glucose-meals``: ``glyload glucose meals --diary FILE --json`` over the 270
  meals of the same 90 days (3 a day, no snacks), on that database. Target <= 2 s.

Everything lives in a temporary directory; every command gets ``--db`` and
``--personal-db`` there. Prints the median of ``--runs`` timed runs and exits 0
whether the targets are met or not (docs/benchmarks.md).
"""

from __future__ import annotations

import argparse
import importlib.util
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
GLYLOAD = Path(sys.executable).with_name("glyload")
TARGETS = {"glucose-import": 2.0, "glucose-meals": 2.0}


def generator():
    spec = importlib.util.spec_from_file_location("synthetic_cgm", REPO / "scripts" / "synthetic_cgm.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def timed(args) -> float:
    start = time.perf_counter()
    subprocess.run([str(GLYLOAD), *map(str, args)], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    return time.perf_counter() - start


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        db = tmp / "glyload.db"
        subprocess.run([str(GLYLOAD), "build", "--db", str(db)], check=True, stdout=subprocess.DEVNULL)
        files = generator().write_all(tmp / "syn", days=90, seed=7, tz="America/New_York", start="2024-09-01",
                                      snacks=False)
        readings = sum(1 for line in files["clarity"].read_text().splitlines() if ",EGV," in line)
        meals = len({tuple(line.split(",")[:3]) for line in files["diary"].read_text().splitlines()[1:]})
        common = ["--db", db, "--tz", "America/New_York"]
        imports, runs = [], []
        for n in range(args.runs):
            personal = tmp / f"personal-{n}.db"
            imports.append(timed(["glucose", "import", *common, "--personal-db", personal, files["clarity"]]))
        for _ in range(args.runs):
            runs.append(timed(["glucose", "meals", *common, "--personal-db", tmp / "personal-0.db",
                               "--diary", files["diary"], "--json"]))
        rows = [("glucose-import", f"{readings:,} readings", statistics.median(imports)),
                ("glucose-meals", f"{meals} meals", statistics.median(runs))]
        print(f"{'name':<16} {'input':<18} {'median s':>8}  target  status")
        for name, what, seconds in rows:
            status = "ok" if seconds <= TARGETS[name] else "SLOW"
            print(f"{name:<16} {what:<18} {seconds:>8.2f}  <= {TARGETS[name]:g} s  {status}")


if __name__ == "__main__":
    main()
