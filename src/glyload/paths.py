"""Where glyload finds its bundled data and keeps its database."""

from __future__ import annotations

import os
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent

#: The name the database is served under (URLs /glyload/..., metadata databases.glyload).
DATABASE_NAME = "glyload"
#: The name the personal glucose database is served under (glyload serve --personal only).
PERSONAL_NAME = "personal"


def data_dir() -> Path:
    """The bundled ``data/`` directory.

    In an installed wheel it travels inside the package (``glyload/data``); in a
    source checkout or editable install it is the repository's top-level ``data/``.
    """
    installed = PACKAGE_DIR / "data"
    if installed.is_dir():
        return installed
    return PACKAGE_DIR.parent.parent / "data"


def metadata_path() -> Path:
    """The Datasette ``metadata.json`` (packaged copy first, then the checkout's)."""
    installed = PACKAGE_DIR / "metadata.json"
    if installed.exists():
        return installed
    return PACKAGE_DIR.parent.parent / "metadata.json"


def default_db_path() -> Path:
    """``$GLYLOAD_DB``, else ``$XDG_DATA_HOME/glyload/glyload.db`` (``~/.local/share/...``)."""
    if os.environ.get("GLYLOAD_DB"):
        return Path(os.environ["GLYLOAD_DB"])
    base = os.environ.get("XDG_DATA_HOME") or os.path.join(os.path.expanduser("~"), ".local", "share")
    return Path(base) / "glyload" / "glyload.db"


def display_path(path) -> str:
    """``path`` for people: the home directory as ``~``."""
    text = str(path)
    home = os.path.expanduser("~")
    if home not in ("", "/") and (text == home or text.startswith(home + os.sep)):
        return "~" + text[len(home):]
    return text
