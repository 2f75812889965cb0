"""Local model points and categories against hand-computed cases from domain.md §7.

Each case is small enough to check on paper: the comparison is the ratio over the
municipality's afdelinger (suppressed or missing cells left out and counted), r =
value / comparison (comparison / value for lower_worse), points 0 below 1.00, 1
from 1.00, 2 from 1.25, 3 from 1.50 (edges inclusive), and a category only when
the unknown indicators (0-3 points each) could not change it.
"""

from __future__ import annotations

from decimal import Decimal

import polars as pl
import pytest

from indicators import tables
from indicators.local_model import parse_local_model
from indicators.local_scoring import local_categories, local_indicators

MUNICIPALITY = 730
OTHER = 751


def model(indicators: str = "", *, categories: str = "{red_from: 5, orange_from: 3, "
          "yellow_from: 1}", min_residents: int = 500):
    body = indicators or """
  l_x:
    numerator: x
    denominator: n
    unit: pct
    direction: higher_worse
    label_da: x
    label_en: x
"""
    text = (f"model_id: test_model\nmin_residents: {min_residents}\n"
            f'bands: ["1.00", "1.25", "1.50"]\ncategories: {categories}\nindicators:{body}')
    return parse_local_model(text, "models/local.yaml", measures=["x", "n", "y", "m"],
                             survey_items=["evening_safety"])


LOWER = """
  l_y:
    numerator: y
    denominator: m
    unit: ratio
    direction: lower_worse
    label_da: y
    label_en: y
"""
SURVEY = """
  l_s:
    survey_item: evening_safety
    direction: higher_worse
    label_da: s
    label_en: s
"""


def cells(*rows) -> pl.DataFrame:
    """rows: (afdeling, year, maal, value as text, '..' = suppressed)."""
    return pl.DataFrame(
        [(a, y, m, None if v == ".." else Decimal(v), v == "..") for a, y, m, v in rows],
        schema={"afdeling_id": pl.Utf8, "aar": pl.Int32, "maal": pl.Utf8,
                "vaerdi": pl.Decimal(18, 6), "suppressed": pl.Boolean}, orient="row")


def pair(afdeling: str, num: str, den: str, year: int = 2020, *, maal=("x", "n")):
    return [(afdeling, year, maal[0], num), (afdeling, year, maal[1], den)]


def membership(*rows) -> pl.DataFrame:
    return pl.DataFrame(list(rows), schema={"area_id": pl.Utf8, "afdeling_id": pl.Utf8,
                                            "valid_from": pl.Int32, "valid_to": pl.Int32},
                        orient="row")


AREAS = pl.DataFrame({"area_id": ["a", "b", "c"],
                      "municipality_code": [MUNICIPALITY, MUNICIPALITY, OTHER]})


def register(*afdelinger: str, municipality: int = MUNICIPALITY) -> pl.DataFrame:
    return pl.DataFrame({"afdeling_id": list(afdelinger),
                         "municipality_code": [municipality] * len(afdelinger)})


def run(m, kaas, members, afdelinger, survey=None, years=None) -> dict:
    frame = local_indicators(m, cells=kaas, membership=members, areas=AREAS,
                             afdelinger=afdelinger, survey=survey, years=years)
    return {(r["area_id"], r["year"], r["indicator_id"]): r for r in frame.iter_rows(named=True)}


# The comparison in these cases: afdeling 900-0001 with 20 of 100, so an area's
# x / n in percent against 20 %.
BASE = "900-0001"


@pytest.mark.parametrize(("num", "points", "ratio"), [
    ("19.999999", 0, 0.99999995),
    ("20", 1, 1.0),          # r = 1.00 exactly: 1.00 <= r
    ("24.999999", 1, 1.24999995),
    ("25", 2, 1.25),         # r = 1.25 exactly
    ("29.999999", 2, 1.49999995),
    ("30", 3, 1.5),          # r = 1.50 exactly
    ("95", 3, 4.75),
    ("0", 0, 0.0),
])
def test_points_at_and_around_each_band_edge(num, points, ratio):
    # The area's afdeling 100-0001 (num of 100) is left out of the register, so the
    # comparison is 900-0001 alone: 20 of 100.
    kaas = cells(*pair("100-0001", num, "100"), *pair(BASE, "20", "100"))
    got = run(model(), kaas, membership(("a", "100-0001", 2010, None)), register(BASE))
    row = got[("a", 2020, "l_x")]
    assert row["points"] == points
    assert row["ratio"] == pytest.approx(ratio, rel=1e-12)
    assert row["value"] == pytest.approx(float(Decimal(num)))
    assert row["comparison_value"] == pytest.approx(20.0)
    assert row["numerator"] == pytest.approx(float(Decimal(num))) and row["denominator"] == 100
    assert row["comparison_left_out"] == 0 and row["suppressed"] is False


