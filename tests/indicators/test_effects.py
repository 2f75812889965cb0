"""The effect estimator (domain.md §8) against an independent oracle: the rules written out
again here in exact fractions, scipy for the t quantile (tests only), and hand-built cases
with a planted effect."""

import math
import random
from fractions import Fraction

import polars as pl
import pytest
from scipy import stats as scipy_stats

from indicators import tables
from indicators.effects import delimited_values, register_effects
from indicators.effects_stats import t_cdf, t_quantile
from indicators.effects_survey import survey_effects

PLAN_SCHEMA = {"plan_id": pl.Utf8, "area_id": pl.Utf8, "start_year": pl.Int64,
               "end_year": pl.Int64}


def plans(*rows) -> pl.DataFrame:
    return pl.DataFrame([dict(zip(PLAN_SCHEMA, r, strict=True)) for r in rows],
                        schema=PLAN_SCHEMA)


def values(series: dict[str, dict[int, float | None]], delimitation: int,
           indicator: str = "k1") -> pl.DataFrame:
    return pl.DataFrame(
        [{"delimitation_year": delimitation, "area_id": a, "indicator_id": indicator,
          "year": y, "value": v} for a, by_year in series.items() for y, v in by_year.items()],
        schema={"delimitation_year": pl.Int64, "area_id": pl.Utf8, "indicator_id": pl.Utf8,
                "year": pl.Int64, "value": pl.Float64})


def row(frame: pl.DataFrame, comparison: str, area: str | None = None) -> dict:
    picked = frame.filter(pl.col("comparison") == comparison)
    if area is not None:
        picked = picked.filter(pl.col("area_id") == area)
    assert picked.height == 1
    return picked.row(0, named=True)


def linear(pre_level: float, change: float, years=range(2006, 2016), start=2010):
    """A series at `pre_level` before `start` and `pre_level + change` after it."""
    return {y: pre_level + (change if y > start else 0) for y in years}


# --- the t quantile ------------------------------------------------------------------

@pytest.mark.parametrize("df", [*range(1, 41), 57, 99, 100, 250, 999, 2500])
def test_t_quantile_agrees_with_scipy(df):
    for p in (0.975, 0.95, 0.5, 0.025, 0.999):
        assert t_quantile(p, df) == pytest.approx(scipy_stats.t.ppf(p, df), rel=1e-11, abs=1e-12)


@pytest.mark.parametrize("df", [1, 2, 3, 4, 7, 30, 301])
def test_t_cdf_agrees_with_scipy(df):
    for t in (-40.0, -3.1, -1.0, -0.01, 0.0, 0.4, 2.2, 12.0):
        assert t_cdf(t, df) == pytest.approx(scipy_stats.t.cdf(t, df), abs=1e-13)


def test_t_needs_whole_degrees_of_freedom():
    with pytest.raises(ValueError, match="whole number"):
        t_cdf(1.0, 2.5)
    with pytest.raises(ValueError, match="strictly between"):
        t_quantile(1.0, 5)


# --- a hand-built case with a planted effect ---------------------------------------

def test_planted_effect_by_hand():
    # Six comparison areas change by 1 ... 6 points; the plan area by 8.5: 5 more than
    # their mean of 3.5.
    series = {f"c{k}": linear(30.0, float(k)) for k in range(1, 7)}
    series["plan"] = linear(30.0, 8.5)
    out = register_effects(plans(("p", "plan", 2010, 2013)), values(series, 2010), latest=2015)
    got = row(out, "all")
    assert (got["pre_period"], got["post_period"]) == ("2007-2009", "2011-2013")
    assert (got["pre_value"], got["post_value"], got["change"]) == (30.0, 38.5, 8.5)
    assert got["comparison_change"] == 3.5 and got["n_comparison"] == 6
    assert got["effect"] == pytest.approx(5.0)
    half = scipy_stats.t.ppf(0.975, 5) * math.sqrt(3.5) * math.sqrt(7 / 6)  # sd of 1..6
    assert got["ci_low"] == pytest.approx(5.0 - half, rel=1e-9)
    assert got["ci_high"] == pytest.approx(5.0 + half, rel=1e-9)
    # Placebos: c_j - mean(others) runs from -3 (c1) to +3 (c6), none as far as 5.
    assert got["placebo_p"] == pytest.approx(1 / 7)
    assert got["comparison_areas"] is None
    assert out.columns == tables.PLAN_EFFECTS.column_names()
    twins = row(out, "twins")
    assert twins["comparison_areas"] == [f"c{k}" for k in range(1, 7)]
    assert twins["effect"] == pytest.approx(5.0)


