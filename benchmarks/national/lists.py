"""The generator's own rough evaluation of the area lists, from its panel.

Used for two things only: to print how many areas the generated country puts
on each list (so the distributions can be tuned to the published counts,
domain.md §2), and to write `reference/official_status.csv` (the "published"
lists the product compares itself with). It is deliberately simpler than the
product: two-valued (an unknown criterion counts as not met), floats instead
of exact fractions. The product's own figures may differ at the edges, as a
real published list may differ from a recomputation.
"""

from __future__ import annotations

import polars as pl

from benchmarks.national.panel import MAAL, TENTHS
from benchmarks.national.references import NATIONAL_DOMTE, regional_income

LIST_YEARS = list(range(2010, 2025))
OFFSETS = range(0, 5)  # data years L-0 .. L-4


def _members_by_list_year(membership: list[tuple]) -> pl.DataFrame:
    rows = [(area, afd, year) for area, afd, first, last in membership
            for year in LIST_YEARS if first <= year <= (last or 9999)]
    return pl.DataFrame(rows, schema={"area_id": pl.Utf8, "afdeling_id": pl.Utf8,
                                      "list_year": pl.Int32}, orient="row")


def area_sums(panel: pl.DataFrame, membership: list[tuple]) -> pl.DataFrame:
    """Per area, list year and offset k: each measure summed over the list year's
    members, NULL when a member lacks the cell or has it suppressed."""
    members = _members_by_list_year(membership)
    size = members.group_by("area_id", "list_year").agg(pl.len().alias("n_members"))
    known = panel.select(
        "afdeling_id", "aar", "region_code",
        *[pl.when((pl.col("suppressed") & (1 << i)) != 0).then(None).otherwise(pl.col(m))
          .alias(m) for i, m in enumerate(MAAL)],
    )
    offsets = pl.DataFrame({"k": list(OFFSETS)}, schema={"k": pl.Int32})
    joined = (
        members.join(offsets, how="cross")
        .with_columns((pl.col("list_year") - pl.col("k")).alias("aar"))
        .join(known, on=["afdeling_id", "aar"], how="inner")
    )
    sums = joined.group_by("area_id", "list_year", "k").agg(
        pl.len().alias("n_rows"),
        pl.col("region_code").first(),
        *[pl.col(m).sum().alias(m) for m in MAAL],
        *[pl.col(m).null_count().alias(f"_nulls_{m}") for m in MAAL],
    ).join(size, on=["area_id", "list_year"])
    complete = pl.col("n_rows") == pl.col("n_members")
    return sums.select(
        "area_id", "list_year", "k", "region_code",
        *[pl.when(complete & (pl.col(f"_nulls_{m}") == 0)).then(pl.col(m)).alias(m)
          for m in MAAL],
    )