def test_an_edge_hit_that_floats_would_miss_is_an_edge_hit():
    # 3 of 5 against 2 of 5: r = (3 * 5) / (5 * 2) = 1.5 exactly, while the floats 3/5
    # and 2/5 give a quotient just below 1.5 (2 points instead of 3).
    assert (3 / 5) / (2 / 5) < 1.5
    kaas = cells(*pair("100-0001", "3", "5"), *pair(BASE, "2", "5"))
    got = run(model(), kaas, membership(("a", "100-0001", 2010, None)), register(BASE))
    assert got[("a", 2020, "l_x")]["points"] == 3


def test_the_comparison_is_the_municipalitys_social_housing_with_left_out_afdelinger():
    kaas = cells(
        *pair("100-0001", "30", "100"),                   # area a
        *pair("100-0002", "10", "100"),                   # area b
        *pair("100-0003", "20", "200"),                   # in no area, in the register
        ("100-0004", 2020, "x", ".."), ("100-0004", 2020, "n", "50"),   # suppressed
        ("100-0005", 2020, "n", "80"),                    # numerator not delivered
        ("100-0006", 2019, "x", "5"), ("100-0006", 2019, "n", "9"),    # no cell in 2020
        *pair("200-0001", "90", "100"),                   # another municipality
    )
    afdelinger = pl.concat([
        register("100-0001", "100-0002", "100-0003", "100-0004", "100-0005", "100-0006"),
        register("200-0001", municipality=OTHER)])
    members = membership(("a", "100-0001", 2010, None), ("b", "100-0002", 2010, None),
                         ("c", "200-0001", 2010, None))
    got = run(model(), kaas, members, afdelinger, years=[2020])
    a = got[("a", 2020, "l_x")]
    # (30 + 10 + 20) / (100 + 100 + 200) = 15 %; 100-0004 and 100-0005 left out.
    assert a["comparison_value"] == pytest.approx(15.0)
    assert a["comparison_left_out"] == 2
    assert a["ratio"] == pytest.approx(2.0) and a["points"] == 3
    b = got[("b", 2020, "l_x")]
    assert b["ratio"] == pytest.approx(10 / 15) and b["points"] == 0
    c = got[("c", 2020, "l_x")]  # alone in its municipality: equal to itself, r = 1.00
    assert c["comparison_value"] == pytest.approx(90.0) and c["points"] == 1
    assert c["comparison_left_out"] == 0


def test_area_values_are_sums_over_its_afdelinger_never_averages():
    # 10 of 100 and 40 of 50: 50 / 150 = 33.3 %, not the mean of 10 % and 80 %.
    kaas = cells(*pair("100-0001", "10", "100"), *pair("100-0002", "40", "50"),
                 *pair(BASE, "100", "300"))
    members = membership(("a", "100-0001", 2010, None), ("a", "100-0002", 2010, None))
    got = run(model(), kaas, members, register(BASE))
    row = got[("a", 2020, "l_x")]
    assert row["value"] == pytest.approx(100 / 3)
    assert (row["numerator"], row["denominator"]) == (50, 150)
    assert row["ratio"] == pytest.approx(1.0) and row["points"] == 1


def test_a_suppressed_cell_of_the_area_makes_it_unknown_and_says_so():
    kaas = cells(*pair("100-0001", "30", "100"), ("100-0002", 2020, "x", ".."),
                 ("100-0002", 2020, "n", "100"), *pair(BASE, "20", "100"))
    members = membership(("a", "100-0001", 2010, None), ("a", "100-0002", 2010, None))
    row = run(model(), kaas, members, register(BASE))[("a", 2020, "l_x")]
    assert row["value"] is None and row["points"] is None and row["ratio"] is None
    assert row["suppressed"] is True
    assert row["numerator"] is None and row["denominator"] == 200
    assert row["comparison_value"] == pytest.approx(20.0)  # the comparison stays known


