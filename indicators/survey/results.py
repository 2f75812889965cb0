"""mart.survey_results: shares per wave, area and item, safe to publish.

Method, and why (domain.md §3–4, contract.md):

- The share counts the item's positive codes among substantive answers only.
  "Ved ikke" and blanks are not opinions about safety; counting them in the
  denominator would make an area with many "Ved ikke" look safer.
- Every share carries its number of answers and a 95 % Wilson interval,
  because area surveys are small and rankings without n get disputed.
- An area is compared with the rest of its wave (every other respondent with
  a substantive answer), not with the wave total that contains the area
  itself, so a large area is not compared partly with itself.
- Privacy (domain.md §4, the method is ours): a figure resting on fewer than
  `min_answers` answers is not published (primary suppression); its number
  of answers stays, because the reader needs to know why the figure is
  missing. When exactly one area is suppressed, the unsuppressed area with
  the fewest answers is suppressed too (complementary suppression; ties go to
  the first area_id so the choice is reproducible). Complementary
  suppression alone does not stop group disclosure: with the wave's `all`
  row published, `all` minus the published areas gives the suppressed
  areas' total, and when that total is 0 (or all their answers) every
  suppressed area's count and share follow exactly. Therefore, for each
  wave × item with a suppressed area that has answers:
  * the `all` row is suppressed too (count, share and interval NULL, its
    `n_answers` kept), and
  * an area's `vs_rest` compares it with the rest of the *published* areas,
    so not even a significance verdict rests on suppressed answers.
  Why this is enough, also in weighted waves: every published figure is then
  a function of the published areas' answers (and weights) and of the
  numbers of answers alone; which rows are suppressed also depends on the
  numbers of answers alone. Two waves that differ only in the suppressed
  areas' answers publish identical rows, so nothing published can tell a
  suppressed area's count or share apart from any other value it could have
  (0 … n_answers); the kept `n_answers` is the same in both and discloses
  no answer. A suppressed area with no substantive answers at all hides
  nothing (its count is necessarily 0): it triggers neither complementary
  suppression nor the suppression of the `all` row. Rounding the `all` row
  was rejected: any fixed rounding grid has edges at which it still pins a
  zero total exactly.
- Weights (post-stratification): the share is the weighted share, but
  `n_answers` and `n_positive` stay unweighted counts of answers, because
  they are what the suppression rule and the reader's judgement of precision
  rest on. The interval uses Kish's effective sample size so that unequal
  weights widen it honestly, and the comparison uses the z-test on effective
  sizes (Fisher's test needs whole counts, which weighted data do not have).
"""

from __future__ import annotations

import polars as pl

from indicators.survey.items import SurveyItem
from indicators.survey.stats import (
    compare_weighted_with_rest,
    compare_with_rest,
    kish_effective_size,
    wilson_interval,
)

ALL_AREAS = "all"

RESULTS_SCHEMA = {
    "wave_id": pl.String,
    "year": pl.Int32,
    "area_id": pl.String,
    "item_id": pl.String,
    "n_answers": pl.Int64,
    "n_positive": pl.Int64,
    "share": pl.Float64,
    "ci_low": pl.Float64,
    "ci_high": pl.Float64,
    "vs_rest": pl.String,
    "suppressed": pl.Boolean,
}
ANSWER_COLUMNS = ("wave_id", "year", "area_id", "item_id", "code", "weight")
_GROUP = ["wave_id", "year", "area_id", "item_id"]
_SUMS = ["n_answers", "n_positive", "sum_w", "sum_w_positive", "sum_w2"]


