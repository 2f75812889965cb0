"""National and regional reference values (contract.md, reference/)."""

from __future__ import annotations

from pathlib import Path

import polars as pl

from indicators.errors import InputError, InputProblem
from indicators.inputs.areas import read_table
from indicators.inputs.measures import load_measures
from indicators.inputs.schemas import ColumnSpec, FileSchema

_YEAR = ColumnSpec(name="aar", kind="integer", minimum=1990, maximum=2100,
                   description="Data year.")
_VALUE = ColumnSpec(name="vaerdi", kind="number", suppressible=True,
                    description="Reference value.")


def national_schema() -> FileSchema:
    return FileSchema(kind="national", columns=[
        _YEAR,
        ColumnSpec(name="maal", kind="text",
                   allowed=list(load_measures().reference["national"]),
                   description="Reference measure."),
        _VALUE,
    ])


def regional_schema() -> FileSchema:
    return FileSchema(kind="regional", columns=[
        ColumnSpec(name="region_code", kind="integer", minimum=1081, maximum=1085,
                   description="DST region code."),
        _YEAR,
        ColumnSpec(name="maal", kind="text",
                   allowed=list(load_measures().reference["regional"]),
                   description="Reference measure."),
        _VALUE,
    ])


def read_reference(path: Path, name: str, regional: bool) -> pl.DataFrame:
    schema = regional_schema() if regional else national_schema()
    frame = read_table(path, name, schema)
    key = ["region_code", "aar", "maal"] if regional else ["aar", "maal"]
    _check_unique(frame, name, key)
    return frame.rename({"vaerdi_suppressed": "suppressed"})


def _check_unique(frame: pl.DataFrame, name: str, key: list[str]) -> None:
    """One value per key: a second row would double every figure it is joined to."""
    dupes = (
        frame.filter(pl.struct(key).is_duplicated())
        .group_by(key).agg(pl.col("_row").sort().alias("rows"))
        .sort(pl.col("rows").list.first())
    )
    problems = [
        InputProblem(
            name,
            ", ".join(f"{k} {r[k]}" for k in key) + " appears in rows "
            f"{', '.join(map(str, r['rows'][:-1]))} and {r['rows'][-1]}; expected each "
            f"({', '.join(key)}) once",
            row=r["rows"][0], column=key[0],
        )
        for r in dupes.head(20).iter_rows(named=True)
    ]
    if problems:
        raise InputError(problems)


STATUSES = ["udsat", "parallelsamfund", "omdannelsesomraade", "forebyggelsesomraade",
            "kombineret_udlejning"]

OFFICIAL_SCHEMA = FileSchema(kind="official_status", columns=[
    ColumnSpec(name="area_id", kind="text", pattern=r"^[a-z0-9_]+$", description="The area."),
    ColumnSpec(name="year", kind="integer", minimum=1990, maximum=2100,
               description="List year."),
    ColumnSpec(name="status", kind="text", allowed=STATUSES, description="Published status."),
])


def read_official_status(path: Path | None, name: str, areas: pl.DataFrame) -> pl.DataFrame:
    """Published list statuses; an empty frame when the optional file is absent."""
    if path is None:
        return pl.DataFrame(schema={"area_id": pl.Utf8, "year": pl.Int32, "status": pl.Utf8})
    frame = read_table(path, name, OFFICIAL_SCHEMA)
    unknown = frame.filter(~pl.col("area_id").is_in(areas["area_id"].implode()))
    if not unknown.is_empty():
        raise InputError([
            InputProblem(name, f"area_id {r['area_id']!r} is not in areas/areas.csv; "
                         "expected a registered area", row=r["_row"], column="area_id")
            for r in unknown.head(20).iter_rows(named=True)
        ])
    return frame.drop("_row").unique(maintain_order=True)
