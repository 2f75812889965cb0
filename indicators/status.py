"""Area statuses in three-valued logic.

A status is TRUE or FALSE when every completion of the unknowns agrees, and
NULL only when one completion gives TRUE and another FALSE. The unknowns are
eligibility (residents unknown) and, per criterion, the level its value sits
at: 0 below both thresholds, 1 at the forebyggelse threshold only, 2 at the
list threshold (which implies the forebyggelse one: the catalogue checks the
nesting). A known criterion has one level; an unknown one every level its
thresholds allow (K3 from 2021 cuts both levels at 60 %, so only 0 or 2).
Unknowns are treated as free: no bounds are derived from partial sums
(domain.md §2 [convention]: no bounding or imputation).

The enumeration is set-based: the distinct patterns of possible levels
(bounded by the catalogue, not by the number of areas; in practice a few
dozen) are expanded to their completions, evaluated with the catalogue's rules and folded back with
all()/any(), then joined to the areas.
"""

from __future__ import annotations

from collections.abc import Callable

import polars as pl
import polars.selectors as cs

from indicators.catalogue import STATUS_COLUMNS, Catalogue, Level, Regime, Threshold
from indicators.status_rules import status_expressions

KEY = ["area_id", "year"]
LEVEL_NONE, LEVEL_FOREBYGGELSE, LEVEL_MAIN = 0, 1, 2

AREA_STATUS_SCHEMA = {
    "area_id": pl.Utf8,
    "year": pl.Int32,
    "regime": pl.Utf8,
    "residents": pl.Int64,
    "eligible": pl.Boolean,
    "criteria_met": pl.Int32,
    **{name: pl.Boolean for name in STATUS_COLUMNS},
    "kombineret_udlejning": pl.Boolean,
}


def regime_in_force_expr(catalogue: Catalogue, year: pl.Expr) -> pl.Expr:
    """The regime whose rules applied in list year `year` (NULL before the first list)."""
    expr = pl.lit(None, pl.Utf8)
    for regime_id in reversed(catalogue.regime_ids):
        regime = catalogue.regimes[regime_id]
        in_force = year >= regime.in_force_from
        if regime.in_force_to is not None:
            in_force = in_force & (year <= regime.in_force_to)
        expr = pl.when(in_force).then(pl.lit(regime_id)).otherwise(expr)
    return expr


def _can_be(flag: pl.Expr, value: bool) -> pl.Expr:
    """Whether a three-valued flag could be `value` (NULL could be either)."""
    return flag.fill_null(True) if value else ~flag.fill_null(False)


def _bits(*possible: pl.Expr) -> pl.Expr:
    """Bitmask with bit i set when value i is possible."""
    return pl.sum_horizontal([p.cast(pl.Int32) * (1 << i) for i, p in enumerate(possible)])


def flag_mask(flag: pl.Expr) -> pl.Expr:
    """Possible values of a three-valued flag: bit 0 FALSE, bit 1 TRUE."""
    return _bits(_can_be(flag, False), _can_be(flag, True))


def level_mask(main: pl.Expr, forebyggelse: pl.Expr | None, same_thresholds: bool) -> pl.Expr:
    """Possible levels (bits 0, 1, 2) of a criterion from its two met flags."""
    fb = main if forebyggelse is None else forebyggelse
    fb_only_possible = pl.lit(not same_thresholds) & _can_be(main, False) & _can_be(fb, True)
    return _bits(
        _can_be(main, False) & _can_be(fb, False),
        fb_only_possible,
        _can_be(main, True) & _can_be(fb, True),
    )


