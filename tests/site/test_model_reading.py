"""The model reads the published tables column-wise: NaN is as unknown as NULL, an
area-year's watch flag combines its rows, and working out the shared facts before the
languages are forked changes none of them."""

import math

import polars as pl
import pytest

from indicators.site.model import SiteData
from indicators.site.options import SiteOptions
from indicators.site.render import Chart
from tests.site.conftest import synthetic_frames


@pytest.fixture(scope="module")
def frames():
    return synthetic_frames()


def test_nan_in_indicator_values_is_unknown(frames):
    values = frames["indicator_values"]
    first = values.row(0, named=True)
    key = (first["area_id"], first["year"], first["regime"], first["indicator_id"])
    is_first = ((pl.col("area_id") == key[0]) & (pl.col("year") == key[1])
                & (pl.col("regime") == key[2]) & (pl.col("indicator_id") == key[3]))
    nan = pl.when(is_first).then(float("nan"))
    changed = dict(frames, indicator_values=values.with_columns(
        value=nan.otherwise(pl.col("value")), threshold=nan.otherwise(pl.col("threshold"))))
    c = SiteData(changed, SiteOptions()).criterion(*key)
    assert c.value is None and c.threshold is None
    assert c.decimals == 1  # the fewest decimals when there is nothing to align
    assert c.numerator == first["numerator"] or (
        first["numerator"] is None and c.numerator is None)


@pytest.mark.parametrize(("flags", "watched"), [
    ([True, None, False], True), ([False, False], False), ([False, None], None),
    ([None], None)])
def test_an_area_year_is_watched_if_any_row_says_so(frames, flags, watched):
    ew = frames["early_warning"]
    first = ew.row(0, named=True)
    area, year = first["area_id"], first["year"]
    others = ew.filter((pl.col("area_id") != area) | (pl.col("year") != year))
    rows = pl.DataFrame([dict(first, watch=f) for f in flags], schema=ew.schema)
    data = SiteData(dict(frames, early_warning=pl.concat([others, rows])), SiteOptions())
    assert data.watch(area, year) is watched
    assert data.watch("no such area", year) is None


def test_prepared_facts_are_those_worked_out_on_demand(frames):
    lazy, prepared = SiteData(frames, SiteOptions()), SiteData(frames, SiteOptions())
    prepared.prepare()
    for area_id in lazy.area_order:
        for year in lazy.list_years:
            assert prepared.state(area_id, year) == lazy.state(area_id, year)
        for regime in lazy.regimes_evaluated:
            assert prepared.state(area_id, None, regime) == lazy.state(area_id, None, regime)
        for indicator_id in lazy.indicators_present():
            mine, theirs = (d.series(area_id, indicator_id) for d in (prepared, lazy))
            assert mine == theirs
            assert [c.decimals for c in mine] == [c.decimals for c in theirs]


def test_a_chart_with_nan_draws_a_gap_and_leaves_its_figure_as_built():
    figure = {"data": [{"type": "scatter", "x": [2020, 2021], "y": [1.5, math.nan],
                        "z": (math.inf, 2)}],
              "layout": {"title": {"text": "T"}, "margin": {"l": 1, "t": 56}}}
    chart = Chart(id="c", title="T", summary="", figure=figure, table=None)
    assert str(chart.json) == ('{"data":[{"type":"scatter","x":[2020,2021],"y":[1.5,null],'
                               '"z":[null,2]}],"layout":{"margin":{"l":1,"t":34}}}')
    assert figure["layout"] == {"title": {"text": "T"}, "margin": {"l": 1, "t": 56}}
    plain = Chart(id="d", title="T", summary="", figure={"data": []}, table=None)
    assert str(plain.json) == '{"data":[],"layout":{"margin":{"t":34}}}'