def test_a_missing_cell_makes_the_area_unknown_but_not_suppressed():
    kaas = cells(*pair("100-0001", "30", "100"), ("100-0002", 2020, "n", "100"),
                 *pair(BASE, "20", "100"))
    members = membership(("a", "100-0001", 2010, None), ("a", "100-0002", 2010, None))
    row = run(model(), kaas, members, register(BASE))[("a", 2020, "l_x")]
    assert row["value"] is None and row["points"] is None and row["suppressed"] is False


def test_an_afdeling_counts_in_the_years_it_belongs_to_the_area():
    kaas = cells(*pair("100-0001", "20", "100", 2020), *pair("100-0001", "20", "100", 2021),
                 *pair("100-0002", "40", "100", 2020), *pair("100-0002", "40", "100", 2021),
                 *pair(BASE, "20", "100", 2020), *pair(BASE, "20", "100", 2021))
    members = membership(("a", "100-0001", 2010, None), ("a", "100-0002", 2021, None))
    got = run(model(), kaas, members, register(BASE))
    assert got[("a", 2020, "l_x")]["value"] == pytest.approx(20.0)
    assert got[("a", 2020, "l_x")]["points"] == 1
    assert got[("a", 2021, "l_x")]["value"] == pytest.approx(30.0)
    assert got[("a", 2021, "l_x")]["points"] == 3


def test_an_area_without_afdelinger_in_a_year_has_no_rows_that_year():
    kaas = cells(*pair("100-0001", "20", "100", 2019), *pair("100-0001", "20", "100", 2020),
                 *pair(BASE, "20", "100", 2019), *pair(BASE, "20", "100", 2020))
    got = run(model(), kaas, membership(("a", "100-0001", 2020, None)), register(BASE))
    assert ("a", 2020, "l_x") in got and ("a", 2019, "l_x") not in got


def test_a_year_without_data_gives_unknown_rows_for_the_areas_that_exist():
    kaas = cells(*pair("100-0001", "20", "100", 2020), *pair(BASE, "20", "100", 2020))
    got = run(model(), kaas, membership(("a", "100-0001", 2010, None)), register(BASE),
              years=[2020, 2021])
    row = got[("a", 2021, "l_x")]
    assert row["value"] is None and row["comparison_value"] is None
    assert row["points"] is None and row["suppressed"] is False


@pytest.mark.parametrize(("area", "points"), [
    (("20", "10"), 1),     # 2 days per pupil against 2: r = 1.00
    (("16", "10"), 2),     # 1.6 against 2: r = 2 / 1.6 = 1.25
    (("40", "30"), 3),     # 1.33 against 2: r = 1.5
    (("30", "10"), 0),     # better than the comparison
    (("0", "10"), 3),      # nothing at all on a lower_worse indicator: worst
])
def test_lower_worse_turns_the_ratio_round(area, points):
    kaas = cells(*pair("100-0001", *area, maal=("y", "m")),
                 *pair(BASE, "40", "20", maal=("y", "m")))
    row = run(model(LOWER), kaas, membership(("a", "100-0001", 2010, None)),
              register(BASE))[("a", 2020, "l_y")]
    assert row["points"] == points
    assert row["comparison_value"] == pytest.approx(2.0)  # unit ratio: not x 100
    assert row["value"] == pytest.approx(float(Decimal(area[0]) / Decimal(area[1])))


def test_a_zero_comparison():
    # Nobody in the comparison, some in the area: worse than any edge (3 points, no
    # finite ratio); nobody on either side: equal (r = 1, 1 point).
    kaas = cells(*pair("100-0001", "5", "100"), *pair("100-0002", "0", "100"),
                 *pair(BASE, "0", "100"))
    members = membership(("a", "100-0001", 2010, None), ("b", "100-0002", 2010, None))
    got = run(model(), kaas, members, register(BASE))
    assert got[("a", 2020, "l_x")]["points"] == 3 and got[("a", 2020, "l_x")]["ratio"] is None
    assert got[("b", 2020, "l_x")]["points"] == 1 and got[("b", 2020, "l_x")]["ratio"] == 1.0


