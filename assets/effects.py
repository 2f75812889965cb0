"""Effect evaluation of the social-housing plans (domain.md §8): the plans as staged and
published, and the estimates per plan, area, indicator and comparison."""


import dagster as dg
import polars as pl

from assets.local import CELL_COLUMNS, staged_model
from assets.mart import mart, mart_asset, publish_table, row_count, staging
from indicators import tables
from indicators.catalogue import load_catalogue
from indicators.effects import plan_values
from indicators.inputs.kaas import KEY
from indicators.inputs.plans import read_plans
from indicators.plan_effects import (
    criteria_measures,
    criteria_terms,
    effects_and_series,
    local_terms,
    no_plans,
)
from indicators.plan_series import plan_moves, plan_series
from pipelines.raw_store import received_copies
from pipelines.resources import Warehouse
from pipelines.warehouse import read_table, table_metadata, write_table

PLANS_FILE = "areas/plans.csv"


@dg.asset(key=["staging", "plans"], group_name="staging", kinds={"duckdb", "polars"},
          deps=[dg.AssetKey(["raw", "files"]), staging("areas")])
def staging_plans(warehouse: Warehouse) -> dg.MaterializeResult:
    """The social-housing plans and their areas (`areas/plans.csv`, optional), validated
    against the area register; empty when the file is absent (no plans, no effects)."""
    with warehouse.connect() as conn:
        path = received_copies(conn, "areas").get(PLANS_FILE)
        frame = (read_plans(path, PLANS_FILE, read_table(conn, "staging.areas")).drop("_row")
                 if path is not None else no_plans())
        write_table(conn, "staging.plans", frame)
    return dg.MaterializeResult(metadata=table_metadata(frame, present=path is not None))


@mart_asset(tables.PLANS, deps=[staging("plans")], kinds={"duckdb"})
def mart_plans(warehouse: Warehouse) -> dg.MaterializeResult:
    with warehouse.connect() as conn:
        return publish_table(conn, tables.PLANS, read_table(conn, "staging.plans"))


_TERMS_DEPS = [staging("plans"), staging("kaas"), staging("membership"), staging("areas"),
               staging("regional"), staging("local_model"), staging("local")]


# Only the afdelinger of some area are ever summed (delimited_values): the SQL keeps the
# rest of staging.kaas (most of it, nationally) out of the frames.
_MEMBERS = "afdeling_id IN (SELECT afdeling_id FROM staging.membership)"


def plan_terms(conn, membership: pl.DataFrame) -> pl.DataFrame:
    """The annual per-afdeling terms of every register indicator the plans are evaluated
    on: K1–K5 (the catalogue) and the local model's register indicators, whose cells are
    staging.kaas with staging.local deciding the keys it holds, as the local model reads
    them (assets/local.py), limited to the model's measures."""
    catalogue = load_catalogue()
    needed = criteria_measures(catalogue)
    # execute(), not sql(): a relation with parameters costs DuckDB 1.5 seconds of CPU
    # to hand to Polars (about 2 s for these cells, against 0.2 s).
    criteria = criteria_terms(
        conn.execute(f"SELECT afdeling_id, aar, maal, vaerdi, suppressed FROM staging.kaas "
                     f"WHERE maal IN ({', '.join('?' * len(needed))}) AND {_MEMBERS}",
                     needed).pl(),
        membership, read_table(conn, "staging.areas"), read_table(conn, "staging.regional"),
        catalogue)
    model = staged_model(conn)
    measures = model.measures()
    if not measures:
        return criteria
    on_key = " AND ".join(f"l.{k} = k.{k}" for k in KEY)
    marks = ", ".join("?" * len(measures))
    # An anti join, not NOT EXISTS: DuckDB plans the correlated form as a delim join that
    # costs about a second more CPU on the national cells.
    cells = conn.execute(
        f"SELECT {CELL_COLUMNS} FROM (SELECT {CELL_COLUMNS} FROM staging.kaas "
        f"WHERE maal IN ({marks}) AND {_MEMBERS}) k ANTI JOIN staging.local l ON {on_key} "
        f"UNION ALL SELECT {CELL_COLUMNS} FROM staging.local WHERE maal IN ({marks}) "
        f"AND {_MEMBERS}",
        [*measures, *measures]).pl()
    return pl.concat([criteria, local_terms(model, cells, membership)])


# The effects step draws the plan pages' series too, from the same delimited values,
# windows and pools (indicators.plan_effects.effects_and_series), and leaves them here
# for mart/plan_series to publish: the terms are read and delimited once, not twice.
SERIES_TABLE = "staging.plan_effects_series"


@mart_asset(tables.PLAN_EFFECTS, deps=[*_TERMS_DEPS, mart("survey_results")],
            kinds={"duckdb", "polars"})
def mart_plan_effects(warehouse: Warehouse) -> dg.MaterializeResult:
    with warehouse.connect() as conn:
        plans = read_table(conn, "staging.plans")
        membership = read_table(conn, "staging.membership")
        latest = conn.execute("SELECT max(aar) FROM staging.kaas").fetchone()[0]
        values = (plan_values(plan_terms(conn, membership), membership, plans, latest)
                  if plans.height and latest is not None else None)
        frame, series = effects_and_series(plans, values, membership,
                                           read_table(conn, "mart.survey_results"), latest)
        write_table(conn, SERIES_TABLE, series)
        return publish_table(conn, tables.PLAN_EFFECTS, frame)


@mart_asset(tables.PLAN_SERIES, deps=[*_TERMS_DEPS, mart("plan_effects")],
            kinds={"duckdb", "polars"})
def mart_plan_series(warehouse: Warehouse) -> dg.MaterializeResult:
    """Published from what the effects step drew (SERIES_TABLE); drawn here only in a
    warehouse whose effects step predates that table."""
    with warehouse.connect() as conn:
        if row_count(conn, SERIES_TABLE) is not None:
            return publish_table(conn, tables.PLAN_SERIES, SERIES_TABLE)
        plans = read_table(conn, "staging.plans")
        latest = conn.execute("SELECT max(aar) FROM staging.kaas").fetchone()[0]
        frame = plan_series(plans, None, None)
        if plans.height and latest is not None:
            membership = read_table(conn, "staging.membership")
            values = plan_values(plan_terms(conn, membership), membership, plans, latest)
            frame = plan_series(plans, values, latest)
        return publish_table(conn, tables.PLAN_SERIES, frame)


@mart_asset(tables.PLAN_MOVES, deps=[staging("plans"), staging("kaas"), staging("membership")],
            kinds={"duckdb", "polars"})
def mart_plan_moves(warehouse: Warehouse) -> dg.MaterializeResult:
    with warehouse.connect() as conn:
        plans = read_table(conn, "staging.plans")
        latest = conn.execute("SELECT max(aar) FROM staging.kaas").fetchone()[0]
        kaas = conn.sql("SELECT afdeling_id, aar, maal, vaerdi, suppressed FROM staging.kaas "
                        f"WHERE maal IN ('beboere', 'tilflyttede', 'fraflyttede') AND {_MEMBERS}"
                        ).pl()
        frame = plan_moves(plans, kaas, read_table(conn, "staging.membership"), latest)
        return publish_table(conn, tables.PLAN_MOVES, frame)
