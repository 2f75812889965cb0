"""The sensor that starts a refresh when a delivery lands in `<data>/incoming/`."""

import hashlib
import json

import dagster as dg

from pipelines.incoming import pending
from pipelines.jobs import nightly
from pipelines.resources import Workspace


@dg.sensor(
    job=nightly,
    minimum_interval_seconds=60,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="Starts a refresh when new or changed deliveries appear in the data "
    "directory's incoming/ folder. Each delivery (by content) triggers one run.",
)
def incoming_deliveries(context: dg.SensorEvaluationContext, workspace: Workspace):
    # Links, FIFOs and oversized deliveries are never read here: they count by their shape
    # and are rejected, with a report, by the run.
    waiting = pending(workspace.paths.data, workspace.options.max_delivery_bytes)
    seen = json.loads(context.cursor) if context.cursor else {}
    news = {name: sig for name, sig in waiting.items() if seen.get(name) != sig}
    # Remember only what is still waiting, so a delivery dropped again later counts anew.
    context.update_cursor(json.dumps(waiting, sort_keys=True))
    if not news:
        return dg.SkipReason("no new deliveries in incoming/")
    key = hashlib.sha256(json.dumps(news, sort_keys=True).encode()).hexdigest()[:16]
    return dg.RunRequest(
        run_key=f"incoming-{key}",
        tags={"boligmonitor/trigger": "incoming", "boligmonitor/deliveries": ",".join(news)},
    )
