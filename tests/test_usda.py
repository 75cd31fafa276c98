"""The USDA SR ASCII release reader: real releases, zips, and every kind of bad input."""

from __future__ import annotations

import re

import pytest

from glyload.errors import DataError
from glyload.sources.usda import read_release


def by_id(data):
    return {food.food_id: food for food in data.foods}


def portions_of(data, food_id):
    return sorted((p for p in data.portions if p.food_id == food_id), key=lambda p: p.seq)


def read_error(path, **kwargs) -> DataError:
    with pytest.raises(DataError) as caught:
        read_release(path, **kwargs)
    message = str(caught.value)
    assert "\n" not in message
    return caught.value


# --- real releases -------------------------------------------------------------------------


def test_sr28_counts(sr28_data):
    assert len(sr28_data.food_groups) == 25
    assert len(sr28_data.foods) == 8789
    assert len(sr28_data.portions) == 15438


def test_sr28_white_rice(sr28_data):
    rice = by_id(sr28_data)["20045"]
    assert rice.description == "Rice, white, long-grain, regular, enriched, cooked"
    assert rice.food_group_id == "2000"
    assert rice.nutrients["carbohydrate_g"] == 28.17
    assert rice.nutrients["fiber_g"] == 0.4
    assert rice.nutrients["energy_kcal"] == 130
    # SR28 has no starch value for 20045: missing, not 0.
    assert "starch_g" not in rice.nutrients
    assert [(p.seq, p.amount, p.description, p.grams) for p in portions_of(sr28_data, "20045")] == [
        (1, 1.0, "cup", 158.0)
    ]


def test_sr28_apple(sr28_data):
    apple = by_id(sr28_data)["09003"]
    assert apple.description == "Apples, raw, with skin"
    assert apple.nutrients["carbohydrate_g"] == 13.81
    assert apple.nutrients["fiber_g"] == 2.4
    assert apple.refuse_pct == 10
    assert apple.scientific_name == "Malus domestica"
    assert apple.common_names == "Includes USDA commodity food A343"
    portions = {p.description: p.grams for p in portions_of(sr28_data, "09003")}
    assert portions['medium (3" dia)'] == 182
    assert len(portions) == 7


def test_sr28_food_ids_keep_leading_zeros(sr28_data):
    foods = by_id(sr28_data)
    assert "01001" in foods and foods["01001"].description == "Butter, salted"
    assert all(isinstance(f.food_id, str) and len(f.food_id) == 5 for f in sr28_data.foods)


def test_sr28_latin1_decoded(sr28_data):
    # WEIGHT.txt line for 22996 holds byte 0xE9.
    assert [p.description for p in portions_of(sr28_data, "22996")] == ["Entrée"]


def test_sr_legacy_partial_without_nutrients(legacy_dir):
    data = read_release(legacy_dir, nutrients=False)
    assert len(data.foods) == 7793
    assert len(data.portions) == 14449
    assert len(data.food_groups) == 25
    assert all(food.nutrients == {} for food in data.foods)
    # WEIGHT's Seq is quoted ("~1~") in SR Legacy: read as int all the same.
    apple = portions_of(data, "09003")
    assert [p.seq for p in apple] == [1, 2, 3, 4, 5, 6, 7]
    assert all(type(p.seq) is int for p in data.portions)
    assert {p.description: p.grams for p in apple}['medium (3" dia)'] == 182


def test_sr_legacy_amount_zero_read_as_one(legacy_dir):
    zero = set()
    for line in (legacy_dir / "WEIGHT.txt").read_bytes().decode("latin-1").splitlines():
        fields = line.split("^")
        if fields[2] == "0":
            zero.add((fields[0].strip("~"), int(fields[1].strip("~"))))
    assert len(zero) == 18
    data = read_release(legacy_dir, nutrients=False)
    amounts = {(p.food_id, p.seq): p.amount for p in data.portions}
    assert {amounts[key] for key in zero} == {1.0}
    assert ("01284", 6) in zero  # "container (4 oz)"


def test_sr_legacy_latin1_decoded(legacy_dir):
    data = read_release(legacy_dir, nutrients=False)
    raisins = by_id(data)["09298"]
    # Byte 0xC6 in the short description.
    assert raisins.short_description == "RAISINS,DK,SEEDLESS (INCLUDES FOODS FOR USDAÆS FD"


