"""survey_results: worked examples, expectations derived by hand or from scipy."""

from __future__ import annotations

import itertools
import math

import polars as pl
import pytest
from scipy import stats as scipy_stats

from indicators.survey.items import load_items
from indicators.survey.reader import ANSWERS_SCHEMA
from indicators.survey.results import RESULTS_SCHEMA, survey_results

ITEMS = load_items()
ITEM = "evening_safety"


def answers(*areas: tuple[str, list[int | None]], wave: str = "2010", year: int = 2010,
            weights: dict[str, list[float]] | None = None) -> pl.DataFrame:
    """Answers frame: each area with its list of codes (and optionally weights)."""
    rows = []
    for area, codes in areas:
        area_weights = (weights or {}).get(area, [None] * len(codes))
        rows += [(wave, year, area, ITEM, c, w) for c, w in zip(codes, area_weights, strict=True)]
    return pl.DataFrame(rows, schema=ANSWERS_SCHEMA, orient="row")


def codes(positive: int, negative: int, dont_know: int = 0, blank: int = 0) -> list[int | None]:
    """`positive` answers 4 or 5, `negative` answers 1-3, then 9s and blanks."""
    positives = [4 + i % 2 for i in range(positive)]
    negatives = [1 + i % 3 for i in range(negative)]
    return positives + negatives + [9] * dont_know + [None] * blank


def by_area(results: pl.DataFrame, wave: str = "2010") -> dict[str, dict]:
    return {r["area_id"]: r for r in results.filter(pl.col("wave_id") == wave)
            .iter_rows(named=True)}


def wilson_percent(k: int, n: int) -> tuple[float, float]:
    ci = scipy_stats.binomtest(k, n).proportion_ci(confidence_level=0.95, method="wilson")
    return 100 * ci.low, 100 * ci.high


def chi2_p_value(k1, n1, k2, n2) -> float:
    return scipy_stats.chi2_contingency([[k1, n1 - k1], [k2, n2 - k2]],
                                        correction=False).pvalue


def test_schema_is_the_contracts():
    results = survey_results(answers(("a", codes(5, 10))), ITEMS)
    assert results.columns == ["wave_id", "year", "area_id", "item_id", "n_answers",
                               "n_positive", "share", "ci_low", "ci_high", "vs_rest",
                               "suppressed"]
    assert results.schema == pl.Schema(RESULTS_SCHEMA)
    assert results.schema["n_answers"] == pl.Int64
    assert results.schema["share"] == pl.Float64
    assert results.schema["suppressed"] == pl.Boolean


def test_vangdalen_2010_is_over_the_rest():
    # domain.md §1: 17 % overall, Vangdalen 36 %. 100 answers in Vangdalen (36 utrygge),
    # 400 elsewhere with 49: 85 of 500 = 17.0 % overall.
    data = answers(("vangdalen", codes(36, 64)), ("glarbjergvej", codes(25, 175)),
                   ("gl_jennumparken", codes(24, 176)))
    rows = by_area(survey_results(data, ITEMS))

    overall = rows["all"]
    assert (overall["n_answers"], overall["n_positive"]) == (500, 85)
    assert overall["share"] == pytest.approx(17.0)
    assert (overall["ci_low"], overall["ci_high"]) == pytest.approx(wilson_percent(85, 500))
    assert overall["vs_rest"] is None
    assert overall["suppressed"] is False

    vangdalen = rows["vangdalen"]
    assert (vangdalen["n_answers"], vangdalen["n_positive"]) == (100, 36)
    assert vangdalen["share"] == pytest.approx(36.0)
    assert (vangdalen["ci_low"], vangdalen["ci_high"]) == pytest.approx(wilson_percent(36, 100))
    assert chi2_p_value(36, 100, 49, 400) < 0.05
    assert vangdalen["vs_rest"] == "over"

    # Glarbjergvej 25/200 = 12.5 % against 60/300 = 20 % elsewhere.
    p_value = chi2_p_value(25, 200, 60, 300)
    assert rows["glarbjergvej"]["vs_rest"] == ("under" if p_value < 0.05 else "ingen forskel")


def test_small_area_with_high_share_cannot_be_told_apart():
    # 4 of 12 (33 %) against 85 of 500: the interval is wide, and with an expected
    # count of 12 * 89 / 512 ≈ 2.1 positives the comparison is Fisher's exact test.
    data = answers(("lille", codes(4, 8)), ("stor", codes(85, 415)))
    row = by_area(survey_results(data, ITEMS))["lille"]
    assert row["share"] == pytest.approx(100 * 4 / 12)
    low, high = wilson_percent(4, 12)
    assert (row["ci_low"], row["ci_high"]) == pytest.approx((low, high))
    assert low < 17.0 < high
    assert scipy_stats.fisher_exact([[4, 8], [85, 415]]).pvalue > 0.05
    assert row["vs_rest"] == "ingen forskel"


