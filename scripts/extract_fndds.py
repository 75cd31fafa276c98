#!/usr/bin/env python3
"""Regenerate data/fndds/ (the bundled tidy extract) from USDA's FNDDS "At A Glance" workbooks.

Usage:
    python scripts/extract_fndds.py DIR_WITH_THE_FOUR_WORKBOOKS [--out data/fndds]

Reads "Foods and Beverages", "FNDDS Nutrient Values", "Portions and Weights" and
"FNDDS Ingredients" (each sheet has a title row before its header row) with
glyload's workbook reader, the same code `glyload build --fndds DIR` uses, and
writes foods.csv, portions.csv and ingredients.csv. Needs openpyxl
(pip install 'glyload[fndds]'). Never edit those files by hand: rerun this.
"""

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from glyload.errors import GlyloadError  # noqa: E402
from glyload.sources.fndds import FNDDS_SOURCE, read_workbooks, write_tidy  # noqa: E402


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("directory", help="directory holding the four FNDDS At A Glance .xlsx workbooks")
    parser.add_argument("--out", default=str(Path(__file__).resolve().parents[1] / "data" / "fndds"))
    args = parser.parse_args(argv)
    try:
        data = read_workbooks(args.directory)
        if data.source != FNDDS_SOURCE:
            raise GlyloadError(f"{args.directory}: the workbooks are {data.source}; the bundled extract is "
                               f"documented as {FNDDS_SOURCE} (update FNDDS_SOURCE and data/README.md first)")
        counts = write_tidy(data, args.out)
    except GlyloadError as error:
        print(f"extract_fndds: {error}", file=sys.stderr)
        return 1
    for name, count in counts.items():
        print(f"{args.out}/{name}: {count:,} rows")
    return 0


if __name__ == "__main__":
    sys.exit(main())
