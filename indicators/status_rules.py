"""A regime's status definitions as two-valued Polars expressions.

The catalogue says what each status requires (k of n criteria at a level,
other statuses required or excluded, the resident floor). This module turns
that into boolean expressions over "criterion c is met at level l" columns.
Three-valued logic is not handled here: `status` evaluates these expressions
on every completion of the unknowns and keeps what all completions agree on;
`early_warning` evaluates them on known and projected states.
"""

from __future__ import annotations

from collections.abc import Callable

import polars as pl

from indicators.catalogue import Level, Regime

MetAt = Callable[[str, Level], pl.Expr]


def status_expressions(regime: Regime, met: MetAt, eligible: pl.Expr) -> dict[str, pl.Expr]:
    """{status: expression} for the regime's statuses, without look-back.

    A status with a `lookback` gets only its current-list part here (e.g.
    omdannelse: parallelsamfund this year); the earlier lists are combined by
    the caller, which knows the statuses of other years.
    """
    built: dict[str, pl.Expr] = {}
    for name in regime.status_order():
        rule = regime.statuses[name]
        parts = [eligible]
        for requirement in rule.all_of:
            met_count = pl.sum_horizontal(
                [met(c, requirement.level).cast(pl.Int32) for c in requirement.of]
            )
            parts.append(met_count >= requirement.at_least)
        parts.extend(built[other] for other in rule.requires)
        parts.extend(~built[other] for other in rule.excludes)
        built[name] = pl.all_horizontal(parts)
    return built


def status_levels(regime: Regime, status: str) -> dict[str, Level]:
    """The criteria a status counts, each at the level it counts them.

    Followed through `requires` (parallelsamfund counts the udsat criteria)
    but not `excludes`: forebyggelse is reached at the forebyggelse level even
    though crossing the udsat thresholds would exclude it.
    """
    levels: dict[str, Level] = {}
    rule = regime.statuses[status]
    for other in rule.requires:
        levels.update(status_levels(regime, other))
    for requirement in rule.all_of:
        for criterion in requirement.of:
            levels[criterion] = requirement.level
    return levels
