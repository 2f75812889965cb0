"""The hand-written DuckDB baseline gives the product's answers, so comparing their speed
is fair: same area sums, values, threshold tests and three-valued statuses.

On a generated national set (scale 0.05): ~10 s of CPU, so `slow` (make test and CI run
it, make test-fast leaves it out)."""

from __future__ import annotations

from pathlib import Path

import duckdb
import polars as pl
import pytest

from benchmarks.baseline import csv_dialect, run_baseline
from benchmarks.generate_national import generate
from indicators.area_year import area_residents
from indicators.catalogue import load_catalogue
from indicators.criteria import (
    compute_area_status,
    compute_criteria_in,
    compute_indicator_values,
)
from indicators.inputs.areas import read_areas, read_membership
from indicators.inputs.kaas import combine_deliveries, read_kaas_file
from indicators.inputs.measures import load_delivery_labels
from indicators.inputs.reference import read_reference

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def national(tmp_path_factory) -> Path:
    return generate(tmp_path_factory.mktemp("national") / "data", 0.05, 7).out


@pytest.fixture(scope="module")
def inputs(national) -> dict[str, pl.DataFrame]:
    """The criteria's inputs, read by the product's own readers."""
    areas = read_areas(national / "areas" / "areas.csv", "areas/areas.csv")
    membership = read_membership(national / "areas" / "membership.csv",
                                 "areas/membership.csv", areas).drop("_row")
    labels = load_delivery_labels(national / "kaas" / "labels.yaml", "kaas/labels.yaml")
    kaas = combine_deliveries([
        read_kaas_file(p, f"kaas/{p.name}", labels)
        for p in sorted((national / "kaas").iterdir()) if p.suffix in (".csv", ".xlsx")
    ]).values
    inputs = {
        "kaas": kaas, "membership": membership, "areas": areas.drop("_row"),
        "national": read_reference(national / "reference" / "national.csv",
                                   "reference/national.csv", regional=False).drop("_row"),
        "regional": read_reference(national / "reference" / "regional.csv",
                                   "reference/regional.csv", regional=True).drop("_row"),
    }
    return inputs


@pytest.fixture(scope="module")
def product(inputs) -> dict[str, pl.DataFrame]:
    """The product's own figures, from its pure functions."""
    catalogue = load_catalogue()
    values = compute_indicator_values(**inputs, catalogue=catalogue)
    return {
        "area_year": area_residents(inputs["kaas"], inputs["membership"]),
        "indicator_values": values,
        "area_status": compute_area_status(values, **inputs, catalogue=catalogue),
    }


@pytest.fixture(scope="module")
def baseline(national):
    run = run_baseline(national)
    yield run
    run.conn.close()


def _baseline_frame(run, table: str) -> pl.DataFrame:
    return run.conn.execute(f"SELECT * FROM {table}").pl()


def _differences(ours: pl.DataFrame, theirs: pl.DataFrame, key: list[str],
                 columns: list[str]) -> pl.DataFrame:
    joined = ours.select(*key, *columns).join(
        theirs.select(*key, *columns), on=key, how="full", suffix="_b", coalesce=True)
    differs = [pl.col(c).ne_missing(pl.col(f"{c}_b")) for c in columns]
    return joined.filter(pl.any_horizontal(differs))


def test_baseline_statuses_equal_the_products(product, baseline):
    columns = ["residents", "eligible", "criteria_met", "udsat", "parallelsamfund",
               "omdannelsesomraade", "forebyggelsesomraade", "kombineret_udlejning"]
    ours = product["area_status"].with_columns(pl.col("criteria_met").cast(pl.Int32))
    theirs = _baseline_frame(baseline, "area_status").with_columns(
        pl.col("year").cast(pl.Int32), pl.col("criteria_met").cast(pl.Int32))
    different = _differences(ours, theirs, ["area_id", "year", "regime"], columns)
    assert different.is_empty(), different.head(5)
    # The set puts areas on every list, so the comparison covers TRUE as well as FALSE.
    for status in ("udsat", "parallelsamfund", "forebyggelsesomraade", "kombineret_udlejning"):
        assert ours[status].sum() > 0, status
    assert ours["udsat"].null_count() > 0  # and unknowns (suppressed cells)


def test_baseline_indicator_tests_equal_the_products(product, baseline):
    columns = ["meets_threshold", "meets_forebyggelse_threshold", "suppressed"]
    key = ["area_id", "year", "regime", "indicator_id"]
    ours = product["indicator_values"]
    theirs = _baseline_frame(baseline, "indicator_values").with_columns(
        pl.col("year").cast(pl.Int32))
    assert _differences(ours, theirs, key, columns).is_empty()
    values = ours.join(theirs, on=key, suffix="_b").filter(
        (pl.col("value") - pl.col("value_b")).abs() > 1e-9)
    assert values.is_empty()


def test_baseline_residents_equal_the_products(product, baseline):
    theirs = _baseline_frame(baseline, "area_year").with_columns(pl.col("year").cast(pl.Int32))
    ours = product["area_year"].with_columns(pl.col("year").cast(pl.Int32))
    assert _differences(ours, theirs, ["area_id", "year"], ["residents"]).is_empty()


def test_dialect_comes_from_the_file_not_its_name(tmp_path):
    ansi = tmp_path / "a.csv"
    ansi.write_bytes("afdeling_id;aar;maal;vaerdi\r\n001-0001;2020;Beboere 18-64 år;5\r\n"
                     .encode("cp1252"))
    comma = tmp_path / "b.csv"
    comma.write_bytes(b"\xef\xbb\xbfafdeling_id,aar,maal,vaerdi\n001-0001,2020,beboere,5\n")
    assert csv_dialect(ansi) == ("latin-1", ";")
    assert csv_dialect(comma) == ("utf-8", ",")