def survey_results(
    answers: pl.DataFrame, items: dict[str, SurveyItem], min_answers: int = 10
) -> pl.DataFrame:
    """One row per wave × area × item, plus the wave's `all` row per item.

    `answers` is SurveyWave.answers (one or several waves stacked). Shares and
    interval bounds are in percent.
    """
    if min_answers < 0:
        raise ValueError("min_answers must not be negative")
    _check_answers(answers, items)
    weighted_waves = _weighted_waves(answers)
    areas = _area_sums(answers, items)
    totals = (
        areas.group_by(["wave_id", "year", "item_id"])
        .agg(pl.col(_SUMS).sum())
        .with_columns(pl.lit(ALL_AREAS).alias("area_id"))
    )
    areas = _with_suppression(areas, min_answers)
    hidden = (
        areas.group_by(["wave_id", "item_id"])
        .agg((pl.col("suppressed") & (pl.col("n_answers") > 0)).any().alias("hides_answers"))
    )
    totals = totals.join(hidden, on=["wave_id", "item_id"]).with_columns(
        ((pl.col("n_answers") < min_answers) | pl.col("hides_answers")).alias("suppressed")
    ).drop("hides_answers")
    # The rest an area is compared with: the other *published* areas (suppressed areas
    # with no answers add nothing, so without suppression this is the whole wave).
    published = (
        areas.filter(~pl.col("suppressed"))
        .group_by(["wave_id", "item_id"])
        .agg(*[pl.col(c).sum().alias(f"all_{c}") for c in _SUMS])
    )
    areas = areas.join(published, on=["wave_id", "item_id"], how="left").with_columns(
        pl.col("all_n_answers", "all_n_positive").fill_null(0),
        pl.col("all_sum_w", "all_sum_w_positive", "all_sum_w2").fill_null(0.0),
    )
    rows = [
        _statistics(row, is_area=True, weighted=row["wave_id"] in weighted_waves)
        for row in areas.iter_rows(named=True)
    ] + [
        _statistics(row, is_area=False, weighted=row["wave_id"] in weighted_waves)
        for row in totals.iter_rows(named=True)
    ]
    return (
        pl.DataFrame(rows, schema=RESULTS_SCHEMA, orient="row")
        .with_columns((pl.col("area_id") != ALL_AREAS).alias("_area_row"))
        .sort(["wave_id", "item_id", "_area_row", "area_id"])
        .drop("_area_row")
    )


def _check_answers(answers: pl.DataFrame, items: dict[str, SurveyItem]) -> None:
    missing = [c for c in ANSWER_COLUMNS if c not in answers.columns]
    if missing:
        raise ValueError(f"answers lack columns {missing}")
    unknown = set(answers.get_column("item_id").unique().to_list()) - items.keys()
    if unknown:
        raise ValueError(f"answers name items not in the catalogue: {sorted(unknown)}")
    if (answers.get_column("area_id") == ALL_AREAS).any():
        raise ValueError(f"{ALL_AREAS!r} is reserved for the whole wave; no area may use it")
    if answers.get_column("area_id").null_count():
        raise ValueError("every answer needs an area_id")
    years = answers.group_by("wave_id").agg(pl.col("year").n_unique().alias("years"))
    if (years.get_column("years") > 1).any():
        raise ValueError("a wave must have a single year")


def _weighted_waves(answers: pl.DataFrame) -> set[str]:
    """Waves whose answers all carry weights; a wave with some weights missing is an error."""
    per_wave = answers.group_by("wave_id").agg(
        pl.col("weight").is_not_null().all().alias("all_weighted"),
        pl.col("weight").is_null().all().alias("none_weighted"),
    )
    mixed = per_wave.filter(~pl.col("all_weighted") & ~pl.col("none_weighted"))
    if mixed.height:
        raise ValueError(
            "weights must be given for all or none of a wave's answers: "
            f"{sorted(mixed.get_column('wave_id').to_list())}"
        )
    return set(per_wave.filter(pl.col("all_weighted")).get_column("wave_id").to_list())