def test_sr_legacy_needs_nut_data_for_nutrients(legacy_dir):
    error = read_error(legacy_dir)
    assert str(error) == f"{legacy_dir / 'NUT_DATA.txt'}: missing file NUT_DATA.txt in the USDA release"


# --- the tiny release: directory, zip, empty-field styles ----------------------------------


def tiny_summary(data):
    return (
        [(g.food_group_id, g.name) for g in data.food_groups],
        [f.row() for f in data.foods],
        [p.row() for p in data.portions],
    )


def test_tiny_release_values(tiny_release):
    data = read_release(tiny_release)
    foods = by_id(data)
    assert list(foods) == ["01001", "09003", "20045", "22996"]
    expected = {
        "food_id": "20045", "food_group_id": "2000",
        "description": "Rice, white, long-grain, regular, enriched, cooked",
        "short_description": "RICE,WHITE,LONG-GRAIN,REG,ENR,CKD", "common_names": None,
        "manufacturer": None, "scientific_name": None, "refuse_pct": 0.0,
        "carbohydrate_g": 28.17, "fiber_g": 0.4, "sugars_g": 0.05, "starch_g": None,
        "energy_kcal": 130.0, "protein_g": 2.69, "fat_g": 0.28, "water_g": 68.44,
    }
    row = foods["20045"].row()
    assert {key: row[key] for key in expected} == expected
    assert foods["22996"].manufacturer == "Kellogg, Co."
    assert [p.description for p in portions_of(data, "22996")] == ["Entrée"]
    assert len(data.portions) == 13


def test_zip_release_equals_directory(tiny_release, write_release_zip):
    archive = write_release_zip()
    assert tiny_summary(read_release(archive)) == tiny_summary(read_release(tiny_release))


def test_zip_release_with_subfolder(tiny_release, write_release_zip):
    archive = write_release_zip(folder="sr28asc")
    assert tiny_summary(read_release(archive)) == tiny_summary(read_release(tiny_release))


def test_zip_error_names_member_and_line(tiny_tables, write_release_zip):
    tiny_tables["WEIGHT"][11] = "~20045~^1^1^~cup~^abc^^"
    archive = write_release_zip(tiny_tables, folder="sr28asc")
    error = read_error(archive)
    assert str(error) == f"{archive}!sr28asc/WEIGHT.txt:12: column Gm_Wgt: 'abc' is not a number"


def test_both_empty_field_styles_accepted(tiny_tables, write_release):
    official = write_release(name="official")  # FOOD_DES with "~~", NUT_DATA with nothing
    # The other way round: FOOD_DES with nothing (SR Legacy), NUT_DATA with "~~" and "~date~".
    tiny_tables["FOOD_DES"] = [line.replace("~~", "") for line in tiny_tables["FOOD_DES"]]
    text_columns = {5, 6, 7, 8, 15, 17}  # Src_Cd, Deriv_Cd, Ref_NDB_No, Add_Nutr_Mark, Stat_cmt, CC
    swapped = []
    for line in tiny_tables["NUT_DATA"]:
        fields = line.split("^")
        for i in text_columns:
            if fields[i] == "":
                fields[i] = "~~"
        if fields[16] and not fields[16].startswith("~"):
            fields[16] = f"~{fields[16]}~"
        swapped.append("^".join(fields))
    tiny_tables["NUT_DATA"] = swapped
    assert "~~" not in "".join(tiny_tables["FOOD_DES"])
    assert "^~~^" in tiny_tables["NUT_DATA"][0]
    other = write_release(tiny_tables, name="other")
    assert tiny_summary(read_release(other)) == tiny_summary(read_release(official))


def test_lf_only_line_endings_and_blank_lines(tiny_tables, tmp_path):
    directory = tmp_path / "lf"
    directory.mkdir()
    for stem, lines in tiny_tables.items():
        (directory / f"{stem}.txt").write_bytes(("\n".join(lines) + "\n\n").encode("latin-1"))
    data = read_release(directory)
    assert len(data.foods) == 4 and len(data.portions) == 13


def test_progress_reports_every_file_to_its_end(tiny_release):
    calls = []
    read_release(tiny_release, progress=lambda name, done, total: calls.append((name, done, total)))
    last = {name: (done, total) for name, done, total in calls}
    assert set(last) == {"FOOD_DES", "NUT_DATA", "WEIGHT"}
    for name, (done, total) in last.items():
        assert done == total == (tiny_release / f"{name}.txt").stat().st_size