def survey(*rows) -> pl.DataFrame:
    """rows: (wave, year, area, n_answers, n_positive, share, suppressed)."""
    return pl.DataFrame(
        [(w, y, a, "evening_safety", n, p, s, sup) for w, y, a, n, p, s, sup in rows],
        schema={"wave_id": pl.Utf8, "year": pl.Int32, "area_id": pl.Utf8, "item_id": pl.Utf8,
                "n_answers": pl.Int64, "n_positive": pl.Int64, "share": pl.Float64,
                "suppressed": pl.Boolean}, orient="row")


def survey_run(waves, years):
    kaas = cells(*[r for y in years for r in pair("100-0001", "1", "10", y)],
                 *[r for y in years for r in pair(BASE, "1", "10", y)])
    return run(model(SURVEY), kaas, membership(("a", "100-0001", 2000, None)),
               register(BASE), survey=waves, years=years)


def test_a_survey_indicator_uses_the_newest_covering_wave_of_the_last_four_years():
    waves = survey(("2010", 2010, "a", 50, 18, 36.0, False),
                   ("2010", 2010, "all", 400, 68, 17.0, False),
                   ("2012", 2012, "b", 40, 8, 20.0, False),    # does not cover a
                   ("2012", 2012, "all", 300, 60, 20.0, False))
    got = survey_run(waves, [2009, 2010, 2013, 2014])
    assert got[("a", 2009, "l_s")]["value"] is None   # before the wave
    assert got[("a", 2009, "l_s")]["wave_id"] is None
    row = got[("a", 2010, "l_s")]
    # 36 % against the wave's 17 %: r = 36 / 17 = 2.1 -> 3 points.
    assert row["wave_id"] == "2010" and row["points"] == 3
    assert row["value"] == pytest.approx(36.0) and row["comparison_value"] == pytest.approx(17.0)
    assert row["numerator"] is None and row["denominator"] is None
    assert row["comparison_left_out"] is None
    assert got[("a", 2013, "l_s")]["wave_id"] == "2010"   # 2013 - 3 = 2010
    assert got[("a", 2014, "l_s")]["wave_id"] is None     # too old for 2014
    assert got[("a", 2014, "l_s")]["points"] is None


def test_a_newer_wave_decides_and_its_edge_is_exact():
    # 2012: 15 of 60 = 25 % against 60 of 300 = 20 %: r = 1.25 exactly -> 2 points.
    waves = survey(("2010", 2010, "a", 50, 18, 36.0, False),
                   ("2010", 2010, "all", 400, 68, 17.0, False),
                   ("2012", 2012, "a", 60, 15, 25.0, False),
                   ("2012", 2012, "all", 300, 60, 20.0, False))
    row = survey_run(waves, [2012])[("a", 2012, "l_s")]
    assert row["wave_id"] == "2012" and row["points"] == 2 and row["ratio"] == 1.25


def test_a_suppressed_survey_row_is_unknown_and_suppressed_an_unknown_all_row_is_not():
    own = survey(("2010", 2010, "a", 8, None, None, True),
                 ("2010", 2010, "all", 400, 68, 17.0, False))
    row = survey_run(own, [2010])[("a", 2010, "l_s")]
    assert row["wave_id"] == "2010" and row["value"] is None and row["suppressed"] is True
    assert row["points"] is None
    everyone = survey(("2010", 2010, "a", 50, 18, 36.0, False),
                      ("2010", 2010, "all", 400, None, None, True))
    row = survey_run(everyone, [2010])[("a", 2010, "l_s")]
    assert row["value"] == pytest.approx(36.0) and row["comparison_value"] is None
    assert row["points"] is None and row["suppressed"] is False


def test_a_weighted_waves_shares_are_compared():
    # Weighted: the shares are not n_positive / n_answers; 30 % against 24 % = 1.25.
    waves = survey(("w", 2015, "a", 50, 14, 30.0, False),
                   ("w", 2015, "all", 400, 90, 24.0, False))
    row = survey_run(waves, [2015])[("a", 2015, "l_s")]
    assert row["value"] == pytest.approx(30.0) and row["points"] == 2


