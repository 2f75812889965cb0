"""The local monitoring model (domain.md §7): local deliveries, the model, and its points
and categories per area and data year (indicators/local_scoring.py)."""


import dagster as dg
import polars as pl

from assets.mart import mart, mart_asset, publish_table, staging
from assets.staging import read_deliveries
from indicators import tables
from indicators.catalogue import load_catalogue
from indicators.inputs.kaas import KEY
from indicators.inputs.local import FOLDER, combine_with_register, refuse_criteria_measures
from indicators.local_model import (
    DEFAULT_MODEL_PATH,
    MODEL_FILE,
    LocalModel,
    default_model_name,
    validate_model_bytes,
)
from indicators.local_scoring import local_categories, local_indicators
from pipelines.raw_store import received_copies
from pipelines.resources import Warehouse
from pipelines.warehouse import read_table, table_metadata, write_table

RAW = dg.AssetKey(["raw", "files"])
CELL_COLUMNS = "afdeling_id, aar, maal, vaerdi, suppressed"


@dg.multi_asset(
    specs=[
        dg.AssetSpec(["staging", "local"], group_name="staging", kinds={"duckdb", "polars"},
                     deps=[RAW, staging("kaas"), staging("membership")],
                     description="Locally sourced measures per afdeling, data year and maal "
                     "(local/: municipality, housing organisations), read like KÅS "
                     "deliveries and combined in delivery order, also against kaas/ cells of "
                     "the same key; only the cells a local delivery decides (a kaas/ cell "
                     "that wins stays in staging.kaas). Empty without local/."),
        dg.AssetSpec(["staging", "local_revisions"], group_name="staging",
                     kinds={"duckdb", "polars"},
                     description="Every value a later dated delivery revised in local/, or "
                     "between local/ and kaas/: old and new value and both files."),
    ]
)
def staging_local(context: dg.AssetExecutionContext, warehouse: Warehouse):
    criteria = list(load_catalogue().measures)
    with warehouse.connect() as conn:
        deliveries, cached, pruned = read_deliveries(
            conn, warehouse, FOLDER,
            check=lambda records, name: refuse_criteria_measures(records, name, criteria))
        register = _register_cells(conn, deliveries, criteria) if deliveries else None
        combined = combine_with_register(deliveries, register)
        write_table(conn, "staging.local", combined.values)
        write_table(conn, "staging.local_revisions", combined.revisions)
        members = conn.sql("SELECT DISTINCT afdeling_id FROM staging.membership").pl()
    outside = combined.values.filter(
        ~pl.col("afdeling_id").is_in(members["afdeling_id"].implode()))["afdeling_id"].n_unique()
    if outside:
        context.log.warning(f"{outside} afdelinger in local/ belong to no area in "
                            "areas/membership.csv; they count only in municipality comparisons")
    yield dg.MaterializeResult(
        asset_key=["staging", "local"],
        metadata=table_metadata(combined.values, deliveries=len(deliveries),
                                deliveries_parsed=len(deliveries) - cached,
                                cache_entries_pruned=pruned,
                                afdelinger_outside_areas=outside),
    )
    yield dg.MaterializeResult(asset_key=["staging", "local_revisions"],
                               metadata=table_metadata(combined.revisions))


def _register_cells(conn, deliveries: list[pl.DataFrame], criteria: list[str]) -> pl.DataFrame:
    """The staging.kaas cells (beyond the criteria) of keys a local delivery also gives:
    only these can meet a local cell, and fetching all of kaas/ (millions of cells) into
    Polars to find them cost more than the rest of the step."""
    keys = pl.concat([d.select(KEY) for d in deliveries])
    measures = keys["maal"].unique().sort().to_list() or [None]  # IN (NULL): no cells
    conn.register("_local_keys", keys.to_arrow())
    try:
        # The local measures narrow the scan before the join looks at keys.
        return conn.sql(
            f"SELECT {CELL_COLUMNS}, source_file, location FROM staging.kaas "
            f"SEMI JOIN _local_keys USING ({', '.join(KEY)}) "
            f"WHERE maal NOT IN ({', '.join('?' * len(criteria))}) "
            f"AND maal IN ({', '.join('?' * len(measures))})",
            params=[*criteria, *measures]).pl()
    finally:
        conn.unregister("_local_keys")


def read_model(conn) -> tuple[LocalModel, str]:
    """The refresh's model: `models/local.yaml` as received, else the shipped default;
    an invalid model is an InputError naming the file and key."""
    path = received_copies(conn, "models").get(MODEL_FILE)
    if path is None:
        name = default_model_name()
        return validate_model_bytes(DEFAULT_MODEL_PATH.read_bytes(), name), name
    return validate_model_bytes(path.read_bytes(), MODEL_FILE), MODEL_FILE


@dg.asset(key=["staging", "local_model"], group_name="staging", kinds={"duckdb", "python"},
          deps=[RAW])
def staging_local_model(warehouse: Warehouse) -> dg.MaterializeResult:
    """The local monitoring model this refresh scores with (`models/local.yaml`, else the
    product's shipped default), validated: unknown keys, maal or survey items fail the
    refresh naming the file and key."""
    with warehouse.connect() as conn:
        model, source = read_model(conn)
        frame = pl.DataFrame({"model_id": [model.model_id], "source": [source],
                              "model_json": [model.model_dump_json()]})
        write_table(conn, "staging.local_model", frame)
    return dg.MaterializeResult(metadata=table_metadata(
        frame.drop("model_json"), model_id=model.model_id, source=source,
        indicators=len(model.indicators)))


def staged_model(conn) -> LocalModel:
    (text,), = conn.execute("SELECT model_json FROM staging.local_model").fetchall()
    return LocalModel.model_validate_json(text)


@mart_asset(tables.LOCAL_INDICATORS,
            deps=[staging("local_model"), staging("kaas"), staging("local"),
                  staging("membership"), staging("areas"), staging("afdelinger"),
                  mart("survey_results")],
            kinds={"duckdb", "polars"})
def mart_local_indicators(warehouse: Warehouse) -> dg.MaterializeResult:
    with warehouse.connect() as conn:
        model = staged_model(conn)
        on_key = " AND ".join(f"l.{k} = k.{k}" for k in KEY)
        # Every cell, not only the model's measures: an afdeling with any cell in a year
        # is in that year's register, and counts as left out where the model's are missing.
        cells = conn.sql(
            f"SELECT {CELL_COLUMNS} FROM staging.kaas k WHERE NOT EXISTS "
            f"(SELECT 1 FROM staging.local l WHERE {on_key}) "
            f"UNION ALL SELECT {CELL_COLUMNS} FROM staging.local").pl()
        frame = local_indicators(
            model, cells=cells, membership=read_table(conn, "staging.membership"),
            areas=read_table(conn, "staging.areas"),
            afdelinger=read_table(conn, "staging.afdelinger"),
            survey=read_table(conn, "mart.survey_results"))
        return publish_table(conn, tables.LOCAL_INDICATORS, frame)


@mart_asset(tables.LOCAL_CATEGORIES,
            deps=[staging("local_model"), mart("local_indicators"), mart("area_year")],
            kinds={"duckdb", "polars"})
def mart_local_categories(warehouse: Warehouse) -> dg.MaterializeResult:
    with warehouse.connect() as conn:
        frame = local_categories(staged_model(conn), read_table(conn, "mart.local_indicators"),
                                 read_table(conn, "mart.area_year"))
        return publish_table(conn, tables.LOCAL_CATEGORIES, frame)
