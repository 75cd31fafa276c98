"""The README and docs/ say what the code does."""

import re
import shlex
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from glyload.cli import cli

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text()


def test_readme_example_is_real_output(built_db):
    match = re.search(r"<!-- example: glyload (.+?) -->\n```\n(.*?)```", README, re.S)
    assert match, "README has no example block"
    args = shlex.split(match.group(1))
    result = CliRunner().invoke(cli, [*args, "--db", str(built_db)])
    assert result.exit_code == 0, result.output
    assert result.stdout == match.group(2)


def test_readme_first_screen_has_the_two_commands():
    first_screen = README.split("## ")[0]
    commands = re.findall(r"^    (\S.*)$", first_screen, re.M)
    assert len(commands) == 2
    assert "pip install -e '.[test]'" in commands[0] and "glyload score" in commands[0]
    assert commands[1] == ".venv/bin/pytest -q"


def test_ci_runs_exactly_the_readme_test_command():
    ci = (ROOT / ".ci" / "run").read_text().splitlines()
    test_command = re.findall(r"^    (\S.*)$", README.split("## ")[0], re.M)[1]
    assert [line for line in ci if line and not line.startswith("#")][-1] == test_command


def test_cli_reference_is_generated_from_help():
    result = subprocess.run([sys.executable, str(ROOT / "scripts" / "generate_cli_docs.py"), "--check"],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_score_hot_path_imports_no_heavy_library(built_db):
    """`glyload score` stays light: no pandas, Datasette or sqlite-utils import (a new process)."""
    code = ("import sys; from click.testing import CliRunner; from glyload.cli import cli; "
            f"r = CliRunner().invoke(cli, ['score', '--db', {str(built_db)!r}, '1 medium apple']); "
            "assert r.exit_code == 0, r.output; "
            "print(sorted(m for m in ('pandas', 'datasette', 'sqlite_utils', 'numpy') if m in sys.modules))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"