def test_dont_know_and_blank_are_out_of_the_denominator():
    data = answers(("a", codes(2, 8, dont_know=5, blank=3)), ("b", codes(10, 10)))
    row = by_area(survey_results(data, ITEMS))["a"]
    assert (row["n_answers"], row["n_positive"]) == (10, 2)
    assert row["share"] == pytest.approx(20.0)


def test_code_3_is_substantive_but_not_positive():
    data = answers(("a", [3] * 10 + [5] * 10))
    row = by_area(survey_results(data, ITEMS))["a"]
    assert (row["n_answers"], row["n_positive"], row["share"]) == (20, 10, pytest.approx(50.0))


def assert_suppressed(row: dict, n_answers: int) -> None:
    assert row["suppressed"] is True
    assert row["n_answers"] == n_answers  # kept: the reader needs to know why
    for column in ("n_positive", "share", "ci_low", "ci_high", "vs_rest"):
        assert row[column] is None, column


def assert_published(row: dict) -> None:
    assert row["suppressed"] is False
    assert row["share"] is not None and row["n_positive"] is not None


AREAS_WITH_A_TIE = [("a", codes(3, 1)), ("d", codes(6, 6)), ("b", codes(2, 10)),
                    ("c", codes(5, 25))]


@pytest.mark.parametrize("order", list(itertools.permutations(range(4))))
def test_primary_and_complementary_suppression(order):
    # One area below 10 answers: the area with the next-fewest answers goes too, so the
    # hidden count cannot be recomputed as all minus the rest. b and d tie at 12;
    # b comes first by area_id, whatever the order of the input.
    data = answers(*[AREAS_WITH_A_TIE[i] for i in order])
    rows = by_area(survey_results(data, ITEMS))
    assert_suppressed(rows["a"], 4)
    assert_suppressed(rows["b"], 12)
    assert_published(rows["c"])
    assert_published(rows["d"])
    # The all row would give a + b's total (16 - 11 = 5 of 16): hidden as well.
    assert_suppressed(rows["all"], 58)


def test_two_suppressed_areas_need_no_complement():
    data = answers(("a", codes(3, 1)), ("e", codes(1, 5)), ("b", codes(2, 10)),
                   ("c", codes(5, 25)))
    rows = by_area(survey_results(data, ITEMS))
    assert_suppressed(rows["a"], 4)
    assert_suppressed(rows["e"], 6)
    assert_published(rows["b"])
    assert_published(rows["c"])


def test_area_without_answers_hides_nothing_and_needs_no_complement():
    data = answers(("z", [9, 9, None]), ("b", codes(2, 10)), ("c", codes(5, 25)))
    rows = by_area(survey_results(data, ITEMS))
    assert_suppressed(rows["z"], 0)
    assert_published(rows["b"])
    assert_published(rows["c"])


def test_min_answers_is_configurable():
    data = answers(("a", codes(3, 1)), ("b", codes(2, 10)), ("c", codes(5, 25)))
    rows = by_area(survey_results(data, ITEMS, min_answers=3))
    assert all(not row["suppressed"] for row in rows.values())
    rows = by_area(survey_results(data, ITEMS, min_answers=31))
    assert [area for area, row in sorted(rows.items()) if row["suppressed"]] == \
        ["a", "all", "b", "c"]


def test_small_wave_suppresses_the_all_row_too():
    data = answers(("a", codes(1, 2)), ("b", codes(2, 2)))
    rows = by_area(survey_results(data, ITEMS))
    assert_suppressed(rows["all"], 7)
    assert_suppressed(rows["a"], 3)
    assert_suppressed(rows["b"], 4)


def test_single_area_wave_has_no_rest_to_compare_with():
    rows = by_area(survey_results(answers(("a", codes(5, 20))), ITEMS))
    assert rows["a"]["vs_rest"] is None
    assert rows["a"]["share"] == pytest.approx(20.0)
    assert rows["all"]["share"] == pytest.approx(20.0)


def test_waves_are_compared_within_themselves():
    wave_2010 = answers(("a", codes(36, 64)), ("b", codes(49, 351)))
    wave_2012 = answers(("a", codes(10, 90)), ("b", codes(40, 360)), wave="2012", year=2012)
    results = survey_results(pl.concat([wave_2010, wave_2012]), ITEMS)
    assert results.height == 6
    assert by_area(results, "2010")["a"]["vs_rest"] == "over"
    assert by_area(results, "2012")["a"]["vs_rest"] == "ingen forskel"  # 10 % vs 10 %
    assert by_area(results, "2012")["all"]["year"] == 2012
    # `all` first, then areas, within each wave and item.
    assert results.get_column("area_id").to_list() == ["all", "a", "b", "all", "a", "b"]


