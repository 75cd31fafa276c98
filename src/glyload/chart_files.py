"""Charts as image files: SVG or PNG of a Vega-Lite spec, drawn offline by vl-convert-python.

vl-convert-python (the optional extra ``glyload[images]``) carries its own
Vega-Lite and Vega, so no browser and no network are needed. It does not ship
Vega-Lite 5.23 (the version vendored for the browser), so images are drawn
with its closest 5.x, :data:`VL_VERSION`; the specs use nothing newer.
"""

from __future__ import annotations

from pathlib import Path

from .errors import GlyloadError

VL_VERSION = "5.21"
#: PNG pixels per chart pixel (sharp on high-density screens and in print).
PNG_SCALE = 2


def write_chart(spec: dict, path, kind: str) -> Path:
    """Write ``spec`` to ``path`` as ``kind`` ("svg" or "png")."""
    try:
        import vl_convert
    except ImportError:
        raise GlyloadError(f"--{kind} needs vl-convert-python: pip install 'glyload[images]'") from None
    path = Path(path)
    if kind == "svg":
        path.write_text(vl_convert.vegalite_to_svg(spec, vl_version=VL_VERSION), encoding="utf-8")
    elif kind == "png":
        path.write_bytes(vl_convert.vegalite_to_png(spec, vl_version=VL_VERSION, scale=PNG_SCALE))
    else:
        raise ValueError(f"unknown image kind {kind!r}")
    return path
