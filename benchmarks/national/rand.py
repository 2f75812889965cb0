"""Seeded randomness: one independent stream per purpose.

Every stream is seeded by the run's seed and a string naming its purpose, so adding a
stream never shifts the others and a run is reproducible from (seed, scale). Python's
own generator is used, not Polars' hashing, whose values may change between versions.
"""

from __future__ import annotations

import math
import random

import polars as pl


def stream(seed: int, purpose: str) -> random.Random:
    return random.Random(f"boligmonitor-national|{seed}|{purpose}")


def uniform_series(seed: int, purpose: str, n: int) -> pl.Series:
    """n uniforms in [0, 1) as a Float64 series."""
    rng = stream(seed, purpose)
    draw = rng.random
    return pl.Series(purpose, [draw() for _ in range(n)], dtype=pl.Float64)


def normal_expr(u1: str, u2: str) -> pl.Expr:
    """A standard normal from two uniform columns (Box-Muller), vectorised in Polars."""
    return (-2.0 * (1.0 - pl.col(u1)).log()).sqrt() * (2.0 * math.pi * pl.col(u2)).cos()


def allocate(total: int, weights: list[float]) -> list[int]:
    """Split an integer total in proportion to weights (largest remainder); sums exactly."""
    wsum = sum(weights)
    if total <= 0 or wsum <= 0:
        return [0] * len(weights)
    ideal = [total * w / wsum for w in weights]
    parts = [math.floor(x) for x in ideal]
    order = sorted(range(len(weights)), key=lambda i: (parts[i] - ideal[i], i))
    for i in order[: total - sum(parts)]:
        parts[i] += 1
    return parts


def lognormal(rng: random.Random, median: float, sigma: float) -> float:
    return median * math.exp(rng.gauss(0.0, sigma))
