"""``glyload validate`` (``glyload.validation``): leave-one-out errors, and the confidence they set."""

from __future__ import annotations

import json
import math

import pytest
from click.testing import CliRunner

from glyload.cli import cli
from glyload.gi import confidence_label
from glyload.validation import agreement, validation


def test_agreement_by_hand():
    pairs = [(60.0, 50.0), (50.0, 50.0), (40.0, 45.0), (70.0, 60.0)]  # differences 10, 0, -5, 10
    result = agreement(pairs)
    sd = math.sqrt(((10 - 3.75) ** 2 + 3.75 ** 2 + 8.75 ** 2 + (10 - 3.75) ** 2) / 3)
    assert (result["n"], result["mae"], result["bias"]) == (4, 6.2, 3.8)
    assert result["loa_low"] == round(3.75 - 1.96 * sd, 1) and result["loa_high"] == round(3.75 + 1.96 * sd, 1)
    assert result["r"] == round(225 / math.sqrt(500 * 118.75), 3) == 0.923  # sxy / sqrt(sxx syy)


@pytest.fixture(scope="module")
def result(conn):
    return validation(conn)


def test_every_directly_measured_food_is_predicted(conn, result):
    direct = conn.execute("select count(*) from foods where gi_method = 'direct'").fetchone()[0]
    overall = next(m for m in result["by_method"] if m["method"] == "overall median")
    assert overall["n"] == direct
    assert conn.execute("select count(*) from gi_validation v join foods f using (food_id) "
                        "where f.gi_method != 'direct'").fetchone()[0] == 0
    assert conn.execute("select count(*) from gi_validation where abs(predicted - measured - error) > 0.11"
                        ).fetchone()[0] == 0


def test_imputed_confidence_follows_the_measured_error(conn, result):
    errors = {m["method"]: m["mae"] for m in result["by_method"]}
    for method in ("subgroup median", "group median", "overall median"):
        labels = {r[0] for r in conn.execute("select distinct gi_confidence from foods where gi_method = ?",
                                             (method,))}
        assert labels == {confidence_label(errors[method])}, method
    related = {r[0].split(",")[0] for r in conn.execute(
        "select distinct gi_confidence from foods where gi_method = 'related'")}
    assert related == {confidence_label(errors["related"])}


def test_finer_steps_err_less(result):
    mae = {m["method"]: m["mae"] for m in result["by_method"]}
    # as measured on the bundled data: each coarser median errs more (docs/validation.md)
    assert mae["related"] < mae["subgroup median"] < mae["group median"] < mae["overall median"]


def test_cli_table_and_json(db, result):
    text = CliRunner().invoke(cli, ["validate", "--db", str(db)])
    assert text.exit_code == 0, text.output
    assert text.stdout.splitlines()[0].split() == ["method", "n", "MAE", "bias", "Pearson", "r", "LoA", "low",
                                                   "LoA", "high"]
    assert "Wolever & Jenkins 1986" in text.stdout and "Flint et al. 2004" in text.stdout
    data = json.loads(CliRunner().invoke(cli, ["validate", "--db", str(db), "--json"]).stdout)
    assert list(data) == ["by_method", "by_group", "published", "notes"]
    assert data == json.loads(json.dumps(result))
    grouped = CliRunner().invoke(cli, ["validate", "--db", str(db), "--by-group"])
    assert "Fruits and Fruit Juices" in grouped.stdout
