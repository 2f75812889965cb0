"""Publish layer: the site and the serving warehouse, swapped in together."""


import dagster as dg

from indicators import tables
from indicators.catalogue import catalogue_version, load_catalogue
from indicators.inputs.geo import read_geojson
from indicators.site.build import build_site
from pipelines.alerts import send_alerts
from pipelines.causes import from_exception
from pipelines.failures import failures_since_last_publication, record_publication
from pipelines.fault_injection import kill_point
from pipelines.incoming import settle_incoming
from pipelines.publication import (
    AfterPublishError,
    build_serving_file,
    now,
    prune_publications,
    publications,
    swap_in,
)
from pipelines.raw_store import received_copies
from pipelines.resources import Warehouse, Workspace
from pipelines.retention import prune_raw_copies, prune_run_records
from pipelines.warehouse import read_table

GEOJSON = "areas/areas.geojson"
MARTS = [dg.AssetKey(["mart", t.name]) for t in tables.PUBLISHED if t.name != "refresh"]


def _refresh_record(context: dg.AssetExecutionContext, workspace: Workspace, conn) -> dict:
    record = context.instance.get_run_record_by_id(context.run.run_id)
    started = record.start_time if record and record.start_time else None
    files = conn.execute(
        "SELECT name, sha256, size_bytes FROM raw.files ORDER BY name"
    ).fetchall()
    return {
        "refresh_id": context.run.run_id,
        "started_at": now() if started is None else _utc(started),
        "finished_at": now(),
        "data_dir": str(workspace.paths.data),
        "catalogue_version": catalogue_version(),
        "files": [{"name": n, "sha256": s, "size_bytes": b} for n, s, b in files],
        "failed_runs_since_last_publish": failures_since_last_publication(conn),
    }


def _utc(timestamp: float):
    from datetime import UTC, datetime

    return datetime.fromtimestamp(timestamp, tz=UTC)


@dg.asset(key=["publish", "site"], group_name="publish", kinds={"html", "plotly"},
          deps=MARTS)
def publish_site(
    context: dg.AssetExecutionContext, workspace: Workspace, warehouse: Warehouse
) -> dg.MaterializeResult:
    """The planners' dashboards, rendered offline from the mart tables into this refresh's
    publication folder (`<home>/publications/<refresh>/site`); they go live only together
    with the serving warehouse."""
    paths = workspace.paths
    version = paths.publication(context.run.run_id) / "site"
    with warehouse.connect() as conn:
        frames = {t.name: read_table(conn, t.qualified) for t in tables.PUBLISHED
                  if t.name != "refresh"}
        frames["survey_waves"] = read_table(conn, "staging.survey_waves")
        # The local model scored with: its labels, units and cut-offs for the pages.
        frames["local_model"] = read_table(conn, "staging.local_model")
        refresh = _refresh_record(context, workspace, conn)
        outlines = received_copies(conn, "areas").get(GEOJSON)
    geojson = read_geojson(outlines, GEOJSON) if outlines else None
    workspace.injected_failure("publish/site")
    pages = build_site(frames, refresh, version, geojson=geojson)
    size = sum(p.stat().st_size for p in version.rglob("*") if p.is_file())
    return dg.MaterializeResult(
        metadata={"site_version": str(version), "pages": len(pages), "size_bytes": size}
    )


@dg.asset(key=["publish", "serving"], group_name="publish", kinds={"duckdb"},
          deps=[dg.AssetKey(["publish", "site"]), *MARTS])
def publish_serving(
    context: dg.AssetExecutionContext, workspace: Workspace, warehouse: Warehouse
) -> dg.MaterializeResult:
    """The published warehouse `<home>/serving/boligmonitor.duckdb`: built as a new file
    from the mart tables, checkpointed and closed, then made live together with the new
    site version by one rename of `<home>/current`. Consumers open it read-only."""
    paths = workspace.paths
    publication = paths.publication(context.run.run_id)
    with warehouse.connect() as conn:
        refresh = _refresh_record(context, workspace, conn)
        build_serving_file(conn, publication, tables.PUBLISHED, refresh)
    workspace.injected_failure("publish/serving")
    options = workspace.options  # read before the swap: a bad file must not fail after it
    swap_in(paths, publication)
    kill_point("publish/serving", "swapped")
    # Live now, warehouse and site together. Nothing below can undo that: each step is
    # tried, and what fails is reported after the rest ran, as failing after publication.
    problems: list[str] = []

    def attempt(what: str, action, default=0):
        try:
            return action()
        except Exception as exc:  # reported below; the publication stays live
            plain = from_exception(exc, paths.home) or str(exc).strip().splitlines()[0]
            problems.append(f"{what}: {plain}")
            context.log.warning(f"after publishing, {what} failed: {plain}")
            return default

    def record() -> None:
        with warehouse.connect() as conn:
            record_publication(conn, context.run.run_id)

    def settle() -> int:
        with warehouse.connect() as conn:
            return settle_incoming(conn, paths.data)

    attempt("recording the publication in ops.publications", record)
    moved = attempt("moving the incoming deliveries it read into place", settle)
    pruned = attempt("pruning old publications",
                     lambda: prune_publications(paths, options.keep_publications), [])

    def prune_records() -> tuple[int, int]:
        with warehouse.connect() as conn:
            kept = [p.refresh_id for p in publications(paths)]
            return (prune_raw_copies(conn, kept, options.keep_raw_days),
                    prune_run_records(context.instance, conn, options.keep_run_days))

    removed_copies, removed_runs = attempt("pruning raw copies and run records",
                                           prune_records, (0, 0))
    if problems:
        raise AfterPublishError(
            f"refresh {context.run.run_id} is published (warehouse and site), but afterwards "
            + "; ".join(problems)
        )
    mailed = _mail_signal_changes(context, warehouse, options)
    return dg.MaterializeResult(
        metadata={
            "serving_file": str(paths.serving_db),
            "size_bytes": paths.serving_db.stat().st_size,
            "refresh_id": context.run.run_id,
            "site": str(paths.site / "index.html"),
            "pruned_publications": len(pruned),
            "pruned_raw_copies": removed_copies,
            "pruned_run_records": removed_runs,
            "incoming_deliveries_moved_into_place": moved,
            "signal_change_mails": mailed,
        }
    )


def _mail_signal_changes(context: dg.AssetExecutionContext, warehouse: Warehouse,
                         options) -> int:
    """This refresh's mart.signal_changes rows to the addresses of `alerts:`, only once
    the refresh is live and succeeded; a failure is logged, never fails the refresh."""
    try:
        with warehouse.connect() as conn:
            changes = conn.execute("SELECT * FROM mart.signal_changes WHERE refresh_id = ?",
                                   [context.run.run_id]).pl()
            areas = read_table(conn, "mart.areas")
        return send_alerts(changes, areas, options.alerts, load_catalogue(), context.log.warning)
    except Exception as exc:  # the publication is live; the mail is a courtesy
        context.log.warning(f"after publishing, the signal-change mails failed: {exc}")
        return 0
