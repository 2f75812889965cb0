"""The measures beyond the criteria (contract.md's second table) for every afdeling-year.

DST's ten go to `kaas/` (one long CSV per region, UTF-8, `;`, decimal comma), the
municipalities' three and the housing organisations' two to `local/` (one long file
each, the first with BOM and CRLF, the second comma-separated). Rates follow the
afdeling's latent score `z` (the same one that drives the criteria), so areas that are
worse on the criteria are worse here too and the local model's categories spread over
red to green. Age groups are built from the criteria counts (0-17 = residents - 18+,
16-64 and 15-24 contain 18-64 and 18-24) so old and new measures never contradict.
Counts are rounded stochastically; DST's measures are '..' in afdelinger below 10
residents, as the criteria measures are.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

from benchmarks.national.geography import REGIONS
from benchmarks.national.panel import TINY_AFDELING
from benchmarks.national.rand import uniform_series
from benchmarks.national.register import Register

DST_EXTRA = ["beboere_0_17", "boern_enlig_forsoerger", "beboere_16_64",
             "offentligt_forsoergede_16_64", "beboere_18_24", "unge_uden_udd_18_24",
             "beboere_15_24", "sigtede_15_24", "tilflyttede", "fraflyttede"]
MUNICIPALITY_EXTRA = ["underretninger_0_17", "elever_0_10", "fravaersdage"]
HOUSING_EXTRA = ["lejemaal", "udsaettelser"]
EXTRA_MAAL = DST_EXTRA + MUNICIPALITY_EXTRA + HOUSING_EXTRA
EXTRA_TENTHS = "offentligt_forsoergede_16_64"  # full-time persons, one decimal, in tenths
# Dated after every KÅS delivery but not the incremental benchmark's newest date.
DST_DELIVERY = "kaas_udvidet_{region}_2025-12-01.csv"
LOCAL_MUNICIPALITY = "lokal_kommuner_2026-01-15.csv"
LOCAL_HOUSING = "lokal_boligorganisationer_2026-01-20.csv"

# Rate at z = 0 and change per unit of z, clipped to a plausible range (pct, or days
# per pupil for absence, or evictions per 100 dwellings).
RATES = {
    "single": (30.0, 7.0, 5.0, 75.0),
    "pub": (24.0, 7.5, 3.0, 85.0),
    "youth": (18.0, 5.0, 2.0, 60.0),
    "charged": (4.0, 1.5, 0.2, 20.0),
    "movein": (11.5, 1.5, 3.0, 30.0),
    "moves": (11.0, 2.0, 3.0, 30.0),
    "notif": (5.5, 2.0, 0.5, 25.0),
    "absence": (10.5, 2.5, 4.0, 30.0),
    "evict": (0.8, 0.35, 0.0, 4.0),
}
_ROUNDING = ["single", "pub", "b1824", "youth", "charged", "movein", "moves", "notif",
             "absence", "evict"]


def build_extra(panel: pl.DataFrame, register: Register, seed: int) -> pl.DataFrame:
    """One row per panel row (afdeling, data year) with the fifteen measures (public
    support in tenths) and whether DST suppressed the afdeling's cells."""
    latent = pl.DataFrame({
        "afdeling_id": [a.afdeling_id for a in register.afdelinger],
        "z0": [a.z for a in register.afdelinger],
        "slope": [a.slope for a in register.afdelinger],
    })
    frame = panel.select("afdeling_id", "region_code", "aar", "beboere", "beboere_18plus",
                         "beboere_18_64").join(latent, on="afdeling_id", how="left",
                                               maintain_order="left")
    n = frame.height
    frame = frame.with_columns(
        *[uniform_series(seed, f"local|noise|{k}", n).alias(f"n_{k}") for k in RATES],
        *[uniform_series(seed, f"local|round|{k}", n).alias(f"r_{k}") for k in _ROUNDING],
        (pl.col("z0").fill_null(0.0) + pl.col("slope").fill_null(0.0)
         * (pl.col("aar") - 2015)).alias("z"),
    )

    def rate(key: str) -> pl.Expr:
        base, per_z, low, high = RATES[key]
        return ((base + per_z * pl.col("z")) * (0.9 + 0.2 * pl.col(f"n_{key}"))).clip(low, high)

    def sround(expr: pl.Expr, key: str) -> pl.Expr:
        return (expr + pl.col(f"r_{key}")).floor().cast(pl.Int64)

    children = (pl.col("beboere") - pl.col("beboere_18plus")).clip(0)
    frame = frame.with_columns(
        children.alias("beboere_0_17"),
        sround(pl.col("beboere_18plus") * 0.12, "b1824").alias("beboere_18_24"),
    ).with_columns(
        (pl.col("beboere_18_64") + (pl.col("beboere_0_17") * 0.11).round().cast(pl.Int64))
        .alias("beboere_16_64"),
        (pl.col("beboere_18_24") + (pl.col("beboere_0_17") * 0.17).round().cast(pl.Int64))
        .alias("beboere_15_24"),
        (pl.col("beboere_0_17") * 0.6).round().cast(pl.Int64).alias("elever_0_10"),
        (pl.col("beboere") / 2.05).round().cast(pl.Int64).alias("lejemaal"),
    )
    frame = frame.with_columns(
        pl.min_horizontal("beboere_0_17", sround(pl.col("beboere_0_17") * rate("single") / 100,
                                                 "single")).alias("boern_enlig_forsoerger"),
        pl.min_horizontal(10 * pl.col("beboere_16_64"),
                          sround(10 * pl.col("beboere_16_64") * rate("pub") / 100, "pub"))
        .alias(EXTRA_TENTHS),
        pl.min_horizontal("beboere_18_24", sround(pl.col("beboere_18_24") * rate("youth") / 100,
                                                  "youth")).alias("unge_uden_udd_18_24"),
        pl.min_horizontal("beboere_15_24", sround(pl.col("beboere_15_24") * rate("charged")
                                                  / 100, "charged")).alias("sigtede_15_24"),
        sround(pl.col("beboere") * rate("movein") / 100, "movein").alias("tilflyttede"),
        sround(pl.col("beboere") * rate("moves") / 100, "moves").alias("fraflyttede"),
        pl.min_horizontal("beboere_0_17", sround(pl.col("beboere_0_17") * rate("notif") / 100,
                                                 "notif")).alias("underretninger_0_17"),
        sround(pl.col("elever_0_10") * rate("absence"), "absence").alias("fravaersdage"),
        sround(pl.col("lejemaal") * rate("evict") / 100, "evict").alias("udsaettelser"),
    )
    return frame.select("afdeling_id", "region_code", "aar", *EXTRA_MAAL,
                        (pl.col("beboere") < TINY_AFDELING).alias("tiny"))


