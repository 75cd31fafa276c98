#!/usr/bin/env python3
"""Vendor the Vega, Vega-Lite and Vega-Embed browser builds into src/glyload/static/.

    python scripts/vendor_vega.py            # the versions pinned in glyload/charts.py

Runs ``npm pack`` for each package (the npm registry, through npm itself) in a
temporary directory, copies each minified UMD build to
``src/glyload/static/<name>-<version>.min.js`` with the package's licence,
and writes ``THIRD-PARTY-NOTICES.txt`` with the licence of every package the
builds bundle (from ``npm install --omit=dev`` of the same versions, leaving
out the Node-only and command-line packages that the browser builds do not
contain). Change the versions in ``glyload.charts.VEGA_SCRIPTS`` first, then
run this and commit the result (the old vega files are removed; glyload's own files stay).
"""

from __future__ import annotations

import json
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from glyload.charts import STATIC_DIR, VEGA_SCRIPTS  # noqa: E402

#: Where each package keeps its minified browser build and its licence inside the npm tarball.
BUILDS = {"vega": "build/vega.min.js", "vega-lite": "build/vega-lite.min.js",
          "vega-embed": "build/vega-embed.min.js"}
#: The vega npm package carries no LICENSE file; this is vega/vega's LICENSE (BSD-3-Clause).
VEGA_LICENSE = """Copyright (c) 2015-2023, University of Washington Interactive Data Lab
All rights reserved.

Redistribution and use in source and binary forms, with or without
modification, are permitted provided that the following conditions are met:

1. Redistributions of source code must retain the above copyright notice, this
   list of conditions and the following disclaimer.

2. Redistributions in binary form must reproduce the above copyright notice,
   this list of conditions and the following disclaimer in the documentation
   and/or other materials provided with the distribution.

3. Neither the name of the copyright holder nor the names of its contributors
  may be used to endorse or promote products derived from this software
  without specific prior written permission.

THIS SOFTWARE IS PROVIDED BY THE COPYRIGHT HOLDERS AND CONTRIBUTORS "AS IS"
AND ANY EXPRESS OR IMPLIED WARRANTIES, INCLUDING, BUT NOT LIMITED TO, THE
IMPLIED WARRANTIES OF MERCHANTABILITY AND FITNESS FOR A PARTICULAR PURPOSE ARE
DISCLAIMED. IN NO EVENT SHALL THE COPYRIGHT OWNER OR CONTRIBUTORS BE LIABLE
FOR ANY DIRECT, INDIRECT, INCIDENTAL, SPECIAL, EXEMPLARY, OR CONSEQUENTIAL
DAMAGES (INCLUDING, BUT NOT LIMITED TO, PROCUREMENT OF SUBSTITUTE GOODS OR
SERVICES; LOSS OF USE, DATA, OR PROFITS; OR BUSINESS INTERRUPTION) HOWEVER
CAUSED AND ON ANY THEORY OF LIABILITY, WHETHER IN CONTRACT, STRICT LIABILITY,
OR TORT (INCLUDING NEGLIGENCE OR OTHERWISE) ARISING IN ANY WAY OUT OF THE USE
OF THIS SOFTWARE, EVEN IF ADVISED OF THE POSSIBILITY OF SUCH DAMAGE.
"""
#: Packages of the npm tree that only Node or the command line use (not in the browser builds).
NOT_BUNDLED = {
    "@types", "ansi-regex", "ansi-styles", "cliui", "color-convert", "color-name", "commander",
    "emoji-regex", "escalade", "get-caller-file", "iconv-lite", "is-fullwidth-code-point", "node-fetch",
    "require-directory", "rw", "safer-buffer", "string-width", "strip-ansi", "tr46", "vega-typings",
    "webidl-conversions", "whatwg-url", "wrap-ansi", "y18n", "yargs", "yargs-parser",
}