def _area_sums(answers: pl.DataFrame, items: dict[str, SurveyItem]) -> pl.DataFrame:
    """Counts and weight sums of substantive answers per wave, area and item.

    Areas present in a wave whose answers to an item are all blank or "Ved
    ikke" keep a row with zero answers.
    """
    substantive_codes = pl.DataFrame(
        [
            (item_id, code, code in item.positive_codes)
            for item_id, item in items.items()
            for code in sorted(item.valid_codes)
        ],
        schema={"item_id": pl.String, "code": pl.Int64, "is_positive": pl.Boolean},
        orient="row",
    )
    substantive = answers.with_columns(pl.col("code").cast(pl.Int64)).join(
        substantive_codes, on=["item_id", "code"], how="inner"
    )
    weight = pl.col("weight").cast(pl.Float64)
    sums = substantive.group_by(_GROUP).agg(
        pl.len().cast(pl.Int64).alias("n_answers"),
        pl.col("is_positive").sum().cast(pl.Int64).alias("n_positive"),
        weight.sum().alias("sum_w"),
        weight.filter(pl.col("is_positive")).sum().alias("sum_w_positive"),
        (weight * weight).sum().alias("sum_w2"),
    )
    present = answers.select(pl.col("wave_id"), pl.col("year").cast(pl.Int32), "area_id",
                             "item_id").unique()
    return (
        present.join(sums.with_columns(pl.col("year").cast(pl.Int32)), on=_GROUP, how="left")
        .with_columns(
            pl.col("n_answers", "n_positive").fill_null(0),
            pl.col("sum_w", "sum_w_positive", "sum_w2").fill_null(0.0),
        )
    )


def _with_suppression(areas: pl.DataFrame, min_answers: int) -> pl.DataFrame:
    """Primary suppression below min_answers, then complementary suppression."""
    wave_item = ["wave_id", "item_id"]
    primary = pl.col("n_answers") < min_answers
    # Only a suppressed area with answers has a count worth protecting.
    protected = (primary & (pl.col("n_answers") > 0)).sum().over(wave_item)
    # After sorting, the first unsuppressed row of a wave × item has the fewest
    # answers (ties: first area_id).
    position = pl.int_range(pl.len()).over([*wave_item, "primary"])
    return (
        areas.with_columns(primary.alias("primary"))
        .sort([*wave_item, "primary", "n_answers", "area_id"])
        .with_columns(
            (
                pl.col("primary") | (~pl.col("primary") & (protected == 1) & (position == 0))
            ).alias("suppressed")
        )
        .drop("primary")
    )


def _statistics(row: dict, *, is_area: bool, weighted: bool) -> tuple:
    """The published row: share, interval and comparison, or NULLs when suppressed."""
    n, k = row["n_answers"], row["n_positive"]
    key = (row["wave_id"], row["year"], row["area_id"], row["item_id"], n)
    if row["suppressed"]:
        return (*key, None, None, None, None, None, True)
    if n == 0:
        return (*key, k, None, None, None, None, False)
    if weighted:
        share, low, high, vs_rest = _weighted_statistics(row, is_area)
    else:
        share = k / n
        low, high = wilson_interval(k, n)
        vs_rest = None
        n_rest = row.get("all_n_answers", 0) - n if is_area else 0
        if n_rest > 0:
            k_rest = row["all_n_positive"] - k
            vs_rest = compare_with_rest(k, n, k_rest, n_rest)
    as_percent = [None if v is None else 100.0 * v for v in (share, low, high)]
    return (*key, k, *as_percent, vs_rest, False)


def _weighted_share(sum_w: float, sum_w_positive: float, sum_w2: float):
    """Weighted share and Kish's effective n, or None when the weights sum to zero."""
    if sum_w <= 0 or sum_w2 <= 0:
        return None
    share = min(1.0, max(0.0, sum_w_positive / sum_w))
    return share, kish_effective_size(sum_w, sum_w2)


def _weighted_statistics(row: dict, is_area: bool):
    own = _weighted_share(row["sum_w"], row["sum_w_positive"], row["sum_w2"])
    if own is None:
        return None, None, None, None
    share, n_eff = own
    low, high = wilson_interval(share * n_eff, n_eff)
    vs_rest = None
    if is_area and row["all_n_answers"] - row["n_answers"] > 0:
        rest = _weighted_share(
            row["all_sum_w"] - row["sum_w"],
            row["all_sum_w_positive"] - row["sum_w_positive"],
            row["all_sum_w2"] - row["sum_w2"],
        )
        if rest is not None:
            vs_rest = compare_weighted_with_rest(share, n_eff, rest[0], rest[1])
    return share, low, high, vs_rest