def test_a_placebo_exactly_as_far_as_the_effect_counts():
    # Changes 0,0,0,0,5: c5 - mean(others) = 5; the plan's effect 5 - 1 = 4 is beaten by
    # c5 only: with a plan change of 6 the effect is 5 and c5 ties it.
    series = {f"c{k}": linear(10.0, 0.0) for k in range(1, 5)}
    series["c5"] = linear(10.0, 5.0)
    series["plan"] = linear(10.0, 6.0)
    got = row(register_effects(plans(("p", "plan", 2010, 2013)), values(series, 2010),
                               latest=2015), "all")
    assert got["effect"] == pytest.approx(5.0)
    assert got["placebo_p"] == pytest.approx(2 / 6)


def test_fewer_than_five_comparison_areas_give_the_effect_without_interval():
    series = {f"c{k}": linear(30.0, float(k)) for k in range(1, 5)}
    series["plan"] = linear(30.0, 7.5)
    got = row(register_effects(plans(("p", "plan", 2010, 2013)), values(series, 2010),
                               latest=2015), "all")
    assert got["n_comparison"] == 4 and got["effect"] == pytest.approx(5.0)
    assert (got["ci_low"], got["ci_high"], got["placebo_p"]) == (None, None, None)


# --- windows ----------------------------------------------------------------------

def test_windows_need_two_known_years_and_end_at_the_latest_year():
    comparison = {f"c{k}": linear(20.0, 1.0) for k in range(1, 7)}
    # Pre: only 2008 and 2009 known (enough); post: the plan is ongoing, the data end in
    # 2012, so post = 2011-2012.
    own = {2007: None, 2008: 20.0, 2009: 22.0, 2011: 30.0, 2012: 32.0, 2013: 99.0}
    out = register_effects(plans(("p", "plan", 2010, None)),
                           values({**comparison, "plan": own}, 2010), latest=2012)
    got = row(out, "all")
    assert (got["pre_period"], got["post_period"]) == ("2007-2009", "2011-2012")
    assert (got["pre_value"], got["post_value"]) == (21.0, 31.0)
    assert got["effect"] == pytest.approx(9.0)


def test_one_known_year_in_a_window_leaves_the_change_unknown():
    comparison = {f"c{k}": linear(20.0, 1.0) for k in range(1, 7)}
    own = {2007: 20.0, 2011: 30.0, 2012: 32.0}
    got = row(register_effects(plans(("p", "plan", 2010, 2013)),
                               values({**comparison, "plan": own}, 2010), latest=2015), "all")
    assert got["pre_value"] is None and got["change"] is None and got["effect"] is None
    # The comparison is still described: the page says what is missing, not nothing.
    assert got["comparison_change"] == pytest.approx(1.0) and got["n_comparison"] == 6


def test_a_comparison_area_without_a_known_change_is_left_out():
    series = {f"c{k}": linear(20.0, 1.0) for k in range(1, 7)}
    series["c6"] = {2008: 20.0, 2012: 22.0}  # one year per window
    series["plan"] = linear(20.0, 3.0)
    got = row(register_effects(plans(("p", "plan", 2010, 2013)), values(series, 2010),
                               latest=2015), "all")
    assert got["n_comparison"] == 5


