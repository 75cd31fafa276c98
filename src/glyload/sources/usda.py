"""Reader for the USDA Standard Reference ASCII release layout (SR28, SR Legacy).

The layout is documented in the SR28 documentation (sr28_doc.pdf, chapter
"Relational files"): one record per line, CRLF, Latin-1, fields separated by
``^`` and text fields enclosed in ``~``. Empty fields appear both as ``~~`` and
as nothing. SR Legacy (2018) uses the same layout but quotes ``WEIGHT.Seq``.

A release is read from a directory or from the official zip (``sr28asc.zip``,
``SR-Leg_ASC.zip``). Every problem raises :class:`~glyload.errors.DataError`
naming the file and line.
"""

from __future__ import annotations

import os
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterator

from ..csvio import parse_number
from ..errors import DataError
from .records import (
    NUTRIENTS,
    FoodGroup,
    Food,
    Portion,
    UsdaData,
    check_release,
)

#: Column names of each file, in order (SR28 documentation, tables 2-9).
LAYOUTS = {
    "FD_GROUP": ("FdGrp_Cd", "FdGrp_Desc"),
    "FOOD_DES": (
        "NDB_No", "FdGrp_Cd", "Long_Desc", "Shrt_Desc", "ComName", "ManufacName",
        "Survey", "Ref_desc", "Refuse", "SciName", "N_Factor", "Pro_Factor",
        "Fat_Factor", "CHO_Factor",
    ),
    "NUTR_DEF": ("Nutr_No", "Units", "Tagname", "NutrDesc", "Num_Dec", "SR_Order"),
    "NUT_DATA": (
        "NDB_No", "Nutr_No", "Nutr_Val", "Num_Data_Pts", "Std_Error", "Src_Cd",
        "Deriv_Cd", "Ref_NDB_No", "Add_Nutr_Mark", "Num_Studies", "Min", "Max", "DF",
        "Low_EB", "Up_EB", "Stat_cmt", "AddMod_Date", "CC",
    ),
    "WEIGHT": ("NDB_No", "Seq", "Amount", "Msre_Desc", "Gm_Wgt", "Num_Data_Pts", "Std_Dev"),
}

#: Units USDA gives for the nutrients glyload loads; checked against NUTR_DEF.
NUTRIENT_UNITS = {"205": "g", "291": "g", "269": "g", "209": "g", "208": "kcal",
                  "203": "g", "204": "g", "255": "g"}

Progress = Callable[[int], None]


def decode(data: bytes) -> str:
    """USDA documents Latin-1, but a few lines carry Windows-1252 quotes (0x91/0x92):
    read cp1252, falling back to Latin-1 for bytes cp1252 leaves undefined."""
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def unquote(value: str) -> str:
    """``~text~`` -> ``text``; an empty or unquoted field is returned as is."""
    if len(value) >= 2 and value[0] == "~" and value[-1] == "~":
        return value[1:-1]
    return value


def to_number(value: str, where: tuple[str, int], column: str) -> float | None:
    """Parse a numeric field; empty means missing (None)."""
    return parse_number(unquote(value), where, column)


