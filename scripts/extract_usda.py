#!/usr/bin/env python3
"""Regenerate data/usda/ (the bundled tidy extract) from the official USDA SR ASCII release.

Usage:
    python scripts/extract_usda.py PATH_TO_SR28_DIR_OR_sr28asc.zip [--out data/usda]

Reads FD_GROUP, FOOD_DES, NUTR_DEF, NUT_DATA and WEIGHT with glyload's release
reader (the same code `glyload build --usda` uses) and writes food_groups.csv,
foods.csv and portions.csv. Never edit those files by hand: rerun this.
"""

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from glyload.errors import GlyloadError  # noqa: E402
from glyload.sources.tidy import write_tidy  # noqa: E402
from glyload.sources.usda import read_release  # noqa: E402


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("release", help="SR28 (or SR Legacy) ASCII directory or zip")
    parser.add_argument("--out", default=str(Path(__file__).resolve().parents[1] / "data" / "usda"))
    args = parser.parse_args(argv)
    try:
        data = read_release(args.release)
        counts = write_tidy(data, args.out)
    except GlyloadError as error:
        print(f"extract_usda: {error}", file=sys.stderr)
        return 1
    for name, count in counts.items():
        print(f"{args.out}/{name}: {count:,} rows")
    return 0


if __name__ == "__main__":
    sys.exit(main())
