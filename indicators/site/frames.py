"""The frames the site reads, checked against the published layouts.

Every published table of `indicators/tables.py` (but `refresh`, which comes
as a record) must be present with every column its layout names: a missing
table or column is an error naming both, never a page that quietly leaves
something out. A table may be empty (no official list file, no survey); that
is what the data say. Beside the published tables the site reads the survey
waves' invitation counts (`survey_waves`, not a published table: publish.py
passes it from staging); when given it must have the columns used here.
Every published table must be passed (the publisher reads them all); a missing
one is an error, never a section silently left out.
"""

from __future__ import annotations

import polars as pl

from indicators import tables

# Not published, read by the site when the publisher passes it.
SURVEY_WAVES_COLUMNS = ("wave_id", "year", "title", "area_id", "invited", "response_rate")


class FrameError(ValueError):
    pass


def site_tables() -> list[tables.Table]:
    return [t for t in tables.PUBLISHED if t.name != "refresh"]


def check_frames(frames: dict[str, pl.DataFrame]) -> None:
    """Raise FrameError naming every missing table and every missing column."""
    problems = []
    for table in site_tables():
        frame = frames.get(table.name)
        if frame is None:
            problems.append(f"table {table.qualified} is missing")
            continue
        absent = [c for c in table.column_names() if c not in frame.columns]
        if absent:
            problems.append(f"table {table.qualified} lacks column(s) {', '.join(absent)}")
    waves = frames.get("survey_waves")
    if waves is not None:
        absent = [c for c in SURVEY_WAVES_COLUMNS if c not in waves.columns]
        if absent:
            problems.append(f"table survey_waves lacks column(s) {', '.join(absent)}")
    if problems:
        raise FrameError("the site cannot be built from these tables: " + "; ".join(problems))


def without_nan(frame: pl.DataFrame) -> pl.DataFrame:
    """NaN in a float column made NULL (it is as unknown), by polars for the whole
    column: a Python test of every value of a national table cost seconds."""
    floats = [name for name, dtype in frame.schema.items() if dtype.is_float()]
    return frame.with_columns(pl.col(floats).fill_nan(None)) if floats else frame
