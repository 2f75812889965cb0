"""The Dagster definitions: assets, checks, the nightly job, resources."""

from __future__ import annotations

import dagster as dg

from assets import alerts, effects, local, mart, publish, raw, staging, survey
from assets import indicators as indicator_assets
from pipelines.jobs import nightly, nightly_schedule
from pipelines.progress import progress_logger
from pipelines.resources import build_resources, deployment_resources
from pipelines.sensors import incoming_deliveries
from pipelines.settings import Paths

ASSET_MODULES = [raw, staging, survey, mart, indicator_assets, effects, local, alerts,
                 publish]

def build_definitions(paths: Paths | None = None, fail_at: str = "") -> dg.Definitions:
    """The whole product. With `paths`, bound to them (the CLI); without, to the
    deployment's environment, BOLIGMONITOR_HOME and BOLIGMONITOR_DATA (the daemon)."""
    return dg.Definitions(
        assets=dg.load_assets_from_modules(ASSET_MODULES),
        jobs=[nightly],
        schedules=[nightly_schedule],
        sensors=[incoming_deliveries],
        resources=build_resources(paths, fail_at=fail_at) if paths else deployment_resources(),
        loggers={"progress": progress_logger},
    )


@dg.definitions
def defs() -> dg.Definitions:
    """The code location `boligmonitor serve` loads into the webserver and daemon."""
    return build_definitions()