def _long(frame: pl.DataFrame, maal: list[str], suppress: bool, decimal: str) -> pl.DataFrame:
    """afdeling_id, aar, maal, vaerdi as text, in the frame's order and `maal`'s order."""
    value = pl.col("vaerdi")
    text = pl.when(pl.col("maal") == EXTRA_TENTHS).then(
        (value // 10).cast(pl.Utf8) + decimal + (value % 10).cast(pl.Utf8)
    ).otherwise(value.cast(pl.Utf8))
    if suppress:
        text = pl.when(pl.col("tiny")).then(pl.lit("..")).otherwise(text)
    long = frame.with_row_index("_i").unpivot(
        on=maal, index=["_i", "afdeling_id", "aar", "tiny"], variable_name="maal",
        value_name="vaerdi")
    order = pl.DataFrame({"maal": maal, "_m": list(range(len(maal)))})
    return long.join(order, on="maal").sort("_i", "_m").select(
        "afdeling_id", "aar", "maal", text.alias("vaerdi"))


def write_extra(out: Path, frame: pl.DataFrame) -> list[Path]:
    """Write DST's measures into out/kaas and the local ones into out/local."""
    written = []
    for code, (slug, _) in sorted(REGIONS.items()):
        part = frame.filter(pl.col("region_code") == code)
        if part.is_empty():
            continue
        path = out / "kaas" / DST_DELIVERY.format(region=slug)
        _long(part, DST_EXTRA, True, ",").write_csv(path, separator=";")
        written.append(path)
    local = out / "local"
    local.mkdir(parents=True, exist_ok=True)
    path = local / LOCAL_MUNICIPALITY
    body = _long(frame, MUNICIPALITY_EXTRA, False, ",").write_csv(separator=";",
                                                                   line_terminator="\r\n")
    path.write_bytes(b"\xef\xbb\xbf" + body.encode("utf-8"))
    written.append(path)
    path = local / LOCAL_HOUSING
    _long(frame, HOUSING_EXTRA, False, ".").write_csv(path, separator=",")
    written.append(path)
    return written