def indicator_rows(points_by_indicator: dict[str, int | None], area="a", year=2020):
    return pl.DataFrame(
        [(area, year, "m", i, p) for i, p in points_by_indicator.items()],
        schema={"area_id": pl.Utf8, "year": pl.Int32, "model_id": pl.Utf8,
                "indicator_id": pl.Utf8, "points": pl.Int32}, orient="row")


FOUR = "\n".join(f"""  l_{i}:
    numerator: x
    denominator: n
    unit: pct
    direction: higher_worse
    label_da: {i}
    label_en: {i}""" for i in "abcd")
RESIDENTS = pl.DataFrame({"area_id": ["a"], "year": [2020], "residents": [800]})


def categorise(points: dict[str, int | None], residents=RESIDENTS, **kw):
    m = model("\n" + FOUR + "\n", categories="{red_from: 10, orange_from: 7, yellow_from: 4}",
              **kw)
    frame = local_categories(m, indicator_rows(points), residents)
    return frame.row(0, named=True) if frame.height else None


@pytest.mark.parametrize(("points", "category"), [
    ({"l_a": 0, "l_b": 0, "l_c": 1, "l_d": 2}, "green"),    # 3
    ({"l_a": 0, "l_b": 1, "l_c": 1, "l_d": 2}, "yellow"),   # 4: yellow_from inclusive
    ({"l_a": 3, "l_b": 3, "l_c": 0, "l_d": 1}, "orange"),   # 7
    ({"l_a": 3, "l_b": 3, "l_c": 3, "l_d": 0}, "orange"),   # 9
    ({"l_a": 3, "l_b": 3, "l_c": 3, "l_d": 1}, "red"),      # 10
])
def test_categories_from_the_sum_of_points(points, category):
    row = categorise(points)
    assert row["category"] == category and row["unknown_indicators"] == 0
    assert row["points_min"] == row["points_max"] == sum(points.values())
    assert row["model_id"] == "test_model" and row["residents"] == 800


def test_unknowns_that_cannot_change_the_category_leave_it_decided():
    # red from 10, orange from 7, yellow from 4; the unknown adds 0-3 points.
    row = categorise({"l_a": 3, "l_b": 3, "l_c": 3, "l_d": None})
    assert (row["points_min"], row["points_max"], row["category"]) == (9, 12, None)
    row = categorise({"l_a": 3, "l_b": 3, "l_c": 2, "l_d": None})   # 8..11: orange or red
    assert row["category"] is None
    row = categorise({"l_a": 0, "l_b": 0, "l_c": 0, "l_d": None})   # 0..3: green whatever
    assert (row["points_min"], row["points_max"], row["category"]) == (0, 3, "green")
    row = categorise({"l_a": 3, "l_b": 3, "l_c": 1, "l_d": None})   # 7..10: orange/red
    assert row["category"] is None
    row = categorise({"l_a": 3, "l_b": 2, "l_c": 0, "l_d": None})   # 5..8: yellow/orange
    assert row["category"] is None
    row = categorise({"l_a": 3, "l_b": 3, "l_c": 3, "l_d": None})
    assert row["points_max"] == 12
    row = categorise({"l_a": 3, "l_b": 3, "l_c": None, "l_d": 3})    # 9..12 again
    assert row["category"] is None


def test_an_unknown_that_cannot_lift_the_area_out_of_red_leaves_it_red():
    m = model("\n" + FOUR + "\n", categories="{red_from: 8, orange_from: 5, yellow_from: 2}")
    row = local_categories(m, indicator_rows({"l_a": 3, "l_b": 3, "l_c": 2, "l_d": None}),
                           RESIDENTS).row(0, named=True)
    assert (row["points_min"], row["points_max"], row["category"]) == (8, 11, "red")


def test_two_unknowns_decided_only_when_the_whole_span_agrees():
    row = categorise({"l_a": 3, "l_b": 1, "l_c": None, "l_d": None})   # 4..10
    assert (row["unknown_indicators"], row["points_min"], row["points_max"]) == (2, 4, 10)
    assert row["category"] is None
    row = categorise({"l_a": 0, "l_b": 1, "l_c": None, "l_d": None})   # 1..7
    assert row["category"] is None
    wide = model("\n" + FOUR + "\n", categories="{red_from: 12, orange_from: 11, "
                 "yellow_from: 1}")
    frame = local_categories(wide, indicator_rows({"l_a": 1, "l_b": 1, "l_c": None,
                                                    "l_d": None}), RESIDENTS)
    assert frame.row(0, named=True)["category"] == "yellow"   # 2..8, all yellow