def test_areas_with_a_plan_of_their_own_in_the_window_are_not_compared():
    series = {f"c{k}": linear(20.0, 1.0) for k in range(1, 9)}
    series["plan"] = linear(20.0, 3.0)
    table = plans(("p", "plan", 2010, 2013),
                  ("q", "c1", 2003, 2006),   # ends before 2007 = start-3: compared
                  ("q", "c2", 2004, 2007),   # touches 2007: out
                  ("r", "c3", 2013, 2015),   # starts in the end year: out
                  ("s", "c4", 2014, None),   # starts after the end year: compared
                  ("p", "c5", 2012, 2013))   # another area of the same plan: out
    out = register_effects(table, values(series, 2010), latest=2015)
    got = out.filter((pl.col("plan_id") == "p") & (pl.col("area_id") == "plan")
                     & (pl.col("comparison") == "twins")).row(0, named=True)
    assert got["comparison_areas"] == ["c1", "c4", "c6", "c7", "c8"]


def test_an_ongoing_plan_excludes_every_later_plan():
    series = {f"c{k}": linear(20.0, 1.0) for k in range(1, 7)}
    series["plan"] = linear(20.0, 3.0)
    table = plans(("p", "plan", 2010, None), ("q", "c1", 2030, 2031))
    got = row(register_effects(table, values(series, 2010), latest=2015), "twins", "plan")
    assert "c1" not in got["comparison_areas"]


