"""Shared fixtures: the bundled database (built once), the reference data, tiny SR releases.

The reference data lives outside the repository: CI clones the project with
``shared/`` beside it, so it is ``<repo>/../shared/data``. Tests that need it
skip when it is absent.
"""

from __future__ import annotations

import copy
import os
import shutil
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
#: GLYLOAD_SHARED_DATA points elsewhere (a git worktree whose parent has no shared/).
SHARED_DATA = Path(os.environ.get("GLYLOAD_SHARED_DATA") or REPO.parent / "shared" / "data")
SKIP_SHARED = "../shared/data not present"

# A tiny SR release: real lines copied from SR28 (sr28asc, 2016), four foods.
# Butter (no carbohydrate to speak of), apple and white rice (the spot checks of
# shared/data/README.md) and a frozen entrée whose portion is "Entrée" (Latin-1
# byte 0xE9). FOOD_DES and FD_GROUP use the official "~~" for empty text fields,
# NUT_DATA and WEIGHT the "nothing" of this SR28 copy. Tests copy and corrupt it.
TINY_RELEASE = {
    "FD_GROUP": [
        "~0100~^~Dairy and Egg Products~",
        "~0900~^~Fruits and Fruit Juices~",
        "~2000~^~Cereal Grains and Pasta~",
        "~2200~^~Meals, Entrees, and Side Dishes~",
    ],
    "FOOD_DES": [
        "~01001~^~0100~^~Butter, salted~^~BUTTER,WITH SALT~^~~^~~^~Y~^~~^0^~~^6.38^4.27^8.79^3.87",
        "~09003~^~0900~^~Apples, raw, with skin~^~APPLES,RAW,WITH SKIN~^~Includes USDA commodity food A343~"
        "^~~^~Y~^~Core and stem~^10^~Malus domestica~^6.25^3.36^8.37^3.60",
        "~20045~^~2000~^~Rice, white, long-grain, regular, enriched, cooked~^~RICE,WHITE,LONG-GRAIN,REG,ENR,CKD~"
        "^~~^~~^~Y~^~~^0^~~^5.95^3.82^8.37^4.16",
        "~22996~^~2200~^~KASHI Three Cheese Penne, frozen, unprepared~^~KASHI THREE CHS PENNE,FRZ,UNPREP~"
        "^~~^~Kellogg, Co.~^~~^~~^0^~~^6.25^^^",
    ],
    "NUTR_DEF": [
        "~203~^~g~^~PROCNT~^~Protein~^~2~^~600~",
        "~204~^~g~^~FAT~^~Total lipid (fat)~^~2~^~800~",
        "~205~^~g~^~CHOCDF~^~Carbohydrate, by difference~^~2~^~1100~",
        "~208~^~kcal~^~ENERC_KCAL~^~Energy~^~0~^~300~",
        "~209~^~g~^~STARCH~^~Starch~^~2~^~2200~",
        "~255~^~g~^~WATER~^~Water~^~2~^~100~",
        "~269~^~g~^~SUGAR~^~Sugars, total~^~2~^~1500~",
        "~291~^~g~^~FIBTG~^~Fiber, total dietary~^~1~^~1200~",
        "~301~^~mg~^~CA~^~Calcium, Ca~^~0~^~5300~",
    ],
    "NUT_DATA": [
        "~01001~^~203~^0.85^16^0.074^~1~^^^^^^^^^^^11/1976^",
        "~01001~^~204~^81.11^580^0.065^~1~^^^^^^^^^^^11/1976^",
        "~01001~^~205~^0.06^0^^~4~^~NC~^^^^^^^^^^11/1976^",
        "~01001~^~208~^717^0^^~4~^~NC~^^^^^^^^^^08/2010^",
        "~01001~^~255~^15.87^522^0.061^~1~^^^^^^^^^^^11/1976^",
        "~01001~^~269~^0.06^0^^~4~^~NR~^^^^^^^^^^11/2002^",
        "~01001~^~291~^0.0^0^^~4~^^^^^^^^^^^^",
        "~01001~^~301~^24^17^0.789^~1~^~A~^^^7^19^30^4^22.021^26.496^~2, 3~^11/2002^",
        "~09003~^~203~^0.26^29^0.019^~1~^~A~^^^3^0.17^0.57^3^0.209^0.320^~2~^06/2003^",
        "~09003~^~204~^0.17^35^0.011^~1~^~A~^^^4^0.05^0.31^3^0.137^0.212^~1, 2~^06/2003^",
        "~09003~^~205~^13.81^0^^~4~^~NC~^^^^^^^^^^05/2007^",
        "~09003~^~208~^52^0^^~4~^~NC~^^^^^^^^^^05/2007^",
        "~09003~^~209~^0.05^10^0.000^~1~^~A~^^^1^0.05^0.05^^^^~1, 2, 3~^09/2002^",
        "~09003~^~255~^85.56^38^0.241^~1~^~A~^^^4^82.39^87.52^3^84.775^86.346^~2~^06/2003^",
        "~09003~^~269~^10.39^25^0.112^~1~^~A~^^^2^8.77^12.01^5^10.099^10.680^~2, 3~^06/2003^",
        "~09003~^~291~^2.4^29^0.276^~1~^~A~^^^3^1.4^3.5^4^1.584^3.118^~2~^06/2003^",
        "~09003~^~301~^6^26^0.340^~1~^~A~^^^4^4^9^5^5.039^6.776^~2~^06/2003^",
        "~20045~^~203~^2.69^20^0.060^~1~^^^^^^^^^^^10/1989^",
        "~20045~^~204~^0.28^6^0.030^~1~^^^^^^^^^^^10/1989^",
        "~20045~^~205~^28.17^0^^~4~^~NC~^^^^^^^^^^10/1989^",
        "~20045~^~208~^130^0^^~4~^~NC~^^^^^^^^^^10/1989^",
        "~20045~^~255~^68.44^23^0.398^~1~^^^^^^^^^^^10/1989^",
        "~20045~^~269~^0.05^3^0.000^~1~^~A~^^^1^0.05^0.05^^^^~2, 3~^09/2002^",
        "~20045~^~291~^0.4^0^^~1~^^^^^^^^^^^10/1989^",
        "~20045~^~301~^10^33^0.868^~1~^^^^^^^^^^^10/1989^",
        "~22996~^~203~^5.70^1^^~9~^~MC~^^^^^^^^^^08/2012^",
        "~22996~^~204~^4.00^1^^~9~^~MC~^^^^^^^^^^08/2012^",
        "~22996~^~205~^16.80^1^^~9~^~MC~^^^^^^^^^^08/2012^",
        "~22996~^~208~^126^0^^~4~^~NC~^^^^^^^^^^04/2014^",
        "~22996~^~255~^72.40^1^^~9~^~MC~^^^^^^^^^^08/2012^",
        "~22996~^~269~^1.90^1^^~9~^~MC~^^^^^^^^^^08/2012^",
        "~22996~^~291~^2.7^1^^~9~^~MC~^^^^^^^^^^08/2012^",
        "~22996~^~301~^89^1^^~9~^~MC~^^^^^^^^^^08/2012^",
    ],
    "WEIGHT": [
        '~01001~^1^1^~pat (1" sq, 1/3" high)~^5.0^^',
        "~01001~^2^1^~tbsp~^14.2^^",
        "~01001~^3^1^~cup~^227^^",
        "~01001~^4^1^~stick~^113^^",
        "~09003~^1^1^~cup, quartered or chopped~^125^^",
        "~09003~^2^1^~cup slices~^109^60^6.953",
        '~09003~^3^1^~large (3-1/4" dia)~^223^113^32.277',
        '~09003~^4^1^~medium (3" dia)~^182^113^20.572',
        '~09003~^5^1^~small (2-3/4" dia)~^149^113^17.362',
        '~09003~^6^1^~extra small (2-1/2" dia)~^101^^',
        "~09003~^7^1^~NLEA serving~^242^^",
        "~20045~^1^1^~cup~^158^^",
        "~22996~^1^1^~Entrée~^269^1^",
    ],
}


