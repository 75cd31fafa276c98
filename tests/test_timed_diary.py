"""The timed diary: real ISO dates and times, file:line errors, meals grouped by date, time and name."""

import pytest

from glyload.errors import DataError
from glyload.timed_diary import read_timed_diary


def write(tmp_path, text):
    path = tmp_path / "diary.csv"
    path.write_text(text, encoding="utf-8")
    return path


def test_meals_group_by_date_time_and_name(tmp_path):
    path = write(tmp_path, "date,time,meal,item,notes\n2024-06-01,07:30,breakfast,1 medium apple,x\n"
                           "2024-06-01,07:30,breakfast,1 cup whole milk,\n2024-06-01,15:00,snack,1 medium banana,\n")
    meals, notes = read_timed_diary(path)
    assert [(m.date, m.time, m.meal, len(m.items)) for m in meals] == [
        ("2024-06-01", "07:30", "breakfast", 2), ("2024-06-01", "15:00", "snack", 1)]
    assert notes == ["column 'notes' is not used"]


@pytest.mark.parametrize("row, message", [
    ("2024-02-30,07:30,lunch,1 apple", "date '2024-02-30' is not a real date: day is out of range for month"),
    ("01/06/2024,07:30,lunch,1 apple", "date '01/06/2024' is not a real date: not in the form YYYY-MM-DD"),
    ("2024-06-01,7:30,lunch,1 apple", "time '7:30' is not a real time: not in the form HH:MM or HH:MM:SS (24-hour)"),
    ("2024-06-01,24:10,lunch,1 apple", "time '24:10' is not a real time: hour must be in 0..23"),
    ("2024-06-01,7:30 PM,lunch,1 apple", "time '7:30 PM' is not a real time"),
    ("2024-06-01,07:30,,1 apple", "meal is empty"),
    ("2024-06-01,07:30,lunch,", "needs an item or a food_id and grams"),
])
def test_bad_rows_name_file_and_line(tmp_path, row, message):
    path = write(tmp_path, f"date,time,meal,item\n2024-06-01,07:00,breakfast,1 apple\n{row}\n")
    with pytest.raises(DataError) as error:
        read_timed_diary(path)
    assert str(error.value).startswith(f"{path}:3: {message}")


def test_a_diary_without_times_is_pointed_to_glyload_diary(tmp_path):
    path = write(tmp_path, "date,meal,item\n2024-06-01,lunch,1 apple\n")
    with pytest.raises(DataError, match=r":1: missing column\(s\): time \(a diary without times is read by"):
        read_timed_diary(path)
