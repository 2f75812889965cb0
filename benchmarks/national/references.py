"""National and regional reference series (invented, of plausible size)."""

from __future__ import annotations

from benchmarks.national.register import FIRST_YEAR, LAST_YEAR

YEARS = list(range(FIRST_YEAR, LAST_YEAR + 1))

# Share (%) of all residents 18+ convicted, per data year: slowly falling, then flat.
NATIONAL_DOMTE = dict(zip(YEARS, [
    "1.18", "1.16", "1.15", "1.13", "1.11", "1.09", "1.06", "1.04", "1.01", "0.99", "0.98",
    "0.97", "0.96", "0.96", "0.95", "0.94", "0.95", "0.96", "0.97"], strict=True))

# Growth (%) of mean gross income on the year before, and each region's level.
_GROWTH = [3.5, 3.8, 1.0, 1.8, 2.2, 2.0, 2.1, 2.3, 2.5, 2.4, 2.7, 2.6, 3.0, 1.5, 4.2, 3.8,
           3.9, 4.1]
_LEVEL = {1081: 0.951, 1082: 0.992, 1083: 0.968, 1084: 1.121, 1085: 0.984}
_BASE_2006 = 262_400.0


def regional_income() -> dict[tuple[int, int], int]:
    """(region, year) -> mean gross income (DKK) of taxpayers 15-64 excluding students."""
    out, level = {}, _BASE_2006
    for i, year in enumerate(YEARS):
        if i:
            level *= 1 + _GROWTH[i - 1] / 100
        for region, relative in _LEVEL.items():
            out[(region, year)] = round(level * relative)
    return out
