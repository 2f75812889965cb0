"""The local model's register indicators in the effect evaluation
(indicators/plan_effects.py `local_terms` through `plan_effects`), on a small panel
computed by hand with exact fractions: one plan area of two afdelinger (a third joins
after the start and must not count), six comparison areas, data years 2010-2016, a plan
2013-2016."""

from fractions import Fraction

import polars as pl
import pytest

from indicators.local_model import LocalModel
from indicators.plan_effects import TERMS_SCHEMA, local_terms, plan_effects

YEARS = range(2010, 2017)
START, END = 2013, 2016
PRE, POST = range(2010, 2013), range(2014, 2017)

MODEL = LocalModel.model_validate({
    "model_id": "test", "bands": ["1.00", "1.25", "1.50"],
    "categories": {"red_from": 6, "orange_from": 4, "yellow_from": 2},
    "indicators": {
        "l_share": {"numerator": "sigtede_15_24", "denominator": "beboere_15_24",
                    "unit": "pct", "direction": "higher_worse",
                    "label_da": "Sigtede", "label_en": "Charged"},
        "l_days": {"numerator": "fravaersdage", "denominator": "elever_0_10",
                   "unit": "ratio", "direction": "higher_worse",
                   "label_da": "Fravær", "label_en": "Absence"},
        "l_unsafe": {"survey_item": "evening_safety", "direction": "higher_worse",
                     "label_da": "Utrygge", "label_en": "Unsafe"},
    },
})

MEMBERSHIP = pl.DataFrame(
    [("plan", "p1", 2000, None), ("plan", "p2", 2000, None), ("plan", "p3", 2014, None)]
    + [(f"c{i}", f"c{i}a", 2000, None) for i in range(6)],
    schema={"area_id": pl.Utf8, "afdeling_id": pl.Utf8, "valid_from": pl.Int32,
            "valid_to": pl.Int32}, orient="row")
PLANS = pl.DataFrame({"plan_id": ["p"], "plan_name": ["P"], "area_id": ["plan"],
                      "start_year": [START], "end_year": [END]},
                     schema={"plan_id": pl.Utf8, "plan_name": pl.Utf8, "area_id": pl.Utf8,
                             "start_year": pl.Int32, "end_year": pl.Int32})
NO_SURVEY = pl.DataFrame(schema={"wave_id": pl.Utf8, "year": pl.Int64, "area_id": pl.Utf8,
                                 "item_id": pl.Utf8, "n_answers": pl.Int64,
                                 "n_positive": pl.Int64, "suppressed": pl.Boolean})


def panel() -> dict[tuple[str, int, str], int | None]:
    """{(afdeling, year, maal): count}; None is a suppressed cell. Integers chosen so the
    shares are not round and differ by afdeling, year and area."""
    cells: dict[tuple[str, int, str], int | None] = {}
    afdelinger = ["p1", "p2", "p3"] + [f"c{i}a" for i in range(6)]
    for k, afdeling in enumerate(afdelinger):
        for year in YEARS:
            t = year - 2010
            after = year > START
            drop = 4 if afdeling in ("p1", "p2") and after else 0
            cells[(afdeling, year, "sigtede_15_24")] = 10 + 3 * k + (k % 3) * t - drop
            cells[(afdeling, year, "beboere_15_24")] = 90 + 7 * k + t
            cells[(afdeling, year, "fravaersdage")] = 900 + 40 * k + (5 + k) * t
            cells[(afdeling, year, "elever_0_10")] = 60 + k + (t % 2)
    # A suppressed numerator in one comparison area's pre year leaves it two known years.
    cells[("c2a", 2011, "sigtede_15_24")] = None
    # p3 is no member in the start year: a suppressed cell of it must change nothing.
    cells[("p3", 2015, "sigtede_15_24")] = None
    return cells


def cells_frame(cells) -> pl.DataFrame:
    return pl.DataFrame(
        [{"afdeling_id": a, "aar": y, "maal": m, "vaerdi": v, "suppressed": v is None}
         for (a, y, m), v in cells.items()],
        schema={"afdeling_id": pl.Utf8, "aar": pl.Int32, "maal": pl.Utf8,
                "vaerdi": pl.Int64, "suppressed": pl.Boolean})


def oracle_value(cells, members, year, num, den, scale) -> Fraction | None:
    nums = [cells.get((a, year, num)) for a in members]
    dens = [cells.get((a, year, den)) for a in members]
    if any(v is None for v in nums + dens) or sum(dens) <= 0:
        return None
    return Fraction(scale * sum(nums), sum(dens))


def oracle_change(cells, members, num, den, scale) -> Fraction | None:
    def window(years):
        known = [v for y in years
                 if (v := oracle_value(cells, members, y, num, den, scale)) is not None]
        return sum(known, Fraction(0)) / len(known) if len(known) >= 2 else None
    pre, post = window(PRE), window(POST)
    return None if pre is None or post is None else post - pre


