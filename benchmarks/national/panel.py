"""Every afdeling's eleven KÅS measures for every data year, as one wide frame.

One row per afdeling and data year (from the year it exists); one Int64
column per measure (uden_tilknytning in integer tenths of full-time persons,
since DST delivers it with one decimal), a bitmask `suppressed` (bit i set:
measure MAAL[i] is '..') and the two columns that decide which cells an
earlier delivery carried before revision. Built bottom-up and vectorised: an
afdeling's rates follow its latent score `z` drifting by `slope` per year,
counts are rounded stochastically so that many small afdelinger do not bias
their area's sums.
"""

from __future__ import annotations

import polars as pl

from benchmarks.national.rand import uniform_series
from benchmarks.national.references import NATIONAL_DOMTE, YEARS, regional_income
from benchmarks.national.register import Register

MAAL = ["beboere", "beboere_18_64", "uden_tilknytning_18_64", "beboere_18plus",
        "domte_18plus", "beboere_30_59", "grundskole_30_59", "uoplyst_udd_30_59",
        "skattepligtige_15_64", "bruttoindkomst_15_64", "ikkevestlige"]
TENTHS = "uden_tilknytning_18_64"
# DST suppresses small counts: numerators of 1-2 persons in small afdelinger.
SMALL_NUMERATORS = [TENTHS, "domte_18plus", "grundskole_30_59", "uoplyst_udd_30_59",
                    "ikkevestlige"]
SMALL_AFDELING, TINY_AFDELING = 40, 10  # residents
REVISED_SHARE = 0.003  # rows with one cell that an earlier delivery had differently

_NOISE = ["res", "a18", "a1864", "a3059", "k1", "k2", "k3", "k4", "k5", "r_domte", "r_grund",
          "r_uoplyst", "r_ikv", "tax", "income", "rev", "rev_maal"]


def _register_frame(register: Register) -> pl.DataFrame:
    afd = register.afdelinger
    return pl.DataFrame({
        "afdeling_id": [a.afdeling_id for a in afd],
        "region_code": [a.municipality.region for a in afd],
        "residents0": [a.residents for a in afd],
        "start_year": [a.start_year for a in afd],
        "z0": [a.z for a in afd],
        "slope": [a.slope for a in afd],
        "growth": [a.growth for a in afd],
        **{f"off_{c}": [a.offsets[c] for a in afd] for c in ("k1", "k2", "k3", "k4", "k5")},
    }, schema_overrides={"region_code": pl.Int32, "start_year": pl.Int32})


def _centered(name: str, width: float) -> pl.Expr:
    """Uniform noise of the given total width around 0."""
    return (pl.col(f"u_{name}") - 0.5) * width


def _sround(expr: pl.Expr, noise: str) -> pl.Expr:
    """Stochastic rounding to a whole number (unbiased for small expected counts)."""
    return (expr + pl.col(f"u_{noise}")).floor().cast(pl.Int64)