def release_bytes(lines: list[str]) -> bytes:
    """One file of the official layout: Latin-1, CRLF after every record."""
    return "".join(f"{line}\r\n" for line in lines).encode("latin-1")


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """``../shared/data`` (reference data beside the repository), or skip."""
    if not SHARED_DATA.is_dir():
        pytest.skip(SKIP_SHARED)
    return SHARED_DATA


def shared_release(shared_data: Path, name: str) -> Path:
    path = shared_data / name
    if not path.is_dir():
        pytest.skip(SKIP_SHARED)
    return path


@pytest.fixture(scope="session")
def sr28_dir(shared_data) -> Path:
    return shared_release(shared_data, "usda-sr28")


@pytest.fixture(scope="session")
def legacy_dir(shared_data) -> Path:
    return shared_release(shared_data, "usda-sr-legacy-2018-partial")


@pytest.fixture(scope="session")
def sr28_data(sr28_dir):
    """SR28 read once per session (about 2 s). Treat as read-only."""
    from glyload.sources.usda import read_release

    return read_release(sr28_dir)


@pytest.fixture(scope="session")
def built_db(tmp_path_factory) -> Path:
    """The database built from the bundled data, once per session. Treat as read-only."""
    from glyload.build import build_database

    path = tmp_path_factory.mktemp("bundled") / "glyload.db"
    build_database(path)
    return path


@pytest.fixture(scope="module")
def db(built_db, tmp_path_factory) -> Path:
    """A module's own copy of the bundled build (tests may not change the shared one)."""
    path = tmp_path_factory.mktemp("db") / "glyload.db"
    shutil.copyfile(built_db, path)
    return path


@pytest.fixture(scope="module")
def conn(db):
    """A read-only connection to the module's copy."""
    from glyload.database import connect

    connection = connect(db)
    yield connection
    connection.close()


@pytest.fixture(autouse=True)
def _no_home_database(tmp_path, monkeypatch):
    """Safety net: a test that forgets --db never touches the user's database."""
    monkeypatch.setenv("GLYLOAD_DB", str(tmp_path / "default-glyload.db"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))