@pytest.fixture(scope="module")
def effects() -> pl.DataFrame:
    terms = local_terms(MODEL, cells_frame(panel()), MEMBERSHIP)
    return plan_effects(PLANS, terms, MEMBERSHIP, NO_SURVEY, latest=2016)


@pytest.mark.parametrize(("indicator", "num", "den", "scale"), [
    ("l_share", "sigtede_15_24", "beboere_15_24", 100),
    ("l_days", "fravaersdage", "elever_0_10", 1),
])
def test_effect_of_a_local_indicator_matches_exact_fractions(effects, indicator, num, den,
                                                            scale):
    cells = panel()
    own = oracle_change(cells, ["p1", "p2"], num, den, scale)
    comparison = [oracle_change(cells, [f"c{i}a"], num, den, scale) for i in range(6)]
    known = [c for c in comparison if c is not None]
    assert len(known) == 6
    centre = sum(known, Fraction(0)) / len(known)
    row = effects.filter((pl.col("indicator_id") == indicator)
                         & (pl.col("comparison") == "all")).row(0, named=True)
    assert row["n_comparison"] == 6
    assert row["change"] == pytest.approx(float(own), abs=1e-9)
    assert row["comparison_change"] == pytest.approx(float(centre), abs=1e-9)
    assert row["effect"] == pytest.approx(float(own - centre), abs=1e-9)
    assert (row["pre_period"], row["post_period"]) == ("2010-2012", "2014-2016")
    assert row["ci_low"] < row["effect"] < row["ci_high"]


def test_the_planted_fall_shows_as_a_negative_share_effect(effects):
    # The plan's afdelinger lose 4 charged each after the start: the effect is below 0
    # and the float result is not a rounding of the comparison mean.
    row = effects.filter((pl.col("indicator_id") == "l_share")
                         & (pl.col("comparison") == "all")).row(0, named=True)
    assert row["effect"] < -1.0


def test_twins_are_the_comparison_areas_here_and_survey_indicators_are_left_out(effects):
    assert set(effects["indicator_id"]) == {"l_share", "l_days"}
    twins = effects.filter((pl.col("indicator_id") == "l_share")
                           & (pl.col("comparison") == "twins")).row(0, named=True)
    assert sorted(twins["comparison_areas"]) == [f"c{i}" for i in range(6)]


def test_terms_are_the_cells_with_unknowns_kept_and_the_scale_as_factor():
    terms = local_terms(MODEL, cells_frame(panel()), MEMBERSHIP)
    assert dict(terms.schema) == TERMS_SCHEMA
    suppressed = terms.filter((pl.col("afdeling_id") == "c2a") & (pl.col("year") == 2011)
                              & (pl.col("indicator_id") == "l_share")).row(0, named=True)
    assert suppressed["numerator"] is None
    assert suppressed["denominator"] == 90 + 7 * 5 + 1
    days = terms.filter((pl.col("afdeling_id") == "p1") & (pl.col("year") == 2010)
                        & (pl.col("indicator_id") == "l_days")).row(0, named=True)
    assert (days["numerator"], days["denominator"], days["factor"]) == (900.0, 60.0, 1.0)


def test_an_afdeling_without_the_cell_makes_its_area_unknown_that_year():
    cells = panel()
    for year in (2014, 2015):
        del cells[("p2", year, "fravaersdage")]
    terms = local_terms(MODEL, cells_frame(cells), MEMBERSHIP)
    frame = plan_effects(PLANS, terms, MEMBERSHIP, NO_SURVEY, latest=2016)
    row = frame.filter((pl.col("indicator_id") == "l_days")
                       & (pl.col("comparison") == "all")).row(0, named=True)
    # One known post year (2016) is fewer than two: no change, no effect.
    assert row["post_value"] is None and row["effect"] is None


# --- the plan page names a local indicator by the model's label ---------------------


class _Site:
    """The one part of the site's data the labels read: the local model's words."""

    def __init__(self):
        from indicators.site.local_section import ModelInfo
        self.local = type("Local", (), {})()
        self.local.model = ModelInfo(model_id="test", order=["l_share"],
                                     labels={"l_share": ("Sigtede", "Charged")})


@pytest.mark.parametrize(("lang", "label", "title"), [("da", "Sigtede", "Lokale nøgletal"),
                                                      ("en", "Charged", "Local indicators")])
def test_a_local_indicator_is_named_by_its_label_not_its_id(lang, label, title):
    from indicators.site.messages import Messages
    from indicators.site.plan_page import indicator_code, indicator_title, short_effect

    msgs, site = Messages.load(lang), _Site()
    assert indicator_code(msgs, "l_share", site) == label
    assert indicator_title(msgs, "l_share", site) == title
    row = {"effect": -2.5, "ci_low": -4.0, "ci_high": -1.0}
    assert short_effect(msgs, "l_share", row, site).startswith(f"{label} ")
    # A criterion keeps its code, and without the model an id stays an id.
    assert indicator_code(msgs, "k1_uden_tilknytning", site) == "K1"
    assert indicator_code(msgs, "l_share") == "l_share"
