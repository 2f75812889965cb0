"""Staging layer: typed, validated long tables keyed by afdeling/area, year, measure."""


import dagster as dg
import polars as pl

from indicators.errors import InputError, InputProblem
from indicators.inputs.areas import (
    afdelinger_from_membership,
    read_afdelinger,
    read_areas,
    read_membership,
)
from indicators.inputs.kaas import combine_deliveries
from indicators.inputs.kaas_cache import cache_entry, prune_cache, read_kaas_cached
from indicators.inputs.measures import load_delivery_labels
from indicators.inputs.reference import read_official_status, read_reference
from pipelines.raw_store import received_copies
from pipelines.resources import Warehouse
from pipelines.warehouse import read_table, table_metadata, write_table

RAW = dg.AssetKey(["raw", "files"])


def _required(copies: dict, name: str):
    if name not in copies:
        raise InputError(InputProblem(name, "is missing; expected it in the data directory "
                                      "(contract.md)"))
    return copies[name]


@dg.asset(key=["staging", "areas"], group_name="staging", kinds={"duckdb", "polars"},
          deps=[RAW])
def staging_areas(warehouse: Warehouse) -> dg.MaterializeResult:
    """The area register (`areas/areas.csv`), validated: one row per area with its
    municipality and region."""
    with warehouse.connect() as conn:
        name = "areas/areas.csv"
        areas = read_areas(_required(received_copies(conn, "areas"), name), name)
        write_table(conn, "staging.areas", areas.drop("_row"))
    return dg.MaterializeResult(metadata=table_metadata(areas.drop("_row")))


@dg.asset(key=["staging", "membership"], group_name="staging", kinds={"duckdb", "polars"},
          deps=[RAW, dg.AssetKey(["staging", "areas"])])
def staging_membership(warehouse: Warehouse) -> dg.MaterializeResult:
    """Which afdelinger make up each area, by year (`areas/membership.csv`); an afdeling
    belongs to at most one area in a year."""
    with warehouse.connect() as conn:
        name = "areas/membership.csv"
        areas = read_table(conn, "staging.areas")
        members = read_membership(_required(received_copies(conn, "areas"), name), name, areas)
        write_table(conn, "staging.membership", members.drop("_row"))
    return dg.MaterializeResult(metadata=table_metadata(members.drop("_row")))


@dg.asset(key=["staging", "afdelinger"], group_name="staging", kinds={"duckdb", "polars"},
          deps=[RAW, dg.AssetKey(["staging", "membership"])])
def staging_afdelinger(warehouse: Warehouse) -> dg.MaterializeResult:
    """Each afdeling's municipality: the afdeling register `areas/afdelinger.csv` when
    delivered, else the municipality of the area the afdeling belongs to."""
    name = "areas/afdelinger.csv"
    with warehouse.connect() as conn:
        path = received_copies(conn, "areas").get(name)
        if path is not None:
            frame = read_afdelinger(path, name).drop("_row")
            source = "register"
        else:
            frame = afdelinger_from_membership(read_table(conn, "staging.membership"),
                                               read_table(conn, "staging.areas"))
            source = "membership"
        write_table(conn, "staging.afdelinger", frame)
    return dg.MaterializeResult(metadata=table_metadata(frame, source=source))


def read_deliveries(conn, warehouse: Warehouse, folder: str, check=None):
    """(records per delivery, how many came from the parse cache, cache entries pruned)
    for every KÅS-format delivery of a folder (kaas/, local/), read as received with
    kaas/labels.yaml; `check(records, name)` runs on each delivery's records."""
    copies = received_copies(conn, folder)
    labels_name = "kaas/labels.yaml"
    labels_path = received_copies(conn, "kaas").get(labels_name)
    labels = load_delivery_labels(labels_path, labels_name) if labels_path else None
    digests = dict(conn.execute(
        "SELECT name, sha256 FROM raw.files WHERE kind IN (?, 'kaas')", [folder]).fetchall())
    cache_dir = warehouse.workspace.paths.home / "cache" / folder
    deliveries, cached, entries = [], 0, []
    for name, path in copies.items():
        if name == labels_name:
            continue
        records, hit = read_kaas_cached(
            path, name, labels, file_sha256=digests[name],
            labels_sha256=digests.get(labels_name), cache_dir=cache_dir)
        if check is not None:
            check(records, name)
        deliveries.append(records)
        cached += hit
        entries.append(cache_entry(cache_dir, digests[name], name, digests.get(labels_name)))
    return deliveries, cached, prune_cache(cache_dir, entries)