def hand_wilson(k: float, n: float, z: float = 1.959963984540054) -> tuple[float, float]:
    """The Wilson formula written out in the test (scipy needs whole counts)."""
    p = k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z / (1 + z * z / n) * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return 100 * (centre - half), 100 * (centre + half)


def test_weighted_share_interval_and_comparison():
    # Area w: ten respondents weigh 1 (two utrygge), ten weigh 3 (one utryg).
    #   weighted share = (2*1 + 1*3) / (10*1 + 10*3) = 5/40 = 12.5 %
    #   Kish n_eff = 40² / (10*1 + 10*9) = 16, so the interval is Wilson's for 2 of 16.
    # Area v: twenty respondents weigh 2, ten utrygge: 50 %, n_eff = 20.
    w_codes = [4, 5] + [1] * 8 + [4] + [2] * 9
    v_codes = codes(10, 10)
    data = answers(("w", w_codes), ("v", v_codes),
                   weights={"w": [1.0] * 10 + [3.0] * 10, "v": [2.0] * 20})
    rows = by_area(survey_results(data, ITEMS))

    w = rows["w"]
    assert (w["n_answers"], w["n_positive"]) == (20, 3)  # unweighted counts
    assert w["share"] == pytest.approx(12.5)
    assert (w["ci_low"], w["ci_high"]) == pytest.approx(wilson_percent(2, 16))
    # Against the rest (v): the z-test on effective counts 2 of 16 vs 10 of 20.
    assert chi2_p_value(2, 16, 10, 20) < 0.05
    assert w["vs_rest"] == "under"
    assert rows["v"]["vs_rest"] == "over"

    overall = rows["all"]
    # (5 + 20) / (40 + 40) = 31.25 %; n_eff = 80² / (100 + 80) = 35.56
    assert overall["share"] == pytest.approx(31.25)
    n_eff = 80**2 / 180
    assert (overall["ci_low"], overall["ci_high"]) == pytest.approx(
        hand_wilson(0.3125 * n_eff, n_eff))


def test_equal_weights_change_nothing_but_the_method():
    plain = answers(("a", codes(36, 64)), ("b", codes(49, 351)))
    weighted = answers(("a", codes(36, 64)), ("b", codes(49, 351)),
                       weights={"a": [2.0] * 100, "b": [2.0] * 400})
    columns = ["area_id", "n_answers", "n_positive", "share", "ci_low", "ci_high", "vs_rest"]
    left = survey_results(plain, ITEMS).select(columns)
    right = survey_results(weighted, ITEMS).select(columns)
    assert left.get_column("vs_rest").to_list() == right.get_column("vs_rest").to_list()
    for column in ("share", "ci_low", "ci_high"):
        assert right.get_column(column).to_list() == pytest.approx(
            left.get_column(column).to_list())


def test_weights_must_be_all_or_none_within_a_wave():
    data = answers(("a", [4, 1]), weights={"a": [1.0, None]})
    with pytest.raises(ValueError, match="all or none"):
        survey_results(data, ITEMS)


def test_all_is_reserved():
    with pytest.raises(ValueError, match="reserved"):
        survey_results(answers(("all", codes(5, 5))), ITEMS)


def test_unknown_item_is_refused():
    data = answers(("a", codes(5, 5))).with_columns(pl.lit("noise").alias("item_id"))
    with pytest.raises(ValueError, match="catalogue"):
        survey_results(data, ITEMS)


# -- group disclosure (domain.md §4): what an attacker can compute from published rows --

def attack(published: dict[str, dict]) -> dict[str, set[int]]:
    """Every count of a suppressed area consistent with the published rows of one wave × item.

    Written independently of the product: the attacker knows each area's n_answers, the
    published areas' n_positive, and (when published) the all row's n_positive, so the
    suppressed areas' total is `all` minus the published areas and each area's count lies
    in what the others leave room for. A set with one value is an exact disclosure.
    """
    hidden = {a: r for a, r in published.items() if a != "all" and r["suppressed"]}
    shown = [r for a, r in published.items() if a != "all" and not r["suppressed"]]
    overall = published["all"]
    possible = {a: set(range(r["n_answers"] + 1)) for a, r in hidden.items()}
    if overall["n_positive"] is not None:
        total = overall["n_positive"] - sum(r["n_positive"] for r in shown)
        n_hidden = sum(r["n_answers"] for r in hidden.values())
        for area, row in hidden.items():
            others = n_hidden - row["n_answers"]
            possible[area] = {k for k in possible[area] if 0 <= total - k <= others}
    if overall["share"] is not None:  # the share pins the total the same way
        assert overall["n_positive"] is not None
    return possible


