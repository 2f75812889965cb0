"""Social-housing plans and their areas (`areas/plans.csv`, contract.md; domain.md §8)."""

from __future__ import annotations

from pathlib import Path

import polars as pl

from indicators.errors import InputError, InputProblem
from indicators.inputs.areas import read_table
from indicators.inputs.schemas import AREA_PATTERN, ColumnSpec, FileSchema

# Spelled apart from AREA_PATTERN (same language) so that errors do not call it an area id.
PLAN_PATTERN = r"^[a-z0-9_]{1,}$"
OPEN_END = 9999

PLANS_SCHEMA = FileSchema(
    kind="plans",
    columns=[
        ColumnSpec(name="plan_id", kind="text", pattern=PLAN_PATTERN,
                   description="Short stable key of the plan."),
        ColumnSpec(name="plan_name", kind="text", description="The plan's name."),
        ColumnSpec(name="area_id", kind="text", pattern=AREA_PATTERN,
                   description="An area the plan covers."),
        ColumnSpec(name="start_year", kind="integer", minimum=1990, maximum=2100,
                   description="First calendar year of the plan in the area (inclusive)."),
        ColumnSpec(name="end_year", kind="integer", minimum=1990, maximum=2100, required=False,
                   description="Last calendar year (inclusive); empty = ongoing."),
    ],
)


def read_plans(path: Path, name: str, areas: pl.DataFrame) -> pl.DataFrame:
    """The plans, one row per plan and area, typed, with `_row`; every problem at once."""
    plans = read_table(path, name, PLANS_SCHEMA)
    problems: list[InputProblem] = []
    unknown = plans.filter(~pl.col("area_id").is_in(areas["area_id"].implode()))
    for r in unknown.iter_rows(named=True):
        problems.append(InputProblem(name, f"area_id {r['area_id']!r} is not in "
                                     "areas/areas.csv; expected a registered area",
                                     row=r["_row"], column="area_id"))
    for r in plans.filter(pl.col("end_year") < pl.col("start_year")).iter_rows(named=True):
        problems.append(InputProblem(name, f"end_year {r['end_year']} is before start_year "
                                     f"{r['start_year']}; expected start_year ≤ end_year "
                                     "(or an empty end_year for an ongoing plan)",
                                     row=r["_row"], column="end_year"))
    problems += _duplicates(plans, name)
    problems += _name_conflicts(plans, name)
    if problems:
        raise InputError(sorted(problems, key=lambda p: (p.row or 0, p.column or "")))
    return plans


def _duplicates(plans: pl.DataFrame, name: str) -> list[InputProblem]:
    """A plan lists an area once (the effect table's key is plan, area, indicator): two
    rows of the same plan and area are an error, said most plainly when their years
    overlap (the same years counted twice)."""
    pairs = plans.join(plans, on=["plan_id", "area_id"], suffix="_b").filter(
        pl.col("_row") < pl.col("_row_b"))
    problems = []
    for r in pairs.head(50).iter_rows(named=True):
        overlaps = (r["start_year"] <= (r["end_year_b"] or OPEN_END)
                    and r["start_year_b"] <= (r["end_year"] or OPEN_END))
        how = "in overlapping years" if overlaps else "a second time"
        problems.append(InputProblem(
            name,
            f"plan {r['plan_id']} lists area {r['area_id']} {how} (row {r['_row']} and "
            f"this row); expected one row per plan and area (a later period of the same "
            "effort is a plan of its own)", row=r["_row_b"], column="area_id"))
    return problems


def _name_conflicts(plans: pl.DataFrame, name: str) -> list[InputProblem]:
    """Every row of a plan carries the same plan_name (the site titles the plan by it)."""
    first = plans.sort("_row").group_by("plan_id", maintain_order=True).agg(
        pl.col("plan_name").first().alias("first_name"), pl.col("_row").first().alias("first_row"))
    differing = plans.join(first, on="plan_id").filter(pl.col("plan_name") != pl.col("first_name"))
    return [
        InputProblem(name, f"plan {r['plan_id']} is named {r['plan_name']!r} here but "
                     f"{r['first_name']!r} in row {r['first_row']}; expected one name per plan",
                     row=r["_row"], column="plan_name")
        for r in differing.head(50).iter_rows(named=True)
    ]
