"""Alerts: what this refresh changes in the areas' colours and signals.

The "before" is the live publication (the serving file before the swap): a
failed night never went live, so its figures are never compared with, and
the history of changes travels with each publication (mart.signal_changes of
the live file, plus this refresh's). The mails go out in the publish step,
after the swap (assets/publish.py, pipelines/alerts.py).
"""


import dagster as dg

from assets.mart import mart, mart_asset, publish_table
from indicators import tables
from indicators.catalogue import load_catalogue
from indicators.signal_changes import Publication, compute_signal_changes, with_history
from pipelines.alerts import read_live_publication
from pipelines.publication import now
from pipelines.resources import Warehouse, Workspace
from pipelines.warehouse import read_table


@mart_asset(tables.SIGNAL_CHANGES,
            deps=[mart("areas"), mart("area_status"), mart("area_signals")],
            kinds={"duckdb", "polars"})
def mart_signal_changes(context: dg.AssetExecutionContext, workspace: Workspace,
                        warehouse: Warehouse) -> dg.MaterializeResult:
    before, history = read_live_publication(workspace.paths.serving_db)
    with warehouse.connect() as conn:
        after = Publication(areas=read_table(conn, "mart.areas"),
                            status=read_table(conn, "mart.area_status"),
                            signals=read_table(conn, "mart.area_signals"))
        changes = compute_signal_changes(before, after, load_catalogue(),
                                         context.run.run_id, now().date())
        context.log.info(f"{changes.height} area(s) changed colour or signals"
                         + ("" if before else " (no live publication to compare with)"))
        return publish_table(conn, tables.SIGNAL_CHANGES, with_history(history, changes))