def test_nutrients_false_skips_nut_data(tiny_tables, write_release):
    del tiny_tables["NUT_DATA"]
    data = read_release(write_release(tiny_tables), nutrients=False)
    assert len(data.foods) == 4
    assert by_id(data)["20045"].nutrients == {}


def test_nutrients_not_tracked_are_ignored(tiny_tables, write_release):
    # Calcium (301) is in mg and not a glyload column: neither its unit nor its values matter.
    tiny_tables["NUTR_DEF"][8] = "~301~^~g~^~CA~^~Calcium, Ca~^~0~^~5300~"
    tiny_tables["NUT_DATA"].append("~20045~^~301~^11^0^^~4~^^^^^^^^^^^^")  # a duplicate, ignored
    data = read_release(write_release(tiny_tables))
    assert by_id(data)["20045"].nutrients["carbohydrate_g"] == 28.17


# --- bad input: one line, naming the file and the line -------------------------------------


def test_missing_path(tmp_path):
    error = read_error(tmp_path / "nowhere")
    assert str(error) == f"{tmp_path / 'nowhere'}: no such file or directory"


def test_not_a_release(tmp_path):
    path = tmp_path / "notes.txt"
    path.write_text("hello")
    error = read_error(path)
    assert str(error) == f"{path}: not a directory or a zip file of the USDA SR ASCII release"


def test_missing_file(tiny_tables, write_release):
    del tiny_tables["WEIGHT"]
    directory = write_release(tiny_tables)
    error = read_error(directory)
    assert str(error) == f"{directory / 'WEIGHT.txt'}: missing file WEIGHT.txt in the USDA release"
    assert error.path == str(directory / "WEIGHT.txt") and error.line is None


def test_missing_file_in_zip(tiny_tables, write_release_zip):
    del tiny_tables["FOOD_DES"]
    archive = write_release_zip(tiny_tables)
    error = read_error(archive)
    assert str(error) == f"{archive}: missing file FOOD_DES.txt in the USDA release"


def test_truncated_line(tiny_tables, write_release):
    tiny_tables["FOOD_DES"][1] = tiny_tables["FOOD_DES"][1].rsplit("^", 1)[0]
    directory = write_release(tiny_tables)
    error = read_error(directory)
    assert str(error) == (f"{directory / 'FOOD_DES.txt'}:2: truncated line: "
                          "expected 14 fields separated by '^', found 13")
    assert (error.path, error.line) == (str(directory / "FOOD_DES.txt"), 2)


def test_extra_column(tiny_tables, write_release):
    tiny_tables["WEIGHT"][4] += "^"
    directory = write_release(tiny_tables)
    error = read_error(directory)
    assert str(error) == (f"{directory / 'WEIGHT.txt'}:5: extra fields: "
                          "expected 7 fields separated by '^', found 8")


@pytest.mark.parametrize(
    "stem, index, old, new, message",
    [
        ("NUT_DATA", 19, "^28.17^", "^28,17^", "column Nutr_Val: '28,17' is not a number"),
        ("WEIGHT", 11, "^158^", "^one^", "column Gm_Wgt: 'one' is not a number"),
        ("WEIGHT", 11, "^1^1^", "^1^a^", "column Amount: 'a' is not a number"),
        ("WEIGHT", 11, "~20045~^1^", "~20045~^~x~^", "column Seq: 'x' is not a number"),
        ("FOOD_DES", 1, "^10^", "^ten^", "column Refuse: 'ten' is not a number"),
        ("NUT_DATA", 19, "^28.17^", "^nan^", "column Nutr_Val: 'nan' is not a finite number"),
    ],
)
def test_non_numeric_value(tiny_tables, write_release, stem, index, old, new, message):
    assert old in tiny_tables[stem][index]
    tiny_tables[stem][index] = tiny_tables[stem][index].replace(old, new)
    directory = write_release(tiny_tables)
    error = read_error(directory)
    assert str(error) == f"{directory / (stem + '.txt')}:{index + 1}: {message}"


def test_duplicate_food(tiny_tables, write_release):
    tiny_tables["FOOD_DES"].append(tiny_tables["FOOD_DES"][2])
    directory = write_release(tiny_tables)
    assert str(read_error(directory)) == f"{directory / 'FOOD_DES.txt'}:5: duplicate food id '20045'"


def test_duplicate_food_group(tiny_tables, write_release):
    tiny_tables["FD_GROUP"].append("~0900~^~Fruits~")
    directory = write_release(tiny_tables)
    assert str(read_error(directory)) == f"{directory / 'FD_GROUP.txt'}:5: duplicate food group '0900'"