def evaluate(panel: pl.DataFrame, membership: list[tuple]) -> pl.DataFrame:
    """One row per area and list year with the statuses the rules in force give."""
    sums = area_sums(panel, membership)
    national = pl.DataFrame(
        {"aar": list(map(int, NATIONAL_DOMTE)), "nat": list(map(float, NATIONAL_DOMTE.values()))},
        schema={"aar": pl.Int32, "nat": pl.Float64})
    regional = pl.DataFrame([(r, y, float(v)) for (r, y), v in regional_income().items()],
                            schema={"region_code": pl.Int32, "aar": pl.Int32,
                                    "reg": pl.Float64}, orient="row")
    rates = sums.with_columns((pl.col("list_year") - pl.col("k")).alias("aar")).join(
        national, on="aar", how="left").join(regional, on=["region_code", "aar"], how="left"
    ).select(
        "area_id", "list_year", "k",
        pl.col("beboere").alias("res"),
        (100 * pl.col(TENTHS) / 10 / pl.col("beboere_18_64")).alias("k1"),
        (100 * pl.col("domte_18plus") / pl.col("beboere_18plus")).alias("k2"),
        pl.col("nat"),
        (100 * pl.col("grundskole_30_59") / pl.col("beboere_30_59")).alias("k3"),
        (100 * (pl.col("grundskole_30_59") + pl.col("uoplyst_udd_30_59"))
         / pl.col("beboere_30_59")).alias("k3_incl"),
        (100 * pl.col("bruttoindkomst_15_64") / pl.col("skattepligtige_15_64")
         / pl.col("reg")).alias("k4"),
        (100 * pl.col("ikkevestlige") / pl.col("beboere")).alias("k5"),
    )
    wide = rates.pivot(on="k", index=["area_id", "list_year"],
                       values=["res", "k1", "k2", "nat", "k3", "k3_incl", "k4", "k5"])

    def c(name: str, k: int) -> pl.Expr:
        column = f"{name}_{k}"
        return pl.col(column) if column in wide.columns else pl.lit(None, pl.Float64)

    def met(expr: pl.Expr) -> pl.Expr:
        return expr.fill_null(False).cast(pl.Int32)

    k1_2 = pl.when(c("k1", 1).is_not_null() & c("k1", 2).is_not_null()).then(
        (c("k1", 1) + c("k1", 2)) / 2)
    k2_2 = pl.when(c("k2", 1).is_not_null() & c("k2", 2).is_not_null()).then(
        (c("k2", 1) + c("k2", 2)) / 2)
    nat_2 = (c("nat", 1) + c("nat", 2)) / 2
    k1_4 = (c("k1", 1) + c("k1", 2) + c("k1", 3) + c("k1", 4)) / 4
    k2_4 = (c("k2", 1) + c("k2", 2) + c("k2", 3) + c("k2", 4)) / 4
    eligible = (c("res", 0) >= 1000).fill_null(False)
    year = pl.col("list_year")
    ghetto_2010 = (met(k1_4 > 40) + met(k2_4 > 2.7) + met(c("k5", 0) > 50)) >= 2
    ghetto_2013 = (met(k1_2 > 40) + met(k2_2 > 2.7) + met(c("k3_incl", 1) > 50)
                   + met(c("k4", 1) < 55) + met(c("k5", 0) > 50)) >= 3
    udsat = (met(k1_2 > 40) + met(k2_2 >= 3 * nat_2) + met(c("k3", 1) > 60)
             + met(c("k4", 1) < 55)) >= 2
    fb_count = (met(k1_2 > 30) + met(k2_2 >= 2 * nat_2) + met(c("k3", 1) > 60)
                + met(c("k4", 1) < 65))
    statuses = wide.select(
        "area_id", pl.col("list_year").alias("year"), c("res", 0).alias("residents"),
        (eligible & (year >= 2018) & udsat).alias("udsat"),
        (eligible & pl.when(year <= 2012).then(ghetto_2010)
         .when(year <= 2017).then(ghetto_2013)
         .otherwise(udsat & (c("k5", 0) > 50).fill_null(False))).alias("parallelsamfund"),
        (eligible & (year >= 2021) & ~udsat & (c("k5", 0) > 30).fill_null(False)
         & (fb_count >= 2)).alias("forebyggelsesomraade"),
    ).sort("area_id", "year")
    # Omdannelse: parallelsamfund in each of the last five lists (2018 rules on).
    held = statuses.select("area_id", "year", "parallelsamfund")
    for back in range(1, 5):
        statuses = statuses.join(
            held.with_columns(pl.col("year") + back).rename({"parallelsamfund": f"_p{back}"}),
            on=["area_id", "year"], how="left")
    return statuses.with_columns(
        ((pl.col("year") >= 2018) & pl.all_horizontal(
            "parallelsamfund", *[pl.col(f"_p{b}").fill_null(False) for b in range(1, 5)]))
        .alias("omdannelsesomraade")
    ).drop([f"_p{b}" for b in range(1, 5)])


STATUS_NAMES = ["udsat", "parallelsamfund", "omdannelsesomraade", "forebyggelsesomraade"]


def counts(statuses: pl.DataFrame) -> pl.DataFrame:
    """Areas per list year: eligible (1,000+ residents) and on each list."""
    return statuses.group_by("year").agg(
        (pl.col("residents") >= 1000).sum().alias("eligible"),
        *[pl.col(s).sum().alias(s) for s in STATUS_NAMES],
    ).sort("year")


def official_rows(statuses: pl.DataFrame) -> list[tuple[str, int, str]]:
    """(area_id, year, status) for every status held, as reference/official_status.csv."""
    rows = []
    for name in STATUS_NAMES:
        held = statuses.filter(pl.col(name)).select("area_id", "year")
        rows += [(a, y, name) for a, y in held.iter_rows()]
    return sorted(rows)
