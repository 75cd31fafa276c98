#!/usr/bin/env python3
"""Rewrite the README's example outputs with what the commands print now.

    .venv/bin/python scripts/update_readme_examples.py

Each block marked ``<!-- example: glyload ARGS -->`` (a score on the bundled data)
or ``<!-- glucose-example: glyload ARGS -->`` (the measured-glucose workflow on the
synthetic person of ``scripts/synthetic_cgm.py --days 7``) is replaced by the real
output of ``glyload ARGS`` on a database built from the bundled data in a temporary
directory. tests/test_docs.py and tests/test_glucose.py check that the blocks are
real output; this script only saves typing them.
"""

from __future__ import annotations

import importlib.util
import os
import re
import shlex
import sys
import tempfile
from pathlib import Path

from click.testing import CliRunner

ROOT = Path(__file__).resolve().parents[1]
BLOCK = re.compile(r"(<!-- (glucose-example|example): glyload (.+?) -->\n```\n)(.*?)(```)", re.S)


def main() -> int:
    from glyload.build import build_database
    from glyload.cli import cli

    readme_path = ROOT / "README.md"
    readme = readme_path.read_text(encoding="utf-8")
    with tempfile.TemporaryDirectory() as work:
        db = Path(work) / "glyload.db"
        build_database(db)
        spec = importlib.util.spec_from_file_location("synthetic_cgm", ROOT / "scripts" / "synthetic_cgm.py")
        synthetic = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(synthetic)
        here = os.getcwd()
        os.chdir(work)
        try:
            os.environ["GLYLOAD_PERSONAL_DB"] = "personal.db"
            synthetic.write_all("synthetic", 7, 1, "America/New_York", "2024-10-28", "mg/dL", "eu")

            def output(match):
                result = CliRunner().invoke(cli, [*shlex.split(match.group(3)), "--db", str(db)])
                if result.exit_code != 0:
                    raise SystemExit(f"glyload {match.group(3)} failed: {result.output}")
                return match.group(1) + result.stdout + match.group(5)

            updated = BLOCK.sub(output, readme)
        finally:
            os.chdir(here)
    readme_path.write_text(updated, encoding="utf-8")
    print(f"{readme_path}: {len(BLOCK.findall(readme))} examples rewritten", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