@pytest.fixture
def tiny_tables() -> dict:
    """A fresh, editable copy of the tiny release: {file stem: [record lines]}."""
    return copy.deepcopy(TINY_RELEASE)


@pytest.fixture
def write_release(tmp_path):
    """``write_release(tables=None, name="sr") -> Path``: a release directory in tmp_path.

    ``tables`` maps a file stem (``"WEIGHT"``) to its record lines; files left out
    are not written. Defaults to the tiny release.
    """

    def write(tables=None, name="sr") -> Path:
        tables = TINY_RELEASE if tables is None else tables
        directory = tmp_path / name
        directory.mkdir()
        for stem, lines in tables.items():
            (directory / f"{stem}.txt").write_bytes(release_bytes(lines))
        return directory

    return write


@pytest.fixture
def write_release_zip(tmp_path):
    """``write_release_zip(tables=None, folder="", name="sr.zip") -> Path``: the zip variant.

    With ``folder`` the files sit in that subfolder of the archive (as some
    repackaged downloads have them).
    """

    def write(tables=None, folder="", name="sr.zip") -> Path:
        tables = TINY_RELEASE if tables is None else tables
        path = tmp_path / name
        prefix = f"{folder.strip('/')}/" if folder else ""
        with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            if prefix:
                archive.writestr(prefix, b"")
            for stem, lines in tables.items():
                archive.writestr(f"{prefix}{stem}.txt", release_bytes(lines))
        return path

    return write


@pytest.fixture
def tiny_release(write_release) -> Path:
    """The unmodified tiny release as a directory."""
    return write_release()


@pytest.fixture
def no_gi(tmp_path) -> dict:
    """GI measurement and link files with a header and no rows, and an FNDDS extract with no
    foods, as build_database keyword arguments: a build of the tiny release alone (it cannot
    carry the bundled links, which name foods it lacks)."""
    from glyload.sources import fndds
    from glyload.sources.gi_tables import LINK_COLUMNS, MEASUREMENT_COLUMNS

    directory = tmp_path / "no-gi"
    directory.mkdir()
    measurements = directory / "measurements.csv"
    measurements.write_text(",".join(MEASUREMENT_COLUMNS) + "\n", encoding="utf-8")
    links = directory / "links.csv"
    links.write_text(",".join(LINK_COLUMNS) + "\n", encoding="utf-8")
    no_fndds = tmp_path / "no-fndds"
    fndds.write_tidy(fndds.FnddsData(foods=[], portions=[], ingredients=[]), no_fndds)
    return {"gi_measurements": measurements, "gi_links": links, "fndds": no_fndds}


@pytest.fixture
def no_gi_args(no_gi) -> list:
    """The same as ``glyload build`` options."""
    return ["--gi-measurements", str(no_gi["gi_measurements"]), "--gi-links", str(no_gi["gi_links"]),
            "--fndds", str(no_gi["fndds"])]


@pytest.fixture
def tiny_bundle(tiny_release, no_gi, tmp_path, monkeypatch) -> Path:
    """Stand-in bundled data (the tiny release as a tidy extract, no GI rows), so tests of
    first use and of stale databases build in milliseconds. Returns its ``data/`` root."""
    import shutil

    from glyload import build, fingerprint
    from glyload.sources import gi_tables
    from glyload.sources.tidy import write_tidy
    from glyload.sources.usda import read_release

    root = tmp_path / "bundle"
    write_tidy(read_release(tiny_release), root / "usda")
    (root / "gi").mkdir()
    shutil.copy(no_gi["gi_measurements"], root / "gi" / "measurements.csv")
    shutil.copy(no_gi["gi_links"], root / "gi" / "links.csv")
    shutil.copytree(no_gi["fndds"], root / "fndds")
    monkeypatch.setattr(build, "data_dir", lambda: root)
    monkeypatch.setattr(gi_tables, "data_dir", lambda: root)
    monkeypatch.setattr(fingerprint, "data_dir", lambda: root)
    return root


# --- Measured glucose (glucose helper): the synthetic CGM generator of scripts/synthetic_cgm.py ---

def load_script(name: str):
    """The module of ``scripts/NAME.py`` (scripts are not a package)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location(name, REPO / "scripts" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def synthetic():
    """The module scripts/synthetic_cgm.py (seeded synthetic traces, diaries, the three layouts)."""
    return load_script("synthetic_cgm")


@pytest.fixture(autouse=True)
def _no_traceback_from_any_command(monkeypatch):
    """Acceptance of issue 13: no command ends in a traceback on any input in the suite.

    Every ``CliRunner.invoke`` fails the test when the command raised anything but
    click's own exits (a traceback a user would see), whatever exit code the test expects.
    """
    from click.testing import CliRunner

    invoke = CliRunner.invoke

    def checked(self, *args, **kwargs):
        result = invoke(self, *args, **kwargs)
        if result.exception is not None and not isinstance(result.exception, SystemExit):
            raise AssertionError(f"the command ended in a traceback: {result.exception!r}") from result.exception
        return result

    monkeypatch.setattr(CliRunner, "invoke", checked)