def decide(
    frame: pl.DataFrame,
    masks: dict[str, int],
    outcomes: Callable[[], dict[str, pl.Expr]],
) -> pl.DataFrame:
    """Join to `frame` the three-valued outcomes over all completions.

    `masks` maps each mask column to its number of values; in `outcomes`,
    `pl.col("_v_<mask column>")` is that variable's value in a completion.
    """
    columns = list(masks)
    completions = frame.select(columns).unique()
    for column, n_values in masks.items():
        values = pl.concat_list(
            [pl.when((pl.col(column) & (1 << v)) != 0).then(pl.lit(v, pl.Int32))
             for v in range(n_values)]
        ).list.drop_nulls()
        completions = completions.with_columns(values.alias(f"_v_{column}")).explode(
            f"_v_{column}"
        )
    exprs = outcomes()
    decided = completions.with_columns(**exprs).group_by(columns).agg(
        pl.when(pl.col(name).all())
        .then(pl.lit(True))
        .when(~pl.col(name).any())
        .then(pl.lit(False))
        .otherwise(pl.lit(None, pl.Boolean))
        .alias(name)
        for name in exprs
    )
    return frame.join(decided, on=columns, how="left")


def _regime_statuses(
    regime_id: str, regime: Regime, indicator_values: pl.DataFrame, residents: pl.DataFrame
) -> pl.DataFrame:
    frame = residents
    own = indicator_values.filter(pl.col("regime") == regime_id)
    for criterion in regime.criteria:
        frame = frame.join(
            own.filter(pl.col("indicator_id") == criterion).select(
                *KEY,
                pl.col("meets_threshold").alias(f"main_{criterion}"),
                pl.col("meets_forebyggelse_threshold").alias(f"fb_{criterion}"),
            ),
            on=KEY,
            how="left",
        )
    eligible = pl.col("residents") >= regime.resident_floor
    frame = frame.with_columns(
        pl.lit(regime_id).alias("regime"),
        eligible.alias("eligible"),
        pl.sum_horizontal(
            [pl.col(f"main_{c}").fill_null(False).cast(pl.Int32)
             for c in regime.counted_criteria]
        ).cast(pl.Int32).alias("criteria_met"),
        flag_mask(eligible).alias("m_eligible"),
        *[
            level_mask(
                pl.col(f"main_{c}"),
                pl.col(f"fb_{c}") if spec.forebyggelse_threshold is not None else None,
                spec.same_thresholds,
            ).alias(f"m_{c}")
            for c, spec in regime.criteria.items()
        ],
    )

    def met(criterion: str, level: Level) -> pl.Expr:
        value = pl.col(f"_v_m_{criterion}")
        return value == LEVEL_MAIN if level == "main" else value >= LEVEL_FOREBYGGELSE

    masks = {"m_eligible": 2, **{f"m_{c}": 3 for c in regime.criteria}}
    decided = decide(
        frame, masks, lambda: status_expressions(regime, met, pl.col("_v_m_eligible") == 1)
    )
    return decided.select(
        *KEY, "regime", "residents", "eligible", "criteria_met",
        *[
            pl.col(name) if name in regime.statuses else pl.lit(None, pl.Boolean).alias(name)
            for name in STATUS_COLUMNS
        ],
    )


def _apply_lookback(statuses: pl.DataFrame, catalogue: Catalogue) -> pl.DataFrame:
    """Require a status in earlier lists too, each year under its own regime's rules.

    An earlier list year before the first list, or in which the area did not
    exist as delimited, counts as not holding the status.
    """
    headline = statuses.filter(
        pl.col("regime") == regime_in_force_expr(catalogue, pl.col("year"))
    )
    for regime_id, regime in catalogue.regimes.items():
        for name, rule in regime.statuses.items():
            if rule.lookback is None:
                continue
            earlier = []
            for k in range(1, rule.lookback.lists):
                shifted = headline.select(
                    "area_id",
                    (pl.col("year") + k).cast(pl.Int32).alias("year"),
                    pl.col(rule.lookback.status).alias(f"_held_{k}"),
                    pl.lit(True).alias(f"_found_{k}"),
                )
                statuses = statuses.join(shifted, on=KEY, how="left")
                earlier.append(
                    pl.when(pl.col(f"_found_{k}").is_null())
                    .then(pl.lit(False))
                    .otherwise(pl.col(f"_held_{k}"))
                )
            statuses = statuses.with_columns(
                pl.when(pl.col("regime") == regime_id)
                .then(pl.all_horizontal(pl.col(name), *earlier))
                .otherwise(pl.col(name))
                .alias(name)
            ).drop(cs.starts_with("_held_", "_found_"))
    return statuses