@dg.multi_asset(
    specs=[
        dg.AssetSpec(["staging", "kaas"], group_name="staging", kinds={"duckdb", "polars"},
                     deps=[RAW, dg.AssetKey(["staging", "membership"])],
                     description="KÅS register statistics per afdeling, data year and "
                     "measure (maal): every delivery in kaas/ combined in delivery order, "
                     "the latest value winning. Suppressed cells ('..') are kept as "
                     "suppressed, never as 0."),
        dg.AssetSpec(["staging", "kaas_revisions"], group_name="staging",
                     kinds={"duckdb", "polars"},
                     description="Every KÅS value that a later dated delivery revised: old "
                     "and new value and both files."),
    ]
)
def staging_kaas(context: dg.AssetExecutionContext, warehouse: Warehouse):
    with warehouse.connect() as conn:
        deliveries, cached, pruned = read_deliveries(conn, warehouse, "kaas")
        if not deliveries:
            raise InputError(InputProblem("kaas/", "holds no KÅS file; expected *.csv or "
                                          "*.xlsx deliveries"))
        combined = combine_deliveries(deliveries)
        membership = read_table(conn, "staging.membership")
        write_table(conn, "staging.kaas", combined.values)
        write_table(conn, "staging.kaas_revisions", combined.revisions)
    outside = combined.values.filter(
        ~pl.col("afdeling_id").is_in(membership["afdeling_id"].implode())
    )["afdeling_id"].n_unique()
    if outside:
        context.log.warning(
            f"{outside} afdelinger in the KÅS data belong to no area in areas/membership.csv; "
            "they count in no area's figures (only in municipality totals, where "
            "areas/afdelinger.csv names their municipality)"
        )
    years = combined.values["aar"]
    yield dg.MaterializeResult(
        asset_key=["staging", "kaas"],
        metadata=table_metadata(
            combined.values,
            data_years=f"{years.min()}-{years.max()}" if len(years) else "",
            deliveries=len(deliveries),
            deliveries_parsed=len(deliveries) - cached,
            cache_entries_pruned=pruned,
            suppressed_cells=int(combined.values["suppressed"].sum()),
            afdelinger_outside_areas=outside,
        ),
    )
    yield dg.MaterializeResult(
        asset_key=["staging", "kaas_revisions"], metadata=table_metadata(combined.revisions)
    )


def _reference_asset(table: str, file_name: str, regional: bool, description: str):
    @dg.asset(key=["staging", table], group_name="staging", kinds={"duckdb", "polars"},
              deps=[RAW], description=description)
    def _asset(warehouse: Warehouse) -> dg.MaterializeResult:
        with warehouse.connect() as conn:
            path = _required(received_copies(conn, "reference"), file_name)
            frame = read_reference(path, file_name, regional=regional).drop("_row")
            write_table(conn, f"staging.{table}", frame)
        return dg.MaterializeResult(metadata=table_metadata(frame))

    return _asset


staging_national = _reference_asset(
    "national", "reference/national.csv", regional=False,
    description="National reference values per data year (`reference/national.csv`), e.g. "
    "the share of residents 18+ convicted, which K2 compares with.",
)
staging_regional = _reference_asset(
    "regional", "reference/regional.csv", regional=True,
    description="Regional reference values per region and data year "
    "(`reference/regional.csv`), e.g. the mean gross income K4 compares with.",
)


@dg.asset(key=["staging", "official_status"], group_name="staging",
          kinds={"duckdb", "polars"}, deps=[RAW, dg.AssetKey(["staging", "areas"])])
def staging_official_status(warehouse: Warehouse) -> dg.MaterializeResult:
    """The list statuses as published (`reference/official_status.csv`, optional), for
    comparison with the product's own; empty when the file is absent."""
    name = "reference/official_status.csv"
    with warehouse.connect() as conn:
        copies = received_copies(conn, "reference")
        areas = read_table(conn, "staging.areas")
        frame = read_official_status(copies.get(name), name, areas)
        write_table(conn, "staging.official_status", frame)
    return dg.MaterializeResult(metadata=table_metadata(frame))
