"""Identify the bundled data, to notice a database built from older data.

Kept apart from :mod:`glyload.build` so that checking it on every command does
not import sqlite-utils (the CLI's hot path stays light).
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from . import __version__
from .paths import data_dir

#: Bump when the schema or a derivation rule changes: bundled databases rebuild.
SCHEMA_VERSION = "2"


def bundled_files() -> list[Path]:
    """The bundled data files a default build reads."""
    return sorted(p for p in data_dir().rglob("*.csv") if p.is_file())


def bundled_fingerprint() -> str:
    """A hash of glyload's version, the schema version and every bundled file's content."""
    digest = hashlib.sha256(f"{__version__}:{SCHEMA_VERSION}".encode())
    root = data_dir()
    for path in bundled_files():
        digest.update(f"{path.relative_to(root)}:".encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]
