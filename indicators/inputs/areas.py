"""The area register and which afdelinger make up each area, by year."""

from __future__ import annotations

from pathlib import Path

import polars as pl

from indicators.errors import InputError, InputProblem
from indicators.inputs.schemas import (
    AFDELING_PATTERN,
    AREA_PATTERN,
    ColumnSpec,
    FileSchema,
    validate_frame,
)
from indicators.inputs.textfile import read_text_table

AREAS_SCHEMA = FileSchema(
    kind="areas",
    columns=[
        ColumnSpec(name="area_id", kind="text", pattern=AREA_PATTERN,
                   description="Short stable key of the area."),
        ColumnSpec(name="area_name", kind="text", description="The area's name."),
        ColumnSpec(name="municipality_code", kind="integer", minimum=101, maximum=999,
                   description="DST municipality code (Randers = 730)."),
        ColumnSpec(name="region_code", kind="integer", minimum=1081, maximum=1085,
                   description="DST region code (Region Midtjylland = 1082)."),
    ],
)

MEMBERSHIP_SCHEMA = FileSchema(
    kind="membership",
    columns=[
        ColumnSpec(name="area_id", kind="text", pattern=AREA_PATTERN,
                   description="The area."),
        ColumnSpec(name="afdeling_id", kind="text", pattern=AFDELING_PATTERN,
                   description="An afdeling belonging to the area."),
        ColumnSpec(name="valid_from", kind="integer", minimum=1990, maximum=2100,
                   description="First year of membership (inclusive)."),
        ColumnSpec(name="valid_to", kind="integer", minimum=1990, maximum=2100, required=False,
                   description="Last year of membership (inclusive); empty = still valid."),
    ],
)


AFDELINGER_SCHEMA = FileSchema(
    kind="afdelinger",
    columns=[
        ColumnSpec(name="afdeling_id", kind="text", pattern=AFDELING_PATTERN,
                   description="An afdeling."),
        ColumnSpec(name="municipality_code", kind="integer", minimum=101, maximum=999,
                   description="The municipality the afdeling lies in."),
    ],
)


def read_table(path: Path, name: str, schema: FileSchema) -> pl.DataFrame:
    """A small contract CSV as a typed frame with its row numbers in `_row`."""
    table = read_text_table(path, name, expected_columns=schema.names)
    positions = {col: table.index(col) for col in schema.names}
    cells = {col: [row[at].strip() for row in table.rows] for col, at in positions.items()}
    frame = pl.DataFrame(cells, schema={c: pl.Utf8 for c in schema.names})
    frame = frame.with_columns(pl.Series("_row", table.row_numbers, dtype=pl.Int64))
    return validate_frame(frame, schema, name)


def read_areas(path: Path, name: str) -> pl.DataFrame:
    areas = read_table(path, name, AREAS_SCHEMA)
    dupes = areas.filter(pl.col("area_id").is_duplicated())
    if not dupes.is_empty():
        raise InputError(
            [
                InputProblem(name, f"area_id {r['area_id']!r} appears more than once; "
                             "expected each area once", row=r["_row"], column="area_id")
                for r in dupes.iter_rows(named=True)
            ]
        )
    return areas


def read_membership(path: Path, name: str, areas: pl.DataFrame) -> pl.DataFrame:
    members = read_table(path, name, MEMBERSHIP_SCHEMA)
    problems: list[InputProblem] = []
    for r in members.filter(~pl.col("area_id").is_in(areas["area_id"].implode())).iter_rows(
        named=True
    ):
        problems.append(InputProblem(name, f"area_id {r['area_id']!r} is not in "
                                     "areas/areas.csv; expected a registered area",
                                     row=r["_row"], column="area_id"))
    for r in members.filter(pl.col("valid_to") < pl.col("valid_from")).iter_rows(named=True):
        problems.append(InputProblem(name, f"valid_to {r['valid_to']} is before valid_from "
                                     f"{r['valid_from']}; expected valid_from ≤ valid_to",
                                     row=r["_row"], column="valid_to"))
    # An afdeling belongs to at most one area in a given year (contract.md).
    overlap = members.join(members, on="afdeling_id", suffix="_b").filter(
        (pl.col("_row") < pl.col("_row_b"))
        & (pl.col("valid_from") <= pl.col("valid_to_b").fill_null(9999))
        & (pl.col("valid_from_b") <= pl.col("valid_to").fill_null(9999))
    )
    for r in overlap.head(20).iter_rows(named=True):
        problems.append(InputProblem(
            name,
            f"afdeling {r['afdeling_id']} is in {r['area_id']} and (row {r['_row_b']}) in "
            f"{r['area_id_b']} in overlapping years; expected at most one area per year",
            row=r["_row"], column="afdeling_id"))
    if problems:
        raise InputError(problems)
    return members


def read_afdelinger(path: Path, name: str) -> pl.DataFrame:
    """The optional afdeling register: each afdeling's municipality (`areas/afdelinger.csv`).

    It lets municipality totals include the afdelinger that belong to no area.
    """
    frame = read_table(path, name, AFDELINGER_SCHEMA)
    dupes = frame.filter(pl.col("afdeling_id").is_duplicated())
    if not dupes.is_empty():
        raise InputError([
            InputProblem(name, f"afdeling {r['afdeling_id']} appears more than once; expected "
                         "one municipality per afdeling", row=r["_row"], column="afdeling_id")
            for r in dupes.head(20).iter_rows(named=True)
        ])
    return frame


def afdelinger_from_membership(membership: pl.DataFrame, areas: pl.DataFrame) -> pl.DataFrame:
    """Without a register, an afdeling lies in the municipality of the area it belongs to;
    afdelinger in no area then count in no municipality total."""
    return (
        membership.join(areas.select("area_id", "municipality_code"), on="area_id")
        .group_by("afdeling_id")
        .agg(pl.col("municipality_code").first())
        .sort("afdeling_id")
    )
