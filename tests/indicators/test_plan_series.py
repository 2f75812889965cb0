"""The plan pages' published series (indicators/plan_series.py): the event-study values by
hand, their agreement with the published effect, and moves summed over the start-year
afdelinger."""

import polars as pl
import pytest

from indicators import tables
from indicators.effects import register_effects
from indicators.plan_series import plan_moves, plan_series
from tests.indicators.test_effects import plans, values


def test_relative_values_by_hand_and_the_comparison_mean():
    # A: plan 2010-2012, pre 2007-2009 mean 10; B, C and D compare (pre means 20, 30, 40).
    series = {
        "A": {2007: 9.0, 2008: 10.0, 2009: 11.0, 2010: 12.0, 2011: 8.0, 2012: 7.0},
        "B": {2007: 20.0, 2008: 20.0, 2009: 20.0, 2010: 21.0, 2011: 22.0, 2012: 23.0},
        "C": {2007: 30.0, 2008: 30.0, 2009: 30.0, 2010: 30.0, 2011: 31.0, 2012: 32.0},
        "D": {2007: 40.0, 2008: 40.0, 2009: 40.0, 2010: None, 2011: 44.0, 2012: 44.0},
        # One known post year: no change, so not a comparison area (as in the effect).
        "E": {2007: 50.0, 2008: 50.0, 2009: 50.0, 2010: 50.0, 2011: 90.0, 2012: None},
    }
    frame = plan_series(plans(("p", "A", 2010, 2012)), values(series, 2010), latest=2012)
    assert frame.columns == tables.PLAN_SERIES.column_names()
    got = {r["year"]: r for r in frame.iter_rows(named=True)}
    assert sorted(got) == [2007, 2008, 2009, 2010, 2011, 2012]
    assert [got[y]["relative"] for y in sorted(got)] == [-1.0, 0.0, 1.0, 2.0, -2.0, -3.0]
    assert got[2011]["comparison_relative"] == pytest.approx((2.0 + 1.0 + 4.0) / 3)
    assert got[2011]["n_comparison"] == 3
    # D is unknown in 2010: the mean is over the comparison areas known that year.
    assert got[2010]["comparison_relative"] == pytest.approx((1.0 + 0.0) / 2)
    assert got[2010]["n_comparison"] == 2
    assert got[2012]["comparison_relative"] == pytest.approx((3.0 + 2.0 + 4.0) / 3)


def test_post_window_gap_is_the_published_effect():
    series = {a: {y: base + slope * (y - 2006) + (bump if a == "A" and y > 2010 else 0)
                  for y in range(2006, 2016)}
              for a, base, slope, bump in (("A", 40, 0.3, -3.0), ("B", 30, 0.1, 0),
                                           ("C", 35, -0.2, 0), ("D", 20, 0.5, 0),
                                           ("E", 25, 0.0, 0), ("F", 45, 0.2, 0))}
    plan = plans(("p", "A", 2010, 2014))
    frame = plan_series(plan, values(series, 2010), latest=2015)
    effect = register_effects(plan, values(series, 2010), latest=2015).filter(
        pl.col("comparison") == "all").row(0, named=True)
    post = frame.filter(pl.col("year").is_between(2011, 2014))
    gap = (post["relative"] - post["comparison_relative"]).mean()
    assert gap == pytest.approx(effect["effect"])
    assert post["n_comparison"].to_list() == [effect["n_comparison"]] * 4


def test_areas_with_their_own_plan_are_not_in_the_comparison_mean():
    series = {"A": {y: 10.0 for y in range(2007, 2013)},
              "B": {y: 20.0 + (5 if y > 2010 else 0) for y in range(2007, 2013)},
              "C": {y: 30.0 + (1 if y > 2010 else 0) for y in range(2007, 2013)}}
    frame = plan_series(plans(("p", "A", 2010, 2012), ("q", "B", 2011, 2012)),
                        values(series, 2010).vstack(values(series, 2011)), latest=2012)
    a = frame.filter((pl.col("plan_id") == "p") & (pl.col("year") == 2012)).row(0, named=True)
    assert a["comparison_relative"] == pytest.approx(1.0)  # C alone: B has a plan
    assert a["n_comparison"] == 1


def test_no_plans_or_no_data_give_an_empty_table_of_the_published_layout():
    empty = plan_series(plans(), values({}, 2010), latest=2012)
    assert empty.is_empty() and empty.columns == tables.PLAN_SERIES.column_names()
    assert plan_series(plans(("p", "A", 2010, 2012)), values({}, 2010), None).is_empty()


def _kaas(rows):
    return pl.DataFrame(rows, schema={"afdeling_id": pl.Utf8, "aar": pl.Int64,
                                      "maal": pl.Utf8, "vaerdi": pl.Float64,
                                      "suppressed": pl.Boolean}, orient="row")


def test_moves_are_summed_over_the_start_year_afdelinger_and_unknown_when_one_is():
    membership = pl.DataFrame({"area_id": ["A", "A", "A"], "afdeling_id": ["a1", "a2", "a3"],
                               "valid_from": [2000, 2000, 2012],
                               "valid_to": [None, None, None]},
                              schema={"area_id": pl.Utf8, "afdeling_id": pl.Utf8,
                                      "valid_from": pl.Int64, "valid_to": pl.Int64})
    rows = []
    for year in range(2007, 2013):
        for afd, n in (("a1", 100.0), ("a2", 200.0), ("a3", 999.0)):
            rows += [(afd, year, "beboere", n, False), (afd, year, "tilflyttede", n / 10, False),
                     (afd, year, "fraflyttede", n / 20, year == 2009 and afd == "a2")]
    frame = plan_moves(plans(("p", "A", 2010, 2012)), _kaas(rows), membership, latest=2012)
    assert frame.columns == tables.PLAN_MOVES.column_names()
    got = {r["year"]: r for r in frame.iter_rows(named=True)}
    assert sorted(got) == list(range(2007, 2013))
    # a3 joined in 2012, after the start year: never counted.
    assert got[2011] == {"plan_id": "p", "area_id": "A", "year": 2011, "residents": 300.0,
                         "moved_in": 30.0, "moved_out": 15.0}
    assert got[2009]["moved_out"] is None and got[2009]["moved_in"] == 30.0


def test_moves_not_delivered_are_unknown():
    membership = pl.DataFrame({"area_id": ["A"], "afdeling_id": ["a1"], "valid_from": [2000],
                               "valid_to": [None]},
                              schema={"area_id": pl.Utf8, "afdeling_id": pl.Utf8,
                                      "valid_from": pl.Int64, "valid_to": pl.Int64})
    kaas = _kaas([("a1", y, "beboere", 100.0, False) for y in range(2007, 2013)])
    frame = plan_moves(plans(("p", "A", 2010, 2012)), kaas, membership, latest=2012)
    assert frame["residents"].to_list() == [100.0] * 6
    assert frame["moved_in"].null_count() == 6 and frame["moved_out"].null_count() == 6