def kombineret_udlejning(
    residents: pl.DataFrame, k1_tests: pl.DataFrame, catalogue: Catalogue
) -> pl.DataFrame:
    """Kombineret udlejning per area and list year, three-valued.

    `k1_tests` holds `meets_t<i>` for the rules' thresholds in ascending
    order; they nest, so the number met is the K1 band. Residents fall in
    bands cut at the resident floors. Every completion of unknown bands is
    checked against every rule.
    """
    rule = catalogue.kombineret_udlejning
    floors = sorted({rule.resident_floor, *(r.min_residents for r in rule.rules)})
    cuts = sorted({r.threshold.value for r in rule.rules})
    frame = residents.join(k1_tests, on=KEY, how="left")
    residents_band = pl.sum_horizontal([(pl.col("residents") >= f).cast(pl.Int32) for f in floors])
    k1_band = pl.sum_horizontal([pl.col(f"meets_t{i}").cast(pl.Int32) for i in range(len(cuts))])
    k1_known = pl.all_horizontal([pl.col(f"meets_t{i}").is_not_null() for i in range(len(cuts))])
    frame = frame.with_columns(
        pl.when(pl.col("residents").is_null())
        .then(pl.lit((1 << (len(floors) + 1)) - 1))
        .otherwise(pl.lit(2).pow(residents_band))
        .cast(pl.Int32)
        .alias("m_residents"),
        pl.when(k1_known)
        .then(pl.lit(2).pow(k1_band))
        .otherwise(pl.lit((1 << (len(cuts) + 1)) - 1))
        .cast(pl.Int32)
        .alias("m_k1"),
    )

    def outcome() -> dict[str, pl.Expr]:
        band_r, band_k1 = pl.col("_v_m_residents"), pl.col("_v_m_k1")
        above_floor = band_r >= floors.index(rule.resident_floor) + 1
        any_rule = pl.any_horizontal(
            (band_r >= floors.index(r.min_residents) + 1)
            & (band_k1 >= cuts.index(r.threshold.value) + 1)
            for r in rule.rules
        )
        return {"kombineret_udlejning": above_floor & any_rule}

    masks = {"m_residents": len(floors) + 1, "m_k1": len(cuts) + 1}
    return decide(frame, masks, outcome).select(*KEY, "kombineret_udlejning")


def kombi_thresholds(catalogue: Catalogue) -> dict[str, Threshold]:
    """The kombineret-udlejning thresholds keyed t0, t1, ... in ascending order."""
    by_value = {r.threshold.value: r.threshold for r in catalogue.kombineret_udlejning.rules}
    return {f"t{i}": by_value[v] for i, v in enumerate(sorted(by_value))}


def area_status(
    indicator_values: pl.DataFrame,
    residents: pl.DataFrame,
    k1_tests: pl.DataFrame,
    catalogue: Catalogue,
) -> pl.DataFrame:
    """mart.area_status from indicator values, residents and the kombi K1 tests."""
    residents = residents.select(pl.col("area_id"), pl.col("year").cast(pl.Int32), "residents")
    frames = [
        _regime_statuses(regime_id, catalogue.regimes[regime_id], indicator_values, residents)
        for regime_id in catalogue.regime_ids
    ]
    statuses = _apply_lookback(pl.concat(frames), catalogue)
    kombi = kombineret_udlejning(residents, k1_tests, catalogue)
    return (
        statuses.join(kombi, on=KEY, how="left")
        .select(list(AREA_STATUS_SCHEMA))
        .cast(AREA_STATUS_SCHEMA)  # type: ignore[arg-type]
        .sort("area_id", "year", "regime")
    )