@pytest.mark.parametrize(("residents", "has_row"), [(499, False), (500, True), (None, False)])
def test_only_areas_with_at_least_min_residents_get_a_category(residents, has_row):
    frame = pl.DataFrame({"area_id": ["a"], "year": [2020], "residents": [residents]},
                         schema={"area_id": pl.Utf8, "year": pl.Int32, "residents": pl.Int64})
    row = categorise({"l_a": 3, "l_b": 3, "l_c": 3, "l_d": 3}, residents=frame)
    assert (row is not None) == has_row
    if row:
        assert row["category"] == "red"


def test_min_residents_is_the_models():
    frame = pl.DataFrame({"area_id": ["a"], "year": [2020], "residents": [800]})
    assert categorise({"l_a": 0, "l_b": 0, "l_c": 0, "l_d": 0}, residents=frame,
                      min_residents=801) is None


def test_end_to_end_one_area_with_an_unknown_indicator():
    m = model(LOWER + SURVEY.rstrip("\n") + "\n" + """  l_x:
    numerator: x
    denominator: n
    unit: pct
    direction: higher_worse
    label_da: x
    label_en: x
""", categories="{red_from: 7, orange_from: 5, yellow_from: 2}")
    kaas = cells(*pair("100-0001", "30", "100"), *pair(BASE, "20", "100"),      # x: 3 points
                 *pair("100-0001", "16", "10", maal=("y", "m")),                # y: 2 points
                 *pair(BASE, "40", "20", maal=("y", "m")))
    frame = local_indicators(m, cells=kaas, membership=membership(("a", "100-0001", 2010, None)),
                             areas=AREAS, afdelinger=register(BASE), survey=None)
    assert frame["indicator_id"].to_list() == ["l_y", "l_s", "l_x"]   # display order
    assert frame["points"].to_list() == [2, None, 3]
    cats = local_categories(m, frame, RESIDENTS).row(0, named=True)
    # 5 known + the survey's 0..3 = 5..8: orange or red, so undecided.
    assert (cats["points_min"], cats["points_max"], cats["category"]) == (5, 8, None)


def test_frames_have_the_published_tables_columns_and_types():
    kaas = cells(*pair("100-0001", "30", "100"), *pair(BASE, "20", "100"))
    frame = local_indicators(model(), cells=kaas, membership=membership(
        ("a", "100-0001", 2010, None)), areas=AREAS, afdelinger=register(BASE))
    assert frame.columns == tables.LOCAL_INDICATORS.column_names()
    cats = local_categories(model(min_residents=1), frame, RESIDENTS)
    assert cats.columns == tables.LOCAL_CATEGORIES.column_names()
    duck = {"VARCHAR": pl.Utf8, "INTEGER": pl.Int32, "BIGINT": pl.Int64,
            "DOUBLE": pl.Float64, "BOOLEAN": pl.Boolean}
    for table, got in ((tables.LOCAL_INDICATORS, frame), (tables.LOCAL_CATEGORIES, cats)):
        for column in table.columns:
            assert got.schema[column.name] == duck[column.type], column.name


def test_float_inputs_are_refused():
    kaas = cells(*pair("100-0001", "30", "100")).with_columns(pl.col("vaerdi").cast(pl.Float64))
    with pytest.raises(TypeError, match="floats are not exact"):
        local_indicators(model(), cells=kaas, membership=membership(("a", "100-0001", 2010,
                                                                     None)),
                         areas=AREAS, afdelinger=register(BASE))


def test_a_measure_never_delivered_leaves_the_indicator_unknown_everywhere():
    kaas = cells(("100-0001", 2020, "x", "5"), (BASE, 2020, "x", "4"))
    row = run(model(), kaas, membership(("a", "100-0001", 2010, None)),
              register("100-0001", BASE))[("a", 2020, "l_x")]
    assert row["value"] is None and row["comparison_value"] is None
    assert row["comparison_left_out"] == 2 and row["points"] is None
    assert row["suppressed"] is False
