"""Statistics for the effect evaluation (domain.md §8) in plain `math`: the stack ships no
scipy at run time, so Student's t quantile is computed here (tests check it against scipy).
"""

from __future__ import annotations

import math
from functools import lru_cache

# Two-sided 95 % for the normal approximation of the survey items (domain.md §8).
Z_95 = 1.959964


def t_cdf(t: float, df: int) -> float:
    """P(T ≤ t) for Student's t with a whole number of degrees of freedom.

    Degrees of freedom here are always n - 1 comparison areas, a whole number, so the
    closed form of the distribution (a finite trigonometric series in θ = atan(t/√df))
    gives the value without an incomplete-beta approximation.
    """
    if not isinstance(df, int) or df < 1:
        raise ValueError(f"degrees of freedom must be a whole number ≥ 1, got {df!r}")
    theta = math.atan(t / math.sqrt(df))
    cos2 = math.cos(theta) ** 2
    total, term = 1.0, 1.0
    if df % 2:
        for k in range(1, (df - 1) // 2):
            term *= (2 * k) / (2 * k + 1) * cos2
            total += term
        inside = theta if df == 1 else theta + math.sin(theta) * math.cos(theta) * total
        central = 2.0 / math.pi * inside
    else:
        for k in range(1, df // 2):
            term *= (2 * k - 1) / (2 * k) * cos2
            total += term
        central = math.sin(theta) * total
    # `central` is P(-|t| < T < |t|) with the sign of t.
    return 0.5 + central / 2.0


@lru_cache(maxsize=4096)
def t_quantile(p: float, df: int) -> float:
    """The p-quantile of Student's t with `df` degrees of freedom (0 < p < 1)."""
    if not 0.0 < p < 1.0:
        raise ValueError(f"p must lie strictly between 0 and 1, got {p!r}")
    if p < 0.5:
        return -t_quantile(1.0 - p, df)
    if p == 0.5:
        return 0.0
    low, high = 0.0, 1.0
    while t_cdf(high, df) < p:
        low, high = high, high * 2.0
    # Bisection: the cdf is monotone and cheap; 200 halvings reach the float's resolution.
    for _ in range(200):
        middle = (low + high) / 2.0
        if middle in (low, high):
            break
        if t_cdf(middle, df) < p:
            low = middle
        else:
            high = middle
    return (low + high) / 2.0


def mean(values: list[float]) -> float:
    return math.fsum(values) / len(values)


def sample_sd(values: list[float]) -> float:
    """Standard deviation with n - 1 in the denominator (n ≥ 2)."""
    centre = mean(values)
    return math.sqrt(math.fsum((v - centre) ** 2 for v in values) / (len(values) - 1))