def flipped(data: pl.DataFrame, areas: set[str]) -> pl.DataFrame:
    """The same wave with every answer of `areas` turned the other way (1 <-> 5, 2 <-> 4)."""
    return data.with_columns(
        pl.when(pl.col("area_id").is_in(sorted(areas)) & pl.col("code").is_in([1, 2, 4, 5]))
        .then(6 - pl.col("code")).otherwise(pl.col("code")).alias("code"))


ADVERSARIAL = {
    # name: (areas with their answers, weights or None)
    "one suppressed, all positive": ([("s", codes(6, 0)), ("b", codes(4, 20)),
                                      ("c", codes(10, 30)), ("d", codes(12, 40))], None),
    "one suppressed, all negative": ([("s", codes(0, 7)), ("b", codes(4, 20)),
                                      ("c", codes(10, 30)), ("d", codes(12, 40))], None),
    "two suppressed, all negative": ([("s", codes(0, 5)), ("t", codes(0, 8)),
                                      ("c", codes(10, 30)), ("d", codes(12, 40))], None),
    "two suppressed, all positive": ([("s", codes(5, 0)), ("t", codes(9, 0)),
                                      ("c", codes(10, 30)), ("d", codes(12, 40))], None),
    "whole wave negative": ([("s", codes(0, 6)), ("c", codes(0, 30)),
                             ("d", codes(0, 40))], None),
    "weighted, suppressed all negative": (
        [("s", codes(0, 6)), ("t", codes(0, 4)), ("c", codes(10, 30)), ("d", codes(12, 40))],
        {"s": [0.5] * 6, "t": [2.0] * 4, "c": [1.0] * 40, "d": [1.5] * 52}),
    "weighted, one suppressed all positive": (
        [("s", codes(8, 0)), ("b", codes(3, 15)), ("c", codes(10, 30))],
        {"s": [3.0] * 8, "b": [1.0] * 18, "c": [0.8] * 40}),
}


@pytest.mark.parametrize("name", list(ADVERSARIAL))
def test_no_suppressed_count_or_share_can_be_derived(name):
    areas, weights = ADVERSARIAL[name]
    data = answers(*areas, weights=weights)
    rows = by_area(survey_results(data, ITEMS))
    hidden = {a for a, r in rows.items() if a != "all" and r["suppressed"]}
    assert hidden, "the wave must suppress something to be a test of disclosure"
    true_counts = {area: sum(c in (4, 5) for c in answers_) for area, answers_ in areas}
    for area, possible in attack(rows).items():
        assert true_counts[area] in possible  # the attack is sound...
        assert len(possible) > 1, f"{area}'s count {true_counts[area]} is disclosed"
    # ...and nothing else published depends on the suppressed answers: the same wave with
    # the suppressed areas' answers reversed publishes exactly the same rows.
    assert survey_results(flipped(data, hidden), ITEMS).equals(survey_results(data, ITEMS))
    # The published areas keep their figures.
    for area, row in rows.items():
        if area != "all" and area not in hidden:
            assert_published(row)


def test_suppressed_rows_keep_their_number_of_answers_only():
    areas, _ = ADVERSARIAL["two suppressed, all negative"]
    rows = by_area(survey_results(answers(*areas), ITEMS))
    assert_suppressed(rows["s"], 5)
    assert_suppressed(rows["t"], 8)
    assert_suppressed(rows["all"], 105)


def test_the_rest_is_the_published_areas_when_some_are_suppressed():
    # s (6 answers, all utrygge) is suppressed and b with it; c is compared with d alone.
    data = answers(("s", codes(6, 0)), ("b", codes(4, 20)), ("c", codes(30, 70)),
                   ("d", codes(10, 90)))
    rows = by_area(survey_results(data, ITEMS))
    assert chi2_p_value(30, 100, 10, 100) < 0.05
    assert rows["c"]["vs_rest"] == "over" and rows["d"]["vs_rest"] == "under"


def test_an_area_without_answers_does_not_hide_the_all_row():
    data = answers(("z", [9, 9, None]), ("b", codes(2, 10)), ("c", codes(5, 25)))
    rows = by_area(survey_results(data, ITEMS))
    assert (rows["all"]["n_answers"], rows["all"]["n_positive"]) == (42, 7)
    assert_published(rows["all"])
