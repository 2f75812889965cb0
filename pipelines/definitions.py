"""The Dagster definitions: assets, checks, the nightly job, resources."""

from __future__ import annotations

import dagster as dg

from assets import indicators as indicator_assets
from assets import mart, publish, raw, staging, survey
from pipelines.checks import published_table_checks
from pipelines.jobs import nightly, nightly_schedule
from pipelines.progress import progress_logger
from pipelines.resources import build_resources
from pipelines.sensors import incoming_deliveries
from pipelines.settings import Paths, resolve_paths

ASSET_MODULES = [raw, staging, survey, mart, indicator_assets, publish]

def build_definitions(paths: Paths) -> dg.Definitions:
    return dg.Definitions(
        assets=dg.load_assets_from_modules(ASSET_MODULES),
        asset_checks=published_table_checks(),
        jobs=[nightly],
        schedules=[nightly_schedule],
        sensors=[incoming_deliveries],
        resources=build_resources(paths),
        loggers={"progress": progress_logger},
    )


def defs() -> dg.Definitions:
    """Definitions for `dagster dev` / the daemon: paths from the environment."""
    return build_definitions(resolve_paths())