@dataclass
class Release:
    """A USDA SR release on disk: a directory or the official zip."""

    path: Path
    _members: dict = field(default_factory=dict, repr=False)

    def __post_init__(self):
        self.path = Path(self.path)
        if not self.path.exists():
            raise DataError(self.path, None, "no such file or directory")
        if self.path.is_dir():
            for entry in self.path.iterdir():
                self._members[entry.name.upper()] = entry
        elif zipfile.is_zipfile(self.path):
            with zipfile.ZipFile(self.path) as archive:
                for name in archive.namelist():
                    self._members[os.path.basename(name).upper()] = name
        else:
            raise DataError(self.path, None, "not a directory or a zip file of the USDA SR ASCII release")

    def display(self, name: str) -> str:
        member = self._members.get(f"{name}.TXT")
        if isinstance(member, Path):
            return str(member)
        return f"{self.path}!{member or name + '.txt'}"

    def has(self, name: str) -> bool:
        return f"{name}.TXT" in self._members

    def size(self, name: str) -> int:
        """Bytes in ``name`` (0 when missing: reading it then says which file is missing)."""
        member = self._members.get(f"{name}.TXT")
        if member is None:
            return 0
        if isinstance(member, Path):
            return member.stat().st_size
        with zipfile.ZipFile(self.path) as archive:
            return archive.getinfo(member).file_size

    def _open(self, name: str):
        member = self._members.get(f"{name}.TXT")
        if member is None:
            raise DataError(self.path / f"{name}.txt" if self.path.is_dir() else self.path, None,
                            f"missing file {name}.txt in the USDA release")
        if isinstance(member, Path):
            return open(member, "rb")
        archive = zipfile.ZipFile(self.path)
        return archive.open(member)

    def records(self, name: str, progress: Progress | None = None) -> Iterator[tuple[tuple[str, int], list[str]]]:
        """Yield ``((file, line), fields)`` for every record, fields unquoted."""
        expected = len(LAYOUTS[name])
        display = self.display(name)
        done = 0
        with self._open(name) as raw:
            for number, data in enumerate(raw, 1):
                if progress is not None:
                    done += len(data)
                    if number % 20000 == 0:
                        progress(done)
                text = decode(data).rstrip("\r\n")
                if not text.strip():
                    continue
                fields = text.split("^")
                if len(fields) != expected:
                    kind = "truncated line" if len(fields) < expected else "extra fields"
                    raise DataError(display, number,
                                    f"{kind}: expected {expected} fields separated by '^', found {len(fields)}")
                yield (display, number), [unquote(f) for f in fields]
        if progress is not None:
            progress(done)


def read_release(path, progress: Callable[[str, int, int], None] | None = None,
                 nutrients: bool = True) -> UsdaData:
    """Read food groups, foods, per-100 g nutrients and portions from a release.

    ``progress(file_name, bytes_done, bytes_total)`` is called while reading.
    With ``nutrients=False`` NUT_DATA is not read (SR Legacy partial copies lack it).
    """
    release = Release(path)

    def tracker(name):
        if progress is None:
            return None
        total = release.size(name)
        return lambda done: progress(name, done, total)

    groups = [
        FoodGroup(where=where, food_group_id=f[0].strip(), name=f[1].strip())
        for where, f in release.records("FD_GROUP")
    ]
    foods = []
    for where, f in release.records("FOOD_DES", tracker("FOOD_DES")):
        foods.append(Food(
            where=where,
            food_id=f[0].strip(),
            food_group_id=f[1].strip(),
            description=f[2].strip(),
            short_description=f[3].strip() or None,
            common_names=f[4].strip() or None,
            manufacturer=f[5].strip() or None,
            survey=f[6].strip() or None,
            scientific_name=f[9].strip() or None,
            refuse_pct=to_number(f[8], where, "Refuse"),
        ))
    if nutrients:
        if release.has("NUTR_DEF"):
            for where, f in release.records("NUTR_DEF"):
                unit = NUTRIENT_UNITS.get(f[0].strip())
                if unit is not None and f[1].strip() != unit:
                    raise DataError(*where, f"nutrient {f[0]} is in {f[1]!r}, expected {unit!r}")
        by_id = {food.food_id: food for food in foods}
        seen = set()
        for where, f in release.records("NUT_DATA", tracker("NUT_DATA")):
            column = NUTRIENTS.get(f[1].strip())
            if column is None:
                continue
            food_id = f[0].strip()
            food = by_id.get(food_id)
            if food is None:
                raise DataError(*where, f"nutrient value for unknown food {food_id!r}")
            key = (food_id, column)
            if key in seen:
                raise DataError(*where, f"duplicate nutrient {f[1]} for food {food_id}")
            seen.add(key)
            food.nutrients[column] = to_number(f[2], where, "Nutr_Val")
    portions = []
    for where, f in release.records("WEIGHT", tracker("WEIGHT")):
        portions.append(Portion(
            where=where,
            food_id=f[0].strip(),
            seq=int(to_number(f[1], where, "Seq") or 0),
            amount=to_number(f[2], where, "Amount"),
            description=f[3].strip(),
            grams=to_number(f[4], where, "Gm_Wgt"),
        ))
    data = UsdaData(food_groups=groups, foods=foods, portions=portions, source=str(path))
    check_release(data)
    return data
