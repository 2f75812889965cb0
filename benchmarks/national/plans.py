"""Social-housing plans for about 60 areas, half of them with planted register effects.

The effect benchmark needs a truth to compare the published intervals with. Each plan
covers one to three areas (no area in two plans, so the comparison pools stay simple),
starts in 2009-2019 (three pre years from 2006 on) and lasts 3-7 years (at least two
post years, domain.md §8). Half of the plans get a planted effect on K1-K5: from the
year after the start to the end, every afdeling of the area's start-year delimitation
has its numerator shifted so that the area's annual rate moves by the planted size
(times a per-year jitter of ±20 %, the noise). The area's shift, rounded to a whole
unit, is spread over the afdelinger in proportion to their own numerator (or, for
income, their taxpayers) by largest remainders, so no count goes below zero and the
area's sum moves by exactly that whole number.
The other plans change nothing: their truth is 0.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import polars as pl

from benchmarks.national.panel import TENTHS
from benchmarks.national.rand import stream, uniform_series
from benchmarks.national.references import regional_income
from benchmarks.national.register import LAST_YEAR, Register

PLAN_AREAS = 60  # at scale 1; in proportion below it, at least 6
MIN_RESIDENTS = 300  # planned 2015 residents: plans go where there is someone to help
PLANTED_FILE = "planted_effects.csv"


@dataclass(frozen=True)
class Planted:
    """How one indicator's effect is planted: the numerator measure, the denominator the
    rate is taken of, the room a rise has (the numerator may not pass its population),
    and the range of the planted size."""
    indicator_id: str
    numerator: str
    denominator: str
    room: pl.Expr  # how far the numerator may rise in one afdeling-year
    scale: float  # numerator units per percentage point of one denominator unit
    low: float
    high: float


def _room(population: str, *taken: str, units: int = 1) -> pl.Expr:
    return (units * pl.col(population) - pl.sum_horizontal(*taken)).clip(0)


PLANTED = [
    Planted("k1_uden_tilknytning", TENTHS, "beboere_18_64",
            _room("beboere_18_64", TENTHS, units=10), 10 / 100, -4.0, -1.5),
    Planted("k2_domte", "domte_18plus", "beboere_18plus",
            _room("beboere_18plus", "domte_18plus"), 1 / 100, -0.6, -0.2),
    Planted("k3_grundskole", "grundskole_30_59", "beboere_30_59",
            _room("beboere_30_59", "grundskole_30_59", "uoplyst_udd_30_59"), 1 / 100,
            -4.0, -1.5),
    # Income in % of the regional mean: a point is 1 % of the regional mean per taxpayer.
    Planted("k4_indkomst", "bruttoindkomst_15_64", "skattepligtige_15_64",
            pl.col("skattepligtige_15_64"), 1 / 100, 1.5, 5.0),
    Planted("k5_ikkevestlige", "ikkevestlige", "beboere", _room("beboere", "ikkevestlige"),
            1 / 100, -3.0, -1.0),
]
# A fall is planted only where the area has at least this many times the fall in its
# numerator in every post year (else clipping at zero would shrink it); elsewhere the
# same size is planted as a rise.
FALL_ROOM = 2.0


@dataclass
class Plans:
    rows: list[tuple[str, str, str, int, int | None]]  # plan_id, name, area, start, end
    truth: pl.DataFrame  # plan_id, area_id, indicator_id, start_year, end_year, effect


def plan_areas(seed: int, scale: float, register: Register) -> Plans:
    """Draw the plans and their planted sizes (a pure function of seed and register)."""
    rng = stream(seed, "plans")
    wanted = max(6, round(PLAN_AREAS * min(1.0, scale)))
    members = {a for a, _, _, _ in register.membership}
    pool = sorted((a for a in register.areas
                   if a.residents >= MIN_RESIDENTS and a.area_id in members),
                  key=lambda a: a.area_id)
    rng.shuffle(pool)
    pool = pool[:wanted]
    years: dict[str, set[int]] = {}
    for area, _, first, last in register.membership:
        years.setdefault(area, set()).update(range(first, (last or LAST_YEAR) + 1))
    rows, truth, k = [], [], 0
    while pool:
        size = min(len(pool), rng.choice((1, 1, 2, 3)))
        group, pool = pool[:size], pool[size:]
        length = rng.randint(3, 7)
        # An area only has a plan in years it exists (a split creates new areas), from
        # three years before the start, so that its windows can be known.
        starts = [y for y in range(2009, 2020)
                  if all(set(range(y - 3, min(y + length, LAST_YEAR + 1))) <= years[a.area_id]
                         for a in group)]
        if not starts:
            continue
        start = rng.choice(starts)
        end = start + length - 1
        k += 1
        plan_id = f"plan_{k:03d}"
        ongoing = end > LAST_YEAR
        name = f"Helhedsplan {group[0].name} {start}" + ("" if ongoing else f"-{end}")
        effective = k % 2 == 1  # every other plan has a planted effect
        sizes = {p.indicator_id: (round(rng.uniform(p.low, p.high), 2) if effective else 0.0)
                 for p in PLANTED}
        for area in group:
            rows.append((plan_id, name, area.area_id, start, None if ongoing else end))
            truth += [(plan_id, area.area_id, ind, start, min(end, LAST_YEAR), d)
                      for ind, d in sizes.items()]
    frame = pl.DataFrame(truth, orient="row", schema={
        "plan_id": pl.Utf8, "area_id": pl.Utf8, "indicator_id": pl.Utf8,
        "start_year": pl.Int32, "end_year": pl.Int32, "effect": pl.Float64})
    return Plans(rows=rows, truth=frame)


def plant_effects(panel: pl.DataFrame, plans: Plans, register: Register,
                  seed: int) -> pl.DataFrame:
    """The panel with every planted effect applied to its numerators; `plans.truth`
    gets each effect's sign as planted (a fall the area has no room for is a rise)."""
    membership = pl.DataFrame(register.membership, orient="row", schema={
        "area_id": pl.Utf8, "afdeling_id": pl.Utf8, "valid_from": pl.Int32,
        "valid_to": pl.Int32})
    truth = plans.truth.filter(pl.col("effect") != 0)
    if truth.is_empty():
        return panel
    # The delimitation of the start year holds for every data year (domain.md §8).
    members = truth.select("area_id", "start_year", "end_year").unique().join(
        membership, on="area_id").filter(
        (pl.col("valid_from") <= pl.col("start_year"))
        & (pl.col("valid_to").is_null() | (pl.col("valid_to") >= pl.col("start_year")))
    ).select("area_id", "afdeling_id", "start_year", "end_year")
    rows = members.join(panel, on="afdeling_id").filter(
        (pl.col("aar") > pl.col("start_year")) & (pl.col("aar") <= pl.col("end_year"))
    ).unique(["afdeling_id", "aar"], keep="first", maintain_order=True)
    regional = pl.DataFrame([(r, y, float(v)) for (r, y), v in regional_income().items()],
                            schema={"region_code": pl.Int32, "aar": pl.Int32,
                                    "regional": pl.Float64}, orient="row")
    rows = rows.join(regional, on=["region_code", "aar"], how="left")
    years = rows.select("area_id", "aar").unique().sort("area_id", "aar")
    jitter = years.with_columns(
        (0.8 + 0.4 * uniform_series(seed, "plans|jitter", years.height)).alias("jitter"))
    rows = rows.join(jitter, on=["area_id", "aar"])
    flipped = []
    for p in PLANTED:
        size = truth.filter(pl.col("indicator_id") == p.indicator_id).select(
            "area_id", pl.col("effect").alias("d"))
        per_unit = pl.col("regional") if p.indicator_id == "k4_indkomst" else pl.lit(1.0)
        shift = (pl.col("d").abs() * pl.col("jitter") * p.scale * per_unit
                 * pl.col(p.denominator).sum().over("area_id", "aar")).round()
        planned = rows.join(size, on="area_id").with_columns(
            shift.alias("magnitude"),
            pl.col(p.numerator).sum().over("area_id", "aar").alias("held"))
        falls = planned.group_by("area_id").agg(
            ((pl.col("d") < 0) & (pl.col("held") >= FALL_ROOM * pl.col("magnitude")))
            .all().alias("falls"))
        flipped.append(falls.select("area_id", pl.lit(p.indicator_id).alias("indicator_id"),
                                    pl.when(pl.col("falls")).then(-1.0).otherwise(1.0)
                                    .alias("sign")))
        planned = planned.join(falls, on="area_id").with_columns(
            pl.when(pl.col("falls")).then(-pl.col("magnitude")).otherwise(pl.col("magnitude"))
            .alias("area_shift"),
            pl.when(pl.col("falls")).then(pl.col(p.numerator).cast(pl.Float64))
            .otherwise(p.room.cast(pl.Float64)).alias("weight"),
        )
        shifted = planned.with_columns(
            (pl.col("weight") / pl.col("weight").sum().over("area_id", "aar"))
            .fill_nan(0.0).alias("share"),
        ).with_columns(
            (pl.col("area_shift") * pl.col("share")).alias("ideal"),
        ).with_columns(
            pl.col("ideal").floor().alias("base"),
        ).with_columns(
            # Largest remainders: the afdelinger's shifts add up to the area's exactly.
            (pl.col("area_shift") - pl.col("base").sum().over("area_id", "aar"))
            .alias("missing"),
            (pl.col("ideal") - pl.col("base")).rank("ordinal", descending=True)
            .over("area_id", "aar").alias("rank"),
        ).select(
            "afdeling_id", "aar",
            (pl.col(p.numerator) + pl.col("base").cast(pl.Int64)
             + (pl.col("rank") <= pl.col("missing")).cast(pl.Int64)).clip(0).alias("_new"),
        )
        # Keep the panel's row order: the deliveries are written in it.
        panel = panel.join(shifted, on=["afdeling_id", "aar"], how="left",
                           maintain_order="left").with_columns(
            pl.coalesce("_new", p.numerator).alias(p.numerator)).drop("_new")
    signs = pl.concat(flipped)
    plans.truth = plans.truth.join(signs, on=["area_id", "indicator_id"], how="left",
                                   maintain_order="left").with_columns(
        (pl.col("effect").abs() * pl.col("sign").fill_null(1.0)).alias("effect")).drop("sign")
    return panel


def write_plans(path: Path, plans: Plans) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = ["plan_id;plan_name;area_id;start_year;end_year"]
    lines += [f"{p};{n};{a};{s};{'' if e is None else e}" for p, n, a, s, e in plans.rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def planted_path(out: Path) -> Path:
    """The truth lives beside the data directory, where no refresh reads it."""
    return out.parent / f"{out.name}.{PLANTED_FILE}"


def write_truth(path: Path, plans: Plans) -> None:
    plans.truth.write_csv(path, separator=";")