def test_twins_are_the_ten_closest_pre_means_ties_by_area_id():
    # Twelve candidates at pre levels 20 ± k: the plan area sits at 20.
    series = {}
    for k, name in enumerate("abcdefghijkl"):
        offset = (k // 2 + 1) * (1 if k % 2 else -1)  # -1, +1, -2, +2, ...
        series[name] = linear(20.0 + offset, float(k))
    series["plan"] = linear(20.0, 3.0)
    got = row(register_effects(plans(("p", "plan", 2010, 2013)), values(series, 2010),
                               latest=2015), "twins")
    # |offset| 1,1,2,2,...,6,6: the two at distance 6 (k and l) drop out.
    assert got["comparison_areas"] == list("abcdefghij")
    assert got["n_comparison"] == 10
    assert got["comparison_change"] == pytest.approx(sum(range(10)) / 10)


def test_the_start_year_delimitation_is_held_fixed():
    # Afdeling 000-0003 joins the plan area in 2012 with a far higher rate: under the
    # 2010 delimitation the area never changes; under each year's own it would jump.
    membership = pl.DataFrame({
        "area_id": ["plan", "plan", "plan", "other"],
        "afdeling_id": ["000-0001", "000-0002", "000-0003", "000-0003"],
        "valid_from": [2000, 2000, 2012, 2000], "valid_to": [None, None, None, 2011]},
        schema={"area_id": pl.Utf8, "afdeling_id": pl.Utf8, "valid_from": pl.Int64,
                "valid_to": pl.Int64})
    terms = pl.DataFrame(
        [{"afdeling_id": a, "indicator_id": "k1", "year": y, "numerator": num,
          "denominator": 100.0, "factor": 100.0}
         for y in range(2007, 2015)
         for a, num in (("000-0001", 10.0), ("000-0002", 30.0), ("000-0003", 90.0))])
    got = delimited_values(terms, membership, [2010, 2013])
    plan_area = pl.col("area_id") == "plan"
    under_2010 = got.filter((pl.col("delimitation_year") == 2010) & plan_area)
    under_2013 = got.filter((pl.col("delimitation_year") == 2013) & plan_area)
    assert set(under_2010["value"].to_list()) == {20.0}
    assert under_2013["value"].to_list() == pytest.approx([130 / 3] * 8)
    other = got.filter((pl.col("delimitation_year") == 2010) & (pl.col("area_id") == "other"))
    assert set(other["value"].to_list()) == {90.0}
    assert got.filter((pl.col("delimitation_year") == 2013)
                      & (pl.col("area_id") == "other")).is_empty()


def test_an_unknown_afdeling_makes_the_area_value_unknown():
    membership = pl.DataFrame({"area_id": ["a", "a"], "afdeling_id": ["000-0001", "000-0002"],
                               "valid_from": [2000, 2000], "valid_to": [None, None]},
                              schema={"area_id": pl.Utf8, "afdeling_id": pl.Utf8,
                                      "valid_from": pl.Int64, "valid_to": pl.Int64})
    terms = pl.DataFrame({
        "afdeling_id": ["000-0001", "000-0002", "000-0001", "000-0001"],
        "indicator_id": ["k1"] * 4, "year": [2010, 2010, 2011, 2012],
        "numerator": [5.0, None, 5.0, 5.0], "denominator": [50.0, 50.0, 50.0, 50.0],
        "factor": [100.0] * 4})
    # 2010: a suppressed numerator; 2011: 000-0002 not delivered at all.
    got = delimited_values(terms, membership, [2010])
    assert got.select("year", "value").rows() == [(2010, None), (2011, None), (2012, None)]


# --- the independent oracle ---------------------------------------------------------

def oracle(plan_rows, series, latest):
    """Domain.md §8 written out again, in Fractions, for one indicator."""
    def window(area, years):
        known = [series[area][y] for y in years if series[area].get(y) is not None]
        return sum(known, Fraction(0)) / len(known) if len(known) >= 2 else None

    out = {}
    for plan_id, area, start, end in plan_rows:
        last = 9999 if end is None else end
        pre_years = range(start - 3, start)
        post_years = range(start + 1, min(last, latest) + 1)
        planned = {a for _, a, s, e in plan_rows
                   if s <= last and start - 3 <= (9999 if e is None else e)}
        changes = {}
        for other in series:
            if other in planned:
                continue
            pre, post = window(other, pre_years), window(other, post_years)
            if pre is not None and post is not None:
                changes[other] = (pre, post - pre)
        pre, post = window(area, pre_years), window(area, post_years)
        own = None if pre is None or post is None else post - pre
        twins = [] if pre is None else sorted(changes, key=lambda a: (abs(changes[a][0] - pre),
                                                                      a))[:10]
        for name, members in (("all", sorted(changes)), ("twins", twins)):
            cs = [changes[a][1] for a in members]
            n = len(cs)
            result = {"n": n, "effect": None, "ci": None, "p": None}
            if n and own is not None:
                effect = own - sum(cs, Fraction(0)) / n
                result["effect"] = effect
                if n >= 5:
                    mu = sum(cs, Fraction(0)) / n
                    variance = sum(((c - mu) ** 2 for c in cs), Fraction(0)) / (n - 1)
                    half = scipy_stats.t.ppf(0.975, n - 1) * math.sqrt(variance) \
                        * math.sqrt(1 + 1 / n)
                    result["ci"] = (float(effect) - half, float(effect) + half)
                    far = sum(1 for j, c in enumerate(cs)
                              if abs(c - (sum(cs, Fraction(0)) - c) / (n - 1)) >= abs(effect))
                    result["p"] = Fraction(1 + far, 1 + n)
            out[(plan_id, area, name)] = result
    return out


@pytest.mark.parametrize("seed", range(40))
def test_random_cases_agree_with_the_oracle(seed):
    rng = random.Random(seed)
    areas = [f"a{k:02d}" for k in range(rng.randint(3, 24))]
    series = {}
    for area in areas:
        level = rng.randint(50, 400)
        # One decimal, as published; some years unknown, ties in pre means likely.
        series[area] = {y: None if rng.random() < 0.15 else
                        Fraction(level + rng.randint(-30, 30) * (y > 2012), 10)
                        for y in range(2005, 2020)}
    plan_rows = []
    for k, area in enumerate(rng.sample(areas, rng.randint(1, 3))):
        start = rng.randint(2008, 2016)
        end = rng.choice([None, start + rng.randint(0, 5)])
        plan_rows.append((f"p{k % 2}", area, start, end))
    latest = rng.randint(2015, 2019)
    frame_series = {a: {y: None if v is None else float(v) for y, v in s.items()}
                    for a, s in series.items()}
    frame_values = pl.concat([values(frame_series, start) for start in
                              {r[2] for r in plan_rows}])
    got = register_effects(plans(*plan_rows), frame_values, latest=latest)
    expected = oracle(plan_rows, series, latest)
    assert got.height == 2 * len(plan_rows)
    for r in got.iter_rows(named=True):
        want = expected[(r["plan_id"], r["area_id"], r["comparison"])]
        assert r["n_comparison"] == want["n"]
        if want["effect"] is None:
            assert r["effect"] is None
            continue
        assert r["effect"] == pytest.approx(float(want["effect"]), abs=1e-9)
        if want["ci"] is None:
            assert r["ci_low"] is None and r["placebo_p"] is None
        else:
            assert (r["ci_low"], r["ci_high"]) == pytest.approx(want["ci"], abs=1e-8)
            assert r["placebo_p"] == pytest.approx(float(want["p"]), abs=1e-12)


def test_the_effect_does_not_depend_on_the_order_of_the_input():
    rng = random.Random(7)
    series = {f"c{k}": {y: rng.uniform(10, 40) for y in range(2006, 2016)} for k in range(9)}
    series["plan"] = linear(25.0, 4.0)
    table = values(series, 2010)
    first = register_effects(plans(("p", "plan", 2010, 2013)), table, latest=2015)
    second = register_effects(plans(("p", "plan", 2010, 2013)),
                              table.sample(fraction=1.0, shuffle=True, seed=3), latest=2015)
    assert first.equals(second)


# --- survey items -----------------------------------------------------------------

SURVEY_SCHEMA = {"wave_id": pl.Utf8, "year": pl.Int64, "area_id": pl.Utf8,
                 "item_id": pl.Utf8, "n_answers": pl.Int64, "n_positive": pl.Int64,
                 "suppressed": pl.Boolean}


def survey(*rows) -> pl.DataFrame:
    return pl.DataFrame([dict(zip(SURVEY_SCHEMA, r, strict=True)) for r in rows],
                        schema=SURVEY_SCHEMA)


WAVES = survey(
    ("2008", 2008, "vangdalen", "evening_safety", 80, 20, False),
    ("2008", 2008, "all", "evening_safety", 500, 100, False),
    ("2010", 2010, "vangdalen", "evening_safety", 100, 36, False),
    ("2010", 2010, "all", "evening_safety", 1100, 206, False),
    ("2012", 2012, "vangdalen", "evening_safety", 120, 30, False),
    ("2012", 2012, "all", "evening_safety", 920, 158, False),
    ("2023", 2023, "vangdalen", "evening_safety", 90, 18, False),
    ("2023", 2023, "all", "evening_safety", 700, 120, False),
)


def test_survey_wave_before_against_wave_after_against_the_rest():
    out = survey_effects(plans(("tryg", "vangdalen", 2011, 2012)), WAVES, latest=2024)
    assert out.columns == tables.PLAN_EFFECTS.column_names()
    got = row(out, "rest_of_wave")
    assert (got["pre_period"], got["post_period"]) == ("2010", "2012")
    # Vangdalen 36/100 -> 30/120; the rest 170/1000 -> 128/800.
    share = [Fraction(36, 100), Fraction(30, 120), Fraction(170, 1000), Fraction(128, 800)]
    effect = 100 * ((share[1] - share[0]) - (share[3] - share[2]))
    assert got["pre_value"] == pytest.approx(36.0) and got["post_value"] == pytest.approx(25.0)
    assert got["change"] == pytest.approx(-11.0)
    assert got["comparison_change"] == pytest.approx(float(100 * (share[3] - share[2])))
    assert got["effect"] == pytest.approx(float(effect))
    variance = sum(p * (1 - p) / n for p, n in zip(share, (100, 120, 1000, 800), strict=True))
    half = 100 * 1.959964 * math.sqrt(variance)
    assert (got["ci_low"], got["ci_high"]) == pytest.approx(
        (float(effect) - half, float(effect) + half), rel=1e-12)
    assert got["placebo_p"] is None and got["n_comparison"] == 800


def test_survey_post_wave_is_the_latest_inside_the_plan_years():
    # A plan 2009-2013: pre = 2008 (the latest before 2009), post = 2012 (2010 is also in
    # the window, 2023 is not).
    got = row(survey_effects(plans(("p", "vangdalen", 2009, 2013)), WAVES, latest=2024),
              "rest_of_wave")
    assert (got["pre_period"], got["post_period"]) == ("2008", "2012")


def test_survey_without_a_post_wave_gives_no_row():
    out = survey_effects(plans(("p", "vangdalen", 2013, 2017)), WAVES, latest=2024)
    assert out.is_empty() and out.columns[:4] == ["plan_id", "area_id", "indicator_id",
                                                   "comparison"]


def test_survey_suppressed_cell_gives_an_unknown_effect():
    suppressed = WAVES.with_columns(
        pl.when((pl.col("wave_id") == "2012") & (pl.col("area_id") == "vangdalen"))
        .then(None).otherwise(pl.col("n_positive")).alias("n_positive"),
        ((pl.col("wave_id") == "2012") & (pl.col("area_id") == "vangdalen")).alias("suppressed"))
    got = row(survey_effects(plans(("tryg", "vangdalen", 2011, 2012)), suppressed, latest=2024),
              "rest_of_wave")
    assert got["pre_value"] == pytest.approx(36.0)
    assert got["post_value"] is None and got["effect"] is None and got["ci_low"] is None


def test_survey_rest_is_the_other_published_areas_when_the_whole_wave_is_suppressed():
    # 2012: a small area is suppressed, so the wave's all row is too (docs/method.md §7);
    # the rest is then the other published area, 128/800.
    waves = survey(
        ("2010", 2010, "vangdalen", "evening_safety", 100, 36, False),
        ("2010", 2010, "all", "evening_safety", 1100, 206, False),
        ("2012", 2012, "vangdalen", "evening_safety", 120, 30, False),
        ("2012", 2012, "others", "evening_safety", 800, 128, False),
        ("2012", 2012, "tiny", "evening_safety", 6, None, True),
        ("2012", 2012, "all", "evening_safety", 926, None, True),
    )
    got = row(survey_effects(plans(("tryg", "vangdalen", 2011, 2012)), waves, latest=2024),
              "rest_of_wave")
    assert got["comparison_change"] == pytest.approx(float(100 * (Fraction(128, 800)
                                                                   - Fraction(170, 1000))))
    assert got["n_comparison"] == 800 and got["ci_low"] is not None


def test_periods_are_written_like_data_years_and_an_empty_post_window_is_null():
    comparison = {f"c{k}": linear(20.0, 1.0) for k in range(1, 7)}
    out = register_effects(plans(("one", "c1", 2011, 2012), ("late", "c2", 2015, None)),
                           values(comparison, 2011).vstack(values(comparison, 2015)),
                           latest=2015)
    one = row(out.filter(pl.col("plan_id") == "one"), "all")
    assert (one["pre_period"], one["post_period"]) == ("2008-2010", "2012")
    # One post year is too few for a mean: the change is unknown.
    assert one["post_value"] is None and one["effect"] is None
    late = row(out.filter(pl.col("plan_id") == "late"), "all")
    assert (late["pre_period"], late["post_period"]) == ("2012-2014", None)


def test_a_year_given_twice_is_refused():
    series = {f"c{k}": linear(20.0, 1.0) for k in range(1, 7)}
    table = values(series, 2010)
    with pytest.raises(ValueError, match="more than once"):
        register_effects(plans(("p", "c1", 2010, 2013)), pl.concat([table, table.head(1)]))


def test_latest_defaults_to_the_newest_known_data_year():
    series = {f"c{k}": linear(20.0, 1.0) for k in range(1, 7)}
    series["c1"][2016] = None  # an unknown year does not count as data
    got = row(register_effects(plans(("p", "c1", 2010, None)), values(series, 2010)), "all")
    assert got["post_period"] == "2011-2015"