def build_panel(register: Register, seed: int) -> pl.DataFrame:
    years = pl.DataFrame({"aar": YEARS}, schema={"aar": pl.Int32})
    frame = (
        _register_frame(register).join(years, how="cross")
        .filter(pl.col("aar") >= pl.col("start_year"))
        .sort("afdeling_id", "aar")
    )
    n = frame.height
    frame = frame.with_columns(uniform_series(seed, f"panel|{name}", n).alias(f"u_{name}")
                               for name in _NOISE)
    national = pl.DataFrame({"aar": YEARS, "national": [float(v) for v in NATIONAL_DOMTE.values()]},
                            schema={"aar": pl.Int32, "national": pl.Float64})
    regional = pl.DataFrame(
        [(r, y, float(v)) for (r, y), v in regional_income().items()],
        schema={"region_code": pl.Int32, "aar": pl.Int32, "regional": pl.Float64}, orient="row")
    frame = frame.join(national, on="aar").join(regional, on=["region_code", "aar"])

    t = pl.col("aar") - 2015
    z = pl.col("z0") + pl.col("slope") * t
    frame = frame.with_columns(
        (pl.col("residents0") * (pl.col("growth") * t).exp() * (1 + _centered("res", 0.06)))
        .round().clip(3).cast(pl.Int64).alias("beboere"),
        z.alias("z"),
        *[(z + pl.col(f"off_{c}") + _centered(c, 0.3)).alias(f"z_{c}")
          for c in ("k1", "k2", "k3", "k4", "k5")],
    )
    res = pl.col("beboere")
    frame = frame.with_columns(
        (res * (0.76 - 0.025 * pl.col("z") + _centered("a18", 0.04)).clip(0.6, 0.9))
        .round().cast(pl.Int64).alias("beboere_18plus"),
    ).with_columns(
        pl.min_horizontal(
            pl.col("beboere_18plus"),
            (res * (0.60 + 0.01 * pl.col("z") + _centered("a1864", 0.04)).clip(0.45, 0.75))
            .round().cast(pl.Int64),
        ).alias("beboere_18_64"),
    ).with_columns(
        pl.min_horizontal(
            pl.col("beboere_18_64"),
            (res * (0.37 + _centered("a3059", 0.03))).round().cast(pl.Int64),
        ).alias("beboere_30_59"),
        (pl.col("beboere_18_64") * (0.9 + _centered("tax", 0.06)).clip(0.8, 0.97))
        .round().cast(pl.Int64).alias("skattepligtige_15_64"),
    )
    k1 = (25 + 8.5 * pl.col("z_k1")).clip(2, 80)
    k2_ratio = (1.2 + 0.95 * pl.col("z_k2")).clip(0.05, 10)
    k3 = (28 + 11 * pl.col("z_k3")).clip(3, 90)
    uoplyst = (6 + 1.5 * pl.col("z")).clip(1, 20)
    k4 = (80 - 13.5 * pl.col("z_k4")).clip(30, 150)
    k5 = (20 + 16 * pl.col("z_k5")).clip(0, 95)
    frame = frame.with_columns(
        (k1 / 10 * pl.col("beboere_18_64")).round().cast(pl.Int64).alias(TENTHS),
        pl.min_horizontal(
            pl.col("beboere_18plus"),
            _sround(k2_ratio * pl.col("national") / 100 * pl.col("beboere_18plus"), "r_domte"),
        ).alias("domte_18plus"),
        pl.min_horizontal(
            pl.col("beboere_30_59"), _sround(k3 / 100 * pl.col("beboere_30_59"), "r_grund")
        ).alias("grundskole_30_59"),
        (pl.col("skattepligtige_15_64") * pl.col("regional") * k4 / 100
         * (1 + _centered("income", 0.04))).round().cast(pl.Int64).alias("bruttoindkomst_15_64"),
        pl.min_horizontal(res, _sround(k5 / 100 * res, "r_ikv")).alias("ikkevestlige"),
    ).with_columns(
        pl.min_horizontal(
            pl.col("beboere_30_59") - pl.col("grundskole_30_59"),
            _sround(uoplyst / 100 * pl.col("beboere_30_59"), "r_uoplyst"),
        ).alias("uoplyst_udd_30_59"),
    )
    return frame.select(
        "afdeling_id", "region_code", "aar", *MAAL,
        _suppression_mask().alias("suppressed"),
        (pl.col("u_rev") < REVISED_SHARE).alias("revised_earlier"),
        (pl.col("u_rev_maal") * len(MAAL)).floor().cast(pl.Int8).alias("revised_maal"),
    )


def _suppression_mask() -> pl.Expr:
    """Bit i set when MAAL[i] is delivered as '..'."""
    small = pl.col("beboere") < SMALL_AFDELING
    tiny = pl.col("beboere") < TINY_AFDELING
    bits = []
    for i, maal in enumerate(MAAL):
        if maal == "beboere":
            continue  # residents are always delivered: the 1,000 floor needs them
        limit = 30 if maal == TENTHS else 3
        hidden = tiny
        if maal in SMALL_NUMERATORS:
            hidden = hidden | (small & (pl.col(maal) > 0) & (pl.col(maal) < limit))
        bits.append(hidden.cast(pl.Int32) * (1 << i))
    return pl.sum_horizontal(bits).cast(pl.Int32)
