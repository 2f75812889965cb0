"""K1-K5 as annual per-afdeling terms for the effect evaluation (indicators/plan_effects.py),
checked by hand on one afdeling, and the whole table's empty case."""

from decimal import Decimal

import polars as pl
import pytest

from indicators import tables
from indicators.catalogue import load_catalogue
from indicators.effects import delimited_values
from indicators.plan_effects import criteria_terms, no_plans, plan_effects

KAAS_SCHEMA = {"afdeling_id": pl.Utf8, "aar": pl.Int32, "maal": pl.Utf8,
               "vaerdi": pl.Decimal(18, 6), "suppressed": pl.Boolean}
MEMBERSHIP = pl.DataFrame({"area_id": ["x"], "afdeling_id": ["100-0001"],
                           "valid_from": [2000], "valid_to": [None]},
                          schema={"area_id": pl.Utf8, "afdeling_id": pl.Utf8,
                                  "valid_from": pl.Int32, "valid_to": pl.Int32})
AREAS = pl.DataFrame({"area_id": ["x"], "region_code": [1082]},
                     schema={"area_id": pl.Utf8, "region_code": pl.Int32})
REGIONAL = pl.DataFrame(
    {"region_code": [1082, 1081], "aar": [2010, 2010],
     "maal": ["gns_bruttoindkomst_15_64"] * 2,
     "vaerdi": [Decimal("250000"), Decimal("100000")], "suppressed": [False, False]},
    schema={"region_code": pl.Int32, "aar": pl.Int32, "maal": pl.Utf8,
            "vaerdi": pl.Decimal(18, 6), "suppressed": pl.Boolean})


def kaas(cells: dict[tuple[str, str], str | None]) -> pl.DataFrame:
    """{(afdeling, maal): value}, data year 2010; None = a suppressed cell."""
    return pl.DataFrame(
        [{"afdeling_id": a, "aar": 2010, "maal": m,
          "vaerdi": None if v is None else Decimal(v), "suppressed": v is None}
         for (a, m), v in cells.items()], schema=KAAS_SCHEMA)


CELLS = {
    ("100-0001", "uden_tilknytning_18_64"): "40.5", ("100-0001", "beboere_18_64"): "100",
    ("100-0001", "domte_18plus"): None, ("100-0001", "beboere_18plus"): "150",
    ("100-0001", "grundskole_30_59"): "30", ("100-0001", "uoplyst_udd_30_59"): "10",
    ("100-0001", "beboere_30_59"): "100",
    ("100-0001", "bruttoindkomst_15_64"): "20000000", ("100-0001", "skattepligtige_15_64"): "100",
    ("100-0001", "ikkevestlige"): "45", ("100-0001", "beboere"): "300",
    # In no area: never a term.
    ("999-0001", "ikkevestlige"): "1", ("999-0001", "beboere"): "2",
}


@pytest.fixture(scope="module")
def terms() -> dict[str, dict]:
    frame = criteria_terms(kaas(CELLS), MEMBERSHIP, AREAS, REGIONAL, load_catalogue())
    assert set(frame["afdeling_id"]) == {"100-0001"}
    return {r["indicator_id"]: r for r in frame.iter_rows(named=True)}


def test_shares_are_numerator_over_denominator_in_percent(terms):
    assert (terms["k1_uden_tilknytning"]["numerator"],
            terms["k1_uden_tilknytning"]["denominator"],
            terms["k1_uden_tilknytning"]["factor"]) == (40.5, 100.0, 100.0)
    assert (terms["k5_ikkevestlige"]["numerator"], terms["k5_ikkevestlige"]["denominator"]) \
        == (45.0, 300.0)


def test_k3_follows_the_newest_rules_without_unknown_education(terms):
    # The 2013 rules counted uoplyst too (30 + 10); from 2018 only grundskole counts.
    assert terms["k3_grundskole"]["numerator"] == 30.0


def test_a_suppressed_numerator_is_unknown_never_zero(terms):
    assert terms["k2_domte"]["numerator"] is None
    assert terms["k2_domte"]["denominator"] == 150.0


def test_income_is_a_percentage_of_the_own_regions_mean(terms):
    values = delimited_values(
        pl.DataFrame([terms["k4_indkomst"]]), MEMBERSHIP, [2010])
    # 20,000,000 kr. over 100 taxpayers = 200,000 kr., 80 % of Region Midtjylland's 250,000.
    assert values["value"].to_list() == [pytest.approx(80.0)]


def test_without_plans_the_effect_table_is_empty_with_its_columns():
    frame = plan_effects(no_plans(), None, MEMBERSHIP, pl.DataFrame(), latest=2024)
    assert frame.is_empty()
    assert set(tables.PLAN_EFFECTS.column_names()) <= set(frame.columns)
