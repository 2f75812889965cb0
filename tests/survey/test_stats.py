"""The survey statistics against scipy (a test-only dependency) and by hand."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats as scipy_stats

from indicators.survey.stats import (
    Z_95,
    compare_weighted_with_rest,
    compare_with_rest,
    fisher_exact_p_value,
    kish_effective_size,
    smallest_expected_count,
    wilson_interval,
    z_test_p_value,
)


@st.composite
def k_and_n(draw, max_n=2000):
    n = draw(st.integers(min_value=1, max_value=max_n))
    return draw(st.integers(min_value=0, max_value=n)), n


@st.composite
def two_groups(draw, max_n=300):
    k1, n1 = draw(k_and_n(max_n))
    k2, n2 = draw(k_and_n(max_n))
    return k1, n1, k2, n2


def scipy_wilson(k: int, n: int) -> tuple[float, float]:
    ci = scipy_stats.binomtest(k, n).proportion_ci(confidence_level=0.95, method="wilson")
    return ci.low, ci.high


def scipy_z_p_value(k1, n1, k2, n2) -> float:
    # The pooled two-proportion z-test equals Pearson's chi-square without continuity
    # correction (z² = χ²), which scipy computes independently of our formula.
    table = [[k1, n1 - k1], [k2, n2 - k2]]
    return scipy_stats.chi2_contingency(table, correction=False).pvalue


def test_z_constant_is_the_normal_quantile():
    assert Z_95 == pytest.approx(scipy_stats.norm.ppf(0.975), rel=1e-12)


# --- Wilson -----------------------------------------------------------------------------


@pytest.mark.parametrize(("k", "n"), [(0, 1), (1, 1), (17, 100), (36, 100), (0, 10),
                                      (10, 10), (3, 12), (293, 675), (1, 2000)])
def test_wilson_matches_scipy(k, n):
    assert wilson_interval(k, n) == pytest.approx(scipy_wilson(k, n), abs=1e-12)


def test_wilson_by_hand_for_17_of_100():
    # p = 0.17, z²/n = 0.038415: centre = (0.17 + 0.019207) / 1.038415 = 0.182208,
    # half width = 1.96 / 1.038415 * sqrt(0.17 * 0.83 / 100 + 3.8415 / 40000) = 0.073272
    z2n = Z_95**2 / 100
    centre = (0.17 + z2n / 2) / (1 + z2n)
    half = Z_95 / (1 + z2n) * math.sqrt(0.17 * 0.83 / 100 + z2n / 400)
    assert wilson_interval(17, 100) == pytest.approx((centre - half, centre + half))
    assert wilson_interval(17, 100) == pytest.approx((0.1089, 0.2555), abs=1e-4)


@settings(max_examples=300, deadline=None)
@given(k_and_n())
def test_wilson_property_against_scipy(pair):
    k, n = pair
    low, high = wilson_interval(k, n)
    assert 0.0 <= low <= k / n <= high <= 1.0
    assert (low, high) == pytest.approx(scipy_wilson(k, n), abs=1e-9)


@given(k_and_n(max_n=500))
def test_wilson_is_symmetric_in_successes_and_failures(pair):
    k, n = pair
    low, high = wilson_interval(k, n)
    mirrored_low, mirrored_high = wilson_interval(n - k, n)
    assert low == pytest.approx(1 - mirrored_high, abs=1e-12)
    assert high == pytest.approx(1 - mirrored_low, abs=1e-12)


def test_wilson_accepts_effective_non_integer_sizes():
    low, high = wilson_interval(2.5, 10.5)
    assert 0 < low < 2.5 / 10.5 < high < 1


@pytest.mark.parametrize(("k", "n"), [(0, 0), (3, 2), (-1, 5)])
def test_wilson_rejects_impossible_counts(k, n):
    with pytest.raises(ValueError):
        wilson_interval(k, n)


# --- Fisher -----------------------------------------------------------------------------


def test_fisher_lady_tasting_tea_by_hand():
    # [[3, 1], [1, 3]]: P(3) = 16/70, P(4) = P(0) = 1/70, P(1) = 16/70, P(2) = 36/70;
    # the two-sided p sums all tables no more likely than the observed: 34/70.
    assert fisher_exact_p_value(3, 1, 1, 3) == pytest.approx(34 / 70, rel=1e-12)


@pytest.mark.parametrize(
    "table",
    [(3, 1, 1, 3), (0, 5, 10, 0), (1, 9, 11, 3), (4, 5, 34, 166), (36, 64, 49, 351),
     (0, 0, 3, 7), (5, 5, 5, 5), (12, 0, 0, 12)],
)
def test_fisher_matches_scipy(table):
    a, b, c, d = table
    expected = scipy_stats.fisher_exact([[a, b], [c, d]], alternative="two-sided").pvalue
    assert fisher_exact_p_value(a, b, c, d) == pytest.approx(expected, rel=1e-9)


@settings(max_examples=300, deadline=None)
@given(st.tuples(*[st.integers(min_value=0, max_value=60)] * 4))
def test_fisher_property_against_scipy(table):
    a, b, c, d = table
    p_value = fisher_exact_p_value(a, b, c, d)
    expected = scipy_stats.fisher_exact([[a, b], [c, d]], alternative="two-sided").pvalue
    assert 0.0 <= p_value <= 1.0
    assert p_value == pytest.approx(expected, rel=1e-7, abs=1e-12)


# --- z-test -----------------------------------------------------------------------------


@pytest.mark.parametrize("groups", [(36, 100, 49, 400), (17, 100, 17, 100), (5, 50, 20, 60)])
def test_z_test_matches_scipy_chi_square(groups):
    assert z_test_p_value(*groups) == pytest.approx(scipy_z_p_value(*groups), rel=1e-9)


@settings(max_examples=300, deadline=None)
@given(two_groups())
def test_z_test_property_against_scipy(groups):
    k1, n1, k2, n2 = groups
    if k1 + k2 in (0, n1 + n2):
        assert z_test_p_value(*groups) == 1.0  # nothing varies, nothing to test
        return
    assert z_test_p_value(*groups) == pytest.approx(scipy_z_p_value(*groups), rel=1e-7,
                                                    abs=1e-12)


def test_z_test_p_value_from_normal_tail():
    # 36/100 vs 49/400, pooled 85/500 = 0.17.
    z = (0.36 - 0.1225) / math.sqrt(0.17 * 0.83 * (1 / 100 + 1 / 400))
    assert z_test_p_value(36, 100, 49, 400) == pytest.approx(2 * scipy_stats.norm.sf(z))


# --- the comparison ---------------------------------------------------------------------


def test_clear_difference_is_over_and_under():
    assert compare_with_rest(36, 100, 49, 400) == "over"
    assert compare_with_rest(49, 400, 36, 100) == "under"


def test_equal_shares_are_no_difference():
    assert compare_with_rest(17, 100, 68, 400) == "ingen forskel"


def test_small_expected_counts_use_fisher_not_z():
    # 3 of 6 vs 34 of 200: the z-test would call it significant, Fisher does not.
    assert smallest_expected_count(3, 6, 34, 200) < 5
    assert scipy_z_p_value(3, 6, 34, 200) < 0.05
    assert scipy_stats.fisher_exact([[3, 3], [34, 166]]).pvalue > 0.05
    assert compare_with_rest(3, 6, 34, 200) == "ingen forskel"


def test_large_expected_counts_use_z_not_fisher():
    # Find by scipy a table with all expected counts >= 5 where the two tests disagree,
    # so the chosen method is visible in the verdict.
    for k1 in range(5, 40):
        k2, n1, n2 = 20, 40, 100
        if smallest_expected_count(k1, n1, k2, n2) < 5:
            continue
        p_z = scipy_z_p_value(k1, n1, k2, n2)
        p_fisher = scipy_stats.fisher_exact([[k1, n1 - k1], [k2, n2 - k2]]).pvalue
        if p_z < 0.05 <= p_fisher:
            assert compare_with_rest(k1, n1, k2, n2) == "over"
            return
    pytest.fail("no disagreeing table found; widen the search")


def test_expected_count_by_hand():
    # Table [[3, 7], [82, 408]]: positives 85 of 500; the area's expected positives
    # are 10 * 85 / 500 = 1.7, the smallest cell.
    assert smallest_expected_count(3, 10, 82, 490) == pytest.approx(1.7)


@settings(max_examples=200, deadline=None)
@given(two_groups(max_n=200))
def test_comparison_is_antisymmetric(groups):
    k1, n1, k2, n2 = groups
    forward = compare_with_rest(k1, n1, k2, n2)
    backward = compare_with_rest(k2, n2, k1, n1)
    flipped = {"over": "under", "under": "over", "ingen forskel": "ingen forskel"}
    assert backward == flipped[forward]


@settings(max_examples=200, deadline=None)
@given(two_groups(max_n=200))
def test_comparison_agrees_with_scipy(groups):
    k1, n1, k2, n2 = groups
    table = [[k1, n1 - k1], [k2, n2 - k2]]
    if smallest_expected_count(k1, n1, k2, n2) < 5:
        p_value = scipy_stats.fisher_exact(table).pvalue
    elif k1 + k2 in (0, n1 + n2):
        p_value = 1.0
    else:
        p_value = scipy_z_p_value(k1, n1, k2, n2)
    if abs(p_value - 0.05) < 1e-9:
        return  # too close to the boundary to judge by floating point
    expected = "ingen forskel" if p_value >= 0.05 else ("over" if k1 / n1 > k2 / n2 else "under")
    assert compare_with_rest(k1, n1, k2, n2) == expected


def test_comparison_needs_answers_on_both_sides():
    with pytest.raises(ValueError):
        compare_with_rest(0, 0, 5, 10)


# --- weights ----------------------------------------------------------------------------


def test_kish_effective_size_by_hand():
    # Weights 1 (x10) and 3 (x10): (10 + 30)² / (10 + 90) = 16.
    assert kish_effective_size(40.0, 100.0) == pytest.approx(16.0)
    # Equal weights lose nothing.
    assert kish_effective_size(2.0 * 25, 4.0 * 25) == pytest.approx(25.0)


def test_weighted_comparison_is_the_z_test_on_effective_counts():
    # share 0.36 on n_eff 100 vs 0.1225 on n_eff 400: the same as 36/100 vs 49/400.
    assert compare_weighted_with_rest(0.36, 100.0, 0.1225, 400.0) == "over"
    # Effective sizes too small to tell 0.30 from 0.17 apart.
    small = scipy_z_p_value(3, 10, 17, 100)
    assert small > 0.05
    assert compare_weighted_with_rest(0.30, 10.0, 0.17, 100.0) == "ingen forskel"
