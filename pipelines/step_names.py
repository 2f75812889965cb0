"""Step names as a person knows them: the asset keys the Dagster UI shows.

Dagster names an execution step after its op (`staging__areas`, or a multi-asset's
function name such as `staging_kaas`); the UI, the docs and `--fail-at` speak of
asset keys (`staging/areas`, `staging/kaas`). Every log line and error message
goes through `step_label`, so the two never mix.
"""

from __future__ import annotations

import dagster as dg


def asset_labels(job: dg.JobDefinition) -> dict[str, str]:
    """Step key -> the asset keys that step materialises, `layer/name`, joined by ' + '."""
    labels = {}
    for assets_def in job.asset_layer.asset_graph.assets_defs:
        if assets_def.is_executable:
            keys = sorted(key.to_user_string() for key in assets_def.keys)
            labels[assets_def.node_def.name] = " + ".join(keys)
    return labels


def step_label(step_key: str | None, job: dg.JobDefinition | None = None) -> str:
    """The asset key(s) behind a step; without the job, the single-asset convention
    (`layer__name` -> `layer/name`)."""
    if not step_key:
        return ""
    if job is not None:
        label = asset_labels(job).get(step_key)
        if label:
            return label
    return step_key.replace("__", "/")
