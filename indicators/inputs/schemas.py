"""Column-level schemas for input files, as Pydantic models.

One `FileSchema` per input file kind says which columns it has, their types
and constraints. Validation runs as Polars expressions over the whole file (a
national delivery has millions of rows), and every failing cell becomes an
InputProblem naming file, row and column and saying what was expected.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal

import polars as pl
from pydantic import BaseModel, Field

from indicators.errors import InputError, InputProblem

AFDELING_PATTERN = r"^\d{3}-\d{4}$"
AREA_PATTERN = r"^[a-z0-9_]+$"
# Counts and amounts carry at most six decimals; more would be silently
# rounded by the exact DECIMAL(18,6) type the indicators compute with.
NUMBER_PATTERN = r"^\d{1,12}([.,]\d{1,6})?$"
VALUE_TYPE = pl.Decimal(18, 6)
MAX_PROBLEMS = 50


class ColumnSpec(BaseModel):
    """One column of an input file."""

    name: str
    kind: Literal["text", "integer", "number"]
    description: str
    required: bool = True  # an empty cell is an error
    pattern: str | None = None
    minimum: int | None = None
    maximum: int | None = None
    allowed: list[str] | None = None
    suppressible: bool = False  # '..' allowed (DST suppression)

    def expectation(self) -> str:
        parts = {
            "text": "text",
            "integer": "a whole number",
            "number": "a number ≥ 0 with decimal comma or point, at most 6 decimals",
        }[self.kind]
        if self.pattern == AFDELING_PATTERN:
            parts = "an afdeling id like 027-0051 (3 digits, '-', 4 digits)"
        elif self.pattern == AREA_PATTERN:
            parts = "an area id of lower-case letters, digits and '_'"
        elif self.pattern:
            parts += f" matching {self.pattern}"
        if self.minimum is not None and self.maximum is not None:
            parts += f" from {self.minimum} to {self.maximum}"
        if self.allowed is not None:
            shown = ", ".join(self.allowed[:15])
            parts = f"one of {shown}" + (" …" if len(self.allowed) > 15 else "")
        if self.suppressible:
            parts += ", or '..' (suppressed)"
        if not self.required:
            parts += ", or empty"
        return parts


class FileSchema(BaseModel):
    """The columns of one kind of input file."""

    kind: str
    columns: list[ColumnSpec] = Field(min_length=1)

    @property
    def names(self) -> list[str]:
        return [c.name for c in self.columns]

    def column(self, name: str) -> ColumnSpec:
        return next(c for c in self.columns if c.name == name)


def validate_frame(
    frame: pl.DataFrame,
    schema: FileSchema,
    file: str,
    locate: Callable[[pl.DataFrame], pl.DataFrame] | None = None,
) -> pl.DataFrame:
    """Check a frame of raw text cells against the schema and type it.

    `frame` holds the schema's columns as stripped strings (null = empty cell)
    plus `_row` (the row number shown in errors) and optionally `_where` (a
    fuller location such as an Excel cell per column, `_where_<column>`).
    `locate`, when given, adds those `_where_<column>` (and `_sheet`) columns to the
    failing rows only, so that a large valid file never builds them.
    Returns the typed frame; number columns get a companion `<name>_suppressed`.
    Raises InputError listing the problems.
    """
    typed: list[pl.Expr] = []
    checks: list[pl.Expr] = []
    for spec in schema.columns:
        col = pl.col(spec.name)
        is_empty = col.is_null() | (col == "")
        is_suppressed = (col == "..") if spec.suppressible else pl.lit(False)
        if spec.kind == "text":
            ok = pl.lit(True)
            if spec.pattern:
                ok = col.str.contains(spec.pattern)
            if spec.allowed is not None:
                ok = ok & col.is_in(spec.allowed)
        elif spec.kind == "integer":
            as_int = col.cast(pl.Int64, strict=False)
            ok = as_int.is_not_null()
            if spec.minimum is not None:
                ok = ok & (as_int >= spec.minimum)
            if spec.maximum is not None:
                ok = ok & (as_int <= spec.maximum)
        else:
            ok = col.str.contains(NUMBER_PATTERN)
        bad = ~is_empty & ~is_suppressed & ~ok.fill_null(False)
        if spec.required:
            bad = bad | is_empty
        checks.append(bad.alias(_bad(spec.name)))
        if spec.kind == "text":
            typed.append(pl.when(is_empty).then(None).otherwise(col).alias(spec.name))
        elif spec.kind == "integer":
            typed.append(col.cast(pl.Int32, strict=False).alias(spec.name))
        else:
            number = (
                pl.when(is_empty | is_suppressed)
                .then(None)
                .otherwise(col.str.replace(",", ".", literal=True))
                .cast(VALUE_TYPE, strict=False)
            )
            typed.append(number.alias(spec.name))
            if spec.suppressible:
                typed.append(is_suppressed.fill_null(False).alias(f"{spec.name}_suppressed"))
    keep = [c for c in frame.columns if c.startswith("_")]
    # One pass over the file for every column's check and type; the failing rows are
    # looked at only when a check failed.
    result = frame.select(*typed, *[pl.col(c) for c in keep], *checks)
    problems: list[InputProblem] = []
    for spec in schema.columns:
        if len(problems) >= MAX_PROBLEMS:
            break
        bad = result[_bad(spec.name)]
        if not bad.any():
            continue
        failing = frame.filter(bad).head(MAX_PROBLEMS - len(problems))
        if locate is not None:
            failing = locate(failing)
        for record in failing.iter_rows(named=True):
            problems.append(_problem(record, spec, file))
    if problems:
        raise InputError(problems)
    return result.drop(_bad(spec.name) for spec in schema.columns)


def _bad(column: str) -> str:
    return f"_bad {column}"  # a space: no input column is named so


def _problem(record: dict, spec: ColumnSpec, file: str) -> InputProblem:
    cell_value = record.get(spec.name)
    found = "an empty cell" if cell_value in (None, "") else f"{cell_value!r}"
    where = record.get(f"_where_{spec.name}")
    return InputProblem(
        file,
        f"expected {spec.expectation()}; found {found}",
        row=None if where else record.get("_row"),
        column=spec.name,
        sheet=record.get("_sheet"),
        cell=where,
    )
