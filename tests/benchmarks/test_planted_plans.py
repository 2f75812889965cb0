"""The national generator's plans, planted effects and measures beyond the criteria, at a
tiny scale: read by the product's own readers, and the planted truth visible in the data."""

from __future__ import annotations

import polars as pl
import pytest

from benchmarks.effects_report import coverage
from benchmarks.generate_national import generate
from benchmarks.national.local import EXTRA_MAAL, HOUSING_EXTRA, MUNICIPALITY_EXTRA
from benchmarks.national.panel import TENTHS, build_panel
from benchmarks.national.plans import PLANTED, plan_areas, plant_effects
from benchmarks.national.register import plan_register
from indicators.inputs.areas import read_areas
from indicators.inputs.kaas import read_kaas_file
from indicators.inputs.measures import load_measures
from indicators.inputs.plans import read_plans

SCALE = 0.03
SEED = 5
K_IDS = {p.indicator_id for p in PLANTED}


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    return generate(tmp_path_factory.mktemp("planted") / "data", SCALE, SEED)


@pytest.fixture(scope="module")
def plans(generated):
    areas = read_areas(generated.out / "areas" / "areas.csv", "areas/areas.csv")
    return read_plans(generated.out / "areas" / "plans.csv", "areas/plans.csv", areas)


@pytest.fixture(scope="module")
def truth(generated):
    return pl.read_csv(generated.planted, separator=";")


def test_plans_read_through_the_product_with_windows_for_an_effect(plans, generated):
    assert plans.height == generated.plan_areas >= 6
    assert plans["area_id"].is_unique().all()  # no area in two plans
    assert plans["start_year"].min() >= 2009  # three pre years from 2006
    ends = plans["end_year"].fill_null(2024)
    assert ((ends - plans["start_year"]) >= 2).all()  # at least 3 years: 2 post years


def test_planted_truth_lies_beside_the_data_and_matches_the_plans(generated, plans, truth):
    assert generated.planted.parent == generated.out.parent
    assert not any(p.name.startswith("planted") for p in generated.out.rglob("*"))
    keys = truth.select("plan_id", "area_id").unique().sort("plan_id", "area_id")
    assert keys.equals(plans.select("plan_id", "area_id").sort("plan_id", "area_id"))
    assert (truth.group_by("plan_id", "area_id").agg(pl.col("indicator_id").sort())
            ["indicator_id"].to_list() == [sorted(K_IDS)] * keys.height)
    starts = plans.select("plan_id", "area_id", pl.col("start_year").alias("s")).join(
        truth, on=["plan_id", "area_id"])
    assert (starts["s"] == starts["start_year"]).all()
    # Some plans planted on every K, the others none; one size per plan and indicator.
    per_plan = truth.group_by("plan_id").agg((pl.col("effect") != 0).all().alias("all"),
                                             (pl.col("effect") == 0).all().alias("none"))
    assert (per_plan["all"] | per_plan["none"]).all()
    assert per_plan["all"].any() and per_plan["none"].any()
    # The drawn size, or its rise where the area had no room for the fall.
    ranges = {p.indicator_id: sorted((abs(p.low), abs(p.high))) for p in PLANTED}
    for r in truth.filter(pl.col("effect") != 0).iter_rows(named=True):
        low, high = ranges[r["indicator_id"]]
        assert low <= abs(r["effect"]) <= high, r
    assert (truth.filter(pl.col("indicator_id") == "k4_indkomst")["effect"] >= 0).all()