def test_duplicate_portion(tiny_tables, write_release):
    tiny_tables["WEIGHT"].append("~20045~^1^1^~bowl~^200^^")
    directory = write_release(tiny_tables)
    assert str(read_error(directory)) == f"{directory / 'WEIGHT.txt'}:14: duplicate portion 1 for food 20045"


def test_duplicate_nutrient(tiny_tables, write_release):
    tiny_tables["NUT_DATA"].append("~20045~^~205~^28.17^0^^~4~^~NC~^^^^^^^^^^10/1989^")
    assert len(tiny_tables["NUT_DATA"]) == 34
    directory = write_release(tiny_tables)
    assert str(read_error(directory)) == f"{directory / 'NUT_DATA.txt'}:34: duplicate nutrient 205 for food 20045"


def test_nutrient_of_unknown_food(tiny_tables, write_release):
    tiny_tables["NUT_DATA"].insert(0, "~99999~^~205~^1^0^^~4~^~NC~^^^^^^^^^^10/1989^")
    directory = write_release(tiny_tables)
    assert str(read_error(directory)) == f"{directory / 'NUT_DATA.txt'}:1: nutrient value for unknown food '99999'"


def test_negative_nutrient(tiny_tables, write_release):
    tiny_tables["NUT_DATA"][23] = tiny_tables["NUT_DATA"][23].replace("^0.4^", "^-0.4^")
    directory = write_release(tiny_tables)
    # Reported on the food's line, where the record lives.
    assert str(read_error(directory)) == f"{directory / 'FOOD_DES.txt'}:3: food 20045: fiber_g is negative (-0.4)"


def test_unknown_food_group(tiny_tables, write_release):
    tiny_tables["FOOD_DES"][2] = tiny_tables["FOOD_DES"][2].replace("~2000~", "~2001~")
    directory = write_release(tiny_tables)
    assert str(read_error(directory)) == f"{directory / 'FOOD_DES.txt'}:3: food 20045 has unknown food group '2001'"


def test_food_without_description(tiny_tables, write_release):
    tiny_tables["FOOD_DES"][2] = tiny_tables["FOOD_DES"][2].replace(
        "~Rice, white, long-grain, regular, enriched, cooked~", "~~")
    directory = write_release(tiny_tables)
    assert str(read_error(directory)) == f"{directory / 'FOOD_DES.txt'}:3: food 20045 has no description"


@pytest.mark.parametrize("grams", ["0", "-5", "0.0", ""])
def test_portion_without_weight(tiny_tables, write_release, grams):
    tiny_tables["WEIGHT"].append(f"~20045~^2^1^~bowl~^{grams}^^")
    directory = write_release(tiny_tables)
    assert str(read_error(directory)) == (
        f"{directory / 'WEIGHT.txt'}:14: portion 'bowl' of food 20045 must weigh more than 0 g")


def test_portion_with_negative_amount(tiny_tables, write_release):
    tiny_tables["WEIGHT"].append("~20045~^2^-1^~bowl~^100^^")
    directory = write_release(tiny_tables)
    assert str(read_error(directory)) == (
        f"{directory / 'WEIGHT.txt'}:14: portion 'bowl' of food 20045 has a negative amount")


def test_portion_of_unknown_food(tiny_tables, write_release):
    tiny_tables["WEIGHT"].insert(2, "~99999~^1^1^~cup~^100^^")
    directory = write_release(tiny_tables)
    assert str(read_error(directory)) == f"{directory / 'WEIGHT.txt'}:3: portion for unknown food '99999'"


def test_nutr_def_unit_mismatch(tiny_tables, write_release):
    tiny_tables["NUTR_DEF"][2] = "~205~^~mg~^~CHOCDF~^~Carbohydrate, by difference~^~2~^~1100~"
    directory = write_release(tiny_tables)
    error = read_error(directory)
    assert str(error) == f"{directory / 'NUTR_DEF.txt'}:3: nutrient 205 is in 'mg', expected 'g'"


def test_every_error_has_path_colon_line(tiny_tables, write_release):
    """The shape users grep for: 'path:line: message'."""
    tiny_tables["WEIGHT"][0] = tiny_tables["WEIGHT"][0].replace("^5.0^", "^-1^")
    directory = write_release(tiny_tables)
    message = str(read_error(directory))
    assert re.fullmatch(rf"{re.escape(str(directory / 'WEIGHT.txt'))}:1: .+", message)
