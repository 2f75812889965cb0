"""Inputs that would make exact results wrong are refused with a clear message."""

from __future__ import annotations

from decimal import Decimal

import duckdb
import polars as pl
import pytest

from indicators.area_sums import micro_units
from indicators.criteria import compute_area_status, compute_indicator_values
from tests.indicators.builders import Inputs, catalogue, neutral


def _frames() -> list[pl.DataFrame]:
    inputs = Inputs().member("a", "001-0001").years("001-0001", range(2018, 2021), neutral())
    return list(inputs.frames())


def test_float_values_are_refused() -> None:
    frames = _frames()
    frames[0] = frames[0].with_columns(pl.col("vaerdi").cast(pl.Float64))
    with pytest.raises(TypeError, match="Decimal"):
        compute_indicator_values(*frames, catalogue())


def test_duplicate_cells_are_refused() -> None:
    frames = _frames()
    frames[0] = pl.concat([frames[0], frames[0].head(1)])
    with pytest.raises(ValueError, match="more than one row"):
        compute_indicator_values(*frames, catalogue())


def test_fractional_persons_are_refused() -> None:
    inputs = Inputs().member("a", "001-0001").years("001-0001", range(2018, 2021), neutral())
    inputs.year("001-0001", 2019, neutral(beboere_18_64="800.5"))
    with pytest.raises(ValueError, match="001-0001 2019 beboere_18_64"):
        inputs.run()


def test_full_time_persons_may_be_fractional() -> None:
    inputs = Inputs().member("a", "001-0001").years("001-0001", range(2018, 2021), neutral())
    inputs.year("001-0001", 2019, neutral(uden_tilknytning_18_64="160.25"))
    values, _ = inputs.run()
    assert values.filter(year=2020, regime="2021", indicator_id="k1_uden_tilknytning")[
        "numerator"].item() == 160.25


def test_areas_missing_from_the_register_are_refused() -> None:
    frames = _frames()
    frames[2] = frames[2].clear()
    with pytest.raises(ValueError, match="missing from areas: a"):
        compute_indicator_values(*frames, catalogue())


def test_status_needs_the_forebyggelse_columns() -> None:
    frames = _frames()
    values = compute_indicator_values(*frames, catalogue())
    with pytest.raises(ValueError, match="meets_forebyggelse_threshold"):
        compute_area_status(values.drop("meets_forebyggelse_threshold"), *frames, catalogue())


def test_no_data_gives_empty_frames_with_the_schema() -> None:
    frames = Inputs().frames()
    values = compute_indicator_values(*frames, catalogue())
    statuses = compute_area_status(values, *frames, catalogue())
    assert values.is_empty() and statuses.is_empty()
    assert statuses.columns == ["area_id", "year", "regime", "residents", "eligible",
                                "criteria_met", "udsat", "parallelsamfund",
                                "omdannelsesomraade", "forebyggelsesomraade",
                                "kombineret_udlejning"]
    assert values.columns[:11] == ["area_id", "year", "regime", "indicator_id", "value",
                                   "numerator", "denominator", "data_years", "threshold",
                                   "meets_threshold", "suppressed"]


@pytest.mark.parametrize("text", ["-1.5", "0.000001", "-0.000001", "999999999999.999999",
                                  "-999999999999.999999", "160.25", "0"])
def test_micro_units_are_exact(text: str) -> None:
    con = duckdb.connect()
    (units,), = con.execute(f"SELECT {micro_units('x')} FROM (SELECT ?::DECIMAL(18,6) AS x)",
                            [Decimal(text)]).fetchall()
    assert units == int(Decimal(text) * 10**6)


def test_values_too_large_for_exact_arithmetic_fail_loudly() -> None:
    frames = _frames()
    wide = pl.Decimal(38, 6)
    frames[0] = frames[0].with_columns(
        pl.when(pl.col("maal") == "beboere_18_64").then(pl.lit(Decimal("1e13"), wide))
        .otherwise(pl.col("vaerdi").cast(wide)).alias("vaerdi")
    )
    with pytest.raises(duckdb.Error, match="10000000000000"):
        compute_indicator_values(*frames, catalogue())