def _area_rates(panel: pl.DataFrame, members: pl.DataFrame) -> pl.DataFrame:
    sums = members.join(panel, on="afdeling_id").group_by("area_id", "aar").agg(
        pl.col(TENTHS, "beboere_18_64", "domte_18plus", "beboere_18plus",
               "grundskole_30_59", "beboere_30_59", "ikkevestlige", "beboere").sum())
    return sums.select(
        "area_id", "aar", pl.col("beboere_18_64").alias("d_k1_uden_tilknytning"),
        pl.col("beboere_18plus").alias("d_k2_domte"),
        pl.col("beboere_30_59").alias("d_k3_grundskole"),
        pl.col("beboere").alias("d_k5_ikkevestlige"),
        (100 * pl.col(TENTHS) / 10 / pl.col("beboere_18_64")).alias("k1_uden_tilknytning"),
        (100 * pl.col("domte_18plus") / pl.col("beboere_18plus")).alias("k2_domte"),
        (100 * pl.col("grundskole_30_59") / pl.col("beboere_30_59")).alias("k3_grundskole"),
        (100 * pl.col("ikkevestlige") / pl.col("beboere")).alias("k5_ikkevestlige"))


def test_planted_shift_moves_the_area_rate_by_its_size_only_in_post_years():
    register = plan_register(SEED, SCALE)
    before = build_panel(register, SEED)
    chosen = plan_areas(SEED, SCALE, register)
    after = plant_effects(before, chosen, register, SEED)
    assert after.columns == before.columns and after.height == before.height
    planted = chosen.truth.filter(pl.col("effect") != 0)
    starts = planted.select("area_id", "start_year", "end_year").unique()
    members = pl.DataFrame(register.membership, orient="row",
                           schema=["area_id", "afdeling_id", "valid_from", "valid_to"]).join(
        starts, on="area_id").filter(
        (pl.col("valid_from") <= pl.col("start_year"))
        & pl.col("valid_to").fill_null(9999).ge(pl.col("start_year"))).select(
        "area_id", "afdeling_id")
    rates_after, rates_before = _area_rates(after, members), _area_rates(before, members)
    rows = []
    for p in PLANTED[:3] + PLANTED[4:]:  # the shares (income needs the regional mean)
        k = p.indicator_id
        rows.append(rates_after.select("area_id", "aar", pl.col(k).alias("after"),
                                       pl.col(f"d_{k}").alias("denominator"))
                    .join(rates_before.select("area_id", "aar", pl.col(k).alias("before")),
                          on=["area_id", "aar"])
                    .with_columns(pl.lit(k).alias("indicator_id")))
    planted = chosen.truth.filter(pl.col("effect") != 0)  # with the signs as planted
    diff = pl.concat(rows).join(planted, on=["area_id", "indicator_id"]).filter(
        pl.col("denominator") > 0).with_columns((pl.col("after") - pl.col("before")).alias("shift"))
    inside = diff.filter((pl.col("aar") > pl.col("start_year"))
                         & (pl.col("aar") <= pl.col("end_year")))
    outside = diff.filter((pl.col("aar") <= pl.col("start_year"))
                          | (pl.col("aar") > pl.col("end_year")))
    assert inside.height > 0 and outside.height > 0
    assert (outside["shift"] == 0).all()
    # Each year's shift is the size times a jitter in [0.8, 1.2], up to the rounding of
    # the area's shift to a whole person (tenth of a person for K1).
    slack = 100 * 0.5 / pl.col("denominator") + 1e-9
    low = pl.min_horizontal(0.8 * pl.col("effect"), 1.2 * pl.col("effect")) - slack
    high = pl.max_horizontal(0.8 * pl.col("effect"), 1.2 * pl.col("effect")) + slack
    wrong = inside.filter((pl.col("shift") < low) | (pl.col("shift") > high))
    assert wrong.is_empty(), wrong
    # Nothing outside the planted areas changed.
    untouched = ~before["afdeling_id"].is_in(members["afdeling_id"].implode())
    assert before.filter(untouched).equals(after.filter(untouched))


