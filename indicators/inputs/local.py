"""Local deliveries (`local/`, contract.md): measures from the municipality and the housing
organisations for the local model (domain.md §7).

They come in KÅS's own formats and are read by the KÅS reader, with its text rules,
suppression and delivery dates. Two rules are local/'s own:

- A local delivery carries only the measures beyond the criteria (the catalogue's
  `local_measures`): the official criteria are computed from DST's register
  statistics in kaas/, and a municipality's figure must never move an area on or off
  the state's list.
- DST delivers some of the same measures in kaas/ (e.g. charges of young people).
  Where a local delivery and a kaas/ delivery give the same (afdeling, aar, maal),
  the rule between deliveries applies across the two folders: the later dated
  delivery wins and the revision is recorded; undated or same-date deliveries that
  disagree are an error naming both files.
"""

from __future__ import annotations

import re

import polars as pl

from indicators.errors import InputError, InputProblem
from indicators.inputs.kaas import KEY, CombinedKaas, combine_deliveries, delivery_date

FOLDER = "local"
# A file dropped into incoming/ is a local delivery when its name says so
# (local_..., lokal_..., lokale_tal.xlsx); otherwise a file with KÅS columns is DST's.
LOCAL_NAME = re.compile(r"^(local|lokal)", re.IGNORECASE)
_ROW = re.compile(r"^row (\d+)$")


def is_local_name(file_name: str) -> bool:
    return bool(LOCAL_NAME.match(file_name))


def refuse_criteria_measures(records: pl.DataFrame, name: str,
                             criteria_measures: list[str]) -> None:
    """A local delivery's cells of a criteria measure are an error naming file, row (or
    cell) and value."""
    found = records.filter(pl.col("maal").is_in(criteria_measures))
    if found.is_empty():
        return
    problems = []
    for rec in found.head(20).iter_rows(named=True):
        where = rec["location"] or ""
        row = _ROW.match(where)
        problems.append(InputProblem(
            name,
            (f"maal {rec['maal']!r} is a criteria measure"
             + ("" if row else f" ({where})")
             + "; a local delivery may carry only the local model's measures (the "
             "criteria are computed from DST's deliveries in kaas/): expected one of "
             "contract.md's measures beyond the criteria"),
            row=int(row.group(1)) if row else None, column="maal"))
    if found.height > len(problems):
        problems.append(InputProblem(name, f"... and {found.height - len(problems)} more "
                                     "cells of criteria measures", column="maal"))
    raise InputError(problems)


def combine_with_register(local_records: list[pl.DataFrame],
                          register: pl.DataFrame) -> CombinedKaas:
    """The local deliveries combined with each other and with the kaas/ cells of the same
    keys (`register`: staging.kaas's columns), by the rule between deliveries.

    `values` holds the cells the local deliveries decide (a kaas/ cell that wins stays
    in staging.kaas only); `revisions` every value a later delivery replaced, in local/
    or across the folders."""
    if not local_records:
        empty = combine_deliveries([])
        return CombinedKaas(values=empty.values, revisions=empty.revisions)
    local = pl.concat(local_records)
    overlap = register.join(local.select(KEY).unique(), on=KEY, how="semi")
    dates = {n: delivery_date(n) for n in overlap["source_file"].unique().to_list()}
    overlap = overlap.with_columns(
        pl.col("source_file").replace_strict(dates, return_dtype=pl.Date)
        .alias("delivery_date")).select(local.columns)
    combined = combine_deliveries([local, overlap.cast(local.schema)])
    values = combined.values.filter(pl.col("source_file").str.starts_with(f"{FOLDER}/"))
    return CombinedKaas(values=values, revisions=combined.revisions)