def npm(*args, cwd):
    subprocess.run(["npm", "--loglevel=error", *args], cwd=cwd, check=True, stdout=subprocess.DEVNULL)


def licence_text(folder: Path) -> str | None:
    for path in sorted(folder.iterdir()):
        if path.name.lower().startswith(("license", "licence", "copying")):
            return path.read_text(encoding="utf-8").strip()
    return None


def main():
    specs = [f"{name}@{version}" for name, (version, _) in VEGA_SCRIPTS.items()]
    with tempfile.TemporaryDirectory(prefix="glyload-vendor-") as tmp:
        tmp = Path(tmp)
        npm("pack", *specs, cwd=tmp)
        for old in [*STATIC_DIR.glob("vega*"), STATIC_DIR / "THIRD-PARTY-NOTICES.txt"]:
            old.unlink(missing_ok=True)
        STATIC_DIR.mkdir(exist_ok=True)
        for name, (version, filename) in VEGA_SCRIPTS.items():
            with tarfile.open(tmp / f"{name}-{version}.tgz") as archive:
                build = archive.extractfile(f"package/{BUILDS[name]}").read()
                try:
                    licence = archive.extractfile("package/LICENSE").read().decode()
                except KeyError:
                    licence = VEGA_LICENSE
            (STATIC_DIR / filename).write_bytes(build)
            (STATIC_DIR / f"{name}-LICENSE.txt").write_text(licence.strip() + "\n", encoding="utf-8")
        (tmp / "tree").mkdir()
        (tmp / "tree" / "package.json").write_text('{"name": "tree", "version": "1.0.0", "private": true}')
        npm("install", "--ignore-scripts", "--omit=dev", "--omit=optional", "--no-audit", "--no-fund", *specs,
            cwd=tmp / "tree")
        notices = []
        for folder in sorted((tmp / "tree" / "node_modules").iterdir()):
            if folder.name.startswith(".") or folder.name in NOT_BUNDLED or folder.name in VEGA_SCRIPTS:
                continue
            package = json.loads((folder / "package.json").read_text())
            text = licence_text(folder)
            if text is None and package["name"].startswith("vega-"):
                text = "Part of the Vega project: the licence of vega above (vega-LICENSE.txt)."
            notices.append(f"{package['name']} {package['version']} ({package.get('license')})\n\n{text}\n")
    (STATIC_DIR / "THIRD-PARTY-NOTICES.txt").write_text(
        "Packages bundled inside the vendored Vega, Vega-Lite and Vega-Embed browser builds, with\n"
        "their licences (versions as npm resolved them when vendoring; the builds were made by the\n"
        "Vega project with the versions current then).\n\n" + "\n" + ("-" * 72 + "\n").join(notices),
        encoding="utf-8")
    rows = "\n".join(f"| {name} | {version} | `{filename}` | `{name}-LICENSE.txt` (BSD-3-Clause) | "
                     f"https://www.npmjs.com/package/{name}/v/{version}, `package/{BUILDS[name]}` |"
                     for name, (version, filename) in VEGA_SCRIPTS.items())
    (STATIC_DIR / "README.md").write_text(f"""# Vendored chart scripts

glyload's charts are Vega-Lite specifications built in Python (`glyload/charts.py`) and drawn in the
browser by these scripts, shipped inside the package so that nothing is fetched from another site:
`glyload serve` serves them from `/-/static-plugins/glyload/`, and the diary report (`glyload diary
--html`) inlines them. Unmodified minified UMD builds from the npm registry.

| package | version | file | licence | source |
|---|---|---|---|---|
{rows}

`THIRD-PARTY-NOTICES.txt` has the licences of the packages these builds bundle (d3 modules, ISC;
and others). Regenerate all of this with `python scripts/vendor_vega.py` after changing the versions
in `glyload.charts.VEGA_SCRIPTS`.
""", encoding="utf-8")
    print(f"vendored {', '.join(specs)} into {STATIC_DIR}")


if __name__ == "__main__":
    main()