def test_measures_beyond_the_criteria_read_for_every_afdeling_year(generated):
    measures = set(load_measures().measures)
    assert set(EXTRA_MAAL) <= measures
    kaas = pl.concat([read_kaas_file(p, f"kaas/{p.name}", None)
                      for p in sorted((generated.out / "kaas").glob("kaas_udvidet_*.csv"))])
    local = pl.concat([read_kaas_file(p, f"local/{p.name}", None)
                       for p in sorted((generated.out / "local").iterdir())])
    assert set(local["maal"].unique()) == set(MUNICIPALITY_EXTRA + HOUSING_EXTRA)
    assert set(kaas["maal"].unique()) == set(EXTRA_MAAL) - set(local["maal"].unique())
    both = pl.concat([kaas.select("afdeling_id", "aar", "maal"),
                      local.select("afdeling_id", "aar", "maal")])
    assert both.height == generated.extra_cells
    assert not both.is_duplicated().any()
    known = kaas.filter(~pl.col("suppressed"))
    wide = known.pivot(on="maal", index=["afdeling_id", "aar"], values="vaerdi")
    # Age groups contain each other and counts never exceed their population.
    assert (wide["boern_enlig_forsoerger"] <= wide["beboere_0_17"]).all()
    assert (wide["unge_uden_udd_18_24"] <= wide["beboere_18_24"]).all()
    assert (wide["beboere_18_24"] <= wide["beboere_15_24"]).all()
    assert (wide["offentligt_forsoergede_16_64"] <= wide["beboere_16_64"]).all()
    assert (wide["offentligt_forsoergede_16_64"] % 1 != 0).any()  # decimals delivered


def test_coverage_counts_intervals_containing_the_truth_per_comparison():
    truth = pl.DataFrame({"plan_id": ["p", "p", "q"], "area_id": ["a", "a", "b"],
                          "indicator_id": ["k1", "k2", "k1"], "effect": [-2.0, 0.5, 0.0]})
    effects = pl.DataFrame({
        "plan_id": ["p", "p", "p", "p", "q", "q", "r"],
        "area_id": ["a", "a", "a", "a", "b", "b", "c"],
        "indicator_id": ["k1", "k1", "k2", "k2", "k1", "k1", "k1"],
        "comparison": ["all", "twins", "all", "twins", "all", "twins", "all"],
        "effect": [-1.0, -2.5, 0.4, 0.9, 0.3, None, 9.0],
        # -2 inside [-3, 1] (edge values count as inside: [-2.5, -2.0]); 0.5 outside
        # [0.6, 1.2]; the twins of q have too few areas (no interval).
        "ci_low": [-3.0, -2.5, -0.1, 0.6, -1.0, None, -1.0],
        "ci_high": [1.0, -2.0, 0.9, 1.2, 1.0, None, 1.0],
    })
    got = {(c.comparison, c.planted): (c.rows, c.with_interval, c.covered)
           for c in coverage(effects, truth)}
    assert got[("all", "effect")] == (2, 2, 2)
    assert got[("twins", "effect")] == (2, 2, 1)
    assert got[("all", "none")] == (1, 1, 1)
    assert got[("twins", "none")] == (1, 0, 0)
    assert got[("twins", "every")] == (3, 2, 1)
    assert {(c.comparison, c.planted): c.without_effect
            for c in coverage(effects, truth)}[("twins", "none")] == 1
    shares = {(c.comparison, c.planted): c.share for c in coverage(effects, truth)}
    assert shares[("twins", "effect")] == 0.5 and shares[("twins", "none")] is None


def test_every_plan_area_exists_from_three_years_before_its_start_to_its_end(generated, plans):
    membership = pl.read_csv(generated.out / "areas" / "membership.csv", separator=";",
                             infer_schema=False).with_columns(
        pl.col("valid_from").cast(pl.Int32), pl.col("valid_to").cast(pl.Int32).fill_null(2024))
    for r in plans.iter_rows(named=True):
        years = {y for m in membership.filter(pl.col("area_id") == r["area_id"])
                 .iter_rows(named=True) for y in range(m["valid_from"], m["valid_to"] + 1)}
        wanted = set(range(r["start_year"] - 3, (r["end_year"] or 2024) + 1))
        assert wanted <= years, r
