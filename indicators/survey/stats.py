"""Interval and test for survey shares, in plain `math` (the stack has no numpy/scipy).

Why these methods:

- Wilson score interval: area surveys are small (tens to a few hundred
  answers) and shares near 0 % or 100 % are common; the Wilson interval keeps
  its coverage there and never leaves [0, 1], unlike the textbook Wald
  interval. It also accepts a non-integer "effective" sample size, which is
  how weighted shares get an honest width (Kish's effective n).
- Comparison with the rest of the wave (domain.md §3): a two-sided
  two-proportion z-test with the pooled proportion, because under the null
  hypothesis both groups share one proportion. When any expected cell of the
  2×2 table is below 5 the normal approximation is poor, so Fisher's exact
  test is used instead. Its two-sided p-value sums the probabilities of all
  tables (with the observed margins) that are no more likely than the
  observed one; a small relative tolerance keeps tables whose probability
  equals the observed one in exact arithmetic from being lost to rounding.
- The result is a word, not a p-value: planners need "over", "under" or
  "ingen forskel" (no detectable difference), and the same rule everywhere.
"""

from __future__ import annotations

import math
from typing import Literal

Comparison = Literal["over", "under", "ingen forskel"]

# The 97.5 % quantile of the standard normal distribution (two-sided 95 %).
Z_95 = 1.959963984540054

# Relative tolerance when deciding that a table is "no more likely" than the
# observed one in Fisher's test: probabilities computed through log-factorials
# carry rounding error of this order or less.
_FISHER_RELATIVE_TOLERANCE = 1e-7

# Below this expected count in any cell the z-test's normal approximation is
# not trusted (the common rule of thumb, domain.md §3).
MIN_EXPECTED_FOR_Z = 5.0


def wilson_interval(k: float, n: float, z: float = Z_95) -> tuple[float, float]:
    """Wilson score interval for k successes out of n, as proportions in [0, 1].

    k and n may be non-integer (a weighted count and Kish's effective n).
    """
    if not n > 0:
        raise ValueError("n must be positive")
    if not 0 <= k <= n:
        raise ValueError("k must lie between 0 and n")
    p = k / n
    z2 = z * z
    denominator = 1 + z2 / n
    centre = (p + z2 / (2 * n)) / denominator
    half_width = z / denominator * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n))
    # At k = 0 and k = n the bounds are exactly 0 and 1; floating point would
    # otherwise leave a tiny residue on either side.
    low = 0.0 if k == 0 else max(0.0, centre - half_width)
    high = 1.0 if k == n else min(1.0, centre + half_width)
    return low, high


def z_test_p_value(k1: float, n1: float, k2: float, n2: float) -> float:
    """Two-sided p-value of the pooled two-proportion z-test."""
    if not (n1 > 0 and n2 > 0):
        raise ValueError("both groups need answers")
    pooled = (k1 + k2) / (n1 + n2)
    variance = pooled * (1 - pooled) * (1 / n1 + 1 / n2)
    if variance <= 0:
        # Everyone (or no one) answered positively: the groups cannot differ.
        return 1.0
    z = (k1 / n1 - k2 / n2) / math.sqrt(variance)
    return math.erfc(abs(z) / math.sqrt(2))


def _log_choose(n: int, k: int) -> float:
    return math.lgamma(n + 1) - math.lgamma(k + 1) - math.lgamma(n - k + 1)


def fisher_exact_p_value(a: int, b: int, c: int, d: int) -> float:
    """Two-sided p-value of Fisher's exact test for the table [[a, b], [c, d]]."""
    if min(a, b, c, d) < 0:
        raise ValueError("cell counts must be non-negative")
    row1, row2, col1 = a + b, c + d, a + c
    total = row1 + row2
    log_denominator = _log_choose(total, col1)

    def log_probability(x: int) -> float:
        # Hypergeometric probability of x in the top-left cell, margins fixed.
        return _log_choose(row1, x) + _log_choose(row2, col1 - x) - log_denominator

    observed = log_probability(a)
    threshold = observed + math.log1p(_FISHER_RELATIVE_TOLERANCE)
    p_value = 0.0
    for x in range(max(0, col1 - row2), min(row1, col1) + 1):
        log_p = log_probability(x)
        if log_p <= threshold:
            p_value += math.exp(log_p)
    return min(1.0, p_value)


def smallest_expected_count(k1: int, n1: int, k2: int, n2: int) -> float:
    """The smallest expected cell count of the 2×2 table under independence."""
    total = n1 + n2
    positives = k1 + k2
    negatives = total - positives
    return min(n * column / total for n in (n1, n2) for column in (positives, negatives))


def _verdict(p_value: float, share_area: float, share_rest: float, alpha: float) -> Comparison:
    if p_value >= alpha or share_area == share_rest:
        return "ingen forskel"
    return "over" if share_area > share_rest else "under"


def compare_with_rest(
    k_area: int, n_area: int, k_rest: int, n_rest: int, alpha: float = 0.05
) -> Comparison:
    """Is the area's share over, under or not distinguishable from the rest's?

    Fisher's exact test when an expected cell is below 5, else the pooled z-test.
    """
    for k, n in ((k_area, n_area), (k_rest, n_rest)):
        if not 0 <= k <= n:
            raise ValueError("counts must satisfy 0 <= k <= n")
    if n_area == 0 or n_rest == 0:
        raise ValueError("both the area and the rest need answers to be compared")
    if smallest_expected_count(k_area, n_area, k_rest, n_rest) < MIN_EXPECTED_FOR_Z:
        p_value = fisher_exact_p_value(k_area, n_area - k_area, k_rest, n_rest - k_rest)
    else:
        p_value = z_test_p_value(k_area, n_area, k_rest, n_rest)
    return _verdict(p_value, k_area / n_area, k_rest / n_rest, alpha)


def compare_weighted_with_rest(
    share_area: float,
    n_eff_area: float,
    share_rest: float,
    n_eff_rest: float,
    alpha: float = 0.05,
) -> Comparison:
    """The same question for weighted shares (proportions), with Kish's effective sizes.

    Fisher's test needs whole counts, which weighted data do not have, so the
    z-test is used whatever the expected counts.
    """
    p_value = z_test_p_value(share_area * n_eff_area, n_eff_area, share_rest * n_eff_rest,
                             n_eff_rest)
    return _verdict(p_value, share_area, share_rest, alpha)


def kish_effective_size(sum_weights: float, sum_squared_weights: float) -> float:
    """Kish's effective sample size (Σw)² / Σw²: the n an unweighted sample would need
    to give the same precision as the weighted one."""
    if sum_squared_weights <= 0:
        raise ValueError("weights must not all be zero")
    return sum_weights * sum_weights / sum_squared_weights
