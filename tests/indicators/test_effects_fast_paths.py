"""The effect evaluation's shortcuts against the plain definitions they replace: twins by
a walk from the pre mean against ranking every candidate, a comparison set summarised once
against the placebo count written out, the plans' restricted delimitation against
`delimited_values`, and effects and series drawn in one pass against each drawn alone."""

import math
import random

import polars as pl
import pytest

from indicators.effects import (
    MIN_COMPARISON,
    TIE_TOLERANCE,
    TWINS,
    ComparisonSet,
    TwinPool,
    delimited_values,
    plan_values,
    register_effects,
)
from indicators.plan_effects import effects_and_series
from indicators.plan_series import plan_series
from tests.indicators.test_effects import plans

LEVELS = (0.0, 1.0, 2.5, -1.0, 0.1 + 0.2, 0.3)


@pytest.mark.parametrize("seed", range(40))
def test_twins_walk_picks_what_ranking_every_candidate_picks(seed):
    rng = random.Random(seed)
    for _ in range(50):
        # Repeated pre means (as many areas at 0 %) make ties the area_id must decide.
        pres = [rng.choice(LEVELS) if rng.random() < 0.5 else rng.uniform(-3, 3)
                for _ in range(rng.randint(0, 40))]
        candidates = list({f"a{rng.randint(0, 10**6):07d}": p for p in pres}.items())
        target = rng.choice([*LEVELS, rng.uniform(-4, 4)])
        ranked = sorted(candidates, key=lambda c: (abs(c[1] - target), c[0]))
        assert TwinPool(candidates).nearest(target) == [a for a, _ in ranked[:TWINS]]


def _placebo_p(change: float, changes: list[float]) -> float:
    """domain.md §8 as compare() wrote it before the summary: a count over the set."""
    n, total = len(changes), math.fsum(changes)
    bar = abs(change - math.fsum(changes) / n) * (n - 1)
    extreme = sum(1 for c in changes
                  if abs(n * c - total) >= bar - TIE_TOLERANCE * max(1.0, bar))
    return (1 + extreme) / (1 + n)


@pytest.mark.parametrize("seed", range(20))
def test_one_summary_gives_every_rows_placebo_count(seed):
    rng = random.Random(seed)
    changes = [rng.choice([-1.0, 0.5, 2.0, rng.uniform(-3, 3)]) for _ in range(rng.randint(
        MIN_COMPARISON, 60))]
    summary = ComparisonSet(changes)
    # Changes exactly as far from the centre as some comparison change: the ties.
    centre = math.fsum(changes) / len(changes)
    for change in [*changes, *(2 * centre - c for c in changes), rng.uniform(-5, 5), centre]:
        got = summary.against(change)
        assert got.placebo_p == _placebo_p(change, changes)
        assert got.effect == change - centre


def _panel(seed: int):
    rng = random.Random(seed)
    rows, members = [], []
    for k in range(12):
        area = f"area{k:02d}"
        for j in range(rng.randint(1, 3)):
            afdeling = f"{k:03d}-{j:04d}"
            # Some afdelinger join or leave: the delimitation differs between start years.
            start = rng.choice([2000, 2000, 2011])
            end = rng.choice([None, None, 2012])
            members.append((area, afdeling, start, end))
            for year in range(2005, 2019):
                for indicator in ("k1", "k2"):
                    den = float(rng.randint(50, 400))
                    num = None if rng.random() < 0.05 else float(rng.randint(0, 50))
                    rows.append((afdeling, indicator, year, num, den, 100.0))
    terms = pl.DataFrame(rows, orient="row", schema={
        "afdeling_id": pl.Utf8, "indicator_id": pl.Utf8, "year": pl.Int64,
        "numerator": pl.Float64, "denominator": pl.Float64, "factor": pl.Float64})
    membership = pl.DataFrame(members, orient="row", schema={
        "area_id": pl.Utf8, "afdeling_id": pl.Utf8, "valid_from": pl.Int32,
        "valid_to": pl.Int32})
    plan_rows = plans(("p", "area00", 2010, 2014), ("p", "area01", 2010, 2014),
                      ("q", "area02", 2012, None), ("r", "area03", 2011, 2013))
    return terms, membership, plan_rows


@pytest.mark.parametrize("seed", range(5))
def test_the_plans_delimitation_is_delimited_values_in_the_years_they_read(seed):
    terms, membership, plan_rows = _panel(seed)
    latest = 2017
    coded = plan_values(terms, membership, plan_rows, latest)
    got = (coded.values
           .with_columns(pl.col("area").map_elements(coded.areas.__getitem__,
                                                     return_dtype=pl.Utf8).alias("area_id"),
                         pl.col("indicator").map_elements(coded.indicators.__getitem__,
                                                          return_dtype=pl.Utf8)
                         .alias("indicator_id"))
           .select("delimitation_year", "area_id", "indicator_id", "year", "value")
           .sort("delimitation_year", "area_id", "indicator_id", "year"))
    full = delimited_values(terms, membership, [2010, 2011, 2012])
    highest = {2010: 2014, 2011: 2013, 2012: latest}
    expected = full.filter(pl.col("year").is_between(
        pl.col("delimitation_year") - 3,
        pl.col("delimitation_year").replace_strict(highest, return_dtype=pl.Int64)))
    assert got.equals(expected)
    assert coded.indicators == ["k1", "k2"]


@pytest.mark.parametrize("seed", range(5))
def test_effects_and_series_in_one_pass_are_each_drawn_alone(seed):
    terms, membership, plan_rows = _panel(seed)
    latest = 2017
    no_survey = pl.DataFrame(schema={
        "wave_id": pl.Utf8, "year": pl.Int64, "item_id": pl.Utf8, "area_id": pl.Utf8,
        "n_answers": pl.Int64, "n_positive": pl.Int64, "suppressed": pl.Boolean})
    effects, series = effects_and_series(plan_rows, terms, membership, no_survey, latest)
    values = delimited_values(terms, membership, [2010, 2011, 2012])
    _same(effects, register_effects(plan_rows, values, latest=latest))
    _same(series, plan_series(plan_rows, values, latest))


def _same(got: pl.DataFrame, expected: pl.DataFrame) -> None:
    """Equal rows; a float may differ in its last bits, as a sum over the comparison areas
    in another order does (the published tables are compared to 1e-9)."""
    assert got.columns == expected.columns and got.height == expected.height
    for column in got.columns:
        if got.schema[column] == pl.Float64:
            for a, b in zip(got[column], expected[column], strict=True):
                assert (a is None) == (b is None)
                assert a is None or a == pytest.approx(b, rel=1e-12, abs=1e-12)
        else:
            assert got[column].equals(expected[column]), column