def test_criteria_inside_a_warehouse_file_equal_the_frames_path(inputs, product, tmp_path):
    """The refresh computes the criteria in the warehouse connection on its staging
    tables (`compute_criteria_in`); it must give the frames path's rows exactly."""
    conn = duckdb.connect(str(tmp_path / "warehouse.duckdb"))
    conn.execute("CREATE SCHEMA staging")
    for name, frame in inputs.items():
        conn.register("incoming", frame)
        conn.execute(f"CREATE TABLE staging.{name} AS SELECT * FROM incoming")
        conn.unregister("incoming")
    status = compute_criteria_in(conn, {name: f"staging.{name}" for name in inputs},
                                 load_catalogue(), values_table="values_out")
    values = conn.execute("SELECT * FROM values_out").pl()
    conn.close()
    assert values.height > 1000
    assert values.equals(product["indicator_values"])
    assert status.equals(product["area_status"])
    # Nothing of the workspace is left in the warehouse file: it was all temporary.
    reopened = duckdb.connect(str(tmp_path / "warehouse.duckdb"), read_only=True)
    assert reopened.execute("SELECT DISTINCT schema_name FROM duckdb_tables()").fetchall() == [
        ("staging",)]
    reopened.close()


def _survey_results(areas: pl.DataFrame) -> pl.DataFrame:
    """Survey results shaped like mart.survey_results for a few areas: exact shares,
    a weighted share that is not n_positive / n_answers, a suppressed cell, and each
    wave's `all` row."""
    ids = areas["area_id"].sort().to_list()[:6]
    rows = []
    for wave, year, shift in (("w2015", 2015, 0), ("w2018", 2018, 3)):
        for n, area in enumerate(ids):
            answers, positive = 40 + 7 * n, 5 + n + shift
            rows.append((wave, year, area, "evening_safety", answers, positive,
                         100 * positive / answers, n == 2))
        rows.append((wave, year, "all", "evening_safety", 900, 150, 100 * 150 / 900, False))
    rows.append(("w2018", 2018, ids[5], "evening_safety", 60, 12, 21.37, False))  # weighted
    frame = pl.DataFrame(rows, orient="row", schema={
        "wave_id": pl.Utf8, "year": pl.Int32, "area_id": pl.Utf8, "item_id": pl.Utf8,
        "n_answers": pl.Int64, "n_positive": pl.Int64, "share": pl.Float64,
        "suppressed": pl.Boolean})
    # The weighted row replaces the exact one of the same key.
    return frame.unique(["wave_id", "area_id", "item_id"], keep="last")


def test_baseline_local_model_equals_the_products(national, inputs):
    """benchmarks/baseline_local.sql gives the product's mart.local_indicators and
    mart.local_categories (the default model) from the same files: the local-model
    ratio compares two programs with the same answers."""
    from indicators.inputs.areas import read_afdelinger
    from indicators.inputs.local import combine_with_register
    from indicators.local_model import DEFAULT_MODEL_PATH, validate_model_bytes
    from indicators.local_scoring import local_categories, local_indicators

    local = [read_kaas_file(p, f"local/{p.name}", None)
             for p in sorted((national / "local").iterdir()) if p.suffix in (".csv", ".xlsx")]
    assert local, "the national set carries local/ deliveries"
    decided = combine_with_register(local, inputs["kaas"]).values
    key = ["afdeling_id", "aar", "maal"]
    cells = pl.concat([inputs["kaas"].join(decided, on=key, how="anti"), decided],
                      how="diagonal_relaxed")
    survey = _survey_results(inputs["areas"])
    model = validate_model_bytes(DEFAULT_MODEL_PATH.read_bytes(), "models/local.yaml")
    ours = local_indicators(
        model, cells=cells, membership=inputs["membership"], areas=inputs["areas"],
        afdelinger=read_afdelinger(national / "areas" / "afdelinger.csv",
                                   "areas/afdelinger.csv"), survey=survey)
    categories = local_categories(model, ours, area_residents(inputs["kaas"],
                                                              inputs["membership"]))
    run = run_baseline(national, survey=survey)
    try:
        theirs = _baseline_frame(run, "local_indicators").cast(dict(ours.schema))
        theirs_categories = _baseline_frame(run, "local_categories").cast(
            dict(categories.schema))
    finally:
        run.conn.close()
    exact = ["model_id", "points", "suppressed", "wave_id", "comparison_left_out"]
    key = ["area_id", "year", "indicator_id"]
    assert ours.height == theirs.height > 1000
    assert _differences(ours, theirs, key, exact).is_empty()
    floats = ["value", "numerator", "denominator", "comparison_value", "ratio"]
    joined = ours.join(theirs, on=key, suffix="_b")
    for column in floats:
        both = joined.filter(pl.col(column).is_null() != pl.col(f"{column}_b").is_null())
        assert both.is_empty(), (column, both.head(3))
        off = joined.filter((pl.col(column) - pl.col(f"{column}_b")).abs() > 1e-9)
        assert off.is_empty(), (column, off.head(3))
    assert categories.height == theirs_categories.height
    assert _differences(categories, theirs_categories, ["area_id", "year"],
                        [c for c in categories.columns if c not in ("area_id", "year")]
                        ).is_empty()
    # The comparison covers what the rules distinguish: every category, unknown
    # points and categories, and the survey indicator's own wave.
    assert set(categories["category"].drop_nulls()) == {"red", "orange", "yellow", "green"}
    assert categories["category"].null_count() > 0
    assert ours.filter(pl.col("wave_id").is_not_null()).height > 0
